// Integer ops in WebAssembly, with the interpreter's semantics (interp/ops-int.ts) where
// VEX leaves a result undefined: a shift by the width or more gives 0 (Sar: the sign),
// Clz/Ctz of zero give the width. Values up to 32 bits are zero-extended i32s, so
// results of 8- and 16-bit ops are masked. Division traps (a zero divisor, a quotient
// that does not fit) leave the block; 128-bit dividends that need more than 64 bits go
// to the interpreter's implementation.
import type { IROp } from '../../../ir/ops.ts';
import type { BlockGen } from '../gen.ts';
import type { Operand } from '../values.ts';

export type Lowering = (g: BlockGen, a: readonly Operand[]) => void;

export const INT_LOWERINGS = new Map<IROp, Lowering>();
const def = (op: string, l: Lowering) => INT_LOWERINGS.set(op as IROp, l);

const WIDTHS = [8, 16, 32] as const;

function mask(g: BlockGen, w: number): void {
  if (w < 32) g.f.i32((1 << w) - 1).op('i32.and');
}

function signExtend(g: BlockGen, w: number): void {
  if (w === 8) g.f.op('i32.extend8_s');
  else if (w === 16) g.f.op('i32.extend16_s');
}

/** a op b, masked to w bits. */
function bin32(op: string, masked: boolean): (w: number) => Lowering {
  return (w) => (g, [a, b]) => {
    a!.push();
    b!.push();
    g.f.op(op);
    if (masked) mask(g, w);
  };
}

function signedArgs(g: BlockGen, w: number, a: Operand, b: Operand): void {
  a.push();
  signExtend(g, w);
  b.push();
  signExtend(g, w);
}

for (const w of WIDTHS) {
  def(`Add${w}`, bin32('i32.add', true)(w));
  def(`Sub${w}`, bin32('i32.sub', true)(w));
  def(`Mul${w}`, bin32('i32.mul', true)(w));
  def(`Or${w}`, bin32('i32.or', false)(w));
  def(`And${w}`, bin32('i32.and', false)(w));
  def(`Xor${w}`, bin32('i32.xor', false)(w));
  def(`Not${w}`, (g, [a]) => { a!.push(); g.f.i32(w === 32 ? -1 : (1 << w) - 1).op('i32.xor'); });
  def(`Shl${w}`, (g, [a, n]) => {
    a!.push(); n!.push(); g.f.op('i32.shl'); mask(g, w);
    g.f.i32(0); n!.push(); g.f.i32(w).op('i32.lt_u').op('select');
  });
  def(`Shr${w}`, (g, [a, n]) => {
    a!.push(); n!.push(); g.f.op('i32.shr_u');
    g.f.i32(0); n!.push(); g.f.i32(w).op('i32.lt_u').op('select');
  });
  def(`Sar${w}`, (g, [a, n]) => {
    a!.push(); signExtend(g, w);
    n!.push(); g.f.i32(w - 1); n!.push(); g.f.i32(w).op('i32.lt_u').op('select');
    g.f.op('i32.shr_s'); mask(g, w);
  });
  for (const op of ['CmpEQ', 'CasCmpEQ']) def(`${op}${w}`, bin32('i32.eq', false)(w));
  for (const op of ['CmpNE', 'CasCmpNE', 'ExpCmpNE']) def(`${op}${w}`, bin32('i32.ne', false)(w));
  def(`CmpLT${w}U`, bin32('i32.lt_u', false)(w));
  def(`CmpLE${w}U`, bin32('i32.le_u', false)(w));
  def(`CmpLT${w}S`, (g, [a, b]) => { signedArgs(g, w, a!, b!); g.f.op('i32.lt_s'); });
  def(`CmpLE${w}S`, (g, [a, b]) => { signedArgs(g, w, a!, b!); g.f.op('i32.le_s'); });
  def(`CmpNEZ${w}`, (g, [a]) => { a!.push(); g.f.i32(0).op('i32.ne'); });
  def(`Left${w}`, (g, [a]) => { a!.push(); g.f.i32(0); a!.push(); g.f.op('i32.sub').op('i32.or'); mask(g, w); });
}
def('MullU8', bin32('i32.mul', false)(16));
def('MullU16', bin32('i32.mul', false)(32));
def('MullS8', (g, [a, b]) => { signedArgs(g, 8, a!, b!); g.f.op('i32.mul'); mask(g, 16); });
def('MullS16', (g, [a, b]) => { signedArgs(g, 16, a!, b!); g.f.op('i32.mul'); });
def('MullU32', (g, [a, b]) => { a!.push(); g.f.op('i64.extend_i32_u'); b!.push(); g.f.op('i64.extend_i32_u').op('i64.mul'); });
def('MullS32', (g, [a, b]) => { a!.push(); g.f.op('i64.extend_i32_s'); b!.push(); g.f.op('i64.extend_i32_s').op('i64.mul'); });
for (const op of ['Clz32', 'ClzNat32']) def(op, (g, [a]) => { a!.push(); g.f.op('i32.clz'); });
for (const op of ['Ctz32', 'CtzNat32']) def(op, (g, [a]) => { a!.push(); g.f.op('i32.ctz'); });
def('PopCount32', (g, [a]) => { a!.push(); g.f.op('i32.popcnt'); });
def('CmpwNEZ32', (g, [a]) => { g.f.i32(-1).i32(0); a!.push(); g.f.op('select'); });
def('Max32U', (g, [a, b]) => { a!.push(); b!.push(); a!.push(); b!.push(); g.f.op('i32.gt_u').op('select'); });

