// Memcheck's instrumentation pass: copies a superblock statement by statement, putting
// before each one the IR that computes its V bits (vbits.ts) and the checks memcheck
// makes — as mc_translate.c does, so `--trace-flags` style output reads alike:
//
// - every temp tN has a shadow (an atom of shadowType) holding its V bits;
// - guest state: the shadow of GET/PUT(off) is GET/PUT(off + SHADOW_STATE_OFFSET), except
//   the slices VEX's amd64 layout declares always defined (rip, CC_OP, ...);
// - memory: loads and stores call the shadow load/store helpers (shadow-helpers.ts), which
//   also report unaddressable accesses;
// - checks: a value whose definedness decides control flow or an address (exit guards,
//   load/store/CAS addresses, GETI/PUTI indices, a computed jump target, a Dirty guard)
//   calls a value_checkN_fail helper, guarded by "some bit is undefined"; afterwards the
//   value counts as defined, so one bad value is reported once.
//
// Shadow statements for an original statement go just before it, so an error is reported
// with the guest state as it was before the instruction's effect.
//
// With origins (trackOrigins, --track-origins=yes) every value also gets an origin tag
// (otag, an I32; 0 = unknown) saying which allocation made it undefined, as memcheck's
// "B" statements do: an operation's otag is the Max32U of its operands' otags (any
// undefined bit of the result came from one of them, and the defined ones usually carry
// 0); the guest state's otags are a third copy at ORIGIN_STATE_OFFSET; memory's come from
// the b_load/b_store helpers; a check passes the otag on to its report.

import { IRSBBuilder, binop, c32, c64, get, getI, ite, unop } from '../../ir/builder.ts';
import {
  sizeofIRType, type CAS, type Dirty, type IRAtom, type IRExpr, type IRGuestEffect, type IRRegArray, type IRSB,
  type IRStmt, type IRTemp, type IRType,
} from '../../ir/types.ts';
import {
  OFFSET_CC_NDEP, OFFSET_CC_OP, OFFSET_CMLEN, OFFSET_CMSTART, OFFSET_DFLAG, OFFSET_EMNOTE, OFFSET_FC3210,
  OFFSET_FPROUND, OFFSET_FPTAG, OFFSET_FS_BASE, OFFSET_FTOP, OFFSET_GPR, OFFSET_IDFLAG, OFFSET_IP_AT_SYSCALL,
  OFFSET_RIP, OFFSET_RSP, OFFSET_SC_CLASS, OFFSET_SSEROUND, OFFSET_YMM, STACK_REDZONE,
} from '../../guest/amd64/state.ts';
import { ORIGIN_STATE_OFFSET, SHADOW_STATE_OFFSET } from './shadow-state.ts';
import { binopV, definedOf, lazy, pcast, shadowType, triopV, unopV, uifu, type Detail } from './vbits.ts';
import {
  MAKE_STACK_UNINIT, MAKE_STACK_UNINIT_128, MAKE_STACK_UNINIT_W_O, SP_UPDATE, SP_UPDATE_W_O, STACK_MOVES,
  dieMemStackHelperName, loadHelperName, newMemStackHelperName, originLoadHelperName, originStoreHelperName,
  storeHelperName, valueCheckHelperName, valueCheckOriginHelperName,
} from './shadow-helpers.ts';

export interface InstrumentOptions {
  /** false: no uninitialised-value checks (--undef-value-errors=no); V bits still flow. */
  undefValueErrors?: boolean;
  /** --track-origins=yes: also propagate origin tags (the block then needs
   *  MEMCHECK_ORIGIN_STATE_SIZE of guest state, and memcheckHelpers' origin helpers). */
  trackOrigins?: boolean;
}

/** Guest state that memcheck treats as always defined: no shadow is read or written for
 *  it (VEX's amd64 layout, alwaysDefd). */
const ALWAYS_DEFINED: readonly { offset: number; size: number }[] = [
  [OFFSET_CC_OP, 8], [OFFSET_CC_NDEP, 8], [OFFSET_DFLAG, 8], [OFFSET_IDFLAG, 8], [OFFSET_RIP, 8],
  [OFFSET_FS_BASE, 8], [OFFSET_FTOP, 4], [OFFSET_FPTAG, 8], [OFFSET_FPROUND, 8], [OFFSET_FC3210, 8],
  [OFFSET_EMNOTE, 4], [OFFSET_SSEROUND, 8], [OFFSET_CMSTART, 8], [OFFSET_CMLEN, 8], [OFFSET_SC_CLASS, 8],
  [OFFSET_IP_AT_SYSCALL, 8],
].map(([offset, size]) => ({ offset: offset!, size: size! }));

