// The CFI unwinder against gdb: a test program captures (rip, rsp, rbp) in
// a leaf function and dumps its stack; unwinding the dump must give the
// return addresses gdb's backtrace gives at the same point, through the
// program, libc (qsort callbacks, a signal frame), _start.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildUnwinder, combineUnwinders, parseElf, type ReadU64, type Unwinder, type UnwindRegs } from '../../src/engine/elf/index.ts';
import { parseEhFrameHdr, parseFrameSection } from '../../src/engine/elf/dwarf/cfi.ts';
import { evaluate } from '../../src/engine/elf/dwarf/expr.ts';
import { gcc, gdbBacktrace, have, LIBC, loadElf, PROGRAMS, tempDir } from './support.ts';
import { lacking } from '../support/requires.ts';

const GDB = have('gdb');
const MODES = ['chain', 'qsort', 'signal', 'vla'] as const;

interface Build {
  name: string;
  flags: string[];
  /** Step with Valgrind's fallbacks (frame pointer, *rsp) instead of CFI alone. */
  fallbacks?: boolean;
}

const BUILDS: Build[] = [
  { name: 'O0-pie', flags: ['-g', '-O0'] },
  { name: 'O2-pie', flags: ['-g', '-O2'] },
  { name: 'O2-static', flags: ['-g', '-O2', '-static'] },
  { name: 'O1-static-pie', flags: ['-g', '-O1', '-static-pie'] },
  // No CFI for the program's own functions (no .eh_frame entries, and without -g no
  // .debug_frame either): its frames need the frame-pointer fallback.
  { name: 'O0-no-cfi', flags: ['-O0', '-fno-asynchronous-unwind-tables', '-fno-unwind-tables'], fallbacks: true },
];

let dir: ReturnType<typeof tempDir>;
beforeAll(() => {
  dir = tempDir('unwind');
});
afterAll(() => dir.remove());

interface Dump {
  regs: UnwindRegs;
  read: ReadU64;
  objects: Array<{ bias: number; path: string }>;
}

function readDump(prefix: string): Dump {
  const bin = readFileSync(`${prefix}.bin`);
  const view = new DataView(bin.buffer, bin.byteOffset, bin.byteLength);
  let regs: UnwindRegs = { rip: 0, rsp: 0, rbp: 0 };
  let lo = 0;
  const objects: Dump['objects'] = [];
  for (const line of readFileSync(`${prefix}.txt`, 'utf8').trim().split('\n')) {
    const [tag, ...rest] = line.split(' ');
    const n = rest.map((x) => parseInt(x, 16));
    if (tag === 'regs') regs = { rip: n[0], rsp: n[1], rbp: n[2] };
    else if (tag === 'stack') lo = n[0];
    else if (tag === 'obj') objects.push({ bias: n[0], path: rest.slice(1).join(' ') });
  }
  const read: ReadU64 = (a) => (a >= lo && a + 8 <= lo + bin.length ? view.getBigUint64(a - lo, true) : undefined);
  return { regs, read, objects };
}

/**
 * Unwinds from the captured registers. As Valgrind does, every caller's CFI
 * is looked up at its return address minus 1, except after a signal frame,
 * whose "return address" is the interrupted instruction itself.
 */
function unwindAll(u: Unwinder, dump: Dump, fallbacks: boolean): Array<{ rip: number; signal: boolean; how: string }> {
  const out: Array<{ rip: number; signal: boolean; how: string }> = [];
  let regs = dump.regs;
  for (let i = 0; i < 100; i++) {
    const f = fallbacks ? u.unwindStep(regs, dump.read) : u.cfiStep(regs, dump.read);
    if (!f) break;
    out.push({ rip: f.rip, signal: f.signal ?? false, how: f.how });
    regs = { rip: f.signal ? f.rip : f.rip - 1, rsp: f.rsp, rbp: f.rbp };
  }
  return out;
}

/** Collapses runs of one pc: recursion through one call site repeats it, on both sides alike. */
const dedupe = (pcs: string[]): string[] => pcs.filter((p, i) => i === 0 || p !== pcs[i - 1]);
const hex = (n: number): string => `0x${n.toString(16)}`;

