// Building IR: expression constructors, and IRSBBuilder, which a lifter drives one
// guest instruction at a time and which a tool's `instrument` uses to copy a block
// statement by statement with its own statements in between.
//
//   const b = new IRSBBuilder({ offsIP: OFFSET_RIP });
//   b.imark(0x401000, 4);
//   const rsp = b.assign(get(OFFSET_RSP, 'I64'));
//   b.put(OFFSET_RSP, binop('Sub64', rsp, c64(8)));
//   const sb = b.finish(c64(0x401004), 'Boring');
//
// Integer constructors take a number or a bigint and wrap it to the width, so c8(-1) is
// 0xFF:I8 and c64(-8) is 0xFFFFFFFFFFFFFFF8:I64.

import type { BinaryOp, QuaternaryOp, TernaryOp, UnaryOp } from './ops.ts';
import { typeOfIRExpr } from './typing.ts';
import {
  TYPE_BITS, irTemp,
  type Binop, type CCall, type Const, type Dirty, type Get, type GetI, type IRCallee, type IRDirtyArg,
  type IRExpr, type IRGuestEffect, type IRJumpKind, type IRMemEffect, type IRRegArray, type IRSB,
  type IRStmt, type IRTemp, type IRType, type ITE, type Load, type Qop, type RdTmp, type Triop, type Unop,
} from './types.ts';

// ---------------------------------------------------------------- expressions

type IntValue = number | bigint;

/** An integer constant of type `ty`, wrapped to its width. */
export function constant(ty: IRType, value: IntValue): Const {
  return { tag: 'Const', ty, value: BigInt.asUintN(TYPE_BITS[ty], BigInt(value)) };
}

export const c1 = (b: boolean): Const => constant('I1', b ? 1 : 0);
export const c8 = (v: IntValue): Const => constant('I8', v);
export const c16 = (v: IntValue): Const => constant('I16', v);
export const c32 = (v: IntValue): Const => constant('I32', v);
export const c64 = (v: IntValue): Const => constant('I64', v);

const scratch = new DataView(new ArrayBuffer(8));

/** An F64 constant holding `x`'s IEEE bits. */
export function f64(x: number): Const {
  scratch.setFloat64(0, x);
  return { tag: 'Const', ty: 'F64', value: scratch.getBigUint64(0) };
}

/** An F32 constant holding `x` rounded to single precision. */
export function f32(x: number): Const {
  scratch.setFloat32(0, x);
  return { tag: 'Const', ty: 'F32', value: BigInt(scratch.getUint32(0)) };
}

/** VEX's restricted V128 constant: bit i of `byteMask` set makes byte i 0xFF, else 0x00.
 *  Other vector constants are built from scalars, e.g. binop('64HLtoV128', hi, lo). */
export function v128(byteMask: number): Const {
  return { tag: 'Const', ty: 'V128', value: BigInt(byteMask & 0xffff) };
}

export const rdTmp = (tmp: IRTemp): RdTmp => ({ tag: 'RdTmp', tmp });
export const get = (offset: number, ty: IRType): Get => ({ tag: 'Get', offset, ty });
export const getI = (descr: IRRegArray, ix: IRExpr, bias: number): GetI => ({ tag: 'GetI', descr, ix, bias });
export const load = (ty: IRType, addr: IRExpr): Load => ({ tag: 'Load', end: 'le', ty, addr });
export const unop = (op: UnaryOp, a: IRExpr): Unop => ({ tag: 'Unop', op, args: [a] });
export const binop = (op: BinaryOp, a: IRExpr, b: IRExpr): Binop => ({ tag: 'Binop', op, args: [a, b] });
export const triop = (op: TernaryOp, a: IRExpr, b: IRExpr, c: IRExpr): Triop => ({ tag: 'Triop', op, args: [a, b, c] });
export const qop = (op: QuaternaryOp, a: IRExpr, b: IRExpr, c: IRExpr, d: IRExpr): Qop =>
  ({ tag: 'Qop', op, args: [a, b, c, d] });
export const ite = (cond: IRExpr, iftrue: IRExpr, iffalse: IRExpr): ITE => ({ tag: 'ITE', cond, iftrue, iffalse });
export const ccall = (callee: IRCallee, retTy: IRType, args: IRExpr[]): CCall => ({ tag: 'CCall', callee, retTy, args });

// ---------------------------------------------------------------- blocks

export interface DirtyCall {
  callee: IRCallee;
  args: IRDirtyArg[];
  /** Defaults to always (1:I1). */
  guard?: IRExpr;
  /** The result's type, if the helper returns one; the builder allocates the temp. */
  retTy?: IRType;
  mem?: IRMemEffect;
  fxState?: IRGuestEffect[];
}