function alwaysDefined(offset: number, size: number): boolean {
  return ALWAYS_DEFINED.some((r) => r.offset <= offset && offset + size <= r.offset + r.size);
}

const YMM_BASE = OFFSET_YMM(0);
const YMM_END = OFFSET_YMM(17);

/** Where the otag of guest state [offset, offset+size) lives (before adding
 *  ORIGIN_STATE_OFFSET), or undefined if it has none: one otag per register, so a write
 *  to %al replaces the otag of all of %rax (memcheck's get_otrack_shadow_offset). A vector
 *  register is one register; anything else is cut into 8-byte registers. */
export function originSlot(offset: number, size: number): number | undefined {
  if (alwaysDefined(offset, size)) return undefined;
  if (offset >= YMM_BASE && offset < YMM_END) {
    const base = offset - ((offset - YMM_BASE) % 32);
    return offset + size <= base + 32 ? base : undefined;
  }
  const base = offset & ~7;
  return offset + size <= base + 8 ? base : undefined;
}

/** The origin copy of a register array: otags of 8-byte elements kept as I64 at their
 *  elements' offsets (the x87 stack); other arrays have none. */
function originArray(d: IRRegArray): IRRegArray | undefined {
  return sizeofIRType(d.elemTy) === 8 ? { base: d.base + ORIGIN_STATE_OFFSET, elemTy: 'I64', nElems: d.nElems } : undefined;
}


/** The otag of a value nobody gave an origin: constants, defined inputs. */
const NO_OTAG = c32(0);
const isNoOtag = (a: IRAtom): boolean => a.tag === 'Const' && a.value === 0n;

/** What a helper that may report an error reads: the registers the error's stack trace is
 *  unwound from (rsp, rbp, rip). Declaring them keeps the optimiser from sinking their
 *  PUTs past the call. */
export const REPORTING_HELPER_READS: readonly IRGuestEffect[] = [
  { fx: 'Read', offset: OFFSET_RSP, size: 8 },
  { fx: 'Read', offset: OFFSET_GPR(5), size: 8 },
  { fx: 'Read', offset: OFFSET_RIP, size: 8 },
];

export function instrumentMemcheck(sb: IRSB, o: InstrumentOptions = {}): IRSB {
  return new Instrumenter(sb, o.undefValueErrors !== false, o.trackOrigins === true).run();
}

class Instrumenter {
  private readonly b: IRSBBuilder;
  /** V bits of each original temp, once assigned. */
  private readonly shadow: (IRAtom | undefined)[] = [];
  /** With origins: the otag (I32) of each original temp, once assigned. */
  private readonly otag: (IRAtom | undefined)[] = [];
  private readonly addressOnly: ReadonlySet<IRTemp>;
  private readonly bogus: boolean;
  /** The current guest instruction's address, passed to helpers for error reports. */
  private pc = 0;
  /** Temps holding %rsp as it is now (GETs of it since it was last written)... */
  private readonly spNow = new Set<IRTemp>();
  /** ...and temps that are such a temp plus a constant: how a push, pop or frame moves it. */
  private readonly spPlus = new Map<IRTemp, { base: IRTemp; delta: bigint }>();

  constructor(private readonly sb: IRSB, private readonly checks: boolean, private readonly origins: boolean) {
    this.b = new IRSBBuilder({ offsIP: sb.offsIP, tyenv: sb.tyenv });
    this.addressOnly = tempsUsedOnlyAsAddresses(sb);
    this.bogus = hasBogusLiterals(sb);
  }

  run(): IRSB {
    for (const s of this.sb.stmts) this.stmt(s);
    if (this.sb.next.tag !== 'Const') this.complain(this.sb.next);
    if ((this.sb.jumpkind === 'Call' || this.sb.jumpkind === 'Ret') && !lastInstructionHasAbiHint(this.sb)) {
      this.redZoneHint(this.sb.next);
    }
    return this.b.finish(this.sb.next, this.sb.jumpkind);
  }

