// SSE/SSE2 data movement: movd/movq, the full-register moves (movdqa/u, movaps/ups,
// movapd/upd, movnt*), the scalar moves (movss/movsd), the half-register moves
// (movlps/movhps/movlpd/movhpd/movhlps/movlhps), the sign-mask extractions, pinsrw/pextrw,
// MXCSR (ldmxcsr/stmxcsr) and emms.
import { binop, c32, c64, c8, load, unop } from '../../../ir/builder.ts';
import type { IRExpr, IRType, RdTmp } from '../../../ir/types.ts';
import type { Reg } from '../registers.ts';
import { OFFSET_FPTAG, OFFSET_FTOP, OFFSET_SSEROUND } from '../state.ts';
import { type Handler, type InsnLifter, Unlifted } from './context.ts';
import {
  getLane, getX, isVex, isXmm, immValue, join64, legacyOnly, mergeLane0, notEvex, putLane, putX, readX, sources, split32,
  split64, storeX, xmmReg,
} from './sse-common.ts';

/** movd/movq between xmm and a GPR, memory or (movq) another xmm: a write to an xmm
 *  register zeroes everything above the moved value (F3 0F 7E and 66 0F D6 included). */
function movInt(size: 4 | 8): Handler {
  const ty: IRType = size === 4 ? 'I32' : 'I64';
  return (l) => {
    const dst = l.op(0);
    const src = l.op(1);
    if (isXmm(dst)) {
      const v = isXmm(src) ? getLane(l, xmmReg(src), ty) : l.read(src, size);
      putX(l, xmmReg(dst), l.assign(unop(size === 4 ? '32UtoV128' : '64UtoV128', v)));
    } else {
      notEvex(l);
      l.write(dst, getLane(l, xmmReg(src), ty));
    }
  };
}

/** The whole-register moves; `aligned` forms fault on a memory operand that is not
 *  16-byte aligned, in the VEX encoding too. */
function movFull(aligned: boolean): Handler {
  return (l) => {
    const dst = l.op(0);
    const src = l.op(1);
    if (dst.kind === 'mem') {
      notEvex(l);
      storeX(l, dst, getX(l, xmmReg(src)), aligned);
    } else {
      putX(l, xmmReg(dst), readX(l, src, aligned));
    }
  };
}

const movnti: Handler = (l) => {
  const dst = l.op(0);
  if (dst.kind !== 'mem') throw new Unlifted('movnti destination');
  l.write(dst, l.read(l.op(1), dst.size));
};

/** movss/movsd: a load zeroes the upper lanes, a register move replaces lane 0 only
 *  (VEX's register form takes the upper lanes from its second operand). */
function movScalar(size: 4 | 8): Handler {
  const ty: IRType = size === 4 ? 'I32' : 'I64';
  return (l) => {
    const ops = l.ins.operands;
    if (ops.length === 3) {
      const v = getLane(l, xmmReg(ops[2]), ty);
      mergeLane0(l, xmmReg(ops[0]), xmmReg(ops[1]), v, isVex(l));
      return;
    }
    const [dst, src] = [l.op(0), l.op(1)];
    if (dst.kind === 'mem') {
      notEvex(l);
      l.b.store(l.ea(dst), getLane(l, xmmReg(src), ty));
    } else if (src.kind === 'mem') {
      putX(l, xmmReg(dst), l.assign(unop(size === 4 ? '32UtoV128' : '64UtoV128', l.read(src, size))));
    } else {
      legacyOnly(l);
      putLane(l, xmmReg(dst), ty, 0, getLane(l, xmmReg(src), ty));
    }
  };
}

/** Replace one or both 64-bit halves of `base` into dst (legacy: base is dst, and only
 *  the replaced halves are written). */
function setHalves(l: InsnLifter, dst: Reg, base: Reg, vex: boolean, lo?: IRExpr, hi?: IRExpr): void {
  if (!vex) {
    if (lo) putLane(l, dst, 'I64', 0, lo);
    if (hi) putLane(l, dst, 'I64', 1, hi);
    return;
  }
  putX(l, dst, join64(l, lo ?? getLane(l, base, 'I64', 0), hi ?? getLane(l, base, 'I64', 1)), true);
}

/** movlps/movlpd/movhps/movhpd: an m64 into one half, or one half out to m64. */
function movHalf(half: 0 | 1): Handler {
  return (l) => {
    if (l.op(0).kind === 'mem') {
      notEvex(l);
      l.write(l.op(0), getLane(l, xmmReg(l.op(1)), 'I64', half));
      return;
    }
    const { dst, first, rest, vex } = sources(l);
    const src = rest[0];
    if (src?.kind !== 'mem') throw new Unlifted('movlps/movhps source');
    const v = l.read(src, 8);
    setHalves(l, dst, first, vex, half === 0 ? v : undefined, half === 1 ? v : undefined);
  };
}

