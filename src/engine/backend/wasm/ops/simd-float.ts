// Float lanes of a V128 in WebAssembly SIMD, with the interpreter's semantics
// (interp/ops-simd.ts, fp.ts): packed (Add32Fx4 ...) and scalar-in-vector forms (F0x: lane
// 0 computed, the other lanes copied from the first operand).
//
// Arithmetic rounds to nearest natively; another rounding mode, rare in real code, runs
// the interpreter's exact implementation. wasm leaves a NaN result's bits open, so a
// result with a NaN lane gets x86's NaN lane by lane: the first NaN operand's lane
// quietened, or the default NaN (an invalid operation). minps/maxps and the compares are
// exact bit selections: x86's max is `a > b ? a : b` (the second operand for a NaN or two
// zeros), which is neither wasm's max nor pmax, so it is a compare and a bitselect.
import type { IROp } from '../../../ir/ops.ts';
import type { BlockGen } from '../gen.ts';
import type { Operand } from '../values.ts';
import type { Lowering } from './int.ts';
import { defIn, lowBytes, splatBytes, splatConst } from './vector.ts';

export const SIMD_FLOAT_LOWERINGS = new Map<IROp, Lowering>();
const def = (op: string, l: Lowering) => defIn(SIMD_FLOAT_LOWERINGS, op, l);

/** One float format's lanes. */
interface Lanes {
  readonly bits: 32 | 64;
  /** The wasm shape: f32x4, f64x2. */
  readonly v: string;
  readonly n: number;
  readonly quietBit: bigint;
  readonly defaultNaN: bigint;
  readonly one: bigint;
}
const F32: Lanes = { bits: 32, v: 'f32x4', n: 4, quietBit: 0x0040_0000n, defaultNaN: 0xffc0_0000n, one: 0x3f80_0000n };
const F64: Lanes = { bits: 64, v: 'f64x2', n: 2, quietBit: 0x0008_0000_0000_0000n, defaultNaN: 0xfff8_0000_0000_0000n, one: 0x3ff0_0000_0000_0000n };

/**
 * Replaces the NaN lanes of the vector on the stack by x86's NaN results for operands a
 * and b: a's lane quietened if it is a NaN, else b's if that is, else the default NaN.
 * Only a result with a NaN lane takes that path.
 */
function fixNaN(g: BlockGen, L: Lanes, a: Operand, b: Operand): void {
  const f = g.f;
  const r = g.tmp('v128');
  const isNaN = (push: () => void) => { push(); push(); f.op(`${L.v}.ne`); };
  f.set(r);
  isNaN(() => f.get(r));
  f.op('v128.any_true').op('if', 'v128');
  a.push(); splatConst(g, L.bits, L.quietBit); f.op('v128.or');
  b.push(); splatConst(g, L.bits, L.quietBit); f.op('v128.or');
  splatConst(g, L.bits, L.defaultNaN);
  isNaN(() => b.push());
  f.op('v128.bitselect');
  isNaN(() => a.push());
  f.op('v128.bitselect');
  f.get(r);
  isNaN(() => f.get(r));
  f.op('v128.bitselect');
  f.op('else').get(r).op('end');
}

/** The F0x forms: lane 0 of the vector on the stack, the other lanes from a. */
function mergeLane0(g: BlockGen, L: Lanes, a: Operand): void {
  a.push();
  lowBytes(g, L.bits / 8);
  g.f.op('v128.bitselect');
}

/** `native` when the rounding-mode operand is 0 (nearest; checked at run time unless it
 *  is constant), the interpreter's implementation otherwise. */
function nearestOr(g: BlockGen, op: IROp, args: readonly Operand[], native: () => void): void {
  const f = g.f;
  const rm = args[0]!.constValue;
  if (rm === 0n) return native();
  if (rm !== undefined) return g.fallback(op, args);
  args[0]!.push();
  f.op('i32.eqz').op('if', 'v128');
  native();
  f.op('else');
  g.fallback(op, args);
  f.op('end');
}

const ARITH = ['Add', 'Sub', 'Mul', 'Div'] as const;

