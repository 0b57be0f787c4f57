// .debug_info units and their DIEs (DWARF 2-5): abbreviation tables, every
// attribute form, and the unit DIE's attributes that other tables need (the
// compilation directory that a DWARF 2-4 line table's directory 0 stands for).

import type { ElfFile } from '../elf.ts';
import * as C from './constants.ts';
import { DwarfError, DwarfReader, hex, stringAt } from './reader.ts';
import { debugSection } from './sections.ts';

// Local copies: under module runners that wrap namespaces (vitest, vite-node) every
// `C.X` in a hot switch is a getter call.
const {
  DW_AT_GNU_addr_base, DW_AT_GNU_ranges_base, DW_AT_addr_base, DW_AT_comp_dir, DW_AT_low_pc, DW_AT_name,
  DW_AT_rnglists_base, DW_AT_stmt_list, DW_AT_str_offsets_base, DW_FORM_GNU_addr_index, DW_FORM_GNU_ref_alt,
  DW_FORM_GNU_str_index, DW_FORM_GNU_strp_alt, DW_FORM_addr, DW_FORM_addrx, DW_FORM_addrx1, DW_FORM_addrx2,
  DW_FORM_addrx3, DW_FORM_addrx4, DW_FORM_block, DW_FORM_block1, DW_FORM_block2, DW_FORM_block4, DW_FORM_data1,
  DW_FORM_data16, DW_FORM_data2, DW_FORM_data4, DW_FORM_data8, DW_FORM_exprloc, DW_FORM_flag,
  DW_FORM_flag_present, DW_FORM_implicit_const, DW_FORM_indirect, DW_FORM_line_strp, DW_FORM_loclistx,
  DW_FORM_ref1, DW_FORM_ref2, DW_FORM_ref4, DW_FORM_ref8, DW_FORM_ref_addr, DW_FORM_ref_sig8, DW_FORM_ref_sup4,
  DW_FORM_ref_sup8, DW_FORM_ref_udata, DW_FORM_rnglistx, DW_FORM_sdata, DW_FORM_sec_offset, DW_FORM_string,
  DW_FORM_strp, DW_FORM_strp_sup, DW_FORM_strx, DW_FORM_strx1, DW_FORM_strx2, DW_FORM_strx3, DW_FORM_strx4,
  DW_FORM_udata, DW_RLE_base_address, DW_RLE_base_addressx, DW_RLE_end_of_list, DW_RLE_offset_pair,
  DW_RLE_start_end, DW_RLE_start_length, DW_RLE_startx_endx, DW_RLE_startx_length, DW_UT_compile,
  DW_UT_skeleton, DW_UT_split_compile, DW_UT_split_type, DW_UT_type
} = C;


export interface Abbrev {
  tag: number;
  hasChildren: boolean;
  names: number[];
  forms: number[];
  /** DW_FORM_implicit_const values, by attribute position. */
  implicit: number[];
}

export function parseAbbrevTable(bytes: Uint8Array, offset: number): Map<number, Abbrev> {
  const r = new DwarfReader(bytes, offset);
  const table = new Map<number, Abbrev>();
  for (;;) {
    const code = r.uleb();
    if (code === 0) return table;
    const abbrev: Abbrev = { tag: r.uleb(), hasChildren: r.u8() !== 0, names: [], forms: [], implicit: [] };
    for (;;) {
      const name = r.uleb();
      const form = r.uleb();
      if (name === 0 && form === 0) break;
      abbrev.names.push(name);
      abbrev.forms.push(form);
      abbrev.implicit.push(form === DW_FORM_implicit_const ? r.sleb() : 0);
    }
    table.set(code, abbrev);
  }
}

/** The sections that attribute values point into. */
export interface InfoSections {
  info: Uint8Array;
  abbrev: Uint8Array;
  str?: Uint8Array;
  lineStr?: Uint8Array;
  strOffsets?: Uint8Array;
  addr?: Uint8Array;
  rnglists?: Uint8Array;
  ranges?: Uint8Array;
}

