import type { ElfFile } from './elf.ts';
import { ElfError } from './errors.ts';
import { PHDR_SIZE, type ElfHeader } from './header.ts';
import { hex, type ByteReader } from './reader.ts';
import { decodeString } from './strings.ts';

export interface ProgramHeader {
  type: number;
  /** readelf's name for the type ('LOAD', 'GNU_STACK', ...), or the type in hex. */
  typeName: string;
  /** PF_R | PF_W | PF_X bits. */
  flags: number;
  offset: number;
  vaddr: number;
  paddr: number;
  filesz: number;
  memsz: number;
  align: number;
}

export const PT_LOAD = 1;
export const PT_DYNAMIC = 2;
export const PT_INTERP = 3;
export const PT_NOTE = 4;
export const PF_X = 1;
export const PF_W = 2;
export const PF_R = 4;

const TYPE_NAMES: Record<number, string> = {
  0: 'NULL', 1: 'LOAD', 2: 'DYNAMIC', 3: 'INTERP', 4: 'NOTE', 5: 'SHLIB', 6: 'PHDR', 7: 'TLS',
  0x6474e550: 'GNU_EH_FRAME', 0x6474e551: 'GNU_STACK', 0x6474e552: 'GNU_RELRO',
  0x6474e553: 'GNU_PROPERTY', 0x6474e554: 'GNU_SFRAME',
};

export function parseSegments(r: ByteReader, h: ElfHeader): ProgramHeader[] {
  r.requireTable(h.phoff, h.phnum, PHDR_SIZE, 'program header');
  const segments: ProgramHeader[] = [];
  for (let i = 0; i < h.phnum; i++) {
    const base = h.phoff + i * PHDR_SIZE;
    const type = r.u32(base);
    const typeName = TYPE_NAMES[type] ?? hex(type);
    const field = (at: number, name: string) => r.u64(base + at, `program header ${i} (${typeName}) ${name}`);
    const seg: ProgramHeader = {
      type,
      typeName,
      flags: r.u32(base + 4),
      offset: field(8, 'p_offset'),
      vaddr: field(16, 'p_vaddr'),
      paddr: field(24, 'p_paddr'),
      filesz: field(32, 'p_filesz'),
      memsz: field(40, 'p_memsz'),
      align: field(48, 'p_align'),
    };
    r.require(seg.offset, seg.filesz, `program header ${i} (${typeName}) data`);
    if (type === PT_LOAD && seg.filesz > seg.memsz) {
      throw new ElfError(`program header ${i} (LOAD) has p_filesz ${hex(seg.filesz)} > p_memsz ${hex(seg.memsz)}`);
    }
    if (seg.memsz > Number.MAX_SAFE_INTEGER - seg.vaddr) {
      throw new ElfError(`program header ${i} (${typeName}) ends past 2^53`);
    }
    segments.push(seg);
  }
  checkLoadOverlap(segments);
  return segments;
}

/** The loader maps PT_LOAD segments independently, so two claiming the same bytes is corrupt. */
function checkLoadOverlap(segments: ProgramHeader[]): void {
  const loads = segments
    .map((seg, index) => ({ seg, index }))
    .filter(({ seg }) => seg.type === PT_LOAD && seg.memsz > 0)
    .sort((a, b) => a.seg.vaddr - b.seg.vaddr);
  // Sorted by start, any overlapping pair implies an overlapping neighbour pair.
  for (let i = 1; i < loads.length; i++) {
    const prev = loads[i - 1];
    const next = loads[i];
    if (prev.seg.vaddr + prev.seg.memsz > next.seg.vaddr) {
      const [a, b] = [prev.index, next.index].sort((x, y) => x - y);
      throw new ElfError(`overlapping PT_LOAD segments ${a} and ${b}`);
    }
  }
}

/** File offset holding the byte at `vaddr`, if a PT_LOAD maps it from the file (not .bss). */
export function fileOffsetOfVaddr(elf: Pick<ElfFile, 'segments'>, vaddr: number): number | undefined {
  for (const seg of elf.segments) {
    if (seg.type === PT_LOAD && vaddr >= seg.vaddr && vaddr - seg.vaddr < seg.filesz) {
      return seg.offset + (vaddr - seg.vaddr);
    }
  }
  return undefined;
}

/** The PT_INTERP path (the dynamic loader the program asks for). */
export function interpreterOf(bytes: Uint8Array, segments: ProgramHeader[]): string | undefined {
  const seg = segments.find((s) => s.type === PT_INTERP);
  return seg && decodeString(bytes.subarray(seg.offset, seg.offset + seg.filesz));
}
