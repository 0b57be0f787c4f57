// Floating-point semantics shared by the scalar and the SIMD ops: rounding modes, x86's NaN
// rules, and exact conversions.
//
// Round-to-nearest arithmetic is the host's (JS numbers are binary64; binary32 results
// go through Math.fround, which is exact for + - * / sqrt because binary64 has more than
// twice binary32's precision). The other IRRoundingModes are done exactly: the operands'
// exact values as bigints, the exact result, then one correctly rounded step in roundExact.
// That path is slow but rare: x86 code seldom changes MXCSR.RC or the x87 control word.
//
// NaNs follow SSE, which is what VEX runs the guest's FP code on: an operation with a NaN
// operand returns its first NaN operand, quietened; an invalid operation (inf - inf,
// 0 * inf, 0 / 0, sqrt(-1)) returns the "default NaN" 0xFFF8000000000000 (0xFFC00000 for
// binary32), which is why glibc prints "-nan" for 0.0/0.0 on x86.

import { f64Bits, f64FromBits, quietNaN, signBit } from './values.ts';

/** IRRoundingMode, the x86 encoding (ops.ts); 3 is toward zero. */
export const RM_NEAREST = 0;
const RM_DOWN = 1;
const RM_UP = 2;


export interface FloatFormat {
  /** Significand bits, counting the hidden bit. */
  readonly precision: number;
  readonly emin: number;
  readonly emax: number;
}

export const BINARY64: FloatFormat = { precision: 53, emin: -1022, emax: 1023 };
export const BINARY32: FloatFormat = { precision: 24, emin: -126, emax: 127 };

/** Both formats' default NaN: binary32's 0xFFC00000 held as binary64 is exactly this. */
export const DEFAULT_NAN = f64FromBits(0xfff8000000000000n);

/** The NaN an operation returns when its result is NaN: the first NaN operand, quietened,
 *  or the default NaN if the operands were not NaNs (an invalid operation). */
export function nanResult(a: number, b: number): number {
  if (a !== a) return quietNaN(a);
  if (b !== b) return quietNaN(b);
  return DEFAULT_NAN;
}

// ---------------------------------------------------------------- exact values

/** |x| = mant * 2^exp for a finite nonzero x. */
export function decompose(x: number): { mant: bigint; exp: number } {
  const bits = f64Bits(x);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & ((1n << 52n) - 1n);
  return biased === 0 ? { mant: frac, exp: -1074 } : { mant: frac | (1n << 52n), exp: biased - 1075 };
}

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/** The number nearest to ±(mag + sticky·ε)·2^exp in `fmt` under `rm`, where `sticky` says
 *  that nonzero bits were dropped below mag (so the exact value lies strictly above it). */
export function roundExact(negative: boolean, mag: bigint, exp: number, sticky: boolean, rm: number, fmt: FloatFormat): number {
  const p = fmt.precision;
  const top = exp + bitLength(mag) - 1; // exponent of the leading bit
  const q = Math.max(top - (p - 1), fmt.emin - (p - 1)); // exponent of the last kept bit
  const shift = q - exp;
  let kept: bigint;
  let above: number; // the dropped part against half an ulp: -1 below, 0 exactly half, 1 above
  let inexact: boolean;
  if (shift <= 0) {
    kept = mag << BigInt(-shift);
    inexact = sticky;
    above = -1; // whatever the sticky bit stands for is far below half an ulp
  } else {
    const s = BigInt(shift);
    kept = mag >> s;
    const rest = mag - (kept << s);
    const half = 1n << (s - 1n);
    above = rest > half || (rest === half && sticky) ? 1 : rest === half ? 0 : -1;
    inexact = rest !== 0n || sticky;
  }
  let up: boolean;
  switch (rm & 3) {
    case RM_NEAREST: up = above > 0 || (above === 0 && (kept & 1n) === 1n); break;
    case RM_DOWN: up = negative && inexact; break;
    case RM_UP: up = !negative && inexact; break;
    default: up = false;
  }
  if (up) kept += 1n;
  if (kept !== 0n && q + bitLength(kept) - 1 > fmt.emax) return overflow(negative, rm, fmt);
  const magnitude = Number(kept) * 2 ** q; // exact: kept has at most p + 1 bits
  return negative ? -magnitude : magnitude;
}

/** IEEE 754's overflow result: infinity, or the largest finite number when rounding away
 *  from it. */
function overflow(negative: boolean, rm: number, fmt: FloatFormat): number {
  const max = (2 - 2 ** (1 - fmt.precision)) * 2 ** fmt.emax;
  const toInf = rm === RM_NEAREST || (rm === RM_UP && !negative) || (rm === RM_DOWN && negative);
  const m = toInf ? Infinity : max;
  return negative ? -m : m;
}

function roundFinite(x: number, rm: number, fmt: FloatFormat): number {
  if (x === 0 || x !== x || !Number.isFinite(x)) return x;
  const { mant, exp } = decompose(x);
  return roundExact(x < 0, mant, exp, false, rm, fmt);
}

// ---------------------------------------------------------------- arithmetic

export type ArithOp = 'add' | 'sub' | 'mul' | 'div';

/** a op b rounded to `fmt` under `rm`; a and b are values of `fmt`. */
export function arith(op: ArithOp, rm: number, a: number, b: number, fmt: FloatFormat): number {
  const nearest = hostArith(op, a, b);
  if (nearest !== nearest) return nanResult(a, b);
  if (rm === RM_NEAREST) return fmt === BINARY32 ? Math.fround(nearest) : nearest;
  return directed(op, rm, a, b, nearest, fmt);
}

