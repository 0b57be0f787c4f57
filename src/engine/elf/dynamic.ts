import { ElfError } from './errors.ts';
import { hex, type ByteReader } from './reader.ts';
import { PT_DYNAMIC, fileOffsetOfVaddr, type ProgramHeader } from './segments.ts';
import { StringTable } from './strings.ts';

export interface DynamicEntry {
  tag: number;
  /** readelf's name for the tag ('NEEDED', 'GNU_HASH', ...), or the tag in hex. */
  tagName: string;
  value: number;
}

export interface DynamicInfo {
  entries: DynamicEntry[];
  needed: string[];
  soname?: string;
  runpath?: string;
  rpath?: string;
}

const DYN_SIZE = 16;
const DT_NULL = 0;
const DT_NEEDED = 1;
const DT_STRTAB = 5;
const DT_STRSZ = 10;
const DT_SONAME = 14;
const DT_RPATH = 15;
const DT_RUNPATH = 29;

const TAG_NAMES: Record<number, string> = {
  0: 'NULL', 1: 'NEEDED', 2: 'PLTRELSZ', 3: 'PLTGOT', 4: 'HASH', 5: 'STRTAB', 6: 'SYMTAB', 7: 'RELA',
  8: 'RELASZ', 9: 'RELAENT', 10: 'STRSZ', 11: 'SYMENT', 12: 'INIT', 13: 'FINI', 14: 'SONAME',
  15: 'RPATH', 16: 'SYMBOLIC', 17: 'REL', 18: 'RELSZ', 19: 'RELENT', 20: 'PLTREL', 21: 'DEBUG',
  22: 'TEXTREL', 23: 'JMPREL', 24: 'BIND_NOW', 25: 'INIT_ARRAY', 26: 'FINI_ARRAY',
  27: 'INIT_ARRAYSZ', 28: 'FINI_ARRAYSZ', 29: 'RUNPATH', 30: 'FLAGS', 32: 'PREINIT_ARRAY',
  33: 'PREINIT_ARRAYSZ', 34: 'SYMTAB_SHNDX', 35: 'RELRSZ', 36: 'RELR', 37: 'RELRENT',
  0x6ffffdf8: 'CHECKSUM', 0x6ffffdf9: 'PLTPADSZ', 0x6ffffdfa: 'MOVEENT', 0x6ffffdfb: 'MOVESZ',
  0x6ffffdfc: 'FEATURE', 0x6ffffdfd: 'POSFLAG_1', 0x6ffffdfe: 'SYMINSZ', 0x6ffffdff: 'SYMINENT',
  0x6ffffef5: 'GNU_HASH', 0x6ffffef6: 'TLSDESC_PLT', 0x6ffffef7: 'TLSDESC_GOT',
  0x6ffffefa: 'CONFIG', 0x6ffffefb: 'DEPAUDIT', 0x6ffffefc: 'AUDIT', 0x6ffffefd: 'PLTPAD',
  0x6ffffefe: 'MOVETAB', 0x6ffffeff: 'SYMINFO', 0x6ffffff0: 'VERSYM', 0x6ffffff9: 'RELACOUNT',
  0x6ffffffa: 'RELCOUNT', 0x6ffffffb: 'FLAGS_1', 0x6ffffffc: 'VERDEF', 0x6ffffffd: 'VERDEFNUM',
  0x6ffffffe: 'VERNEED', 0x6fffffff: 'VERNEEDNUM', 0x7ffffffd: 'AUXILIARY', 0x7fffffff: 'FILTER',
};

/**
 * The PT_DYNAMIC array up to (not including) its DT_NULL terminator, and the
 * strings it names. Those go through DT_STRTAB, a virtual address, because the
 * dynamic loader finds them that way; section headers may be absent.
 */
export function parseDynamic(r: ByteReader, segments: ProgramHeader[]): DynamicInfo {
  const seg = segments.find((s) => s.type === PT_DYNAMIC);
  const entries: DynamicEntry[] = [];
  for (let i = 0; seg && i < Math.floor(seg.filesz / DYN_SIZE); i++) {
    const base = seg.offset + i * DYN_SIZE;
    const tag = r.u64(base, `dynamic entry ${i} tag`);
    if (tag === DT_NULL) break;
    const tagName = TAG_NAMES[tag] ?? hex(tag);
    entries.push({ tag, tagName, value: r.u64(base + 8, `dynamic entry ${i} (${tagName}) value`) });
  }

  const valueOf = (tag: number) => entries.find((e) => e.tag === tag)?.value;
  const stringTags = [DT_NEEDED, DT_SONAME, DT_RPATH, DT_RUNPATH];
  if (!entries.some((e) => stringTags.includes(e.tag))) return { entries, needed: [] };

  const strtab = valueOf(DT_STRTAB);
  const strsz = valueOf(DT_STRSZ);
  if (strtab === undefined || strsz === undefined) {
    throw new ElfError('dynamic section names libraries or paths but lacks DT_STRTAB or DT_STRSZ');
  }
  const offset = fileOffsetOfVaddr({ segments }, strtab);
  if (offset === undefined) throw new ElfError(`DT_STRTAB ${hex(strtab)} is not in any PT_LOAD segment's file data`);
  r.require(offset, strsz, 'dynamic string table (DT_STRTAB, DT_STRSZ)');
  const strings = new StringTable(r.bytes.subarray(offset, offset + strsz), 'dynamic string table');
  const stringOf = (tag: number) => {
    const value = valueOf(tag);
    return value === undefined ? undefined : strings.get(value);
  };
  return {
    entries,
    needed: entries.filter((e) => e.tag === DT_NEEDED).map((e) => strings.get(e.value)),
    soname: stringOf(DT_SONAME),
    runpath: stringOf(DT_RUNPATH),
    rpath: stringOf(DT_RPATH),
  };
}
