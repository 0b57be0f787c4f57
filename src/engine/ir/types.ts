// The IR's data: one superblock (IRSB) of flat, typed, single-assignment statements,
// modelled on VEX's IR (valgrind's libvex_ir.h) so that what we print reads like
// `valgrind --trace-flags` output. Everything here is plain data — discriminated unions
// on `tag`, numbers, strings and bigints — so a block survives structuredClone/postMessage
// from the engine worker to the UI unchanged.
//
// The operations (Add64, CmpLT32S, ...) and their types live in ops.ts.

import type { BinaryOp, QuaternaryOp, TernaryOp, UnaryOp } from './ops.ts';

export type IRType = 'I1' | 'I8' | 'I16' | 'I32' | 'I64' | 'I128' | 'F32' | 'F64' | 'V128' | 'V256';

export const IR_TYPES: readonly IRType[] = ['I1', 'I8', 'I16', 'I32', 'I64', 'I128', 'F32', 'F64', 'V128', 'V256'];

/** Width in bits. I1 is one bit, although it is never stored in guest state or memory. */
export const TYPE_BITS: Readonly<Record<IRType, number>> = {
  I1: 1, I8: 8, I16: 16, I32: 32, I64: 64, I128: 128, F32: 32, F64: 64, V128: 128, V256: 256,
};

/** Size in bytes of a value of this type in guest state or memory (I1 has none). */
export function sizeofIRType(ty: IRType): number {
  return ty === 'I1' ? 0 : TYPE_BITS[ty] / 8;
}

export function isIntegerType(ty: IRType): boolean {
  return ty[0] === 'I';
}

/** The guest word: addresses, the instruction pointer, exit targets. The IR is x86-64 only. */
export const GUEST_WORD: IRType = 'I64';

/** A temporary, `tN`: an index into the block's type environment. */
export type IRTemp = number & { readonly __brand: 'IRTemp' };

export const irTemp = (n: number): IRTemp => n as IRTemp;

/** Memory byte order. x86-64 is little-endian only; the field keeps VEX's `LDle`/`STle` spelling. */
export type IREndness = 'le';

/** A slice of guest state used as a circular array, indexed at run time (the x87 register
 *  stack and its tags): element i lives at base + ((ix + bias) mod nElems) * sizeof(elemTy). */
export interface IRRegArray {
  base: number;
  elemTy: IRType;
  nElems: number;
}

/** A helper function, called purely (CCall) or with side effects (Dirty), named for display.
 *  `regparms` is VEX's calling-convention hint, kept only so traces read the same.
 *  `mcxMask` bit i set: Memcheck treats argument i as always defined. */
export interface IRCallee {
  name: string;
  regparms?: number;
  mcxMask?: number;
}

// ---------------------------------------------------------------- expressions

/** A constant. `value` is a bigint for every type:
 *  - I1..I128: the unsigned value, 0 <= value < 2^bits (I128 constants are ours; VEX has none);
 *  - F32, F64: the IEEE 754 bit pattern, so constants are exact and NaN payloads survive;
 *  - V128, V256: VEX's restricted vector constant, one bit per byte lane: bit i set means
 *    byte i is 0xFF, clear means 0x00 (so V128{0x0000} is zero, V128{0xFFFF} all ones). */
export interface Const {
  tag: 'Const';
  ty: IRType;
  value: bigint;
}

/** Read `ty` from the guest state at a fixed byte offset. */
export interface Get {
  tag: 'Get';
  offset: number;
  ty: IRType;
}

/** Read an element of a circular guest-state array; `ix` is I32. */
export interface GetI {
  tag: 'GetI';
  descr: IRRegArray;
  ix: IRExpr;
  bias: number;
}

export interface RdTmp {
  tag: 'RdTmp';
  tmp: IRTemp;
}

/** A memory read. Pure in value but it may fault, so passes never drop or duplicate one. */
export interface Load {
  tag: 'Load';
  end: IREndness;
  ty: IRType;
  addr: IRExpr;
}

export interface Unop {
  tag: 'Unop';
  op: UnaryOp;
  args: [IRExpr];
}

export interface Binop {
  tag: 'Binop';
  op: BinaryOp;
  args: [IRExpr, IRExpr];
}

export interface Triop {
  tag: 'Triop';
  op: TernaryOp;
  args: [IRExpr, IRExpr, IRExpr];
}

export interface Qop {
  tag: 'Qop';
  op: QuaternaryOp;
  args: [IRExpr, IRExpr, IRExpr, IRExpr];
}

/** If-then-else; strict, like VEX's: both arms are evaluated. `cond` is I1. */
export interface ITE {
  tag: 'ITE';
  cond: IRExpr;
  iftrue: IRExpr;
  iffalse: IRExpr;
}

/** A call to a pure helper: no guest state, no memory, result depends on args only
 *  (the lazy-flags evaluators, amd64g_calculate_condition and friends). */
export interface CCall {
  tag: 'CCall';
  callee: IRCallee;
  retTy: IRType;
  args: IRExpr[];
}

