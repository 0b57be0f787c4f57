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

import { IRSBBuilder, binop, c64, get, ite } from '../../ir/builder.ts';
import {
  sizeofIRType, type CAS, type Dirty, type IRAtom, type IRExpr, type IRGuestEffect, type IRRegArray, type IRSB,
  type IRStmt, type IRTemp, type IRType,
} from '../../ir/types.ts';
import {
  OFFSET_CC_NDEP, OFFSET_CC_OP, OFFSET_CMLEN, OFFSET_CMSTART, OFFSET_DFLAG, OFFSET_EMNOTE, OFFSET_FC3210,
  OFFSET_FPROUND, OFFSET_FPTAG, OFFSET_FS_BASE, OFFSET_FTOP, OFFSET_GPR, OFFSET_IDFLAG, OFFSET_IP_AT_SYSCALL,
  OFFSET_RIP, OFFSET_RSP, OFFSET_SC_CLASS, OFFSET_SSEROUND,
} from '../../guest/amd64/state.ts';
import { SHADOW_STATE_OFFSET } from './shadow-state.ts';
import { binopV, definedOf, lazy, pcast, shadowType, triopV, unopV, uifu, type Detail } from './vbits.ts';
import { MAKE_STACK_UNINIT, SP_UPDATE, loadHelperName, storeHelperName, valueCheckHelperName } from './shadow-helpers.ts';

export interface InstrumentOptions {
  /** false: no uninitialised-value checks (--undef-value-errors=no); V bits still flow. */
  undefValueErrors?: boolean;
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

/** What a helper that may report an error reads: the registers the error's stack trace is
 *  unwound from (rsp, rbp, rip). Declaring them keeps the optimiser from sinking their
 *  PUTs past the call. */
export const REPORTING_HELPER_READS: readonly IRGuestEffect[] = [
  { fx: 'Read', offset: OFFSET_RSP, size: 8 },
  { fx: 'Read', offset: OFFSET_GPR(5), size: 8 },
  { fx: 'Read', offset: OFFSET_RIP, size: 8 },
];

export function instrumentMemcheck(sb: IRSB, o: InstrumentOptions = {}): IRSB {
  return new Instrumenter(sb, o.undefValueErrors !== false).run();
}

class Instrumenter {
  private readonly b: IRSBBuilder;
  /** V bits of each original temp, once assigned. */
  private readonly shadow: (IRAtom | undefined)[] = [];
  private readonly addressOnly: ReadonlySet<IRTemp>;
  private readonly bogus: boolean;
  /** The current guest instruction's address, passed to helpers for error reports. */
  private pc = 0;

  constructor(private readonly sb: IRSB, private readonly checks: boolean) {
    this.b = new IRSBBuilder({ offsIP: sb.offsIP, tyenv: sb.tyenv });
    this.addressOnly = tempsUsedOnlyAsAddresses(sb);
    this.bogus = hasBogusLiterals(sb);
  }

  run(): IRSB {
    for (const s of this.sb.stmts) this.stmt(s);
    if (this.sb.next.tag !== 'Const') this.complain(this.sb.next);
    return this.b.finish(this.sb.next, this.sb.jumpkind);
  }

  private stmt(s: IRStmt): void {
    const { b } = this;
    switch (s.tag) {
      case 'NoOp': return;
      case 'IMark':
        this.pc = s.addr;
        break;
      case 'AbiHint':
        // The red zone below the stack pointer after a call or return holds nothing defined.
        b.dirty({ callee: { name: MAKE_STACK_UNINIT }, args: [s.base, c64(s.len)] });
        break;
      case 'WrTmp':
        this.shadow[s.tmp] = this.vbits(s.data, this.detail(s.tmp));
        break;
      case 'Put':
        if (s.offset === OFFSET_RSP && b.typeOf(s.data) === 'I64') this.spUpdate(s.data);
        if (!alwaysDefined(s.offset, sizeofIRType(b.typeOf(s.data)))) b.put(s.offset + SHADOW_STATE_OFFSET, this.vbits(s.data));
        break;
      case 'PutI':
        this.complain(s.ix);
        b.putI(shadowArray(s.descr), s.ix, s.bias, this.vbits(s.data));
        break;
      case 'Store':
        this.complain(s.addr);
        this.storeV(s.addr, this.vbits(s.data));
        break;
      case 'CAS': return this.cas(s);
      case 'Dirty': return this.dirty(s);
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

  // ---------------------------------------------------------------- checks

  /** Reports (once) if the original atom `a` has an undefined bit; afterwards its temp's
   *  shadow says defined (memcheck's complainIfUndefined). */
  private complain(a: IRExpr): void {
    if (!this.checks) return;
    const { b } = this;
    const v = this.vbits(a);
    if (v.tag === 'Const' && v.value === 0n) return;
    const ty = b.typeOf(a);
    const cond = pcast(b, 'I1', v);
    b.dirty({
      callee: { name: valueCheckHelperName(ty === 'I1' ? 0 : sizeofIRType(ty)) },
      guard: cond,
      args: [c64(this.pc)],
      fxState: [...REPORTING_HELPER_READS],
    });
    if (a.tag === 'RdTmp') this.shadow[a.tmp] = definedOf(shadowType(ty));
  }

  /** The stack pointer moves: memory it uncovers below becomes undefined, memory it
   *  releases becomes unaddressable (valgrind's new_mem_stack/die_mem_stack events, which
   *  its core inserts as VG_(unknown_SP_update) calls). */
  private spUpdate(newSP: IRExpr): void {
    const old = this.b.assign(get(OFFSET_RSP, 'I64'));
    this.b.dirty({ callee: { name: SP_UPDATE }, args: [old, newSP], fxState: [{ fx: 'Read', offset: OFFSET_RSP, size: 8 }] });
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
    const hiAddr = s.oldHi === undefined ? undefined : b.assign(binop('Add64', s.addr, c64(size)));
    this.shadow[s.oldLo] = this.loadV(ty, s.addr);
    if (s.oldHi !== undefined) this.shadow[s.oldHi] = this.loadV(ty, hiAddr!);
    b.add(s);
    const eq = `CasCmpEQ${ty.slice(1)}` as 'CasCmpEQ64';
    let ok: IRAtom = b.assign(binop(eq, { tag: 'RdTmp', tmp: s.oldLo }, s.expdLo));
    if (s.oldHi !== undefined && s.expdHi) {
      ok = b.assign(binop('And1', ok, b.assign(binop(eq, { tag: 'RdTmp', tmp: s.oldHi }, s.expdHi))));
    }
    this.storeV(s.addr, vdataLo, ok);
    if (hiAddr && vdataHi) this.storeV(hiAddr, vdataHi, ok);
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
    b.add(d);
    if (d.tmp !== undefined) this.shadow[d.tmp] = pcast(b, shadowType(b.tyenv[d.tmp]!), all);
    for (const fx of d.fxState) {
      if (fx.fx === 'Read') continue;
      for (const [off, ty] of pieces(fx.offset, fx.size)) {
        if (!alwaysDefined(off, sizeofIRType(ty))) putShadow(off, ty, pcast(b, ty, all));
      }
    }
    if (d.mem && d.mem.fx !== 'Read') {
      if (d.mem.fx === 'Write') this.complain(d.mem.addr);
      for (const [off, ty] of pieces(0, d.mem.size)) this.storeV(b.assign(binop('Add64', d.mem.addr, c64(off))), pcast(b, ty, all), guard);
    }
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