  /** VEX's amd64 front end ends a call and a return with AbiHint(%rsp-128, 128, nia) (ours
   *  only a call it chases, in the middle of a block): the
   *  red zone below the new stack pointer holds nothing defined, and its origin is a stack
   *  allocation at nia — so a callee's locals are "created" at its entry. A block lifted
   *  without the hint gets it here, after the last PUT to %rsp (hint included, so the
   *  printed IR reads like valgrind's). */
  private redZoneHint(nia: IRExpr): void {
    const base = this.b.assign(binop('Sub64', this.b.assign(get(OFFSET_RSP, 'I64')), c64(STACK_REDZONE)));
    this.stmt({ tag: 'AbiHint', base, len: STACK_REDZONE, nia });
  }

  private stmt(s: IRStmt): void {
    const { b } = this;
    switch (s.tag) {
      case 'NoOp': return;
      case 'IMark':
        this.pc = s.addr;
        break;
      case 'AbiHint':
        // The red zone below the stack pointer after a call or return holds nothing defined;
        // with origins, it was made by a stack allocation at the call's (or return's) target.
        if (this.origins) b.dirty({ callee: { name: MAKE_STACK_UNINIT_W_O }, args: [s.base, c64(s.len), s.nia] });
        else if (s.len === STACK_REDZONE) b.dirty({ callee: { name: MAKE_STACK_UNINIT_128 }, args: [s.base] });
        else b.dirty({ callee: { name: MAKE_STACK_UNINIT }, args: [s.base, c64(s.len)] });
        break;
      case 'WrTmp':
        this.noteStackPointer(s.tmp, s.data);
        this.shadow[s.tmp] = this.vbits(s.data, this.detail(s.tmp));
        if (this.origins) this.otag[s.tmp] = this.originOf(s.data);
        break;
      case 'Put': {
        const size = sizeofIRType(b.typeOf(s.data));
        if (s.offset === OFFSET_RSP && size === 8) this.spUpdate(s.data);
        if (s.offset < OFFSET_RSP + 8 && OFFSET_RSP < s.offset + size) {
          this.spNow.clear();
          if (s.data.tag === 'RdTmp' && size === 8) this.spNow.add(s.data.tmp);
        }
        if (!alwaysDefined(s.offset, size)) b.put(s.offset + SHADOW_STATE_OFFSET, this.vbits(s.data));
        const slot = this.origins ? originSlot(s.offset, size) : undefined;
        if (slot !== undefined) b.put(slot + ORIGIN_STATE_OFFSET, this.originOf(s.data));
        break;
      }
      case 'PutI': {
        this.complain(s.ix);
        b.putI(shadowArray(s.descr), s.ix, s.bias, this.vbits(s.data));
        const oa = this.origins ? originArray(s.descr) : undefined;
        if (oa) b.putI(oa, s.ix, s.bias, b.assign(unop('32Uto64', this.originOf(s.data))));
        break;
      }
      case 'Store':
        this.complain(s.addr);
        this.storeV(s.addr, this.vbits(s.data));
        if (this.origins) this.storeB(s.addr, sizeofIRType(b.typeOf(s.data)), this.originOf(s.data));
        break;
      case 'CAS': return this.cas(s);
      case 'Dirty':
        if (s.fxState.some((fx) => fx.fx !== 'Read' && fx.offset < OFFSET_RSP + 8 && OFFSET_RSP < fx.offset + fx.size)) this.spNow.clear();
        return this.dirty(s);
      case 'Exit':
        this.complain(s.guard);
        break;
      case 'MBE':
        break;
    }
    b.add(s);
  }

  /** Expensive interpretations (memcheck's --expensive-definedness-checks=auto on amd64):
   *  Add32 and CmpEQ/NE 32 and 64 always; Add64 unless its result only forms addresses;
   *  everything if the block has a literal typical of hand-optimised string code. */
  private detail(tmp?: IRTemp): Detail {
    if (this.bogus) return { expensiveAdd: true, expensiveSub: true, expensiveCmp: ALL_CMP_WIDTHS };
    const exactAdd64 = tmp === undefined || !this.addressOnly.has(tmp);
    return { expensiveAdd: exactAdd64, expensiveSub: false, expensiveCmp: CMP_WIDTHS_32_64 };
  }

  // ---------------------------------------------------------------- expressions

