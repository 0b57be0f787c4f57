// Traversals shared by the checker and the passes: where a statement holds expressions,
// which temps it defines, and whether an expression can fault.
//
// The rewriting ones share what they do not change: `mapExpr`, `mapNodes` and
// `mapStmtExprs` return their argument itself when nothing inside it changed, so a pass
// can tell "unchanged" by identity, and an unchanged block costs no allocation.

import { opMayTrap } from './ops.ts';
import type { IRAtom, IRDirtyArg, IRExpr, IRStmt, IRTemp } from './types.ts';

export function isAtom(e: IRExpr): e is IRAtom {
  return e.tag === 'RdTmp' || e.tag === 'Const';
}

/** The expression's direct operands. */
export function children(e: IRExpr): IRExpr[] {
  switch (e.tag) {
    case 'Const': case 'Get': case 'RdTmp': return [];
    case 'GetI': return [e.ix];
    case 'Load': return [e.addr];
    case 'Unop': case 'Binop': case 'Triop': case 'Qop': case 'CCall': return e.args;
    case 'ITE': return [e.cond, e.iftrue, e.iffalse];
  }
}

/** Rebuilds `e` bottom-up: operands first, then `f` on the node holding the new operands
 *  (`e` itself if none changed). Returns `e` when nothing changed. */
export function mapExpr(e: IRExpr, f: (e: IRExpr) => IRExpr): IRExpr {
  return rebuild(e, undefined, f);
}

type Node<T extends IRExpr['tag']> = Extract<IRExpr, { tag: T }>;

/** `mapExpr` with `f` called only on the nodes tagged `tag` (and given those alone, so it
 *  need not look at the tag): a rewrite of one kind of node, as cheap as a walk. */
export function mapNodes<T extends IRExpr['tag']>(e: IRExpr, tag: T, f: (e: Node<T>) => IRExpr): IRExpr {
  return rebuild(e, tag, f as (e: IRExpr) => IRExpr);
}

/** mapExpr (`tag` undefined) and mapNodes. */
function rebuild(e: IRExpr, tag: IRExpr['tag'] | undefined, f: (e: IRExpr) => IRExpr): IRExpr {
  const t = e.tag;
  let out: IRExpr = e;
  switch (e.tag) {
    case 'Const': case 'Get': case 'RdTmp': break;
    case 'GetI': {
      const ix = rebuild(e.ix, tag, f);
      if (ix !== e.ix) out = { tag: 'GetI', descr: e.descr, ix, bias: e.bias };
      break;
    }
    case 'Load': {
      const addr = rebuild(e.addr, tag, f);
      if (addr !== e.addr) out = { tag: 'Load', end: e.end, ty: e.ty, addr };
      break;
    }
    case 'Unop': {
      const a = rebuild(e.args[0], tag, f);
      if (a !== e.args[0]) out = { tag: 'Unop', op: e.op, args: [a] };
      break;
    }
    case 'Binop': {
      const [a0, a1] = e.args;
      const a = rebuild(a0, tag, f);
      const b = rebuild(a1, tag, f);
      if (a !== a0 || b !== a1) out = { tag: 'Binop', op: e.op, args: [a, b] };
      break;
    }
    case 'Triop': {
      const [a0, a1, a2] = e.args;
      const a = rebuild(a0, tag, f);
      const b = rebuild(a1, tag, f);
      const c = rebuild(a2, tag, f);
      if (a !== a0 || b !== a1 || c !== a2) out = { tag: 'Triop', op: e.op, args: [a, b, c] };
      break;
    }
    case 'Qop': {
      const [a0, a1, a2, a3] = e.args;
      const a = rebuild(a0, tag, f);
      const b = rebuild(a1, tag, f);
      const c = rebuild(a2, tag, f);
      const d = rebuild(a3, tag, f);
      if (a !== a0 || b !== a1 || c !== a2 || d !== a3) out = { tag: 'Qop', op: e.op, args: [a, b, c, d] };
      break;
    }
    case 'ITE': {
      const cond = rebuild(e.cond, tag, f);
      const iftrue = rebuild(e.iftrue, tag, f);
      const iffalse = rebuild(e.iffalse, tag, f);
      if (cond !== e.cond || iftrue !== e.iftrue || iffalse !== e.iffalse) out = { tag: 'ITE', cond, iftrue, iffalse };
      break;
    }
    case 'CCall': {
      let args: IRExpr[] | undefined;
      for (let i = 0; i < e.args.length; i++) {
        const a = rebuild(e.args[i]!, tag, f);
        if (a !== e.args[i] && !args) args = e.args.slice(0, i);
        args?.push(a);
      }
      if (args) out = { tag: 'CCall', callee: e.callee, retTy: e.retTy, args };
      break;
    }
  }
  return tag === undefined || t === tag ? f(out) : out;
}

/** True if `pred` holds for `e` or any expression inside it. */
export function someNode(e: IRExpr, pred: (e: IRExpr) => boolean): boolean {
  if (pred(e)) return true;
  switch (e.tag) {
    case 'Const': case 'Get': case 'RdTmp': return false;
    case 'GetI': return someNode(e.ix, pred);
    case 'Load': return someNode(e.addr, pred);
    case 'ITE': return someNode(e.cond, pred) || someNode(e.iftrue, pred) || someNode(e.iffalse, pred);
    default:
      for (const a of e.args) if (someNode(a, pred)) return true;
      return false;
  }
}

/** A load may fault and a division may trap: such an expression must be evaluated exactly
 *  where the guest evaluates it, so passes neither drop nor duplicate it. */
