// SIMD ops: V128 (SSE) and 64-bit MMX vectors held in an I64, lane by lane; V256 moves
// and bitwise ops. A lane-wise op copies its operands into a scratch buffer, works on typed
// views of the lane type there (a store into a Uint8Array or Int16Array wraps the lane for
// us), and copies the result out. One definition per family serves every lane width and
// both vector shapes; the op names are built as ops.ts spells them.

import { ALL_OPS, type IROp } from '../../ir/ops.ts';
import {
  BINARY32, BINARY64, RM_NEAREST, arith, floatToInt, intToFloat, nanResult, sqrt, type ArithOp, type FloatFormat,
} from './fp.ts';
import type { OpImpl } from './ops-int.ts';
import { bigToVec, f32Bits, f32FromBits, f64FromWords, f64ToWords, vecLane64, vecToBig, words64, type Vec } from './values.ts';

export const SIMD_OPS = new Map<IROp, OpImpl>();

const KNOWN = new Set<string>(ALL_OPS);
/** Defines `op` if ops.ts has it: families are generated over all widths and shapes, and
 *  only some combinations exist (the completeness check in ops.ts catches any gap). */
const def = (op: string, f: OpImpl) => {
  if (KNOWN.has(op)) SIMD_OPS.set(op as IROp, f);
};

// ---------------------------------------------------------------- scratch and shapes

/** Three 16-byte slots: operands A and B, result R. */
const SLOT_A = 0, SLOT_B = 1, SLOT_R = 2;
const scratch = new ArrayBuffer(48);
const W = new Int32Array(scratch);
const Q = new BigUint64Array(scratch);

/** A vector container: how values enter and leave the scratch slots. */
interface Shape {
  readonly bytes: number;
  readonly put: (slot: number, v: never) => void;
  readonly take: () => Vec | bigint;
}

const V128: Shape = {
  bytes: 16,
  put: (slot: number, v: Vec) => {
    const o = slot * 4;
    W[o] = v[0]!; W[o + 1] = v[1]!; W[o + 2] = v[2]!; W[o + 3] = v[3]!;
  },
  take: () => [W[8]!, W[9]!, W[10]!, W[11]!],
};

const MMX: Shape = {
  bytes: 8,
  put: (slot: number, v: bigint) => { Q[slot * 2] = v; },
  take: () => Q[4]!,
};

const SHAPES: readonly Shape[] = [V128, MMX];

type NumKind = 'U8' | 'S8' | 'U16' | 'S16' | 'U32' | 'S32';
type BigKind = 'U64' | 'S64';
const CTOR = {
  U8: Uint8Array, S8: Int8Array, U16: Uint16Array, S16: Int16Array, U32: Uint32Array, S32: Int32Array,
  U64: BigUint64Array, S64: BigInt64Array,
} as const;

type NumView = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array;
type BigView = BigUint64Array | BigInt64Array;

function views(kind: NumKind): [NumView, NumView, NumView];
function views(kind: BigKind): [BigView, BigView, BigView];
function views(kind: NumKind | BigKind): unknown[] {
  const C = CTOR[kind];
  return [SLOT_A, SLOT_B, SLOT_R].map((s) => new C(scratch, s * 16, 16 / C.BYTES_PER_ELEMENT));
}

const kindOf = (bits: number, signed: boolean): NumKind => `${signed ? 'S' : 'U'}${bits}` as NumKind;

/** The op's name: Add8x16, QAdd8Ux16, CmpGT16Sx8 ... (`sign` '' for signless ops). */
const laneName = (base: string, bits: number, sign: string, shape: Shape) => `${base}${bits}${sign}x${(shape.bytes * 8) / bits}`;

// ---------------------------------------------------------------- lane-wise integer ops

type Lane2 = (a: number, b: number) => number;
type Lane2Big = (a: bigint, b: bigint) => bigint;
type LaneView = { [i: number]: number | bigint };

/**
 * An op computing each result lane from the same lane of its operand(s): R[i] = f(A[i], x)
 * where x is B[i] for a second vector operand, or the scalar second argument itself (the
 * shift amount) for `operand` 'scalar'. Lanes are read and written through views of `kind`.
 */
