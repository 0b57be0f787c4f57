// SSE/SSE2 floating point: scalar and packed arithmetic, sqrt, min/max, the predicate
// compares (cmpXXss/sd/ps/pd), ucomis/comis into rflags, and the conversions. Rounding
// follows MXCSR.RC (guest SSEROUND); the truncating conversions round toward zero.
import { binop, c32, c64, ite, triop, unop } from '../../../ir/builder.ts';
import type { BinaryOp, TernaryOp } from '../../../ir/ops.ts';
import type { IRExpr, RdTmp } from '../../../ir/types.ts';
import { type Handler, type InsnLifter, Unlifted, irOp } from './context.ts';
import {
  atom, binary, getLane, immValue, isVex, isXmm, join32, join64, mergeLane0, notEvex, putX, readScalar, readX,
  sources, split32, split64, sseRound, xmmReg,
} from './sse-common.ts';

type Fp = 'F32' | 'F64';

// IRCmpF64Result values, which are also the ZF PF CF bits ucomisd sets.
const CMP_UN = 0x45, CMP_LT = 0x01, CMP_GT = 0x00, CMP_EQ = 0x40;

const ROUND_TO_ZERO = 3;

const cmpOp = (ty: Fp): BinaryOp => (ty === 'F64' ? 'CmpF64' : 'CmpF32');

/** Scalar ops: lane 0 of dst = f(lane 0 of the first source, the second source); the other
 *  lanes come from the first source. */
function scalar(ty: Fp, f: (l: InsnLifter, a: RdTmp, b: RdTmp) => IRExpr): Handler {
  return (l) => {
    const { dst, first, rest, vex } = sources(l);
    const b = readScalar(l, rest[0]!, ty);
    const a = getLane(l, first, ty);
    mergeLane0(l, dst, first, l.assign(f(l, a, b)), vex);
  };
}

const arith = (ty: Fp, name: TernaryOp) => scalar(ty, (l, a, b) => triop(name, sseRound(l), a, b));
const sqrt = (ty: Fp) => scalar(ty, (l, _, b) => binop(ty === 'F64' ? 'SqrtF64' : 'SqrtF32', sseRound(l), b));

/** minsd/maxsd: the first operand if it is strictly below (above) the second, otherwise the
 *  second, so a NaN in either or two equal zeros give the second operand. */
function minMaxLane(l: InsnLifter, ty: Fp, max: boolean, a: IRExpr, b: IRExpr): IRExpr {
  const c = l.assign(binop(cmpOp(ty), a, b));
  return ite(binop('CmpEQ32', c, c32(max ? CMP_GT : CMP_LT)), a, b);
}

const minMax = (ty: Fp, max: boolean) => scalar(ty, (l, a, b) => minMaxLane(l, ty, max, a, b));

/** The packed form lane by lane, comparing floats but selecting their bits. */
function packedMinMax(ty: Fp, max: boolean): Handler {
  const asFloat = ty === 'F64' ? 'ReinterpI64asF64' : 'ReinterpI32asF32';
  return binary((l, a, b) => {
    const split = (v: IRExpr) => (ty === 'F64' ? split64(l, v) : split32(l, v));
    const [as, bs] = [split(a), split(b)];
    const lanes = as.map((x, i) => {
      const y = bs[i]!;
      const c = l.assign(binop(cmpOp(ty), unop(asFloat, x), unop(asFloat, y)));
      return l.assign(ite(binop('CmpEQ32', c, c32(max ? CMP_GT : CMP_LT)), x, y));
    });
    return ty === 'F64' ? join64(l, lanes[0]!, lanes[1]!) : join32(l, lanes);
  });
}

const packed = (name: TernaryOp) => binary((l, a, b) => triop(name, sseRound(l), a, b));

function packedSqrt(name: 'Sqrt32Fx4' | 'Sqrt64Fx2'): Handler {
  return (l) => {
    const vex = isVex(l);
    putX(l, xmmReg(l.op(0)), l.assign(binop(name, sseRound(l), readX(l, l.op(1), !vex))), vex);
  };
}

// ---------------------------------------------------------------- compares

/** The compare predicate of cmpXXss/sd/ps/pd: imm8[2:0] (legacy) names EQ LT LE UNORD and
 *  their negations NEQ NLT NLE ORD; VEX's extra predicates (imm8 >= 8) are not lifted. */
