// Exact semantics of the ops we can evaluate at translation time: every integer op in
// ops.ts, plus the floating-point ops whose result is exact (reinterpretations, sign
// flips, widening conversions). Values use the Const representation: unsigned bigints,
// IEEE bit patterns for F32/F64. An evaluator returns undefined where the op's result is
// not defined by VEX (Clz of zero, a shift by the width or more) or where it traps at run
// time (a zero divisor, a quotient that does not fit): such cases are left to run time.
//
// Families are defined once, parameterised by width; conversions take their semantics
// from their names (8Uto64 zero-extends 8 bits to 64, 64HIto32 takes the high half, ...).

import { ALL_OPS, opSignature, type IROp } from './ops.ts';
import { TYPE_BITS } from './types.ts';

export type Evaluator = (args: readonly bigint[]) => bigint | undefined;

const EVALUATORS = new Map<IROp, Evaluator>();

const def = (op: IROp, f: Evaluator) => EVALUATORS.set(op, f);
const bool = (b: boolean): bigint => (b ? 1n : 0n);
const u = (w: number, x: bigint) => BigInt.asUintN(w, x);
const s = (w: number, x: bigint) => BigInt.asIntN(w, x);

type Width = 8 | 16 | 32 | 64;
const WIDTHS: readonly Width[] = [8, 16, 32, 64];

for (const w of WIDTHS) {
  def(`Add${w}`, ([a, b]) => u(w, a! + b!));
  def(`Sub${w}`, ([a, b]) => u(w, a! - b!));
  def(`Mul${w}`, ([a, b]) => u(w, a! * b!));
  def(`Or${w}`, ([a, b]) => a! | b!);
  def(`And${w}`, ([a, b]) => a! & b!);
  def(`Xor${w}`, ([a, b]) => a! ^ b!);
  def(`Not${w}`, ([a]) => u(w, ~a!));
  def(`Shl${w}`, ([a, n]) => (n! < w ? u(w, a! << n!) : undefined));
  def(`Shr${w}`, ([a, n]) => (n! < w ? a! >> n! : undefined));
  def(`Sar${w}`, ([a, n]) => (n! < w ? u(w, s(w, a!) >> n!) : undefined));
  def(`MullU${w}`, ([a, b]) => a! * b!);
  def(`MullS${w}`, ([a, b]) => u(2 * w, s(w, a!) * s(w, b!)));
  for (const op of ['CmpEQ', 'CasCmpEQ'] as const) def(`${op}${w}`, ([a, b]) => bool(a === b));
  for (const op of ['CmpNE', 'CasCmpNE', 'ExpCmpNE'] as const) def(`${op}${w}`, ([a, b]) => bool(a !== b));
  def(`CmpLT${w}U`, ([a, b]) => bool(a! < b!));
  def(`CmpLE${w}U`, ([a, b]) => bool(a! <= b!));
  def(`CmpLT${w}S`, ([a, b]) => bool(s(w, a!) < s(w, b!)));
  def(`CmpLE${w}S`, ([a, b]) => bool(s(w, a!) <= s(w, b!)));
  def(`CmpNEZ${w}`, ([a]) => bool(a !== 0n));
  def(`Left${w}`, ([a]) => u(w, a! | -a!));
}

for (const w of [32, 64] as const) {
  const clz = (a: bigint) => w - a.toString(2).length;
  const ctz = (a: bigint) => a.toString(2).length - 1 - a.toString(2).lastIndexOf('1');
  def(`Clz${w}`, ([a]) => (a === 0n ? undefined : BigInt(clz(a!))));
  def(`Ctz${w}`, ([a]) => (a === 0n ? undefined : BigInt(ctz(a!))));
  def(`ClzNat${w}`, ([a]) => BigInt(a === 0n ? w : clz(a!)));
  def(`CtzNat${w}`, ([a]) => BigInt(a === 0n ? w : ctz(a!)));
  def(`PopCount${w}`, ([a]) => BigInt(a!.toString(2).replaceAll('0', '').length));
  def(`CmpwNEZ${w}`, ([a]) => (a === 0n ? 0n : u(w, -1n)));
  def(`DivU${w}`, ([a, b]) => (b === 0n ? undefined : a! / b!));
  def(`DivS${w}`, ([a, b]) => signedQuotient(w, s(w, a!), s(w, b!)));
}
def('Max32U', ([a, b]) => (a! > b! ? a! : b!));

