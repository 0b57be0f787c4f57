// Guest state forwarding within a block, in two sweeps.
//
// Forwards: a GET of guest state whose value the block already holds in an atom — from an
// earlier `PUT(off) = atom` (a PUT of a larger expression is first split into a temp and
// a PUT of it), or an earlier `tN = GET(off)` — becomes that atom. A GET of
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
import { opMayTrap, type UnaryOp } from '../ops.ts';
import { typeOfIRExpr } from '../typing.ts';
import {
  GUEST_WORD, irTemp, sizeofIRType, type Get, type IRAtom, type IRExpr, type IRRegArray, type IRSB, type IRStmt, type IRTemp, type IRType, type Put,
} from '../types.ts';
import { exprMayFault, forEachStmtExpr, isAtom, mapNodes, mapStmtExprs, someNode } from '../walk.ts';

export interface GuestRange {
  offset: number;
  size: number;
}

export interface ForwardOptions {
  /** Guest state that must be exact wherever a statement may fault; all of it if omitted. */
  preciseOffsets?: readonly GuestRange[];
}

/** Returns `sb` itself when it forwards and removes nothing. */
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

/** A slice of guest state whose current value is an atom: a constant, or a temp (kept as
 *  its number until a GET is forwarded to it). */
interface Known extends GuestRange {
  ty: IRType;
  value: IRAtom | IRTemp;
}

/** Byte-indexed scratch maps of guest state, shared by every call (a pass runs to its end
 *  before the next starts) and left all zero between calls. */
let owner = new Int32Array(1024);
let dead = new Uint8Array(1024);

function grow<T extends Int32Array | Uint8Array>(a: T, end: number): T {
  if (end <= a.length) return a;
  const bigger = new (a.constructor as new (n: number) => T)(Math.max(end, 2 * a.length));
  bigger.set(a);
  return bigger;
}

/** The non-overlapping slices of guest state whose value forwardGets knows; `owner[b]` is
 *  1 + the index in `slices` of the slice holding byte b, 0 if none does. */
class KnownSlices {
  private readonly slices: (Known | undefined)[] = [];
  private live = 0;

  get empty(): boolean { return this.live === 0; }

  forget(offset: number, size: number): void {
    for (let b = offset, end = Math.min(offset + size, owner.length); b < end && this.live > 0; b++) {
      const i = owner[b]! - 1;
      if (i < 0) continue;
      this.mark(this.slices[i]!, 0);
      this.slices[i] = undefined;
      this.live--;
    }
  }

  /** Remembers the slice unless it overlaps one already known. */
  remember(offset: number, ty: IRType, value: IRAtom | IRTemp): void {
    const size = bytesOf(ty);
    owner = grow(owner, offset + size);
    for (let b = offset; b < offset + size; b++) if (owner[b]) return;
    const k = { offset, size, ty, value };
    this.slices.push(k);
    this.mark(k, this.slices.length);
    this.live++;
  }

  /** What a GET reads, if a known slice holds all of it and it is that slice's value or
   *  an extractable part of it. */
  lookup(g: Get): IRExpr | undefined {
    const i = g.offset < owner.length ? owner[g.offset]! : 0;
    if (i === 0) return undefined;
    const k = this.slices[i - 1]!;
    if (g.offset + bytesOf(g.ty) > k.offset + k.size) return undefined;
    const whole = k.offset === g.offset && k.ty === g.ty;
    const part = whole ? undefined : PARTS[`${k.ty}>${g.ty}@${g.offset - k.offset}`];
    if (!whole && !part) return undefined;
    if (typeof k.value === 'number') k.value = { tag: 'RdTmp', tmp: k.value };
    return part ? unop(part, k.value) : k.value;
  }

  /** Leaves the byte map all zero. */
  clear(): void {
    for (const k of this.slices) if (k) this.mark(k, 0);
  }

  private mark(k: Known, index: number): void {
    for (let b = k.offset; b < k.offset + k.size; b++) owner[b] = index;
  }
}

