// The per-instruction lifting context: operand access, effective addresses, the
// lazy-flags thunk and condition evaluation, in VEX's idiom, so each instruction's
// semantics (in the family modules beside this one) reads as a few lines of IR.
import { IRSBBuilder, binop, c64, c8, ccall, constant, get, ite, load, unop } from '../../../ir/builder.ts';
import { ALL_OPS, type BinaryOp, type IROp, type UnaryOp } from '../../../ir/ops.ts';
import type { IRExpr, IRJumpKind, IRType, RdTmp } from '../../../ir/types.ts';
import type { GuestAddr, Instruction, MemOperand, Operand } from '../instruction.ts';
import type { Reg } from '../registers.ts';
import { CcOpFamily, type Cond, ccOp } from '../flags.ts';
import {
  OFFSET_CC_DEP1, OFFSET_CC_DEP2, OFFSET_CC_NDEP, OFFSET_CC_OP, OFFSET_FS_BASE, OFFSET_GPR, OFFSET_GS_BASE,
  OFFSET_RIP, OFFSET_YMM,
} from '../state.ts';

/** Integer IR type of an operand width in bytes. */
export function intTy(size: number): IRType {
  switch (size) {
    case 1: return 'I8';
    case 2: return 'I16';
    case 4: return 'I32';
    case 8: return 'I64';
    case 16: return 'V128';
    case 32: return 'V256';
  }
  throw new Error(`lifter: no integer type of ${size} bytes`);
}

/** Each op's name as the op table spells it. */
const OP_NAMES = new Map<string, IROp>(ALL_OPS.map((op) => [op, op]));

/** The op named `name`, checked against ops.ts, as the op table's own string. A name put
 *  together at run time is a new string every time, which each later lookup (the op's
 *  signature, the interpreter's and the folder's tables) must hash again and each
 *  comparison must read through; the table's string is interned and knows its hash. */
export function irOp<T extends IROp = IROp>(name: string): T {
  const op = OP_NAMES.get(name);
  if (op === undefined) throw new Error(`lifter: no IR op ${name}`);
  return op as T;
}

/** Ops by base name and operand width in bytes, found once. */
const BY_WIDTH = new Map<string, IROp[]>();

function sized(base: string, size: number): IROp {
  let ops = BY_WIDTH.get(base);
  if (!ops) BY_WIDTH.set(base, (ops = []));
  return (ops[size] ??= irOp(`${base}${size * 8}`));
}

/** `Add` + 4 bytes -> 'Add32': op names parameterised by width. */
export const opN = (base: string, size: number): BinaryOp => sized(base, size) as BinaryOp;
export const unN = (base: string, size: number): UnaryOp => sized(base, size) as UnaryOp;

/** The widening or narrowing ops by (from, to, signed), found once. */
const CONVERSIONS = new Array<UnaryOp | undefined>(2 * 64 * 64);

/** Guest-state offset of a register operand (ah..bh live one byte into rax..rbx). */
export function regOffset(r: Reg): number {
  switch (r.cls) {
    case 'gpr': return r.high8 ? OFFSET_GPR(r.num - 4) + 1 : OFFSET_GPR(r.num);
    case 'xmm': case 'ymm': return OFFSET_YMM(r.num);
  }
  throw new Error(`lifter: no guest state for ${r.cls} registers yet`);
}

/** Why the block ends after this instruction, and where it goes. */
export interface BlockEnd {
  next: IRExpr;
  jk: IRJumpKind;
}

/** Raised by a family handler for an instruction form it does not implement. It ends a
 *  block and is no failure, so it carries no stack trace: capturing one took longer than
 *  lifting a whole block (glibc's AVX2 string functions raise it at every ymm form). */
export class Unlifted extends Error {
  constructor(message: string) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
  }
}

export class InsnLifter {
  end?: BlockEnd;
  /** Where the block goes on after this instruction, when it chased a direct jump. */
  resteer?: GuestAddr;

  /** `mayChase`: whether the block may go on at a jump's target (see liftSuperblock). */
  constructor(readonly b: IRSBBuilder, readonly ins: Instruction, private readonly mayChase?: (target: GuestAddr) => boolean) {}

  /** Address of the following instruction. */
  get next(): number {
    return this.ins.addr + this.ins.len;
  }