/** Truncating signed division, or undefined if it traps (zero divisor, or overflow as in
 *  INT_MIN / -1: the quotient does not fit in w signed bits). */
function signedQuotient(w: number, a: bigint, b: bigint): bigint | undefined {
  if (b === 0n) return undefined;
  const q = a / b; // bigint division truncates toward zero, as x86 idiv does
  return q === s(w, q) ? u(w, q) : undefined;
}

// One-bit logic. And1/Or1 of I1 values: bitwise is exact.
def('Not1', ([a]) => a! ^ 1n);
def('And1', ([a, b]) => a! & b!);
def('Or1', ([a, b]) => a! | b!);

// Conversions and divisions whose semantics the name spells out.
for (const op of ALL_OPS) {
  const { args, res } = opSignature(op);
  const to = TYPE_BITS[res];
  let m: RegExpExecArray | null;
  if (/^(\d+)Uto(\d+)$/.test(op)) {
    def(op, ([a]) => a); // values are held unsigned, so zero-extension is the identity
  } else if ((m = /^(\d+)Sto(\d+)$/.exec(op))) {
    const from = Number(m[1]);
    def(op, ([a]) => u(to, s(from, a!)));
  } else if (/^(\d+)to(\d+)$/.test(op)) {
    def(op, ([a]) => u(to, a!));
  } else if (/^(\d+)HIto(\d+)$/.test(op)) {
    def(op, ([a]) => a! >> BigInt(to));
  } else if ((m = /^(\d+)HLto(\d+)$/.exec(op))) {
    const half = BigInt(Number(m[1]));
    def(op, ([hi, lo]) => (hi! << half) | lo!);
  } else if ((m = /^DivMod([US])(\d+)to(\d+)$/.exec(op))) {
    // DivModU128to64: a 128-bit dividend and a 64-bit divisor give a 64-bit quotient (low
    // half of the result) and remainder (high half).
    const signed = m[1] === 'S';
    const [dividendBits, divisorBits] = [TYPE_BITS[args[0]!], TYPE_BITS[args[1]!]];
    const half = Number(m[3]);
    def(op, ([a, b]) => {
      const [x, d] = signed ? [s(dividendBits, a!), s(divisorBits, b!)] : [a!, b!];
      if (d === 0n) return undefined;
      const q = x / d;
      const r = x % d; // takes the dividend's sign, as x86's remainder does
      if (q !== (signed ? s(half, q) : u(half, q))) return undefined;
      return (u(half, r) << BigInt(half)) | u(half, q);
    });
  }
}

// ---- floating point: only what is exact on bit patterns
const SIGN64 = 1n << 63n;
const SIGN32 = 1n << 31n;
for (const op of ['ReinterpF64asI64', 'ReinterpI64asF64', 'ReinterpF32asI32', 'ReinterpI32asF32'] as const) {
  def(op, ([a]) => a);
}
def('NegF64', ([a]) => a! ^ SIGN64);
def('AbsF64', ([a]) => a! & ~SIGN64);
def('NegF32', ([a]) => a! ^ SIGN32);
def('AbsF32', ([a]) => a! & ~SIGN32);
// Every 32-bit integer is exactly a double.
def('I32StoF64', ([a]) => f64Bits(Number(s(32, a!))));
def('I32UtoF64', ([a]) => f64Bits(Number(a!)));
// Every float is exactly a double, but a NaN's quieting is the hardware's business.
def('F32toF64', ([a]) => {
  const x = f32Value(a!);
  return Number.isNaN(x) ? undefined : f64Bits(x);
});

const scratch = new DataView(new ArrayBuffer(8));

function f64Bits(x: number): bigint {
  scratch.setFloat64(0, x);
  return scratch.getBigUint64(0);
}

function f32Value(bits: bigint): number {
  scratch.setUint32(0, Number(bits));
  return scratch.getFloat32(0);
}

/** The op applied to constant operands, or undefined if it cannot be evaluated exactly
 *  here (no evaluator, undefined by VEX, or traps at run time). */
export function evaluateOp(op: IROp, args: readonly bigint[]): bigint | undefined {
  return EVALUATORS.get(op)?.(args);
}

export function hasEvaluator(op: IROp): boolean {
  return EVALUATORS.has(op);
}
