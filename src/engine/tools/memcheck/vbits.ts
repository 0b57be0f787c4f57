// Memcheck's V-bit propagation rules: for each IR operation, the IR that computes the V
// bits (1 = undefined) of its result from the V bits of its operands — and, for the exact
// rules, from the operands' values too. The rules are memcheck's (mc_translate.c), so a
// program gets the same "uninitialised" verdicts as under valgrind:
//
// - UifU (undefined if either is undefined) is Or; DifD (defined if either is defined) is
//   And; a PCast (pessimistic cast) makes every bit undefined if any bit is.
// - Exact where cheap and where compilers depend on it: And/Or with defined zeros/ones,
//   Xor, shifts and rotates by a known amount, widening and narrowing, moves of vector
//   lanes, carry-exact Add, exact CmpEQ/CmpNE, and trailing-zero counts.
// - Pessimistic (PCast of the UifU of all operands: "lazy") for everything else — sound,
//   since it can only say "undefined" too often, never too rarely.
//
// Everything here emits statements into the builder of the block being instrumented and
// returns an atom of the shadow type.

import { binop, constant, unop, type IRSBBuilder } from '../../ir/builder.ts';
import { opSignature, type BinaryOp, type IROp, type TernaryOp, type UnaryOp } from '../../ir/ops.ts';
import type { IRAtom, IRExpr, IRType } from '../../ir/types.ts';

/** The type of a value's V bits: the same width, as an integer for scalar floats (so the
 *  integer ops can work on them), as memcheck's shadowTypeV. */
export function shadowType(ty: IRType): IRType {
  return ty === 'F64' ? 'I64' : ty === 'F32' ? 'I32' : ty;
}

/** All-defined V bits of a shadow type. */
export function definedOf(ty: IRType): IRAtom {
  return ty === 'V128' || ty === 'V256' ? { tag: 'Const', ty, value: 0n } : constant(ty, 0);
}

/** How expensively to interpret the ops memcheck has two schemes for; instrument.ts
 *  decides per block and per temp (memcheck's --expensive-definedness-checks=auto). */
export interface Detail {
  /** Carry-exact Add and Sub of 32 and 64 bits (else Left of UifU). */
  expensiveAdd: boolean;
  expensiveSub: boolean;
  /** Exact CmpEQ/CmpNE of these widths (else PCast of UifU). */
  expensiveCmp: ReadonlySet<IRType>;
}

type V = IRSBBuilder;

const atomOf = (b: V, e: IRExpr): IRAtom => (e.tag === 'RdTmp' || e.tag === 'Const' ? e : b.assign(e));
const u = (b: V, op: UnaryOp, a: IRExpr): IRAtom => b.assign(unop(op, a));
const bi = (b: V, op: BinaryOp, x: IRExpr, y: IRExpr): IRAtom => b.assign(binop(op, x, y));

const SUFFIX: Partial<Record<IRType, string>> = { I1: '1', I8: '8', I16: '16', I32: '32', I64: '64', V128: 'V128', V256: 'V256' };
const opFor = (base: string, ty: IRType): string => {
  if (ty === 'I1') return base === 'Or' ? 'Or1' : base === 'And' ? 'And1' : 'Not1';
  return `${base}${SUFFIX[ty]}`;
};

export function uifu(b: V, ty: IRType, x: IRAtom, y: IRAtom): IRAtom {
  if (ty === 'I128') {
    const hi = bi(b, 'Or64', u(b, '128HIto64', x), u(b, '128HIto64', y));
    const lo = bi(b, 'Or64', u(b, '128to64', x), u(b, '128to64', y));
    return bi(b, '64HLto128', hi, lo);
  }
  return bi(b, opFor('Or', ty) as BinaryOp, x, y);
}

export function difd(b: V, ty: IRType, x: IRAtom, y: IRAtom): IRAtom {
  return bi(b, opFor('And', ty) as BinaryOp, x, y);
}