function hostArith(op: ArithOp, a: number, b: number): number {
  switch (op) {
    case 'add': return a + b;
    case 'sub': return a - b;
    case 'mul': return a * b;
    case 'div': return a / b;
  }
}

function directed(op: ArithOp, rm: number, a: number, b: number, nearest: number, fmt: FloatFormat): number {
  // Infinite or zero operands give exact results, which need no rounding; so do zero
  // results of multiplication and division (an operand was zero).
  if (!Number.isFinite(a) || !Number.isFinite(b)) return nearest;
  if (op === 'sub') return directed('add', rm, a, -b, a - b, fmt);
  if (op === 'add') {
    if (a === 0 || b === 0) {
      // x + (-x) is +0 in every mode but toward -inf, where it is -0 (IEEE 754 6.3).
      if (a === 0 && b === 0) return rm === RM_DOWN && (signBit(a) || signBit(b)) ? -0 : nearest;
      return a === 0 ? b : a;
    }
    const x = decompose(a), y = decompose(b);
    const exp = Math.min(x.exp, y.exp);
    const sum = (a < 0 ? -x.mant : x.mant) * (1n << BigInt(x.exp - exp)) + (b < 0 ? -y.mant : y.mant) * (1n << BigInt(y.exp - exp));
    if (sum === 0n) return rm === RM_DOWN ? -0 : 0;
    return roundExact(sum < 0n, sum < 0n ? -sum : sum, exp, false, rm, fmt);
  }
  if (a === 0 || b === 0) return nearest;
  const x = decompose(a), y = decompose(b);
  const negative = (a < 0) !== (b < 0);
  if (op === 'mul') return roundExact(negative, x.mant * y.mant, x.exp + y.exp, false, rm, fmt);
  // Division: enough quotient bits for the precision plus a rounding bit, and the
  // remainder as the sticky bit.
  const k = Math.max(0, fmt.precision + 2 + bitLength(y.mant) - bitLength(x.mant));
  const num = x.mant << BigInt(k);
  const quo = num / y.mant;
  return roundExact(negative, quo, x.exp - y.exp - k, quo * y.mant !== num, rm, fmt);
}

export function sqrt(rm: number, a: number, fmt: FloatFormat): number {
  if (a !== a) return quietNaN(a);
  if (a < 0) return DEFAULT_NAN;
  if (a === 0 || a === Infinity) return a;
  if (rm === RM_NEAREST) return fmt === BINARY32 ? Math.fround(Math.sqrt(a)) : Math.sqrt(a);
  let { mant, exp } = decompose(a);
  if (exp & 1) { mant <<= 1n; exp -= 1; }
  const k = Math.max(0, Math.ceil((2 * (fmt.precision + 2) - bitLength(mant)) / 2));
  const n = mant << BigInt(2 * k);
  const root = isqrt(n);
  return roundExact(false, root, exp / 2 - k, root * root !== n, rm, fmt);
}

function isqrt(n: bigint): bigint {
  let x = 1n << BigInt(Math.ceil(bitLength(n) / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

// ---------------------------------------------------------------- conversions

/** x rounded to an integral value under `rm`, keeping the sign of a zero result (roundsd). */
export function roundToIntegral(rm: number, x: number): number {
  if (!Number.isFinite(x) || Math.abs(x) >= 2 ** 52) return x !== x ? quietNaN(x) : x;
  let r: number;
  switch (rm & 3) {
    case RM_NEAREST: {
      const f = Math.floor(x);
      const d = x - f; // exact below 2^52
      r = d > 0.5 || (d === 0.5 && f % 2 !== 0) ? f + 1 : f;
      break;
    }
    case RM_DOWN: r = Math.floor(x); break;
    case RM_UP: r = Math.ceil(x); break;
    default: r = Math.trunc(x);
  }
  return r === 0 && signBit(x) ? -0 : r;
}

/** x rounded to `fmt` under `rm` (F64toF32 and RoundF64toF32). */
export function narrow(rm: number, x: number, fmt: FloatFormat): number {
  if (x !== x) return fmt === BINARY32 ? quietNaN(f32Payload(x)) : quietNaN(x);
  if (rm === RM_NEAREST) return fmt === BINARY32 ? Math.fround(x) : x;
  return roundFinite(x, rm, fmt);
}

/** A binary64 NaN cut to a binary32 payload (the top 23 fraction bits), as cvtsd2ss does. */
function f32Payload(x: number): number {
  return f64FromBits(f64Bits(x) & ~((1n << 29n) - 1n));
}

/** An integer (a number if it is below 2^53 in magnitude) rounded to `fmt` under `rm`:
 *  I64StoF64 and friends. */
export function intToFloat(rm: number, x: number | bigint, fmt: FloatFormat): number {
  if (typeof x === 'number' || (x < 0n ? -x : x) < 1n << 53n) {
    const n = Number(x); // exact
    if (rm === RM_NEAREST) return fmt === BINARY32 ? Math.fround(n) : n;
    return roundFinite(n, rm, fmt);
  }
  // Number(bigint) would round once to binary64, and binary32 would then round again.
  return roundExact(x < 0n, x < 0n ? -x : x, 0, false, rm, fmt);
}

/** x rounded to an integer under `rm` if that lies in [min, limit), else undefined: the
 *  caller then gives x86's "integer indefinite" (0x80..0 for signed results). */
export function floatToInt(rm: number, x: number, min: number, limit: number): number | undefined {
  if (x !== x) return undefined;
  const r = roundToIntegral(rm, x);
  return r >= min && r < limit ? r : undefined;
}
