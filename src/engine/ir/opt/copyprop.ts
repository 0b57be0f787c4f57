// Copy and constant propagation: after `tN = tM` or `tN = <constant>`, every later use of
// tN reads tM or the constant instead. The assignment itself is left for dce.ts; SSA
// guarantees tN and tM never change, so the substitution is valid everywhere after it.

import type { IRAtom, IRExpr, IRSB, IRStmt, RdTmp } from '../types.ts';
import { isAtom, mapNodes, mapStmtExprs } from '../walk.ts';

/** Returns `sb` itself when there is nothing to propagate. */
export function propagateCopies(sb: IRSB): IRSB {
  // copies[t]: the atom temp t is a copy of, once its assignment has been seen.
  const copies = new Array<IRAtom | undefined>(sb.tyenv.length);
  const substitute = (n: RdTmp): IRExpr => copies[n.tmp] ?? n;
  const rewrite = (e: IRExpr) => mapNodes(e, 'RdTmp', substitute);
  let any = false;
  let stmts: IRStmt[] | undefined;
  for (let i = 0; i < sb.stmts.length; i++) {
    const original = sb.stmts[i]!;
    const s = any ? mapStmtExprs(original, rewrite) : original;
    if (s !== original && !stmts) stmts = sb.stmts.slice(0, i);
    stmts?.push(s);
    if (s.tag === 'WrTmp' && isAtom(s.data)) { copies[s.tmp] = s.data; any = true; }
  }
  const next = any ? rewrite(sb.next) : sb.next;
  return stmts || next !== sb.next ? { ...sb, stmts: stmts ?? sb.stmts, next } : sb;
}