function lanewise(shape: Shape, kind: NumKind | BigKind, operand: 'vector' | 'scalar' | 'none', f: (a: never, b: never) => number | bigint): OpImpl {
  const [A, B, R] = views(kind as NumKind) as unknown as LaneView[];
  const n = shape.bytes / CTOR[kind].BYTES_PER_ELEMENT;
  const g = f as (a: unknown, b: unknown) => number | bigint;
  return (a: never, b: never) => {
    shape.put(SLOT_A, a);
    if (operand === 'vector') shape.put(SLOT_B, b);
    for (let i = 0; i < n; i++) R[i] = g(A[i], operand === 'vector' ? B[i] : b);
    return shape.take();
  };
}

const clamp = (lo: number, hi: number) => (x: number) => Math.max(lo, Math.min(hi, x));
const range = (bits: number, signed: boolean) =>
  signed ? clamp(-(2 ** (bits - 1)), 2 ** (bits - 1) - 1) : clamp(0, 2 ** bits - 1);

/** [name, the signednesses it comes in ('' for signless), the lane op for a lane width and
 *  signedness]. A signed family reads its lanes through signed views. */
const BINARY_FAMILIES: readonly [string, readonly ('' | 'U' | 'S')[], (bits: number, signed: boolean) => Lane2][] = [
  ['Add', [''], () => (a, b) => a + b],
  ['Sub', [''], () => (a, b) => a - b],
  ['Mul', [''], () => Math.imul],
  ['CmpEQ', [''], () => (a, b) => (a === b ? -1 : 0)],
  ['CmpGT', ['S'], () => (a, b) => (a > b ? -1 : 0)],
  ['Max', ['U', 'S'], () => Math.max],
  ['Min', ['U', 'S'], () => Math.min],
  ['Avg', ['U'], () => (a, b) => (a + b + 1) >>> 1],
  ['MulHi', ['U', 'S'], (bits) => (a, b) => Math.floor((a * b) / 2 ** bits)],
  ['QAdd', ['U', 'S'], (bits, signed) => { const r = range(bits, signed); return (a, b) => r(a + b); }],
  ['QSub', ['U', 'S'], (bits, signed) => { const r = range(bits, signed); return (a, b) => r(a - b); }],
];

const BIG_FAMILIES: readonly [string, '' | 'S', Lane2Big][] = [
  ['Add', '', (a, b) => a + b],
  ['Sub', '', (a, b) => a - b],
  ['CmpEQ', '', (a, b) => (a === b ? -1n : 0n)],
  ['CmpGT', 'S', (a, b) => (a > b ? -1n : 0n)],
];

for (const shape of SHAPES) {
  for (const bits of [8, 16, 32]) {
    for (const [base, signs, lane] of BINARY_FAMILIES) {
      for (const sign of signs) {
        def(laneName(base, bits, sign, shape), lanewise(shape, kindOf(bits, sign === 'S'), 'vector', lane(bits, sign === 'S')));
      }
    }
    def(laneName('CmpNEZ', bits, '', shape), lanewise(shape, kindOf(bits, false), 'none', (a: number) => (a !== 0 ? -1 : 0)));
  }
  for (const [base, sign, lane] of BIG_FAMILIES) def(laneName(base, 64, sign, shape), lanewise(shape, sign === 'S' ? 'S64' : 'U64', 'vector', lane));
  def(laneName('CmpNEZ', 64, '', shape), lanewise(shape, 'U64', 'none', (a: bigint) => (a !== 0n ? -1n : 0n)));
}

// Shifts of every lane by a scalar I8 amount; an amount of the lane width or more gives 0,
// or the sign in every bit for Sar (what x86's psllw/psraw do for such counts).
for (const shape of SHAPES) {
  for (const bits of [8, 16, 32]) {
    const shifts: [string, boolean, (a: number, n: number) => number][] = [
      ['ShlN', false, (a, n) => (n < bits ? a << n : 0)],
      ['ShrN', false, (a, n) => (n < bits ? a >>> n : 0)],
      ['SarN', true, (a, n) => a >> Math.min(n, bits - 1)],
    ];
    for (const [base, signed, f] of shifts) def(laneName(base, bits, '', shape), lanewise(shape, kindOf(bits, signed), 'scalar', f));
  }
  const big: [string, BigKind, (a: bigint, n: number) => bigint][] = [
    ['ShlN', 'U64', (a, n) => (n < 64 ? a << BigInt(n) : 0n)],
    ['ShrN', 'U64', (a, n) => (n < 64 ? a >> BigInt(n) : 0n)],
    ['SarN', 'S64', (a, n) => a >> BigInt(Math.min(n, 63))],
  ];
  for (const [base, kind, f] of big) def(laneName(base, 64, '', shape), lanewise(shape, kind, 'scalar', f));
}

