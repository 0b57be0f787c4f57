// Constant folding: an op whose operands are all constants becomes its value, using the
// exact semantics in evaluate.ts (cases that are undefined or trap stay for run time).
// Operands count as constant if they are literals or temps assigned a constant earlier in
// the block, so a whole chain folds in one sweep; replacing the remaining uses of such
// temps is copyprop.ts's job.
// Integer ops whose constant operand makes them the identity or a constant (x & ~0,
// x | 0, x + 0, x << 0, x * 1, x & 0), and ops of a temp with itself (t ^ t, t - t,
// t & t, t == t), simplify as VEX's folder simplifies them: memcheck's shadow arithmetic
// of defined values is mostly these. An operand that could fault is never dropped. A
// narrowing of a widening from the same width (64to1(1Uto64(x)), 64to32(32Sto64(x)), also
// through a temp) is x, where x reads only temps and constants, so that it may move.
// An ITE with a constant condition becomes the chosen arm, unless the other arm could
// fault (ITE is strict, so its load or division would have run). A side exit whose guard
// folds to 0 is deleted; one whose guard folds to 1 is always taken, so it ends the block.

import { evaluateOp } from '../evaluate.ts';
import { ALL_OPS, type IROp, opMayTrap, opSignature } from '../ops.ts';
import type { Const, IRExpr, IRSB, IRStmt, IRTemp, IRType, Unop } from '../types.ts';
import { exprMayFault, mapExpr, mapStmtExprs } from '../walk.ts';

/** The constants temps are known to hold, indexed by temp. */
type Constants = readonly (Const | undefined)[];

/** Returns `sb` itself when nothing folds. */
export function foldConstants(sb: IRSB): IRSB {
  const constants = new Array<Const | undefined>(sb.tyenv.length);
  const widenings = new Array<Unop | undefined>(sb.tyenv.length);
  const node = nodeFolder(constants, widenings);
  const fold = (e: IRExpr) => mapExpr(e, node);
  let stmts: IRStmt[] | undefined;
  const src = sb.stmts;
  for (let i = 0; i < src.length; i++) {
    const original = src[i]!;
    const s = mapStmtExprs(original, fold);
    if (s.tag === 'Exit') {
      const guard = constantOf(s.guard, constants);
      if (guard?.value === 0n) { stmts ??= src.slice(0, i); continue; }
      if (guard?.value === 1n) return { ...sb, stmts: stmts ?? src.slice(0, i), next: s.dst, jumpkind: s.jk, offsIP: s.offsIP };
    }
    if (s.tag === 'WrTmp' && s.data.tag === 'Const') constants[s.tmp] = s.data;
    if (s.tag === 'WrTmp' && s.data.tag === 'Unop' && WIDENINGS.has(s.data.op) && movable(s.data.args[0])) widenings[s.tmp] = s.data;
    if (s !== original) stmts ??= src.slice(0, i);
    stmts?.push(s);
  }
  const next = fold(sb.next);
  return stmts || next !== sb.next ? { ...sb, stmts: stmts ?? src, next } : sb;
}

/** `e` with every constant subexpression folded; `known` maps temps to constants they hold. */
export function foldExpr(e: IRExpr, known: ReadonlyMap<IRTemp, Const> = new Map()): IRExpr {
  const constants: (Const | undefined)[] = [];
  for (const [tmp, c] of known) constants[tmp] = c;
  return mapExpr(e, nodeFolder(constants, []));
}

function constantOf(e: IRExpr, constants: Constants): Const | undefined {
  return e.tag === 'Const' ? e : e.tag === 'RdTmp' ? constants[e.tmp] : undefined;
}

/** Folds one node whose operands are already folded; `widenings` holds the temps assigned
 *  a widening of a movable operand. */
const nodeFolder = (constants: Constants, widenings: readonly (Unop | undefined)[]) => (e: IRExpr): IRExpr => {
  switch (e.tag) {
    case 'Unop': case 'Binop': case 'Triop': case 'Qop': {
      const args = e.args as readonly IRExpr[];
      if (!args.every((a) => constantOf(a, constants))) {
        if (e.tag === 'Binop') return simplified(e.op, args[0]!, args[1]!, constants) ?? e;
        if (e.tag === 'Unop') return unwidened(e, widenings) ?? e;
        return e;
      }
      const value = evaluateOp(e.op, args.map((a) => constantOf(a, constants)!.value));
      return value === undefined ? e : { tag: 'Const', ty: opSignature(e.op).res, value };
    }
    case 'ITE': {
      const cond = constantOf(e.cond, constants);
      if (!cond) return e;
      const taken = cond.value === 1n ? e.iftrue : e.iffalse;
      const dropped = cond.value === 1n ? e.iffalse : e.iftrue;
      return exprMayFault(dropped) ? e : taken;
    }
    default: return e;
  }
};

