// Whole blocks, written as IR text: exits, memory, CAS, dirty calls, circular register
// arrays, faults and traps. Every block runs in both modes, which must agree exactly.

import { describe, expect, it } from 'vitest';
import type { BlockExit } from '../../src/engine/backend/backend.ts';
import { HelperSet, dirtyHelper, pureHelper } from '../../src/engine/backend/helpers.ts';
import { IRStepper, compile, formatValue } from '../../src/engine/backend/interp/index.ts';
import { parseIRSB, type IRSB } from '../../src/engine/ir/index.ts';
import { FakeMemory, makeState, runBothModes, stateBytes, type ModeResult } from './support.ts';

const RIP = 184;

/** Parses a block body (type environment and statements, without `IRSB {` `}`). */
const block = (body: string): IRSB => parseIRSB(`IRSB {\n${body.replace(/^\s*\n/, '')}\n}`);

/** Runs in both modes, checks they agree, and returns the compiled run. */
function run(sb: IRSB, helpers?: HelperSet, inputs: { seed?: number; bad?: [number, number][] } = {}): ModeResult {
  const { compiled, stepped } = runBothModes(sb, helpers, inputs);
  expect(compiled.exit).toEqual(stepped.exit);
  expect(stateBytes(compiled.state)).toEqual(stateBytes(stepped.state));
  expect(compiled.mem.log).toEqual(stepped.mem.log);
  expect([...compiled.mem.written]).toEqual([...stepped.mem.written]);
  return compiled;
}

const reg = (r: ModeResult, offset: number) => r.state.getBigUint64(offset, true);