/** An op that moves lanes around (f fills R from A and B), on unsigned views of the lanes. */
function rearrange(shape: Shape, bits: number, f: (A: ArrayLike<number | bigint>, B: ArrayLike<number | bigint>, R: { [i: number]: number | bigint }, n: number) => void): OpImpl {
  const [A, B, R] = bits === 64 ? views('U64') : views(kindOf(bits, false));
  const n = (shape.bytes * 8) / bits;
  return (a: never, b: never) => {
    shape.put(SLOT_A, a);
    shape.put(SLOT_B, b);
    f(A, B, R as { [i: number]: number | bigint }, n);
    return shape.take();
  };
}

for (const shape of SHAPES) {
  for (const bits of [8, 16, 32, 64]) {
    // The most significant result lane comes from the left operand (libvex_ir.h).
    for (const [half, from] of [['LO', 0], ['HI', 0.5]] as const) {
      def(laneName(`Interleave${half}`, bits, '', shape), rearrange(shape, bits, (A, B, R, n) => {
        const base = from * n;
        for (let i = 0; i < n / 2; i++) {
          R[2 * i] = B[base + i]!;
          R[2 * i + 1] = A[base + i]!;
        }
      }));
    }
  }
}

// Narrowing two vectors into one, the left operand into the upper half (packsswb & co).
for (const shape of SHAPES) {
  const lanes = (bits: number) => (shape.bytes * 8) / bits;
  for (const [from, to, outSigned] of [[16, 8, false], [16, 8, true], [32, 16, true], [32, 16, false]] as const) {
    const [A, B] = views(kindOf(from, true));
    const [, , R] = views(kindOf(to, outSigned));
    const n = lanes(from);
    const sat = range(to, outSigned);
    def(`QNarrowBin${from}Sto${to}${outSigned ? 'S' : 'U'}x${lanes(to)}`, (a: never, b: never) => {
      shape.put(SLOT_A, a);
      shape.put(SLOT_B, b);
      for (let i = 0; i < n; i++) {
        R[i] = sat(B[i]!);
        R[n + i] = sat(A[i]!);
      }
      return shape.take();
    });
  }
  // Truncating narrow: the low half of each wide lane is lane 2i of the narrow view.
  for (const [from, to] of [[16, 8], [32, 16], [64, 32]] as const) {
    const [A, B, R] = views(kindOf(to, false));
    const n = lanes(from);
    def(`NarrowBin${from}to${to}x${lanes(to)}`, (a: never, b: never) => {
      shape.put(SLOT_A, a);
      shape.put(SLOT_B, b);
      for (let i = 0; i < n; i++) {
        R[i] = B[2 * i]!;
        R[n + i] = A[2 * i]!;
      }
      return shape.take();
    });
  }
}

// MullEven: the full products of the even 32-bit lanes (pmuludq, pmuldq).
for (const signed of [false, true]) {
  const [A, B] = views(kindOf(32, signed));
  const R = views(signed ? 'S64' : 'U64')[2];
  def(`MullEven32${signed ? 'S' : 'U'}x4`, (a: never, b: never) => {
    V128.put(SLOT_A, a);
    V128.put(SLOT_B, b);
    for (let i = 0; i < 2; i++) R[i] = BigInt(A[2 * i]!) * BigInt(B[2 * i]!);
    return V128.take();
  });
}

// pshufb: each result byte picks a byte of the left operand by the right operand's byte;
// the OrZero form zeroes it when that byte's top bit is set. VEX leaves the other index
// bits undefined for Perm; we ignore them, as pshufb does.
{
  const [A, B, R] = views('U8');
  for (const [shape, orZero] of [[V128, false], [V128, true], [MMX, false]] as const) {
    const n = shape.bytes;
    def(`Perm${orZero ? 'OrZero' : ''}8x${n}`, (a: never, b: never) => {
      shape.put(SLOT_A, a);
      shape.put(SLOT_B, b);
      for (let i = 0; i < n; i++) R[i] = orZero && B[i]! & 0x80 ? 0 : A[B[i]! & (n - 1)]!;
      return shape.take();
    });
  }
  // pmovmskb: the top bit of each byte.
  for (const shape of SHAPES) {
    def(`GetMSBs8x${shape.bytes}`, (a: never) => {
      shape.put(SLOT_A, a);
      let m = 0;
      for (let i = 0; i < shape.bytes; i++) m |= (A[i]! >> 7) << i;
      return m;
    });
  }
}

