// What both execution modes need besides the op table: binding helpers by name, the
// guest address of each statement, and turning how a block stopped into a BlockExit.

import type { CCall, Dirty, IRExpr, IRJumpKind, IRSB, IRType } from '../../ir/types.ts';
import { TYPE_BITS } from '../../ir/types.ts';
import { GuestFault } from '../../memory/port.ts';
import type { BlockExit } from '../backend.ts';
import type { HelperDecl, HelperSet, HelperValue } from '../helpers.ts';
import { OpTrap, type ExecEnv } from './env.ts';
import type { Value } from './values.ts';
import { bitsToValue } from './values.ts';

type CallablePure = (...args: Value[]) => Value;
type CallableDirty = (env: ExecEnv, ...args: Value[]) => Value | undefined;

function declared(helpers: HelperSet, name: string, kind: 'pure' | 'dirty'): HelperDecl {
  const d = helpers.get(name);
  if (!d || d.kind !== kind) throw new Error(`interp: no ${kind} helper '${name}'`);
  return d;
}

/** The helper's implementation as the interpreter calls it: with its values, except that
 *  a Word argument becomes a number and a Word result a bigint again. */
function adapt<F extends (...args: never[]) => HelperValue | undefined>(d: HelperDecl, skip: number): F {
  const impl = d.impl as unknown as (...args: unknown[]) => HelperValue | undefined;
  const words = d.params.map((p, i) => (p === 'Word' ? i + skip : -1)).filter((i) => i >= 0);
  const wordResult = d.result === 'Word';
  if (words.length === 0 && !wordResult) return impl as unknown as F;
  return ((...args: unknown[]) => {
    for (const i of words) args[i] = Number(args[i] as bigint);
    const r = impl(...args);
    return wordResult ? BigInt(r as number) : r;
  }) as unknown as F;
}

export function pureHelper(helpers: HelperSet, call: CCall): CallablePure {
  return adapt(declared(helpers, call.callee.name, 'pure'), 0);
}

export function dirtyHelper(helpers: HelperSet, d: Dirty): CallableDirty {
  return adapt(declared(helpers, d.callee.name, 'dirty'), 1);
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
