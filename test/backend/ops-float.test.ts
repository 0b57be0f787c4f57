// Scalar floating point: rounding modes (checked against exact rational arithmetic),
// x86's integer indefinite, NaN propagation and payloads, IRCmpF64Result.

import { describe, expect, it } from 'vitest';
import { bitsToValue, opFn, valueArray, valueToBits } from '../../src/engine/backend/interp/index.ts';
import { TYPE_BITS, opSignature, type IROp } from '../../src/engine/ir/index.ts';
import { Random } from './random.ts';

const NEAREST = 0, DOWN = 1, UP = 2, ZERO = 3;

const dv = new DataView(new ArrayBuffer(8));
const bitsOf = (x: number): bigint => (dv.setFloat64(0, x), dv.getBigUint64(0));
const fromBits = (b: bigint): number => (dv.setBigUint64(0, b), dv.getFloat64(0));
const f32bitsOf = (x: number): number => (dv.setFloat32(0, x), dv.getUint32(0));

/** Applies `op` to arguments given as values (numbers for floats and I32s, bigints for
 *  I64); returns the result's bits. */
function bits(op: IROp, ...args: (number | bigint)[]): bigint {
  return valueToBits(opSignature(op).res, opFn(op)(...args));
}

/** The same, for arguments given as bit patterns. */
function onBits(op: IROp, ...args: bigint[]): bigint {
  const { args: tys, res } = opSignature(op);
  // Into an array that JS keeps tagged, so that signalling NaNs stay signalling.
  const values = valueArray(args.length);
  args.forEach((a, i) => (values[i] = bitsToValue(tys[i]!, BigInt.asUintN(TYPE_BITS[tys[i]!], a))));
  return valueToBits(res, opFn(op)(...values));
}
const value = (op: IROp, ...args: (number | bigint)[]) => opFn(op)(...args) as number;

const INDEFINITE64 = 0x8000000000000000n;
const DEFAULT_NAN = 0xfff8000000000000n;

describe('float to integer', () => {
  it('rounds in each mode', () => {
    const cases: [number, [number, number, number, number]][] = [
      [2.5, [2, 2, 3, 2]], [3.5, [4, 3, 4, 3]], [-2.5, [-2, -3, -2, -2]], [-0.5, [0, -1, 0, 0]],
      [1.7, [2, 1, 2, 1]], [-1.7, [-2, -2, -1, -1]], [0.5, [0, 0, 1, 0]],
    ];
    for (const [x, want] of cases) {
      for (const rm of [NEAREST, DOWN, UP, ZERO]) {
        expect(bits('F64toI64S', rm, x), `F64toI64S(${rm}, ${x})`).toBe(BigInt.asUintN(64, BigInt(want[rm]!)));
        expect(bits('F64toI32S', rm, x), `F64toI32S(${rm}, ${x})`).toBe(BigInt(want[rm]! >>> 0));
      }
    }
  });

  it('gives the integer indefinite for NaN and out of range', () => {
    for (const x of [NaN, Infinity, -Infinity, 2 ** 63, 1e300, -(2 ** 63) - 4096]) {
      expect(bits('F64toI64S', ZERO, x)).toBe(INDEFINITE64);
    }
    expect(bits('F64toI64S', ZERO, -(2 ** 63))).toBe(INDEFINITE64); // in range: INT64_MIN itself
    expect(bits('F64toI64S', ZERO, 2 ** 63 - 1024)).toBe(2n ** 63n - 1024n);
    expect(bits('F64toI32S', ZERO, 2147483647.9)).toBe(2147483647n);
    expect(bits('F64toI32S', NEAREST, 2147483647.9)).toBe(0x80000000n);
    expect(bits('F64toI32S', ZERO, -2147483648.9)).toBe(0x80000000n);
    expect(bits('F64toI32S', ZERO, NaN)).toBe(0x80000000n);
    expect(bits('F64toI16S', ZERO, 40000)).toBe(0x8000n);
    expect(bits('F64toI16S', ZERO, -3.9)).toBe(0xfffdn);
    expect(bits('F32toI32S', ZERO, Math.fround(3e9))).toBe(0x80000000n);
    expect(bits('F32toI64S', UP, Math.fround(1.25))).toBe(2n);
    expect(bits('F64toI64U', ZERO, 2 ** 63)).toBe(2n ** 63n);
    expect(bits('F64toI64U', ZERO, -1)).toBe(2n ** 64n - 1n);
    expect(bits('F64toI32U', ZERO, 4294967295.5)).toBe(0xffffffffn);
  });
});