function predicate(l: InsnLifter): { base: 'EQ' | 'LT' | 'LE' | 'UN'; negate: boolean } {
  const imm = immValue(l.ins.operands.at(-1));
  if (isVex(l) && imm >= 8) throw new Unlifted('VEX compare predicate');
  const p = imm & 7;
  return { base: (['EQ', 'LT', 'LE', 'UN'] as const)[p & 3], negate: p >= 4 };
}

function cmpScalar(ty: Fp): Handler {
  return (l) => {
    const { base, negate } = predicate(l);
    scalar(ty, (l, a, b) => {
      const c = l.assign(binop(cmpOp(ty), a, b));
      const is = (r: number) => binop('CmpEQ32', c, c32(r));
      const hold = base === 'EQ' ? is(CMP_EQ) : base === 'LT' ? is(CMP_LT) : base === 'UN' ? is(CMP_UN)
        : binop('Or1', is(CMP_LT), is(CMP_EQ));
      const t = l.assign(negate ? unop('Not1', hold) : hold);
      return unop(ty === 'F64' ? '1Sto64' : '1Sto32', t);
    })(l);
  };
}

function cmpPacked(lanes: '32Fx4' | '64Fx2'): Handler {
  return (l) => {
    const { base, negate } = predicate(l);
    binary((_, a, b) => {
      const r = binop(irOp<BinaryOp>(`Cmp${base}${lanes}`), a, b);
      return negate ? unop('NotV128', r) : r;
    })(l);
  };
}

/** ucomis/comis: ZF PF CF from the unordered compare, O S A cleared. (They differ only
 *  in which NaNs raise the invalid exception, which is masked.) */
function ucomi(ty: Fp): Handler {
  return (l) => {
    notEvex(l);
    const a = getLane(l, xmmReg(l.op(0)), ty);
    const b = readScalar(l, l.op(1), ty);
    const c = l.assign(binop(cmpOp(ty), a, b));
    l.setFlagsCopy(l.assign(binop('And64', unop('32Uto64', c), c64(CMP_UN))));
  };
}

// ---------------------------------------------------------------- conversions

/** cvtsi2sd/cvtsi2ss from a 32- or 64-bit integer (int32 to double is always exact). */
function fromInt(ty: Fp): Handler {
  return (l) => {
    const { dst, first, rest, vex } = sources(l);
    const src = rest[0]!;
    const size = src.kind === 'reg' ? src.reg.size : src.kind === 'mem' ? src.size : 0;
    if (size !== 4 && size !== 8) throw new Unlifted('cvtsi2sd source');
    const x = l.read(src, size);
    const v = ty === 'F64'
      ? (size === 4 ? unop('I32StoF64', x) : binop('I64StoF64', sseRound(l), x))
      : binop(size === 4 ? 'I32StoF32' : 'I64StoF32', sseRound(l), x);
    mergeLane0(l, dst, first, l.assign(v), vex);
  };
}

/** cvt(t)sd2si/cvt(t)ss2si: NaN and out-of-range values give the "integer indefinite"
 *  0x80000000 (0x8000000000000000), which is what the F..toI..S ops produce. */
function toInt(ty: Fp, truncate: boolean): Handler {
  return (l) => {
    notEvex(l);
    const dst = l.op(0);
    if (dst.kind !== 'reg' || dst.reg.cls !== 'gpr') throw new Unlifted('cvtsd2si destination');
    const x = readScalar(l, l.op(1), ty);
    const rm = truncate ? c32(ROUND_TO_ZERO) : sseRound(l);
    const name: BinaryOp = ty === 'F64' ? (dst.reg.size === 8 ? 'F64toI64S' : 'F64toI32S')
      : (dst.reg.size === 8 ? 'F32toI64S' : 'F32toI32S');
    l.putReg(dst.reg, l.assign(binop(name, rm, x)));
  };
}

const cvtsd2ss = scalar('F64', (l, _, b) => binop('F64toF32', sseRound(l), b));
const cvtss2sd = scalar('F32', (_l, _a, b) => unop('F32toF64', b));

/** The low 64 bits of xmm/m64: the source of cvtdq2pd and cvtps2pd. */
function low64(l: InsnLifter): IRExpr {
  const src = l.op(1);
  return isXmm(src) ? getLane(l, xmmReg(src), 'I64') : l.read(src, 8);
}

/** Packed conversions from xmm/m64 or xmm/m128 to a whole xmm register. */
function convert(f: (l: InsnLifter) => IRExpr): Handler {
  return (l) => {
    const vex = isVex(l);
    const dst = xmmReg(l.op(0));
    putX(l, dst, atom(l, f(l)), vex);
  };
}

const m128 = (l: InsnLifter) => readX(l, l.op(1), !isVex(l));

