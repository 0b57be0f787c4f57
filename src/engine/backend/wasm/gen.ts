// One IRSB compiled into one WebAssembly function `(param $st i32) (result i32)`: $st is
// the address of the running thread's guest state, the result says how the block left
// (exits.ts). Temps are locals; guest state and memory are loads and stores on the one
// shared memory; every guest access is checked against the page table first, inline,
// and only a failed check (a fault, a page-crossing access, a store to a page holding
// translated code, an address above 4 GiB) calls into JavaScript. Statements run in
// order, so at any exit the guest state is what the interpreter would leave.

import type { HelperDecl, HelperSet } from '../helpers.ts';
import { type IROp, opSignature } from '../../ir/ops.ts';
import { typeOfIRExpr } from '../../ir/typing.ts';
import type { Dirty, IRExpr, IRJumpKind, IRRegArray, IRSB, IRStmt, IRType } from '../../ir/types.ts';
import { PAGE_HAS_CODE } from '../../memory/page-table.ts';
import { PAGE_TABLE } from '../../memory/reserved.ts';
import { PERM_R, PERM_W } from '../../memory/types.ts';
import type { FuncRef, FunctionBuilder, ValType } from '../../wasm/index.ts';
import { isPlainJump } from '../backend.ts';
import {
  EXIT_FAULT, EXIT_OP, FAST_CACHE, FAST_ENTRY_SIZE, SCRATCH, SCRATCH_RESULT,
  SCRATCH_SLOT, fastIndex,
} from '../run-area.ts';
import { EXIT_FAULT_CODE, EXIT_TRAP_CODE, exitCode, jumpExitKind } from './exits.ts';
import { lowering } from './ops/index.ts';
import { countRun, helperSignature } from './runtime.ts';
import { SelfLoop, loopsToItself } from './self-loop.ts';
import { type Operand, accessOps, byteSize, constOperand, localOperand, wasmTypes } from './values.ts';

/** Runtime functions (runtime.ts) that lowered ops call. */
export type RuntimeFn = 'umul128' | 'smul128' | 'nanF64' | 'nanF32' | 'roundF64' | 'roundF32' | 'chain' | 'leave';

/** What the module a block goes into provides. */
export interface GenContext {
  readonly helpers: HelperSet;
  /** (f64 addr, i32 size, i32 perm) -> i32: 0 go ahead, 1 fault (kept in JavaScript). */
  readonly memSlow: FuncRef;
  /** (i32 op index) -> i32: runs an op in JavaScript over the scratch area; 1 if it trapped. */
  readonly opCall: FuncRef;
  /** A helper, as a wasm function of its signature (a fast path or a trampoline). */
  helper(name: string): FuncRef;
  /** A helper's JavaScript implementation, as a wasm function of its signature. */
  helperSlow(name: string): FuncRef;
  runtime(name: RuntimeFn): FuncRef;
  /** Where the running thread's guest state is (for inlined fast paths). */
  readonly stateAddr: number;
  /** The op's index for opCall. */
  opIndex(op: IROp): number;
  /** The block at guest address `addr` compiled into the same module, if there is one:
   *  a jump to it may call it directly (while the fast lookup cache still holds it). */
  sibling(addr: number): Sibling | undefined;
}

/** A block of the same module: its function, and the serial number that the fast lookup
 *  cache holds for it while it is the current translation of its address. */
export interface Sibling {
  ref: FuncRef;
  serial: number;
}

const ST = 0; // the guest state pointer parameter

export class BlockGen {
  /** Locals of each temp (two for I128 and V256). */
  private readonly temps: number[][];
  /** Scratch locals, free again at each statement. */
  private readonly pool = new Map<ValType, number[]>();
  private readonly inUse = new Map<ValType, number>();
  /** The statement being compiled: where a fault or trap exits. */
  stmtIndex = 0;
  /** The nesting of the loop around the body, which a jump back to this block takes. */
  private loopNesting = 0;
  /** What a block that loops to itself keeps in locals between iterations. */
  private readonly loop?: SelfLoop;

  constructor(
    readonly f: FunctionBuilder,
    private readonly sb: IRSB,
    /** The guest address of the block and its translation's slot. */
    private readonly addr: number,
    private readonly slot: number,
    private readonly insns: Int32Array,
    readonly ctx: GenContext,
    /** The block is in the fast lookup cache (no breakpoint at its start). */
    linked = false,
  ) {
    this.temps = sb.tyenv.map((ty) => wasmTypes(ty).map((t) => f.local(t)));
    // Only a block in the fast lookup cache goes round by itself (no breakpoint at its start).
    if (linked && loopsToItself(sb, addr)) this.loop = new SelfLoop(f, sb, sb.offsIP, slot);
  }

