// buildLineIndex against addr2line (and gdb where addr2line 2.40 is wrong)
// on a test program built with DWARF 2 to 5, -O0 to -O2, PIE, static and
// static-pie, and with compressed debug sections.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLineIndex, type LineIndex } from '../../src/engine/elf/index.ts';
import { addr2line, gcc, gdbInfoLine, instructions, loadElf, PROGRAMS, tempDir } from './support.ts';

const SOURCES = [join(PROGRAMS, 'lines.c'), join(PROGRAMS, 'lines-other.c')];
const FUNCTIONS = ['main', 'sum_list', 'classify', 'average', 'push', 'clamp', 'other_sum', 'other_fold'];

interface Build {
  name: string;
  flags: string[];
}

const BUILDS: Build[] = [
  { name: 'O0-dwarf5-pie', flags: ['-g', '-O0'] },
  { name: 'O1-dwarf5-pie', flags: ['-g', '-O1'] },
  { name: 'O2-dwarf5-pie', flags: ['-g', '-O2'] },
  { name: 'O2-dwarf4-pie', flags: ['-gdwarf-4', '-O2'] },
  { name: 'O1-dwarf3-pie', flags: ['-gdwarf-3', '-O1'] },
  { name: 'O1-dwarf2-nopie', flags: ['-gdwarf-2', '-O1', '-no-pie'] },
  { name: 'O2-dwarf5-static', flags: ['-g', '-O2', '-static'] },
  { name: 'Os-dwarf4-static-pie', flags: ['-gdwarf-4', '-Os', '-static-pie'] },
];

let dir: ReturnType<typeof tempDir>;
beforeAll(() => {
  dir = tempDir('lines');
});
afterAll(() => dir.remove());

const show = (l: ReturnType<LineIndex['lookup']>): string => (l ? `${l.file}:${l.line}` : '??');

/** Every instruction start of the test functions and the byte after it (inside the instruction). */
function probeAddresses(path: string): number[] {
  return instructions(path, FUNCTIONS).flatMap((i) => [i.addr, i.addr + 1]);
}

/**
 * Compares the index with addr2line at every probe address. Where they
 * differ, gdb decides: binutils 2.40's addr2line names DWARF 5 file entry 0
 * for rows that keep the line program's initial file register (1), which
 * gdb and Valgrind read as entry 1.
 */
function compare(path: string): { total: number; addr2line: number; settledByGdb: number; wrong: string[] } {
  const index = buildLineIndex(loadElf(path));
  expect(index.warnings).toEqual([]);
  const addrs = probeAddresses(path);
  const want = addr2line(path, addrs);
  const disputed: number[] = [];
  let agree = 0;
  addrs.forEach((a, i) => {
    const w = want[i].file ? `${want[i].file}:${want[i].line}` : '??';
    if (show(index.lookup(a)) === w) agree++;
    else disputed.push(a);
  });
  const gdb = gdbInfoLine(path, disputed);
  const wrong: string[] = [];
  disputed.forEach((a, i) => {
    if (show(index.lookup(a)) !== (gdb[i] ?? '??')) wrong.push(`0x${a.toString(16)}: ours ${show(index.lookup(a))}, gdb ${gdb[i]}`);
  });
  return { total: addrs.length, addr2line: agree, settledByGdb: disputed.length - wrong.length, wrong };
}

describe('buildLineIndex agrees with addr2line', () => {
  const stats: string[] = [];
  afterAll(() => console.log(`line index vs addr2line:\n  ${stats.join('\n  ')}`));

  for (const build of BUILDS) {
    it(build.name, () => {
      const path = gcc(dir.path, build.name, SOURCES, build.flags);
      const r = compare(path);
      stats.push(
        `${build.name}: ${r.addr2line}/${r.total} equal to addr2line (${((100 * r.addr2line) / r.total).toFixed(2)}%), ` +
          `${r.settledByGdb} more equal to gdb where addr2line is wrong`,
      );
      expect(r.wrong).toEqual([]);
      expect(r.total).toBeGreaterThan(150);
      // addr2line's DWARF 5 file-0 slip affects a handful of rows, never most.
      expect(r.addr2line / r.total).toBeGreaterThan(0.9);
    });
  }
});

describe('buildLineIndex details', () => {
  it('reports the directory for --fullpath-after, compilation directory included', () => {
    const path = gcc(dir.path, 'dirs', SOURCES, ['-g', '-O0']);
    const index = buildLineIndex(loadElf(path));
    const main = instructions(path, ['main'])[0].addr;
    expect(index.lookup(main)).toEqual({ file: 'lines.c', dir: PROGRAMS, line: expect.any(Number) });
    expect(index.files.map((f) => f.name)).toEqual(expect.arrayContaining(['lines.c', 'lines-other.c', 'lines-util.h']));
  });

  it('gives DWARF 4 directory 0 the compilation directory from .debug_info', () => {
    const path = gcc(dir.path, 'dirs4', SOURCES, ['-gdwarf-4', '-O1']);
    const index = buildLineIndex(loadElf(path));
    const f = index.lookup(instructions(path, ['other_fold'])[0].addr);
    expect(f).toMatchObject({ file: 'lines-other.c', dir: PROGRAMS });
  });

  it('has no line for addresses outside code with line information', () => {
    const path = gcc(dir.path, 'outside', SOURCES, ['-g', '-O2', '-static']);
    const elf = loadElf(path);
    const index = buildLineIndex(elf);
    expect(index.lookup(0)).toBeUndefined();
    expect(index.lookup(elf.header.entry)).toBeUndefined(); // _start: crt1.o has no DWARF lines
    const printf = elf.symbols.find((x) => x.name === 'printf')!;
    expect(index.lookup(printf.value + 4)).toBeUndefined(); // glibc's static archive has no DWARF here
    expect(index.lookup(Number.MAX_SAFE_INTEGER)).toBeUndefined();
  });

  for (const [kind, flag] of [['zlib (SHF_COMPRESSED)', '-gz=zlib'], ['zlib-gnu (.zdebug_*)', '-gz=zlib-gnu']] as const) {
    it(`reads compressed debug sections: ${kind}`, () => {
      const plain = gcc(dir.path, 'plain', SOURCES, ['-g', '-O2']);
      let packed: string;
      try {
        packed = gcc(dir.path, `packed-${flag}`, SOURCES, ['-g', '-O2', flag]);
      } catch {
        return; // this toolchain cannot write that format
      }
      const a = buildLineIndex(loadElf(plain));
      const b = buildLineIndex(loadElf(packed));
      expect(b.warnings).toEqual([]);
      expect(b.size).toBe(a.size);
      for (const addr of probeAddresses(plain)) expect(show(b.lookup(addr))).toBe(show(a.lookup(addr)));
    });
  }

  it('survives a corrupted .debug_line with warnings, not exceptions', () => {
    const path = gcc(dir.path, 'corrupt', SOURCES, ['-g', '-O1']);
    const elf = loadElf(path);
    const s = elf.sections.find((x) => x.name === '.debug_line')!;
    for (let seed = 1; seed <= 200; seed++) {
      const bytes = elf.bytes.slice();
      // Flip a few bytes of the section, deterministically.
      for (let k = 0; k < 4; k++) bytes[s.offset + ((seed * 7919 + k * 104729) % s.size)] ^= (seed * 31 + k) & 0xff || 1;
      const index = buildLineIndex({ ...elf, bytes });
      index.lookup(instructions(path, ['main'])[0].addr);
    }
  });
});
