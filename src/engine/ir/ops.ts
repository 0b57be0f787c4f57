// The operation table: every IROp we support, with its argument and result types. The
// type checker, the printer and parser, the constant folder, the interpreter and Memcheck's
// V-bit rules all key on this one table. Names are VEX's (libvex_ir.h), so IR printed here
// reads like `valgrind --trace-flags` output; the few that VEX lacks are marked "ours".
//
// A signature reads `ARG ARG -> RESULT`. Adding an op is adding one entry.
// Floating-point ops that round take the rounding mode first, as an I32 IRRoundingMode
// (0 nearest, 1 -inf, 2 +inf, 3 zero: the x86 encoding). Lane-wise SIMD ops are named
// <op><lane bits>x<lanes>, e.g. Add16x8 is eight 16-bit adds; S/U mark signedness, e.g.
// QAdd8Sx16; F marks float lanes (Add32Fx4); F0x marks the scalar SSE forms that compute
// lane 0 only and copy the other lanes from the first operand (Add64F0x2 is addsd).

import type { IRType } from './types.ts';
import { IR_TYPES } from './types.ts';

// Signatures used by whole families.
const B8 = 'I8 I8 -> I8', B16 = 'I16 I16 -> I16', B32 = 'I32 I32 -> I32', B64 = 'I64 I64 -> I64';
const U8 = 'I8 -> I8', U16 = 'I16 -> I16', U32 = 'I32 -> I32', U64 = 'I64 -> I64';
const SH8 = 'I8 I8 -> I8', SH16 = 'I16 I8 -> I16', SH32 = 'I32 I8 -> I32', SH64 = 'I64 I8 -> I64';
const C8 = 'I8 I8 -> I1', C16 = 'I16 I16 -> I1', C32 = 'I32 I32 -> I1', C64 = 'I64 I64 -> I1';
const FB64 = 'I32 F64 F64 -> F64', FB32 = 'I32 F32 F32 -> F32';
const FU64 = 'I32 F64 -> F64';
const V1 = 'V128 -> V128', V2 = 'V128 V128 -> V128', VSH = 'V128 I8 -> V128';
const VRM1 = 'I32 V128 -> V128', VRM2 = 'I32 V128 V128 -> V128';
const M1 = 'I64 -> I64', M2 = 'I64 I64 -> I64', MSH = 'I64 I8 -> I64'; // 64-bit SIMD (MMX)
const W1 = 'V256 -> V256', W2 = 'V256 V256 -> V256';