  /** V bits of an original expression (memcheck's expr2vbits). */
  private vbits(e: IRExpr, detail: Detail = this.detail()): IRAtom {
    const { b } = this;
    switch (e.tag) {
      case 'Const': return definedOf(shadowType(e.ty));
      case 'RdTmp': return this.shadow[e.tmp] ?? definedOf(shadowType(b.typeOf(e)));
      case 'Get': {
        const ty = shadowType(e.ty);
        return alwaysDefined(e.offset, sizeofIRType(e.ty)) ? definedOf(ty) : b.assign(get(e.offset + SHADOW_STATE_OFFSET, ty));
      }
      case 'GetI':
        this.complain(e.ix);
        return b.assign({ tag: 'GetI', descr: shadowArray(e.descr), ix: e.ix, bias: e.bias });
      case 'Load':
        this.complain(e.addr);
        return this.loadV(e.ty, e.addr);
      case 'Unop': return unopV(b, e.op, e.args[0], this.vbits(e.args[0]));
      case 'Binop': {
        const [a1, a2] = e.args;
        const d = e.op === 'Add32' ? { ...detail, expensiveAdd: true } : detail;
        return binopV(b, e.op, a1, a2, this.vbits(a1), this.vbits(a2), d);
      }
      case 'Triop': return triopV(b, e.op, e.args, e.args.map((a) => this.vbits(a)));
      case 'Qop': {
        // The only four-operand op, 64x4toV256, moves its operands' bits: exact on V bits.
        const vs = e.args.map((a) => this.vbits(a)) as [IRAtom, IRAtom, IRAtom, IRAtom];
        return b.assign({ tag: 'Qop', op: e.op, args: vs });
      }
      case 'ITE': {
        // memcheck propagates an undefined condition into the result rather than
        // complaining: a cmov on undefined flags yields an undefined value.
        const vc = this.vbits(e.cond);
        const v1 = this.vbits(e.iftrue);
        const v0 = this.vbits(e.iffalse);
        const ty = b.typeOf(v0);
        return uifu(b, ty, b.assign(ite(e.cond, v1, v0)), pcast(b, ty, vc));
      }
      case 'CCall':
        // Pure helpers (the lazy-flags evaluators) are opaque: lazy, but arguments the
        // callee's mcx mask names (the condition code, CC_OP) do not count.
        return lazy(b, shadowType(e.retTy), e.args.map((a) => this.vbits(a)), e.callee.mcxMask ?? 0);
    }
  }

  // ---------------------------------------------------------------- origins

  /** The otag of an original expression (memcheck's schemeE). */
  private originOf(e: IRExpr): IRAtom {
    const { b } = this;
    switch (e.tag) {
      case 'Const': return NO_OTAG;
      case 'RdTmp': return this.otag[e.tmp] ?? NO_OTAG;
      case 'Get': {
        const slot = originSlot(e.offset, sizeofIRType(e.ty));
        return slot === undefined ? NO_OTAG : b.assign(get(slot + ORIGIN_STATE_OFFSET, 'I32'));
      }
      case 'GetI': {
        const oa = originArray(e.descr);
        return oa ? b.assign(unop('64to32', b.assign(getI(oa, e.ix, e.bias)))) : NO_OTAG;
      }
      case 'Load': return this.loadB(sizeofIRType(e.ty), e.addr);
      case 'Unop': case 'Binop': case 'Triop': case 'Qop':
        return this.maxOtag(e.args.map((a) => this.originOf(a)));
      case 'ITE': {
        // The chosen arm's otag, or the condition's if that is undefined.
        const o1 = this.originOf(e.iftrue);
        const o0 = this.originOf(e.iffalse);
        const arm = isNoOtag(o1) && isNoOtag(o0) ? NO_OTAG : b.assign(ite(e.cond, o1, o0));
        return this.maxOtag([this.originOf(e.cond), arm]);
      }
      case 'CCall': {
        const mask = e.callee.mcxMask ?? 0;
        return this.maxOtag(e.args.filter((_, i) => (mask & (1 << i)) === 0).map((a) => this.originOf(a)));
      }
    }
  }

  /** Max32U of otags, skipping the known-zero ones (memcheck's gen_maxU32). */
  private maxOtag(os: readonly IRAtom[]): IRAtom {
    let acc: IRAtom = NO_OTAG;
    for (const o of os) {
      if (isNoOtag(o) || (o.tag === 'RdTmp' && acc.tag === 'RdTmp' && o.tmp === acc.tmp)) continue;
      acc = isNoOtag(acc) ? o : this.b.assign(binop('Max32U', acc, o));
    }
    return acc;
  }