  op(i: number): Operand {
    const o = this.ins.operands[i];
    if (!o) throw new Unlifted(`operand ${i} missing`);
    return o;
  }

  assign(e: IRExpr): RdTmp {
    return this.b.assign(e);
  }

  // ---------------------------------------------------------------- integers

  /** Zero- or sign-extend (or narrow) an integer expression of `from` bytes to `to` bytes. */
  convert(e: IRExpr, from: number, to: number, signed = false): IRExpr {
    if (from === to) return e;
    const key = (from * 64 + to) * 2 + (signed && to > from ? 1 : 0);
    const op = CONVERSIONS[key] ??= irOp<UnaryOp>(
      to > from ? `${from * 8}${signed ? 'S' : 'U'}to${to * 8}` : `${from * 8}to${to * 8}`);
    return unop(op, e);
  }

  widen64(e: IRExpr, from: number, signed = false): IRExpr {
    return this.convert(e, from, 8, signed);
  }

  const(size: number, v: number | bigint): IRExpr {
    return constant(intTy(size), v);
  }

  // ---------------------------------------------------------------- registers

  getReg(r: Reg, size = r.size): IRExpr {
    return get(regOffset(r), intTy(size));
  }

  /** x86-64 register writes: 32-bit writes zero the upper half; 8/16-bit writes merge. */
  putReg(r: Reg, v: IRExpr, size = r.size): void {
    const off = regOffset(r);
    if (r.cls === 'gpr' && size === 4) this.b.put(off, unop('32Uto64', v));
    else this.b.put(off, v);
  }

  gpr64(num: number): IRExpr {
    return get(OFFSET_GPR(num), 'I64');
  }

  putGpr64(num: number, v: IRExpr): void {
    this.b.put(OFFSET_GPR(num), v);
  }

  // ---------------------------------------------------------------- memory

  /** The effective address of a memory operand, as an I64 expression. */
  ea(m: MemOperand): IRExpr {
    let e: IRExpr;
    if (m.abs !== undefined) e = c64(m.abs);
    else if (m.ripRel) e = c64(this.next + m.disp);
    else {
      const parts: IRExpr[] = [];
      if (m.base) parts.push(get(OFFSET_GPR(m.base.num), 'I64'));
      if (m.index) {
        const idx = get(OFFSET_GPR(m.index.num), 'I64');
        parts.push(m.scale === 1 ? idx : binop('Shl64', idx, c8(Math.log2(m.scale))));
      }
      if (m.disp !== 0 || parts.length === 0) parts.push(c64(m.disp));
      e = parts.reduce((acc, p) => this.assign(binop('Add64', acc, p)));
    }
    if (this.ins.adsize === 4) e = unop('32Uto64', unop('64to32', e));
    if (m.seg && (m.seg.num === 4 || m.seg.num === 5)) {
      e = binop('Add64', e, get(m.seg.num === 4 ? OFFSET_FS_BASE : OFFSET_GS_BASE, 'I64'));
    }
    return e.tag === 'RdTmp' || e.tag === 'Const' ? e : this.assign(e);
  }

  loadMem(addr: IRExpr, size: number): RdTmp {
    return this.assign(load(intTy(size), addr));
  }

  // ---------------------------------------------------------------- operands

  /** Value of an operand at its natural width (immediates at their operand size). */
  read(o: Operand, size?: number): IRExpr {
    switch (o.kind) {
      case 'reg': return this.assign(this.getReg(o.reg, size ?? o.reg.size));
      case 'mem': return this.loadMem(this.ea(o), size ?? o.size);
      case 'imm': return constant(intTy(size ?? o.size), o.value);
      case 'rel': return c64(o.target);
      case 'one': return c8(1);
      case 'port': throw new Unlifted('port I/O');
    }
  }

  /** Read-modify-write helper: the operand's address is computed once. */
  location(o: Operand): { read: () => IRExpr; write: (v: IRExpr) => void; size: number; addr?: IRExpr } {
    if (o.kind === 'reg') {
      return { read: () => this.assign(this.getReg(o.reg)), write: (v) => this.putReg(o.reg, v), size: o.reg.size };
    }
    if (o.kind === 'mem') {
      const addr = this.ea(o);
      return { read: () => this.loadMem(addr, o.size), write: (v) => this.b.store(addr, v), size: o.size, addr };
    }
    throw new Unlifted(`not a location: ${o.kind}`);
  }

