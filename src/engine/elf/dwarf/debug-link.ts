// Where a stripped object's separate debug file lives: by build-id under
// /usr/lib/debug/.build-id, or by the name and CRC in .gnu_debuglink (GDB's
// and Valgrind's search order). The engine cannot read files; the host
// tries these paths and hands the bytes to parseElf.

import type { ElfFile } from '../elf.ts';
import { sectionWithData } from './sections.ts';

export interface DebugLink {
  name: string;
  /** CRC-32 (IEEE, as zlib computes it) of the whole debug file. */
  crc: number;
}

/** The .gnu_debuglink section: a file name, padding to 4, a CRC-32. */
export function gnuDebuglink(elf: ElfFile): DebugLink | undefined {
  const s = sectionWithData(elf, '.gnu_debuglink');
  if (!s || s.size < 8) return undefined;
  const bytes = elf.bytes.subarray(s.offset, s.offset + s.size);
  const nul = bytes.indexOf(0);
  if (nul < 0) return undefined;
  const crcAt = (nul + 4) & ~3;
  if (crcAt + 4 > bytes.length) return undefined;
  const name = new TextDecoder().decode(bytes.slice(0, nul));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { name, crc: view.getUint32(crcAt, true) };
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * Candidate paths of `objectPath`'s debug file, in the order to try them:
 * /usr/lib/debug/.build-id/ab/cdef....debug, then for a debuglink NAME:
 * DIR/NAME, DIR/.debug/NAME, /usr/lib/debug/DIR/NAME (DIR = the object's
 * directory). `extraDirs` (Valgrind's --extra-debuginfo-path) are searched
 * like /usr/lib/debug. A debuglink candidate is only the right file if
 * `crc32` of it equals the link's CRC.
 */
export function debugFileCandidates(elf: ElfFile, objectPath: string, extraDirs: readonly string[] = []): string[] {
  const roots = ['/usr/lib/debug', ...extraDirs];
  const out: string[] = [];
  if (elf.buildId && elf.buildId.length > 2) {
    for (const root of roots) out.push(`${root}/.build-id/${elf.buildId.slice(0, 2)}/${elf.buildId.slice(2)}.debug`);
  }
  const link = gnuDebuglink(elf);
  if (link) {
    const slash = objectPath.lastIndexOf('/');
    const dir = slash > 0 ? objectPath.slice(0, slash) : slash === 0 ? '' : '.';
    out.push(`${dir}/${link.name}`, `${dir}/.debug/${link.name}`);
    for (const root of roots) out.push(`${root}${dir.startsWith('/') ? dir : `/${dir}`}/${link.name}`);
  }
  return out;
}