  /** The otag of `size` bytes at addr; 0 when a guard skips the access. */
  private loadB(size: number, addr: IRExpr, guard?: IRExpr): IRAtom {
    const o = this.b.dirty({ callee: { name: originLoadHelperName(size) }, args: [addr], retTy: 'I32', guard });
    return guard ? this.b.assign(ite(guard, o, NO_OTAG)) : o;
  }

  /** Sets the otag of `size` bytes at addr — also when it is 0, so that a defined store
   *  forgets the bytes' old origin (memcheck's gen_store_b). */
  private storeB(addr: IRExpr, size: number, otag: IRAtom, guard?: IRExpr): void {
    this.b.dirty({ callee: { name: originStoreHelperName(size) }, args: [addr, otag], guard });
  }

  // ---------------------------------------------------------------- checks

  /** Reports (once) if the original atom `a` has an undefined bit; afterwards its temp's
   *  shadow says defined (memcheck's complainIfUndefined). */
  private complain(a: IRExpr): void {
    if (!this.checks) return;
    const { b } = this;
    const v = this.vbits(a);
    if (v.tag === 'Const' && v.value === 0n) return;
    const ty = b.typeOf(a);
    const size = ty === 'I1' ? 0 : sizeofIRType(ty);
    const cond = pcast(b, 'I1', v);
    b.dirty({
      callee: { name: this.origins ? valueCheckOriginHelperName(size) : valueCheckHelperName(size) },
      guard: cond,
      args: this.origins ? [c64(this.pc), this.originOf(a)] : [c64(this.pc)],
      fxState: [...REPORTING_HELPER_READS],
    });
    if (a.tag === 'RdTmp') this.shadow[a.tmp] = definedOf(shadowType(ty));
  }

  /** Notes tN = e where e is %rsp as it is now, or that plus or minus a constant. */
  private noteStackPointer(t: IRTemp, e: IRExpr): void {
    if (e.tag === 'Get' && e.offset === OFFSET_RSP && e.ty === 'I64') this.spNow.add(t);
    const moved = this.stackPointerMove(e);
    if (moved) this.spPlus.set(t, moved);
  }

  private stackPointerMove(e: IRExpr): { base: IRTemp; delta: bigint } | undefined {
    if (e.tag !== 'Binop' || (e.op !== 'Add64' && e.op !== 'Sub64')) return undefined;
    const [x, c] = e.args;
    if (x.tag !== 'RdTmp' || c.tag !== 'Const' || !this.spNow.has(x.tmp)) return undefined;
    return { base: x.tmp, delta: e.op === 'Add64' ? BigInt.asIntN(64, c.value) : -BigInt.asIntN(64, c.value) };
  }

  /** The stack pointer moves: memory it uncovers below becomes undefined, memory it
   *  releases becomes unaddressable (valgrind's new_mem_stack/die_mem_stack events, which
   *  its core inserts as VG_(unknown_SP_update) calls, or, for a move by a constant it
   *  knows, as calls of new_mem_stack_N/die_mem_stack_N). */
  private spUpdate(newSP: IRExpr): void {
    const fxState: IRGuestEffect[] = [{ fx: 'Read', offset: OFFSET_RSP, size: 8 }];
    const move = newSP.tag === 'RdTmp' ? this.spPlus.get(newSP.tmp) : this.stackPointerMove(newSP);
    const by = move && this.spNow.has(move.base) ? Number(move.delta) : undefined;
    if (!this.origins && by !== undefined && (STACK_MOVES as readonly number[]).includes(Math.abs(by))) {
      const name = by < 0 ? newMemStackHelperName(-by) : dieMemStackHelperName(by);
      this.b.dirty({ callee: { name }, args: [newSP], fxState });
      return;
    }
    const old = this.b.assign(get(OFFSET_RSP, 'I64'));
    // With origins, the new frame was made by a stack allocation at this instruction.
    if (this.origins) this.b.dirty({ callee: { name: SP_UPDATE_W_O }, args: [old, newSP, c64(this.pc)], fxState });
    else this.b.dirty({ callee: { name: SP_UPDATE }, args: [old, newSP], fxState });
  }

  // ---------------------------------------------------------------- memory