function forwardGets(sb: IRSB): IRSB {
  const known = new KnownSlices();
  const lookup = (g: Get) => known.lookup(g) ?? g;
  const forwardExpr = (e: IRExpr) => (known.empty ? e : mapNodes(e, 'Get', lookup));
  let tyenv = sb.tyenv;
  let lastGets: LastGets | undefined;
  try {
    let stmts: IRStmt[] | undefined;
    for (let i = 0; i < sb.stmts.length; i++) {
      const original = sb.stmts[i]!;
      let s = mapStmtExprs(original, forwardExpr);
      if (s.tag === 'Put' && !isAtom(s.data) && (lastGets ??= lastGetOf(sb)).readAfter(s.offset, bytesOf(typeOfIRExpr(sb.tyenv, s.data)), i)) {
        // `PUT(off) = e` becomes `tN = e; PUT(off) = tN`, evaluated where it was, so that
        // the GETs of off after it can be forwarded to tN.
        if (tyenv === sb.tyenv) tyenv = sb.tyenv.slice();
        const tmp = irTemp(tyenv.push(typeOfIRExpr(sb.tyenv, s.data)) - 1);
        stmts ??= sb.stmts.slice(0, i);
        stmts.push({ tag: 'WrTmp', tmp, data: s.data });
        s = { ...s, data: { tag: 'RdTmp', tmp } };
      }
      if (s !== original) stmts ??= sb.stmts.slice(0, i);
      stmts?.push(s);
      switch (s.tag) {
        case 'Put': {
          const ty = typeOfIRExpr(tyenv, s.data);
          known.forget(s.offset, bytesOf(ty));
          if (isAtom(s.data)) known.remember(s.offset, ty, s.data);
          break;
        }
        case 'WrTmp':
          if (s.data.tag === 'Get') known.remember(s.data.offset, s.data.ty, s.tmp);
          break;
        case 'PutI':
          known.forget(s.descr.base, arraySize(s.descr));
          break;
        case 'Dirty':
          for (const fx of s.fxState) if (fx.fx !== 'Read') known.forget(fx.offset, fx.size);
          break;
      }
    }
    const next = forwardExpr(sb.next);
    return stmts || next !== sb.next ? { ...sb, tyenv, stmts: stmts ?? sb.stmts, next } : sb;
  } finally {
    known.clear();
  }
}

/** Where each guest state offset is last read by a GET (the block's `next` counting as
 *  the statement after the last). */
class LastGets {
  private readonly at = new Map<number, number>();

  note(offset: number, stmt: number): void { this.at.set(offset, stmt); }

  /** Whether a GET starting in the `size` bytes at `offset` comes after statement `stmt`. */
  readAfter(offset: number, size: number, stmt: number): boolean {
    for (let b = offset; b < offset + size; b++) if ((this.at.get(b) ?? -1) > stmt) return true;
    return false;
  }
}

function lastGetOf(sb: IRSB): LastGets {
  const last = new LastGets();
  let stmt = 0;
  const note = (e: IRExpr) => {
    if (e.tag === 'Get') last.note(e.offset, stmt);
    return false;
  };
  const visit = (e: IRExpr) => { someNode(e, note); };
  for (; stmt < sb.stmts.length; stmt++) forEachStmtExpr(sb.stmts[stmt]!, visit, undefined);
  visit(sb.next);
  return last;
}

const arraySize = (d: IRRegArray) => d.nElems * bytesOf(d.elemTy);

/** sizeofIRType by comparisons, which beat its table lookup where every GET and PUT asks. */
function bytesOf(ty: IRType): number {
  switch (ty) {
    case 'I64': case 'F64': return 8;
    case 'I32': case 'F32': return 4;
    case 'I8': return 1;
    case 'I16': return 2;
    case 'V128': case 'I128': return 16;
    case 'V256': return 32;
    default: return sizeofIRType(ty);
  }
}

/** The bytes of guest state that are surely overwritten before anything observes them, as
 *  removeRedundantPuts walks backwards: flags in the module's `dead` scratch. */
class DeadBytes {
  /** No byte at or above this is dead. */
  private end = 0;
  /** Set, while expressions are evaluated, if one of them may fault. */
  mayFault = false;

  constructor(private readonly precise: readonly GuestRange[] | undefined) {}

  kill(offset: number, size: number): void {
    if (offset + size > this.end) {
      dead = grow(dead, offset + size);
      this.end = offset + size;
    }
    for (let b = offset; b < offset + size; b++) dead[b] = 1;
  }

  allDead(offset: number, size: number): boolean {
    for (let b = offset; b < offset + size; b++) if (!dead[b]) return false;
    return true;
  }

  observe(offset: number, size: number): void {
    for (let b = offset, end = Math.min(offset + size, this.end); b < end; b++) dead[b] = 0;
  }

