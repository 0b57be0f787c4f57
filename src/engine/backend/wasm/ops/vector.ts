// Vector ops in WebAssembly SIMD that move bits without arithmetic: V128 moves between
// vectors and scalars, whole-vector bitwise ops and shifts, palignr (SliceV128), pshufb
// (Perm), pmovmskb (GetMSBs), interleaves and narrows; V256 as two V128 halves (low
// first). Lane arithmetic is in simd-int.ts and simd-float.ts, MMX in mmx.ts.
//
// Where wasm differs from the IR: i8x16.swizzle zeroes a lane whose index is 16 or more
// (the IR's whole-vector shifts and slices want exactly that for bytes shifted in, and
// pshufb's "or zero" bit is bit 7 of the index); i8x16.narrow takes its first operand into
// the low half, where the IR puts its right operand.
import { ALL_OPS, type IROp } from '../../../ir/ops.ts';
import type { BlockGen } from '../gen.ts';
import type { Operand } from '../values.ts';
import type { Lowering } from './int.ts';

export const VECTOR_LOWERINGS = new Map<IROp, Lowering>();
const KNOWN = new Set<string>(ALL_OPS);

/** Registers `l` for `op` in `table`; a name ops.ts lacks is a bug here. */
export function defIn(table: Map<IROp, Lowering>, op: string, l: Lowering): void {
  if (!KNOWN.has(op)) throw new Error(`wasm: no IR op ${op} to lower`);
  table.set(op as IROp, l);
}
const def = (op: string, l: Lowering) => defIn(VECTOR_LOWERINGS, op, l);

/** The wasm shape of integer lanes of `bits`. */
export const INT_SHAPE: Readonly<Record<number, string>> = { 8: 'i8x16', 16: 'i16x8', 32: 'i32x4', 64: 'i64x2' };

const ZERO_BYTES: readonly number[] = new Array(16).fill(0);
export const zero = (g: BlockGen) => g.f.op('v128.const', ZERO_BYTES);
/** The 16 bytes of a vector whose every `bits`-bit lane is `x` (two's complement). */
export function splatBytes(bits: number, x: bigint): number[] {
  const v = BigInt.asUintN(bits, x);
  return Array.from({ length: 16 }, (_, i) => Number((v >> BigInt(8 * (i % (bits / 8)))) & 0xffn));
}
/** A v128 constant with `x` in every `bits`-bit lane. */
export const splatConst = (g: BlockGen, bits: number, x: bigint) => g.f.op('v128.const', splatBytes(bits, x));
/** A v128 constant whose low `n` bytes are 0xff and the rest 0. */
export const lowBytes = (g: BlockGen, n: number) => g.f.op('v128.const', Array.from({ length: 16 }, (_, i) => (i < n ? 0xff : 0)));
const IOTA: readonly number[] = Array.from({ length: 16 }, (_, i) => i);

/** i8x16.shuffle of x (indices 0-15) and y (16-31). */
function shuffle(g: BlockGen, x: Operand, y: Operand, idx: readonly number[]): void {
  x.push();
  y.push();
  g.f.op('i8x16.shuffle', idx);
}

// ---------------------------------------------------------------- moves

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

// ---------------------------------------------------------------- bitwise

def('NotV128', (g, [v]) => { v!.push(); g.f.op('v128.not'); });
for (const [name, op] of [['And', 'and'], ['Or', 'or'], ['Xor', 'xor']]) {
  def(`${name}V128`, (g, [a, b]) => { a!.push(); b!.push(); g.f.op(`v128.${op}`); });
  def(`${name}V256`, (g, [a, b]) => {
    a!.part(0); b!.part(0); g.f.op(`v128.${op}`);
    a!.part(1); b!.part(1); g.f.op(`v128.${op}`);
  });
}
def('NotV256', (g, [v]) => { v!.part(0); g.f.op('v128.not'); v!.part(1); g.f.op('v128.not'); });

// ---------------------------------------------------------------- whole-vector shifts

/**
 * v shifted left or right by the bit count `count` pushes (0-255; 128 or more empties it),
 * bytewise: byte i is byte i∓k shifted by s = count & 7, or'ed with the bits that cross
 * from byte i∓(k+1), where k = count >> 3. A swizzle index out of range (past either end,
 * as a byte it wraps to 225 or more) reads zero.
 */
function shiftV128(g: BlockGen, v: Operand, count: () => void, left: boolean): void {
  const f = g.f;
  const idx = g.tmp('v128');
  const s = g.tmp('i32');
  count();
  f.i32(7).op('i32.and').set(s);
  f.op('v128.const', IOTA);
  count();
  f.i32(3).op('i32.shr_u').op('i8x16.splat').op(left ? 'i8x16.sub' : 'i8x16.add').set(idx);
  // Bytes moved whole, shifted by s ...
  v.push(); f.get(idx).op('i8x16.swizzle').get(s).op(left ? 'i8x16.shl' : 'i8x16.shr_u');
  // ... and the neighbour's bits, shifted the other way by 8 - s (in two steps: wasm
  // takes a byte lane's shift count modulo 8, and s may be 0).
  v.push(); f.get(idx);
  splatConst(g, 8, 1n);
  f.op(left ? 'i8x16.sub' : 'i8x16.add').op('i8x16.swizzle');
  f.i32(1).op(left ? 'i8x16.shr_u' : 'i8x16.shl');
  f.i32(7).get(s).op('i32.sub').op(left ? 'i8x16.shr_u' : 'i8x16.shl');
  f.op('v128.or');
}

