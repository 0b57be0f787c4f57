// Debug sections' bytes, decompressed when the file stores them compressed.

import type { ElfFile } from '../elf.ts';
import { sectionByName, sectionBytes, type Section } from '../sections.ts';
import { PF_X, PT_LOAD } from '../segments.ts';
import { inflateZlib } from './inflate.ts';
import { DwarfError } from './reader.ts';

const SHF_COMPRESSED = 0x800;
const ELFCOMPRESS_ZLIB = 1;
const SHF_EXECINSTR = 0x4;
const SHT_NOBITS = 8;

const cache = new WeakMap<ElfFile, Map<string, Uint8Array | undefined>>();

/**
 * The contents of section `name` (".debug_line", ".eh_frame", ...), or
 * undefined if the file has none. SHF_COMPRESSED sections (gABI Elf64_Chdr,
 * as `objcopy --compress-debug-sections` and Debian's -dbg packages write
 * them) and legacy GNU ".zdebug_*" sections come back decompressed; results
 * are cached per file. Throws DwarfError on a compressed section it cannot
 * decode (zstd, corrupt data).
 */
export function debugSection(elf: ElfFile, name: string): Uint8Array | undefined {
  let perFile = cache.get(elf);
  if (!perFile) cache.set(elf, (perFile = new Map()));
  if (perFile.has(name)) return perFile.get(name);
  const bytes = load(elf, name);
  perFile.set(name, bytes);
  return bytes;
}

function load(elf: ElfFile, name: string): Uint8Array | undefined {
  const s = sectionByName(elf, name);
  if (s && s.type !== SHT_NOBITS) {
    const raw = sectionBytes(elf, s);
    if (!(s.flags & SHF_COMPRESSED)) return raw;
    if (raw.length < 24) throw new DwarfError(`${name}: compressed section too short for its header`);
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const type = view.getUint32(0, true);
    if (type !== ELFCOMPRESS_ZLIB) throw new DwarfError(`${name}: unsupported compression type ${type}`);
    return inflateZlib(raw, Number(view.getBigUint64(8, true)), 24);
  }
  if (name.startsWith('.debug_')) {
    const z = sectionByName(elf, `.z${name.slice(1)}`);
    if (z && z.type !== SHT_NOBITS) {
      const raw = sectionBytes(elf, z);
      // "ZLIB" then the uncompressed size as a big-endian 64-bit number.
      if (raw.length < 12 || String.fromCharCode(...raw.subarray(0, 4)) !== 'ZLIB') {
        throw new DwarfError(`${z.name}: missing ZLIB header`);
      }
      const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      return inflateZlib(raw, Number(view.getBigUint64(4, false)), 12);
    }
  }
  return undefined;
}

/** The section named `name` if it is present with contents (not SHT_NOBITS, as in a stripped debug file). */
export function sectionWithData(elf: ElfFile, name: string): Section | undefined {
  const s = sectionByName(elf, name);
  return s && s.type !== SHT_NOBITS ? s : undefined;
}

/**
 * Address ranges [lo, hi) that hold code: SHF_EXECINSTR sections (their
 * addresses survive in a separate debug file, where they are SHT_NOBITS),
 * else executable PT_LOAD segments. Sorted and merged.
 */
export function codeRanges(elf: ElfFile): Array<[number, number]> {
  let ranges: Array<[number, number]> = elf.sections
    .filter((s) => s.flags & SHF_EXECINSTR && s.size > 0)
    .map((s) => [s.addr, s.addr + s.size]);
  if (ranges.length === 0) {
    ranges = elf.segments.filter((p) => p.type === PT_LOAD && p.flags & PF_X && p.memsz > 0).map((p) => [p.vaddr, p.vaddr + p.memsz]);
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}