/** Left(v) = v | -v: every bit at or above the lowest undefined one is undefined — how an
 *  undefined bit spreads through a carry chain. */
export function left(b: V, ty: IRType, v: IRAtom): IRAtom {
  return u(b, `Left${ty.slice(1)}` as UnaryOp, v);
}

/** Pessimistic cast: all bits of `dst` undefined if any bit of `v` is (memcheck's
 *  mkPCastTo, with its fast paths, so the printed IR reads like valgrind's). */
export function pcast(b: V, dst: IRType, v: IRAtom): IRAtom {
  const src = b.typeOf(v);
  if (v.tag === 'Const' && v.value === 0n) return definedOf(dst);
  if (src === 'I64' && dst === 'I64') return u(b, 'CmpwNEZ64', v);
  if (src === 'I32' && dst === 'I32') return u(b, 'CmpwNEZ32', v);
  if (src === 'I32' && dst === 'I64') {
    const t = u(b, 'CmpwNEZ32', v);
    return bi(b, '32HLto64', t, t);
  }
  if (src === 'I64' && dst === 'I32') return u(b, '64to32', u(b, 'CmpwNEZ64', v));
  const one = collapse(b, src, v);
  switch (dst) {
    case 'I1': return one;
    case 'I8': return u(b, '1Sto8', one);
    case 'I16': return u(b, '1Sto16', one);
    case 'I32': return u(b, '1Sto32', one);
    case 'I64': return u(b, '1Sto64', one);
    case 'I128': {
      const w = u(b, '1Sto64', one);
      return bi(b, '64HLto128', w, w);
    }
    case 'V128': {
      const w = u(b, '1Sto64', one);
      return bi(b, '64HLtoV128', w, w);
    }
    case 'V256': {
      const w = u(b, '1Sto64', one);
      const h = bi(b, '64HLtoV128', w, w);
      return bi(b, 'V128HLtoV256', h, h);
    }
    default: throw new Error(`memcheck: no PCast to ${dst}`);
  }
}

/** One V bit: is any bit of `v` undefined? */
function collapse(b: V, src: IRType, v: IRAtom): IRAtom {
  switch (src) {
    case 'I1': return v;
    case 'I8': return u(b, 'CmpNEZ8', v);
    case 'I16': return u(b, 'CmpNEZ16', v);
    case 'I32': return u(b, 'CmpNEZ32', v);
    case 'I64': return u(b, 'CmpNEZ64', v);
    case 'I128': return u(b, 'CmpNEZ64', bi(b, 'Or64', u(b, '128HIto64', v), u(b, '128to64', v)));
    case 'V128': return u(b, 'CmpNEZ64', bi(b, 'Or64', u(b, 'V128HIto64', v), u(b, 'V128to64', v)));
    case 'V256': return collapse(b, 'V128', bi(b, 'OrV128', u(b, 'V256toV128_1', v), u(b, 'V256toV128_0', v)));
    default: throw new Error(`memcheck: no PCast from ${src}`);
  }
}

/** memcheck's mkLazyN: PCast every operand to a common width (I64 if all are I64, else
 *  I32), UifU them, PCast to the result. `skip` bit i: operand i does not count. */
export function lazy(b: V, resTy: IRType, vs: readonly IRAtom[], skip = 0): IRAtom {
  const counted = vs.filter((_, i) => (skip & (1 << i)) === 0);
  const merge: IRType = counted.every((v) => b.typeOf(v) === 'I64') ? 'I64' : 'I32';
  let acc = definedOf(merge);
  for (const v of counted) {
    const p = pcast(b, merge, v);
    acc = acc.tag === 'Const' ? p : p.tag === 'Const' ? acc : uifu(b, merge, p, acc);
  }
  return pcast(b, resTy, acc);
}

// ---------------------------------------------------------------- the rules

/** Lane width in bits of a lane-wise op, from its name (Add8x16 → 8, CmpGT32Sx4 → 32,
 *  Add32Fx4 → 32, Add64F0x2 → 64). */