for (const [op, left] of [['ShlV128', true], ['ShrV128', false]] as const) {
  def(op, (g, [v, n]) => {
    const c = n!.constValue;
    if (c === undefined || (c < 128n && c % 8n !== 0n)) return shiftV128(g, v!, () => n!.push(), left);
    if (c >= 128n) return zero(g);
    // By whole bytes (pslldq, psrldq): one shuffle with a zero vector (indices 16-31).
    const k = Number(c) / 8;
    shuffle(g, v!, { ty: 'V128', part: () => zero(g), push: () => zero(g) },
      IOTA.map((i) => (left ? (i >= k ? i - k : 16) : (i + k < 16 ? i + k : 16))));
  });
}

// An arithmetic shift by n (127 at most): the logical one, with the sign copied into the
// top n bits, which are the all-ones vector shifted left by 128 - n.
def('SarV128', (g, [v, n]) => {
  const f = g.f;
  const m = g.tmp('i32');
  n!.push(); f.i32(127); n!.push(); f.i32(127).op('i32.lt_u').op('select').set(m);
  shiftV128(g, v!, () => f.get(m), false);
  const ones = { ty: 'V128' as const, part: () => splatConst(g, 8, -1n), push: () => splatConst(g, 8, -1n) };
  shiftV128(g, ones, () => f.i32(128).get(m).op('i32.sub'), true);
  v!.push(); f.op('i64x2.extract_lane', 1).i64(63n).op('i64.shr_s').op('i64x2.splat');
  f.op('v128.and').op('v128.or');
});

// palignr: bytes n.. of left:right (zeros past byte 31).
def('SliceV128', (g, [a, b, n]) => {
  const f = g.f;
  const c = n!.constValue;
  if (c !== undefined) {
    const k = Number(c < 32n ? c : 32n);
    if (k >= 32) return zero(g);
    if (k <= 16) return shuffle(g, b!, a!, IOTA.map((i) => i + k));
    return shuffle(g, a!, { ty: 'V128', part: () => zero(g), push: () => zero(g) }, IOTA.map((i) => i + k - 16));
  }
  const idx = g.tmp('v128');
  f.op('v128.const', IOTA);
  n!.push(); f.i32(32); n!.push(); f.i32(32).op('i32.lt_u').op('select');
  f.op('i8x16.splat').op('i8x16.add').set(idx);
  b!.push(); f.get(idx).op('i8x16.swizzle');
  a!.push(); f.get(idx);
  splatConst(g, 8, 16n);
  f.op('i8x16.sub').op('i8x16.swizzle').op('v128.or');
});

// ---------------------------------------------------------------- lanes moved around

// pshufb: the index's low four bits pick a byte; for OrZero its bit 7 makes the swizzle
// index 128 or more, which reads zero.
def('Perm8x16', (g, [a, b]) => { a!.push(); b!.push(); splatConst(g, 8, 0x0fn); g.f.op('v128.and').op('i8x16.swizzle'); });
def('PermOrZero8x16', (g, [a, b]) => { a!.push(); b!.push(); splatConst(g, 8, 0x8fn); g.f.op('v128.and').op('i8x16.swizzle'); });
def('GetMSBs8x16', (g, [a]) => { a!.push(); g.f.op('i8x16.bitmask'); });

/** Shuffle indices of an interleave of `bits`-bit lanes from the low or high halves, the
 *  right operand pushed first (the IR's left operand supplies the odd, upper lanes). */
export function interleaveIndices(bits: number, hi: boolean): number[] {
  const bytes = bits / 8;
  const n = 16 / bytes;
  const base = hi ? n / 2 : 0;
  return Array.from({ length: n }, (_, j) => Array.from({ length: bytes }, (_, k) => (j & 1 ? 16 : 0) + (base + (j >> 1)) * bytes + k)).flat();
}

for (const bits of [8, 16, 32, 64]) {
  for (const hi of [false, true]) {
    const idx = interleaveIndices(bits, hi);
    def(`Interleave${hi ? 'HI' : 'LO'}${bits}x${128 / bits}`, (g, [a, b]) => shuffle(g, b!, a!, idx));
  }
}

// Truncating narrows: the low half of each wide lane, the right operand's into the low half.
for (const [from, to] of [[16, 8], [32, 16], [64, 32]] as const) {
  const lanes = 128 / from;
  const idx = [0, 16].flatMap((src) => Array.from({ length: lanes }, (_, i) => Array.from({ length: to / 8 }, (_, k) => src + (i * from) / 8 + k)).flat());
  def(`NarrowBin${from}to${to}x${128 / to}`, (g, [a, b]) => shuffle(g, b!, a!, idx));
}

// Saturating narrows of signed lanes (packsswb, packuswb, packssdw, packusdw): wasm's,
// operands swapped.
for (const [op, instr] of [
  ['QNarrowBin16Sto8Ux16', 'i8x16.narrow_i16x8_u'], ['QNarrowBin16Sto8Sx16', 'i8x16.narrow_i16x8_s'],
  ['QNarrowBin32Sto16Sx8', 'i16x8.narrow_i32x4_s'], ['QNarrowBin32Sto16Ux8', 'i16x8.narrow_i32x4_u'],
] as const) {
  def(op, (g, [a, b]) => { b!.push(); a!.push(); g.f.op(instr); });
}