export interface CasArgs {
  addr: IRExpr;
  expdLo: IRExpr;
  dataLo: IRExpr;
  /** All three Hi parts are given for a double CAS (cmpxchg16b), or none. */
  expdHi?: IRExpr;
  dataHi?: IRExpr;
}

export class IRSBBuilder {
  readonly tyenv: IRType[] = [];
  readonly stmts: IRStmt[] = [];
  readonly offsIP: number;

  /** `offsIP` is the guest state offset of the instruction pointer. To rebuild an existing
   *  block (instrumentation), pass `tyenv` to start from its temps. */
  constructor(options: { offsIP: number; tyenv?: readonly IRType[] }) {
    this.offsIP = options.offsIP;
    if (options.tyenv) this.tyenv.push(...options.tyenv);
  }

  newTemp(ty: IRType): IRTemp {
    this.tyenv.push(ty);
    return irTemp(this.tyenv.length - 1);
  }

  typeOf(e: IRExpr): IRType {
    return typeOfIRExpr(this.tyenv, e);
  }

  /** Appends any statement, e.g. one copied from the block being instrumented. */
  add(s: IRStmt): void {
    this.stmts.push(s);
  }

  /** `tN = e` into a new temp of e's type; returns tN to use as an operand. */
  assign(e: IRExpr): RdTmp {
    const tmp = this.newTemp(this.typeOf(e));
    this.add({ tag: 'WrTmp', tmp, data: e });
    return rdTmp(tmp);
  }

  imark(addr: number, len: number, delta = 0): void {
    this.add({ tag: 'IMark', addr, len, delta });
  }

  abiHint(base: IRExpr, len: number, nia: IRExpr): void {
    this.add({ tag: 'AbiHint', base, len, nia });
  }

  put(offset: number, data: IRExpr): void {
    this.add({ tag: 'Put', offset, data });
  }

  putI(descr: IRRegArray, ix: IRExpr, bias: number, data: IRExpr): void {
    this.add({ tag: 'PutI', descr, ix, bias, data });
  }

  store(addr: IRExpr, data: IRExpr): void {
    this.add({ tag: 'Store', end: 'le', addr, data });
  }

  /** A side exit to `dst` when `guard` (I1) holds. */
  exit(guard: IRExpr, jk: IRJumpKind, dst: IntValue): void {
    this.add({ tag: 'Exit', guard, dst: c64(dst), jk, offsIP: this.offsIP });
  }

  /** Compare-and-swap; returns the old value (for a double CAS, [oldHi, oldLo]). */
  cas(args: CasArgs & { expdHi?: undefined }): RdTmp;
  cas(args: Required<CasArgs>): [RdTmp, RdTmp];
  cas(args: CasArgs): RdTmp | [RdTmp, RdTmp] {
    const ty = this.typeOf(args.expdLo);
    const oldLo = this.newTemp(ty);
    const { addr, expdLo, dataLo, expdHi, dataHi } = args;
    if (expdHi === undefined || dataHi === undefined) {
      this.add({ tag: 'CAS', oldLo, end: 'le', addr, expdLo, dataLo });
      return rdTmp(oldLo);
    }
    const oldHi = this.newTemp(ty);
    this.add({ tag: 'CAS', oldLo, oldHi, end: 'le', addr, expdLo, expdHi, dataLo, dataHi });
    return [rdTmp(oldHi), rdTmp(oldLo)];
  }

  /** A dirty helper call; returns its result when `retTy` is given. */
  dirty(call: DirtyCall & { retTy: IRType }): RdTmp;
  dirty(call: DirtyCall): undefined;
  dirty(call: DirtyCall): RdTmp | undefined {
    const d: Dirty = { tag: 'Dirty', callee: call.callee, guard: call.guard ?? c1(true), args: call.args, fxState: call.fxState ?? [] };
    if (call.mem) d.mem = call.mem;
    if (call.retTy) d.tmp = this.newTemp(call.retTy);
    this.add(d);
    return d.tmp === undefined ? undefined : rdTmp(d.tmp);
  }

  fence(): void {
    this.add({ tag: 'MBE', event: 'Fence' });
  }

  /** The finished block, ending with a jump to `next` (an I64 guest address). */
  finish(next: IRExpr, jumpkind: IRJumpKind): IRSB {
    return { tyenv: [...this.tyenv], stmts: [...this.stmts], next, jumpkind, offsIP: this.offsIP };
  }
}