// ---------------------------------------------------------------- whole vectors

const bitwise = (f: (a: number, b: number) => number): OpImpl => (a: Vec, b: Vec) => {
  const r: number[] = new Array(a.length);
  for (let i = 0; i < a.length; i++) r[i] = f(a[i]!, b[i]!);
  return r;
};
for (const w of ['V128', 'V256']) {
  def(`And${w}`, bitwise((a, b) => a & b));
  def(`Or${w}`, bitwise((a, b) => a | b));
  def(`Xor${w}`, bitwise((a, b) => a ^ b));
  def(`Not${w}`, (a: Vec) => a.map((x) => ~x));
}

// Whole-register shifts, by a count in bits; 128 or more empties the register.
const U128 = (1n << 128n) - 1n;
def('ShlV128', (v: Vec, n: number) => bigToVec((vecToBig(v) << BigInt(Math.min(n, 128))) & U128, 4));
def('ShrV128', (v: Vec, n: number) => bigToVec(vecToBig(v) >> BigInt(Math.min(n, 128)), 4));
def('SarV128', (v: Vec, n: number) => bigToVec(BigInt.asIntN(128, vecToBig(v)) >> BigInt(Math.min(n, 127)), 4));

/** palignr: 128 bits of left:right shifted right by n bytes (zeros shifted in past 32). */
def('SliceV128', (a: Vec, b: Vec, n: number) => {
  const both = (vecToBig(a) << 128n) | vecToBig(b);
  return bigToVec((both >> BigInt(8 * Math.min(n, 32))) & U128, 4);
});

// Moving between vectors and scalars.
def('64HLtoV128', (hi: bigint, lo: bigint) => [...words64(lo), ...words64(hi)]);
def('V128to64', (v: Vec) => vecLane64(v, 0));
def('V128HIto64', (v: Vec) => vecLane64(v, 1));
def('32UtoV128', (x: number) => [x | 0, 0, 0, 0]);
def('64UtoV128', (x: bigint) => [...words64(x), 0, 0]);
def('V128to32', (v: Vec) => v[0]! >>> 0);
def('SetV128lo64', (v: Vec, x: bigint) => [...words64(x), v[2]!, v[3]!]);
def('SetV128lo32', (v: Vec, x: number) => [x | 0, v[1]!, v[2]!, v[3]!]);
def('ZeroHI64ofV128', (v: Vec) => [v[0]!, v[1]!, 0, 0]);
def('ZeroHI96ofV128', (v: Vec) => [v[0]!, 0, 0, 0]);
def('ZeroHI112ofV128', (v: Vec) => [v[0]! & 0xffff, 0, 0, 0]);
def('ZeroHI120ofV128', (v: Vec) => [v[0]! & 0xff, 0, 0, 0]);
for (let i = 0; i < 4; i++) def(`V256to64_${i}`, (v: Vec) => vecLane64(v, i));
def('64x4toV256', (a3: bigint, a2: bigint, a1: bigint, a0: bigint) => [a0, a1, a2, a3].flatMap(words64));
def('V256toV128_0', (v: Vec) => v.slice(0, 4));
def('V256toV128_1', (v: Vec) => v.slice(4, 8));
def('V128HLtoV256', (hi: Vec, lo: Vec) => [...lo, ...hi]);

// ---------------------------------------------------------------- float lanes

/** Lanes of one float format in a V128: 4 binary32 lanes or 2 binary64 ones. */
interface FloatLanes {
  readonly fmt: FloatFormat;
  readonly bits: 32 | 64;
  readonly n: number;
  get(v: Vec, i: number): number;
  set(out: number[], i: number, x: number): void;
  /** Sets lane i to all ones or zeros, a compare's result. */
  mask(out: number[], i: number, on: boolean): void;
}

const F32_LANES: FloatLanes = {
  fmt: BINARY32, bits: 32, n: 4,
  get: (v, i) => f32FromBits(v[i]!),
  set: (out, i, x) => { out[i] = f32Bits(x) | 0; },
  mask: (out, i, on) => { out[i] = on ? -1 : 0; },
};
const F64_LANES: FloatLanes = {
  fmt: BINARY64, bits: 64, n: 2,
  get: (v, i) => f64FromWords(v[2 * i]!, v[2 * i + 1]!),
  set: (out, i, x) => f64ToWords(x, out, 2 * i),
  mask: (out, i, on) => { out[2 * i] = out[2 * i + 1] = on ? -1 : 0; },
};

