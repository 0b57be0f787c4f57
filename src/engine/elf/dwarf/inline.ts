// Inlined calls (DW_TAG_inlined_subroutine) for Valgrind's --read-inline-info,
// on by default for memcheck: an address inside inlined code gets one stack
// frame per inlined call, all at the same address.

import type { ElfFile } from '../elf.ts';
import * as C from './constants.ts';
import { addrx, infoSections, readAttr, readCompUnits, readRanges, skipAttr, strx, type CompUnit, type InfoSections } from './info.ts';
import { parseLineHeader, type SourceFile } from './line.ts';
import { DwarfError, DwarfReader, hex } from './reader.ts';
import { debugSection } from './sections.ts';
import { upperBound } from './search.ts';

// Local copies: under module runners that wrap namespaces (vitest, vite-node) every
// `C.X` in a hot loop is a getter call.
const {
  DW_AT_abstract_origin, DW_AT_call_file, DW_AT_call_line, DW_AT_high_pc, DW_AT_low_pc, DW_AT_name,
  DW_AT_ranges, DW_AT_specification, DW_FORM_addr, DW_FORM_addrx, DW_FORM_addrx1, DW_FORM_addrx4,
  DW_FORM_rnglistx, DW_TAG_inlined_subroutine, DW_TAG_subprogram
} = C;

/** One inlined call whose code holds an address. */
export interface InlinedCall {
  /** The inlined function's DW_AT_name (as Valgrind prints it: `get`, not `ns::Box::get() const`). */
  fn: string;
  /** Where it was called from: DW_AT_call_file and DW_AT_call_line. */
  callFile: string;
  callDir: string;
  callLine: number;
}

export interface InlineIndex {
  /** Inlined calls covering `addr` (a file address), innermost first; empty outside inlined code. */
  lookup(addr: number): InlinedCall[];
  /** Number of inlined-call ranges indexed. */
  readonly size: number;
  readonly warnings: readonly string[];
}

interface Entry {
  lo: number;
  hi: number;
  depth: number;
  call: InlinedCall;
}

interface Decl {
  /** Where the DW_AT_name value is, decoded only if an inlined call needs it. */
  name?: { pos: number; form: number; cu: CompUnit };
  /** DW_AT_abstract_origin or DW_AT_specification: where the name may be instead. */
  ref?: number;
}

/**
 * Builds the inlined-call index of `elf` from .debug_info (empty without
 * one). Units that fail to parse are skipped with a warning.
 */
export function buildInlineIndex(elf: ElfFile): InlineIndex {
  const warnings: string[] = [];
  const entries: Entry[] = [];
  const decls = new Map<number, Decl>();
  const pending: Array<{ entry: Entry; origin: number }> = [];
  let s: InfoSections | undefined;
  try {
    s = infoSections(elf);
  } catch (e) {
    if (!(e instanceof DwarfError)) throw e;
    warnings.push(e.message);
  }
  if (s) {
    const lineSection = debugSection(elf, '.debug_line');
    const strings = { lineStr: s.lineStr, str: s.str, cache: new Map<number, string>() };
    for (const cu of readCompUnits(s, warnings)) {
      let files: SourceFile[] | undefined;
      const fileOf = (i: number): SourceFile => {
        if (!files) {
          files = [];
          if (lineSection && cu.stmtList !== undefined) {
            try {
              files = parseLineHeader(lineSection, cu.stmtList, strings, () => cu.compDir).files;
            } catch (e) {
              if (!(e instanceof DwarfError)) throw e;
              warnings.push(`unit at ${hex(cu.offset)}: line table header: ${e.message}`);
            }
          }
        }
        return files[i] ?? { name: '???', dir: '' };
      };
      try {
        walkUnit(cu, s, decls, (lo, hi, depth, origin, file, line) => {
          const f = fileOf(file);
          const entry: Entry = { lo, hi, depth, call: { fn: '', callFile: f.name, callDir: f.dir, callLine: line } };
          entries.push(entry);
          pending.push({ entry, origin });
        });
      } catch (e) {
        if (!(e instanceof DwarfError)) throw e;
        warnings.push(`.debug_info unit at ${hex(cu.offset)}: ${e.message}`);
      }
    }
  }
  const names = new Map<number, string | undefined>();
  for (const { entry, origin } of pending) {
    if (!names.has(origin)) names.set(origin, s && nameOf(decls, origin, s));
    entry.call.fn = names.get(origin) ?? '???';
  }
  return makeIndex(entries, warnings);
}

/** Follows abstract origins and specifications to a DW_AT_name. */
function nameOf(decls: Map<number, Decl>, offset: number, s: InfoSections): string | undefined {
  let at: number | undefined = offset;
  for (let i = 0; i < 16 && at !== undefined; i++) {
    const d = decls.get(at);
    if (!d) return undefined;
    if (d.name) {
      try {
        const kind = { v: 0 };
        const v = readAttr(new DwarfReader(s.info, d.name.pos), d.name.form, d.name.cu, s, 0, kind);
        const name = kind.v !== 0 && typeof v === 'number' ? strx(d.name.cu, s, v) : v;
        return typeof name === 'string' ? name : undefined;
      } catch (e) {
        if (!(e instanceof DwarfError)) throw e;
        return undefined;
      }
    }
    at = d.ref;
  }
  return undefined;
}