export function infoSections(elf: ElfFile): InfoSections | undefined {
  const info = debugSection(elf, '.debug_info');
  const abbrev = debugSection(elf, '.debug_abbrev');
  if (!info || !abbrev) return undefined;
  return {
    info,
    abbrev,
    str: debugSection(elf, '.debug_str'),
    lineStr: debugSection(elf, '.debug_line_str'),
    strOffsets: debugSection(elf, '.debug_str_offsets'),
    addr: debugSection(elf, '.debug_addr'),
    rnglists: debugSection(elf, '.debug_rnglists'),
    ranges: debugSection(elf, '.debug_ranges'),
  };
}

export interface CompUnit {
  /** Offset of the unit header in .debug_info. */
  offset: number;
  version: number;
  unitType: number;
  addrSize: number;
  offsetSize: 4 | 8;
  abbrevs: Map<number, Abbrev>;
  /** Offset of the unit DIE. */
  dieOffset: number;
  end: number;
  tag: number;
  name?: string;
  compDir?: string;
  stmtList?: number;
  lowPc: number;
  strOffsetsBase: number;
  addrBase: number;
  rnglistsBase: number;
}

/**
 * A value as read from the DIE: numbers for constants, addresses, offsets
 * and references (made absolute within .debug_info), strings for string
 * forms. Blocks, expressions and 16-byte constants read as undefined.
 * `strx` and `addrx` values need the unit's bases, which the unit DIE may
 * state after the attribute that uses them; `resolve` finishes those.
 */
export type AttrValue = number | string | undefined;

const STRX = 1;
const ADDRX = 2;

/** Reads one attribute; `kind` receives STRX/ADDRX when the number returned is an index. */
export function readAttr(r: DwarfReader, form: number, cu: CompUnit, s: InfoSections, implicit: number, kind?: { v: number }): AttrValue {
  switch (form) {
    case DW_FORM_addr: return r.uN(cu.addrSize);
    case DW_FORM_data1: case DW_FORM_ref1: case DW_FORM_flag: return refOr(form, r.u8(), cu);
    case DW_FORM_data2: case DW_FORM_ref2: return refOr(form, r.u16(), cu);
    case DW_FORM_data4: case DW_FORM_ref4: return refOr(form, r.u32(), cu);
    case DW_FORM_data8: case DW_FORM_ref8: case DW_FORM_ref_sig8: return refOr(form, r.u64(), cu);
    case DW_FORM_ref_sup4: return r.u32();
    case DW_FORM_ref_sup8: return r.u64();
    case DW_FORM_data16: r.skip(16); return undefined;
    case DW_FORM_sdata: return r.sleb();
    case DW_FORM_udata: return r.uleb();
    case DW_FORM_ref_udata: return cu.offset + r.uleb();
    case DW_FORM_string: return r.cstr();
    case DW_FORM_strp: return strAt(s.str, r.offset(cu.offsetSize), '.debug_str');
    case DW_FORM_line_strp: return strAt(s.lineStr, r.offset(cu.offsetSize), '.debug_line_str');
    case DW_FORM_strp_sup: case DW_FORM_GNU_strp_alt: case DW_FORM_GNU_ref_alt:
      r.offset(cu.offsetSize);
      return undefined;
    case DW_FORM_ref_addr: return cu.version <= 2 ? r.uN(cu.addrSize) : r.offset(cu.offsetSize);
    case DW_FORM_sec_offset: return r.offset(cu.offsetSize);
    case DW_FORM_flag_present: return 1;
    case DW_FORM_implicit_const: return implicit;
    case DW_FORM_block1: r.skip(r.u8()); return undefined;
    case DW_FORM_block2: r.skip(r.u16()); return undefined;
    case DW_FORM_block4: r.skip(r.u32()); return undefined;
    case DW_FORM_block: case DW_FORM_exprloc: r.skip(r.uleb()); return undefined;
    case DW_FORM_strx: case DW_FORM_GNU_str_index: return index(STRX, r.uleb(), kind);
    case DW_FORM_strx1: return index(STRX, r.u8(), kind);
    case DW_FORM_strx2: return index(STRX, r.u16(), kind);
    case DW_FORM_strx3: return index(STRX, r.u16() | (r.u8() << 16), kind);
    case DW_FORM_strx4: return index(STRX, r.u32(), kind);
    case DW_FORM_addrx: case DW_FORM_GNU_addr_index: return index(ADDRX, r.uleb(), kind);
    case DW_FORM_addrx1: return index(ADDRX, r.u8(), kind);
    case DW_FORM_addrx2: return index(ADDRX, r.u16(), kind);
    case DW_FORM_addrx3: return index(ADDRX, r.u16() | (r.u8() << 16), kind);
    case DW_FORM_addrx4: return index(ADDRX, r.u32(), kind);
    case DW_FORM_loclistx: case DW_FORM_rnglistx: return r.uleb();
    case DW_FORM_indirect: {
      const actual = r.uleb();
      const implicitValue = actual === DW_FORM_implicit_const ? r.sleb() : 0;
      return readAttr(r, actual, cu, s, implicitValue, kind);
    }
    default:
      throw new DwarfError(`unknown attribute form ${hex(form)} at .debug_info ${hex(r.pos)}`);
  }
}

