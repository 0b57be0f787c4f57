// Guest state forwarding within a block, in two sweeps.
//
// Forwards: a GET of guest state whose value the block already holds in an atom — from an
// earlier `PUT(off) = atom`, or an earlier `tN = GET(off)` — becomes that atom. A GET of
// part of what was PUT becomes a narrowing of the PUT value when the part has an op
// (GET:I32 of an I64 PUT at the same offset is 64to32 of it); other overlaps keep the GET.
// A PUT, a PUTI into the array, or a Dirty helper's declared write forgets what it overlaps.
//
// Backwards: a PUT is redundant when every byte it writes is written again before anything
// can observe it. Observers are GETs (a GETI observes its whole array), a Dirty helper's
// declared reads, the side exits (a taken exit shows all of the guest state but the IP,
// which it overwrites), the end of the block (everything), and a statement that may
// fault — a load, store, CAS, Dirty helper or division — since a signal delivered there
// shows the guest registers. By default all guest state must be exact at a fault, as we
// deliver SIGSEGV with exact registers; `preciseOffsets` narrows that to the given
// ranges (VEX keeps only the IP and stack registers exact). A PUT whose value may fault
// itself is never removed.

import { unop } from '../builder.ts';
import type { UnaryOp } from '../ops.ts';
import { typeOfIRExpr } from '../typing.ts';
import {
  GUEST_WORD, sizeofIRType, type Get, type IRAtom, type IRExpr, type IRRegArray, type IRSB, type IRStmt, type IRType,
} from '../types.ts';
import { children, exprMayFault, isAtom, mapExpr, mapStmtExprs, stmtExprs } from '../walk.ts';

export interface GuestRange {
  offset: number;
  size: number;
}

export interface ForwardOptions {
  /** Guest state that must be exact wherever a statement may fault; all of it if omitted. */
  preciseOffsets?: readonly GuestRange[];
}

export function forwardGuestState(sb: IRSB, options: ForwardOptions = {}): IRSB {
  return removeRedundantPuts(forwardGets(sb), options.preciseOffsets);
}

/** The ops that extract the part of a `put`-typed value a GET of `get` type at byte `delta`
 *  reads, keyed `put>get@delta` (guest state is little-endian). */
const PARTS: Readonly<Record<string, UnaryOp>> = {
  'I64>I32@0': '64to32', 'I64>I32@4': '64HIto32', 'I64>I16@0': '64to16', 'I64>I8@0': '64to8',
  'I32>I16@0': '32to16', 'I32>I16@2': '32HIto16', 'I32>I8@0': '32to8',
  'I16>I8@0': '16to8', 'I16>I8@1': '16HIto8',
  'V128>I64@0': 'V128to64', 'V128>I64@8': 'V128HIto64', 'V128>I32@0': 'V128to32',
  'V256>V128@0': 'V256toV128_0', 'V256>V128@16': 'V256toV128_1',
  'F64>I64@0': 'ReinterpF64asI64', 'I64>F64@0': 'ReinterpI64asF64',
  'F32>I32@0': 'ReinterpF32asI32', 'I32>F32@0': 'ReinterpI32asF32',
};

interface Known extends GuestRange {
  ty: IRType;
  value: IRAtom;
}

const overlaps = (a: GuestRange, b: GuestRange) => a.offset < b.offset + b.size && b.offset < a.offset + a.size;