/** movhlps: the source's high half into the low half; movlhps: its low half into the high. */
function movRegHalf(kind: 'hl' | 'lh'): Handler {
  return (l) => {
    const { dst, first, rest, vex } = sources(l);
    const src = xmmReg(rest[0]);
    if (kind === 'hl') setHalves(l, dst, first, vex, getLane(l, src, 'I64', 1));
    else setHalves(l, dst, first, vex, undefined, getLane(l, src, 'I64', 0));
  };
}

/** Write an I32 result to a GPR destination of 4 or 8 bytes (either way zero-extended). */
function putGpr32(l: InsnLifter, v: IRExpr): void {
  const dst = l.op(0);
  if (dst.kind !== 'reg' || dst.reg.cls !== 'gpr') throw new Unlifted('expected a GPR destination');
  l.putReg(dst.reg, dst.reg.size === 8 ? l.assign(unop('32Uto64', v)) : v);
}

/** movmskps/movmskpd: the lanes' sign bits, lane 0 in bit 0. */
function movmsk(lanes: 2 | 4): Handler {
  return (l) => {
    notEvex(l);
    const v = getX(l, xmmReg(l.op(1)));
    let acc: RdTmp | undefined;
    if (lanes === 4) {
      split32(l, v).forEach((lane, i) => {
        const bit = l.assign(binop('Shl32', binop('Shr32', lane, c8(31)), c8(i)));
        acc = acc ? l.assign(binop('Or32', acc, bit)) : bit;
      });
    } else {
      const [lo, hi] = split64(l, v);
      const bits = binop('Or64', binop('Shr64', lo, c8(63)), binop('Shl64', binop('Shr64', hi, c8(63)), c8(1)));
      acc = l.assign(unop('64to32', bits));
    }
    putGpr32(l, acc!);
  };
}

const pmovmskb: Handler = (l) => {
  notEvex(l);
  putGpr32(l, l.assign(unop('16Uto32', unop('GetMSBs8x16', getX(l, xmmReg(l.op(1)))))));
};

/** pinsrw: word imm8[2:0] of dst from the low word of a GPR or from m16. */
const pinsrw: Handler = (l) => {
  legacyOnly(l);
  const dst = xmmReg(l.op(0));
  const src = l.op(1);
  const v = src.kind === 'reg' ? l.assign(l.getReg(src.reg, 2)) : l.read(src, 2);
  putLane(l, dst, 'I16', immValue(l.op(2)) & 7, v);
};

/** pextrw: word imm8[2:0] of the source, zero-extended (the SSE4.1 form may store it). */
const pextrw: Handler = (l) => {
  notEvex(l);
  const v = getLane(l, xmmReg(l.op(1)), 'I16', immValue(l.op(2)) & 7);
  const dst = l.op(0);
  if (dst.kind === 'mem') l.write(dst, v);
  else putGpr32(l, l.assign(unop('16Uto32', v)));
};

// MXCSR: only the rounding control is modelled, as VEX does; the exception masks read
// back as all set and the sticky status flags as clear.
const MXCSR_DEFAULT = 0x1f80;

const stmxcsr: Handler = (l) => {
  const dst = l.op(0);
  if (dst.kind !== 'mem') throw new Unlifted('stmxcsr operand');
  const rc = l.assign(unop('64to32', { tag: 'Get', offset: OFFSET_SSEROUND, ty: 'I64' }));
  l.b.store(l.ea(dst), l.assign(binop('Or32', c32(MXCSR_DEFAULT), binop('Shl32', rc, c8(13)))));
};

const ldmxcsr: Handler = (l) => {
  const src = l.op(0);
  if (src.kind !== 'mem') throw new Unlifted('ldmxcsr operand');
  const word = l.assign(load('I32', l.ea(src)));
  l.b.put(OFFSET_SSEROUND, l.assign(unop('32Uto64', binop('And32', binop('Shr32', word, c8(13)), c32(3)))));
};

/** emms: all x87 tags empty and the stack top at 0 (SDM Vol. 3 table 11-2). */
const emms: Handler = (l) => {
  l.b.put(OFFSET_FTOP, c32(0));
  l.b.put(OFFSET_FPTAG, c64(0));
};

export const SSE_MOVE: Record<string, Handler> = {
  vmovd: movInt(4), vmovq: movInt(8),
  vmovdqa: movFull(true), vmovdqu: movFull(false), vmovaps: movFull(true), vmovups: movFull(false),
  vmovapd: movFull(true), vmovupd: movFull(false),
  vmovntps: movFull(true), vmovntpd: movFull(true), vmovntdq: movFull(true), movnti,
  vmovss: movScalar(4), vmovsd: movScalar(8),
  vmovlps: movHalf(0), vmovlpd: movHalf(0), vmovhps: movHalf(1), vmovhpd: movHalf(1),
  vmovhlps: movRegHalf('hl'), vmovlhps: movRegHalf('lh'),
  vmovmskps: movmsk(4), vmovmskpd: movmsk(2), vpmovmskb: pmovmskb,
  vpinsrw: pinsrw, vpextrw: pextrw,
  vstmxcsr: stmxcsr, vldmxcsr: ldmxcsr, emms,
};