function refOr(form: number, value: number, cu: CompUnit): number {
  const isRef = form === DW_FORM_ref1 || form === DW_FORM_ref2 || form === DW_FORM_ref4 || form === DW_FORM_ref8;
  return isRef ? cu.offset + value : value;
}

function index(which: number, value: number, kind?: { v: number }): number {
  if (kind) kind.v = which;
  return value;
}

function strAt(section: Uint8Array | undefined, offset: number, name: string): string {
  if (!section) throw new DwarfError(`string form refers to ${name}, which is missing`);
  return stringAt(section, offset, name);
}

/** Resolves a DW_FORM_strx* index through .debug_str_offsets. */
export function strx(cu: CompUnit, s: InfoSections, i: number): string {
  if (!s.strOffsets) throw new DwarfError('strx form without .debug_str_offsets');
  const r = new DwarfReader(s.strOffsets, cu.strOffsetsBase + i * cu.offsetSize);
  return strAt(s.str, r.offset(cu.offsetSize), '.debug_str');
}

/** Resolves a DW_FORM_addrx* index through .debug_addr. */
export function addrx(cu: CompUnit, s: InfoSections, i: number): number {
  if (!s.addr) throw new DwarfError('addrx form without .debug_addr');
  return new DwarfReader(s.addr, cu.addrBase + i * cu.addrSize).uN(cu.addrSize);
}

/**
 * Every unit of .debug_info with its unit DIE's attributes. A unit that
 * fails to parse is skipped (its error goes to `warnings`); a unit whose
 * header is unreadable ends the walk, since the next one cannot be found.
 */
export function readCompUnits(s: InfoSections, warnings: string[] = []): CompUnit[] {
  const units: CompUnit[] = [];
  const abbrevCache = new Map<number, Map<number, Abbrev>>();
  const r = new DwarfReader(s.info);
  while (!r.atEnd) {
    const offset = r.pos;
    let end: number;
    try {
      const len = r.unitLength();
      end = len.end;
      const version = r.u16();
      if (version < 2 || version > 5) throw new DwarfError(`unit at ${hex(offset)}: DWARF version ${version}`);
      let unitType = DW_UT_compile;
      let addrSize: number;
      let abbrevOffset: number;
      if (version >= 5) {
        unitType = r.u8();
        addrSize = r.u8();
        abbrevOffset = r.offset(len.offsetSize);
        if (unitType === DW_UT_skeleton || unitType === DW_UT_split_compile) r.skip(8);
        else if (unitType === DW_UT_type || unitType === DW_UT_split_type) r.skip(8 + len.offsetSize);
      } else {
        abbrevOffset = r.offset(len.offsetSize);
        addrSize = r.u8();
      }
      let abbrevs = abbrevCache.get(abbrevOffset);
      if (!abbrevs) abbrevCache.set(abbrevOffset, (abbrevs = parseAbbrevTable(s.abbrev, abbrevOffset)));
      const cu: CompUnit = {
        offset, version, unitType, addrSize, offsetSize: len.offsetSize, abbrevs,
        dieOffset: r.pos, end, tag: 0, lowPc: 0, strOffsetsBase: 8, addrBase: 8, rnglistsBase: 0,
      };
      try {
        readUnitDie(cu, s);
        units.push(cu);
      } catch (e) {
        if (!(e instanceof DwarfError)) throw e;
        warnings.push(`.debug_info unit at ${hex(offset)}: ${e.message}`);
      }
    } catch (e) {
      if (!(e instanceof DwarfError)) throw e;
      warnings.push(`.debug_info at ${hex(offset)}: ${e.message}`);
      break;
    }
    r.pos = end;
  }
  return units;
}

