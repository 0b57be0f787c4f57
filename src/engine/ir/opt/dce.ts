// Dead code removal: an assignment `tN = e` whose temp is never read is deleted, working
// backwards so whole dead chains go in one pass. Statements with effects stay (PUT, store,
// CAS, Dirty, exits, IMark and AbiHint for the tools), and so does an assignment whose
// expression may fault — a dead load still faults on a bad address. NoOps are dropped.

import type { IRSB, IRStmt, IRTemp } from '../types.ts';
import { exprMayFault, exprUses, stmtExprs } from '../walk.ts';

export function removeDeadCode(sb: IRSB): IRSB {
  const live = exprUses(sb.next, new Set<IRTemp>());
  const kept: IRStmt[] = [];
  for (let i = sb.stmts.length - 1; i >= 0; i--) {
    const s = sb.stmts[i]!;
    if (s.tag === 'NoOp') continue;
    if (s.tag === 'WrTmp' && !live.has(s.tmp) && !exprMayFault(s.data)) continue;
    for (const e of stmtExprs(s)) exprUses(e, live);
    kept.push(s);
  }
  return { ...sb, stmts: kept.reverse() };
}