  /** After expressions are evaluated: if one of them may fault, a fault there. */
  evaluated(): void {
    if (this.mayFault) this.fault();
    this.mayFault = false;
  }

  /** A signal delivered here shows the guest state: all of it, or the precise ranges. */
  fault(): void {
    if (!this.precise) this.clear();
    else for (const r of this.precise) this.observe(r.offset, r.size);
  }

  /** A taken side exit shows all of the guest state but the IP, which it writes. */
  keepOnly(ip: GuestRange): void {
    let kept = 0;
    for (let b = 0; b < ip.size; b++) if (dead[ip.offset + b]) kept |= 1 << b;
    this.clear();
    for (let b = 0; b < ip.size; b++) if (kept & (1 << b)) this.kill(ip.offset + b, 1);
  }

  clear(): void {
    dead.fill(0, 0, this.end);
    this.end = 0;
  }
}

/** Evaluating `e` reads guest state (a GETI all of its array); notes whether it may fault. */
function observeReads(e: IRExpr, d: DeadBytes): void {
  switch (e.tag) {
    case 'Const': case 'RdTmp': return;
    case 'Get': d.observe(e.offset, bytesOf(e.ty)); return;
    case 'GetI': d.observe(e.descr.base, arraySize(e.descr)); observeReads(e.ix, d); return;
    case 'Load': d.mayFault = true; observeReads(e.addr, d); return;
    case 'ITE': observeReads(e.cond, d); observeReads(e.iftrue, d); observeReads(e.iffalse, d); return;
    case 'CCall': for (const a of e.args) observeReads(a, d); return;
    default:
      if (opMayTrap(e.op)) d.mayFault = true;
      for (const a of e.args) observeReads(a, d);
  }
}

const putSize = (sb: IRSB, s: Put) => bytesOf(typeOfIRExpr(sb.tyenv, s.data));

function removeRedundantPuts(sb: IRSB, precise: readonly GuestRange[] | undefined): IRSB {
  if (!someOverwrittenPut(sb)) return sb;
  const d = new DeadBytes(precise);
  const ip: GuestRange = { offset: sb.offsIP, size: bytesOf(GUEST_WORD) };
  const stmts = sb.stmts;
  // Statements kept, in reverse, from the first one removed (scanning backwards) on.
  let kept: IRStmt[] | undefined;
  try {
    // The block's end evaluates `next`, then writes it to the IP.
    d.kill(ip.offset, ip.size);
    observeReads(sb.next, d);
    d.evaluated();
    for (let i = stmts.length - 1; i >= 0; i--) {
      const s = stmts[i]!;
      let faults = false;
      switch (s.tag) {
        case 'Put': {
          const size = putSize(sb, s);
          if (d.allDead(s.offset, size) && !exprMayFault(s.data)) {
            kept ??= stmts.slice(i + 1).reverse();
            continue;
          }
          d.kill(s.offset, size);
          break;
        }
        case 'Exit':
          d.keepOnly(ip);
          break;
        case 'Dirty':
          for (const fx of s.fxState) if (fx.fx !== 'Write') d.observe(fx.offset, fx.size);
          faults = true;
          break;
        case 'Store': case 'CAS':
          faults = true;
          break;
      }
      forEachStmtExpr(s, observeReads, d);
      d.evaluated();
      // Statements that touch memory or call out may fault whatever their operands.
      if (faults) d.fault();
      kept?.push(s);
    }
  } finally {
    d.clear();
  }
  return kept ? { ...sb, stmts: kept.reverse() } : sb;
}

/** Whether some PUT is overwritten before the next exit or the block's end: the removable
 *  ones are among those, and usually there are none. Only PUTs and exits are looked at,
 *  not the expressions the full sweep evaluates. */
function someOverwrittenPut(sb: IRSB): boolean {
  const d = new DeadBytes(undefined);
  const ip: GuestRange = { offset: sb.offsIP, size: bytesOf(GUEST_WORD) };
  try {
    d.kill(ip.offset, ip.size);
    for (let i = sb.stmts.length - 1; i >= 0; i--) {
      const s = sb.stmts[i]!;
      if (s.tag === 'Put') {
        const size = putSize(sb, s);
        if (d.allDead(s.offset, size)) return true;
        d.kill(s.offset, size);
      } else if (s.tag === 'Exit') {
        d.keepOnly(ip);
      }
    }
    return false;
  } finally {
    d.clear();
  }
}
