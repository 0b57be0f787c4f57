// How the interpreter holds IR values at run time. The choice is a speed/clarity trade:
// JS numbers wherever they are exact (no allocation, JIT-friendly), bigints only where 64
// bits are needed, and small arrays for vectors.
//
//   I1 I8 I16 I32   number, unsigned: 0 <= v < 2^bits (I1 is 0 or 1)
//   I64 I128        bigint, unsigned: 0n <= v < 2^bits
//   F64             number. NaN payloads are kept: every NaN the interpreter makes has the
//                   bits x86 would give (see fp.ts), and values move through DataView and
//                   typed arrays, which keep payloads, never through arithmetic.
//   F32             number holding a binary32 value exactly. A binary32 NaN is held as the
//                   binary64 NaN with the same sign and its payload in the top bits (what
//                   cvtss2sd makes, but without quieting), so a signalling NaN survives a
//                   round trip through an F32 temp.
//   V128 V256       Vec: 4 or 8 int32 words (`x | 0`), word 0 least significant.
//
// The helpers here convert between these and bit patterns (the Const representation: an
// unsigned bigint of the type's width, IEEE bits for floats).
//
// Vector lanes and float bits are reached through one scratch buffer aliased by typed
// arrays of several widths, so this file assumes a little-endian host (every engine we
// target; WebAssembly memory is little-endian too). The check below stops otherwise.

import { TYPE_BITS, type Const, type IRType } from '../../ir/types.ts';
import type { Vec } from '../../memory/port.ts';

/** A V128 (4 words) or V256 (8 words): int32 words, least significant first. Immutable. */
export type { Vec };

export type Value = number | bigint | Vec;

const scratch = new ArrayBuffer(8);
const F64 = new Float64Array(scratch);
const F32 = new Float32Array(scratch, 0, 1);
const U32 = new Uint32Array(scratch);
const I32 = new Int32Array(scratch);
const U64 = new BigUint64Array(scratch);

U32[0] = 1;
if (new Uint8Array(scratch)[0] !== 1) throw new Error('grindlab interp: a little-endian host is required');

export function f64FromBits(bits: bigint): number {
  U64[0] = bits;
  return F64[0]!;
}

export function f64Bits(x: number): bigint {
  F64[0] = x;
  return U64[0]!;
}

export function f64FromWords(lo: number, hi: number): number {
  I32[0] = lo;
  I32[1] = hi;
  return F64[0]!;
}

/** Writes x's bits as two int32 words into out[at] (low) and out[at + 1] (high). */
export function f64ToWords(x: number, out: number[], at: number): void {
  F64[0] = x;
  out[at] = I32[0]!;
  out[at + 1] = I32[1]!;
}

/** High word of x's bits, unsigned: sign, exponent and the top 20 fraction bits. */
function f64HiWord(x: number): number {
  F64[0] = x;
  return U32[1]!;
}

/** The binary32 with bits `b`, held as described above. */
export function f32FromBits(b: number): number {
  if ((b & 0x7f800000) === 0x7f800000 && (b & 0x7fffff) !== 0) {
    // Built by hand: a float-to-double conversion would quieten a signalling NaN.
    U32[1] = (b & 0x80000000) | 0x7ff00000 | ((b & 0x7fffff) >>> 3);
    U32[0] = (b & 7) << 29;
    return F64[0]!;
  }
  U32[0] = b;
  return F32[0]!;
}

/** The bits of an F32 value, unsigned. */
export function f32Bits(x: number): number {
  if (x !== x) {
    F64[0] = x;
    const hi = U32[1]!, lo = U32[0]!;
    return ((hi & 0x80000000) | 0x7f800000 | ((hi & 0xfffff) << 3) | (lo >>> 29)) >>> 0;
  }
  F32[0] = x;
  return U32[0]!;
}

/** A NaN with its quiet bit set, as x86 does to a signalling NaN it propagates. Works for
 *  F32 values too: their quiet bit lands on binary64's. */
