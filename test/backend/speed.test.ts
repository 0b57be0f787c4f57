// How fast the interpreter runs: printed, never asserted (timings depend on the machine).
// Run alone for stable figures: npx vitest run test/backend/speed.test.ts

import { describe, expect, it } from 'vitest';
import { IRStepper, compile } from '../../src/engine/backend/interp/index.ts';
import { parseIRSB, type IRSB } from '../../src/engine/ir/index.ts';
import { FlatMemory, NO_HELPERS, makeState } from './support.ts';

/** Calls per second of `f`: the best of several short windows after a warm-up, since the
 *  best is what other processes on the machine disturb least. */
function rate(f: () => void, windows = 8, ms = 40): number {
  for (let i = 0; i < 5000; i++) f();
  let best = 0;
  for (let w = 0; w < windows; w++) {
    let n = 0;
    const start = performance.now();
    let now = start;
    while (now - start < ms) {
      for (let i = 0; i < 200; i++) f();
      n += 200;
      now = performance.now();
    }
    best = Math.max(best, (n * 1000) / (now - start));
  }
  return best;
}

const fmt = (x: number) => `${(x / 1e6).toFixed(2)}M/s`;

/** Ten statements of the kind a lifted integer instruction makes: GETs, arithmetic, a flag
 *  thunk, PUTs, a load and a store. */
const TEN = parseIRSB(`IRSB {
   t0:I64   t1:I64   t2:I64   t3:I64   t4:I32   t5:I1   t6:I64

   t0 = GET:I64(16)
   t1 = GET:I64(24)
   t2 = Add64(t0,t1)
   PUT(144) = 0x4:I64
   PUT(152) = t0
   PUT(16) = t2
   t3 = LDle:I64(0x2000:I64)
   t4 = 64to32(Xor64(t3,t2))
   t5 = CmpLT32U(t4,0x1000:I32)
   STle(0x2008:I64) = t2
   PUT(184) = 0x1010:I64; exit-Boring
}
`);

/** A chain of n 32-bit or 64-bit adds through temps, to time single ops. */
function chain(n: number, ty: 'I32' | 'I64'): IRSB {
  const tyenv = Array.from({ length: n + 1 }, () => ty).map((t, i) => `t${i}:${t}`).join(' ');
  const stmts = [`t0 = GET:${ty}(16)`];
  for (let i = 1; i <= n; i++) stmts.push(`t${i} = Add${ty.slice(1)}(t${i - 1},0x1:${ty})`);
  return parseIRSB(`IRSB {\n${tyenv}\n${stmts.join('\n')}\nPUT(24) = t${n}\nPUT(184) = 0x0:I64; exit-Boring\n}`);
}

describe('interpreter speed', () => {
  it('prints ops/s and block executions/s', () => {
    const env = { state: makeState(), mem: new FlatMemory() };
    const results: string[] = [];
    for (const ty of ['I32', 'I64'] as const) {
      const block = compile(chain(100, ty), NO_HELPERS);
      const r = rate(() => block.run(env));
      results.push(`Add${ty.slice(1)} chain, compiled: ${fmt(r * 101)} IR statements`);
    }
    const ten = compile(TEN, NO_HELPERS);
    results.push(`10-statement block, compiled: ${fmt(rate(() => ten.run(env)))} executions`);
    results.push(`10-statement block, stepper: ${fmt(rate(() => new IRStepper(TEN, NO_HELPERS, env).run()))} executions`);
    results.push(`compile() of the 10-statement block: ${fmt(rate(() => compile(TEN, NO_HELPERS)))}`);
    console.log(`interp speed:\n  ${results.join('\n  ')}`);
    expect(results).toHaveLength(5);
  });
});