describe.skipIf(lacking(GDB))('unwinding agrees with gdb backtraces', () => {
  const stats: string[] = [];
  afterAll(() => console.log(`unwinder vs gdb:\n  ${stats.join('\n  ')}`));

  for (const build of BUILDS) {
    for (const mode of MODES) {
      it(`${build.name} ${mode}`, () => {
        const prog = gcc(dir.path, `unwind-${build.name}`, [join(PROGRAMS, 'unwind.c')], build.flags);
        const prefix = join(dir.path, `${build.name}-${mode}`);
        const frames = gdbBacktrace(prog, [mode, prefix], 'marker');
        const dump = readDump(prefix);
        const u = combineUnwinders(dump.objects.map((o) => buildUnwinder(loadElf(o.path), o.bias)));
        const ours = unwindAll(u, dump, build.fallbacks ?? false);

        // gdb's frame 0 is marker and frame 1 is leaf after the dump; its
        // frame 2 on are the callers we unwind to from inside leaf.
        const want = frames.slice(2).map((f) => (f.signal ? 'signal' : hex(f.pc!)));
        // The frame above a signal handler returns into __restore_rt; gdb shows no address for it.
        const got = ours.map((f, i) => (ours[i + 1]?.signal ? 'signal' : hex(f.rip)));
        if (build.fallbacks) {
          // Past _start (whose CFI marks the return address undefined) Valgrind's last-ditch
          // rule keeps taking words at rsp as return addresses; gdb stops. Compare up to there.
          expect(dedupe(got).slice(0, dedupe(want).length)).toEqual(dedupe(want));
        } else {
          expect(dedupe(got)).toEqual(dedupe(want));
        }
        expect(want.length).toBeGreaterThanOrEqual(5);
        if (mode === 'signal') expect(ours.some((f) => f.signal)).toBe(true);
        if (build.fallbacks) expect(ours.some((f) => f.how === 'fp')).toBe(true);
        const hows = [...new Set(ours.map((f) => f.how))].join('+');
        stats.push(`${build.name} ${mode}: gdb's ${dedupe(want).length} distinct return addresses, all equal (steps: ${hows})`);
      });
    }
  }
});

