// Function names for code addresses, chosen as Valgrind 3.19 chooses them
// (coregrind/m_debuginfo: symbols read in readelf.c, canonicalised in
// storage.c), so that a report names the same function.

import type { ElfFile } from '../elf.ts';
import { sectionByName } from '../sections.ts';
import { PF_X, PT_LOAD } from '../segments.ts';
import type { ElfSymbol } from '../symbols.ts';
import { upperBound } from './search.ts';

export interface FunctionSymbol {
  /** The name Valgrind prints (raw: C++ names are still mangled; see `demangle`). */
  name: string;
  /** Every name seen for this range, `name` first. */
  names: string[];
  /** Start address, in the file's own terms (add the load bias for a guest address). */
  addr: number;
  size: number;
}

export interface SymbolLookup {
  symbol: FunctionSymbol;
  /** addr - symbol.addr */
  offset: number;
}

export interface SymbolIndex {
  /** The symbol whose range holds `addr` (a file address), as Valgrind's stack traces name it. */
  lookup(addr: number): SymbolLookup | undefined;
  /** Symbols by any of their names (`main`, `__libc_start_main@@GLIBC_2.34`). */
  byName(name: string): FunctionSymbol | undefined;
  /** All symbols, sorted by address, ranges disjoint. */
  readonly symbols: readonly FunctionSymbol[];
}

/**
 * Which of two names for one address range Valgrind keeps (storage.c's
 * preferName): the shorter name, counting only up to a version's '@'; at equal
 * length a versioned name, and '@@' (the default version) over '@'; last, the
 * one that sorts first bytewise. So `write` beats `__write` and `__libc_write`,
 * and `__libc_start_main@@GLIBC_2.34` beats `__libc_start_main`. The one
 * special case: `PMPI_foo` beats `MPI_foo`.
 */
export function preferName(a: string, b: string): boolean {
  if (a.startsWith('MPI_') && b === `P${a}`) return false;
  if (b.startsWith('MPI_') && a === `P${b}`) return true;
  const va = a.indexOf('@');
  const vb = b.indexOf('@');
  const la = va < 0 ? a.length : va;
  const lb = vb < 0 ? b.length : vb;
  if (la !== lb) return la < lb;
  if ((va < 0) !== (vb < 0)) return va >= 0;
  if (va >= 0 && vb >= 0) {
    const da = a[va + 1] === '@';
    const db = b[vb + 1] === '@';
    if (da !== db) return da;
  }
  return a < b;
}

/**
 * Whether Valgrind keeps an ELF symbol as a name (readelf.c): bound LOCAL,
 * GLOBAL or WEAK; typed FUNC, OBJECT or GNU_IFUNC; named, non-zero value and
 * non-zero size. (Zero-sized symbols such as hand-written `__restore_rt`, and
 * STT_NOTYPE labels, name nothing.)
 */
function plausible(s: ElfSymbol): boolean {
  return (
    (s.bind === 'LOCAL' || s.bind === 'GLOBAL' || s.bind === 'WEAK') &&
    (s.type === 'FUNC' || s.type === 'OBJECT' || s.type === 'GNU_IFUNC') &&
    s.name !== '' &&
    s.value !== 0 &&
    s.size > 0
  );
}

/**
 * The code-address range Valgrind names symbols in: the .text section only
 * (so `_init` in .init and `_fini` in .fini name nothing and show as `???`).
 * A file without section headers falls back to its executable segments.
 */
function textRanges(elf: ElfFile): Array<[number, number]> {
  const text = sectionByName(elf, '.text');
  if (text) return [[text.addr, text.addr + text.size]];
  return elf.segments.filter((p) => p.type === PT_LOAD && p.flags & PF_X).map((p) => [p.vaddr, p.vaddr + p.memsz]);
}

