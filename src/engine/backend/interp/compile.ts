// The interpreter's fast path: an IRSB turned once into JS closures, one per statement,
// each holding the closures of its expressions, then run as often as the block is. Temps
// live in one array per compiled block, allocated here, so a run allocates nothing but
// the values themselves (bigints, vectors) and, for a computed `next`, its exit record.
//
// A compiled block is not re-entrant (its temps are shared by its runs), which a run loop
// that runs one guest thread at a time never needs.

import { typeOfIRExpr } from '../../ir/typing.ts';
import type { IRExpr, IRSB, IRStmt } from '../../ir/types.ts';
import { LOAD, READ_STATE, STORE, WRITE_STATE, compareAndSwap, regArrayOffset, toAddr } from './access.ts';
import { dirtyArgs, dirtyHelper, exitTo, imarkAddresses, pureHelper, skippedDirtyResult, stopped } from './block.ts';
import type { BlockExit } from '../backend.ts';
import type { HelperSet } from '../helpers.ts';
import type { ExecEnv } from './env.ts';
import { opFn } from './ops.ts';
import { constToValue, valueArray, type Value } from './values.ts';

export interface CompiledBlock {
  readonly sb: IRSB;
  /** Runs the block once against `env`; see BlockExit for what comes back. */
  run(env: ExecEnv): BlockExit;
}

type Expr = (env: ExecEnv) => Value;
/** A statement: undefined to go on, or the exit it takes. */
type Stmt = (env: ExecEnv) => BlockExit | undefined;

/** Compiles `sb`, binding its helpers from `helpers` (a missing one throws here). */
export function compile(sb: IRSB, helpers: HelperSet): CompiledBlock {
  return new Compiler(sb, helpers).block();
}

class Compiler {
  private readonly temps: Value[];

  constructor(private readonly sb: IRSB, private readonly helpers: HelperSet) {
    this.temps = valueArray(sb.tyenv.length);
  }

  block(): CompiledBlock {
    const { sb } = this;
    const fns: Stmt[] = [];
    const indices: number[] = []; // the statement index of each closure
    sb.stmts.forEach((s, i) => {
      const f = this.stmt(s, i);
      if (f) {
        fns.push(f);
        indices.push(i);
      }
    });
    indices.push(sb.stmts.length);
    const end = this.end();
    const addrs = imarkAddresses(sb);
    const n = fns.length;
    return {
      sb,
      run(env: ExecEnv): BlockExit {
        let i = 0;
        try {
          for (; i < n; i++) {
            const r = fns[i]!(env);
            if (r !== undefined) return r;
          }
          return end(env);
        } catch (e) {
          const at = indices[i]!;
          return stopped(e, at, addrs[at]);
        }
      },
    };
  }

  private end(): (env: ExecEnv) => BlockExit {
    const { sb } = this;
    const offsIP = sb.offsIP;
    const stmtIndex = sb.stmts.length;
    if (sb.next.tag === 'Const') {
      const dst = sb.next.value;
      const exit = exitTo(sb.jumpkind, dst, stmtIndex);
      return (env) => {
        env.state.setBigUint64(offsIP, dst, true);
        return exit;
      };
    }
    const next = this.expr(sb.next);
    const jk = sb.jumpkind;
    return (env) => {
      const dst = next(env) as bigint;
      env.state.setBigUint64(offsIP, dst, true);
      return exitTo(jk, dst, stmtIndex);
    };
  }