/** Bits in a Const's value: the type's width, except the restricted vector constants. */
export function constBits(ty: IRType): number {
  return ty === 'V128' ? 16 : ty === 'V256' ? 32 : TYPE_BITS[ty];
}

export type IRExpr = Const | Get | GetI | RdTmp | Load | Unop | Binop | Triop | Qop | ITE | CCall;

/** The two markers a dirty helper's argument list may hold besides expressions: GSPTR
 *  passes the guest state pointer, VECRET a slot for a V128/V256 result. */
export interface GSPtr {
  tag: 'GSPTR';
}
export interface VecRet {
  tag: 'VECRET';
}
export type IRDirtyArg = IRExpr | GSPtr | VecRet;

/** An atom: what flat IR allows as an operand. */
export type IRAtom = RdTmp | Const;

// ---------------------------------------------------------------- statements

/** META: the start of one guest instruction's statements. `delta` is 0 on x86-64. */
export interface IMark {
  tag: 'IMark';
  addr: number;
  len: number;
  delta: number;
}

/** META: [base, base+len) has become undefined (the red zone below %rsp after a call or
 *  return); `nia` is the next instruction's address. Memcheck uses it, others ignore it. */
export interface AbiHint {
  tag: 'AbiHint';
  base: IRExpr;
  len: number;
  nia: IRExpr;
}

export interface Put {
  tag: 'Put';
  offset: number;
  data: IRExpr;
}

export interface PutI {
  tag: 'PutI';
  descr: IRRegArray;
  ix: IRExpr;
  bias: number;
  data: IRExpr;
}

export interface WrTmp {
  tag: 'WrTmp';
  tmp: IRTemp;
  data: IRExpr;
}

export interface Store {
  tag: 'Store';
  end: IREndness;
  addr: IRExpr;
  data: IRExpr;
}

/** Atomic compare-and-swap: if memory at addr equals expd, write data; old value to old.
 *  The double form (cmpxchg16b) has all three Hi parts; Hi lives at the higher address. */
export interface CAS {
  tag: 'CAS';
  oldLo: IRTemp;
  oldHi?: IRTemp;
  end: IREndness;
  addr: IRExpr;
  expdLo: IRExpr;
  expdHi?: IRExpr;
  dataLo: IRExpr;
  dataHi?: IRExpr;
}

export type IREffect = 'Read' | 'Write' | 'Modify';

/** A slice of guest state a dirty helper touches. */
export interface IRGuestEffect {
  fx: IREffect;
  offset: number;
  size: number;
}

/** The one memory region a dirty helper may touch. */
export interface IRMemEffect {
  fx: IREffect;
  addr: IRExpr;
  size: number;
}

/** A call to a helper with side effects (cpuid, rdtsc, x87 80-bit loads, Memcheck's checks).
 *  It must declare every piece of guest state and memory it touches, because instrumentation
 *  and optimisation see nothing else. Args are evaluated whatever the guard; when the guard
 *  is false the call is skipped. */
export interface Dirty {
  tag: 'Dirty';
  callee: IRCallee;
  guard: IRExpr;
  args: IRDirtyArg[];
  tmp?: IRTemp;
  mem?: IRMemEffect;
  fxState: IRGuestEffect[];
}

/** A memory bus event. x86-64 needs only the fence (mfence, and lock-prefixed barriers). */
export interface MBE {
  tag: 'MBE';
  event: 'Fence';
}

/** Leave the block to `dst` if `guard` (I1) holds, after writing dst to the IP at offsIP. */
export interface Exit {
  tag: 'Exit';
  guard: IRExpr;
  dst: Const;
  jk: IRJumpKind;
  offsIP: number;
}

export interface NoOp {
  tag: 'NoOp';
}

export type IRStmt = NoOp | IMark | AbiHint | Put | PutI | WrTmp | Store | CAS | Dirty | MBE | Exit;

/** Why control leaves a block: the dispatcher acts on it before going on. VEX's names
 *  (Ijk_*); the printed spelling is in print.ts (Ret prints as `Return`). */
export type IRJumpKind =
  | 'Boring' | 'Call' | 'Ret' | 'ClientReq' | 'Yield' | 'EmWarn' | 'EmFail' | 'NoDecode'
  | 'MapFail' | 'InvalICache' | 'FlushDCache' | 'NoRedir'
  | 'SigILL' | 'SigTRAP' | 'SigSEGV' | 'SigBUS' | 'SigFPE' | 'SigFPE_IntDiv' | 'SigFPE_IntOvf'
  | 'Sys_syscall' | 'Sys_int32' | 'Sys_int128' | 'Sys_int129' | 'Sys_int130' | 'Sys_int145'
  | 'Sys_int210' | 'Sys_sysenter';

/** A superblock: single entry, side exits, and a final jump to `next` (written to the IP
 *  at offsIP). `tyenv[n]` is the type of temp tN. */
export interface IRSB {
  tyenv: IRType[];
  stmts: IRStmt[];
  next: IRExpr;
  jumpkind: IRJumpKind;
  offsIP: number;
}
