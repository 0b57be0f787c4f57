// The wasm JIT against the interpreter on random IR (jit-fuzz.ts): every op of the op
// table, at a fixed seed and size. `npm run fuzz:jit` runs the same for longer.
import { describe, expect, it } from 'vitest';
import { ALL_OPS, someNode, stmtExprs, type IROp } from '../../src/engine/ir/index.ts';
import { Differ, IRGen, type Outcome } from './jit-fuzz.ts';
import { Random } from './random.ts';

/** The exit as both backends can report it: a plain jump's statement index is not kept
 *  by compiled code (the state's rip tells where it went). */
function comparable(o: Outcome) {
  const e = o.exit;
  return e.kind === 'exit' && (e.jk === 'Boring' || e.jk === 'Call' || e.jk === 'Ret') ? { kind: 'exit', jk: 'plain', next: e.next } : e;
}

export function expectSame(interp: Outcome, wasm: Outcome, what: string): void {
  expect(comparable(wasm), what).toEqual(comparable(interp));
  expect(Buffer.from(wasm.state).toString('hex'), `${what}: guest state`).toBe(Buffer.from(interp.state).toString('hex'));
  expect(Buffer.from(wasm.mem).equals(Buffer.from(interp.mem)), `${what}: memory`).toBe(true);
  expect(wasm.counted, `${what}: run counters`).toEqual(interp.counted);
}

describe('the wasm JIT agrees with the interpreter', () => {
  it('on random blocks over every op, with faults, traps, side exits and helper calls', () => {
    const rng = new Random(20261207);
    const differ = new Differ();
    const seen = new Set<IROp>();
    const exits = new Map<string, number>();
    for (let i = 0; i < 750; i++) {
      const sb = new IRGen(rng).block();
      for (const s of sb.stmts) for (const e of stmtExprs(s)) someNode(e, (n) => { if ('op' in n) seen.add(n.op); return false; });
      const { interp, wasm } = differ.run(sb, i);
      expectSame(interp, wasm, `block ${i}`);
      const k = interp.exit.kind === 'exit' ? `exit ${interp.exit.jk}` : interp.exit.kind;
      exits.set(k, (exits.get(k) ?? 0) + 1);
    }
    expect(ALL_OPS.filter((op) => !seen.has(op))).toEqual([]);
    expect([...exits.keys()].sort()).toEqual(['exit Boring', 'exit Sys_syscall', 'fault', 'trap']);
  });

  it('on random blocks that loop to themselves, run for many iterations at once', () => {
    const rng = new Random(20261208);
    const differ = new Differ();
    const iterations = new Map<string, number>();
    for (let i = 0; i < 300; i++) {
      const sb = new IRGen(rng).block(2 + rng.int(5), true);
      const { interp, wasm } = differ.run(sb, i, 2 + rng.int(40));
      expectSame(interp, wasm, `looping block ${i}`);
      const k = interp.exit.kind === 'exit' ? `exit ${interp.exit.jk}` : interp.exit.kind;
      iterations.set(k, Math.max(iterations.get(k) ?? 0, interp.counted.runs));
    }
    // Every way out was taken; the budget and faults (addresses that move on each
    // iteration) ended some runs after many iterations.
    expect([...iterations.keys()].sort()).toEqual(['exit Boring', 'exit Sys_syscall', 'fault', 'trap']);
    expect(iterations.get('exit Boring')).toBeGreaterThan(20);
    expect(iterations.get('fault')).toBeGreaterThan(5);
  });
});
