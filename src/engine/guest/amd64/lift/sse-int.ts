// SSE/SSE2 lane-wise integer and bitwise operations: logic (pand ... xorps), add/sub with
// and without saturation, compares, min/max, averages, multiplies, psadbw, unpacks and
// packs, the shuffles (pshufd/pshuflw/pshufhw/shufps/shufpd) and the shifts.
import { binop, c64, c8, ite, unop, v128 } from '../../../ir/builder.ts';
import type { BinaryOp } from '../../../ir/ops.ts';
import type { IRExpr } from '../../../ir/types.ts';
import { type Handler, type InsnLifter } from './context.ts';
import {
  atom, binary, getX, immValue, isVex, join16, join32, join64, putX, readX, sources, split16, split32, split64, xmmReg,
} from './sse-common.ts';

const op = (name: BinaryOp): Handler => binary((_, a, b) => binop(name, a, b));
/** Interleaves and packs: the IR op's left operand supplies the upper lanes, which on
 *  x86 come from the second source. */
const opSwapped = (name: BinaryOp): Handler => binary((_, a, b) => binop(name, b, a));
const andNot: Handler = binary((_, a, b) => binop('AndV128', unop('NotV128', a), b));

/** pmaddwd: each 32-bit lane is the sum of its two signed 16x16 products. */
const pmaddwd: Handler = binary((l, a, b) => {
  const [as, bs] = [split32(l, a), split32(l, b)];
  const sums = as.map((x, i) => {
    const y = bs[i]!;
    const lo = binop('MullS16', unop('32to16', x), unop('32to16', y));
    const hi = binop('MullS16', unop('32HIto16', x), unop('32HIto16', y));
    return l.assign(binop('Add32', lo, hi));
  });
  return join32(l, sums);
});

/** psadbw: per 64-bit half, the sum of the eight absolute byte differences, in its low word. */
const psadbw: Handler = binary((l, a, b) => {
  const diff = l.assign(binop('Sub8x16', binop('Max8Ux16', a, b), binop('Min8Ux16', a, b)));
  const fold = (x: IRExpr, shift: number, mask: bigint) =>
    l.assign(binop('Add64', binop('And64', x, c64(mask)), binop('And64', binop('Shr64', x, c8(shift)), c64(mask))));
  const sum = (x: IRExpr) => fold(fold(fold(x, 8, 0x00ff00ff00ff00ffn), 16, 0x0000ffff0000ffffn), 32, 0xffffffffn);
  const [lo, hi] = split64(l, diff);
  return join64(l, sum(lo), sum(hi));
});

// ---------------------------------------------------------------- shuffles

/** Operands of the shuffles with an imm8: legacy `op imm, xmm/m128, xmm`, VEX with H. */
function shuffle(f: (l: InsnLifter, a: IRExpr, b: IRExpr, imm: number) => IRExpr, twoSources: boolean): Handler {
  return (l) => {
    const vex = isVex(l);
    const ops = l.ins.operands;
    const dst = xmmReg(ops[0]);
    // pshufd and friends have no H operand even in VEX: their only source is ops[1].
    const { first, rest } = twoSources ? sources(l) : { first: dst, rest: ops.slice(1) };
    const b = readX(l, rest[0]!, !vex);
    const a = twoSources ? getX(l, first) : b;
    putX(l, dst, atom(l, f(l, a, b, immValue(rest[1]))), vex);
  };
}

const pick = (imm: number, i: number, bits: number) => (imm >> (i * bits)) & ((1 << bits) - 1);

const pshufd = shuffle((l, _, b, imm) => {
  const s = split32(l, b);
  return join32(l, [0, 1, 2, 3].map((i) => s[pick(imm, i, 2)]!));
}, false);

function pshufw(half: 0 | 1): Handler {
  return shuffle((l, _, b, imm) => {
    const halves = split64(l, b);
    const words = split16(l, halves[half]);
    halves[half] = join16(l, [0, 1, 2, 3].map((i) => words[pick(imm, i, 2)]!));
    return join64(l, halves[0], halves[1]);
  }, false);
}

/** shufps: lanes 0-1 from the first source, lanes 2-3 from the second. */
const shufps = shuffle((l, a, b, imm) => {
  const [sa, sb] = [split32(l, a), split32(l, b)];
  return join32(l, [sa[pick(imm, 0, 2)]!, sa[pick(imm, 1, 2)]!, sb[pick(imm, 2, 2)]!, sb[pick(imm, 3, 2)]!]);
}, true);

const shufpd = shuffle((l, a, b, imm) => join64(l, split64(l, a)[imm & 1]!, split64(l, b)[(imm >> 1) & 1]!), true);

// ---------------------------------------------------------------- shifts

type ShiftKind = 'shl' | 'shr' | 'sar';

/** Shift by imm8: legacy `op imm, xmm`, VEX `op imm, xmm, xmm`. Counts of the lane width
 *  or more give zero (an arithmetic shift: copies of the sign bit). */
function shiftImm(name: BinaryOp, laneBits: number, kind: ShiftKind): Handler {
  return (l) => {
    const vex = isVex(l);
    const ops = l.ins.operands;
    const dst = xmmReg(ops[0]);
    const v = getX(l, xmmReg(ops[vex ? 1 : 0]));
    const n = immValue(ops[vex ? 2 : 1]);
    const r = n < laneBits ? binop(name, v, c8(n)) : kind === 'sar' ? binop(name, v, c8(laneBits - 1)) : v128(0);
    putX(l, dst, atom(l, r), vex);
  };
}