describe('CFI tables', () => {
  it('.eh_frame_hdr lists exactly the FDEs parsed from .eh_frame (libc, datarel|sdata4)', () => {
    const elf = loadElf(LIBC);
    const hdrSec = elf.sections.find((s) => s.name === '.eh_frame_hdr')!;
    const ehSec = elf.sections.find((s) => s.name === '.eh_frame')!;
    const hdr = parseEhFrameHdr(elf.bytes.subarray(hdrSec.offset, hdrSec.offset + hdrSec.size), hdrSec.addr);
    expect(hdr.ehFramePtr).toBe(ehSec.addr);
    const warnings: string[] = [];
    const fdes = parseFrameSection({ bytes: elf.bytes.subarray(ehSec.offset, ehSec.offset + ehSec.size), addr: ehSec.addr, kind: 'eh_frame' }, warnings);
    expect(warnings).toEqual([]);
    expect(hdr.table.map((e) => [e.pc, e.fde - ehSec.addr])).toEqual(fdes.map((f) => [f.pcBegin, f.offset]));
  });

  it('finds .eh_frame through PT_GNU_EH_FRAME when there are no section headers', () => {
    const elf = loadElf(LIBC);
    const withSections = buildUnwinder(elf, 0);
    const bytes = elf.bytes.slice();
    // e_shoff = 0, e_shnum = 0, e_shstrndx = 0: as if stripped of section headers.
    bytes.fill(0, 0x28, 0x30);
    bytes.fill(0, 0x3c, 0x40);
    const bare = buildUnwinder(parseElf(bytes), 0);
    expect(bare.fdeCount).toBe(withSections.fdeCount);
    expect(bare.warnings).toEqual([]);
  });

  it('reads .debug_frame', () => {
    const prog = gcc(dir.path, 'debug-frame', [join(PROGRAMS, 'unwind.c')], ['-g', '-O2', '-fno-asynchronous-unwind-tables']);
    const elf = loadElf(prog);
    expect(elf.sections.some((s) => s.name === '.debug_frame')).toBe(true);
    const u = buildUnwinder(elf, 0);
    const leaf = elf.symbols.find((s) => s.name === 'leaf')!;
    expect(u.covers(leaf.value + 1)).toBe(true);
  });

  it('evaluates the PLT CFA expression: rsp + 8, or + 16 once the entry has pushed', () => {
    const prog = gcc(dir.path, 'plt', [join(PROGRAMS, 'unwind.c')], ['-O2', '-Wl,-z,lazy']);
    const elf = loadElf(prog);
    const plt = elf.sections.find((s) => s.name === '.plt')!;
    const u = buildUnwinder(elf, 0);
    expect(u.covers(plt.addr + 16)).toBe(true);
    const stack = new Map<number, bigint>([[0x7000, 0x1111n], [0x7008, 0x2222n]]);
    const read: ReadU64 = (a) => stack.get(a);
    // Entry 1 starts at plt + 16: jmp *GOT (6 bytes), push $n (5 bytes), jmp plt0.
    const before = u.cfiStep({ rip: plt.addr + 16 + 6, rsp: 0x7000, rbp: 0 }, read);
    const after = u.cfiStep({ rip: plt.addr + 16 + 11, rsp: 0x7000, rbp: 0 }, read);
    expect(before).toMatchObject({ rip: 0x1111, rsp: 0x7008 });
    expect(after).toMatchObject({ rip: 0x2222, rsp: 0x7010 });
  });

  it('respects stack bounds and stops at a return address of 0', () => {
    const u = combineUnwinders([]);
    const mem = new Map<number, bigint>([[0x7ff0, 0x402000n], [0x8000, 0x9000n], [0x8008, 0x401000n], [0x9000, 0n], [0x9008, 0n]]);
    const read: ReadU64 = (a) => mem.get(a);
    // Frame pointer chain: rbp 0x8000 -> saved rbp 0x9000, return address 0x401000.
    expect(u.unwindStep({ rip: 0x401234, rsp: 0x7ff0, rbp: 0x8000 }, read)).toEqual({ rip: 0x401000, rsp: 0x8010, rbp: 0x9000, how: 'fp' });
    expect(u.unwindStep({ rip: 0x401234, rsp: 0x7ff0, rbp: 0x8000 }, read, { lo: 0x7ff0, hi: 0x8008 })).toEqual({ rip: 0x402000, rsp: 0x7ff8, rbp: 0x8000, how: 'sp' });
    expect(u.unwindStep({ rip: 0x401000, rsp: 0x8010, rbp: 0x9000 }, read)).toBeUndefined();
  });
});

describe('DWARF expressions', () => {
  const regs = (n: number): bigint | undefined => (n === 7 ? 0x1000n : n === 16 ? 0x40123bn : undefined);
  const mem: ReadU64 = (a) => (a === 0x10a0 ? 0xdeadn : undefined);
  const run = (...ops: number[]): bigint => evaluate(new Uint8Array(ops), regs, mem);

  it('computes the PLT formula', () => {
    // breg7 8; breg16 0; lit15; and; lit11; ge; lit3; shl; plus
    expect(run(0x77, 8, 0x80, 0, 0x3f, 0x1a, 0x3b, 0x2a, 0x33, 0x24, 0x22)).toBe(0x1010n);
  });

  it('dereferences, branches and does 64-bit arithmetic', () => {
    expect(run(0x77, 0xa0, 0x01, 0x06)).toBe(0xdeadn); // breg7 160; deref
    expect(run(0x31, 0x28, 0x04, 0x00, 0x32, 0x2f, 0x01, 0x00, 0x33)).toBe(3n); // lit1; bra +4; lit2; skip +1; lit3
    expect(run(0x30, 0x28, 0x04, 0x00, 0x32, 0x2f, 0x01, 0x00, 0x33)).toBe(2n); // the same from lit0
    expect(run(0x30, 0x31, 0x1c)).toBe(0xffffffffffffffffn); // 0 - 1
    expect(run(0x11, 0x7f, 0x20)).toBe(0n); // consts -1; not
    expect(() => run(0x75, 0)).toThrow(); // breg5: rdi is not tracked
    expect(() => run(0x22)).toThrow(); // stack underflow
  });
});
