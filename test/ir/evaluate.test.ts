// The constant evaluator against independent models: JavaScript's own 32-bit integer
// arithmetic and typed arrays for 8/16/32-bit ops, hand-worked cases for the rest.
import { describe, expect, it } from 'vitest';
import { evaluateOp, type IROp } from '../../src/engine/ir/index.ts';

/** A fixed sequence of awkward and pseudo-random values for each width. */
function samples(bits: number): bigint[] {
  const mask = (1n << BigInt(bits)) - 1n;
  const edges = [0n, 1n, 2n, mask, mask - 1n, mask >> 1n, (mask >> 1n) + 1n];
  let x = 0x2545f4914f6cdd1dn;
  const random = Array.from({ length: 24 }, () => {
    x = (x * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n);
    return x & mask;
  });
  return [...edges, ...random];
}

const ev = (op: string, ...args: bigint[]) => evaluateOp(op as IROp, args);

// JavaScript models of 8/16/32-bit ops, through typed arrays for the wrapping.
const wrap = { 8: (n: number) => new Uint8Array([n])[0]!, 16: (n: number) => new Uint16Array([n])[0]!, 32: (n: number) => n >>> 0 };
const signed = { 8: (n: number) => new Int8Array([n])[0]!, 16: (n: number) => new Int16Array([n])[0]!, 32: (n: number) => n | 0 };

describe('evaluateOp against JavaScript integer arithmetic', () => {
  for (const w of [8, 16, 32] as const) {
    const u = wrap[w];
    const s = signed[w];
    const models: [string, (a: number, b: number) => number | boolean][] = [
      [`Add${w}`, (a, b) => u(a + b)],
      [`Sub${w}`, (a, b) => u(a - b)],
      [`Mul${w}`, (a, b) => u(Math.imul(a, b))],
      [`And${w}`, (a, b) => u(a & b)],
      [`Xor${w}`, (a, b) => u(a ^ b)],
      [`CmpLT${w}S`, (a, b) => s(a) < s(b)],
      [`CmpLE${w}S`, (a, b) => s(a) <= s(b)],
      [`CmpLT${w}U`, (a, b) => a < b],
      [`CmpNE${w}`, (a, b) => a !== b],
    ];
    it.each(models)('%s', (op, model) => {
      for (const a of samples(w)) {
        for (const b of samples(w)) {
          const want = model(Number(a), Number(b));
          expect(ev(op, a, b), `${op}(${a}, ${b})`).toBe(BigInt(want));
        }
      }
    });

    it(`Shl/Shr/Sar${w} for every in-range amount, and nothing beyond`, () => {
      for (const a of samples(w)) {
        for (let n = 0; n < w; n++) {
          const x = Number(a);
          expect(ev(`Shl${w}`, a, BigInt(n))).toBe(BigInt(u(w === 32 ? x << n : x * 2 ** n)));
          expect(ev(`Shr${w}`, a, BigInt(n))).toBe(BigInt(u(x >>> n)));
          expect(ev(`Sar${w}`, a, BigInt(n))).toBe(BigInt(u(s(x) >> n)));
        }
        expect(ev(`Shl${w}`, a, BigInt(w))).toBeUndefined();
        expect(ev(`Sar${w}`, a, 255n)).toBeUndefined();
      }
    });
  }

  it('32-bit division as x86 div/idiv: truncating, trapping on zero and overflow', () => {
    for (const a of samples(32)) {
      for (const b of samples(32)) {
        const [x, y] = [Number(a), Number(b)];
        expect(ev('DivU32', a, b)).toBe(y === 0 ? undefined : BigInt(Math.trunc(x / y)));
        const q = Math.trunc((x | 0) / (y | 0));
        expect(ev('DivS32', a, b)).toBe(y === 0 || q === 2 ** 31 ? undefined : BigInt(q >>> 0));
      }
    }
  });
});

describe('evaluateOp on wide and mixed-width ops', () => {
  it.each([
    ['MullU64', [0xffffffffffffffffn, 2n], 0x1fffffffffffffffen],
    ['MullS64', [0xffffffffffffffffn, 2n], (1n << 128n) - 2n],
    ['MullS32', [0x80000000n, 0x80000000n], 0x4000000000000000n],
    ['DivModU128to64', [(5n << 64n) | 7n, 0x10n], (7n << 64n) | 0x5000000000000000n],
    ['DivModU128to64', [1n << 64n, 1n], undefined], // quotient 2^64 does not fit
    ['DivModS64to32', [0xffffffffffffff9cn, 0xfffffff9n], (0xfffffffen << 32n) | 0xen], // -100 / -7
    ['DivModS64to64', [0x8000000000000000n, 0xffffffffffffffffn], undefined], // INT64_MIN / -1
    ['DivModU32to32', [100n, 7n], (2n << 32n) | 14n],
    ['CmpwNEZ64', [0x100n], 0xffffffffffffffffn],
    ['Max32U', [0xffffffffn, 1n], 0xffffffffn],
    ['Ctz32', [0x80000000n], 31n],
    ['Clz32', [0x80000000n], 0n],
    ['CtzNat64', [0n], 64n],
    ['PopCount32', [0xffffffffn], 32n],
    ['8HLto16', [0xabn, 0xcdn], 0xabcdn],
    ['128to64', [(1n << 64n) | 5n], 5n],
    ['1Sto16', [1n], 0xffffn],
    ['32to1', [0xfffffffen], 0n],
    ['Not1', [0n], 1n],
    ['And1', [1n, 0n], 0n],
  ])('%s(%s)', (op, args, want) => {
    expect(ev(op, ...args)).toBe(want);
  });

  it('folds only floating point that is exact', () => {
    expect(ev('I32UtoF64', 0xffffffffn)).toBe(0x41efffffffe00000n); // 4294967295.0
    expect(ev('AbsF64', 0xfff8000000000001n)).toBe(0x7ff8000000000001n); // sign only, payload kept
    expect(ev('F32toF64', 0x00000001n)).toBe(0x36a0000000000000n); // smallest denormal, exactly
    expect(ev('AddF64', 0n, 0x3ff0000000000000n, 0x3ff0000000000000n)).toBeUndefined();
    expect(ev('F64toI32S', 3n, 0x3ff8000000000000n)).toBeUndefined();
  });
});