function laneBits(op: string): number | undefined {
  const m = /(\d+)(?:[SU]|F|F0)?x(\d+)$/.exec(op);
  return m ? Number(m[1]) : undefined;
}

/** Lane-wise PCast: each lane all-undefined if any of its bits is. */
function pcastLanes(b: V, ty: IRType, bits: number, v: IRAtom): IRAtom {
  const lanes = TYPE_WIDTH[ty]! / bits;
  if (ty === 'I64' && bits === 64) return pcast(b, 'I64', v);
  if (ty === 'V128' && bits === 128) return pcast(b, 'V128', v);
  return u(b, `CmpNEZ${bits}x${lanes}` as UnaryOp, v);
}
const TYPE_WIDTH: Partial<Record<IRType, number>> = { I64: 64, V128: 128 };

/** Ops whose result bits are copies of operand bits (or constant zeros) in fixed places:
 *  the same op applied to the V bits gives the exact V bits. (CmpNEZ of lanes is here
 *  too: applied to V bits it is the lane-wise PCast, which is its rule.) */
const STRUCTURAL = new Set<IROp>([
  '8Uto16', '8Uto32', '8Uto64', '16Uto32', '16Uto64', '32Uto64',
  '8Sto16', '8Sto32', '8Sto64', '16Sto32', '16Sto64', '32Sto64',
  '64to8', '32to8', '64to16', '16to8', '16HIto8', '8HLto16', '32to16', '32HIto16', '16HLto32',
  '64to32', '64HIto32', '32HLto64', '128to64', '128HIto64', '64HLto128',
  '8to1', '16to1', '32to1', '64to1', '1Uto8', '1Uto16', '1Uto32', '1Uto64',
  '1Sto8', '1Sto16', '1Sto32', '1Sto64',
  '64HLtoV128', 'V128to64', 'V128HIto64', '32UtoV128', '64UtoV128', 'V128to32',
  'SetV128lo64', 'SetV128lo32', 'ZeroHI64ofV128', 'ZeroHI96ofV128', 'ZeroHI112ofV128', 'ZeroHI120ofV128',
  'InterleaveLO8x16', 'InterleaveLO16x8', 'InterleaveLO32x4', 'InterleaveLO64x2',
  'InterleaveHI8x16', 'InterleaveHI16x8', 'InterleaveHI32x4', 'InterleaveHI64x2',
  'InterleaveLO8x8', 'InterleaveLO16x4', 'InterleaveLO32x2', 'InterleaveHI8x8', 'InterleaveHI16x4', 'InterleaveHI32x2',
  'NarrowBin16to8x16', 'NarrowBin32to16x8', 'NarrowBin64to32x4',
  'GetMSBs8x16', 'GetMSBs8x8',
  'V256to64_0', 'V256to64_1', 'V256to64_2', 'V256to64_3', '64x4toV256', 'V256toV128_0', 'V256toV128_1', 'V128HLtoV256',
  'CmpNEZ8x16', 'CmpNEZ16x8', 'CmpNEZ32x4', 'CmpNEZ64x2', 'CmpNEZ8x8', 'CmpNEZ16x4', 'CmpNEZ32x2',
]);

/** Bit reinterpretations between a float and an integer of its width: the V bits (already
 *  an integer, see shadowType) pass through. Not (bitwise) likewise. */
const IDENTITY = new Set<IROp>([
  'ReinterpF64asI64', 'ReinterpI64asF64', 'ReinterpF32asI32', 'ReinterpI32asF32',
  'Not8', 'Not16', 'Not32', 'Not64', 'Not1', 'NotV128', 'NotV256',
]);

/** Saturating narrows: saturation depends on the whole lane, so PCast source lanes, then
 *  narrow the all-or-nothing lanes with the plain narrow. */