describe('integer to float', () => {
  it('rounds 64-bit integers in each mode', () => {
    const x = 2n ** 53n + 1n;
    expect(bits('I64StoF64', NEAREST, x)).toBe(bitsOf(2 ** 53));
    expect(bits('I64StoF64', UP, x)).toBe(bitsOf(2 ** 53 + 2));
    expect(bits('I64StoF64', DOWN, x)).toBe(bitsOf(2 ** 53));
    expect(bits('I64StoF64', ZERO, x)).toBe(bitsOf(2 ** 53));
    const neg = BigInt.asUintN(64, -x);
    expect(bits('I64StoF64', DOWN, neg)).toBe(bitsOf(-(2 ** 53) - 2));
    expect(bits('I64StoF64', UP, neg)).toBe(bitsOf(-(2 ** 53)));
    expect(bits('I64StoF64', NEAREST, 2n ** 53n + 3n)).toBe(bitsOf(2 ** 53 + 4)); // tie to even
    expect(bits('I64UtoF64', ZERO, 2n ** 64n - 1n)).toBe(bitsOf(2 ** 64 - 2048));
    expect(bits('I64UtoF64', NEAREST, 2n ** 64n - 1n)).toBe(bitsOf(2 ** 64));
  });

  it('rounds to binary32 once, not via binary64', () => {
    // 2^60 + 2^36 + 1 is just above halfway between two binary32 neighbours; through a
    // double it would first lose the 1 and then tie to even, downwards.
    expect(bits('I64UtoF32', NEAREST, 2n ** 60n + 2n ** 36n + 1n)).toBe(BigInt(f32bitsOf(2 ** 60 + 2 ** 37)));
    expect(bits('I64StoF32', NEAREST, 2n ** 60n + 2n ** 36n)).toBe(BigInt(f32bitsOf(2 ** 60)));
    expect(bits('I32StoF32', UP, 0x1000001)).toBe(BigInt(f32bitsOf(0x1000002)));
    expect(bits('I32StoF32', DOWN, 0x1000001)).toBe(BigInt(f32bitsOf(0x1000000)));
    expect(bits('I32UtoF32', NEAREST, 0xffffffff)).toBe(BigInt(f32bitsOf(2 ** 32)));
    expect(bits('I32StoF64', 0xffffffff)).toBe(bitsOf(-1));
    expect(bits('I32UtoF64', 0xffffffff)).toBe(bitsOf(4294967295));
  });
});

// ---------------------------------------------------------------- exact checking

/** x = n * 2^e exactly, n signed. */
function exactOf(x: number): { n: bigint; e: number } {
  const b = bitsOf(x);
  const biased = Number((b >> 52n) & 0x7ffn);
  const frac = b & ((1n << 52n) - 1n);
  const [m, e] = biased === 0 ? [frac, -1074] : [frac | (1n << 52n), biased - 1075];
  return { n: x < 0 ? -m : m, e };
}

/** Sign of d - (num/den)·2^exp, den > 0. */
function compareExact(d: number, num: bigint, den: bigint, exp: number): number {
  if (!Number.isFinite(d)) return Math.sign(d);
  const { n, e } = exactOf(d);
  const k = Math.min(e, exp);
  const left = (n * den) << BigInt(e - k);
  const right = num << BigInt(exp - k);
  return left < right ? -1 : left > right ? 1 : 0;
}

function nextUp(x: number): number {
  if (x === 0) return Number.MIN_VALUE;
  const b = bitsOf(x);
  return fromBits(x > 0 ? b + 1n : b - 1n);
}

/** Checks the four modes' results for an exact value num/den·2^exp. */
function checkModes(results: number[], num: bigint, den: bigint, exp: number, what: string) {
  const [rn, rd, ru, rz] = results as [number, number, number, number];
  expect(compareExact(rd, num, den, exp), `${what}: RD <= exact`).toBeLessThanOrEqual(0);
  expect(compareExact(ru, num, den, exp), `${what}: RU >= exact`).toBeGreaterThanOrEqual(0);
  if (rd !== ru) expect(nextUp(rd), `${what}: RD, RU adjacent`).toBe(ru);
  expect([rd, ru], `${what}: RN is RD or RU`).toContain(rn);
  expect(rz, `${what}: RZ toward zero`).toBe(num < 0n ? ru : rd);
}

