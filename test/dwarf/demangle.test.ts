// demangle against c++filt on libstdc++'s symbols, and against the names
// native memcheck prints for a C++ program.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSymbolIndex, demangle } from '../../src/engine/elf/index.ts';
import { cxxfilt, have, installedDebugFile, LIBSTDCXX, loadElf, PROGRAMS, tempDir } from './support.ts';
import { lacking } from '../support/requires.ts';

let dir: ReturnType<typeof tempDir>;
beforeAll(() => {
  dir = tempDir('demangle');
});
afterAll(() => dir.remove());

/** Mangled names of libstdc++: .dynsym, plus .symtab from its debug file when installed. */
function libstdcxxNames(): string[] {
  const elf = loadElf(LIBSTDCXX);
  const debug = installedDebugFile(elf);
  const symbols = [...elf.dynamicSymbols, ...(debug ? loadElf(debug).symbols : [])];
  return [...new Set(symbols.map((s) => s.name).filter((n) => n.startsWith('_Z')))].sort();
}

describe('demangle', () => {
  it.skipIf(lacking(have('c++filt')))('matches c++filt on every mangled symbol of libstdc++.so.6', () => {
    const names = libstdcxxNames();
    expect(names.length).toBeGreaterThan(4000);
    const want = cxxfilt(names);
    const wrong: string[] = [];
    names.forEach((n, i) => {
      // c++filt expands std::string & co. (DMGL_VERBOSE); Valgrind does not.
      const got = demangle(n, { verbose: true }) ?? n;
      if (got !== want[i]) wrong.push(`${n}\n    c++filt: ${want[i]}\n    ours:    ${got}`);
    });
    const pct = (100 * (names.length - wrong.length)) / names.length;
    console.log(`demangle vs c++filt on libstdc++: ${names.length - wrong.length}/${names.length} (${pct.toFixed(2)}%)`);
    expect(wrong.slice(0, 10)).toEqual([]);
  });

  it('prints the std:: abbreviations short unless verbose, as Valgrind does', () => {
    expect(demangle('_Z1fRSo')).toBe('f(std::ostream&)');
    expect(demangle('_Z1fRSo', { verbose: true })).toBe('f(std::basic_ostream<char, std::char_traits<char> >&)');
    expect(demangle('_ZNSsC1Ev')).toBe('std::basic_string<char, std::char_traits<char>, std::allocator<char> >::basic_string()');
    expect(demangle('_ZNSs4_Rep10_M_destroyERKSaIcE')).toBe('std::string::_Rep::_M_destroy(std::allocator<char> const&)');
  });

  it('handles the common constructs', () => {
    const cases: Array<[string, string]> = [
      ['_Znwm', 'operator new(unsigned long)'],
      ['_ZdlPvm', 'operator delete(void*, unsigned long)'],
      ['_ZnaRKSt9nothrow_t', 'operator new[](std::nothrow_t const&)'],
      ['_ZN1A1fB5cxx11Ev', 'A::f[abi:cxx11]()'],
      ['_ZZ4mainENKUliE0_clEi', 'main::{lambda(int)#2}::operator()(int) const'],
      ['_Z1fPFPFivEvE', 'f(int (*(*)())())'],
      ['_Z1fRA3_i', 'f(int (&) [3])'],
      ['_Z1fM1AKFviE', 'f(void (A::*)(int) const)'],
      ['_ZThn8_N1A1fEv', 'non-virtual thunk to A::f()'],
      // A std:: abbreviation before a constructor or destructor always prints in full.
      ['_ZTv0_n24_NSdD0Ev', 'virtual thunk to std::basic_iostream<char, std::char_traits<char> >::~basic_iostream()'],
      ['_ZGVZ1fvE1x', 'guard variable for f()::x'],
      ['_Z1fv.isra.0', 'f() [clone .isra.0]'],
      ['_Z1fIJidEEvDpT_', 'void f<int, double>(int, double)'],
      ['_Z1fILb1ELc97ELln5EEvv', 'void f<true, (char)97, -5l>()'],
      ['_ZltI1AEbRKT_S3_', 'bool operator< <A>(A const&, A const&)'],
    ];
    for (const [mangled, want] of cases) expect(demangle(mangled), mangled).toBe(want);
  });

  it('declines what is not a mangled name, and never throws on garbage', () => {
    expect(demangle('main')).toBeUndefined();
    expect(demangle('_Z')).toBeUndefined();
    expect(demangle('_Zx')).toBeUndefined();
    expect(demangle('_Z1fS0_')).toBeUndefined(); // substitution out of range
    expect(demangle('_Z1fIiEvT0_')).toBeUndefined(); // template parameter out of range
    const names = libstdcxxNames();
    let seed = 1;
    const rand = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    for (let k = 0; k < 5000; k++) {
      const base = names[rand(names.length)];
      const chars = [...base];
      for (let m = 0; m < 3; m++) chars[rand(chars.length)] = 'ISTE0123_NKPRv'[rand(14)];
      const mutated = chars.join('');
      expect(() => demangle(mutated)).not.toThrow();
    }
    expect(demangle(`_Z${'P'.repeat(5000)}i`)).toBeUndefined(); // too deep to print, not a stack overflow
  });

  it.skipIf(lacking(have('valgrind') && have('g++')))('names C++ functions as native memcheck prints them', () => {
    const prog = join(dir.path, 'names');
    spawnSync('g++', ['-g', '-O0', join(PROGRAMS, 'names.cc'), '-o', prog], { stdio: 'pipe' });
    const r = spawnSync('valgrind', [prog], { maxBuffer: 1 << 26 });
    const frames = [...r.stderr.toString().matchAll(/Invalid read.*\n.*at 0x[0-9A-F]+: .*\n==\d+==\s+by (0x[0-9A-F]+): (.*) \(names\.cc:\d+\)/g)];
    expect(frames.length).toBe(9);
    // Valgrind loads a PIE at 0x108000.
    const index = buildSymbolIndex(loadElf(prog));
    for (const [, addr, name] of frames) {
      const sym = index.lookup(parseInt(addr, 16) - 0x108000)!.symbol.name;
      expect(demangle(sym) ?? sym).toBe(name);
    }
  });
});