const QNARROW: Partial<Record<IROp, { bits: number; plain: BinaryOp }>> = {
  QNarrowBin16Sto8Ux16: { bits: 16, plain: 'NarrowBin16to8x16' },
  QNarrowBin16Sto8Sx16: { bits: 16, plain: 'NarrowBin16to8x16' },
  QNarrowBin32Sto16Sx8: { bits: 32, plain: 'NarrowBin32to16x8' },
  QNarrowBin32Sto16Ux8: { bits: 32, plain: 'NarrowBin32to16x8' },
};

/** Joins two halves into the type twice as wide. */
const HL: Partial<Record<IRType, BinaryOp>> = { I8: '8HLto16', I16: '16HLto32', I32: '32HLto64', I64: '64HLto128' };

/** Lane-wise ops whose result lane i depends on operand lanes i only. */
const LANEWISE = /^(Q?Add|Q?Sub|Mul|MulHi|Avg|Max|Min|CmpEQ|CmpGT|CmpLT|CmpLE|CmpUN|Div|Sqrt|RecipEst|RSqrtEst|I32StoF32|F32toI32S)\d/;

const isShift = (op: string) => /^(Shl|Shr|Sar)(8|16|32|64)$/.test(op) || /^(Shl|Shr|Sar)N\d+x\d+$/.test(op) || /^(Shl|Shr|Sar)V128$/.test(op);

export function unopV(b: V, op: UnaryOp, a: IRExpr, va: IRAtom): IRAtom {
  const res = shadowType(opSignature(op).res);
  if (IDENTITY.has(op)) return va;
  if (STRUCTURAL.has(op)) return b.assign(unop(op, va));
  switch (op) {
    case 'CmpNEZ8': case 'CmpNEZ16': case 'CmpNEZ32': case 'CmpNEZ64':
      return pcast(b, 'I1', va);
    case 'Ctz32': case 'Ctz64': case 'CtzNat32': case 'CtzNat64': {
      // Only the bits up to and including the lowest set bit decide the count:
      // improver = a ^ (a - 1) masks exactly those (memcheck's expensiveCountTrailingZeroes).
      const w = op.endsWith('32') ? 'I32' : 'I64';
      const x = atomOf(b, a);
      const improver = bi(b, `Xor${w.slice(1)}` as BinaryOp, x, bi(b, `Sub${w.slice(1)}` as BinaryOp, x, constant(w, 1)));
      return pcast(b, w, difd(b, w, va, improver));
    }
  }
  const lane = laneBits(op);
  if (lane !== undefined && res === 'V128' && LANEWISE.test(op)) {
    // Float lanes (Sqrt32F0x4, RecipEst32Fx4, ...): per lane; the F0x forms compute lane 0
    // only and copy the rest from the operand.
    if (op.includes('F0x')) return scalarLane0(b, lane, va, va);
    return pcastLanes(b, 'V128', lane, va);
  }
  return lazy(b, res, [va]);
}

/** The F0x (scalar SSE) forms: lane 0 pessimised from `vlane0`, the rest from `vrest`. */
function scalarLane0(b: V, lane: number, vrest: IRAtom, vlane0: IRAtom): IRAtom {
  return lane === 32
    ? bi(b, 'SetV128lo32', vrest, pcast(b, 'I32', u(b, 'V128to32', vlane0)))
    : bi(b, 'SetV128lo64', vrest, pcast(b, 'I64', u(b, 'V128to64', vlane0)));
}