  compile(): void {
    const { sb, f } = this;
    // The body is a loop: a jump back to the block's own start (a hot loop that is one
    // block) goes round it without a call.
    this.loop?.enter();
    f.op('loop');
    this.loopNesting = f.nesting;
    sb.stmts.forEach((s, i) => {
      this.stmtIndex = i;
      f.mark(i);
      this.inUse.clear();
      this.stmt(s);
    });
    this.stmtIndex = sb.stmts.length;
    f.mark(sb.stmts.length);
    this.inUse.clear();
    if (sb.next.tag === 'Const') {
      const target = sb.next.value;
      this.jump(sb.jumpkind, sb.offsIP, () => f.i64(target), target);
    } else {
      const next = this.held(this.arg(sb.next));
      this.jump(sb.jumpkind, sb.offsIP, () => next.push(), next);
    }
    f.op('end');
    f.op('unreachable');
  }

  /** A scratch local of type t, for the current statement. */
  tmp(t: ValType): number {
    const n = this.inUse.get(t) ?? 0;
    this.inUse.set(t, n + 1);
    let list = this.pool.get(t);
    if (!list) this.pool.set(t, list = []);
    while (list.length <= n) list.push(this.f.local(t));
    return list[n]!;
  }

  typeOf(e: IRExpr): IRType {
    return typeOfIRExpr(this.sb.tyenv, e);
  }

  // ------------------------------------------------------------------ exits

  /** Leaves the block with `code` for the dispatcher: the runtime's `leave` counts the run
   *  (`insns` guest instructions begun) and records the slot. */
  private leave(code: number, stmtIndex: number): void {
    this.loop?.flush();
    this.f.i32(this.slot).i32(this.insns[stmtIndex]!).i32(code).call(this.ctx.runtime('leave'), true);
  }

  /**
   * Writes rip (pushed by `push`) and leaves by jump kind jk. A plain jump goes on
   * itself, as the dispatcher would (the runtime's `chain`: count the run, then, while
   * the block budget lasts and the fast lookup cache has compiled code for the target,
   * tail-call it); a jump to the block's own start goes round its loop instead.
   */
  private jump(jk: IRJumpKind, offsIP: number, push: () => void, to: bigint | Operand): void {
    const f = this.f;
    const insns = this.insns[this.stmtIndex]!;
    if (this.loop && isPlainJump(jk) && typeof to === 'bigint' && Number(to) === this.addr) {
      // Still current? Only a store, CAS or helper call of its own (through JavaScript)
      // can drop a linked block while it runs.
      const e = FAST_CACHE + fastIndex(this.addr) * FAST_ENTRY_SIZE;
      const current = this.sb.stmts.some((s) => s.tag === 'Store' || s.tag === 'CAS' || s.tag === 'Dirty')
        ? () => { f.i32(0).op('i32.load', e + 8).i32(this.slot).op('i32.eq'); f.i32(0).op('i64.load', e).i64(to).op('i64.eq').op('i32.and'); }
        : undefined;
      f.get(ST);
      push();
      f.op('i64.store', offsIP);
      this.loop.backEdge(insns, current, f.nesting - this.loopNesting);
      // Out of budget, or dropped: back to the dispatcher, at this block.
      this.loop.flush();
      f.i32(0).op('return');
      return;
    }
    f.get(ST);
    push();
    f.op('i64.store', offsIP);
    if (!isPlainJump(jk)) {
      this.leave(exitCode(jumpExitKind(jk), this.stmtIndex), this.stmtIndex);
      return;
    }
    this.loop?.flush();
    const sibling = typeof to === 'bigint' ? this.ctx.sibling(Number(to)) : undefined;
    if (sibling) {
      // As chain does, with the entry known now; the serial (not the slot, which a new
      // translation of the address may take again) shows the sibling is still current.
      const e = FAST_CACHE + fastIndex(Number(to)) * FAST_ENTRY_SIZE;
      const left = this.tmp('i32');
      countRun(f, () => f.i32(this.slot), () => f.op('f64.const', f64Bits(insns)), left);
      f.get(left).i32(0).op('i32.gt_s');
      f.i32(0).op('i32.load', e + 12).i32(sibling.serial).op('i32.eq').op('i32.and');
      f.i32(0).op('i64.load', e).i64(to as bigint).op('i64.eq').op('i32.and');
      f.op('if').get(ST).call(sibling.ref, true).op('end');
      f.i32(0).op('return');
      return;
    }
    f.get(ST).i32(this.slot).i32(insns);
    if (typeof to === 'bigint') f.i64(to); else to.push();
    f.call(this.ctx.runtime('chain'), true);
  }