for (const L of [F32, F64]) {
  const packed = (base: string) => `${base}${L.bits}Fx${L.n}`;
  const scalar = (base: string) => `${base}${L.bits}F0x${L.n}`;
  const v = (instr: string) => `${L.v}.${instr}`;

  for (const base of ARITH) {
    const arith = (g: BlockGen, a: Operand, b: Operand) => {
      a.push(); b.push(); g.f.op(v(base.toLowerCase()));
      fixNaN(g, L, a, b);
    };
    const op = packed(base) as IROp;
    def(op, (g, args) => nearestOr(g, op, args, () => arith(g, args[1]!, args[2]!)));
    def(scalar(base), (g, [a, b]) => { arith(g, a!, b!); mergeLane0(g, L, a!); });
  }

  // a > b ? a : b, and a < b ? a : b; in the F0x forms the upper lanes select a as well.
  const upper = Array.from({ length: 16 }, (_, i) => (i < L.bits / 8 ? 0 : 0xff));
  for (const [base, cmp] of [['Max', 'gt'], ['Min', 'lt']] as const) {
    def(packed(base), (g, [a, b]) => { a!.push(); b!.push(); a!.push(); b!.push(); g.f.op(v(cmp)).op('v128.bitselect'); });
    def(scalar(base), (g, [a, b]) => {
      a!.push(); b!.push(); a!.push(); b!.push(); g.f.op(v(cmp));
      g.f.op('v128.const', upper).op('v128.or').op('v128.bitselect');
    });
  }

  const compares: [string, (g: BlockGen, a: Operand, b: Operand) => void][] = [
    ['CmpEQ', (g, a, b) => { a.push(); b.push(); g.f.op(v('eq')); }],
    ['CmpLT', (g, a, b) => { a.push(); b.push(); g.f.op(v('lt')); }],
    ['CmpLE', (g, a, b) => { a.push(); b.push(); g.f.op(v('le')); }],
    ['CmpUN', (g, a, b) => { a.push(); a.push(); g.f.op(v('ne')); b.push(); b.push(); g.f.op(v('ne')).op('v128.or'); }],
  ];
  for (const [base, cmp] of compares) {
    def(packed(base), (g, [a, b]) => cmp(g, a!, b!));
    def(scalar(base), (g, [a, b]) => { cmp(g, a!, b!); mergeLane0(g, L, a!); });
  }

  const sqrt = (g: BlockGen, a: Operand) => { a.push(); g.f.op(v('sqrt')); fixNaN(g, L, a, a); };
  const sqrtOp = packed('Sqrt') as IROp;
  def(sqrtOp, (g, args) => nearestOr(g, sqrtOp, args, () => sqrt(g, args[1]!)));
  def(scalar('Sqrt'), (g, [a]) => { sqrt(g, a!); mergeLane0(g, L, a!); });
}

// rcpps/rsqrtps: the interpreter gives the correctly rounded values (not the CPU's 12-bit
// estimates): 1/x in binary32 (rounding the binary64 quotient again is the same), and
// 1/sqrt(x) computed in binary64, two roundings, then rounded to binary32.
const recip = (g: BlockGen, a: Operand) => {
  splatConst(g, 32, F32.one); a.push(); g.f.op('f32x4.div');
  fixNaN(g, F32, a, a);
};
const rsqrt = (g: BlockGen, a: Operand) => {
  const f = g.f;
  const half = (hi: boolean) => {
    splatConst(g, 64, F64.one);
    a.push();
    if (hi) { a.push(); f.op('i8x16.shuffle', [8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15]); }
    f.op('f64x2.promote_low_f32x4').op('f64x2.sqrt').op('f64x2.div').op('f32x4.demote_f64x2_zero');
  };
  half(false);
  half(true);
  f.op('i8x16.shuffle', [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23]);
  fixNaN(g, F32, a, a);
};
def('RecipEst32Fx4', (g, [a]) => recip(g, a!));
def('RecipEst32F0x4', (g, [a]) => { recip(g, a!); mergeLane0(g, F32, a!); });
def('RSqrtEst32Fx4', (g, [a]) => rsqrt(g, a!));
def('RSqrtEst32F0x4', (g, [a]) => { rsqrt(g, a!); mergeLane0(g, F32, a!); });

// cvtdq2ps: exact below 2^24, rounded to nearest by wasm's conversion.
def('I32StoF32x4', (g, args) => nearestOr(g, 'I32StoF32x4', args, () => { args[1]!.push(); g.f.op('f32x4.convert_i32x4_s'); }));

// cvt(t)ps2dq: rounded in the mode (all four are wasm instructions), then converted; a lane
// that is NaN or 2^31 or more gives the integer indefinite 0x80000000, as do lanes below
// -2^31 (where wasm's conversion saturates to that same value).
const ROUNDINGS = ['nearest', 'floor', 'ceil', 'trunc'];
def('F32toI32Sx4', (g, [rm, a]) => {
  const f = g.f;
  const x = g.tmp('v128');
  const c = rm!.constValue;
  a!.push();
  if (c !== undefined) {
    f.op(`f32x4.${ROUNDINGS[Number(c & 3n)]}`);
  } else {
    const k = g.tmp('i32');
    f.set(x);
    rm!.push(); f.i32(3).op('i32.and').set(k);
    ROUNDINGS.forEach((r, i) => {
      if (i < 3) f.get(k).i32(i).op('i32.eq').op('if', 'v128');
      f.get(x).op(`f32x4.${r}`);
      if (i < 3) f.op('else');
    });
    f.op('end').op('end').op('end');
  }
  f.set(x);
  splatConst(g, 32, 0x8000_0000n);
  f.get(x).op('i32x4.trunc_sat_f32x4_s');
  f.get(x).op('v128.const', splatBytes(32, 0x4f00_0000n)).op('f32x4.ge');
  f.get(x).get(x).op('f32x4.ne').op('v128.or');
  f.op('v128.bitselect');
});