export function binopV(b: V, op: BinaryOp, a1: IRExpr, a2: IRExpr, v1: IRAtom, v2: IRAtom, detail: Detail): IRAtom {
  const sig = opSignature(op);
  const res = shadowType(sig.res);
  const ty = sig.args[0]!;
  if (STRUCTURAL.has(op)) return b.assign(binop(op, v1, v2));

  const m = /^(Add|Sub|Mul|And|Or|Xor|CmpEQ|CmpNE|ExpCmpNE|CasCmpEQ|CasCmpNE|CmpLT|CmpLE)(1|8|16|32|64|V128|V256)([SU]?)$/.exec(op);
  if (m) {
    const [, kind] = m;
    switch (kind) {
      case 'And': case 'Or': return andOr(b, kind, ty, atomOf(b, a1), atomOf(b, a2), v1, v2);
      case 'Xor': return uifu(b, ty, v1, v2);
      case 'Add': case 'Sub':
        if ((ty === 'I32' || ty === 'I64') && (kind === 'Add' ? detail.expensiveAdd : detail.expensiveSub)) {
          return expensiveAddSub(b, kind === 'Add', ty, atomOf(b, a1), atomOf(b, a2), v1, v2);
        }
        return left(b, ty, uifu(b, ty, v1, v2));
      case 'Mul': return left(b, ty, uifu(b, ty, v1, v2));
      case 'CasCmpEQ': case 'CasCmpNE':
        // The comparison after a CAS of the old value with the expected one: memcheck
        // says defined, as the CAS itself is checked (its COMMENT_ON_CasCmpEQ).
        return definedOf('I1');
      case 'ExpCmpNE': return expensiveCmpEQorNE(b, ty, atomOf(b, a1), atomOf(b, a2), v1, v2);
      case 'CmpEQ': case 'CmpNE':
        if (detail.expensiveCmp.has(ty)) return expensiveCmpEQorNE(b, ty, atomOf(b, a1), atomOf(b, a2), v1, v2);
        return pcast(b, 'I1', uifu(b, ty, v1, v2));
      default: return pcast(b, 'I1', uifu(b, ty, v1, v2));
    }
  }
  if (isShift(op)) {
    // Shift the V bits by the real amount (new bits are defined zeros, Sar copies the top
    // V bit); an undefined amount makes the whole result undefined.
    return uifu(b, res, b.assign(binop(op, v1, a2)), pcast(b, res, v2));
  }
  const mull = /^Mull[SU](8|16|32|64)$/.exec(op);
  if (mull) {
    // Low half as for Mul; high half depends on every bit.
    const half = ty;
    const lo = left(b, half, uifu(b, half, v1, v2));
    const hi = pcast(b, half, lo);
    return bi(b, HL[half]!, hi, lo);
  }
  const q = QNARROW[op];
  if (q) return bi(b, q.plain, pcastLanes(b, 'V128', q.bits, v1), pcastLanes(b, 'V128', q.bits, v2));
  if (op === 'Perm8x16' || op === 'PermOrZero8x16' || op === 'Perm8x8') {
    // Lanes move as the (original) selector says; an undefined selector lane spoils its lane.
    const vty = op === 'Perm8x8' ? 'I64' : 'V128';
    return uifu(b, vty, b.assign(binop(op, v1, a2)), pcastLanes(b, vty, 8, v2));
  }
  if (isRoundingLaneOp(op)) return roundingLaneV(b, op, v1, v2);
  const lane = laneBits(op);
  if (lane !== undefined && (res === 'V128' || res === 'I64') && sig.args[0] === sig.res && LANEWISE.test(op)) {
    if (op.includes('F0x')) return scalarLane0(b, lane, v1, uifu(b, 'V128', v1, v2));
    if (op.startsWith('MullEven')) return pcastLanes(b, 'V128', 64, uifu(b, 'V128', v1, v2));
    return pcastLanes(b, res, lane, uifu(b, res, v1, v2));
  }
  return lazy(b, res, [v1, v2]);
}

export function triopV(b: V, op: TernaryOp, args: readonly IRExpr[], vs: readonly IRAtom[]): IRAtom {
  const res = shadowType(opSignature(op).res);
  const lane = laneBits(op);
  if (lane !== undefined && res === 'V128' && LANEWISE.test(op)) {
    // Float lanes with a rounding mode: per lane, plus any undefinedness of the mode.
    return uifu(b, 'V128', pcastLanes(b, 'V128', lane, uifu(b, 'V128', vs[1]!, vs[2]!)), pcast(b, 'V128', vs[0]!));
  }
  if (op === 'SliceV128') {
    return uifu(b, 'V128', b.assign({ tag: 'Triop', op, args: [vs[0]!, vs[1]!, args[2]!] }), pcast(b, 'V128', vs[2]!));
  }
  return lazy(b, res, vs);
}