/** The integer ops `simplified` knows, looked up once: what they do, and the all-ones
 *  value of their width. */
const SIMPLE_OPS = new Map(ALL_OPS.flatMap((op) => {
  const m = /^(Add|Sub|Mul|And|Or|Xor|Shl|Shr|Sar|CmpEQ|CmpNE)(8|16|32|64)$/.exec(op);
  return m ? [[op, { kind: m[1]!, ones: (1n << BigInt(m[2]!)) - 1n }] as const] : [];
}));

/** `a op b` made simpler, when a constant operand makes it trivial or both operands are
 *  the same temp; else undefined. */
function simplified(op: IROp, a: IRExpr, b: IRExpr, constants: Constants): IRExpr | undefined {
  const known = SIMPLE_OPS.get(op);
  if (!known) return undefined;
  const { kind, ones } = known;
  const ty = opSignature(op).res;
  const ca = constantOf(a, constants)?.value;
  const cb = constantOf(b, constants)?.value;
  const value = (v: bigint, t: IRType = ty): IRExpr => ({ tag: 'Const', ty: t, value: v });
  // `keep` in place of the op, dropping `drop`, unless dropping it would drop a fault.
  const unless = (keep: IRExpr, drop: IRExpr): IRExpr | undefined => (exprMayFault(drop) ? undefined : keep);
  const same = a.tag === 'RdTmp' && b.tag === 'RdTmp' && a.tmp === b.tmp;
  switch (kind) {
    case 'Add': case 'Or': case 'Xor':
      if (cb === 0n) return a;
      if (ca === 0n) return b;
      if (kind === 'Or' && (cb === ones || ca === ones)) return unless(value(ones), cb === ones ? a : b);
      if (same && kind === 'Or') return a;
      if (same && kind === 'Xor') return value(0n);
      return undefined;
    case 'Sub':
      if (cb === 0n) return a;
      return same ? value(0n) : undefined;
    case 'Shl': case 'Shr': case 'Sar':
      return cb === 0n ? a : undefined;
    case 'Mul':
      if (cb === 1n) return a;
      if (ca === 1n) return b;
      return undefined;
    case 'And':
      if (cb === ones) return a;
      if (ca === ones) return b;
      if (cb === 0n || ca === 0n) return unless(value(0n), cb === 0n ? a : b);
      return same ? a : undefined;
    case 'CmpEQ': case 'CmpNE':
      return same ? value(kind === 'CmpEQ' ? 1n : 0n, 'I1') : undefined;
  }
  return undefined;
}

/** The widenings (8Uto64, 32Sto64 ...) as `from>to` in bits, and the plain narrowings
 *  (64to32 ...) as the widening they undo, looked up once. */
const WIDENINGS = new Map(ALL_OPS.flatMap((op) => {
  const m = /^(\d+)[US]to(\d+)$/.exec(op);
  return m ? [[op, `${m[1]}>${m[2]}`] as const] : [];
}));
const NARROWINGS = new Map(ALL_OPS.flatMap((op) => {
  const m = /^(\d+)to(\d+)$/.exec(op);
  return m ? [[op, `${m[2]}>${m[1]}`] as const] : [];
}));

/** `e`, a narrowing, of a widening from the width it narrows to: the widened operand. */
function unwidened(e: Unop, widenings: readonly (Unop | undefined)[]): IRExpr | undefined {
  const undoes = NARROWINGS.get(e.op);
  if (!undoes) return undefined;
  const arg = e.args[0];
  const inner = arg.tag === 'Unop' ? arg : arg.tag === 'RdTmp' ? widenings[arg.tmp] : undefined;
  return inner && WIDENINGS.get(inner.op) === undoes ? inner.args[0] : undefined;
}

/** Whether `e` computes the same value anywhere later in the block: it reads only temps
 *  and constants (not guest state or memory), and cannot trap. */
function movable(e: IRExpr): boolean {
  switch (e.tag) {
    case 'Const': case 'RdTmp': return true;
    case 'Unop': case 'Binop': case 'Triop': case 'Qop': return !opMayTrap(e.op) && (e.args as readonly IRExpr[]).every(movable);
    case 'ITE': return movable(e.cond) && movable(e.iftrue) && movable(e.iffalse);
    default: return false;
  }
}