export function exprMayFault(e: IRExpr): boolean {
  switch (e.tag) {
    case 'Const': case 'Get': case 'RdTmp': return false;
    case 'Load': return true;
    case 'GetI': return exprMayFault(e.ix);
    case 'ITE': return exprMayFault(e.cond) || exprMayFault(e.iftrue) || exprMayFault(e.iffalse);
    case 'CCall': return argsMayFault(e.args);
    default: return opMayTrap(e.op) || argsMayFault(e.args);
  }
}

function argsMayFault(args: readonly IRExpr[]): boolean {
  for (const a of args) if (exprMayFault(a)) return true;
  return false;
}

const isExpr = (a: IRDirtyArg): a is IRExpr => a.tag !== 'GSPTR' && a.tag !== 'VECRET';

/** The statement's top-level expressions, in evaluation order. */
export function stmtExprs(s: IRStmt): IRExpr[] {
  switch (s.tag) {
    case 'NoOp': case 'IMark': case 'MBE': return [];
    case 'AbiHint': return [s.base, s.nia];
    case 'Put': case 'WrTmp': return [s.data];
    case 'PutI': return [s.ix, s.data];
    case 'Store': return [s.addr, s.data];
    case 'CAS': return [s.addr, s.expdHi, s.expdLo, s.dataHi, s.dataLo].filter((x) => x !== undefined);
    case 'Dirty': return [...s.args.filter(isExpr), ...(s.mem ? [s.mem.addr] : []), s.guard];
    case 'Exit': return [s.guard];
  }
}

/** Calls `f(e, ctx)` on each of the statement's top-level expressions, in evaluation
 *  order, as `stmtExprs` lists them, without building the list. */
export function forEachStmtExpr<C>(s: IRStmt, f: (e: IRExpr, ctx: C) => void, ctx: C): void {
  switch (s.tag) {
    case 'NoOp': case 'IMark': case 'MBE': return;
    case 'AbiHint': f(s.base, ctx); f(s.nia, ctx); return;
    case 'Put': case 'WrTmp': f(s.data, ctx); return;
    case 'PutI': f(s.ix, ctx); f(s.data, ctx); return;
    case 'Store': f(s.addr, ctx); f(s.data, ctx); return;
    case 'CAS':
      f(s.addr, ctx);
      if (s.expdHi) f(s.expdHi, ctx);
      f(s.expdLo, ctx);
      if (s.dataHi) f(s.dataHi, ctx);
      f(s.dataLo, ctx);
      return;
    case 'Dirty':
      for (const a of s.args) if (isExpr(a)) f(a, ctx);
      if (s.mem) f(s.mem.addr, ctx);
      f(s.guard, ctx);
      return;
    case 'Exit': f(s.guard, ctx); return;
  }
}

/** The statement with `f` applied to each top-level expression (not to Exit's constant
 *  target); the statement itself when `f` changed none of them. */
export function mapStmtExprs(s: IRStmt, f: (e: IRExpr) => IRExpr): IRStmt {
  switch (s.tag) {
    case 'NoOp': case 'IMark': case 'MBE': return s;
    case 'AbiHint': {
      const base = f(s.base);
      const nia = f(s.nia);
      return base === s.base && nia === s.nia ? s : { ...s, base, nia };
    }
    case 'Put': {
      const data = f(s.data);
      return data === s.data ? s : { tag: 'Put', offset: s.offset, data };
    }
    case 'WrTmp': {
      const data = f(s.data);
      return data === s.data ? s : { tag: 'WrTmp', tmp: s.tmp, data };
    }
    case 'PutI': {
      const ix = f(s.ix);
      const data = f(s.data);
      return ix === s.ix && data === s.data ? s : { ...s, ix, data };
    }
    case 'Store': {
      const addr = f(s.addr);
      const data = f(s.data);
      return addr === s.addr && data === s.data ? s : { tag: 'Store', end: s.end, addr, data };
    }
    case 'CAS': {
      const addr = f(s.addr);
      const expdLo = f(s.expdLo);
      const dataLo = f(s.dataLo);
      const expdHi = s.expdHi && f(s.expdHi);
      const dataHi = s.dataHi && f(s.dataHi);
      if (addr === s.addr && expdLo === s.expdLo && dataLo === s.dataLo && expdHi === s.expdHi && dataHi === s.dataHi) return s;
      const out = { ...s, addr, expdLo, dataLo };
      if (expdHi) out.expdHi = expdHi;
      if (dataHi) out.dataHi = dataHi;
      return out;
    }
    case 'Dirty': {
      let args: IRDirtyArg[] | undefined;
      for (let i = 0; i < s.args.length; i++) {
        const a = s.args[i]!;
        const b = isExpr(a) ? f(a) : a;
        if (b !== a && !args) args = s.args.slice(0, i);
        args?.push(b);
      }
      const guard = f(s.guard);
      const addr = s.mem && f(s.mem.addr);
      if (!args && guard === s.guard && addr === s.mem?.addr) return s;
      const out = { ...s, args: args ?? s.args, guard };
      if (s.mem) out.mem = { ...s.mem, addr: addr! };
      return out;
    }
    case 'Exit': {
      const guard = f(s.guard);
      return guard === s.guard ? s : { tag: 'Exit', guard, dst: s.dst, jk: s.jk, offsIP: s.offsIP };
    }
  }
}

/** Temps read anywhere inside `e`. */
export function exprUses(e: IRExpr, into: Set<IRTemp> = new Set()): Set<IRTemp> {
  switch (e.tag) {
    case 'Const': case 'Get': return into;
    case 'RdTmp': into.add(e.tmp); return into;
    case 'GetI': return exprUses(e.ix, into);
    case 'Load': return exprUses(e.addr, into);
    case 'ITE': exprUses(e.cond, into); exprUses(e.iftrue, into); return exprUses(e.iffalse, into);
    default:
      for (const a of e.args) exprUses(a, into);
      return into;
  }
}
