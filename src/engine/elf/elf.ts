import { parseDynamic, type DynamicEntry } from './dynamic.ts';
import { parseHeader, type ElfHeader } from './header.ts';
import { buildIdOf, parseNotes, type ElfNote } from './notes.ts';
import { ByteReader } from './reader.ts';
import { SHT_DYNSYM, SHT_SYMTAB, parseSections, type Section } from './sections.ts';
import { interpreterOf, parseSegments, type ProgramHeader } from './segments.ts';
import { parseSymbols, type ElfSymbol } from './symbols.ts';

export interface ElfFile {
  bytes: Uint8Array;
  header: ElfHeader;
  segments: ProgramHeader[];
  /** Empty when the file has no section header table. */
  sections: Section[];
  /** From .symtab; empty if stripped. */
  symbols: ElfSymbol[];
  /** From .dynsym, with GNU symbol versions. */
  dynamicSymbols: ElfSymbol[];
  /** PT_DYNAMIC entries before DT_NULL. */
  dynamic: DynamicEntry[];
  /** DT_NEEDED libraries, in order. */
  needed: string[];
  soname?: string;
  runpath?: string;
  rpath?: string;
  /** PT_INTERP: the dynamic loader's path. */
  interp?: string;
  notes: ElfNote[];
  /** NT_GNU_BUILD_ID in lowercase hex. */
  buildId?: string;
}

/**
 * Parses and validates an x86-64 little-endian ELF64 file. Throws ElfError,
 * and nothing else, for any input that is not one: every table must lie inside
 * the file, PT_LOAD segments must not overlap, every name must resolve.
 */
export function parseElf(bytes: Uint8Array): ElfFile {
  const r = new ByteReader(bytes);
  const header = parseHeader(r);
  const segments = parseSegments(r, header);
  const sections = parseSections(r, header);
  const { entries: dynamic, ...dynamicStrings } = parseDynamic(r, segments);
  const notes = parseNotes(r, sections, segments);
  return {
    bytes,
    header,
    segments,
    sections,
    symbols: parseSymbols(r, sections, SHT_SYMTAB),
    dynamicSymbols: parseSymbols(r, sections, SHT_DYNSYM),
    dynamic,
    ...dynamicStrings,
    interp: interpreterOf(bytes, segments),
    notes,
    buildId: buildIdOf(notes),
  };
}
