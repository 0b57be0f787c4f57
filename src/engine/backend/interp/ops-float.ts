// Scalar floating-point ops: F64 and F32 arithmetic, comparisons, conversions and the x87
// extras. The rounding and NaN rules live in fp.ts; this file maps op names onto them.

import type { IROp } from '../../ir/ops.ts';
import {
  BINARY32, BINARY64, DEFAULT_NAN, arith, decompose, floatToInt, intToFloat, nanResult, narrow, roundExact,
  roundToIntegral, sqrt, type ArithOp, type FloatFormat,
} from './fp.ts';
import type { OpImpl } from './ops-int.ts';
import { f32Bits, f32FromBits, f64Bits, f64FromBits, quietNaN, signBit, withSign } from './values.ts';

export const FLOAT_OPS = new Map<IROp, OpImpl>();

const def = (op: IROp, f: OpImpl) => FLOAT_OPS.set(op, f);

const FORMATS: readonly [string, FloatFormat][] = [['F64', BINARY64], ['F32', BINARY32]];
const ARITH: readonly [string, ArithOp][] = [['Add', 'add'], ['Sub', 'sub'], ['Mul', 'mul'], ['Div', 'div']];

/** IRCmpF64Result, the x86 (u)comisd flag encoding. */
function compareFloat(a: number, b: number): number {
  return a < b ? 0x01 : a > b ? 0x00 : a === b ? 0x40 : 0x45;
}

for (const [name, fmt] of FORMATS) {
  for (const [opName, op] of ARITH) {
    def(`${opName}${name}` as IROp, (rm: number, a: number, b: number) => arith(op, rm, a, b, fmt));
  }
  def(`Neg${name}` as IROp, (a: number) => (a === a ? -a : withSign(a, 'neg')));
  def(`Abs${name}` as IROp, (a: number) => (a === a ? Math.abs(a) : withSign(a, 'abs')));
  def(`Sqrt${name}` as IROp, (rm: number, a: number) => sqrt(rm, a, fmt));
  def(`Cmp${name}` as IROp, compareFloat);
  // IEEE 754-2008 minNum/maxNum: a NaN loses to a number.
  def(`MinNum${name}` as IROp, (a: number, b: number) => minMaxNum(a, b, (x, y) => x < y || (x === y && signBit(x))));
  def(`MaxNum${name}` as IROp, (a: number, b: number) => minMaxNum(a, b, (x, y) => x > y || (x === y && !signBit(x))));
}

function minMaxNum(a: number, b: number, aWins: (a: number, b: number) => boolean): number {
  if (a !== a || b !== b) return a !== a && b !== b ? quietNaN(a) : a !== a ? b : a;
  return aWins(a, b) ? a : b;
}

// ---- float to integer: x86 gives "integer indefinite" (0x80..0) for NaN or out of range.
const TO_INT: readonly [IROp, number, number, (r: number | undefined) => number | bigint][] = [
  ['F64toI16S', -(2 ** 15), 2 ** 15, (r) => (r ?? -(2 ** 15)) & 0xffff],
  ['F64toI32S', -(2 ** 31), 2 ** 31, (r) => (r ?? -(2 ** 31)) >>> 0],
  ['F64toI64S', -(2 ** 63), 2 ** 63, (r) => BigInt.asUintN(64, r === undefined ? -(2n ** 63n) : BigInt(r))],
  // Unsigned results have no x86 scalar form before AVX-512, whose vcvtsd2usi gives all ones.
  ['F64toI32U', 0, 2 ** 32, (r) => (r ?? 0xffffffff) >>> 0], // >>> 0: -0 (from -0.3) is the integer 0
  ['F64toI64U', 0, 2 ** 64, (r) => (r === undefined ? 2n ** 64n - 1n : BigInt(r))],
  ['F32toI32S', -(2 ** 31), 2 ** 31, (r) => (r ?? -(2 ** 31)) >>> 0],
  ['F32toI64S', -(2 ** 63), 2 ** 63, (r) => BigInt.asUintN(64, r === undefined ? -(2n ** 63n) : BigInt(r))],
];
for (const [op, min, limit, result] of TO_INT) {
  def(op, (rm: number, x: number) => result(floatToInt(rm, x, min, limit)));
}

// ---- integer to float
def('I32StoF64', (a: number) => a | 0);
def('I32UtoF64', (a: number) => a);
def('I64StoF64', (rm: number, a: bigint) => intToFloat(rm, BigInt.asIntN(64, a), BINARY64));
def('I64UtoF64', (rm: number, a: bigint) => intToFloat(rm, a, BINARY64));
def('I32StoF32', (rm: number, a: number) => intToFloat(rm, a | 0, BINARY32));
def('I32UtoF32', (rm: number, a: number) => intToFloat(rm, a, BINARY32));
def('I64StoF32', (rm: number, a: bigint) => intToFloat(rm, BigInt.asIntN(64, a), BINARY32));
def('I64UtoF32', (rm: number, a: bigint) => intToFloat(rm, a, BINARY32));