  private loadV(ty: IRType, addr: IRExpr, guard?: IRExpr): IRAtom {
    const vty = shadowType(ty);
    const vector = vty === 'V128' || vty === 'V256';
    return this.b.dirty({
      callee: { name: loadHelperName(sizeofIRType(ty)) },
      args: vector ? [{ tag: 'VECRET' }, addr, c64(this.pc)] : [addr, c64(this.pc)],
      retTy: vty,
      guard,
      fxState: [...REPORTING_HELPER_READS],
    });
  }

  private storeV(addr: IRExpr, vdata: IRAtom, guard?: IRExpr): void {
    this.b.dirty({
      callee: { name: storeHelperName(sizeofIRType(this.b.typeOf(vdata))) },
      args: [addr, vdata, c64(this.pc)],
      guard,
      fxState: [...REPORTING_HELPER_READS],
    });
  }

  /** A CAS reads the old value (its V bits come from shadow memory) and writes the new
   *  one only if it succeeded: the shadow store is guarded by old == expected, computed on
   *  the real values after the CAS (memcheck's do_shadow_CAS). */
  private cas(s: CAS): void {
    const { b } = this;
    this.complain(s.addr);
    const ty = b.typeOf(s.expdLo);
    const size = sizeofIRType(ty);
    const vdataLo = this.vbits(s.dataLo);
    const vdataHi = s.dataHi && this.vbits(s.dataHi);
    const odataLo = this.origins ? this.originOf(s.dataLo) : NO_OTAG;
    const odataHi = this.origins && s.dataHi ? this.originOf(s.dataHi) : NO_OTAG;
    const hiAddr = s.oldHi === undefined ? undefined : b.assign(binop('Add64', s.addr, c64(size)));
    this.shadow[s.oldLo] = this.loadV(ty, s.addr);
    if (s.oldHi !== undefined) this.shadow[s.oldHi] = this.loadV(ty, hiAddr!);
    if (this.origins) {
      this.otag[s.oldLo] = this.loadB(size, s.addr);
      if (s.oldHi !== undefined) this.otag[s.oldHi] = this.loadB(size, hiAddr!);
    }
    b.add(s);
    const eq = `CasCmpEQ${ty.slice(1)}` as 'CasCmpEQ64';
    let ok: IRAtom = b.assign(binop(eq, { tag: 'RdTmp', tmp: s.oldLo }, s.expdLo));
    if (s.oldHi !== undefined && s.expdHi) {
      ok = b.assign(binop('And1', ok, b.assign(binop(eq, { tag: 'RdTmp', tmp: s.oldHi }, s.expdHi))));
    }
    this.storeV(s.addr, vdataLo, ok);
    if (hiAddr && vdataHi) this.storeV(hiAddr, vdataHi, ok);
    if (this.origins) {
      this.storeB(s.addr, size, odataLo, ok);
      if (hiAddr) this.storeB(hiAddr, size, odataHi, ok);
    }
  }