function randomDouble(rng: Random): number {
  const b = (BigInt(rng.next()) << 32n) | BigInt(rng.next());
  const x = fromBits(b & ~(0x7ffn << 52n) | (BigInt(1023 + rng.int(120) - 60) << 52n));
  return rng.int(10) === 0 ? x * 2 ** -1030 : x; // some subnormal operands and results
}

describe('directed rounding of arithmetic', () => {
  const rng = new Random(42);
  const modes = [NEAREST, DOWN, UP, ZERO];

  it('add, sub, mul, div and sqrt round correctly in every mode', () => {
    for (let i = 0; i < 400; i++) {
      const a = randomDouble(rng), b = randomDouble(rng);
      const x = exactOf(a), y = exactOf(b);
      const k = Math.min(x.e, y.e);
      const sum = (x.n << BigInt(x.e - k)) + (y.n << BigInt(y.e - k));
      checkModes(modes.map((rm) => value('AddF64', rm, a, b)), sum, 1n, k, `${a} + ${b}`);
      const diff = (x.n << BigInt(x.e - k)) - (y.n << BigInt(y.e - k));
      checkModes(modes.map((rm) => value('SubF64', rm, a, b)), diff, 1n, k, `${a} - ${b}`);
      checkModes(modes.map((rm) => value('MulF64', rm, a, b)), x.n * y.n, 1n, x.e + y.e, `${a} * ${b}`);
      const [num, den] = y.n < 0n ? [-x.n, -y.n] : [x.n, y.n];
      if (b !== 0) checkModes(modes.map((rm) => value('DivF64', rm, a, b)), num, den, x.e - y.e, `${a} / ${b}`);
      expect(value('AddF64', NEAREST, a, b)).toBe(a + b);
      const r = Math.abs(a);
      const roots = modes.map((rm) => value('SqrtF64', rm, r));
      const [rd, ru] = [roots[1]!, roots[2]!];
      const sq = (v: number) => { const { n, e } = exactOf(v); return { n: n * n, e: 2 * e }; };
      const { n: rn, e: re } = exactOf(r);
      expect(cmpDyadic(sq(rd), { n: rn, e: re })).toBeLessThanOrEqual(0);
      expect(cmpDyadic(sq(ru), { n: rn, e: re })).toBeGreaterThanOrEqual(0);
      if (rd !== ru) expect(nextUp(rd)).toBe(ru);
    }
  });

  it('handles overflow, underflow and signed zeros', () => {
    const max = Number.MAX_VALUE;
    expect(modes.map((rm) => value('MulF64', rm, max, 2))).toEqual([Infinity, max, Infinity, max]);
    expect(modes.map((rm) => value('MulF64', rm, -max, 2))).toEqual([-Infinity, -Infinity, -max, -max]);
    const tiny = Number.MIN_VALUE;
    expect(modes.map((rm) => value('MulF64', rm, tiny, 0.5))).toEqual([0, 0, tiny, 0]);
    expect(Object.is(value('MulF64', DOWN, -tiny, 0.5), -tiny)).toBe(true);
    expect(Object.is(value('SubF64', DOWN, 1, 1), -0)).toBe(true);
    expect(Object.is(value('SubF64', NEAREST, 1, 1), 0)).toBe(true);
    expect(Object.is(value('AddF64', UP, -0, -0), -0)).toBe(true);
    expect(Object.is(value('AddF64', DOWN, 0, -0), -0)).toBe(true);
    expect(value('AddF64', UP, 1, 2 ** -60)).toBe(1 + 2 ** -52);
    expect(value('AddF64', DOWN, -1, -(2 ** -60))).toBe(-1 - 2 ** -52);
  });

  it('rounds binary32 arithmetic to binary32', () => {
    const a = Math.fround(1), b = Math.fround(2 ** -30);
    expect(value('AddF32', NEAREST, a, b)).toBe(1);
    expect(value('AddF32', UP, a, b)).toBe(1 + 2 ** -23);
    expect(value('DivF32', NEAREST, 1, 3)).toBe(Math.fround(1 / 3));
    expect(value('DivF32', DOWN, 1, 3)).toBeLessThan(1 / 3);
    expect(value('DivF32', UP, 1, 3)).toBeGreaterThan(1 / 3);
    expect(value('SqrtF32', NEAREST, 2)).toBe(Math.fround(Math.SQRT2));
    expect(value('F64toF32', UP, 1 / 3)).toBe(Math.fround(1 / 3)); // nearest happens to be above
    expect(value('F64toF32', ZERO, 1 / 3)).toBeLessThan(1 / 3);
    expect(value('F64toF32', DOWN, -1 / 3)).toBe(-Math.fround(1 / 3));
    expect(value('F64toF32', NEAREST, 1e300)).toBe(Infinity);
    expect(value('F64toF32', ZERO, 1e300)).toBe(Math.fround(3.4028234663852886e38));
    expect(value('RoundF64toF32', NEAREST, 1 / 3)).toBe(Math.fround(1 / 3));
  });
});

