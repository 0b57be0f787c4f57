// buildSymbolIndex and preferName against nm, addr2line -f and native
// Valgrind (its symbol table trace, and `v.info location` through vgdb).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildInlineIndex, buildLineIndex, buildSymbolIndex, fnNameKind, framesAt, preferName, type DebugInfo } from '../../src/engine/elf/index.ts';
import {
  addr2line, gcc, have, installedDebugFile, instructions, LIBC, loadElf, nmFunctions, PROGRAMS, tempDir, ValgrindOracle,
} from './support.ts';
import { lacking } from '../support/requires.ts';

const SOURCES = [join(PROGRAMS, 'lines.c'), join(PROGRAMS, 'lines-other.c')];
const FUNCTIONS = ['main', 'sum_list', 'classify', 'average', 'push', 'clamp', 'other_sum', 'other_fold'];
const VALGRIND = have('valgrind') && have('vgdb');

let dir: ReturnType<typeof tempDir>;
beforeAll(() => {
  dir = tempDir('symbols');
});
afterAll(() => dir.remove());

describe('preferName', () => {
  it('follows the documented order', () => {
    expect(preferName('write', '__write')).toBe(true);
    expect(preferName('__libc_write', 'write')).toBe(false);
    expect(preferName('raise', 'gsignal')).toBe(true); // shorter
    expect(preferName('free', 'cfree@GLIBC_2.2.5')).toBe(true); // shorter before the '@'
    expect(preferName('_null_auth@GLIBC_2.2.5', '_null_auth')).toBe(true); // versioned at equal length
    expect(preferName('__libc_start_main@@GLIBC_2.34', '__libc_start_main@GLIBC_2.2.5')).toBe(true);
    expect(preferName('PMPI_Send', 'MPI_Send')).toBe(true);
    expect(preferName('abc', 'abd')).toBe(true);
  });

  it.skipIf(lacking(VALGRIND))("agrees with every choice Valgrind's --trace-symtab reports for libc", () => {
    const prog = gcc(dir.path, 'hello', [join(PROGRAMS, 'lines-other.c')], ['-O1', '-Dother_sum=main']);
    const r = spawnSync('valgrind', ['--tool=none', '--trace-symtab=yes', '--trace-symtab-patt=*libc.so*', prog], {
      maxBuffer: 1 << 28,
    });
    const pairs = [...`${r.stdout}${r.stderr}`.matchAll(/^sym at 0x[0-9a-f]+: prefer '(.*)' to '(.*)'$/gm)];
    expect(pairs.length).toBeGreaterThan(1000);
    const wrong = pairs.filter(([, a, b]) => !preferName(a, b) || preferName(b, a)).map(([l]) => l);
    expect(wrong).toEqual([]);
  });
});

describe('buildSymbolIndex', () => {
  it('names every function of a program as nm does, over its whole range', () => {
    const path = gcc(dir.path, 'O2', SOURCES, ['-g', '-O2']);
    const index = buildSymbolIndex(loadElf(path));
    const text = loadElf(path).sections.find((s) => s.name === '.text')!;
    const fns = nmFunctions(path).filter((f) => f.addr >= text.addr && f.addr < text.addr + text.size && f.size > 0);
    expect(fns.length).toBeGreaterThanOrEqual(7);
    for (const f of fns) {
      for (const a of [f.addr, f.addr + (f.size >> 1), f.addr + f.size - 1]) {
        const hit = index.lookup(a);
        expect(hit?.symbol.names, `0x${a.toString(16)}`).toContain(f.name);
        expect(hit!.offset).toBe(a - hit!.symbol.addr);
      }
    }
    expect(index.byName('sum_list')?.addr).toBe(fns.find((f) => f.name === 'sum_list')!.addr);
  });

  it('names every instruction of -O0 code as addr2line -f does', () => {
    const path = gcc(dir.path, 'O0', SOURCES, ['-g', '-O0']);
    const index = buildSymbolIndex(loadElf(path));
    const addrs = instructions(path, FUNCTIONS).map((i) => i.addr);
    const want = addr2line(path, addrs, true);
    addrs.forEach((a, i) => expect(index.lookup(a)?.symbol.name, `0x${a.toString(16)}`).toBe(want[i].fn));
  });

  it('names nothing outside .text, as Valgrind (_init, _fini, the PLT)', () => {
    const path = gcc(dir.path, 'plt', SOURCES, ['-g', '-O1']);
    const elf = loadElf(path);
    const index = buildSymbolIndex(elf);
    for (const name of ['.init', '.fini', '.plt', '.plt.sec']) {
      const s = elf.sections.find((x) => x.name === name);
      if (s) expect(index.lookup(s.addr), name).toBeUndefined();
    }
    expect(index.symbols.every((s) => s.size > 0)).toBe(true);
  });

  it('merges aliases and cuts overlaps as Valgrind does (libc with its debug file)', () => {
    const libc = loadElf(LIBC);
    const debugPath = installedDebugFile(libc);
    const index = buildSymbolIndex(libc, debugPath ? loadElf(debugPath) : undefined);
    const free = index.byName('free')!;
    expect(free.name).toBe('free');
    expect(index.byName('__libc_free')).toBe(free);
    expect(index.byName('write')!.name).toBe('write');
    for (let i = 1; i < index.symbols.length; i++) {
      const [a, b] = [index.symbols[i - 1], index.symbols[i]];
      expect(a.addr + a.size).toBeLessThanOrEqual(b.addr);
    }
    if (debugPath) expect(index.byName('__libc_start_main')!.name).toBe('__libc_start_main@@GLIBC_2.34');
  });
});

