// Shared by the memory tests: a compact picture of the mapping list, and
// shorthands for anonymous mappings.
import { AddressSpace, PERM_R, PERM_W, PERM_X, type GuestAddr, type Perm } from '../../src/engine/memory/index.ts';

/** One line per mapping, reservations included: "04000000-04002000 rw-p anon". */
export function layout(space: AddressSpace): string[] {
  return space.mappings.map((m) => {
    const perms = (m.perm & PERM_R ? 'r' : '-') + (m.perm & PERM_W ? 'w' : '-') + (m.perm & PERM_X ? 'x' : '-') + (m.shared ? 's' : 'p');
    return `${hex8(m.start)}-${hex8(m.end)} ${perms} ${m.kind}`;
  });
}

export function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}

export function mapAnon(space: AddressSpace, addr: GuestAddr, length: number, perm: Perm, fixed?: 'replace' | 'noreplace'): number {
  return space.mmap({ addr, length, perm, ...(fixed && { fixed }) });
}