  /** Emits `if (cond) { leave with a fault }`, the condition pushed by `cond`. */
  faultIf(cond: () => void): void {
    cond();
    this.f.op('if');
    this.leave(exitCode(EXIT_FAULT_CODE, this.stmtIndex), this.stmtIndex);
    this.f.op('end');
  }

  /** Emits `if (cond) { leave with op's trap }`. */
  trapIf(op: IROp, cond: () => void): void {
    cond();
    this.f.op('if');
    this.f.i32(0).i32(this.ctx.opIndex(op)).op('i32.store', EXIT_OP);
    this.leave(exitCode(EXIT_TRAP_CODE, this.stmtIndex), this.stmtIndex);
    this.f.op('end');
  }

  // ------------------------------------------------------------------ statements

  private stmt(s: IRStmt): void {
    const f = this.f;
    switch (s.tag) {
      case 'NoOp': case 'IMark': case 'AbiHint': case 'MBE': return;
      case 'WrTmp': {
        this.expr(s.data);
        for (const l of [...this.temps[s.tmp]!].reverse()) f.set(l);
        return;
      }
      case 'Put': {
        const v = this.arg(s.data);
        const held = this.loop?.held(s.offset);
        if (held) held.forEach((l, i) => { v.part(i); f.set(l); });
        else this.storeParts(v, () => f.get(ST), s.offset);
        return;
      }
      case 'PutI': {
        const at = this.tmp('i32');
        this.regArrayAddr(s.descr, s.ix, s.bias);
        f.set(at);
        this.storeParts(this.arg(s.data), () => f.get(at), 0);
        return;
      }
      case 'Store': {
        const addr = this.arg(s.addr);
        const v = this.arg(s.data);
        const at = this.checkedAddress(addr, byteSize(v.ty), PERM_W);
        this.storeParts(v, () => f.get(at), 0);
        return;
      }
      case 'CAS': return this.cas(s);
      case 'Dirty': return this.dirty(s);
      case 'Exit': {
        const guard = this.arg(s.guard);
        guard.push();
        f.op('if');
        this.jump(s.jk, s.offsIP, () => f.i64(s.dst.value), s.dst.value);
        f.op('end');
        return;
      }
    }
  }

  /** Stores v's parts at base + offset (+ the part's size for the high part). */
  private storeParts(v: Operand, base: () => void, offset: number): void {
    const { store, size } = accessOps(v.ty);
    wasmTypes(v.ty).forEach((_, i) => {
      base();
      v.part(i);
      this.f.op(store, offset + i * size);
    });
  }

  private loadParts(ty: IRType, base: () => void, offset: number): void {
    const { load, size } = accessOps(ty);
    wasmTypes(ty).forEach((_, i) => {
      base();
      this.f.op(load, offset + i * size);
    });
  }

  /**
   * Checks a guest access of `size` bytes at the I64 address `addr` and returns a local
   * holding the address as i32. Inline: the address is below 4 GiB, the access stays in
   * one page, and the page grants `perm` (for a store: and holds no translated code).
   * Otherwise JavaScript decides (memSlow): it grows the stack, drops translations, or
   * reports the fault, and the block leaves.
   */
  checkedAddress(addr: Operand, size: number, perm: number): number {
    const f = this.f;
    const a64 = this.tmp('i64');
    const a32 = this.tmp('i32');
    addr.push();
    f.tee(a64).i64(32n).op('i64.shr_u').op('i32.wrap_i64');
    f.get(a64).op('i32.wrap_i64').tee(a32).i32(12).op('i32.shr_u').op('i32.load8_u', PAGE_TABLE);
    if (perm === PERM_W) f.i32(PERM_W | PAGE_HAS_CODE).op('i32.and').i32(PERM_W).op('i32.ne');
    else f.i32(perm).op('i32.and').op('i32.eqz');
    f.op('i32.or');
    if (size > 1) f.get(a32).i32(0xfff).op('i32.and').i32(0x1000 - size).op('i32.gt_u').op('i32.or');
    f.op('if');
    this.faultIf(() => f.get(a64).op('f64.convert_i64_u').i32(size).i32(perm).call(this.ctx.memSlow));
    f.op('end');
    return a32;
  }

