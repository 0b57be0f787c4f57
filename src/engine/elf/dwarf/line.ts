// .debug_line: line number program headers (DWARF 2-5) and the line number
// state machine (DWARF 5 section 6.2).

import * as C from './constants.ts';
import { DwarfError, DwarfReader, hex, stringAt } from './reader.ts';

// Local copies: under module runners that wrap namespaces (vitest, vite-node) every
// `C.X` in a hot loop is a getter call.
const {
  DW_FORM_block, DW_FORM_data1, DW_FORM_data16, DW_FORM_data2, DW_FORM_data4, DW_FORM_data8, DW_FORM_line_strp,
  DW_FORM_string, DW_FORM_strp, DW_FORM_udata, DW_LNCT_directory_index, DW_LNCT_path, DW_LNE_define_file,
  DW_LNE_end_sequence, DW_LNE_set_address, DW_LNS_advance_line, DW_LNS_advance_pc, DW_LNS_const_add_pc,
  DW_LNS_copy, DW_LNS_fixed_advance_pc, DW_LNS_negate_stmt, DW_LNS_set_basic_block, DW_LNS_set_column,
  DW_LNS_set_epilogue_begin, DW_LNS_set_file, DW_LNS_set_prologue_end
} = C;

/** A source file as a report shows it: `name` is what Valgrind prints, `dir` what --fullpath-after trims. */
export interface SourceFile {
  name: string;
  dir: string;
}

export interface LineProgramHeader {
  /** Offset of the program in .debug_line (a unit's DW_AT_stmt_list). */
  offset: number;
  version: number;
  /** Offset just past the program. */
  end: number;
  /** Offset of the first opcode. */
  programStart: number;
  addrSize: number;
  minInstLength: number;
  maxOpsPerInst: number;
  defaultIsStmt: boolean;
  lineBase: number;
  lineRange: number;
  opcodeBase: number;
  standardOpcodeLengths: number[];
  /** Directory table as stored; in DWARF 2-4 entry 0 is the unit's compilation directory. */
  dirs: string[];
  /** Files indexed by the `file` register (DWARF 2-4 start at 1: entry 0 is a placeholder). */
  files: SourceFile[];
}

export interface LineStrings {
  /** .debug_line_str, for DW_FORM_line_strp. */
  lineStr?: Uint8Array;
  /** .debug_str, for DW_FORM_strp. */
  str?: Uint8Array;
  /** Strings already decoded, by section and offset: every unit's header names the same few. */
  cache?: Map<number, string>;
}

function cachedString(s: LineStrings, section: Uint8Array, offset: number, name: string): string {
  // Keys: .debug_line_str offsets as is, .debug_str offsets negated (offset 0 is shared; -0 is not a distinct key).
  const key = section === s.lineStr ? offset : -offset - 1;
  let v = s.cache?.get(key);
  if (v === undefined) {
    v = stringAt(section, offset, name);
    s.cache?.set(key, v);
  }
  return v;
}

/** Row flags passed to the row callback. */
export const ROW_IS_STMT = 1;
export const ROW_END_SEQUENCE = 2;

export type RowCallback = (address: number, file: number, line: number, flags: number) => void;

const isAbsolute = (p: string): boolean => p.startsWith('/');