  private stmt(s: IRStmt, index: number): Stmt | undefined {
    const T = this.temps;
    switch (s.tag) {
      case 'NoOp': case 'IMark': case 'AbiHint': case 'MBE': return undefined;
      case 'WrTmp': {
        const e = this.expr(s.data);
        const t = s.tmp;
        return (env) => {
          T[t] = e(env);
          return undefined;
        };
      }
      case 'Put': {
        const e = this.expr(s.data);
        const write = WRITE_STATE[this.typeOf(s.data)];
        const offset = s.offset;
        return (env) => {
          write(env.state, offset, e(env));
          return undefined;
        };
      }
      case 'PutI': {
        const ix = this.expr(s.ix);
        const e = this.expr(s.data);
        const write = WRITE_STATE[s.descr.elemTy];
        const { descr, bias } = s;
        return (env) => {
          const offset = regArrayOffset(descr, ix(env) as number, bias);
          write(env.state, offset, e(env));
          return undefined;
        };
      }
      case 'Store': {
        const addr = this.expr(s.addr);
        const e = this.expr(s.data);
        const store = STORE[this.typeOf(s.data)];
        return (env) => {
          const a = toAddr(addr(env));
          store(env.mem, a, e(env));
          return undefined;
        };
      }
      case 'CAS': {
        const ty = this.typeOf(s.expdLo);
        const addr = this.expr(s.addr);
        const [expdLo, dataLo] = [this.expr(s.expdLo), this.expr(s.dataLo)];
        const [expdHi, dataHi] = s.expdHi && s.dataHi ? [this.expr(s.expdHi), this.expr(s.dataHi)] : [undefined, undefined];
        const { oldLo, oldHi } = s;
        return (env) => {
          const [lo, hi] = compareAndSwap(env.mem, ty, toAddr(addr(env)), expdLo(env), dataLo(env), expdHi?.(env), dataHi?.(env));
          T[oldLo] = lo;
          if (oldHi !== undefined) T[oldHi] = hi!;
          return undefined;
        };
      }
      case 'Dirty': {
        const helper = dirtyHelper(this.helpers, s);
        const guard = this.expr(s.guard);
        const args = dirtyArgs(s).map((a) => this.expr(a));
        const values = valueArray(args.length);
        const tmp = s.tmp;
        const skipped = tmp === undefined ? undefined : skippedDirtyResult(this.sb.tyenv[tmp]!);
        return (env) => {
          // Arguments are evaluated whatever the guard (libvex_ir.h).
          for (let i = 0; i < args.length; i++) values[i] = args[i]!(env);
          const r = guard(env) ? helper(env, ...values) : skipped;
          if (tmp !== undefined) T[tmp] = r!;
          return undefined;
        };
      }
      case 'Exit': {
        const guard = this.expr(s.guard);
        const dst = s.dst.value;
        const offsIP = s.offsIP;
        const exit = exitTo(s.jk, dst, index);
        return (env) => {
          if (!guard(env)) return undefined;
          env.state.setBigUint64(offsIP, dst, true);
          return exit;
        };
      }
    }
  }

  private expr(e: IRExpr): Expr {
    const T = this.temps;
    switch (e.tag) {
      case 'Const': {
        const v = constToValue(e);
        return () => v;
      }
      case 'RdTmp': {
        const t = e.tmp;
        return () => T[t]!;
      }
      case 'Get': {
        const read = READ_STATE[e.ty];
        const offset = e.offset;
        return (env) => read(env.state, offset);
      }
      case 'GetI': {
        const ix = this.expr(e.ix);
        const read = READ_STATE[e.descr.elemTy];
        const { descr, bias } = e;
        return (env) => read(env.state, regArrayOffset(descr, ix(env) as number, bias));
      }
      case 'Load': {
        const addr = this.expr(e.addr);
        const load = LOAD[e.ty];
        return (env) => load(env.mem, toAddr(addr(env)));
      }
      case 'Unop': {
        const f = opFn(e.op);
        const a = this.expr(e.args[0]);
        return (env) => f(a(env));
      }
      case 'Binop': {
        const f = opFn(e.op);
        const [a, b] = e.args.map((x) => this.expr(x)) as [Expr, Expr];
        return (env) => f(a(env), b(env));
      }
      case 'Triop': {
        const f = opFn(e.op);
        const [a, b, c] = e.args.map((x) => this.expr(x)) as [Expr, Expr, Expr];
        return (env) => f(a(env), b(env), c(env));
      }
      case 'Qop': {
        const f = opFn(e.op);
        const [a, b, c, d] = e.args.map((x) => this.expr(x)) as [Expr, Expr, Expr, Expr];
        return (env) => f(a(env), b(env), c(env), d(env));
      }
      case 'ITE': {
        const cond = this.expr(e.cond);
        const [t, f] = [this.expr(e.iftrue), this.expr(e.iffalse)];
        return (env) => {
          // Strict, like VEX's: both arms are evaluated.
          const c = cond(env), x = t(env), y = f(env);
          return c ? x : y;
        };
      }
      case 'CCall': {
        const helper = pureHelper(this.helpers, e);
        const args = e.args.map((a) => this.expr(a));
        const values = valueArray(args.length);
        return (env) => {
          for (let i = 0; i < args.length; i++) values[i] = args[i]!(env);
          return helper(...values);
        };
      }
    }
  }

  private typeOf(e: IRExpr) {
    return typeOfIRExpr(this.sb.tyenv, e);
  }
}
