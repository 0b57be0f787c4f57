// Vector ops in WebAssembly SIMD: V128 moves between vectors and scalars and whole-vector
// bitwise ops, which are exact bit operations; V256 as two V128 halves (low first).
import type { IROp } from '../../../ir/ops.ts';
import type { BlockGen } from '../gen.ts';
import type { Lowering } from './int.ts';

export const VECTOR_LOWERINGS = new Map<IROp, Lowering>();
const def = (op: string, l: Lowering) => VECTOR_LOWERINGS.set(op as IROp, l);

const zero = (g: BlockGen) => g.f.op('v128.const', new Array(16).fill(0));
/** A v128 constant whose low `n` bytes are 0xff and the rest 0. */
const lowBytes = (g: BlockGen, n: number) => g.f.op('v128.const', Array.from({ length: 16 }, (_, i) => (i < n ? 0xff : 0)));

def('64HLtoV128', (g, [hi, lo]) => { lo!.push(); g.f.op('i64x2.splat'); hi!.push(); g.f.op('i64x2.replace_lane', 1); });
def('V128to64', (g, [v]) => { v!.push(); g.f.op('i64x2.extract_lane', 0); });
def('V128HIto64', (g, [v]) => { v!.push(); g.f.op('i64x2.extract_lane', 1); });
def('V128to32', (g, [v]) => { v!.push(); g.f.op('i32x4.extract_lane', 0); });
def('32UtoV128', (g, [a]) => { zero(g); a!.push(); g.f.op('i32x4.replace_lane', 0); });
def('64UtoV128', (g, [a]) => { zero(g); a!.push(); g.f.op('i64x2.replace_lane', 0); });
def('SetV128lo64', (g, [v, a]) => { v!.push(); a!.push(); g.f.op('i64x2.replace_lane', 0); });
def('SetV128lo32', (g, [v, a]) => { v!.push(); a!.push(); g.f.op('i32x4.replace_lane', 0); });
for (const [op, keep] of [['ZeroHI64ofV128', 8], ['ZeroHI96ofV128', 4], ['ZeroHI112ofV128', 2], ['ZeroHI120ofV128', 1]] as const) {
  def(op, (g, [v]) => { v!.push(); lowBytes(g, keep); g.f.op('v128.and'); });
}
def('NotV128', (g, [v]) => { v!.push(); g.f.op('v128.not'); });
for (const [name, op] of [['And', 'and'], ['Or', 'or'], ['Xor', 'xor']]) {
  def(`${name}V128`, (g, [a, b]) => { a!.push(); b!.push(); g.f.op(`v128.${op}`); });
  def(`${name}V256`, (g, [a, b]) => {
    a!.part(0); b!.part(0); g.f.op(`v128.${op}`);
    a!.part(1); b!.part(1); g.f.op(`v128.${op}`);
  });
}
def('NotV256', (g, [v]) => { v!.part(0); g.f.op('v128.not'); v!.part(1); g.f.op('v128.not'); });
def('V256toV128_0', (_g, [v]) => v!.part(0));
def('V256toV128_1', (_g, [v]) => v!.part(1));
def('V128HLtoV256', (_g, [hi, lo]) => { lo!.push(); hi!.push(); });
for (let i = 0; i < 4; i++) {
  def(`V256to64_${i}`, (g, [v]) => { v!.part(i >> 1); g.f.op('i64x2.extract_lane', i & 1); });
}
def('64x4toV256', (g, [a3, a2, a1, a0]) => {
  a0!.push(); g.f.op('i64x2.splat'); a1!.push(); g.f.op('i64x2.replace_lane', 1);
  a2!.push(); g.f.op('i64x2.splat'); a3!.push(); g.f.op('i64x2.replace_lane', 1);
});
