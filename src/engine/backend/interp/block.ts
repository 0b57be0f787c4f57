// What both execution modes need besides the op table: binding helpers by name, the
// guest address of each statement, and turning how a block stopped into a BlockExit.

import type { CCall, Dirty, IRExpr, IRJumpKind, IRSB, IRType } from '../../ir/types.ts';
import { TYPE_BITS } from '../../ir/types.ts';
import { GuestFault, OpTrap, type BlockExit, type DirtyHelper, type ExecEnv, type HelperTable, type PureHelper } from './env.ts';
import type { Value } from './values.ts';
import { bitsToValue } from './values.ts';

type CallablePure = (...args: Value[]) => Value;
type CallableDirty = (env: ExecEnv, ...args: Value[]) => Value | undefined;

export function pureHelper(helpers: HelperTable, call: CCall): CallablePure {
  const f: PureHelper | undefined = helpers.pure[call.callee.name];
  if (!f) throw new Error(`interp: no pure helper '${call.callee.name}' for a CCall`);
  return f as unknown as CallablePure;
}

export function dirtyHelper(helpers: HelperTable, d: Dirty): CallableDirty {
  const f: DirtyHelper | undefined = helpers.dirty[d.callee.name];
  if (!f) throw new Error(`interp: no dirty helper '${d.callee.name}'`);
  return f as unknown as CallableDirty;
}

/** A Dirty call's arguments as passed to the helper: without the GSPTR and VECRET markers,
 *  whose roles the env and the helper's return value play. */
export function dirtyArgs(d: Dirty): IRExpr[] {
  return d.args.filter((a): a is IRExpr => a.tag !== 'GSPTR' && a.tag !== 'VECRET');
}

/** What a Dirty call's result temp holds when the guard is false: VEX's 0x555..5. */
export function skippedDirtyResult(ty: IRType): Value {
  const bits = TYPE_BITS[ty];
  return bitsToValue(ty, ty === 'I1' ? 1n : ((1n << BigInt(bits)) - 1n) / 3n);
}

/** For each statement index (and stmts.length), the address of the IMark it falls under. */
export function imarkAddresses(sb: IRSB): (number | undefined)[] {
  let addr: number | undefined;
  const out: (number | undefined)[] = [];
  for (const s of sb.stmts) {
    if (s.tag === 'IMark') addr = s.addr;
    out.push(addr);
  }
  out.push(addr);
  return out;
}

export function exitTo(jk: IRJumpKind, next: bigint, stmtIndex: number): BlockExit {
  return { kind: 'exit', jk, next: Number(next), stmtIndex };
}

/** The BlockExit for an exception thrown by statement `stmtIndex`: a guest fault or a
 *  trap; anything else is an engine bug and propagates. */
export function stopped(e: unknown, stmtIndex: number, guestAddr: number | undefined): BlockExit {
  if (e instanceof GuestFault) return { kind: 'fault', fault: e.fault, stmtIndex, guestAddr };
  if (e instanceof OpTrap) return { kind: 'trap', jk: 'SigFPE_IntDiv', op: e.op, stmtIndex, guestAddr };
  throw e;
}
