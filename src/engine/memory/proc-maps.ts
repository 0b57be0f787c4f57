// /proc/self/maps, byte for byte as Linux prints it (fs/proc/task_mmu.c).
import type { Mapping } from './mappings.ts';
import { PERM_R, PERM_W, PERM_X } from './types.ts';

/**
 * show_vma_header_prefix sets the field width to 25 + 6 * sizeof(void *) - 1
 * columns; a line with a name is padded to it with spaces, then one more
 * space, then the name. A line without a name ends with the space after the inode.
 */
const NAME_COLUMN = 25 + 6 * 8 - 1;

export function renderProcMaps(mappings: readonly Mapping[]): string {
  return mappings
    .filter((m) => m.kind !== 'reserved')
    .map((m) => `${mapsLine(m)}\n`)
    .join('');
}

function mapsLine(m: Mapping): string {
  const perms =
    (m.perm & PERM_R ? 'r' : '-') + (m.perm & PERM_W ? 'w' : '-') + (m.perm & PERM_X ? 'x' : '-') + (m.shared ? 's' : 'p');
  const f = m.file;
  const prefix =
    `${hex(m.start, 8)}-${hex(m.end, 8)} ${perms} ${hex(f?.offset ?? 0, 8)} ` +
    `${hex(f?.devMajor ?? 0, 2)}:${hex(f?.devMinor ?? 0, 2)} ${f?.inode ?? 0} `;
  const name = f?.path ?? (m.kind === 'stack' ? '[stack]' : m.kind === 'brk' ? '[heap]' : '');
  return name ? `${prefix.padEnd(NAME_COLUMN)} ${name}` : prefix;
}

function hex(value: number, width: number): string {
  return value.toString(16).padStart(width, '0');
}
