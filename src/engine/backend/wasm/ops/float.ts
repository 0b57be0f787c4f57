// Scalar floating-point ops in WebAssembly, with the interpreter's semantics (interp/fp.ts):
// round-to-nearest arithmetic is wasm's own, with x86's NaN rules applied afterwards (a
// NaN result becomes the first NaN operand quietened, or the default NaN); the other
// rounding modes, rare in real code, go to the interpreter's exact implementation, as do
// the x87 transcendental ops. Conversions to integers round in every mode natively
// (nearest, floor, ceil, trunc) and give x86's "integer indefinite" out of range.
import type { IROp } from '../../../ir/ops.ts';
import type { BlockGen } from '../gen.ts';
import type { Operand } from '../values.ts';
import type { Lowering } from './int.ts';

export const FLOAT_LOWERINGS = new Map<IROp, Lowering>();
const def = (op: string, l: Lowering) => FLOAT_LOWERINGS.set(op as IROp, l);

type FT = 'f64' | 'f32';
const FORMATS: readonly [string, FT][] = [['F64', 'f64'], ['F32', 'f32']];

/** Whether the rounding-mode operand is the constant 0 (round to nearest). */
function isNearest(rm: Operand): boolean | undefined {
  return rm.constValue === undefined ? undefined : rm.constValue === 0n;
}

/**
 * `native` when the rounding mode is nearest (checked at run time unless constant), the
 * interpreter's implementation otherwise. `native` pushes one value of type t.
 */
function byRoundingMode(g: BlockGen, op: IROp, t: FT, args: readonly Operand[], native: () => void): void {
  const f = g.f;
  const near = isNearest(args[0]!);
  if (near === true) return native();
  if (near === false) return g.fallback(op, args);
  args[0]!.push();
  f.op('i32.eqz').op('if', t);
  native();
  f.op('else');
  g.fallback(op, args);
  f.op('end');
}

/** Replaces a NaN on the stack by x86's NaN result for operands a and b. */
function fixNaN(g: BlockGen, t: FT, a: Operand, b: Operand): void {
  const f = g.f;
  const r = g.tmp(t);
  f.tee(r).get(r).op(`${t}.eq`).op('if', t).get(r).op('else');
  a.push();
  b.push();
  f.call(g.ctx.runtime(t === 'f64' ? 'nanF64' : 'nanF32'));
  f.op('end');
}

for (const [name, t] of FORMATS) {
  for (const arith of ['add', 'sub', 'mul', 'div']) {
    const op = `${arith[0]!.toUpperCase()}${arith.slice(1)}${name}` as IROp;
    def(op, (g, args) => byRoundingMode(g, op, t, args, () => {
      const [, a, b] = args;
      a!.push(); b!.push(); g.f.op(`${t}.${arith}`);
      fixNaN(g, t, a!, b!);
    }));
  }
  // Sign operations are bit operations in wasm, NaN payloads included.
  def(`Neg${name}`, (g, [a]) => { a!.push(); g.f.op(`${t}.neg`); });
  def(`Abs${name}`, (g, [a]) => { a!.push(); g.f.op(`${t}.abs`); });
  const sqrt = `Sqrt${name}` as IROp;
  def(sqrt, (g, args) => byRoundingMode(g, sqrt, t, args, () => {
    const a = args[1]!;
    a.push(); g.f.op(`${t}.sqrt`);
    fixNaN(g, t, a, a);
  }));
  // IRCmpF64Result: 0x45 unordered, 0x01 less, 0x00 greater, 0x40 equal.
  def(`Cmp${name}`, (g, [a, b]) => {
    const f = g.f;
    // less ? 0x01 : greater ? 0x00 : equal ? 0x40 : 0x45
    f.i32(0x01).i32(0x00).i32(0x40).i32(0x45);
    for (const cmp of ['eq', 'gt', 'lt']) {
      a!.push(); b!.push(); f.op(`${t}.${cmp}`).op('select');
    }
  });
}

// ---- float to integer

/** Rounds the f64/f32 on the stack under rm (nearest, down, up, zero). */
function roundInMode(g: BlockGen, t: FT, rm: Operand): void {
  const f = g.f;
  const c = rm.constValue;
  if (c !== undefined) {
    f.op(`${t}.${['nearest', 'floor', 'ceil', 'trunc'][Number(c & 3n)]}`);
    return;
  }
  rm.push();
  f.call(g.ctx.runtime(t === 'f64' ? 'roundF64' : 'roundF32'));
}