// ---- between formats, rounding to integral, reinterpretation
def('F32toF64', (a: number) => (a === a ? a : quietNaN(a)));
def('F64toF32', (rm: number, a: number) => narrow(rm, a, BINARY32));
def('RoundF64toF32', (rm: number, a: number) => narrow(rm, a, BINARY32));
def('RoundF64toInt', roundToIntegral);
def('RoundF32toInt', roundToIntegral);
def('ReinterpF64asI64', f64Bits);
def('ReinterpI64asF64', f64FromBits);
def('ReinterpF32asI32', f32Bits);
def('ReinterpI32asF32', f32FromBits);

// ---- x87. VEX computes these with the host's x87 at 80 bits and rounds to 64; we use the
// JS library functions, which can differ from that in the last bit. The rounding-mode
// argument is ignored except by ScaleF64, which is exact.

/** f(a, b), with x86's NaN result if it is NaN. */
const host2 = (f: (a: number, b: number) => number): OpImpl => (_rm: number, a: number, b: number) => {
  const r = f(a, b);
  return r === r ? r : nanResult(a, b);
};
const host1 = (f: (a: number) => number): OpImpl => (_rm: number, a: number) => {
  const r = f(a);
  return r === r ? r : nanResult(a, a);
};

def('AtanF64', host2(Math.atan2)); // fpatan: arctan(arg1 / arg2), in the right quadrant
def('Yl2xF64', host2((y, x) => y * Math.log2(x)));
def('Yl2xp1F64', host2((y, x) => (y * Math.log1p(x)) / Math.LN2));
def('2xm1F64', host1((x) => Math.expm1(x * Math.LN2)));
// fsin, fcos, fptan leave an operand of 2^63 or more in magnitude unchanged (and set C2,
// which the lifter computes itself).
for (const [op, f] of [['SinF64', Math.sin], ['CosF64', Math.cos], ['TanF64', Math.tan]] as const) {
  def(op, host1((x) => (Math.abs(x) < 2 ** 63 ? f(x) : x)));
}

def('ScaleF64', (rm: number, a: number, b: number) => {
  if (a !== a || b !== b) return nanResult(a, b);
  // fscale with an infinite scale: 0 * 2^+inf and inf * 2^-inf are invalid (Intel SDM).
  if (b === Infinity) return a === 0 ? DEFAULT_NAN : a * Infinity;
  if (b === -Infinity) return Number.isFinite(a) ? a * 0 : DEFAULT_NAN;
  if (a === 0 || !Number.isFinite(a)) return a;
  const { mant, exp } = decompose(a);
  // Clamped: beyond ±2^12 the result has long since overflowed or underflowed.
  const n = Math.max(-4096, Math.min(4096, Math.trunc(b)));
  return roundExact(a < 0, mant, exp + n, false, rm, BINARY64);
});

// fprem / fprem1: the remainder of a truncating / round-to-nearest-even quotient, exact.
// x87 reduces by at most 2^63 per instruction when the exponents are far apart (a "partial
// remainder", C2 set, so the guest loops); we always reduce completely and report C2
// clear, which gives the same final result.
def('PRemF64', (_rm: number, a: number, b: number) => remainder(a, b, false).value);
def('PRem1F64', (_rm: number, a: number, b: number) => remainder(a, b, true).value);
def('PRemC3210F64', (_rm: number, a: number, b: number) => remainder(a, b, false).c3210);
def('PRem1C3210F64', (_rm: number, a: number, b: number) => remainder(a, b, true).c3210);

/** The remainder, and the x87 condition bits it leaves (status-word positions: C0 bit 8,
 *  C1 bit 9, C2 bit 10, C3 bit 14): C0, C3, C1 hold the quotient's low three bits. */
function remainder(a: number, b: number, nearest: boolean): { value: number; c3210: number } {
  if (a !== a || b !== b || b === 0 || !Number.isFinite(a)) return { value: nanResult(a, b), c3210: 0 };
  if (a === 0 || !Number.isFinite(b)) return { value: a, c3210: 0 };
  const x = decompose(a), y = decompose(b);
  const e = Math.min(x.exp, y.exp);
  const num = x.mant << BigInt(x.exp - e);
  const den = y.mant << BigInt(y.exp - e);
  let q = num / den;
  let r = num - q * den;
  if (nearest && (2n * r > den || (2n * r === den && (q & 1n) === 1n))) {
    q += 1n;
    r -= den;
  }
  const magnitude = Number(r) * 2 ** e; // exact: a remainder is always representable
  const value = r === 0n ? (a < 0 ? -0 : 0) : a < 0 ? -magnitude : magnitude;
  const bit = (i: bigint) => Number((q >> i) & 1n);
  return { value, c3210: (bit(2n) << 8) | (bit(0n) << 9) | (bit(1n) << 14) };
}