// ---------------------------------------------------------------- 64 bits

const bin64 = (op: string): Lowering => (g, [a, b]) => { a!.push(); b!.push(); g.f.op(op); };
for (const [name, op] of [['Add', 'add'], ['Sub', 'sub'], ['Mul', 'mul'], ['Or', 'or'], ['And', 'and'], ['Xor', 'xor']]) {
  def(`${name}64`, bin64(`i64.${op}`));
}
def('Not64', (g, [a]) => { a!.push(); g.f.i64(-1n).op('i64.xor'); });
def('Shl64', (g, [a, n]) => {
  a!.push(); n!.push(); g.f.op('i64.extend_i32_u').op('i64.shl');
  g.f.i64(0n); n!.push(); g.f.i32(64).op('i32.lt_u').op('select');
});
def('Shr64', (g, [a, n]) => {
  a!.push(); n!.push(); g.f.op('i64.extend_i32_u').op('i64.shr_u');
  g.f.i64(0n); n!.push(); g.f.i32(64).op('i32.lt_u').op('select');
});
def('Sar64', (g, [a, n]) => {
  a!.push(); n!.push(); g.f.i32(63); n!.push(); g.f.i32(64).op('i32.lt_u').op('select');
  g.f.op('i64.extend_i32_u').op('i64.shr_s');
});
for (const op of ['CmpEQ64', 'CasCmpEQ64']) def(op, bin64('i64.eq'));
for (const op of ['CmpNE64', 'CasCmpNE64', 'ExpCmpNE64']) def(op, bin64('i64.ne'));
def('CmpLT64U', bin64('i64.lt_u'));
def('CmpLE64U', bin64('i64.le_u'));
def('CmpLT64S', bin64('i64.lt_s'));
def('CmpLE64S', bin64('i64.le_s'));
def('CmpNEZ64', (g, [a]) => { a!.push(); g.f.i64(0n).op('i64.ne'); });
def('Left64', (g, [a]) => { a!.push(); g.f.i64(0n); a!.push(); g.f.op('i64.sub').op('i64.or'); });
def('CmpwNEZ64', (g, [a]) => { g.f.i64(-1n).i64(0n); a!.push(); g.f.i64(0n).op('i64.ne').op('select'); });
def('MullU64', (g, [a, b]) => { a!.push(); b!.push(); g.f.call(g.ctx.runtime('umul128')); });
def('MullS64', (g, [a, b]) => { a!.push(); b!.push(); g.f.call(g.ctx.runtime('smul128')); });
for (const op of ['Clz64', 'ClzNat64']) def(op, (g, [a]) => { a!.push(); g.f.op('i64.clz'); });
for (const op of ['Ctz64', 'CtzNat64']) def(op, (g, [a]) => { a!.push(); g.f.op('i64.ctz'); });
def('PopCount64', (g, [a]) => { a!.push(); g.f.op('i64.popcnt'); });