  private regArrayAddr(descr: IRRegArray, ix: IRExpr, bias: number): void {
    const f = this.f;
    const n = descr.nElems;
    const size = accessOps(descr.elemTy).size;
    f.get(ST);
    this.arg(ix).push();
    f.i32(bias).op('i32.add');
    if ((n & (n - 1)) === 0) {
      f.i32(n - 1).op('i32.and');
    } else {
      // The mathematical modulo of a signed index: ((i % n) + n) % n.
      f.i32(n).op('i32.rem_s').i32(n).op('i32.add').i32(n).op('i32.rem_s');
    }
    f.i32(size).op('i32.mul').op('i32.add').i32(descr.base).op('i32.add');
  }

  private cas(s: Extract<IRStmt, { tag: 'CAS' }>): void {
    const f = this.f;
    const ty = this.typeOf(s.expdLo);
    const double = s.expdHi !== undefined;
    const size = byteSize(ty) * (double ? 2 : 1);
    const addr = this.arg(s.addr);
    const expd = [this.arg(s.expdLo), ...(double ? [this.arg(s.expdHi!)] : [])];
    const data = [this.arg(s.dataLo), ...(double ? [this.arg(s.dataHi!)] : [])];
    const at = this.checkedAddress(addr, size, PERM_W);
    const { load, store, size: part } = accessOps(ty);
    const olds = [s.oldLo, ...(double ? [s.oldHi!] : [])];
    const eq = ty === 'I64' ? 'i64.eq' : 'i32.eq';
    olds.forEach((t, i) => f.get(at).op(load, i * part).set(this.temps[t]![0]!));
    // Equal when every half is: then write them all.
    olds.forEach((t, i) => {
      f.get(this.temps[t]![0]!);
      expd[i]!.push();
      f.op(eq);
      if (i > 0) f.op('i32.and');
    });
    f.op('if');
    data.forEach((d, i) => { f.get(at); d.push(); f.op(store, i * part); });
    f.op('end');
  }

  private dirty(s: Dirty): void {
    const f = this.f;
    const decl = this.ctx.helpers.get(s.callee.name);
    if (!decl || decl.kind !== 'dirty') throw new Error(`wasm: no dirty helper '${s.callee.name}'`);
    // Arguments are evaluated whatever the guard (libvex_ir.h), into locals.
    const params = s.args.filter((a): a is IRExpr => a.tag !== 'GSPTR' && a.tag !== 'VECRET').flatMap((a) => this.partsOf(a));
    const guard = this.arg(s.guard);
    const result = s.tmp === undefined ? undefined : this.temps[s.tmp]!;
    guard.push();
    f.op('if');
    const results = helperSignature(decl).results;
    if (decl.wasm && decl.inline && results.length <= 1) {
      this.inlineFastPath(s, decl, params, results[0] ?? 'void');
    } else {
      this.loop?.beforeCall(s, decl);
      for (const p of params) f.get(p);
      f.call(this.ctx.helper(s.callee.name));
    }
    if (result) for (const l of [...result].reverse()) f.set(l);
    this.loop?.afterCall(decl);
    if (decl.effects.memory) this.faultIf(() => f.i32(0).op('i32.load', EXIT_FAULT));
    if (result) {
      f.op('else');
      this.skippedResult(this.sb.tyenv[s.tmp!]!);
      for (const l of [...result].reverse()) f.set(l);
    }
    f.op('end');
  }

  /** The fast path of `decl`, called at `s`, as a block in this one: its slow path calls
   *  the JavaScript implementation, after the self-loop's registers `s` names are stored. */
  private inlineFastPath(s: Dirty, decl: HelperDecl, params: readonly number[], result: ValType | 'void'): void {
    const f = this.f;
    f.op('block', result);
    const outside = f.nesting;
    const done = () => { f.op('br', f.nesting - outside); };
    decl.wasm!({
      f, params, done,
      slow: () => {
        this.loop?.beforeCall(s, decl);
        for (const p of params) f.get(p);
        f.call(this.ctx.helperSlow(decl.name));
        done();
      },
    }, { state: this.ctx.stateAddr });
    f.op('end');
  }