/** Shift by the unsigned 64-bit count in the low quadword of xmm/m128. */
function shiftXmm(name: BinaryOp, laneBits: number, kind: ShiftKind): Handler {
  return binary((l, a, b) => {
    const count = l.assign(unop('V128to64', b));
    const inRange = l.assign(binop('CmpLT64U', count, c64(laneBits)));
    const shifted = binop(name, a, unop('64to8', count));
    return ite(inRange, shifted, kind === 'sar' ? binop(name, a, c8(laneBits - 1)) : v128(0));
  });
}

/** pslldq/psrldq: whole-register shifts by imm8 bytes. */
function shiftBytes(name: 'ShlV128' | 'ShrV128'): Handler {
  return (l) => {
    const vex = isVex(l);
    const ops = l.ins.operands;
    const dst = xmmReg(ops[0]);
    const v = getX(l, xmmReg(ops[vex ? 1 : 0]));
    const n = immValue(ops[vex ? 2 : 1]);
    putX(l, dst, atom(l, n < 16 ? binop(name, v, c8(n * 8)) : v128(0)), vex);
  };
}

const SHIFTS: [string, BinaryOp, number, ShiftKind][] = [
  ['vpsllw', 'ShlN16x8', 16, 'shl'], ['vpslld', 'ShlN32x4', 32, 'shl'], ['vpsllq', 'ShlN64x2', 64, 'shl'],
  ['vpsrlw', 'ShrN16x8', 16, 'shr'], ['vpsrld', 'ShrN32x4', 32, 'shr'], ['vpsrlq', 'ShrN64x2', 64, 'shr'],
  ['vpsraw', 'SarN16x8', 16, 'sar'], ['vpsrad', 'SarN32x4', 32, 'sar'],
];

/** psllw etc. share a mnemonic between the imm8 form and the xmm-count form. */
const shifts: Record<string, Handler> = Object.fromEntries(SHIFTS.map(([mnem, name, bits, kind]) => {
  const byImm = shiftImm(name, bits, kind);
  const byXmm = shiftXmm(name, bits, kind);
  return [mnem, (l: InsnLifter) => (l.ins.operands.at(-1)?.kind === 'imm' ? byImm(l) : byXmm(l))];
}));

export const SSE_INT: Record<string, Handler> = {
  vpxor: op('XorV128'), vpor: op('OrV128'), vpand: op('AndV128'), vpandn: andNot,
  vxorps: op('XorV128'), vxorpd: op('XorV128'), vorps: op('OrV128'), vorpd: op('OrV128'),
  vandps: op('AndV128'), vandpd: op('AndV128'), vandnps: andNot, vandnpd: andNot,
  vpaddb: op('Add8x16'), vpaddw: op('Add16x8'), vpaddd: op('Add32x4'), vpaddq: op('Add64x2'),
  vpsubb: op('Sub8x16'), vpsubw: op('Sub16x8'), vpsubd: op('Sub32x4'), vpsubq: op('Sub64x2'),
  vpaddusb: op('QAdd8Ux16'), vpaddusw: op('QAdd16Ux8'), vpaddsb: op('QAdd8Sx16'), vpaddsw: op('QAdd16Sx8'),
  vpsubusb: op('QSub8Ux16'), vpsubusw: op('QSub16Ux8'), vpsubsb: op('QSub8Sx16'), vpsubsw: op('QSub16Sx8'),
  vpcmpeqb: op('CmpEQ8x16'), vpcmpeqw: op('CmpEQ16x8'), vpcmpeqd: op('CmpEQ32x4'),
  vpcmpgtb: op('CmpGT8Sx16'), vpcmpgtw: op('CmpGT16Sx8'), vpcmpgtd: op('CmpGT32Sx4'),
  vpminub: op('Min8Ux16'), vpmaxub: op('Max8Ux16'), vpminsw: op('Min16Sx8'), vpmaxsw: op('Max16Sx8'),
  vpavgb: op('Avg8Ux16'), vpavgw: op('Avg16Ux8'),
  vpmullw: op('Mul16x8'), vpmulhw: op('MulHi16Sx8'), vpmulhuw: op('MulHi16Ux8'), vpmuludq: op('MullEven32Ux4'),
  vpmaddwd: pmaddwd, vpsadbw: psadbw,
  vpunpcklbw: opSwapped('InterleaveLO8x16'), vpunpcklwd: opSwapped('InterleaveLO16x8'),
  vpunpckldq: opSwapped('InterleaveLO32x4'), vpunpcklqdq: opSwapped('InterleaveLO64x2'),
  vpunpckhbw: opSwapped('InterleaveHI8x16'), vpunpckhwd: opSwapped('InterleaveHI16x8'),
  vpunpckhdq: opSwapped('InterleaveHI32x4'), vpunpckhqdq: opSwapped('InterleaveHI64x2'),
  vunpcklps: opSwapped('InterleaveLO32x4'), vunpcklpd: opSwapped('InterleaveLO64x2'),
  vunpckhps: opSwapped('InterleaveHI32x4'), vunpckhpd: opSwapped('InterleaveHI64x2'),
  vpacksswb: opSwapped('QNarrowBin16Sto8Sx16'), vpackuswb: opSwapped('QNarrowBin16Sto8Ux16'),
  vpackssdw: opSwapped('QNarrowBin32Sto16Sx8'),
  vpshufd: pshufd, vpshuflw: pshufw(0), vpshufhw: pshufw(1), vshufps: shufps, vshufpd: shufpd,
  ...shifts,
  vpslldq: shiftBytes('ShlV128'), vpsrldq: shiftBytes('ShrV128'),
};
