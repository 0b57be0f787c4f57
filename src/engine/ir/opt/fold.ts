// Constant folding: an op whose operands are all constants becomes its value, using the
// exact semantics in evaluate.ts (cases that are undefined or trap stay for run time).
// An ITE with a constant condition becomes the chosen arm, unless the other arm could
// fault (ITE is strict, so its load or division would have run). A side exit whose guard
// folds to 0 is deleted; one whose guard folds to 1 is always taken, so it ends the block.

import { evaluateOp } from '../evaluate.ts';
import { opSignature } from '../ops.ts';
import type { Const, IRExpr, IRSB, IRStmt } from '../types.ts';
import { exprMayFault, mapExpr, mapStmtExprs } from '../walk.ts';

export function foldConstants(sb: IRSB): IRSB {
  const stmts: IRStmt[] = [];
  for (const original of sb.stmts) {
    const s = mapStmtExprs(original, foldExpr);
    if (s.tag === 'Exit' && s.guard.tag === 'Const') {
      if (s.guard.value === 0n) continue;
      return { ...sb, stmts, next: s.dst, jumpkind: s.jk, offsIP: s.offsIP };
    }
    stmts.push(s);
  }
  return { ...sb, stmts, next: foldExpr(sb.next) };
}

export function foldExpr(e: IRExpr): IRExpr {
  return mapExpr(e, foldNode);
}

/** Folds one node whose operands are already folded. */
function foldNode(e: IRExpr): IRExpr {
  switch (e.tag) {
    case 'Unop': case 'Binop': case 'Triop': case 'Qop': {
      const args = e.args as readonly IRExpr[];
      if (!args.every((a): a is Const => a.tag === 'Const')) return e;
      const value = evaluateOp(e.op, args.map((a) => a.value));
      return value === undefined ? e : { tag: 'Const', ty: opSignature(e.op).res, value };
    }
    case 'ITE': {
      if (e.cond.tag !== 'Const') return e;
      const [taken, dropped] = e.cond.value === 1n ? [e.iftrue, e.iffalse] : [e.iffalse, e.iftrue];
      return exprMayFault(dropped) ? e : taken;
    }
    default: return e;
  }
}