// ---------------------------------------------------------------- one bit

def('Not1', (g, [a]) => { a!.push(); g.f.i32(1).op('i32.xor'); });
def('And1', bin32('i32.and', false)(1));
def('Or1', bin32('i32.or', false)(1));

// ---------------------------------------------------------------- conversions

for (const [from, to] of [[8, 16], [8, 32], [16, 32]]) {
  def(`${from}Uto${to}`, (_g, [a]) => a!.push());
  def(`${from}Sto${to}`, (g, [a]) => { a!.push(); signExtend(g, from!); mask(g, to!); });
}
for (const from of [8, 16, 32]) {
  def(`${from}Uto64`, (g, [a]) => { a!.push(); g.f.op('i64.extend_i32_u'); });
  def(`${from}Sto64`, (g, [a]) => { a!.push(); signExtend(g, from); g.f.op('i64.extend_i32_s'); });
}
for (const [from, to] of [[16, 8], [32, 8], [32, 16]]) def(`${from}to${to}`, (g, [a]) => { a!.push(); mask(g, to!); });
for (const to of [8, 16, 32]) def(`64to${to}`, (g, [a]) => { a!.push(); g.f.op('i32.wrap_i64'); mask(g, to); });
def('128to64', (_g, [a]) => a!.part(0));
def('128HIto64', (_g, [a]) => a!.part(1));
def('16HIto8', (g, [a]) => { a!.push(); g.f.i32(8).op('i32.shr_u'); });
def('32HIto16', (g, [a]) => { a!.push(); g.f.i32(16).op('i32.shr_u'); });
def('64HIto32', (g, [a]) => { a!.push(); g.f.i64(32n).op('i64.shr_u').op('i32.wrap_i64'); });
def('8HLto16', (g, [hi, lo]) => { hi!.push(); g.f.i32(8).op('i32.shl'); lo!.push(); g.f.op('i32.or'); });
def('16HLto32', (g, [hi, lo]) => { hi!.push(); g.f.i32(16).op('i32.shl'); lo!.push(); g.f.op('i32.or'); });
def('32HLto64', (g, [hi, lo]) => {
  hi!.push(); g.f.op('i64.extend_i32_u').i64(32n).op('i64.shl');
  lo!.push(); g.f.op('i64.extend_i32_u').op('i64.or');
});
def('64HLto128', (_g, [hi, lo]) => { lo!.push(); hi!.push(); });
for (const from of [8, 16, 32]) def(`${from}to1`, (g, [a]) => { a!.push(); g.f.i32(1).op('i32.and'); });
def('64to1', (g, [a]) => { a!.push(); g.f.op('i32.wrap_i64').i32(1).op('i32.and'); });
for (const to of [8, 16, 32]) {
  def(`1Uto${to}`, (_g, [a]) => a!.push());
  def(`1Sto${to}`, (g, [a]) => { g.f.i32(0); a!.push(); g.f.op('i32.sub'); mask(g, to); });
}
def('1Uto64', (g, [a]) => { a!.push(); g.f.op('i64.extend_i32_u'); });
def('1Sto64', (g, [a]) => { g.f.i64(0n); a!.push(); g.f.op('i64.extend_i32_u').op('i64.sub'); });

// ---------------------------------------------------------------- division

/** Traps when `b` (of wasm type t) is zero, or, signed, when a is the minimum and b is -1. */
function divChecks(g: BlockGen, op: IROp, t: 'i32' | 'i64', a: Operand, b: Operand, signed: boolean): void {
  const f = g.f;
  const k = (v: bigint) => (t === 'i32' ? f.i32(Number(BigInt.asIntN(32, v))) : f.i64(v));
  g.trapIf(op, () => {
    b.push(); f.op(`${t}.eqz`);
    if (signed) {
      a.push(); k(t === 'i32' ? 1n << 31n : 1n << 63n); f.op(`${t}.eq`);
      b.push(); k(-1n); f.op(`${t}.eq`).op('i32.and').op('i32.or');
    }
  });
}

