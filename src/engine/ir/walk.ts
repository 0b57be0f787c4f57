// Traversals shared by the checker and the passes: where a statement holds expressions,
// which temps it defines, and whether an expression can fault.

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

/** Rebuilds `e` bottom-up: operands first, then `f` on the node holding the new operands. */
export function mapExpr(e: IRExpr, f: (e: IRExpr) => IRExpr): IRExpr {
  const m = (x: IRExpr) => mapExpr(x, f);
  switch (e.tag) {
    case 'Const': case 'Get': case 'RdTmp': return f(e);
    case 'GetI': return f({ ...e, ix: m(e.ix) });
    case 'Load': return f({ ...e, addr: m(e.addr) });
    case 'Unop': return f({ ...e, args: [m(e.args[0])] });
    case 'Binop': return f({ ...e, args: [m(e.args[0]), m(e.args[1])] });
    case 'Triop': return f({ ...e, args: [m(e.args[0]), m(e.args[1]), m(e.args[2])] });
    case 'Qop': return f({ ...e, args: [m(e.args[0]), m(e.args[1]), m(e.args[2]), m(e.args[3])] });
    case 'ITE': return f({ ...e, cond: m(e.cond), iftrue: m(e.iftrue), iffalse: m(e.iffalse) });
    case 'CCall': return f({ ...e, args: e.args.map(m) });
  }
}

/** True if `pred` holds for `e` or any expression inside it. */
export function someNode(e: IRExpr, pred: (e: IRExpr) => boolean): boolean {
  return pred(e) || children(e).some((c) => someNode(c, pred));
}

/** A load may fault and a division may trap: such an expression must be evaluated exactly
 *  where the guest evaluates it, so passes neither drop nor duplicate it. */
export function exprMayFault(e: IRExpr): boolean {
  return someNode(e, (n) => n.tag === 'Load' || ('op' in n && opMayTrap(n.op)));
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

/** The statement with `f` applied to each top-level expression (not to Exit's constant target). */
export function mapStmtExprs(s: IRStmt, f: (e: IRExpr) => IRExpr): IRStmt {
  switch (s.tag) {
    case 'NoOp': case 'IMark': case 'MBE': return s;
    case 'AbiHint': return { ...s, base: f(s.base), nia: f(s.nia) };
    case 'Put': case 'WrTmp': return { ...s, data: f(s.data) };
    case 'PutI': return { ...s, ix: f(s.ix), data: f(s.data) };
    case 'Store': return { ...s, addr: f(s.addr), data: f(s.data) };
    case 'CAS': {
      const out = { ...s, addr: f(s.addr), expdLo: f(s.expdLo), dataLo: f(s.dataLo) };
      if (s.expdHi) out.expdHi = f(s.expdHi);
      if (s.dataHi) out.dataHi = f(s.dataHi);
      return out;
    }
    case 'Dirty': {
      const out = { ...s, args: s.args.map((a) => (isExpr(a) ? f(a) : a)), guard: f(s.guard) };
      if (s.mem) out.mem = { ...s.mem, addr: f(s.mem.addr) };
      return out;
    }
    case 'Exit': return { ...s, guard: f(s.guard) };
  }
}

/** Temps read anywhere inside `e`. */
export function exprUses(e: IRExpr, into: Set<IRTemp> = new Set()): Set<IRTemp> {
  if (e.tag === 'RdTmp') into.add(e.tmp);
  for (const c of children(e)) exprUses(c, into);
  return into;
}