  write(o: Operand, v: IRExpr): void {
    if (o.kind === 'reg') this.putReg(o.reg, v);
    else if (o.kind === 'mem') this.b.store(this.ea(o), v);
    else throw new Unlifted(`cannot write ${o.kind}`);
  }

  // ---------------------------------------------------------------- flags

  /** Record the lazy-flags thunk; DEP1/DEP2/NDEP are widened to 64 bits as VEX does. */
  setFlags(family: CcOpFamily, size: number, dep1: IRExpr, dep2: IRExpr = c64(0), ndep: IRExpr = c64(0)): void {
    const w = (e: IRExpr) => (this.b.typeOf(e) === 'I64' ? e : this.widen64(e, sizeOfTy(this.b.typeOf(e))));
    this.b.put(OFFSET_CC_OP, c64(ccOp(family, size)));
    this.b.put(OFFSET_CC_DEP1, w(dep1));
    this.b.put(OFFSET_CC_DEP2, w(dep2));
    this.b.put(OFFSET_CC_NDEP, w(ndep));
  }

  private thunkArgs(): IRExpr[] {
    return [get(OFFSET_CC_OP, 'I64'), get(OFFSET_CC_DEP1, 'I64'), get(OFFSET_CC_DEP2, 'I64'), get(OFFSET_CC_NDEP, 'I64')];
  }

  /** Flags given by value (CC_OP COPY): `rflags` is an I64 holding O S Z A C P at their
   *  rflags positions, for instructions that define flags other than by an operation. */
  setFlagsCopy(rflags: IRExpr): void {
    this.setFlags(CcOpFamily.Copy, 8, rflags);
  }

  /** Condition `c` as an I1, via VEX's amd64g_calculate_condition. */
  cond(c: Cond): IRExpr {
    const v = this.assign(ccall({ name: 'amd64g_calculate_condition', mcxMask: 0b10011 }, 'I64', [c64(c), ...this.thunkArgs()]));
    return this.assign(unop('64to1', v));
  }

  /** The carry flag as an I64 0 or 1. */
  carry(): RdTmp {
    return this.assign(ccall({ name: 'amd64g_calculate_rflags_c', mcxMask: 0b1001 }, 'I64', this.thunkArgs()));
  }

  /** All of O S Z A C P as an I64, in their rflags positions. */
  rflagsAll(): RdTmp {
    return this.assign(ccall({ name: 'amd64g_calculate_rflags_all', mcxMask: 0b1001 }, 'I64', this.thunkArgs()));
  }

  // ---------------------------------------------------------------- control

  /** End the block after this instruction, going to `next`. */
  jump(next: IRExpr, jk: IRJumpKind = 'Boring'): void {
    this.end = { next, jk };
  }

  /** A direct jump or call to `target` that the block follows instead of ending, as
   *  VEX's front end chases them; false if it may not (the caller then ends the block). */
  chase(target: GuestAddr): boolean {
    if (!this.mayChase?.(target)) return false;
    this.resteer = target;
    return true;
  }

  /** A side exit taken when `guard` holds. */
  exitIf(guard: IRExpr, target: number, jk: IRJumpKind = 'Boring'): void {
    this.b.exit(guard, jk, target);
  }

  /** Restart this instruction (a lost CAS race, or the next rep iteration). */
  restartIf(guard: IRExpr): void {
    this.b.exit(guard, 'Boring', this.ins.addr);
  }

  putRip(v: IRExpr): void {
    this.b.put(OFFSET_RIP, v);
  }

  /** The result of `ITE` on I1 guards, a shorthand used by cmov and friends. */
  select(guard: IRExpr, t: IRExpr, f: IRExpr): RdTmp {
    return this.assign(ite(guard, t, f));
  }
}

export function sizeOfTy(ty: IRType): number {
  switch (ty) {
    case 'I8': return 1;
    case 'I16': return 2;
    case 'I32': return 4;
    case 'I64': return 8;
  }
  throw new Error(`lifter: ${ty} is not a scalar integer`);
}

export type Handler = (l: InsnLifter) => void;