  /** A dirty helper is opaque: every input (arguments, guest state and memory it declares
   *  reading) pessimistically defines every output (result, declared writes). */
  private dirty(d: Dirty): void {
    const { b } = this;
    this.complain(d.guard);
    // A skipped call reads and writes nothing: so are its shadow loads, stores and PUTs.
    const always = d.guard.tag === 'Const' && d.guard.value === 1n;
    const guard = always ? undefined : d.guard;
    const putShadow = (off: number, ty: IRType, v: IRAtom) => {
      const old = () => b.assign(get(off + SHADOW_STATE_OFFSET, ty));
      b.put(off + SHADOW_STATE_OFFSET, guard ? b.assign(ite(guard, v, old())) : v);
    };
    const inputs: IRAtom[] = [];
    for (const a of d.args) if (a.tag !== 'GSPTR' && a.tag !== 'VECRET') inputs.push(this.vbits(a));
    for (const fx of d.fxState) {
      if (fx.fx === 'Write') continue;
      for (const [off, ty] of pieces(fx.offset, fx.size)) {
        if (!alwaysDefined(off, sizeofIRType(ty))) inputs.push(b.assign(get(off + SHADOW_STATE_OFFSET, ty)));
      }
    }
    if (d.mem && d.mem.fx !== 'Write') {
      this.complain(d.mem.addr);
      for (const [off, ty] of pieces(0, d.mem.size)) inputs.push(this.loadV(ty, b.assign(binop('Add64', d.mem.addr, c64(off))), guard));
    }
    const all = lazy(b, 'I64', inputs);
    const otag = this.origins ? this.dirtyOrigin(d, guard) : NO_OTAG;
    b.add(d);
    if (d.tmp !== undefined) this.shadow[d.tmp] = pcast(b, shadowType(b.tyenv[d.tmp]!), all);
    if (d.tmp !== undefined && this.origins) this.otag[d.tmp] = otag;
    for (const fx of d.fxState) {
      if (fx.fx === 'Read') continue;
      for (const [off, ty] of pieces(fx.offset, fx.size)) {
        if (!alwaysDefined(off, sizeofIRType(ty))) putShadow(off, ty, pcast(b, ty, all));
      }
      if (this.origins) {
        for (const slot of originSlots(fx.offset, fx.size)) {
          const old = () => b.assign(get(slot + ORIGIN_STATE_OFFSET, 'I32'));
          b.put(slot + ORIGIN_STATE_OFFSET, guard ? b.assign(ite(guard, otag, old())) : otag);
        }
      }
    }
    if (d.mem && d.mem.fx !== 'Read') {
      if (d.mem.fx === 'Write') this.complain(d.mem.addr);
      for (const [off, ty] of pieces(0, d.mem.size)) {
        const addr = b.assign(binop('Add64', d.mem.addr, c64(off)));
        this.storeV(addr, pcast(b, ty, all), guard);
        if (this.origins) this.storeB(addr, sizeofIRType(ty), otag, guard);
      }
    }
  }

  /** The otag of everything a dirty helper reads (its guard, arguments, guest state and
   *  memory): the origin of all it writes. */
  private dirtyOrigin(d: Dirty, guard: IRExpr | undefined): IRAtom {
    const { b } = this;
    const os: IRAtom[] = [this.originOf(d.guard)];
    for (const a of d.args) if (a.tag !== 'GSPTR' && a.tag !== 'VECRET') os.push(this.originOf(a));
    for (const fx of d.fxState) {
      if (fx.fx === 'Write') continue;
      for (const slot of originSlots(fx.offset, fx.size)) os.push(b.assign(get(slot + ORIGIN_STATE_OFFSET, 'I32')));
    }
    if (d.mem && d.mem.fx !== 'Write') {
      for (const [off, ty] of pieces(0, d.mem.size)) {
        os.push(this.loadB(sizeofIRType(ty), b.assign(binop('Add64', d.mem.addr, c64(off))), guard));
      }
    }
    return this.maxOtag(os);
  }
}

const ALL_CMP_WIDTHS: ReadonlySet<IRType> = new Set<IRType>(['I8', 'I16', 'I32', 'I64']);
const CMP_WIDTHS_32_64: ReadonlySet<IRType> = new Set<IRType>(['I32', 'I64']);

/** [offset, size) cut into I64/I32/I16/I8 pieces. */
function pieces(offset: number, size: number): [number, IRType][] {
  const out: [number, IRType][] = [];
  for (let at = offset, left = size; left > 0;) {
    const n = left >= 8 ? 8 : left >= 4 ? 4 : left >= 2 ? 2 : 1;
    out.push([at, `I${n * 8}` as IRType]);
    at += n;
    left -= n;
  }
  return out;
}

/** The distinct origin slots of guest state [offset, offset+size). */
function originSlots(offset: number, size: number): number[] {
  const slots = new Set<number>();
  for (const [off, ty] of pieces(offset, size)) {
    const slot = originSlot(off, sizeofIRType(ty));
    if (slot !== undefined) slots.add(slot);
  }
  return [...slots];
}

function shadowArray(d: IRRegArray): IRRegArray {
  return { base: d.base + SHADOW_STATE_OFFSET, elemTy: shadowType(d.elemTy), nElems: d.nElems };
}

/** Temps used only as memory addresses, directly or through Adds that only form
 *  addresses (memcheck's preInstrumentationAnalysis, HuPCa): their Add64 can be cheap,
 *  since the address is checked as a whole anyway. */
