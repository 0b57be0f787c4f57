// Integer ops at run time, on the value representation of values.ts: widths up to 32 as
// unsigned numbers, 64 and 128 as unsigned bigints. Each family is written once per
// representation and parameterised by width.
//
// Where VEX leaves a result undefined we define the natural one, which the wasm backend
// must match: a shift by the width or more gives 0 (Sar: the sign in every bit), and
// Clz/Ctz of zero give the width, like ClzNat/CtzNat. The ops that trap (division) take
// their semantics from evaluate.ts, whose "undefined" there means exactly "traps".

import { evaluateOp } from '../../ir/evaluate.ts';
import { ALL_OPS, opMayTrap, opSignature, type IROp } from '../../ir/ops.ts';
import { TYPE_BITS } from '../../ir/types.ts';
import { OpTrap } from './env.ts';
import { bitsToValue, valueToBits, type Value } from './values.ts';

export type OpImpl = (...args: never[]) => Value;

export const INT_OPS = new Map<IROp, OpImpl>();

const def = (op: IROp, f: OpImpl) => INT_OPS.set(op, f);
const bool = (b: boolean): number => (b ? 1 : 0);

// ---------------------------------------------------------------- up to 32 bits: numbers

/** x reduced to w bits, unsigned. */
const uN = (w: number, x: number): number => (w === 32 ? x >>> 0 : x & ((1 << w) - 1));
/** The w-bit value x read as signed. */
const sN = (w: number, x: number): number => (x << (32 - w)) >> (32 - w);

const clz32 = Math.clz32;
const ctz32 = (x: number): number => (x === 0 ? 32 : 31 - clz32(x & -x));
function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

for (const w of [8, 16, 32] as const) {
  const u = (x: number) => uN(w, x);
  const s = (x: number) => sN(w, x);
  def(`Add${w}`, (a: number, b: number) => u(a + b));
  def(`Sub${w}`, (a: number, b: number) => u(a - b));
  def(`Mul${w}`, (a: number, b: number) => u(Math.imul(a, b)));
  def(`Or${w}`, (a: number, b: number) => (a | b) >>> 0);
  def(`And${w}`, (a: number, b: number) => (a & b) >>> 0);
  def(`Xor${w}`, (a: number, b: number) => (a ^ b) >>> 0);
  def(`Not${w}`, (a: number) => u(~a));
  // JS masks shift counts to 5 bits, so the out-of-range counts are caught first.
  def(`Shl${w}`, (a: number, n: number) => (n < w ? u(a << n) : 0));
  def(`Shr${w}`, (a: number, n: number) => (n < w ? a >>> n : 0));
  def(`Sar${w}`, (a: number, n: number) => u(s(a) >> Math.min(n, w - 1)));
  for (const op of ['CmpEQ', 'CasCmpEQ'] as const) def(`${op}${w}`, (a: number, b: number) => bool(a === b));
  for (const op of ['CmpNE', 'CasCmpNE', 'ExpCmpNE'] as const) def(`${op}${w}`, (a: number, b: number) => bool(a !== b));
  def(`CmpLT${w}U`, (a: number, b: number) => bool(a < b));
  def(`CmpLE${w}U`, (a: number, b: number) => bool(a <= b));
  def(`CmpLT${w}S`, (a: number, b: number) => bool(s(a) < s(b)));
  def(`CmpLE${w}S`, (a: number, b: number) => bool(s(a) <= s(b)));
  def(`CmpNEZ${w}`, (a: number) => bool(a !== 0));
  def(`Left${w}`, (a: number) => u(a | -a));
  if (w === 32) {
    def('MullU32', (a: number, b: number) => BigInt(a) * BigInt(b));
    def('MullS32', (a: number, b: number) => BigInt.asUintN(64, BigInt(a | 0) * BigInt(b | 0)));
  } else {
    def(`MullU${w}`, (a: number, b: number) => a * b);
    def(`MullS${w}`, (a: number, b: number) => uN(2 * w, s(a) * s(b)));
  }
}

def('Clz32', (a: number) => clz32(a));
def('ClzNat32', (a: number) => clz32(a));
def('Ctz32', ctz32);
def('CtzNat32', ctz32);
def('PopCount32', popcount32);
def('CmpwNEZ32', (a: number) => (a === 0 ? 0 : 0xffffffff));
def('Max32U', (a: number, b: number) => Math.max(a, b));

// ---------------------------------------------------------------- 64 bits: bigints

const u64 = (x: bigint): bigint => BigInt.asUintN(64, x);
const s64 = (x: bigint): bigint => BigInt.asIntN(64, x);
const MASK64 = (1n << 64n) - 1n;
/** Shift counts as bigints, made once rather than per shift. */
const COUNTS: readonly bigint[] = Array.from({ length: 64 }, (_, i) => BigInt(i));
const lo32 = (x: bigint): number => Number(x & 0xffffffffn);
const hi32 = (x: bigint): number => Number(x >> 32n);