const TO_INT: readonly [string, FT, 'i32' | 'i64', boolean, number, number, bigint, number?][] = [
  // op, from, to, signed, min, limit, indefinite, mask
  ['F64toI16S', 'f64', 'i32', true, -(2 ** 15), 2 ** 15, 0x8000n, 0xffff],
  ['F64toI32S', 'f64', 'i32', true, -(2 ** 31), 2 ** 31, 0x80000000n],
  ['F64toI64S', 'f64', 'i64', true, -(2 ** 63), 2 ** 63, 1n << 63n],
  ['F64toI32U', 'f64', 'i32', false, 0, 2 ** 32, 0xffffffffn],
  ['F64toI64U', 'f64', 'i64', false, 0, 2 ** 64, (1n << 64n) - 1n],
  ['F32toI32S', 'f32', 'i32', true, -(2 ** 31), 2 ** 31, 0x80000000n],
  ['F32toI64S', 'f32', 'i64', true, -(2 ** 63), 2 ** 63, 1n << 63n],
];
for (const [op, from, to, signed, min, limit, indefinite, maskBits] of TO_INT) {
  def(op, (g, [rm, x]) => {
    const f = g.f;
    const r = g.tmp(from);
    const k = (v: number) => (from === 'f64' ? f.op('f64.const', f64BitsOf(v)) : f.op('f32.const', f32BitsOf(v)));
    x!.push();
    roundInMode(g, from, rm!);
    f.set(r);
    // In range (NaN is not): convert; else integer indefinite.
    f.get(r).op(`${to}.trunc_sat_${from}_${signed ? 's' : 'u'}`);
    if (maskBits) f.i32(maskBits).op('i32.and');
    if (to === 'i32') f.i32(Number(BigInt.asIntN(32, indefinite))); else f.i64(indefinite);
    f.get(r); k(min); f.op(`${from}.ge`).get(r); k(limit); f.op(`${from}.lt`).op('i32.and');
    f.op('select');
  });
}

// ---- integer to float
def('I32StoF64', (g, [a]) => { a!.push(); g.f.op('f64.convert_i32_s'); });
def('I32UtoF64', (g, [a]) => { a!.push(); g.f.op('f64.convert_i32_u'); });
for (const [op, t, conv] of [
  ['I64StoF64', 'f64', 'f64.convert_i64_s'], ['I64UtoF64', 'f64', 'f64.convert_i64_u'],
  ['I32StoF32', 'f32', 'f32.convert_i32_s'], ['I32UtoF32', 'f32', 'f32.convert_i32_u'],
  ['I64StoF32', 'f32', 'f32.convert_i64_s'], ['I64UtoF32', 'f32', 'f32.convert_i64_u'],
] as const) {
  def(op, (g, args) => byRoundingMode(g, op as IROp, t, args, () => { args[1]!.push(); g.f.op(conv); }));
}

// ---- between formats
def('F32toF64', (g, [a]) => {
  const f = g.f;
  const bits = g.tmp('i32');
  a!.push();
  f.op('i32.reinterpret_f32').tee(bits);
  // A NaN keeps its sign and payload, quietened (cvtss2sd), built from the bits since
  // wasm may canonicalise a promoted NaN.
  f.i32(0x7fffffff).op('i32.and').i32(0x7f800000).op('i32.gt_u').op('if', 'f64');
  f.get(bits).op('i64.extend_i32_u').i64(31n).op('i64.shr_u').i64(63n).op('i64.shl');
  f.get(bits).i32(0x7fffff).op('i32.and').op('i64.extend_i32_u').i64(29n).op('i64.shl').op('i64.or');
  f.i64(0x7ff8000000000000n).op('i64.or').op('f64.reinterpret_i64');
  f.op('else');
  a!.push();
  f.op('f64.promote_f32');
  f.op('end');
});
/** Nearest and not NaN: wasm's demotion; otherwise the interpreter's. */
function narrowing(op: IROp, back: boolean): Lowering {
  return (g, args) => {
    const f = g.f;
    const [rm, x] = args;
    rm!.push(); f.op('i32.eqz'); x!.push(); x!.push(); f.op('f64.eq').op('i32.and');
    f.op('if', back ? 'f64' : 'f32');
    x!.push(); f.op('f32.demote_f64');
    if (back) f.op('f64.promote_f32');
    f.op('else');
    g.fallback(op, args);
    f.op('end');
  };
}
def('F64toF32', narrowing('F64toF32', false));
def('RoundF64toF32', narrowing('RoundF64toF32', true));
for (const [name, t] of FORMATS) {
  def(`Round${name}toInt`, (g, [rm, x]) => {
    x!.push();
    roundInMode(g, t, rm!);
    fixNaN(g, t, x!, x!);
  });
}
def('ReinterpF64asI64', (g, [a]) => { a!.push(); g.f.op('i64.reinterpret_f64'); });
def('ReinterpI64asF64', (g, [a]) => { a!.push(); g.f.op('f64.reinterpret_i64'); });
def('ReinterpF32asI32', (g, [a]) => { a!.push(); g.f.op('i32.reinterpret_f32'); });
def('ReinterpI32asF32', (g, [a]) => { a!.push(); g.f.op('f32.reinterpret_i32'); });

function f64BitsOf(x: number): bigint {
  const v = new DataView(new ArrayBuffer(8));
  v.setFloat64(0, x, true);
  return v.getBigUint64(0, true);
}

function f32BitsOf(x: number): number {
  const v = new DataView(new ArrayBuffer(4));
  v.setFloat32(0, x, true);
  return v.getUint32(0, true);
}