function readUnitDie(cu: CompUnit, s: InfoSections): void {
  const r = new DwarfReader(s.info, cu.dieOffset, cu.end);
  const code = r.uleb();
  const abbrev = cu.abbrevs.get(code);
  if (!abbrev) throw new DwarfError(`unit DIE uses unknown abbreviation ${code}`);
  cu.tag = abbrev.tag;
  const deferred: Array<{ name: number; value: number; kind: number }> = [];
  const kind = { v: 0 };
  for (let i = 0; i < abbrev.names.length; i++) {
    kind.v = 0;
    const value = readAttr(r, abbrev.forms[i], cu, s, abbrev.implicit[i], kind);
    const name = abbrev.names[i];
    if (kind.v !== 0) {
      deferred.push({ name, value: value as number, kind: kind.v });
      continue;
    }
    switch (name) {
      case DW_AT_name: if (typeof value === 'string') cu.name = value; break;
      case DW_AT_comp_dir: if (typeof value === 'string') cu.compDir = value; break;
      case DW_AT_stmt_list: if (typeof value === 'number') cu.stmtList = value; break;
      case DW_AT_low_pc: if (typeof value === 'number') cu.lowPc = value; break;
      case DW_AT_str_offsets_base: if (typeof value === 'number') cu.strOffsetsBase = value; break;
      case DW_AT_addr_base: case DW_AT_GNU_addr_base: if (typeof value === 'number') cu.addrBase = value; break;
      case DW_AT_rnglists_base: case DW_AT_GNU_ranges_base: if (typeof value === 'number') cu.rnglistsBase = value; break;
    }
  }
  for (const d of deferred) {
    if (d.kind === STRX) {
      const str = strx(cu, s, d.value);
      if (d.name === DW_AT_name) cu.name = str;
      else if (d.name === DW_AT_comp_dir) cu.compDir = str;
    } else if (d.name === DW_AT_low_pc) {
      cu.lowPc = addrx(cu, s, d.value);
    }
  }
}