/** Joins without normalising: Valgrind prints `/build/../src/x.c` as stored. */
export function joinPath(dir: string, name: string): string {
  if (!dir || isAbsolute(name)) return name;
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

/** Splits a stored file entry into the printed name and the full directory. */
function sourceFile(dir: string, path: string): SourceFile {
  const slash = path.lastIndexOf('/');
  if (slash < 0) return { name: path, dir };
  const head = slash === 0 ? '/' : path.slice(0, slash);
  return { name: path.slice(slash + 1), dir: joinPath(dir, head) };
}

/**
 * Reads the program header at `offset`. `compDir` gives the unit's
 * DW_AT_comp_dir, which DWARF 2-4 directory 0 stands for (DWARF 5 stores it);
 * it is only called for those versions.
 */
export function parseLineHeader(
  bytes: Uint8Array,
  offset: number,
  strings: LineStrings,
  compDir: () => string | undefined = () => undefined,
): LineProgramHeader {
  const r = new DwarfReader(bytes, offset);
  const { end, offsetSize } = r.unitLength();
  r.end = end;
  const version = r.u16();
  if (version < 2 || version > 5) throw new DwarfError(`line program at ${hex(offset)}: DWARF version ${version}`);
  let addrSize = 8;
  if (version >= 5) {
    addrSize = r.u8();
    r.u8(); // segment_selector_size
  }
  const headerLength = r.offset(offsetSize);
  const programStart = r.pos + headerLength;
  if (programStart > end) throw new DwarfError(`line program at ${hex(offset)}: header_length runs past the unit`);
  const minInstLength = r.u8();
  const maxOpsPerInst = version >= 4 ? r.u8() : 1;
  const defaultIsStmt = r.u8() !== 0;
  const lineBase = r.s8();
  const lineRange = r.u8();
  const opcodeBase = r.u8();
  if (lineRange === 0) throw new DwarfError(`line program at ${hex(offset)}: line_range is 0`);
  if (maxOpsPerInst === 0) throw new DwarfError(`line program at ${hex(offset)}: maximum_operations_per_instruction is 0`);
  const standardOpcodeLengths: number[] = [0];
  for (let i = 1; i < opcodeBase; i++) standardOpcodeLengths.push(r.u8());

  const header: LineProgramHeader = {
    offset, version, end, programStart, addrSize, minInstLength, maxOpsPerInst, defaultIsStmt,
    lineBase, lineRange, opcodeBase, standardOpcodeLengths, dirs: [], files: [],
  };
  if (version >= 5) readV5Tables(r, header, strings, offsetSize);
  else readV4Tables(r, header, compDir() ?? '');
  return header;
}

function readV4Tables(r: DwarfReader, h: LineProgramHeader, compDir: string): void {
  h.dirs.push(compDir);
  for (let dir = r.cstr(); dir !== ''; dir = r.cstr()) h.dirs.push(dir);
  h.files.push({ name: '', dir: '' });
  for (let name = r.cstr(); name !== ''; name = r.cstr()) {
    const dirIndex = r.uleb();
    r.uleb(); // modification time
    r.uleb(); // length
    h.files.push(fileEntry(h, name, dirIndex));
  }
}

/** Resolves a file entry's directory index: relative directories are relative to directory 0. */
function fileEntry(h: LineProgramHeader, name: string, dirIndex: number): SourceFile {
  const base = h.dirs[0] ?? '';
  const stored = dirIndex < h.dirs.length ? h.dirs[dirIndex] : '';
  const dir = dirIndex === 0 ? base : joinPath(base, stored);
  return sourceFile(dir, name);
}

function readV5Tables(r: DwarfReader, h: LineProgramHeader, strings: LineStrings, offsetSize: 4 | 8): void {
  const readEntries = (what: string): Array<{ path: string; dir: number }> => {
    const formatCount = r.u8();
    const format: Array<[number, number]> = [];
    for (let i = 0; i < formatCount; i++) format.push([r.uleb(), r.uleb()]);
    const count = r.uleb();
    const entries: Array<{ path: string; dir: number }> = [];
    for (let i = 0; i < count; i++) {
      const e = { path: '', dir: 0 };
      for (const [type, form] of format) {
        const value = readEntryForm(r, form, strings, offsetSize, what);
        if (type === DW_LNCT_path && typeof value === 'string') e.path = value;
        else if (type === DW_LNCT_directory_index && typeof value === 'number') e.dir = value;
      }
      entries.push(e);
    }
    return entries;
  };
  for (const d of readEntries('directory')) h.dirs.push(d.path);
  for (const f of readEntries('file')) h.files.push(fileEntry(h, f.path, f.dir));
}

function readEntryForm(r: DwarfReader, form: number, s: LineStrings, offsetSize: 4 | 8, what: string): string | number | undefined {
  switch (form) {
    case DW_FORM_string: return r.cstr();
    case DW_FORM_line_strp:
      if (!s.lineStr) throw new DwarfError(`${what} entry uses DW_FORM_line_strp but .debug_line_str is missing`);
      return cachedString(s, s.lineStr, r.offset(offsetSize), '.debug_line_str');
    case DW_FORM_strp:
      if (!s.str) throw new DwarfError(`${what} entry uses DW_FORM_strp but .debug_str is missing`);
      return cachedString(s, s.str, r.offset(offsetSize), '.debug_str');
    case DW_FORM_udata: return r.uleb();
    case DW_FORM_data1: return r.u8();
    case DW_FORM_data2: return r.u16();
    case DW_FORM_data4: return r.u32();
    case DW_FORM_data8: return r.u64();
    case DW_FORM_data16: r.skip(16); return undefined;
    case DW_FORM_block: r.skip(r.uleb()); return undefined;
    default: throw new DwarfError(`${what} entry uses unsupported form ${hex(form)}`);
  }
}

/**
 * Runs the line number program of `h`, calling `onRow` for every row it
 * appends to the matrix (DW_LNS_copy, special opcodes, DW_LNE_end_sequence).
 * `file` is the file register (an index into `h.files`). DW_LNE_define_file
 * entries are appended to `h.files`.
 */
export function runLineProgram(bytes: Uint8Array, h: LineProgramHeader, onRow: RowCallback): void {
  const r = new DwarfReader(bytes, h.programStart, h.end);
  const { minInstLength, maxOpsPerInst, lineBase, lineRange, opcodeBase, standardOpcodeLengths } = h;
  const vliw = maxOpsPerInst > 1;

  let address = 0;
  let opIndex = 0;
  let file = 1;
  let line = 1;
  let isStmt = h.defaultIsStmt;

  const reset = (): void => {
    address = 0;
    opIndex = 0;
    file = 1;
    line = 1;
    isStmt = h.defaultIsStmt;
  };
  const advance = (operationAdvance: number): void => {
    if (!vliw) {
      address += minInstLength * operationAdvance;
      return;
    }
    const ops = opIndex + operationAdvance;
    address += minInstLength * Math.floor(ops / maxOpsPerInst);
    opIndex = ops % maxOpsPerInst;
  };

  while (r.pos < r.end) {
    const opcode = r.u8();
    if (opcode >= opcodeBase) {
      const adjusted = opcode - opcodeBase;
      advance(Math.floor(adjusted / lineRange));
      line += lineBase + (adjusted % lineRange);
      onRow(address, file, line, isStmt ? ROW_IS_STMT : 0);
      continue;
    }
    switch (opcode) {
      case 0: {
        const len = r.uleb();
        if (len === 0) break;
        const next = r.pos + len;
        if (next > r.end) throw new DwarfError(`extended opcode at ${hex(r.pos)} runs past the program`);
        const sub = r.u8();
        if (sub === DW_LNE_end_sequence) {
          onRow(address, file, line, (isStmt ? ROW_IS_STMT : 0) | ROW_END_SEQUENCE);
          reset();
        } else if (sub === DW_LNE_set_address) {
          address = len - 1 === 8 ? r.u64() : r.uN(len - 1);
          opIndex = 0;
        } else if (sub === DW_LNE_define_file) {
          const name = r.cstr();
          const dirIndex = r.uleb();
          h.files.push(fileEntry(h, name, dirIndex));
        }
        // DW_LNE_set_discriminator and vendor opcodes carry nothing a report shows.
        r.pos = next;
        break;
      }
      case DW_LNS_copy:
        onRow(address, file, line, isStmt ? ROW_IS_STMT : 0);
        break;
      case DW_LNS_advance_pc:
        advance(r.uleb());
        break;
      case DW_LNS_advance_line:
        line += r.sleb();
        break;
      case DW_LNS_set_file:
        file = r.uleb();
        break;
      case DW_LNS_set_column:
        r.uleb();
        break;
      case DW_LNS_negate_stmt:
        isStmt = !isStmt;
        break;
      case DW_LNS_set_basic_block:
      case DW_LNS_set_prologue_end:
      case DW_LNS_set_epilogue_begin:
        break;
      case DW_LNS_const_add_pc:
        advance(Math.floor((255 - opcodeBase) / lineRange));
        break;
      case DW_LNS_fixed_advance_pc:
        address += r.u16();
        opIndex = 0;
        break;
      default:
        // DW_LNS_set_isa and opcodes newer than this reader: skip their ULEB128 operands.
        for (let i = standardOpcodeLengths[opcode] ?? 0; i > 0; i--) r.uleb();
    }
  }
}
