// Operand access shared by the SSE/SSE2 lifters (sse-move.ts, sse-int.ts, sse-fp.ts):
// xmm registers and their lanes, 128-bit memory operands under the legacy alignment rule,
// the SSE rounding mode, and the destination rule that tells legacy from VEX encodings
// (legacy SSE leaves bits 128..255 of the ymm register alone, VEX.128 zeroes them).
import { binop, c64, get, load, unop, v128 } from '../../../ir/builder.ts';
import type { UnaryOp } from '../../../ir/ops.ts';
import type { IRExpr, IRType, RdTmp } from '../../../ir/types.ts';
import type { Operand } from '../instruction.ts';
import type { Reg } from '../registers.ts';
import { OFFSET_SSEROUND, OFFSET_YMM } from '../state.ts';
import { type Handler, type InsnLifter, Unlifted } from './context.ts';

/** True for a VEX.128 encoding, false for legacy SSE; EVEX is not lifted. */
export function isVex(l: InsnLifter): boolean {
  if (l.ins.prefixes.evex) throw new Unlifted('EVEX encoding');
  return l.ins.prefixes.vex !== undefined;
}

/** For forms whose legacy and VEX encodings behave alike. */
export function notEvex(l: InsnLifter): void {
  isVex(l);
}

/** For the forms lifted in their legacy encoding only. */
export function legacyOnly(l: InsnLifter): void {
  if (isVex(l)) throw new Unlifted('VEX encoding');
}

/** The xmm register an operand names (a ymm operand, VEX.256, is not lifted). */
export function xmmReg(o: Operand | undefined): Reg {
  if (o?.kind !== 'reg' || o.reg.cls !== 'xmm') throw new Unlifted('expected an xmm register');
  return o.reg;
}

export function isXmm(o: Operand): boolean {
  return o.kind === 'reg' && o.reg.cls === 'xmm';
}

export function immValue(o: Operand | undefined): number {
  if (o?.kind !== 'imm') throw new Unlifted('expected an immediate');
  return Number(o.value & 0xffn);
}

const LANE_BYTES: Partial<Record<IRType, number>> = { I8: 1, I16: 2, I32: 4, F32: 4, I64: 8, F64: 8, V128: 16 };

function laneBytes(ty: IRType): number {
  const n = LANE_BYTES[ty];
  if (n === undefined) throw new Error(`sse: no lane of type ${ty}`);
  return n;
}

/** `e` as a temp or constant, assigning it only if it is neither. */
export function atom(l: InsnLifter, e: IRExpr): IRExpr {
  return e.tag === 'RdTmp' || e.tag === 'Const' ? e : l.assign(e);
}

export function getX(l: InsnLifter, r: Reg): RdTmp {
  return l.assign(get(OFFSET_YMM(r.num), 'V128'));
}

/** Lane `index` of an xmm register, lanes of type `ty` counted from bit 0. */
export function getLane(l: InsnLifter, r: Reg, ty: IRType, index = 0): RdTmp {
  return l.assign(get(OFFSET_YMM(r.num) + index * laneBytes(ty), ty));
}

/** Write one lane; the rest of the register is untouched (the legacy scalar rule). */
export function putLane(l: InsnLifter, r: Reg, ty: IRType, index: number, v: IRExpr): void {
  l.b.put(OFFSET_YMM(r.num) + index * laneBytes(ty), v);
}

/** Write a whole xmm register; a VEX encoding also zeroes bits 128..255. */
export function putX(l: InsnLifter, r: Reg, v: IRExpr, vex = isVex(l)): void {
  l.b.put(OFFSET_YMM(r.num), v);
  if (vex) l.b.put(OFFSET_YMM(r.num) + 16, v128(0));
}

/** Raise SIGSEGV at this instruction unless `addr` is 16-byte aligned: legacy SSE's rule
 *  for 128-bit memory operands (all but the explicitly unaligned moves), and movdqa's
 *  and movnt*'s in every encoding. */
export function check16Aligned(l: InsnLifter, addr: IRExpr): void {
  const misaligned = l.assign(binop('CmpNE64', binop('And64', addr, c64(15)), c64(0)));
  l.exitIf(misaligned, l.ins.addr, 'SigSEGV');
}

/** The 128-bit value of an xmm register or an m128 operand. */
export function readX(l: InsnLifter, o: Operand, aligned: boolean): RdTmp {
  if (o.kind === 'reg') return getX(l, xmmReg(o));
  if (o.kind !== 'mem' || o.size !== 16) throw new Unlifted('expected xmm/m128');
  const addr = l.ea(o);
  if (aligned) check16Aligned(l, addr);
  return l.loadMem(addr, 16);
}