type LaneStep = (rm: number, a: Vec, b: Vec, i: number, out: number[]) => void;

/** Computes lanes [0, count) with `step`; the other lanes come from `a` (the F0x forms). */
function floatLanes(count: number, step: LaneStep) {
  return (rm: number, a: Vec, b: Vec): Vec => {
    const out = a.slice();
    for (let i = 0; i < count; i++) step(rm, a, b, i, out);
    return out;
  };
}

// x86's maxps/minps: the second operand when the comparison fails (NaN, or equal zeros).
const FLOAT_SELECT: readonly [string, (a: number, b: number) => number][] = [
  ['Max', (a, b) => (a > b ? a : b)],
  ['Min', (a, b) => (a < b ? a : b)],
];
const FLOAT_COMPARE: readonly [string, (a: number, b: number) => boolean][] = [
  ['CmpEQ', (a, b) => a === b],
  ['CmpLT', (a, b) => a < b],
  ['CmpLE', (a, b) => a <= b],
  ['CmpUN', (a, b) => a !== a || b !== b],
];
const ARITH: readonly [string, ArithOp][] = [['Add', 'add'], ['Sub', 'sub'], ['Mul', 'mul'], ['Div', 'div']];

for (const L of [F32_LANES, F64_LANES]) {
  for (const scalar of [false, true]) {
    const name = (base: string) => `${base}${L.bits}F${scalar ? '0' : ''}x${L.n}`;
    const lanes = (step: LaneStep) => floatLanes(scalar ? 1 : L.n, step);
    // The packed forms take a rounding mode; the F0x forms (and the selects and compares,
    // which are exact) have none.
    const withRm = (f: ReturnType<typeof floatLanes>) => (scalar ? (a: Vec, b: Vec) => f(RM_NEAREST, a, b) : f);
    for (const [base, op] of ARITH) {
      def(name(base), withRm(lanes((rm, a, b, i, out) => L.set(out, i, arith(op, rm, L.get(a, i), L.get(b, i), L.fmt)))));
    }
    for (const [base, f] of FLOAT_SELECT) {
      const g = lanes((_rm, a, b, i, out) => L.set(out, i, f(L.get(a, i), L.get(b, i))));
      def(name(base), (a: Vec, b: Vec) => g(RM_NEAREST, a, b));
    }
    for (const [base, test] of FLOAT_COMPARE) {
      const g = lanes((_rm, a, b, i, out) => L.mask(out, i, test(L.get(a, i), L.get(b, i))));
      def(name(base), (a: Vec, b: Vec) => g(RM_NEAREST, a, b));
    }
    const root = lanes((rm, a, _b, i, out) => L.set(out, i, sqrt(rm, L.get(a, i), L.fmt)));
    def(name('Sqrt'), scalar ? (a: Vec) => root(RM_NEAREST, a, a) : (rm: number, a: Vec) => root(rm, a, a));
  }
}

// rcpps / rsqrtps: x86 gives a 12-bit approximation whose exact bits differ between CPU
// makers (so native runs differ too); we give the correctly rounded value.
for (const scalar of [false, true]) {
  const est = (f: (x: number) => number) => {
    const g = floatLanes(scalar ? 1 : 4, (_rm, a, _b, i, out) => {
      const x = F32_LANES.get(a, i);
      const r = f(x);
      F32_LANES.set(out, i, r === r ? Math.fround(r) : nanResult(x, x));
    });
    return (a: Vec) => g(RM_NEAREST, a, a);
  };
  def(`RecipEst32F${scalar ? '0' : ''}x4`, est((x) => 1 / x));
  def(`RSqrtEst32F${scalar ? '0' : ''}x4`, est((x) => 1 / Math.sqrt(x)));
}

// cvtdq2ps and cvt(t)ps2dq; out of range or NaN gives the integer indefinite 0x80000000.
// `| 0`: a lane rounded from -0.3 is -0, which as a Vec word would turn into -0.0 in a
// following I32StoF32x4.
def('I32StoF32x4', (rm: number, v: Vec) => v.map((x) => f32Bits(intToFloat(rm, x, BINARY32)) | 0));
def('F32toI32Sx4', (rm: number, v: Vec) => v.map((x) => (floatToInt(rm, f32FromBits(x), -(2 ** 31), 2 ** 31) ?? -(2 ** 31)) | 0));