function tempsUsedOnlyAsAddresses(sb: IRSB): ReadonlySet<IRTemp> {
  const use: ('addr' | 'other' | undefined)[] = [];
  const note = (e: IRExpr | undefined, how: 'addr' | 'other' | undefined) => {
    if (e?.tag !== 'RdTmp' || how === undefined) return;
    if (use[e.tmp] !== 'other') use[e.tmp] = how;
  };
  const other = (e: IRExpr) => { forEachTempIn(e, (t) => { use[t] = 'other'; }); };
  note(sb.next, 'addr');
  for (let i = sb.stmts.length - 1; i >= 0; i--) {
    const s = sb.stmts[i]!;
    if (s.tag === 'WrTmp' && s.data.tag === 'RdTmp') note(s.data, use[s.tmp]);
    else if (s.tag === 'WrTmp' && s.data.tag === 'Binop' && (s.data.op === 'Add64' || s.data.op === 'Add32')) {
      for (const a of s.data.args) note(a, use[s.tmp]);
      for (const a of s.data.args) if (a.tag !== 'RdTmp') other(a);
    } else if (s.tag === 'WrTmp' && s.data.tag === 'Load') {
      note(s.data.addr, 'addr');
    } else if (s.tag === 'Store') {
      note(s.addr, 'addr');
      other(s.data);
    } else {
      stmtExprs(s).forEach(other);
    }
  }
  const out = new Set<IRTemp>();
  use.forEach((u, t) => { if (u === 'addr') out.add(t as IRTemp); });
  return out;
}

function stmtExprs(s: IRStmt): IRExpr[] {
  switch (s.tag) {
    case 'WrTmp': return [s.data];
    case 'Put': return [s.data];
    case 'PutI': return [s.ix, s.data];
    case 'Store': return [s.addr, s.data];
    case 'CAS': return [s.addr, s.expdLo, s.dataLo, ...(s.expdHi ? [s.expdHi] : []), ...(s.dataHi ? [s.dataHi] : [])];
    case 'Dirty': return [s.guard, ...s.args.filter((a): a is IRExpr => a.tag !== 'GSPTR' && a.tag !== 'VECRET'), ...(s.mem ? [s.mem.addr] : [])];
    case 'Exit': return [s.guard];
    case 'AbiHint': return [s.base, s.nia];
    default: return [];
  }
}

function forEachTempIn(e: IRExpr, f: (t: IRTemp) => void): void {
  switch (e.tag) {
    case 'RdTmp': f(e.tmp); return;
    case 'Const': case 'Get': return;
    case 'GetI': forEachTempIn(e.ix, f); return;
    case 'Load': forEachTempIn(e.addr, f); return;
    case 'ITE': [e.cond, e.iftrue, e.iffalse].forEach((x) => forEachTempIn(x, f)); return;
    default: e.args.forEach((x) => forEachTempIn(x, f));
  }
}

/** Literals typical of word-at-a-time string functions (0x80808080, 0xFEFEFEFF, ...):
 *  their bit tricks need exact V bits everywhere, so memcheck makes the whole block
 *  expensive when it sees one (its isBogusAtom). */
const BOGUS = new Set<bigint>([
  0xfefefeffn, 0x80808080n, 0x7f7f7f7fn, 0x7efefeffn, 0x81010100n,
  0xfffffffffefefeffn, 0xfefefefefefefeffn, 0x8080n, 0x8080808080808080n, 0x0101010101010101n,
]);

function hasBogusLiterals(sb: IRSB): boolean {
  let found = false;
  const look = (e: IRExpr) => {
    if (e.tag === 'Const') {
      if (e.ty[0] === 'I' && BOGUS.has(e.value)) found = true;
      return;
    }
    if (e.tag === 'RdTmp' || e.tag === 'Get') return;
    if (e.tag === 'GetI') return look(e.ix);
    if (e.tag === 'Load') return look(e.addr);
    if (e.tag === 'ITE') return [e.cond, e.iftrue, e.iffalse].forEach(look);
    e.args.forEach(look);
  };
  look(sb.next);
  for (const s of sb.stmts) stmtExprs(s).forEach(look);
  return found;
}

/** Whether the block's last instruction (its statements after the last IMark) has an
 *  AbiHint: a block instrumented twice, or printed IR read back. */
function lastInstructionHasAbiHint(sb: IRSB): boolean {
  for (let i = sb.stmts.length - 1; i >= 0; i--) {
    const s = sb.stmts[i]!;
    if (s.tag === 'AbiHint') return true;
    if (s.tag === 'IMark') return false;
  }
  return false;
}