/** Binary ops with a rounding mode and one vector operand (Sqrt32Fx4, I32StoF32x4, ...)
 *  are binops whose first operand is the I32 mode. */
function isRoundingLaneOp(op: IROp): boolean {
  const sig = opSignature(op);
  return sig.args.length === 2 && sig.args[0] === 'I32' && sig.args[1] === 'V128' && sig.res === 'V128';
}

function roundingLaneV(b: V, op: BinaryOp, vrm: IRAtom, v: IRAtom): IRAtom {
  return uifu(b, 'V128', pcastLanes(b, 'V128', laneBits(op)!, v), pcast(b, 'V128', vrm));
}

/** And/Or: a defined 0 operand bit makes an And result bit defined (0), a defined 1 makes
 *  an Or result bit defined (1), whatever the other operand (memcheck's ImproveAND/OR):
 *  UifU(v1,v2) DifD improve(a1,v1) DifD improve(a2,v2). */
function andOr(b: V, kind: 'And' | 'Or', ty: IRType, a1: IRAtom, a2: IRAtom, v1: IRAtom, v2: IRAtom): IRAtom {
  const improve = (a: IRAtom, v: IRAtom): IRAtom =>
    kind === 'And' ? uifu(b, ty, a, v) : uifu(b, ty, u(b, opFor('Not', ty) as UnaryOp, a), v);
  return difd(b, ty, uifu(b, ty, v1, v2), difd(b, ty, improve(a1, v1), improve(a2, v2)));
}

/** Carry-exact Add/Sub: compute the result with undefined bits all 0 and all 1; bits that
 *  differ (or were undefined in an operand) are undefined (memcheck's expensiveAddSub). */
function expensiveAddSub(b: V, add: boolean, ty: IRType, a: IRAtom, c: IRAtom, va: IRAtom, vc: IRAtom): IRAtom {
  const w = ty.slice(1);
  const op = (name: string) => `${name}${w}` as BinaryOp;
  const aMin = bi(b, op('And'), a, u(b, `Not${w}` as UnaryOp, va));
  const cMin = bi(b, op('And'), c, u(b, `Not${w}` as UnaryOp, vc));
  const aMax = bi(b, op('Or'), a, va);
  const cMax = bi(b, op('Or'), c, vc);
  const spread = add
    ? bi(b, op('Xor'), bi(b, op('Add'), aMin, cMin), bi(b, op('Add'), aMax, cMax))
    : bi(b, op('Xor'), bi(b, op('Sub'), aMin, cMax), bi(b, op('Sub'), aMax, cMin));
  return bi(b, op('Or'), bi(b, op('Or'), va, vc), spread);
}

/** Exact EQ/NE: defined if some bit is defined in both operands and differs (memcheck's
 *  expensiveCmpEQorNE): PCast(naive DifD OCast(naive | ~(a ^ c))). */
function expensiveCmpEQorNE(b: V, ty: IRType, a: IRAtom, c: IRAtom, va: IRAtom, vc: IRAtom): IRAtom {
  const w = ty.slice(1);
  const op = (name: string) => `${name}${w}` as BinaryOp;
  const naive = bi(b, op('Or'), va, vc);
  const vec = bi(b, op('Or'), naive, u(b, `Not${w}` as UnaryOp, bi(b, op('Xor'), a, c)));
  // OCast: all ones if vec is all ones, else all zeros: (vec - (vec >>u 1)) >>s (bits-1).
  const shr = bi(b, op('Shr'), vec, constant('I8', 1));
  const ocast = bi(b, op('Sar'), bi(b, op('Sub'), vec, shr), constant('I8', Number(w) - 1));
  return pcast(b, 'I1', bi(b, op('And'), naive, ocast));
}