/** Advances past one attribute value without decoding it. */
export function skipAttr(r: DwarfReader, form: number, cu: CompUnit): void {
  switch (form) {
    case DW_FORM_flag_present: case DW_FORM_implicit_const: return;
    case DW_FORM_data1: case DW_FORM_ref1: case DW_FORM_flag: case DW_FORM_strx1: case DW_FORM_addrx1:
      r.pos += 1; return;
    case DW_FORM_data2: case DW_FORM_ref2: case DW_FORM_strx2: case DW_FORM_addrx2:
      r.pos += 2; return;
    case DW_FORM_strx3: case DW_FORM_addrx3: r.pos += 3; return;
    case DW_FORM_data4: case DW_FORM_ref4: case DW_FORM_strx4: case DW_FORM_addrx4: case DW_FORM_ref_sup4:
      r.pos += 4; return;
    case DW_FORM_data8: case DW_FORM_ref8: case DW_FORM_ref_sig8: case DW_FORM_ref_sup8:
      r.pos += 8; return;
    case DW_FORM_data16: r.pos += 16; return;
    case DW_FORM_addr: r.pos += cu.addrSize; return;
    case DW_FORM_strp: case DW_FORM_line_strp: case DW_FORM_sec_offset: case DW_FORM_strp_sup:
    case DW_FORM_GNU_strp_alt: case DW_FORM_GNU_ref_alt:
      r.pos += cu.offsetSize; return;
    case DW_FORM_ref_addr: r.pos += cu.version <= 2 ? cu.addrSize : cu.offsetSize; return;
    case DW_FORM_sdata: case DW_FORM_udata: case DW_FORM_ref_udata: case DW_FORM_strx: case DW_FORM_addrx:
    case DW_FORM_loclistx: case DW_FORM_rnglistx: case DW_FORM_GNU_addr_index: case DW_FORM_GNU_str_index:
      r.uleb(); return;
    case DW_FORM_string: {
      const nul = r.bytes.indexOf(0, r.pos);
      if (nul < 0 || nul >= r.end) throw new DwarfError(`string at ${hex(r.pos)} is not NUL-terminated`);
      r.pos = nul + 1;
      return;
    }
    case DW_FORM_block1: r.pos += 1 + r.bytes[r.pos]; return;
    case DW_FORM_block2: r.skip(r.u16()); return;
    case DW_FORM_block4: r.skip(r.u32()); return;
    case DW_FORM_block: case DW_FORM_exprloc: r.skip(r.uleb()); return;
    default:
      // DW_FORM_indirect and anything unknown: the full reader knows or throws.
      readAttr(r, form, cu, { info: r.bytes, abbrev: r.bytes }, 0);
  }
}

/**
 * Address ranges of a DIE's DW_AT_ranges: a .debug_rnglists offset or
 * DW_FORM_rnglistx index (DWARF 5), or a .debug_ranges offset (DWARF 2-4).
 */
export function readRanges(cu: CompUnit, s: InfoSections, value: number, isIndex: boolean): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  if (cu.version >= 5) {
    if (!s.rnglists) throw new DwarfError('DW_AT_ranges without .debug_rnglists');
    let offset = value;
    if (isIndex) {
      const r = new DwarfReader(s.rnglists, cu.rnglistsBase + value * cu.offsetSize);
      offset = cu.rnglistsBase + r.offset(cu.offsetSize);
    }
    const r = new DwarfReader(s.rnglists, offset);
    let base = cu.lowPc;
    for (let guard = 0; guard < 1_000_000; guard++) {
      const kind = r.u8();
      switch (kind) {
        case DW_RLE_end_of_list: return out;
        case DW_RLE_base_addressx: base = addrx(cu, s, r.uleb()); break;
        case DW_RLE_startx_endx: { const a = addrx(cu, s, r.uleb()); out.push([a, addrx(cu, s, r.uleb())]); break; }
        case DW_RLE_startx_length: { const a = addrx(cu, s, r.uleb()); out.push([a, a + r.uleb()]); break; }
        case DW_RLE_offset_pair: { const a = r.uleb(); out.push([base + a, base + r.uleb()]); break; }
        case DW_RLE_base_address: base = r.uN(cu.addrSize); break;
        case DW_RLE_start_end: { const a = r.uN(cu.addrSize); out.push([a, r.uN(cu.addrSize)]); break; }
        case DW_RLE_start_length: { const a = r.uN(cu.addrSize); out.push([a, a + r.uleb()]); break; }
        default: throw new DwarfError(`unknown range list entry ${kind}`);
      }
    }
    throw new DwarfError('range list does not end');
  }
  if (!s.ranges) throw new DwarfError('DW_AT_ranges without .debug_ranges');
  const r = new DwarfReader(s.ranges, value);
  let base = cu.lowPc;
  const all = cu.addrSize === 8 ? 2 ** 64 : 0xffffffff;
  for (let guard = 0; guard < 1_000_000; guard++) {
    const a = r.uN(cu.addrSize);
    const b = r.uN(cu.addrSize);
    if (a === 0 && b === 0) return out;
    if (a === all) base = b;
    else out.push([base + a, base + b]);
  }
  throw new DwarfError('range list does not end');
}
