// Address -> (file, line) for one ELF file, from every line program in
// .debug_line, as flat sorted typed arrays.

import type { ElfFile } from '../elf.ts';
import { infoSections, readCompUnits } from './info.ts';
import { parseLineHeader, ROW_END_SEQUENCE, runLineProgram, type SourceFile } from './line.ts';
import { DwarfError, DwarfReader, hex } from './reader.ts';
import { codeRanges, debugSection } from './sections.ts';
import { upperBound } from './search.ts';

export interface SourceLocation {
  /** The file name as Valgrind prints it (`segv.c`). */
  file: string;
  /** Its directory, compilation directory included (`/samples`): what --fullpath-after trims. */
  dir: string;
  line: number;
}

export interface LineIndex {
  /** The row covering `addr` (an address in the file's own terms: subtract the load bias first). */
  lookup(addr: number): SourceLocation | undefined;
  /** Number of address ranges in the index. */
  readonly size: number;
  /** Every distinct source file named by a row. */
  readonly files: readonly SourceFile[];
  /** One line per line program that could not be read. */
  readonly warnings: readonly string[];
}

/** Growable parallel arrays of rows. */
class Rows {
  addrs = new Float64Array(1024);
  files = new Int32Array(1024);
  lines = new Int32Array(1024);
  length = 0;

  push(addr: number, file: number, line: number): void {
    if (this.length === this.addrs.length) {
      const n = this.length * 2;
      const grow = <T extends Float64Array | Int32Array>(a: T, b: T): T => {
        b.set(a);
        return b;
      };
      this.addrs = grow(this.addrs, new Float64Array(n));
      this.files = grow(this.files, new Int32Array(n));
      this.lines = grow(this.lines, new Int32Array(n));
    }
    this.addrs[this.length] = addr;
    this.files[this.length] = file;
    this.lines[this.length] = line;
    this.length++;
  }
}

/** File id of a row that ends a sequence: no line information from here on. */
const HOLE = -1;

/**
 * Builds the line index of `elf` from its .debug_line (empty if it has none).
 * A row covers its address up to the next row's address in the same
 * sequence; of several rows at one address the last wins; rows with is_stmt
 * clear count like the others (all as addr2line and Valgrind 3.19 do).
 * Sequences that start outside the file's code (code the linker discarded,
 * whose addresses it left at 0) are dropped.
 */
export function buildLineIndex(elf: ElfFile): LineIndex {
  const warnings: string[] = [];
  const fileIds = new Map<string, number>();
  const files: SourceFile[] = [];
  const raw = new Rows();
  /** [first, end) row ranges of raw, one per sequence. */
  const sequences: Array<[number, number]> = [];

  let debugLine: Uint8Array | undefined;
  try {
    debugLine = debugSection(elf, '.debug_line');
  } catch (e) {
    if (!(e instanceof DwarfError)) throw e;
    warnings.push(e.message);
  }
  if (debugLine) {
    // Only DWARF 2-4 programs need .debug_info (for directory 0); read it once, on demand.
    let compDirs: Map<number, string> | undefined;
    const compDirOf = (offset: number): string | undefined =>
      (compDirs ??= compDirsByStmtList(elf, warnings)).get(offset);
    const strings = { lineStr: debugSection(elf, '.debug_line_str'), str: debugSection(elf, '.debug_str'), cache: new Map<number, string>() };
    const r = new DwarfReader(debugLine);
    while (!r.atEnd) {
      const offset = r.pos;
      let end: number;
      try {
        end = r.unitLength().end;
      } catch (e) {
        if (!(e instanceof DwarfError)) throw e;
        warnings.push(`.debug_line at ${hex(offset)}: ${e.message}`);
        break;
      }
      const mark = raw.length;
      const marks = sequences.length;
      try {
        const header = parseLineHeader(debugLine, offset, strings, () => compDirOf(offset));
        const local: number[] = [];
        const idOf = (file: number): number => {
          const known = local[file];
          if (known !== undefined) return known;
          const f = header.files[file] ?? { name: '???', dir: '' };
          const key = `${f.dir}\0${f.name}`;
          let id = fileIds.get(key);
          if (id === undefined) {
            id = files.length;
            fileIds.set(key, id);
            files.push(f);
          }
          local[file] = id;
          return id;
        };
        let seqStart = raw.length;
        runLineProgram(debugLine, header, (address, file, line, flags) => {
          if (flags & ROW_END_SEQUENCE) {
            pushRow(raw, seqStart, address, HOLE, 0);
            sequences.push([seqStart, raw.length]);
            seqStart = raw.length;
          } else {
            pushRow(raw, seqStart, address, idOf(file), line);
          }
        });
        // Rows after the last end_sequence belong to no sequence.
        raw.length = seqStart;
      } catch (e) {
        if (!(e instanceof DwarfError)) throw e;
        warnings.push(`.debug_line program at ${hex(offset)}: ${e.message}`);
        raw.length = mark;
        sequences.length = marks;
      }
      r.pos = end;
    }
  }
  return finish(elf, raw, sequences, files, warnings);
}

/** Appends a row, replacing the sequence's previous row when both have the same address. */
function pushRow(rows: Rows, seqStart: number, addr: number, file: number, line: number): void {
  const last = rows.length - 1;
  if (last >= seqStart && rows.addrs[last] === addr) {
    rows.files[last] = file;
    rows.lines[last] = line;
  } else {
    rows.push(addr, file, line);
  }
}

function compDirsByStmtList(elf: ElfFile, warnings: string[]): Map<number, string> {
  const dirs = new Map<number, string>();
  try {
    const s = infoSections(elf);
    if (!s) return dirs;
    for (const cu of readCompUnits(s, warnings)) {
      if (cu.stmtList !== undefined && cu.compDir !== undefined) dirs.set(cu.stmtList, cu.compDir);
    }
  } catch (e) {
    if (!(e instanceof DwarfError)) throw e;
    warnings.push(e.message);
  }
  return dirs;
}

function finish(elf: ElfFile, raw: Rows, sequences: Array<[number, number]>, files: SourceFile[], warnings: string[]): LineIndex {
  const code = codeRanges(elf);
  const inCode = (addr: number): boolean => code.some(([lo, hi]) => addr >= lo && addr < hi);
  const kept = sequences
    .filter(([first, end]) => end - first >= 2 && raw.addrs[end - 1] > raw.addrs[first] && inCode(raw.addrs[first]))
    .sort((a, b) => raw.addrs[a[0]] - raw.addrs[b[0]]);

  const out = new Rows();
  let covered = -Infinity;
  for (const [first, end] of kept) {
    const start = raw.addrs[first];
    // Overlapping sequences (duplicate or bogus programs): the first one kept wins.
    if (start < covered) continue;
    // A sequence starting where the previous one ended replaces its closing hole.
    if (out.length > 0 && out.addrs[out.length - 1] === start) out.length--;
    for (let i = first; i < end; i++) out.push(raw.addrs[i], raw.files[i], raw.lines[i]);
    covered = raw.addrs[end - 1];
  }

  const addrs = out.addrs.slice(0, out.length);
  const fileOf = out.files.slice(0, out.length);
  const lineOf = out.lines.slice(0, out.length);
  return {
    size: out.length,
    files,
    warnings,
    lookup(addr: number): SourceLocation | undefined {
      const lo = upperBound(addrs, addr);
      const i = lo - 1;
      if (i < 0 || fileOf[i] === HOLE) return undefined;
      const f = files[fileOf[i]];
      return { file: f.name, dir: f.dir, line: lineOf[i] };
    },
  };
}