function cmpDyadic(a: { n: bigint; e: number }, b: { n: bigint; e: number }): number {
  const k = Math.min(a.e, b.e);
  const x = a.n << BigInt(a.e - k), y = b.n << BigInt(b.e - k);
  return x < y ? -1 : x > y ? 1 : 0;
}

describe('rounding to an integral value', () => {
  it('ties to even, and keeps the sign of zero', () => {
    expect([2.5, 3.5, -2.5, 0.5, -0.3].map((x) => value('RoundF64toInt', NEAREST, x))).toEqual([2, 4, -2, 0, -0]);
    expect(Object.is(value('RoundF64toInt', NEAREST, -0.3), -0)).toBe(true);
    expect(Object.is(value('RoundF64toInt', UP, -0.3), -0)).toBe(true);
    expect([1.5, -1.5].map((x) => value('RoundF64toInt', DOWN, x))).toEqual([1, -2]);
    expect([1.5, -1.5].map((x) => value('RoundF64toInt', UP, x))).toEqual([2, -1]);
    expect([1.5, -1.5].map((x) => value('RoundF64toInt', ZERO, x))).toEqual([1, -1]);
    expect(value('RoundF64toInt', NEAREST, 2 ** 60 + 2 ** 10)).toBe(2 ** 60 + 2 ** 10);
    expect(value('RoundF32toInt', NEAREST, Math.fround(2.5))).toBe(2);
  });
});

describe('NaNs', () => {
  const qnan = (payload: bigint, sign = 0n) => (sign << 63n) | 0x7ff8000000000000n | payload;
  const snan = 0x7ff0000000000001n;

  it('propagate the first NaN operand, quietened', () => {
    expect(onBits('AddF64', 0n, qnan(5n), qnan(7n))).toBe(qnan(5n));
    expect(onBits('AddF64', 0n, bitsOf(1), qnan(7n, 1n))).toBe(qnan(7n, 1n));
    expect(onBits('MulF64', 0n, snan, bitsOf(2))).toBe(snan | (1n << 51n));
    expect(onBits('SubF64', 2n, qnan(9n), bitsOf(1))).toBe(qnan(9n)); // directed mode too
    expect(onBits('SqrtF64', 0n, snan)).toBe(snan | (1n << 51n));
  });

  it('give the default NaN for invalid operations', () => {
    expect(onBits('SubF64', 0n, bitsOf(Infinity), bitsOf(Infinity))).toBe(DEFAULT_NAN);
    expect(onBits('DivF64', 0n, 0n, 0n)).toBe(DEFAULT_NAN);
    expect(onBits('MulF64', 0n, 0n, bitsOf(Infinity))).toBe(DEFAULT_NAN);
    expect(onBits('SqrtF64', 0n, bitsOf(-1))).toBe(DEFAULT_NAN);
    expect(onBits('DivF32', 0n, 0n, 0n)).toBe(0xffc00000n);
    expect(onBits('AddF32', 3n, BigInt(f32bitsOf(Infinity)), BigInt(f32bitsOf(-Infinity)))).toBe(0xffc00000n);
  });

  it('keep payloads and signs through sign ops and reinterpretation', () => {
    expect(onBits('NegF64', qnan(3n))).toBe(qnan(3n, 1n));
    expect(onBits('AbsF64', qnan(3n, 1n))).toBe(qnan(3n));
    expect(onBits('ReinterpI64asF64', snan)).toBe(snan);
    expect(onBits('ReinterpF64asI64', snan)).toBe(snan);
    expect(onBits('ReinterpF32asI32', 0x7f800001n)).toBe(0x7f800001n); // a binary32 sNaN survives
    expect(onBits('NegF32', 0x7f800001n)).toBe(0xff800001n);
  });

  it('convert between formats as cvtss2sd and cvtsd2ss do', () => {
    expect(onBits('F32toF64', 0x7f800001n)).toBe(0x7ff8000020000000n);
    expect(onBits('F32toF64', 0xffc00000n)).toBe(DEFAULT_NAN);
    expect(onBits('F64toF32', 0n, 0x7ff0000020000001n)).toBe(0x7fc00001n);
    expect(onBits('F64toF32', 0n, DEFAULT_NAN)).toBe(0xffc00000n);
  });

  it('compare as unordered', () => {
    expect(bits('CmpF64', NaN, 1)).toBe(0x45n);
    expect(bits('CmpF64', 1, 2)).toBe(0x01n);
    expect(bits('CmpF64', 2, 1)).toBe(0x00n);
    expect(bits('CmpF64', 1, 1)).toBe(0x40n);
    expect(bits('CmpF64', -0, 0)).toBe(0x40n);
    expect(bits('CmpF64', -Infinity, Infinity)).toBe(0x01n);
    expect(bits('CmpF32', 1, NaN)).toBe(0x45n);
  });

  it('lose to numbers in MinNum and MaxNum', () => {
    expect(value('MinNumF64', NaN, 1)).toBe(1);
    expect(value('MaxNumF64', 2, NaN)).toBe(2);
    expect(value('MinNumF64', 3, 1)).toBe(1);
    expect(Object.is(value('MinNumF64', 0, -0), -0)).toBe(true);
    expect(Object.is(value('MaxNumF32', -0, 0), 0)).toBe(true);
  });
});