const cvtdq2pd = convert((l) => {
  const v = low64(l);
  const lane = (half: '64to32' | '64HIto32') => unop('ReinterpF64asI64', unop('I32StoF64', unop(half, v)));
  return join64(l, l.assign(lane('64to32')), l.assign(lane('64HIto32')));
});

const cvtps2pd = convert((l) => {
  const v = low64(l);
  const lane = (half: '64to32' | '64HIto32') =>
    unop('ReinterpF64asI64', unop('F32toF64', unop('ReinterpI32asF32', unop(half, v))));
  return join64(l, l.assign(lane('64to32')), l.assign(lane('64HIto32')));
});

const cvtdq2ps = convert((l) => binop('I32StoF32x4', sseRound(l), m128(l)));

function cvtps2dq(truncate: boolean): Handler {
  return convert((l) => {
    const rm = truncate ? c32(ROUND_TO_ZERO) : sseRound(l);
    const lanes = split32(l, m128(l)).map((x) => l.assign(binop('F32toI32S', rm, unop('ReinterpI32asF32', x))));
    return join32(l, lanes);
  });
}

/** cvtpd2ps/cvtpd2dq/cvttpd2dq: two results in lanes 0-1, lanes 2-3 zeroed. */
function fromPd(to: 'F32' | 'I32', truncate = false): Handler {
  return convert((l) => {
    const rm = truncate ? c32(ROUND_TO_ZERO) : sseRound(l);
    const lanes = split64(l, m128(l)).map((x) => {
      const d = unop('ReinterpI64asF64', x);
      return l.assign(to === 'F32' ? unop('ReinterpF32asI32', binop('F64toF32', rm, d)) : binop('F64toI32S', rm, d));
    });
    return join32(l, [...lanes, c32(0), c32(0)]);
  });
}

export const SSE_FP: Record<string, Handler> = {
  vaddsd: arith('F64', 'AddF64'), vsubsd: arith('F64', 'SubF64'), vmulsd: arith('F64', 'MulF64'),
  vdivsd: arith('F64', 'DivF64'),
  vaddss: arith('F32', 'AddF32'), vsubss: arith('F32', 'SubF32'), vmulss: arith('F32', 'MulF32'),
  vdivss: arith('F32', 'DivF32'),
  vsqrtsd: sqrt('F64'), vsqrtss: sqrt('F32'),
  vminsd: minMax('F64', false), vmaxsd: minMax('F64', true), vminss: minMax('F32', false), vmaxss: minMax('F32', true),
  vaddpd: packed('Add64Fx2'), vsubpd: packed('Sub64Fx2'), vmulpd: packed('Mul64Fx2'), vdivpd: packed('Div64Fx2'),
  vaddps: packed('Add32Fx4'), vsubps: packed('Sub32Fx4'), vmulps: packed('Mul32Fx4'), vdivps: packed('Div32Fx4'),
  vsqrtpd: packedSqrt('Sqrt64Fx2'), vsqrtps: packedSqrt('Sqrt32Fx4'),
  vminpd: packedMinMax('F64', false), vmaxpd: packedMinMax('F64', true),
  vminps: packedMinMax('F32', false), vmaxps: packedMinMax('F32', true),
  'vcmp%Csd': cmpScalar('F64'), 'vcmp%Css': cmpScalar('F32'),
  'vcmp%Cpd': cmpPacked('64Fx2'), 'vcmp%Cps': cmpPacked('32Fx4'),
  vucomisd: ucomi('F64'), vcomisd: ucomi('F64'), vucomiss: ucomi('F32'), vcomiss: ucomi('F32'),
  vcvtsi2sd: fromInt('F64'), vcvtsi2ss: fromInt('F32'),
  vcvttsd2si: toInt('F64', true), vcvtsd2si: toInt('F64', false),
  vcvttss2si: toInt('F32', true), vcvtss2si: toInt('F32', false),
  vcvtsd2ss: cvtsd2ss, vcvtss2sd: cvtss2sd,
  vcvtdq2pd: cvtdq2pd, vcvtps2pd: cvtps2pd, vcvtdq2ps: cvtdq2ps,
  vcvtps2dq: cvtps2dq(false), vcvttps2dq: cvtps2dq(true),
  cvtpd2ps: fromPd('F32'), vcvtpd2ps: fromPd('F32'),
  cvtpd2dq: fromPd('I32'), vcvtpd2dq: fromPd('I32'),
  cvttpd2dq: fromPd('I32', true), vcvttpd2dq: fromPd('I32', true),
};
