// A block that jumps back to its own start (a hot loop that is one block) runs as a wasm
// loop. Between iterations nothing outside the block looks at the guest state or the run
// counters, so the loop keeps them in locals: the guest registers the block reads and
// writes at constant offsets, and its run count, instructions and the block budget. They
// go to memory wherever something may look: before every exit and every call that may
// reach JavaScript (a fault, a slow memory access, a helper). A helper without state
// effects gets the registers its call site names (fxState: memcheck's helpers unwind the
// stack from rsp, rbp and rip); one with state effects gets them all, and the loop reads
// them back after it. Without this the loop-carried values go through memory on every
// iteration, and a store-to-load round trip is the longest chain in a short loop.

import type { HelperDecl } from '../helpers.ts';
import { typeOfIRExpr } from '../../ir/typing.ts';
import type { Dirty, IRExpr, IRJumpKind, IRRegArray, IRSB, IRType } from '../../ir/types.ts';
import { forEachStmtExpr, someNode } from '../../ir/walk.ts';
import type { FunctionBuilder } from '../../wasm/index.ts';
import { isPlainJump } from '../backend.ts';
import { RUN_BUDGET, RUN_COUNTS, RUN_INSNS } from '../run-area.ts';
import { accessOps, byteSize, wasmTypes } from './values.ts';

const ST = 0; // the guest state pointer parameter

/** A guest register the loop keeps in locals (one per part). */
interface HeldReg {
  readonly offset: number;
  readonly ty: IRType;
  readonly size: number;
  readonly locals: readonly number[];
}

/** Whether the block at `addr` can jump back to its own start. */
export function loopsToItself(sb: IRSB, addr: number): boolean {
  const backToStart = (jk: IRJumpKind, to: bigint | undefined) => isPlainJump(jk) && to !== undefined && Number(to) === addr;
  return backToStart(sb.jumpkind, sb.next.tag === 'Const' ? sb.next.value : undefined)
    || sb.stmts.some((s) => s.tag === 'Exit' && backToStart(s.jk, s.dst.value));
}

export class SelfLoop {
  private readonly regs = new Map<number, HeldReg>();
  /** Iterations gone round and guest instructions they began, not yet counted in memory. */
  private readonly iters: number;
  private readonly insns: number;
  /** The block budget while the loop runs. */
  private readonly left: number;

  constructor(
    private readonly f: FunctionBuilder,
    sb: IRSB,
    /** The register rip is (written at every exit, never held). */
    offsIP: number,
    private readonly slot: number,
  ) {
    for (const [offset, ty] of heldRegisters(sb, offsIP)) {
      this.regs.set(offset, { offset, ty, size: byteSize(ty), locals: wasmTypes(ty).map((t) => f.local(t)) });
    }
    this.iters = f.local('i32');
    this.insns = f.local('i32');
    this.left = f.local('i32');
  }

  /** The locals holding the register at `offset`, if the loop holds it. */
  held(offset: number): readonly number[] | undefined {
    return this.regs.get(offset)?.locals;
  }

  /** Before the loop: the registers and the budget into locals. */
  enter(): void {
    for (const r of this.regs.values()) this.load(r);
    this.f.i32(0).op('i32.load', RUN_BUDGET).set(this.left);
  }

  /** Everything held, to memory (the locals stay valid). */
  flush(): void {
    for (const r of this.regs.values()) this.store(r);
    this.flushCounters();
  }

  /** Before a call to helper `decl` at `d`: what it may look at, to memory. */
  beforeCall(d: Dirty, decl: HelperDecl): void {
    if (decl.effects.state) return this.flush();
    for (const r of this.regs.values()) {
      if (d.fxState.some((e) => e.offset < r.offset + r.size && r.offset < e.offset + e.size)) this.store(r);
    }
    if (decl.effects.clock) this.flushCounters();
  }

  /** After a call to `decl`: the registers it may have written, back into locals. */
  afterCall(decl: HelperDecl): void {
    if (decl.effects.state) for (const r of this.regs.values()) this.load(r);
  }

  /** The back edge: counts the iteration that began `insns` guest instructions and goes
   *  round while the budget lasts and `current` (pushed, i32) holds; falls through
   *  otherwise. `loopDepth` is the br depth of the loop from here. */
  backEdge(insns: number, current: (() => void) | undefined, loopDepth: number): void {
    const f = this.f;
    f.get(this.iters).i32(1).op('i32.add').set(this.iters);
    f.get(this.insns).i32(insns).op('i32.add').set(this.insns);
    f.get(this.left).i32(1).op('i32.sub').tee(this.left).i32(0).op('i32.gt_s');
    if (current) {
      current();
      f.op('i32.and');
    }
    f.op('br_if', loopDepth);
  }

  private flushCounters(): void {
    const f = this.f;
    f.i32(0).i32(0).op('f64.load', RUN_INSNS).get(this.insns).op('f64.convert_i32_u').op('f64.add').op('f64.store', RUN_INSNS);
    const at = this.slot * 4;
    f.i32(0).i32(0).op('i32.load', RUN_COUNTS + at).get(this.iters).op('i32.add').op('i32.store', RUN_COUNTS + at);
    f.i32(0).get(this.left).op('i32.store', RUN_BUDGET);
    f.i32(0).set(this.iters).i32(0).set(this.insns);
  }

  private load(r: HeldReg): void {
    const { load, size } = accessOps(r.ty);
    r.locals.forEach((l, i) => this.f.get(ST).op(load, r.offset + i * size).set(l));
  }

  private store(r: HeldReg): void {
    const { store, size } = accessOps(r.ty);
    r.locals.forEach((l, i) => this.f.get(ST).get(l).op(store, r.offset + i * size));
  }
}

/**
 * The registers a loop can hold: every constant-offset GET and PUT, where all accesses
 * to a register have one offset and type and no other access overlaps it (a GETI/PUTI
 * array, a narrower view of the same bytes); rip excepted.
 */
function heldRegisters(sb: IRSB, offsIP: number): Map<number, IRType> {
  /** Each offset accessed: its type, and the end of its widest access. */
  const seen = new Map<number, { ty: IRType; end: number }>();
  const arrays: [number, number][] = [];
  const bad = new Set<number>([offsIP]);
  const note = (offset: number, ty: IRType) => {
    const end = offset + byteSize(ty);
    const was = seen.get(offset);
    if (was && was.ty !== ty) bad.add(offset);
    seen.set(offset, { ty, end: Math.max(end, was?.end ?? 0) });
  };
  const array = (d: IRRegArray) => arrays.push([d.base, d.base + d.nElems * byteSize(d.elemTy)]);
  const noteNode = (e: IRExpr): boolean => {
    if (e.tag === 'Get') note(e.offset, e.ty);
    if (e.tag === 'GetI') array(e.descr);
    return false;
  };
  const visit = (e: IRExpr): void => { someNode(e, noteNode); };
  for (const s of sb.stmts) {
    if (s.tag === 'Put') note(s.offset, typeOfIRExpr(sb.tyenv, s.data));
    if (s.tag === 'PutI') array(s.descr);
    forEachStmtExpr(s, visit, undefined);
  }
  const out = new Map<number, IRType>();
  for (const [offset, { ty, end }] of seen) {
    const overlaps = (from: number, to: number) => from < end && offset < to;
    if (bad.has(offset) || arrays.some(([from, to]) => overlaps(from, to))) continue;
    if ([...seen].some(([other, o]) => other !== offset && overlaps(other, o.end))) continue;
    out.set(offset, ty);
  }
  return out;
}

