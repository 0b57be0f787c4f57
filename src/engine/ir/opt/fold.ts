// Constant folding: an op whose operands are all constants becomes its value, using the
// exact semantics in evaluate.ts (cases that are undefined or trap stay for run time).
// Operands count as constant if they are literals or temps assigned a constant earlier in
// the block, so a whole chain folds in one sweep; replacing the remaining uses of such
// temps is copyprop.ts's job.
// An ITE with a constant condition becomes the chosen arm, unless the other arm could
// fault (ITE is strict, so its load or division would have run). A side exit whose guard
// folds to 0 is deleted; one whose guard folds to 1 is always taken, so it ends the block.

import { evaluateOp } from '../evaluate.ts';
import { opSignature } from '../ops.ts';
import type { Const, IRExpr, IRSB, IRStmt, IRTemp } from '../types.ts';
import { exprMayFault, mapExpr, mapStmtExprs } from '../walk.ts';

export function foldConstants(sb: IRSB): IRSB {
  const known = new Map<IRTemp, Const>();
  const fold = (e: IRExpr) => foldExpr(e, known);
  const stmts: IRStmt[] = [];
  for (const original of sb.stmts) {
    const s = mapStmtExprs(original, fold);
    if (s.tag === 'Exit') {
      const guard = constantOf(s.guard, known);
      if (guard?.value === 0n) continue;
      if (guard?.value === 1n) return { ...sb, stmts, next: s.dst, jumpkind: s.jk, offsIP: s.offsIP };
    }
    if (s.tag === 'WrTmp' && s.data.tag === 'Const') known.set(s.tmp, s.data);
    stmts.push(s);
  }
  return { ...sb, stmts, next: fold(sb.next) };
}

/** `e` with every constant subexpression folded; `known` maps temps to constants they hold. */
export function foldExpr(e: IRExpr, known: ReadonlyMap<IRTemp, Const> = new Map()): IRExpr {
  return mapExpr(e, (n) => foldNode(n, known));
}

function constantOf(e: IRExpr, known: ReadonlyMap<IRTemp, Const>): Const | undefined {
  return e.tag === 'Const' ? e : e.tag === 'RdTmp' ? known.get(e.tmp) : undefined;
}

/** Folds one node whose operands are already folded. */
function foldNode(e: IRExpr, known: ReadonlyMap<IRTemp, Const>): IRExpr {
  switch (e.tag) {
    case 'Unop': case 'Binop': case 'Triop': case 'Qop': {
      const args = (e.args as readonly IRExpr[]).map((a) => constantOf(a, known));
      if (!args.every((a) => a !== undefined)) return e;
      const value = evaluateOp(e.op, args.map((a) => a.value));
      return value === undefined ? e : { tag: 'Const', ty: opSignature(e.op).res, value };
    }
    case 'ITE': {
      const cond = constantOf(e.cond, known);
      if (!cond) return e;
      const [taken, dropped] = cond.value === 1n ? [e.iftrue, e.iffalse] : [e.iffalse, e.iftrue];
      return exprMayFault(dropped) ? e : taken;
    }
    default: return e;
  }
}