describe('x87 operations', () => {
  it('fprem and fprem1 give exact remainders and the quotient bits', () => {
    expect(value('PRemF64', 0, 5.5, 2)).toBe(1.5);
    expect(bits('PRemC3210F64', 0, 5.5, 2)).toBe(0x4000n); // quotient 2: C3 = bit 1
    expect(value('PRem1F64', 0, 5.5, 2)).toBe(-0.5);
    expect(bits('PRem1C3210F64', 0, 5.5, 2)).toBe(0x4200n); // quotient 3: C3, C1
    expect(value('PRemF64', 0, -7, 2)).toBe(-1);
    expect(value('PRem1F64', 0, 5, 2)).toBe(1); // 2.5 ties to the even quotient 2
    expect(value('PRem1F64', 0, 7, 2)).toBe(-1); // 3.5 ties to 4
    expect(value('PRemF64', 0, 1e300, 3)).toBe(1e300 % 3);
    expect(bits('PRemC3210F64', 0, 13, 1)).toBe(0x300n); // quotient 0b1101: C0 (bit 2), C1 (bit 0)
    expect(Object.is(value('PRemF64', 0, -4, 2), -0)).toBe(true);
    expect(onBits('PRemF64', 0n, bitsOf(1), 0n)).toBe(DEFAULT_NAN);
  });

  it('scales exactly', () => {
    expect(value('ScaleF64', 0, 3, 4.9)).toBe(48);
    expect(value('ScaleF64', 0, 3, -1.5)).toBe(1.5);
    expect(value('ScaleF64', 0, 1, 1e9)).toBe(Infinity);
    expect(value('ScaleF64', 0, 1, -1074)).toBe(Number.MIN_VALUE);
    expect(value('ScaleF64', 0, 2 ** 1000, -2000)).toBe(2 ** -1000);
    expect(bitsOf(value('ScaleF64', 0, 0, Infinity))).toBe(DEFAULT_NAN);
  });

  it('computes the transcendental ones', () => {
    expect(value('SinF64', 0, 0.5)).toBeCloseTo(Math.sin(0.5), 15);
    expect(value('SinF64', 0, 2 ** 64)).toBe(2 ** 64); // out of fsin's range: unchanged
    expect(value('AtanF64', 0, 1, -1)).toBeCloseTo((3 * Math.PI) / 4, 15);
    expect(value('Yl2xF64', 0, 3, 8)).toBe(9);
    expect(value('Yl2xp1F64', 0, 1, 1)).toBeCloseTo(1, 15);
    expect(value('2xm1F64', 0, 0.5)).toBeCloseTo(Math.SQRT2 - 1, 15);
  });
});
