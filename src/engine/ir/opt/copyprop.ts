// Copy and constant propagation: after `tN = tM` or `tN = <constant>`, every later use of
// tN reads tM or the constant instead. The assignment itself is left for dce.ts; SSA
// guarantees tN and tM never change, so the substitution is valid everywhere after it.

import type { IRAtom, IRExpr, IRSB, IRTemp } from '../types.ts';
import { isAtom, mapExpr, mapStmtExprs } from '../walk.ts';

export function propagateCopies(sb: IRSB): IRSB {
  const copies = new Map<IRTemp, IRAtom>();
  const substitute = (e: IRExpr) => mapExpr(e, (n) => (n.tag === 'RdTmp' ? copies.get(n.tmp) ?? n : n));
  const stmts = sb.stmts.map((original) => {
    const s = mapStmtExprs(original, substitute);
    if (s.tag === 'WrTmp' && isAtom(s.data)) copies.set(s.tmp, s.data);
    return s;
  });
  return { ...sb, stmts, next: substitute(sb.next) };
}