for (const [t, w] of [['i32', 32], ['i64', 64]] as const) {
  for (const signed of [false, true]) {
    const op = `Div${signed ? 'S' : 'U'}${w}` as IROp;
    def(op, (g, [a, b]) => {
      divChecks(g, op, t, a!, b!, signed);
      a!.push(); b!.push(); g.f.op(`${t}.div_${signed ? 's' : 'u'}`);
    });
  }
}

/** (r << 32) | q of a 32-bit division in i64 arithmetic, from i64 dividend and divisor in
 *  locals; traps when q does not fit in 32 bits (signed or unsigned). */
function divMod32Result(g: BlockGen, op: IROp, x: number, d: number, signed: boolean): void {
  const f = g.f;
  const q = g.tmp('i64');
  const s = signed ? 's' : 'u';
  f.get(x).get(d).op(`i64.div_${s}`).set(q);
  g.trapIf(op, () => {
    f.get(q);
    if (signed) f.i64(1n << 31n).op('i64.add');
    f.i64(32n).op('i64.shr_u').op('i64.eqz').op('i32.eqz');
  });
  f.get(x).get(d).op(`i64.rem_${s}`).i64(32n).op('i64.shl');
  f.get(q).i64(0xffffffffn).op('i64.and').op('i64.or');
}

for (const signed of [false, true]) {
  const S = signed ? 'S' : 'U';
  const ext = signed ? 'i64.extend_i32_s' : 'i64.extend_i32_u';
  const op64to32 = `DivMod${S}64to32` as IROp;
  def(op64to32, (g, [a, b]) => {
    const f = g.f;
    const x = g.tmp('i64');
    const d = g.tmp('i64');
    a!.push(); f.set(x);
    b!.push(); f.op(ext).set(d);
    g.trapIf(op64to32, () => {
      f.get(d).op('i64.eqz');
      // MIN64 / -1 would trap in wasm itself; its quotient does not fit anyway.
      if (signed) f.get(x).i64(1n << 63n).op('i64.eq').get(d).i64(-1n).op('i64.eq').op('i32.and').op('i32.or');
    });
    divMod32Result(g, op64to32, x, d, signed);
  });
  const op32to32 = `DivMod${S}32to32` as IROp;
  def(op32to32, (g, [a, b]) => {
    const f = g.f;
    const x = g.tmp('i64');
    const d = g.tmp('i64');
    a!.push(); f.op(ext).set(x);
    b!.push(); f.op(ext).set(d);
    g.trapIf(op32to32, () => f.get(d).op('i64.eqz'));
    divMod32Result(g, op32to32, x, d, signed);
  });
  const op64to64 = `DivMod${S}64to64` as IROp;
  def(op64to64, (g, [a, b]) => {
    const s = signed ? 's' : 'u';
    divChecks(g, op64to64, 'i64', a!, b!, signed);
    a!.push(); b!.push(); g.f.op(`i64.div_${s}`);
    a!.push(); b!.push(); g.f.op(`i64.rem_${s}`);
  });
  // A 128-bit dividend: in wasm when it fits in 64 bits (div after a zeroed or
  // sign-filled rdx, what compilers emit), else the interpreter's implementation.
  def(`DivMod${S}128to64`, (g, [a, b]) => {
    const f = g.f;
    const s = signed ? 's' : 'u';
    const lo = g.tmp('i64');
    const hi = g.tmp('i64');
    const fits = () => {
      a!.part(1);
      if (signed) { a!.part(0); f.i64(63n).op('i64.shr_s').op('i64.eq'); } else f.op('i64.eqz');
    };
    fits();
    f.op('if');
    divChecks(g, `DivMod${S}128to64` as IROp, 'i64', { ty: 'I64', part: () => a!.part(0), push: () => a!.part(0) }, b!, signed);
    a!.part(0); b!.push(); f.op(`i64.div_${s}`).set(lo);
    a!.part(0); b!.push(); f.op(`i64.rem_${s}`).set(hi);
    f.op('else');
    g.fallback(`DivMod${S}128to64` as IROp, [a!, b!]);
    f.set(hi).set(lo);
    f.op('end');
    f.get(lo).get(hi);
  });
}