  /** VEX's value for the result of a skipped call: 0x5555... in every part (1 for I1). */
  private skippedResult(ty: IRType): void {
    const f = this.f;
    for (const t of wasmTypes(ty)) {
      if (ty === 'I1') f.i32(1);
      else if (t === 'v128') f.op('v128.const', new Array(16).fill(0x55));
      else if (t === 'i64') f.i64(0x5555555555555555n);
      else if (t === 'f64') f.op('f64.const', 0x5555555555555555n);
      else if (t === 'f32') f.op('f32.const', 0x55555555);
      else f.i32(ty === 'I8' ? 0x55 : ty === 'I16' ? 0x5555 : 0x55555555);
    }
  }

  // ------------------------------------------------------------------ expressions

  /** An operand for e: atoms directly, anything else evaluated into scratch locals. */
  arg(e: IRExpr): Operand {
    if (e.tag === 'Const') return constOperand(this.f, e);
    if (e.tag === 'RdTmp') return localOperand(this.f, this.sb.tyenv[e.tmp]!, this.temps[e.tmp]!);
    const ty = this.typeOf(e);
    this.expr(e);
    return this.popInto(ty);
  }

  /** Pops a value of type ty (all its parts) into scratch locals. */
  popInto(ty: IRType): Operand {
    return localOperand(this.f, ty, this.popLocals(ty));
  }

  private popLocals(ty: IRType): number[] {
    const locals = wasmTypes(ty).map((t) => this.tmp(t));
    for (const l of [...locals].reverse()) this.f.set(l);
    return locals;
  }

  /** e's value in scratch locals of its own, one a part. */
  private partsOf(e: IRExpr): number[] {
    const v = this.arg(e);
    v.push();
    return this.popLocals(v.ty);
  }

  /** v in locals of its own (an operand that will be pushed after other code ran). */
  held(v: Operand): Operand {
    v.push();
    return this.popInto(v.ty);
  }

  /** Pushes e's value (every part). */
  expr(e: IRExpr): void {
    const f = this.f;
    switch (e.tag) {
      case 'Const': constOperand(f, e).push(); return;
      case 'RdTmp': for (const l of this.temps[e.tmp]!) f.get(l); return;
      case 'Get': {
        const held = this.loop?.held(e.offset);
        if (held) for (const l of held) f.get(l);
        else this.loadParts(e.ty, () => f.get(ST), e.offset);
        return;
      }
      case 'GetI': {
        const at = this.tmp('i32');
        this.regArrayAddr(e.descr, e.ix, e.bias);
        f.set(at);
        this.loadParts(e.descr.elemTy, () => f.get(at), 0);
        return;
      }
      case 'Load': {
        const at = this.checkedAddress(this.arg(e.addr), byteSize(e.ty), PERM_R);
        this.loadParts(e.ty, () => f.get(at), 0);
        return;
      }
      case 'Unop': case 'Binop': case 'Triop': case 'Qop': {
        const args = e.args.map((a) => this.arg(a));
        const lower = lowering(e.op);
        if (lower) lower(this, args);
        else this.fallback(e.op, args);
        return;
      }
      case 'ITE': {
        const c = this.arg(e.cond);
        const [t, fl] = [this.arg(e.iftrue), this.arg(e.iffalse)];
        const parts = wasmTypes(t.ty);
        parts.forEach((vt, i) => {
          t.part(i);
          fl.part(i);
          c.push();
          if (vt === 'v128') f.op('select_t', 'v128');
          else f.op('select');
        });
        return;
      }
      case 'CCall': {
        const decl = this.ctx.helpers.get(e.callee.name);
        if (!decl || decl.kind !== 'pure') throw new Error(`wasm: no pure helper '${e.callee.name}'`);
        const args = e.args.map((a) => this.arg(a));
        for (const a of args) a.push();
        f.call(this.ctx.helper(e.callee.name));
        return;
      }
    }
  }

  /** An op run by the interpreter's implementation, through the scratch area: the result
   *  is pushed; a trap leaves the block. */
  fallback(op: IROp, args: readonly Operand[]): void {
    const f = this.f;
    const sig = opSignature(op);
    args.forEach((a, i) => this.storeParts(a, () => f.i32(0), SCRATCH + i * SCRATCH_SLOT));
    this.trapIf(op, () => f.i32(this.ctx.opIndex(op)).call(this.ctx.opCall));
    this.loadParts(sig.res, () => f.i32(0), SCRATCH_RESULT);
  }
}

function f64Bits(x: number): bigint {
  const b = new DataView(new ArrayBuffer(8));
  b.setFloat64(0, x, true);
  return b.getBigUint64(0, true);
}