function forwardGets(sb: IRSB): IRSB {
  // Non-overlapping slices of guest state whose current value is an atom.
  let known: Known[] = [];
  const forget = (r: GuestRange) => { known = known.filter((k) => !overlaps(k, r)); };
  const remember = (offset: number, ty: IRType, value: IRAtom) => {
    const k = { offset, size: sizeofIRType(ty), ty, value };
    if (!known.some((other) => overlaps(other, k))) known.push(k);
  };
  const lookup = (g: Get): IRExpr => {
    const size = sizeofIRType(g.ty);
    const k = known.find((k) => k.offset <= g.offset && g.offset + size <= k.offset + k.size);
    if (!k) return g;
    if (k.offset === g.offset && k.ty === g.ty) return k.value;
    const part = PARTS[`${k.ty}>${g.ty}@${g.offset - k.offset}`];
    return part ? unop(part, k.value) : g;
  };
  const forwardExpr = (e: IRExpr) => mapExpr(e, (n) => (n.tag === 'Get' ? lookup(n) : n));

  const stmts = sb.stmts.map((original) => {
    const s = mapStmtExprs(original, forwardExpr);
    switch (s.tag) {
      case 'Put': {
        const ty = typeOfIRExpr(sb.tyenv, s.data);
        forget({ offset: s.offset, size: sizeofIRType(ty) });
        if (isAtom(s.data)) remember(s.offset, ty, s.data);
        break;
      }
      case 'WrTmp':
        if (s.data.tag === 'Get') remember(s.data.offset, s.data.ty, { tag: 'RdTmp', tmp: s.tmp });
        break;
      case 'PutI':
        forget(arrayRange(s.descr));
        break;
      case 'Dirty':
        for (const fx of s.fxState) if (fx.fx !== 'Read') forget(fx);
        break;
    }
    return s;
  });
  return { ...sb, stmts, next: forwardExpr(sb.next) };
}

const arrayRange = (d: IRRegArray): GuestRange =>
  ({ offset: d.base, size: d.nElems * sizeofIRType(d.elemTy) });

/** Guest state `e` reads. */
function reads(e: IRExpr, into: GuestRange[] = []): GuestRange[] {
  if (e.tag === 'Get') into.push({ offset: e.offset, size: sizeofIRType(e.ty) });
  if (e.tag === 'GetI') into.push(arrayRange(e.descr));
  for (const c of children(e)) reads(c, into);
  return into;
}

/** Statements that touch memory or call out may fault whatever their operands. */
const mayFaultItself = (s: IRStmt) => s.tag === 'Store' || s.tag === 'CAS' || s.tag === 'Dirty';

function removeRedundantPuts(sb: IRSB, precise: readonly GuestRange[] | undefined): IRSB {
  // Bytes of guest state that are surely overwritten before anything observes them.
  const dead = new Set<number>();
  const bytes = (r: GuestRange) => Array.from({ length: r.size }, (_, i) => r.offset + i);
  const observe = (r: GuestRange) => bytes(r).forEach((b) => dead.delete(b));
  const fault = () => (precise ? precise.forEach(observe) : dead.clear());
  const ip: GuestRange = { offset: sb.offsIP, size: sizeofIRType(GUEST_WORD) };
  // Evaluating a statement's expressions reads guest state and may fault.
  const evaluate = (es: IRExpr[]) => {
    for (const e of es) reads(e).forEach(observe);
    if (es.some(exprMayFault)) fault();
  };

  // The block's end evaluates `next`, then writes it to the IP.
  bytes(ip).forEach((b) => dead.add(b));
  evaluate([sb.next]);

  const kept: IRStmt[] = [];
  for (let i = sb.stmts.length - 1; i >= 0; i--) {
    const s = sb.stmts[i]!;
    if (s.tag === 'Put') {
      const r = { offset: s.offset, size: sizeofIRType(typeOfIRExpr(sb.tyenv, s.data)) };
      if (bytes(r).every((b) => dead.has(b)) && !exprMayFault(s.data)) continue;
      bytes(r).forEach((b) => dead.add(b));
    }
    if (s.tag === 'Exit') {
      for (const b of dead) if (b < ip.offset || b >= ip.offset + ip.size) dead.delete(b);
    }
    if (s.tag === 'Dirty') s.fxState.filter((fx) => fx.fx !== 'Write').forEach(observe);
    evaluate(stmtExprs(s));
    if (mayFaultItself(s)) fault();
    kept.push(s);
  }
  return { ...sb, stmts: kept.reverse() };
}