describe('blocks', () => {
  it('computes into guest state and leaves by the final jump', () => {
    const sb = block(`
      t0:I64 t1:I64 t2:I32
      ------ IMark(0x1000, 4, 0) ------
      t0 = GET:I64(16)
      t1 = Add64(t0,0x10:I64)
      PUT(16) = t1
      t2 = 64to32(t1)
      PUT(24) = 32Uto64(Not32(t2))
      PUT(184) = 0x1004:I64; exit-Boring`);
    const r = run(sb);
    const rax = makeState().getBigUint64(16, true);
    expect(reg(r, 16)).toBe(BigInt.asUintN(64, rax + 16n));
    expect(reg(r, 24)).toBe(BigInt((~Number(BigInt.asUintN(32, rax + 16n))) >>> 0));
    expect(r.exit).toEqual({ kind: 'exit', jk: 'Boring', next: 0x1004, stmtIndex: 6 });
    expect(reg(r, RIP)).toBe(0x1004n);
  });

  it('takes a side exit only when its guard holds, writing the IP', () => {
    const text = (guard: string) => block(`
      t0:I1
      ------ IMark(0x1000, 2, 0) ------
      t0 = ${guard}
      if (t0) { PUT(184) = 0x2000:I64; exit-Call }
      PUT(16) = 0x5:I64
      PUT(184) = 0x1002:I64; exit-Boring`);
    const taken = run(text('CmpEQ32(0x1:I32,0x1:I32)'));
    expect(taken.exit).toEqual({ kind: 'exit', jk: 'Call', next: 0x2000, stmtIndex: 2 });
    expect(reg(taken, RIP)).toBe(0x2000n);
    expect(reg(taken, 16)).toBe(makeState().getBigUint64(16, true)); // the PUT after the exit did not run
    const notTaken = run(text('CmpNE32(0x1:I32,0x1:I32)'));
    expect(notTaken.exit).toEqual({ kind: 'exit', jk: 'Boring', next: 0x1002, stmtIndex: 4 });
    expect(reg(notTaken, 16)).toBe(5n);
  });

  it('jumps to a computed address', () => {
    const r = run(block(`
      t0:I64
      ------ IMark(0x1000, 1, 0) ------
      t0 = LDle:I64(0x8000:I64)
      PUT(184) = t0; exit-Return`));
    const want = new FakeMemory().load64(0x8000);
    expect(r.exit).toEqual({ kind: 'exit', jk: 'Ret', next: Number(want), stmtIndex: 2 });
    expect(reg(r, RIP)).toBe(want);
  });

  it('loads and stores every width little-endian', () => {
    const r = run(block(`
      t0:I8 t1:I16 t2:I32 t3:I64 t4:V128 t5:F64 t6:F32
      ------ IMark(0x1000, 1, 0) ------
      STle(0x100:I64) = 0x8877665544332211:I64
      t0 = LDle:I8(0x100:I64)
      t1 = LDle:I16(0x101:I64)
      t2 = LDle:I32(0x102:I64)
      t3 = LDle:I64(0x100:I64)
      t4 = LDle:V128(0xF8:I64)
      STle(0x200:I64) = t4
      t5 = LDle:F64(0x100:I64)
      STle(0x300:I64) = t5
      t6 = LDle:F32(0x104:I64)
      STle(0x310:I64) = t6
      PUT(16) = 8Uto64(t0)
      PUT(24) = 16Uto64(t1)
      PUT(32) = 32Uto64(t2)
      PUT(40) = t3
      PUT(184) = 0x1001:I64; exit-Boring`));
    expect([16, 24, 32, 40].map((o) => reg(r, o))).toEqual([0x11n, 0x3322n, 0x66554433n, 0x8877665544332211n]);
    expect(r.mem.load64(0x208)).toBe(0x8877665544332211n);
    expect(r.mem.load64(0x300)).toBe(0x8877665544332211n);
    expect(r.mem.load32(0x310)).toBe(0x88776655);
  });

  it('does CAS, single and double, success and failure', () => {
    const r = run(block(`
      t0:I64 t1:I64 t2:I32 t3:I32 t4:I64 t5:I64
      ------ IMark(0x1000, 4, 0) ------
      STle(0x100:I64) = 0x5:I64
      t0 = CASle(0x100:I64::0x5:I64->0x6:I64)
      t1 = CASle(0x100:I64::0x5:I64->0x7:I64)
      STle(0x200:I64) = 0x1111111122222222:I64
      t3,t2 = CASle(0x200:I64::0x11111111:I32,0x22222222:I32->0x33333333:I32,0x44444444:I32)
      STle(0x300:I64) = 0x1:I64
      STle(0x308:I64) = 0x2:I64
      t5,t4 = CASle(0x300:I64::0x2:I64,0x1:I64->0x9:I64,0x8:I64)
      PUT(16) = t0
      PUT(24) = t1
      PUT(32) = 32HLto64(t3,t2)
      PUT(40) = t5
      PUT(48) = t4
      PUT(184) = 0x1004:I64; exit-Boring`));
    expect([16, 24, 32, 40, 48].map((o) => reg(r, o))).toEqual([5n, 6n, 0x1111111122222222n, 2n, 1n]);
    expect(r.mem.load64(0x100)).toBe(6n); // the second CAS failed
    expect(r.mem.load64(0x200)).toBe(0x3333333344444444n);
    expect([r.mem.load64(0x300), r.mem.load64(0x308)]).toEqual([8n, 9n]);
    expect(r.mem.log.filter((l) => l.startsWith('w16') || l.startsWith('w8 0x200'))).toEqual(['w8 0x200', 'w8 0x200', 'w16 0x300']);
  });

  it('calls dirty helpers with the env, and skips them when the guard is false', () => {
    const calls: bigint[][] = [];
    const helpers = new HelperSet([
      pureHelper('twice', 'I64 -> I64', (x: bigint) => 2n * x),
      dirtyHelper('probe', 'I64 I64 -> I64', { state: true }, (env, a: bigint, b: bigint) => {
        calls.push([a, b]);
        env.state.setBigUint64(64, a + b, true);
        return a * b;
      }),
    ]);
    const sb = (guard: string) => block(`
      t0:I64 t1:I1 t2:I32
      ------ IMark(0x1000, 4, 0) ------
      t1 = ${guard}
      t0 = DIRTY t1 RdFX-gst(16,8) WrFX-gst(64,8) ::: probe{}(GSPTR,0x3:I64,twice{}(0x5:I64):I64)
      PUT(16) = t0
      PUT(184) = 0x1004:I64; exit-Boring`);
    const r = run(sb('CmpEQ8(0x0:I8,0x0:I8)'), helpers);
    expect(calls).toEqual([[3n, 10n], [3n, 10n]]); // once per mode
    expect(reg(r, 16)).toBe(30n);
    expect(reg(r, 64)).toBe(13n);
    calls.length = 0;
    const skipped = run(sb('CmpNE8(0x0:I8,0x0:I8)'), helpers);
    expect(calls).toEqual([]);
    expect(reg(skipped, 16)).toBe(0x5555555555555555n);
  });

  it('refuses a block whose helper is missing, at translation time', () => {
    const sb = block(`
      t0:I64
      ------ IMark(0x1000, 4, 0) ------
      t0 = nosuch{}(0x1:I64):I64
      PUT(184) = 0x1004:I64; exit-Boring`);
    const helpers = new HelperSet([]);
    expect(() => compile(sb, helpers)).toThrow(/nosuch/);
    expect(() => new IRStepper(sb, helpers, { state: makeState(), mem: new FakeMemory() })).toThrow(/nosuch/);
  });

  it('indexes circular register arrays', () => {
    // The x87 stack: 8 F64 slots at 776, tags at 840; element (ix + bias) mod 8.
    const r = run(block(`
      t0:I32 t1:F64 t2:F64 t3:I8
      ------ IMark(0x1000, 2, 0) ------
      t0 = 0x0:I32
      PUTI(776:8xF64)[t0,-1] = F64i{0x4000000000000000}
      PUTI(776:8xF64)[t0,9] = F64i{0x3FF0000000000000}
      PUTI(840:8xI8)[0x7:I32,0] = 0x1:I8
      t1 = GETI(776:8xF64)[0x6:I32,1]
      t2 = GETI(776:8xF64)[0xFFFFFFFF:I32,2]
      t3 = GETI(840:8xI8)[0x3:I32,-4]
      PUT(16) = ReinterpF64asI64(t1)
      PUT(24) = ReinterpF64asI64(t2)
      PUT(32) = 8Uto64(t3)
      PUT(184) = 0x1002:I64; exit-Boring`));
    expect(r.state.getFloat64(776 + 7 * 8, true)).toBe(2);
    expect(r.state.getFloat64(776 + 1 * 8, true)).toBe(1);
    expect(reg(r, 16)).toBe(0x4000000000000000n); // slot (6 + 1) mod 8 = 7
    expect(reg(r, 24)).toBe(0x3ff0000000000000n); // slot (-1 + 2) mod 8 = 1
    expect(reg(r, 32)).toBe(1n); // tag slot (3 - 4) mod 8 = 7
  });

  it('stops at a faulting access with the guest state precise', () => {
    const sb = block(`
      t0:I64 t1:I64
      ------ IMark(0x1000, 4, 0) ------
      PUT(16) = 0x1:I64
      STle(0x100:I64) = 0x1:I64
      ------ IMark(0x1004, 4, 0) ------
      PUT(24) = 0x2:I64
      t0 = LDle:I64(0x4FFC:I64)
      PUT(32) = t0
      STle(0x108:I64) = 0x3:I64
      ------ IMark(0x1008, 4, 0) ------
      PUT(40) = 0x4:I64
      PUT(184) = 0x100C:I64; exit-Boring`);
    const before = makeState();
    const r = run(sb, undefined, { bad: [[0x5000, 0x6000]] });
    expect(r.exit).toEqual({ kind: 'fault', fault: { addr: 0x5000, access: 'read' }, stmtIndex: 5, guestAddr: 0x1004 });
    expect([reg(r, 16), reg(r, 24)]).toEqual([1n, 2n]); // before the fault: done
    for (const o of [32, 40, RIP]) expect(reg(r, o)).toBe(before.getBigUint64(o, true)); // after: not
    expect([...r.mem.written.keys()].some((a) => a >= 0x108 && a < 0x110)).toBe(false);
    expect(r.mem.load64(0x100)).toBe(1n);
  });

  it('writes nothing for a store that faults', () => {
    const r = run(block(`
      ------ IMark(0x2000, 4, 0) ------
      STle(0x4FFC:I64) = 0x1122334455667788:I64
      PUT(184) = 0x2004:I64; exit-Boring`), undefined, { bad: [[0x5000, 0x6000]] });
    expect(r.exit).toEqual({ kind: 'fault', fault: { addr: 0x5000, access: 'write' }, stmtIndex: 1, guestAddr: 0x2000 });
    expect(r.mem.written.size).toBe(0);
  });

  it('traps on division by zero or overflow, precisely', () => {
    const sb = (divisor: string) => block(`
      t0:I128 t1:I64
      ------ IMark(0x1000, 3, 0) ------
      PUT(16) = 0x1:I64
      t0 = DivModU128to64(64HLto128(0x1:I64,0x0:I64),${divisor})
      PUT(24) = 128to64(t0)
      PUT(184) = 0x1003:I64; exit-Boring`);
    const trap: BlockExit = { kind: 'trap', jk: 'SigFPE_IntDiv', op: 'DivModU128to64', stmtIndex: 2, guestAddr: 0x1000 };
    expect(run(sb('0x0:I64')).exit).toEqual(trap);
    expect(run(sb('0x1:I64')).exit).toEqual(trap); // 2^64 / 1 does not fit
    const ok = run(sb('0x2:I64'));
    expect(reg(ok, 24)).toBe(2n ** 63n);
    const r = run(sb('0x0:I64'));
    expect(reg(r, 16)).toBe(1n);
    expect(reg(r, 24)).toBe(makeState().getBigUint64(24, true));
  });

  it('evaluates both arms of an ITE', () => {
    const r = run(block(`
      t0:I64
      ------ IMark(0x1000, 4, 0) ------
      t0 = ITE(CmpEQ64(0x1:I64,0x1:I64),0x7:I64,LDle:I64(0x4FFC:I64))
      PUT(16) = t0
      PUT(184) = 0x1004:I64; exit-Boring`), undefined, { bad: [[0x5000, 0x6000]] });
    expect(r.exit.kind).toBe('fault'); // the untaken arm's load still faults, as VEX's strict ITE
  });
});

