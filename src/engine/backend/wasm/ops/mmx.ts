// 64-bit (MMX) vector ops on an I64, as the V128 op with twice the lanes on the value
// splatted into both halves: a lane-wise op's low half is the MMX result. The ops that
// move lanes across the halves are placed by hand.
import { ALL_OPS, type IROp, opSignature } from '../../../ir/ops.ts';
import type { BlockGen } from '../gen.ts';
import type { Operand } from '../values.ts';
import type { Lowering } from './int.ts';
import { SIMD_INT_LOWERINGS } from './simd-int.ts';
import { VECTOR_LOWERINGS, defIn, interleaveIndices, splatConst } from './vector.ts';

export const MMX_LOWERINGS = new Map<IROp, Lowering>();
const def = (op: string, l: Lowering) => defIn(MMX_LOWERINGS, op, l);

/** An I64 operand as a V128 with the value in both halves; others as they are. */
function widened(g: BlockGen, o: Operand): Operand {
  if (o.ty !== 'I64') return o;
  const push = () => { o.push(); g.f.op('i64x2.splat'); };
  return { ty: 'V128', part: push, push };
}

/** The V128 op's lowering for an MMX op (Add8x8 -> Add8x16). */
function wide(op: string): Lowering | undefined {
  const m = /^(.*?)(\d+)([SU]?)x(\d+)$/.exec(op);
  if (!m) return undefined;
  const v = `${m[1]}${m[2]}${m[3]}x${2 * Number(m[4])}` as IROp;
  return SIMD_INT_LOWERINGS.get(v) ?? VECTOR_LOWERINGS.get(v);
}

// The interleaves: the V128 interleave of the splatted operands holds the MMX low
// interleave in its low half and the high one in its high half.
for (const bits of [8, 16, 32]) {
  const idx = interleaveIndices(bits, false);
  for (const [hi, lane] of [[false, 0], [true, 1]] as const) {
    def(`Interleave${hi ? 'HI' : 'LO'}${bits}x${64 / bits}`, (g, [a, b]) => {
      widened(g, b!).push(); widened(g, a!).push();
      g.f.op('i8x16.shuffle', idx).op('i64x2.extract_lane', lane);
    });
  }
}

// packsswb & co on MMX: the right operand in the low half of one V128, the left in the
// high half, narrowed: the low half of the result is the MMX result.
for (const [op, instr] of [
  ['QNarrowBin16Sto8Ux8', 'i8x16.narrow_i16x8_u'], ['QNarrowBin16Sto8Sx8', 'i8x16.narrow_i16x8_s'],
  ['QNarrowBin32Sto16Sx4', 'i16x8.narrow_i32x4_s'],
] as const) {
  def(op, (g, [a, b]) => {
    const f = g.f;
    const both = g.tmp('v128');
    b!.push(); f.op('i64x2.splat'); a!.push(); f.op('i64x2.replace_lane', 1).tee(both).get(both);
    f.op(instr).op('i64x2.extract_lane', 0);
  });
}

def('Perm8x8', (g, [a, b]) => {
  widened(g, a!).push(); widened(g, b!).push(); splatConst(g, 8, 0x07n);
  g.f.op('v128.and').op('i8x16.swizzle').op('i64x2.extract_lane', 0);
});
def('GetMSBs8x8', (g, [a]) => { widened(g, a!).push(); g.f.op('i8x16.bitmask').i32(0xff).op('i32.and'); });

for (const op of ALL_OPS) {
  const sig = opSignature(op);
  if (MMX_LOWERINGS.has(op) || sig.res !== 'I64' || sig.args[0] !== 'I64' || !/x\d+$/.test(op)) continue;
  const v128 = wide(op);
  if (!v128) throw new Error(`wasm: no V128 lowering for the MMX op ${op}`);
  def(op, (g, args) => { v128(g, args.map((a) => widened(g, a))); g.f.op('i64x2.extract_lane', 0); });
}
