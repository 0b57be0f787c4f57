import type { ElfFile } from './elf.ts';
import { ElfError } from './errors.ts';
import { SHDR_SIZE, type ElfHeader } from './header.ts';
import type { ByteReader } from './reader.ts';
import { StringTable } from './strings.ts';

/** A section header; its index is its position in `ElfFile.sections`. */
export interface Section {
  name: string;
  type: number;
  flags: number;
  addr: number;
  offset: number;
  size: number;
  link: number;
  info: number;
  addralign: number;
  entsize: number;
}

export const SHT_NULL = 0;
export const SHT_SYMTAB = 2;
export const SHT_STRTAB = 3;
export const SHT_NOTE = 7;
export const SHT_NOBITS = 8;
export const SHT_DYNSYM = 11;
export const SHT_SYMTAB_SHNDX = 18;
export const SHT_GNU_VERDEF = 0x6ffffffd;
export const SHT_GNU_VERNEED = 0x6ffffffe;
export const SHT_GNU_VERSYM = 0x6fffffff;

export function parseSections(r: ByteReader, h: ElfHeader): Section[] {
  if (h.shnum === 0) return [];
  r.requireTable(h.shoff, h.shnum, SHDR_SIZE, 'section header');
  const nameOffsets: number[] = [];
  const sections: Section[] = [];
  for (let i = 0; i < h.shnum; i++) {
    const base = h.shoff + i * SHDR_SIZE;
    const field = (at: number, name: string) => r.u64(base + at, `section ${i} ${name}`);
    nameOffsets.push(r.u32(base));
    sections.push({
      name: '',
      type: r.u32(base + 4),
      flags: field(8, 'sh_flags'),
      addr: field(16, 'sh_addr'),
      offset: field(24, 'sh_offset'),
      size: field(32, 'sh_size'),
      link: r.u32(base + 40),
      info: r.u32(base + 44),
      addralign: field(48, 'sh_addralign'),
      entsize: field(56, 'sh_entsize'),
    });
  }

  // e_shstrndx 0 (SHN_UNDEF) means the sections are unnamed.
  if (h.shstrndx !== 0) {
    if (h.shstrndx >= sections.length) {
      throw new ElfError(`e_shstrndx ${h.shstrndx} is out of range (${sections.length} sections)`);
    }
    if (sections[h.shstrndx].type !== SHT_STRTAB) {
      throw new ElfError(`e_shstrndx ${h.shstrndx} is not a string table section`);
    }
    checkData(r, sections[h.shstrndx], h.shstrndx);
    const names = new StringTable(dataOf(r.bytes, sections[h.shstrndx]), 'section name table');
    sections.forEach((s, i) => {
      s.name = names.get(nameOffsets[i]);
    });
  }
  sections.forEach((s, i) => checkData(r, s, i));
  return sections;
}

/**
 * Whether the section occupies bytes of the file. SHT_NULL does not: section 0
 * may carry the extended section count in its sh_size.
 */
const hasData = (s: Section): boolean => s.type !== SHT_NULL && s.type !== SHT_NOBITS;

function checkData(r: ByteReader, s: Section, index: number): void {
  if (!hasData(s)) return;
  r.require(s.offset, s.size, `section ${index}${s.name ? ` (${s.name})` : ''}`);
}

function dataOf(bytes: Uint8Array, s: Section): Uint8Array {
  return hasData(s) ? bytes.subarray(s.offset, s.offset + s.size) : bytes.subarray(0, 0);
}

export function sectionByName(elf: Pick<ElfFile, 'sections'>, name: string): Section | undefined {
  return elf.sections.find((s) => s.name === name);
}

/** The section's bytes in the file (a view, not a copy); empty for SHT_NOBITS and SHT_NULL. */
export function sectionBytes(elf: Pick<ElfFile, 'bytes'>, s: Section): Uint8Array {
  return dataOf(elf.bytes, s);
}

/** The string table a section names in sh_link (symbol and version tables use this). */
export function linkedStrings(bytes: Uint8Array, sections: Section[], s: Section): StringTable {
  const table = sections[s.link];
  if (!table || table.type !== SHT_STRTAB) {
    throw new ElfError(`${s.name || 'section'}: sh_link ${s.link} is not a string table`);
  }
  return new StringTable(dataOf(bytes, table), `string table ${table.name || s.link}`);
}