describe('fnNameKind', () => {
  it("recognises Valgrind's main and below-main functions", () => {
    expect(fnNameKind('main')).toBe('main');
    expect(fnNameKind('__libc_start_main')).toBe('below-main');
    expect(fnNameKind('__libc_start_main@@GLIBC_2.34')).toBe('below-main');
    expect(fnNameKind('__libc_start_call_main')).toBe('below-main');
    expect(fnNameKind('generic_start_main.isra.0')).toBe('below-main');
    expect(fnNameKind('_start')).toBe('normal');
  });
});

describe.skipIf(lacking(VALGRIND))('against native Valgrind (vgdb v.info location)', () => {
  const stats: string[] = [];
  afterAll(() => console.log(`symbols and lines vs Valgrind:\n  ${stats.join('\n  ')}`));

  it('describes code addresses as Valgrind does: inlined frames, function, file:line (a -O2 program and libc)', async () => {
    const path = gcc(dir.path, 'vg', SOURCES, ['-g', '-O2']);
    const oracle = await ValgrindOracle.start(path, ['wait'], dir.path);
    try {
      const maps = readFileSync(`/proc/${oracle.pid}/maps`, 'utf8').split('\n');
      const baseOf = (file: string): number => {
        const line = maps.find((l) => l.endsWith(file) && / 00000000 /.test(l));
        return parseInt(line!.split('-')[0], 16);
      };
      const infoOf = (elf: ReturnType<typeof loadElf>, debug?: ReturnType<typeof loadElf>): DebugInfo => ({
        symbols: buildSymbolIndex(elf, debug),
        lines: buildLineIndex(debug ?? elf),
        inlines: buildInlineIndex(debug ?? elf),
      });

      // The program: every fourth instruction of its functions (PIE: add its load address).
      const prog = infoOf(loadElf(path));
      expect(prog.inlines!.size).toBeGreaterThan(0);
      const progCases = instructions(path, FUNCTIONS)
        .filter((_, i) => i % 4 === 0)
        .map((i) => ({ addr: i.addr, bias: baseOf(path), info: prog, obj: path }));

      // libc: a deterministic sample of its functions, described through its debug file.
      const libcElf = loadElf(LIBC);
      const debugPath = installedDebugFile(libcElf);
      const libc = infoOf(libcElf, debugPath ? loadElf(debugPath) : undefined);
      const picks = ['free', 'malloc', 'write', 'printf', '__libc_start_call_main', 'qsort', 'memcpy'];
      const libcCases = [
        ...picks.map((n) => libc.symbols.byName(n)).filter((x) => x !== undefined).map((x) => x!.addr + Math.min(5, x!.size - 1)),
        ...Array.from({ length: 40 }, (_, k) => {
          const x = libc.symbols.symbols[(k * 2654435761) % libc.symbols.symbols.length];
          return x.addr + ((k * 40503) % x.size);
        }),
      ].map((addr) => ({ addr, bias: baseOf('libc.so.6'), info: libc, obj: LIBC }));

      const mismatches: string[] = [];
      let inlined = 0;
      for (const c of [...progCases, ...libcCases]) {
        const want = oracle.query(c.addr + c.bias).map((f) => `${f.fn} (${f.where.startsWith('in ') ? 'in' : f.where})`);
        const got = framesAt(c.addr, c.info).map((f) => {
          // Valgrind prints a below-main function as "(below main)" wherever it shows one.
          const fn = !f.fn ? '???' : fnNameKind(f.fn) === 'below-main' ? '(below main)' : f.fn;
          return `${fn} (${f.where ? `${f.where.file}:${f.where.line}` : 'in'})`;
        });
        if (got.length > 1) inlined++;
        if (JSON.stringify(got) !== JSON.stringify(want)) mismatches.push(`${c.obj} 0x${c.addr.toString(16)}: ours ${got.join(' / ')}; Valgrind ${want.join(' / ')}`);
      }
      const total = progCases.length + libcCases.length;
      stats.push(`${total - mismatches.length}/${total} addresses described exactly as Valgrind does (${inlined} with inlined frames)`);
      expect(mismatches).toEqual([]);
      expect(inlined).toBeGreaterThan(3);
    } finally {
      oracle.stop();
    }
  });
});