export const OP_SIGNATURES = {
  // ---- integer arithmetic and logic
  Add8: B8, Add16: B16, Add32: B32, Add64: B64,
  Sub8: B8, Sub16: B16, Sub32: B32, Sub64: B64,
  Mul8: B8, Mul16: B16, Mul32: B32, Mul64: B64, // low half of the product; signless
  Or8: B8, Or16: B16, Or32: B32, Or64: B64,
  And8: B8, And16: B16, And32: B32, And64: B64,
  Xor8: B8, Xor16: B16, Xor32: B32, Xor64: B64,
  Not8: U8, Not16: U16, Not32: U32, Not64: U64,
  // Shift amounts are I8 and must be below the width (VEX leaves larger ones undefined).
  Shl8: SH8, Shl16: SH16, Shl32: SH32, Shl64: SH64,
  Shr8: SH8, Shr16: SH16, Shr32: SH32, Shr64: SH64,
  Sar8: SH8, Sar16: SH16, Sar32: SH32, Sar64: SH64,
  // Double-width products.
  MullS8: 'I8 I8 -> I16', MullS16: 'I16 I16 -> I32', MullS32: 'I32 I32 -> I64', MullS64: 'I64 I64 -> I128',
  MullU8: 'I8 I8 -> I16', MullU16: 'I16 I16 -> I32', MullU32: 'I32 I32 -> I64', MullU64: 'I64 I64 -> I128',
  // Clz/Ctz are undefined on zero; the Nat forms give the width.
  Clz32: U32, Clz64: U64, Ctz32: U32, Ctz64: U64,
  ClzNat32: U32, ClzNat64: U64, CtzNat32: U32, CtzNat64: U64,
  PopCount32: U32, PopCount64: U64,
  // Division truncates toward zero; a zero divisor or a quotient that does not fit traps
  // (SIGFPE), see OPS_THAT_MAY_TRAP. DivMod results: quotient in the low half, remainder high.
  DivU32: B32, DivS32: B32, DivU64: B64, DivS64: B64,
  DivModU64to32: 'I64 I32 -> I64', DivModS64to32: 'I64 I32 -> I64',
  DivModU128to64: 'I128 I64 -> I128', DivModS128to64: 'I128 I64 -> I128',
  DivModU32to32: 'I32 I32 -> I64', DivModS32to32: 'I32 I32 -> I64',
  DivModU64to64: 'I64 I64 -> I128', DivModS64to64: 'I64 I64 -> I128',

  // ---- integer comparisons
  CmpEQ8: C8, CmpEQ16: C16, CmpEQ32: C32, CmpEQ64: C64,
  CmpNE8: C8, CmpNE16: C16, CmpNE32: C32, CmpNE64: C64,
  // The CAS forms compare an old value with its expected value; Memcheck treats them specially.
  CasCmpEQ8: C8, CasCmpEQ16: C16, CasCmpEQ32: C32, CasCmpEQ64: C64,
  CasCmpNE8: C8, CasCmpNE16: C16, CasCmpNE32: C32, CasCmpNE64: C64,
  // CmpNE with a hint to Memcheck to track definedness exactly.
  ExpCmpNE8: C8, ExpCmpNE16: C16, ExpCmpNE32: C32, ExpCmpNE64: C64,
  CmpLT32S: C32, CmpLT64S: C64, CmpLE32S: C32, CmpLE64S: C64,
  CmpLT32U: C32, CmpLT64U: C64, CmpLE32U: C32, CmpLE64U: C64,
  CmpLT8S: C8, CmpLT16S: C16, CmpLE8S: C8, CmpLE16S: C16, // ours
  CmpLT8U: C8, CmpLT16U: C16, CmpLE8U: C8, CmpLE16U: C16, // ours
  CmpNEZ8: 'I8 -> I1', CmpNEZ16: 'I16 -> I1', CmpNEZ32: 'I32 -> I1', CmpNEZ64: 'I64 -> I1',
  // Memcheck's helpers: CmpwNEZ is 0 for 0 and all ones otherwise; Left is x | -x.
  CmpwNEZ32: U32, CmpwNEZ64: U64,
  Left8: U8, Left16: U16, Left32: U32, Left64: U64,
  Max32U: B32,

  // ---- widening, narrowing, pairing
  '8Uto16': 'I8 -> I16', '8Uto32': 'I8 -> I32', '8Uto64': 'I8 -> I64',
  '16Uto32': 'I16 -> I32', '16Uto64': 'I16 -> I64', '32Uto64': 'I32 -> I64',
  '8Sto16': 'I8 -> I16', '8Sto32': 'I8 -> I32', '8Sto64': 'I8 -> I64',
  '16Sto32': 'I16 -> I32', '16Sto64': 'I16 -> I64', '32Sto64': 'I32 -> I64',
  '64to8': 'I64 -> I8', '32to8': 'I32 -> I8', '64to16': 'I64 -> I16',
  '16to8': 'I16 -> I8', '16HIto8': 'I16 -> I8', '8HLto16': 'I8 I8 -> I16',
  '32to16': 'I32 -> I16', '32HIto16': 'I32 -> I16', '16HLto32': 'I16 I16 -> I32',
  '64to32': 'I64 -> I32', '64HIto32': 'I64 -> I32', '32HLto64': 'I32 I32 -> I64',
  '128to64': 'I128 -> I64', '128HIto64': 'I128 -> I64', '64HLto128': 'I64 I64 -> I128',

  // ---- one-bit values
  Not1: 'I1 -> I1', And1: 'I1 I1 -> I1', Or1: 'I1 I1 -> I1', // And1/Or1 evaluate both args
  '8to1': 'I8 -> I1', '16to1': 'I16 -> I1', // ours
  '32to1': 'I32 -> I1', '64to1': 'I64 -> I1',
  '1Uto8': 'I1 -> I8', '1Uto16': 'I1 -> I16', // 1Uto16 is ours
  '1Uto32': 'I1 -> I32', '1Uto64': 'I1 -> I64',
  '1Sto8': 'I1 -> I8', '1Sto16': 'I1 -> I16', '1Sto32': 'I1 -> I32', '1Sto64': 'I1 -> I64',

  // ---- scalar floating point (x87 values are held as F64 in our guest model)
  AddF64: FB64, SubF64: FB64, MulF64: FB64, DivF64: FB64,
  AddF32: FB32, SubF32: FB32, MulF32: FB32, DivF32: FB32,
  NegF64: 'F64 -> F64', AbsF64: 'F64 -> F64', NegF32: 'F32 -> F32', AbsF32: 'F32 -> F32',
  SqrtF64: FU64, SqrtF32: 'I32 F32 -> F32',
  MinNumF64: 'F64 F64 -> F64', MaxNumF64: 'F64 F64 -> F64',
  MinNumF32: 'F32 F32 -> F32', MaxNumF32: 'F32 F32 -> F32',
  // Comparisons give an IRCmpF64Result: 0x45 unordered, 0x01 LT, 0x00 GT, 0x40 EQ.
  CmpF64: 'F64 F64 -> I32', CmpF32: 'F32 F32 -> I32',
  F64toI16S: 'I32 F64 -> I16', F64toI32S: 'I32 F64 -> I32', F64toI64S: 'I32 F64 -> I64',
  F64toI32U: 'I32 F64 -> I32', F64toI64U: 'I32 F64 -> I64',
  F32toI32S: 'I32 F32 -> I32', F32toI64S: 'I32 F32 -> I64',
  I32StoF64: 'I32 -> F64', I32UtoF64: 'I32 -> F64', // exact, so no rounding mode
  I64StoF64: 'I32 I64 -> F64', I64UtoF64: 'I32 I64 -> F64',
  I32StoF32: 'I32 I32 -> F32', I32UtoF32: 'I32 I32 -> F32',
  I64StoF32: 'I32 I64 -> F32', I64UtoF32: 'I32 I64 -> F32',
  F32toF64: 'F32 -> F64', F64toF32: 'I32 F64 -> F32',
  RoundF64toInt: FU64, RoundF32toInt: 'I32 F32 -> F32', RoundF64toF32: FU64,
  ReinterpF64asI64: 'F64 -> I64', ReinterpI64asF64: 'I64 -> F64',
  ReinterpF32asI32: 'F32 -> I32', ReinterpI32asF32: 'I32 -> F32',
  // x87 transcendental and remainder operations.
  AtanF64: FB64, Yl2xF64: FB64, Yl2xp1F64: FB64, ScaleF64: FB64,
  PRemF64: FB64, PRem1F64: FB64,
  PRemC3210F64: 'I32 F64 F64 -> I32', PRem1C3210F64: 'I32 F64 F64 -> I32',
  SinF64: FU64, CosF64: FU64, TanF64: FU64, '2xm1F64': FU64,

  // ---- 128-bit vectors: moving between V128 and scalars
  '64HLtoV128': 'I64 I64 -> V128', V128to64: 'V128 -> I64', V128HIto64: 'V128 -> I64',
  '32UtoV128': 'I32 -> V128', '64UtoV128': 'I64 -> V128', V128to32: 'V128 -> I32',
  SetV128lo64: 'V128 I64 -> V128', SetV128lo32: 'V128 I32 -> V128',
  ZeroHI64ofV128: V1, ZeroHI96ofV128: V1, ZeroHI112ofV128: V1, ZeroHI120ofV128: V1,
  // Whole-vector bitwise ops and shifts (the shift amount is in bits).
  NotV128: V1, AndV128: V2, OrV128: V2, XorV128: V2,
  ShlV128: VSH, ShrV128: VSH, SarV128: VSH,
  // Integer lanes.
  CmpNEZ8x16: V1, CmpNEZ16x8: V1, CmpNEZ32x4: V1, CmpNEZ64x2: V1,
  Add8x16: V2, Add16x8: V2, Add32x4: V2, Add64x2: V2,
  Sub8x16: V2, Sub16x8: V2, Sub32x4: V2, Sub64x2: V2,
  QAdd8Ux16: V2, QAdd16Ux8: V2, QAdd8Sx16: V2, QAdd16Sx8: V2,
  QSub8Ux16: V2, QSub16Ux8: V2, QSub8Sx16: V2, QSub16Sx8: V2,
  Mul16x8: V2, Mul32x4: V2, MulHi16Ux8: V2, MulHi16Sx8: V2,
  MullEven32Ux4: V2, MullEven32Sx4: V2, // pmuludq / pmuldq: 64-bit products of lanes 0 and 2
  Avg8Ux16: V2, Avg16Ux8: V2,
  Max8Ux16: V2, Max16Ux8: V2, Max32Ux4: V2, Max8Sx16: V2, Max16Sx8: V2, Max32Sx4: V2,
  Min8Ux16: V2, Min16Ux8: V2, Min32Ux4: V2, Min8Sx16: V2, Min16Sx8: V2, Min32Sx4: V2,
  CmpEQ8x16: V2, CmpEQ16x8: V2, CmpEQ32x4: V2, CmpEQ64x2: V2,
  CmpGT8Sx16: V2, CmpGT16Sx8: V2, CmpGT32Sx4: V2, CmpGT64Sx2: V2,
  ShlN8x16: VSH, ShlN16x8: VSH, ShlN32x4: VSH, ShlN64x2: VSH,
  ShrN8x16: VSH, ShrN16x8: VSH, ShrN32x4: VSH, ShrN64x2: VSH,
  SarN8x16: VSH, SarN16x8: VSH, SarN32x4: VSH, SarN64x2: VSH,
  // Interleave lanes of the low or high halves; the left operand supplies the upper lane.
  InterleaveLO8x16: V2, InterleaveLO16x8: V2, InterleaveLO32x4: V2, InterleaveLO64x2: V2,
  InterleaveHI8x16: V2, InterleaveHI16x8: V2, InterleaveHI32x4: V2, InterleaveHI64x2: V2,
  // Narrow two vectors into one (packs), the left operand to the upper half.
  QNarrowBin16Sto8Ux16: V2, QNarrowBin16Sto8Sx16: V2, QNarrowBin32Sto16Sx8: V2, QNarrowBin32Sto16Ux8: V2,
  NarrowBin16to8x16: V2, NarrowBin32to16x8: V2, NarrowBin64to32x4: V2,
  Perm8x16: V2, PermOrZero8x16: V2, // pshufb: lanes of the left operand picked by the right
  SliceV128: 'V128 V128 I8 -> V128', // palignr: 128 bits of left:right shifted right by bytes
  GetMSBs8x16: 'V128 -> I16', // pmovmskb
  // Float lanes: the F0x forms work on lane 0 only (addss, addsd, ...).
  Add32Fx4: VRM2, Sub32Fx4: VRM2, Mul32Fx4: VRM2, Div32Fx4: VRM2,
  Add64Fx2: VRM2, Sub64Fx2: VRM2, Mul64Fx2: VRM2, Div64Fx2: VRM2,
  Max32Fx4: V2, Min32Fx4: V2, Max64Fx2: V2, Min64Fx2: V2,
  CmpEQ32Fx4: V2, CmpLT32Fx4: V2, CmpLE32Fx4: V2, CmpUN32Fx4: V2,
  CmpEQ64Fx2: V2, CmpLT64Fx2: V2, CmpLE64Fx2: V2, CmpUN64Fx2: V2,
  Sqrt32Fx4: VRM1, Sqrt64Fx2: VRM1, RecipEst32Fx4: V1, RSqrtEst32Fx4: V1,
  I32StoF32x4: VRM1, F32toI32Sx4: VRM1,
  Add32F0x4: V2, Sub32F0x4: V2, Mul32F0x4: V2, Div32F0x4: V2, Max32F0x4: V2, Min32F0x4: V2,
  CmpEQ32F0x4: V2, CmpLT32F0x4: V2, CmpLE32F0x4: V2, CmpUN32F0x4: V2,
  Sqrt32F0x4: V1, RecipEst32F0x4: V1, RSqrtEst32F0x4: V1,
  Add64F0x2: V2, Sub64F0x2: V2, Mul64F0x2: V2, Div64F0x2: V2, Max64F0x2: V2, Min64F0x2: V2,
  CmpEQ64F0x2: V2, CmpLT64F0x2: V2, CmpLE64F0x2: V2, CmpUN64F0x2: V2,
  Sqrt64F0x2: V1,

  // ---- 64-bit vectors in an I64 (MMX)
  Add8x8: M2, Add16x4: M2, Add32x2: M2, Sub8x8: M2, Sub16x4: M2, Sub32x2: M2,
  QAdd8Ux8: M2, QAdd16Ux4: M2, QAdd8Sx8: M2, QAdd16Sx4: M2,
  QSub8Ux8: M2, QSub16Ux4: M2, QSub8Sx8: M2, QSub16Sx4: M2,
  Mul16x4: M2, MulHi16Ux4: M2, MulHi16Sx4: M2, Avg8Ux8: M2, Avg16Ux4: M2,
  Max8Ux8: M2, Max16Sx4: M2, Min8Ux8: M2, Min16Sx4: M2,
  CmpEQ8x8: M2, CmpEQ16x4: M2, CmpEQ32x2: M2, CmpGT8Sx8: M2, CmpGT16Sx4: M2, CmpGT32Sx2: M2,
  CmpNEZ8x8: M1, CmpNEZ16x4: M1, CmpNEZ32x2: M1,
  ShlN16x4: MSH, ShlN32x2: MSH, ShrN16x4: MSH, ShrN32x2: MSH, SarN16x4: MSH, SarN32x2: MSH,
  InterleaveLO8x8: M2, InterleaveLO16x4: M2, InterleaveLO32x2: M2,
  InterleaveHI8x8: M2, InterleaveHI16x4: M2, InterleaveHI32x2: M2,
  QNarrowBin16Sto8Ux8: M2, QNarrowBin16Sto8Sx8: M2, QNarrowBin32Sto16Sx4: M2,
  Perm8x8: M2, GetMSBs8x8: 'I64 -> I8',

  // ---- 256-bit vectors: only moving and bitwise ops (the guest CPU has no AVX)
  V256to64_0: 'V256 -> I64', V256to64_1: 'V256 -> I64', V256to64_2: 'V256 -> I64', V256to64_3: 'V256 -> I64',
  '64x4toV256': 'I64 I64 I64 I64 -> V256', // most significant lane first
  V256toV128_0: 'V256 -> V128', V256toV128_1: 'V256 -> V128', V128HLtoV256: 'V128 V128 -> V256',
  NotV256: W1, AndV256: W2, OrV256: W2, XorV256: W2,
} as const;