def('Add64', (a: bigint, b: bigint) => u64(a + b));
def('Sub64', (a: bigint, b: bigint) => u64(a - b));
def('Mul64', (a: bigint, b: bigint) => u64(a * b));
def('Or64', (a: bigint, b: bigint) => a | b);
def('And64', (a: bigint, b: bigint) => a & b);
def('Xor64', (a: bigint, b: bigint) => a ^ b);
def('Not64', (a: bigint) => a ^ MASK64);
def('Shl64', (a: bigint, n: number) => (n < 64 ? u64(a << COUNTS[n]!) : 0n));
def('Shr64', (a: bigint, n: number) => (n < 64 ? a >> COUNTS[n]! : 0n));
def('Sar64', (a: bigint, n: number) => u64(s64(a) >> COUNTS[Math.min(n, 63)]!));
for (const op of ['CmpEQ64', 'CasCmpEQ64'] as const) def(op, (a: bigint, b: bigint) => bool(a === b));
for (const op of ['CmpNE64', 'CasCmpNE64', 'ExpCmpNE64'] as const) def(op, (a: bigint, b: bigint) => bool(a !== b));
def('CmpLT64U', (a: bigint, b: bigint) => bool(a < b));
def('CmpLE64U', (a: bigint, b: bigint) => bool(a <= b));
def('CmpLT64S', (a: bigint, b: bigint) => bool(s64(a) < s64(b)));
def('CmpLE64S', (a: bigint, b: bigint) => bool(s64(a) <= s64(b)));
def('CmpNEZ64', (a: bigint) => bool(a !== 0n));
def('Left64', (a: bigint) => u64(a | -a));
def('CmpwNEZ64', (a: bigint) => (a === 0n ? 0n : MASK64));
def('MullU64', (a: bigint, b: bigint) => a * b);
def('MullS64', (a: bigint, b: bigint) => BigInt.asUintN(128, s64(a) * s64(b)));
const clz64 = (a: bigint) => BigInt(hi32(a) !== 0 ? clz32(hi32(a)) : 32 + clz32(lo32(a)));
const ctz64 = (a: bigint) => BigInt(lo32(a) !== 0 ? ctz32(lo32(a)) : 32 + ctz32(hi32(a)));
def('Clz64', clz64);
def('ClzNat64', clz64);
def('Ctz64', ctz64);
def('CtzNat64', ctz64);
def('PopCount64', (a: bigint) => BigInt(popcount32(lo32(a)) + popcount32(hi32(a))));

// ---------------------------------------------------------------- one-bit logic

def('Not1', (a: number) => a ^ 1);
def('And1', (a: number, b: number) => a & b);
def('Or1', (a: number, b: number) => a | b);

// ---------------------------------------------------------------- conversions
// Named as in evaluate.ts: 8Uto64 zero-extends, 16Sto32 sign-extends, 64to8 keeps the low
// bits, 64HIto32 the high half, 32HLto64 pairs (high, low). Widths up to 32 are numbers.

/** Reduces x (a number or bigint of more bits) to `to` bits in to's representation. */
function truncate(to: number, x: number | bigint): Value {
  if (typeof x === 'number') return uN(to, x);
  return to <= 32 ? Number(BigInt.asUintN(to, x)) : BigInt.asUintN(to, x);
}

function conversion(op: string, from: number, to: number): OpImpl | undefined {
  const big = (x: number | bigint) => (to > 32 ? BigInt(x) : x);
  if (/^\d+Uto\d+$/.test(op)) return big as OpImpl;
  if (/^\d+Sto\d+$/.test(op)) {
    if (from <= 32) return ((a: number) => truncate(to, to > 32 ? BigInt(sN(from, a)) : sN(from, a))) as OpImpl;
    return ((a: bigint) => BigInt.asUintN(to, BigInt.asIntN(from, a))) as OpImpl;
  }
  if (/^\d+to\d+$/.test(op)) return ((a: number | bigint) => truncate(to, a)) as OpImpl;
  if (/^\d+HIto\d+$/.test(op)) {
    if (from <= 32) return ((a: number) => a >>> to) as OpImpl;
    return ((a: bigint) => truncate(to, a >> BigInt(to))) as OpImpl;
  }
  if (/^\d+HLto\d+$/.test(op)) {
    if (to <= 32) return ((hi: number, lo: number) => uN(to, hi * 2 ** from + lo)) as OpImpl;
    return ((hi: number | bigint, lo: number | bigint) => (BigInt(hi) << BigInt(from)) | BigInt(lo)) as OpImpl;
  }
  return undefined;
}

for (const op of ALL_OPS) {
  const m = /^(\d+)(?:[US]?to|HIto|HLto)(\d+)$/.exec(op);
  if (!m) continue;
  const { args, res } = opSignature(op);
  const f = conversion(op, TYPE_BITS[args[0]!], TYPE_BITS[res]);
  if (f) def(op, f);
}

// ---------------------------------------------------------------- division

/** An op evaluated exactly by evaluate.ts, trapping where it has no result. */
function viaEvaluator(op: IROp): OpImpl {
  const { args, res } = opSignature(op);
  return ((...xs: Value[]) => {
    const r = evaluateOp(op, xs.map((x, i) => valueToBits(args[i]!, x)));
    if (r === undefined) throw new OpTrap(op);
    return bitsToValue(res, r);
  }) as OpImpl;
}

for (const op of ALL_OPS) if (opMayTrap(op)) def(op, viaEvaluator(op));