type OnInline = (lo: number, hi: number, depth: number, origin: number, file: number, line: number) => void;

/** Walks a unit's DIE tree, recording subprogram names and reporting inlined calls. */
function walkUnit(cu: CompUnit, s: InfoSections, decls: Map<number, Decl>, onInline: OnInline): void {
  const r = new DwarfReader(s.info, cu.dieOffset, cu.end);
  /** Inline depth at each open tree level. */
  const levels: number[] = [0];
  const kind = { v: 0 };
  while (r.pos < cu.end) {
    const offset = r.pos;
    const code = r.uleb();
    if (code === 0) {
      levels.pop();
      if (levels.length === 0) return;
      continue;
    }
    const abbrev = cu.abbrevs.get(code);
    if (!abbrev) throw new DwarfError(`DIE at ${hex(offset)} uses unknown abbreviation ${code}`);
    const tag = abbrev.tag;
    const depth = levels[levels.length - 1];
    const inlined = tag === DW_TAG_inlined_subroutine;
    if (tag === DW_TAG_subprogram || inlined) {
      let name: Decl['name'];
      let ref: number | undefined;
      let lowPc: number | undefined;
      let highPc: number | undefined;
      let highIsLength = false;
      let ranges: { value: number; isIndex: boolean } | undefined;
      let callFile = 0;
      let callLine = 0;
      for (let i = 0; i < abbrev.names.length; i++) {
        const at = abbrev.names[i];
        const form = abbrev.forms[i];
        const wanted =
          at === DW_AT_name || at === DW_AT_abstract_origin || at === DW_AT_specification ||
          (inlined && (at === DW_AT_low_pc || at === DW_AT_high_pc || at === DW_AT_ranges || at === DW_AT_call_file || at === DW_AT_call_line));
        if (!wanted) {
          skipAttr(r, form, cu);
          continue;
        }
        if (at === DW_AT_name) {
          name = { pos: r.pos, form, cu };
          skipAttr(r, form, cu);
          continue;
        }
        kind.v = 0;
        let value = readAttr(r, form, cu, s, abbrev.implicit[i], kind);
        if (kind.v !== 0 && typeof value === 'number') value = addrx(cu, s, value);
        switch (at) {
          case DW_AT_abstract_origin: case DW_AT_specification: if (typeof value === 'number') ref = value; break;
          case DW_AT_low_pc: if (typeof value === 'number') lowPc = value; break;
          case DW_AT_high_pc:
            if (typeof value === 'number') {
              highPc = value;
              // DWARF 4+: a constant class high_pc is a length.
              highIsLength = form !== DW_FORM_addr && !(form >= DW_FORM_addrx1 && form <= DW_FORM_addrx4) && form !== DW_FORM_addrx;
            }
            break;
          case DW_AT_ranges:
            if (typeof value === 'number') ranges = { value, isIndex: form === DW_FORM_rnglistx };
            break;
          case DW_AT_call_file: if (typeof value === 'number') callFile = value; break;
          case DW_AT_call_line: if (typeof value === 'number') callLine = value; break;
        }
      }
      if (!inlined) {
        decls.set(offset, { name, ref });
      } else if (ref !== undefined) {
        const list: Array<[number, number]> = ranges
          ? readRanges(cu, s, ranges.value, ranges.isIndex)
          : lowPc !== undefined && highPc !== undefined
            ? [[lowPc, highIsLength ? lowPc + highPc : highPc]]
            : [];
        for (const [lo, hi] of list) if (hi > lo && lo !== 0) onInline(lo, hi, depth, ref, callFile, callLine);
      }
    } else {
      for (let i = 0; i < abbrev.forms.length; i++) skipAttr(r, abbrev.forms[i], cu);
    }
    if (r.pos > cu.end) throw new DwarfError(`DIE at ${hex(offset)} runs past its unit`);
    if (abbrev.hasChildren) levels.push(inlined ? depth + 1 : depth);
  }
}

function makeIndex(entries: Entry[], warnings: string[]): InlineIndex {
  entries.sort((a, b) => a.lo - b.lo || a.depth - b.depth);
  const starts = new Float64Array(entries.map((e) => e.lo));
  // maxHi[i]: the furthest end among entries 0..i, to stop scanning back early.
  const maxHi = new Float64Array(entries.length);
  entries.forEach((e, i) => (maxHi[i] = Math.max(e.hi, i > 0 ? maxHi[i - 1] : 0)));
  return {
    size: entries.length,
    warnings,
    lookup(addr: number): InlinedCall[] {
      const lo = upperBound(starts, addr);
      const hits: Entry[] = [];
      for (let i = lo - 1; i >= 0 && maxHi[i] > addr; i--) {
        if (entries[i].hi > addr) hits.push(entries[i]);
      }
      // One call per depth (a call's ranges are disjoint), innermost first.
      hits.sort((a, b) => b.depth - a.depth);
      return hits.filter((e, i) => i === 0 || e.depth !== hits[i - 1].depth).map((e) => e.call);
    },
  };
}