/** Store a 128-bit value to an m128 operand. */
export function storeX(l: InsnLifter, o: Operand, v: IRExpr, aligned: boolean): void {
  if (o.kind !== 'mem') throw new Unlifted('expected m128');
  const addr = l.ea(o);
  if (aligned) check16Aligned(l, addr);
  l.b.store(addr, v);
}

/** The low lane of an xmm register, or a scalar memory operand of the lane's width. */
export function readScalar(l: InsnLifter, o: Operand, ty: IRType): RdTmp {
  if (o.kind === 'reg') return getLane(l, xmmReg(o), ty, 0);
  if (o.kind !== 'mem') throw new Unlifted('expected xmm/mem');
  return l.assign(load(ty, l.ea(o)));
}

/** Legacy `op dst, src` has dst as its first source; VEX `op dst, src1, src2` does not. */
export function sources(l: InsnLifter): { dst: Reg; first: Reg; rest: Operand[]; vex: boolean } {
  const vex = isVex(l);
  const ops = l.ins.operands;
  const dst = xmmReg(ops[0]);
  return vex ? { dst, first: xmmReg(ops[1]), rest: ops.slice(2), vex } : { dst, first: dst, rest: ops.slice(1), vex };
}

const TO_BITS: Partial<Record<IRType, UnaryOp>> = { F64: 'ReinterpF64asI64', F32: 'ReinterpF32asI32' };

/** dst = base with its low `v`-sized lane replaced by `v`: the scalar SSE result rule. In
 *  the legacy encoding base is dst and only the lane is written. */
export function mergeLane0(l: InsnLifter, dst: Reg, base: Reg, v: IRExpr, vex: boolean): void {
  if (!vex && base.num === dst.num) {
    putLane(l, dst, l.b.typeOf(v), 0, v);
    return;
  }
  const ty = l.b.typeOf(v);
  const toBits = TO_BITS[ty];
  const bits = toBits ? unop(toBits, v) : v;
  const merged = laneBytes(ty) === 8 ? binop('SetV128lo64', getX(l, base), bits) : binop('SetV128lo32', getX(l, base), bits);
  putX(l, dst, l.assign(merged), vex);
}

/** dst = f(first source, second source): legacy `op xmm/m128, xmm` (the m128 must be
 *  16-byte aligned), or VEX.128 `op xmm/m128, xmm, xmm` (unaligned allowed). */
export function binary(f: (l: InsnLifter, a: IRExpr, b: IRExpr) => IRExpr): Handler {
  return (l) => {
    const { dst, first, rest, vex } = sources(l);
    const a = getX(l, first);
    const b = readX(l, rest[0]!, !vex);
    putX(l, dst, atom(l, f(l, a, b)), vex);
  };
}

/** The SSE rounding mode (MXCSR.RC) as an I32 IRRoundingMode. */
export function sseRound(l: InsnLifter): RdTmp {
  return l.assign(unop('64to32', get(OFFSET_SSEROUND, 'I64')));
}

// ---------------------------------------------------------------- lanes

/** [lane 0 (bits 0..63), lane 1] of a V128. */
export function split64(l: InsnLifter, v: IRExpr): [RdTmp, RdTmp] {
  return [l.assign(unop('V128to64', v)), l.assign(unop('V128HIto64', v))];
}

export function join64(l: InsnLifter, lo: IRExpr, hi: IRExpr): RdTmp {
  return l.assign(binop('64HLtoV128', hi, lo));
}

/** The four 32-bit lanes of a V128, lane 0 first. */
export function split32(l: InsnLifter, v: IRExpr): RdTmp[] {
  return split64(l, v).flatMap((h) => [l.assign(unop('64to32', h)), l.assign(unop('64HIto32', h))]);
}

export function join32(l: InsnLifter, lanes: IRExpr[]): RdTmp {
  const [a, b, c, d] = lanes as [IRExpr, IRExpr, IRExpr, IRExpr];
  return join64(l, l.assign(binop('32HLto64', b, a)), l.assign(binop('32HLto64', d, c)));
}

/** The four 16-bit lanes of an I64, lane 0 first. */
export function split16(l: InsnLifter, v: IRExpr): RdTmp[] {
  const halves = [l.assign(unop('64to32', v)), l.assign(unop('64HIto32', v))];
  return halves.flatMap((h) => [l.assign(unop('32to16', h)), l.assign(unop('32HIto16', h))]);
}

export function join16(l: InsnLifter, lanes: IRExpr[]): RdTmp {
  const [a, b, c, d] = lanes as [IRExpr, IRExpr, IRExpr, IRExpr];
  return l.assign(binop('32HLto64', binop('16HLto32', d, c), binop('16HLto32', b, a)));
}