export type IROp = keyof typeof OP_SIGNATURES;

export interface OpSignature {
  args: readonly IRType[];
  res: IRType;
}

// Type-level arity, read off the signature strings, so that `binop('Not64', a, b)` is a
// compile-time error in the lifter.
type Words<S extends string> = S extends `${infer H} ${infer T}` ? [H, ...Words<T>] : [S];
type Arity<S extends string> = S extends `${infer A} -> ${string}` ? Words<A>['length'] : never;
type OpsOfArity<N extends number> = { [K in IROp]: Arity<(typeof OP_SIGNATURES)[K]> extends N ? K : never }[IROp];
export type UnaryOp = OpsOfArity<1>;
export type BinaryOp = OpsOfArity<2>;
export type TernaryOp = OpsOfArity<3>;
export type QuaternaryOp = OpsOfArity<4>;

const SIGNATURES: ReadonlyMap<string, OpSignature> = new Map(
  Object.entries(OP_SIGNATURES).map(([op, text]) => [op, parseSignature(op, text)]),
);

function parseSignature(op: string, text: string): OpSignature {
  const m = /^(\S+(?: \S+)*) -> (\S+)$/.exec(text);
  const types = m ? [...m[1]!.split(' '), m[2]!] : [];
  const bad = types.find((t) => !IR_TYPES.includes(t as IRType));
  if (!m || bad !== undefined) throw new Error(`ops.ts: bad signature for ${op}: '${text}'`);
  return { args: types.slice(0, -1) as IRType[], res: types[types.length - 1] as IRType };
}

export const ALL_OPS: readonly IROp[] = Object.keys(OP_SIGNATURES) as IROp[];

export function isIROp(name: string): name is IROp {
  return SIGNATURES.has(name);
}

export function opSignature(op: IROp): OpSignature {
  return SIGNATURES.get(op)!;
}

/** Ops that can raise SIGFPE at run time (a zero divisor, or a quotient too wide for its
 *  half), as the host's divide instruction does under VEX. Passes never delete or
 *  speculate them, and the folder leaves a trapping case for run time. */
const OPS_THAT_MAY_TRAP: ReadonlySet<IROp> = new Set<IROp>([
  'DivU32', 'DivS32', 'DivU64', 'DivS64',
  'DivModU64to32', 'DivModS64to32', 'DivModU128to64', 'DivModS128to64',
  'DivModU32to32', 'DivModS32to32', 'DivModU64to64', 'DivModS64to64',
]);

export function opMayTrap(op: IROp): boolean {
  return OPS_THAT_MAY_TRAP.has(op);
}