/**
 * Builds the function-name index of one object. `debug` is its separate debug
 * file (found by build-id or .gnu_debuglink), whose .symtab replaces the
 * object's own: distributions strip .symtab from libraries and ship it there,
 * with local names (`_int_free`) and versioned ones (`cfree@GLIBC_2.2.5`).
 * .dynsym always comes from the object itself. Symbols outside .text are
 * ignored; symbols with the same range merge into one, named by
 * `preferName`; overlapping ranges are cut as Valgrind cuts them (the earlier
 * symbol ends where the later starts; of two starting together, the larger
 * keeps only what lies past the smaller).
 */
export function buildSymbolIndex(elf: ElfFile, debug?: ElfFile): SymbolIndex {
  const text = textRanges(elf);
  const inText = (addr: number): boolean => text.some(([lo, hi]) => addr >= lo && addr < hi);
  const symtab = debug && debug.symbols.length > 0 ? debug.symbols : elf.symbols;

  let syms: FunctionSymbol[] = [];
  const seen = new Set<string>();
  for (const s of [...symtab, ...elf.dynamicSymbols]) {
    if (!plausible(s) || !inText(s.value)) continue;
    const key = `${s.value}:${s.size}:${s.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    syms.push({ name: s.name, names: [s.name], addr: s.value, size: s.size });
  }
  syms = canonicalise(syms);

  const starts = new Float64Array(syms.map((s) => s.addr));
  const names = new Map<string, FunctionSymbol>();
  for (const s of syms) for (const n of s.names) if (!names.has(n)) names.set(n, s);
  return {
    symbols: syms,
    byName: (name) => names.get(name),
    lookup(addr: number): SymbolLookup | undefined {
      const lo = upperBound(starts, addr);
      const s = syms[lo - 1];
      if (!s || addr >= s.addr + s.size) return undefined;
      return { symbol: s, offset: addr - s.addr };
    },
  };
}

function canonicalise(input: FunctionSymbol[]): FunctionSymbol[] {
  let syms = input;
  for (;;) {
    syms.sort((a, b) => a.addr - b.addr || a.size - b.size);
    // Merge symbols with identical ranges.
    const merged: FunctionSymbol[] = [];
    for (const s of syms) {
      const last = merged[merged.length - 1];
      if (last && last.addr === s.addr && last.size === s.size) {
        for (const n of s.names) if (!last.names.includes(n)) last.names.push(n);
      } else {
        merged.push(s);
      }
    }
    syms = merged;
    // Cut overlaps; moving a start can break the order, so go round again.
    let cut = 0;
    for (let i = 0; i + 1 < syms.length; i++) {
      const a = syms[i];
      const b = syms[i + 1];
      if (a.addr + a.size <= b.addr) continue;
      cut++;
      if (a.addr < b.addr) {
        a.size = b.addr - a.addr;
      } else if (a.size < b.size) {
        // Same start, sorted by size: the larger keeps only its tail.
        b.size -= a.size;
        b.addr = a.addr + a.size;
      }
    }
    if (cut === 0) break;
  }
  for (const s of syms) {
    let best = s.names[0];
    for (const n of s.names) if (n !== best && preferName(n, best)) best = n;
    s.name = best;
    s.names = [best, ...s.names.filter((n) => n !== best)];
  }
  return syms;
}

/** What Valgrind's stack traces make of a function name (m_debuginfo's VG_(get_fnname_kind)). */
export type FnNameKind = 'main' | 'below-main' | 'normal';

/**
 * `main` ends a stack trace; a below-main function (glibc's
 * __libc_start_main and __libc_start_call_main, any version of them, and
 * generic_start_main) is printed as `(below main)` and ends it too, unless
 * --show-below-main=yes.
 */
export function fnNameKind(name: string): FnNameKind {
  if (name === 'main') return 'main';
  if (
    name === '__libc_start_main' ||
    name === '__libc_start_call_main' ||
    name.startsWith('__libc_start_main@') ||
    name === 'generic_start_main' ||
    name.startsWith('generic_start_main.')
  ) {
    return 'below-main';
  }
  return 'normal';
}
