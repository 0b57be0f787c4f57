// Dead code removal: an assignment `tN = e` whose temp is never read is deleted, working
// backwards so whole dead chains go in one pass. Statements with effects stay (PUT, store,
// CAS, Dirty, exits, IMark and AbiHint for the tools), and so does an assignment whose
// expression may fault — a dead load still faults on a bad address. NoOps are dropped.

import type { IRExpr, IRSB, IRStmt, IRTemp } from '../types.ts';
import { exprMayFault, forEachStmtExpr, someNode } from '../walk.ts';

/** Returns `sb` itself when nothing is dead. */
export function removeDeadCode(sb: IRSB): IRSB {
  const live = new LiveTemps(sb.tyenv.length);
  markUses(sb.next, live);
  const stmts = sb.stmts;
  // Statements kept, in reverse, from the first one removed (scanning backwards) on.
  let kept: IRStmt[] | undefined;
  for (let i = stmts.length - 1; i >= 0; i--) {
    const s = stmts[i]!;
    if (s.tag === 'NoOp' || (s.tag === 'WrTmp' && !live.has(s.tmp) && !exprMayFault(s.data))) {
      kept ??= stmts.slice(i + 1).reverse();
      continue;
    }
    forEachStmtExpr(s, markUses, live);
    kept?.push(s);
  }
  return kept ? { ...sb, stmts: kept.reverse() } : sb;
}

/** Per temp, the id of the last LiveTemps to mark it: shared by every call, so that a new
 *  set starts empty without clearing anything. */
let stamps = new Uint32Array(256);
let lastId = 0;

/** The temps read by what removeDeadCode has kept so far. */
class LiveTemps {
  private readonly id: number;

  constructor(temps: number) {
    if (stamps.length < temps || lastId === 0xffffffff) {
      stamps = new Uint32Array(Math.max(temps, 2 * stamps.length));
      lastId = 0;
    }
    this.id = ++lastId;
  }

  add(t: IRTemp): void { stamps[t] = this.id; }
  has(t: IRTemp): boolean { return stamps[t] === this.id; }
}

/** Marks the temps `e` reads. */
function markUses(e: IRExpr, live: LiveTemps): void {
  switch (e.tag) {
    case 'Const': case 'Get': return;
    case 'RdTmp': live.add(e.tmp); return;
    case 'GetI': markUses(e.ix, live); return;
    case 'Load': markUses(e.addr, live); return;
    case 'ITE': markUses(e.cond, live); markUses(e.iftrue, live); markUses(e.iffalse, live); return;
    default: for (const a of e.args) markUses(a, live);
  }
}

/** Whether an assignment removeDeadCode took out of `before`, leaving `after`, read guest
 *  state. */
export function removedReadsOfGuestState(before: IRSB, after: IRSB): boolean {
  let j = 0;
  for (const s of before.stmts) {
    if (s === after.stmts[j]) j++;
    else if (s.tag === 'WrTmp' && someNode(s.data, readsGuestState)) return true;
  }
  return false;
}

const readsGuestState = (e: IRExpr) => e.tag === 'Get' || e.tag === 'GetI';
