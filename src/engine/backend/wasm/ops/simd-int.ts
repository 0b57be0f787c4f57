// Integer lanes of a V128 in WebAssembly SIMD, with the interpreter's semantics
// (interp/ops-simd.ts): wrapping and saturating arithmetic, compares giving all-ones lanes,
// min/max, averages, high halves and even-lane products, and shifts by a scalar count.
// wasm takes a shift count modulo the lane width, where x86 (and the IR) empties the lane
// (or fills it with the sign, for Sar) from the width up, so counts are checked.
import type { IROp } from '../../../ir/ops.ts';
import type { BlockGen } from '../gen.ts';
import type { Operand } from '../values.ts';
import type { Lowering } from './int.ts';
import { INT_SHAPE, defIn, zero } from './vector.ts';

export const SIMD_INT_LOWERINGS = new Map<IROp, Lowering>();
const def = (op: string, l: Lowering) => defIn(SIMD_INT_LOWERINGS, op, l);

const name = (base: string, bits: number, sign: '' | 'U' | 'S') => `${base}${bits}${sign}x${128 / bits}`;
const binary = (instr: string): Lowering => (g, [a, b]) => { a!.push(); b!.push(); g.f.op(instr); };

for (const bits of [8, 16, 32, 64]) {
  const p = INT_SHAPE[bits]!;
  def(name('Add', bits, ''), binary(`${p}.add`));
  def(name('Sub', bits, ''), binary(`${p}.sub`));
  def(name('CmpEQ', bits, ''), binary(`${p}.eq`));
  def(name('CmpGT', bits, 'S'), binary(`${p}.gt_s`));
  def(name('CmpNEZ', bits, ''), (g, [a]) => { a!.push(); zero(g); g.f.op(`${p}.ne`); });
}
for (const bits of [8, 16]) {
  const p = INT_SHAPE[bits]!;
  for (const sign of ['U', 'S'] as const) {
    const s = sign.toLowerCase();
    def(name('QAdd', bits, sign), binary(`${p}.add_sat_${s}`));
    def(name('QSub', bits, sign), binary(`${p}.sub_sat_${s}`));
  }
  def(name('Avg', bits, 'U'), binary(`${p}.avgr_u`));
}
for (const bits of [8, 16, 32]) {
  const p = INT_SHAPE[bits]!;
  for (const sign of ['U', 'S'] as const) {
    def(name('Max', bits, sign), binary(`${p}.max_${sign.toLowerCase()}`));
    def(name('Min', bits, sign), binary(`${p}.min_${sign.toLowerCase()}`));
  }
}
def('Mul16x8', binary('i16x8.mul'));
def('Mul32x4', binary('i32x4.mul'));

// pmulhw/pmulhuw: the 32-bit products of the low and high four lanes, then their high halves.
const HIGH_HALVES = [2, 3, 6, 7, 10, 11, 14, 15, 18, 19, 22, 23, 26, 27, 30, 31];
for (const sign of ['U', 'S'] as const) {
  const s = sign.toLowerCase();
  def(name('MulHi', 16, sign), (g, [a, b]) => {
    a!.push(); b!.push(); g.f.op(`i32x4.extmul_low_i16x8_${s}`);
    a!.push(); b!.push(); g.f.op(`i32x4.extmul_high_i16x8_${s}`);
    g.f.op('i8x16.shuffle', HIGH_HALVES);
  });
  // pmuludq/pmuldq: lanes 0 and 2 moved to 0 and 1, then their full products.
  const EVEN = [0, 1, 2, 3, 8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11];
  def(`MullEven32${sign}x4`, (g, [a, b]) => {
    a!.push(); a!.push(); g.f.op('i8x16.shuffle', EVEN);
    b!.push(); b!.push(); g.f.op('i8x16.shuffle', EVEN);
    g.f.op(`i64x2.extmul_low_i32x4_${s}`);
  });
}

/** A lane shift by the I8 count n: at or past the width, Shl and Shr give 0 and Sar shifts
 *  by width - 1. */
function shift(g: BlockGen, instr: string, bits: number, sar: boolean, v: Operand, n: Operand): void {
  const f = g.f;
  const c = n.constValue;
  if (c !== undefined) {
    if (c < BigInt(bits)) { v.push(); f.i32(Number(c)).op(instr); } else if (sar) { v.push(); f.i32(bits - 1).op(instr); } else zero(g);
    return;
  }
  if (sar) {
    v.push(); n.push(); f.i32(bits - 1); n.push(); f.i32(bits).op('i32.lt_u').op('select').op(instr);
    return;
  }
  v.push(); n.push(); f.op(instr);
  zero(g);
  n.push(); f.i32(bits).op('i32.lt_u').op('select_t', 'v128');
}

for (const bits of [8, 16, 32, 64]) {
  const p = INT_SHAPE[bits]!;
  for (const [base, instr, sar] of [['ShlN', 'shl', false], ['ShrN', 'shr_u', false], ['SarN', 'shr_s', true]] as const) {
    def(name(base, bits, ''), (g, [v, n]) => shift(g, `${p}.${instr}`, bits, sar, v!, n!));
  }
}