export function quietNaN(x: number): number {
  F64[0] = x;
  U32[1] = U32[1]! | 0x80000;
  return F64[0]!;
}

/** x with its sign bit flipped or cleared; exact for NaNs, whose signs JS arithmetic may not keep. */
export function withSign(x: number, op: 'neg' | 'abs'): number {
  const hi = f64HiWord(x);
  U32[1] = op === 'neg' ? hi ^ 0x80000000 : hi & 0x7fffffff;
  return F64[0]!;
}

/** True for -0 and for negative numbers, false for +0: the sign bit of a non-NaN. */
export function signBit(x: number): boolean {
  return x < 0 || (x === 0 && 1 / x < 0);
}

/** An array to hold values in. It holds tagged values from the start: a JS engine may
 *  keep an array of only numbers unboxed, and quieten signalling NaNs stored into it. */
export function valueArray(n: number): Value[] {
  return new Array<Value>(n).fill(0n);
}

// ---------------------------------------------------------------- vectors

export function vecToBig(v: Vec): bigint {
  let r = 0n;
  for (let i = v.length - 1; i >= 0; i--) r = (r << 32n) | BigInt(v[i]! >>> 0);
  return r;
}

export function bigToVec(b: bigint, words: number): Vec {
  const out: number[] = [];
  for (let i = 0; i < words; i++, b >>= 32n) out.push(Number(b & 0xffffffffn) | 0);
  return out;
}

/** The 64-bit lane `i` of a vector. */
export function vecLane64(v: Vec, i: number): bigint {
  return (BigInt(v[2 * i + 1]! >>> 0) << 32n) | BigInt(v[2 * i]! >>> 0);
}

/** Words [lo, hi] of a 64-bit value, for building vectors. */
export function words64(x: bigint): [number, number] {
  return [Number(x & 0xffffffffn) | 0, Number((x >> 32n) & 0xffffffffn) | 0];
}

// ---------------------------------------------------------------- bit patterns

/** A Const's value at run time. V128/V256 constants are VEX's byte masks (types.ts). */
export function constToValue(c: Const): Value {
  if (c.ty === 'V128' || c.ty === 'V256') {
    const out: number[] = [];
    for (let w = 0; w < TYPE_BITS[c.ty] / 32; w++) {
      let word = 0;
      for (let b = 0; b < 4; b++) if ((c.value >> BigInt(4 * w + b)) & 1n) word |= 0xff << (8 * b);
      out.push(word);
    }
    return out;
  }
  return bitsToValue(c.ty, c.value);
}

/** The value whose bit pattern is `bits` (unsigned, the type's full width). */
export function bitsToValue(ty: IRType, bits: bigint): Value {
  switch (ty) {
    case 'I1': case 'I8': case 'I16': case 'I32': return Number(bits);
    case 'I64': case 'I128': return bits;
    case 'F32': return f32FromBits(Number(bits));
    case 'F64': return f64FromBits(bits);
    case 'V128': case 'V256': return bigToVec(bits, TYPE_BITS[ty] / 32);
  }
}

/** The bit pattern of a value: an unsigned bigint of the type's full width. */
export function valueToBits(ty: IRType, v: Value): bigint {
  switch (ty) {
    case 'I1': case 'I8': case 'I16': case 'I32': case 'I64': case 'I128': return BigInt(v as number | bigint);
    case 'F32': return BigInt(f32Bits(v as number));
    case 'F64': return f64Bits(v as number);
    case 'V128': case 'V256': return vecToBig(v as Vec) & ((1n << BigInt(TYPE_BITS[ty])) - 1n);
  }
}

/** A value as hex digits of its bits, the way the UI and test failures show it. */
export function formatValue(ty: IRType, v: Value): string {
  const digits = ty === 'I1' ? 1 : TYPE_BITS[ty] / 4;
  return `0x${valueToBits(ty, v).toString(16).toUpperCase().padStart(digits, '0')}`;
}