describe('the stepper', () => {
  it('shows each temp as it is assigned, one statement per step', () => {
    const sb = block(`
      t0:I64 t1:I64 t2:I1
      ------ IMark(0x1000, 4, 0) ------
      t0 = GET:I64(16)
      t1 = Add64(t0,0x1:I64)
      ------ IMark(0x1004, 4, 0) ------
      t2 = CmpEQ64(t1,t0)
      PUT(184) = 0x1008:I64; exit-Boring`);
    const env = { state: makeState(), mem: new FakeMemory() };
    const s = new IRStepper(sb, new HelperSet([]), env);
    const rax = env.state.getBigUint64(16, true);
    expect(s.temps).toEqual([undefined, undefined, undefined]);
    expect([s.nextStmt, s.guestAddr]).toEqual([0, 0x1000]);
    expect(s.step()).toBeUndefined(); // IMark
    expect(s.step()).toBeUndefined();
    expect(s.temp(0 as never)).toBe(rax);
    s.step();
    expect(s.temps).toEqual([rax, BigInt.asUintN(64, rax + 1n), undefined]);
    s.step();
    expect(s.guestAddr).toBe(0x1004);
    s.step();
    expect(s.temps[2]).toBe(0);
    expect(formatValue('I64', s.temps[1]!)).toBe(`0x${BigInt.asUintN(64, rax + 1n).toString(16).toUpperCase().padStart(16, '0')}`);
    expect(formatValue('I1', s.temps[2]!)).toBe('0x0');
    expect(s.nextStmt).toBe(5);
    const exit = s.step();
    expect(exit).toEqual({ kind: 'exit', jk: 'Boring', next: 0x1008, stmtIndex: 5 });
    expect(s.exit).toBe(exit);
    expect(s.step()).toBe(exit); // stays ended
  });
});
