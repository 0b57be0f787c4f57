// Executing a block one statement at a time, with every temp's value visible: the UI's IR
// single-stepper and a second, independent walk of the IR for differential tests. It
// evaluates the IR tree directly (no closures), calling the same op table, accessors and
// helpers as compile.ts, so the two modes differ only in how they walk the block.

import { typeOfIRExpr } from '../../ir/typing.ts';
import { forEachStmtExpr, someNode } from '../../ir/walk.ts';
import type { IRExpr, IRSB, IRStmt, IRTemp } from '../../ir/types.ts';
import { LOAD, READ_STATE, STORE, WRITE_STATE, compareAndSwap, regArrayOffset, toAddr } from './access.ts';
import { dirtyArgs, dirtyHelper, exitTo, imarkAddresses, pureHelper, skippedDirtyResult, stopped } from './block.ts';
import type { BlockExit } from '../backend.ts';
import type { HelperSet } from '../helpers.ts';
import type { ExecEnv } from './env.ts';
import { opFn } from './ops.ts';
import { constToValue, valueArray, type Value } from './values.ts';

export class IRStepper {
  private readonly values: (Value | undefined)[];
  private readonly addrs: readonly (number | undefined)[];
  private pc = 0;
  private ended: BlockExit | undefined;

  /** Binds every helper the block calls now, so a missing one throws here, as compile() does. */
  constructor(readonly sb: IRSB, private readonly helpers: HelperSet, private readonly env: ExecEnv) {
    this.values = sb.tyenv.map(() => undefined);
    this.addrs = imarkAddresses(sb);
    const bind = (e: IRExpr): boolean => {
      if (e.tag === 'CCall') pureHelper(helpers, e);
      return false;
    };
    const visit = (e: IRExpr): void => { someNode(e, bind); };
    for (const s of sb.stmts) {
      if (s.tag === 'Dirty') dirtyHelper(helpers, s);
      forEachStmtExpr(s, visit, undefined);
    }
    visit(sb.next);
  }

  /** The index of the statement step() runs next; sb.stmts.length stands for the block's
   *  final jump. */
  get nextStmt(): number {
    return this.pc;
  }

  /** How the block left, once it has. */
  get exit(): BlockExit | undefined {
    return this.ended;
  }

  /** The guest instruction (its IMark's address) the next statement belongs to. */
  get guestAddr(): number | undefined {
    return this.addrs[this.pc];
  }

  /** tN's value, or undefined if it has not been assigned yet. */
  temp(t: IRTemp): Value | undefined {
    return this.values[t];
  }

  /** Every temp's value, indexed by temp number (undefined: not yet assigned). */
  get temps(): readonly (Value | undefined)[] {
    return this.values;
  }

  /** Runs one statement (or the final jump). Returns the exit once the block has left. */
  step(): BlockExit | undefined {
    if (this.ended) return this.ended;
    const { sb } = this;
    const i = this.pc;
    try {
      if (i === sb.stmts.length) {
        const dst = this.eval(sb.next) as bigint;
        this.env.state.setBigUint64(sb.offsIP, dst, true);
        this.ended = exitTo(sb.jumpkind, dst, i);
      } else {
        this.ended = this.exec(sb.stmts[i]!, i);
        this.pc++;
      }
    } catch (e) {
      this.ended = stopped(e, i, this.addrs[i]);
    }
    return this.ended;
  }

  /** Steps to the end of the block. */
  run(): BlockExit {
    for (;;) {
      const r = this.step();
      if (r) return r;
    }
  }

  private exec(s: IRStmt, index: number): BlockExit | undefined {
    const { env } = this;
    switch (s.tag) {
      case 'NoOp': case 'IMark': case 'AbiHint': case 'MBE': return undefined;
      case 'WrTmp':
        this.values[s.tmp] = this.eval(s.data);
        return undefined;
      case 'Put':
        WRITE_STATE[this.typeOf(s.data)](env.state, s.offset, this.eval(s.data));
        return undefined;
      case 'PutI': {
        const offset = regArrayOffset(s.descr, this.eval(s.ix) as number, s.bias);
        WRITE_STATE[s.descr.elemTy](env.state, offset, this.eval(s.data));
        return undefined;
      }
      case 'Store': {
        const addr = toAddr(this.eval(s.addr));
        STORE[this.typeOf(s.data)](env.mem, addr, this.eval(s.data));
        return undefined;
      }
      case 'CAS': {
        const opt = (e: IRExpr | undefined) => (e === undefined ? undefined : this.eval(e));
        const [lo, hi] = compareAndSwap(
          env.mem, this.typeOf(s.expdLo), toAddr(this.eval(s.addr)),
          this.eval(s.expdLo), this.eval(s.dataLo), opt(s.expdHi), opt(s.dataHi),
        );
        this.values[s.oldLo] = lo;
        if (s.oldHi !== undefined) this.values[s.oldHi] = hi;
        return undefined;
      }
      case 'Dirty': {
        const args = this.evalAll(dirtyArgs(s));
        const r = this.eval(s.guard)
          ? dirtyHelper(this.helpers, s)(env, ...args)
          : s.tmp === undefined ? undefined : skippedDirtyResult(this.sb.tyenv[s.tmp]!);
        if (s.tmp !== undefined) this.values[s.tmp] = r;
        return undefined;
      }
      case 'Exit': {
        if (!this.eval(s.guard)) return undefined;
        env.state.setBigUint64(s.offsIP, s.dst.value, true);
        return exitTo(s.jk, s.dst.value, index);
      }
    }
  }

  private eval(e: IRExpr): Value {
    const { env } = this;
    switch (e.tag) {
      case 'Const': return constToValue(e);
      case 'RdTmp': {
        const v = this.values[e.tmp];
        if (v === undefined) throw new Error(`interp: t${e.tmp} read before it is assigned`);
        return v;
      }
      case 'Get': return READ_STATE[e.ty](env.state, e.offset);
      case 'GetI': return READ_STATE[e.descr.elemTy](env.state, regArrayOffset(e.descr, this.eval(e.ix) as number, e.bias));
      case 'Load': return LOAD[e.ty](env.mem, toAddr(this.eval(e.addr)));
      // By arity, as compile.ts does: no array of arguments per call.
      case 'Unop': return opFn(e.op)(this.eval(e.args[0]));
      case 'Binop': return opFn(e.op)(this.eval(e.args[0]), this.eval(e.args[1]));
      case 'Triop': return opFn(e.op)(this.eval(e.args[0]), this.eval(e.args[1]), this.eval(e.args[2]));
      case 'Qop': return opFn(e.op)(this.eval(e.args[0]), this.eval(e.args[1]), this.eval(e.args[2]), this.eval(e.args[3]));
      case 'ITE': {
        const c = this.eval(e.cond), t = this.eval(e.iftrue), f = this.eval(e.iffalse);
        return c ? t : f;
      }
      case 'CCall': return pureHelper(this.helpers, e)(...this.evalAll(e.args));
    }
  }

  private evalAll(es: readonly IRExpr[]): Value[] {
    const out = valueArray(es.length);
    es.forEach((e, i) => (out[i] = this.eval(e)));
    return out;
  }

  private typeOf(e: IRExpr) {
    return typeOfIRExpr(this.sb.tyenv, e);
  }
}
