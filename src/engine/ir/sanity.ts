// The IR verifier, after VEX's sanityCheckIRSB: single assignment, temps assigned before
// use, every operand's type against ops.ts, and the shape rules of each statement. Tests
// run it before and after every pass.
//
// checkIRSB returns every problem found (empty when the block is sane); assertSaneIRSB
// throws an IRSanityError listing them, for callers that must stop. Like VEX, a temp in
// the type environment need not be assigned at all (passes leave dead temps declared),
// but it may be assigned at most once, and only before any use.

import { type HelperSignature, irTypeOf } from './helpers.ts';
import { isIROp, opSignature } from './ops.ts';
import { JUMP_KIND_TEXT, ppIRExpr, ppIRStmt } from './print.ts';
import {
  GUEST_WORD, IR_TYPES, constBits, sizeofIRType,
  type Const, type IRExpr, type IRRegArray, type IRSB, type IRStmt, type IRTemp, type IRType,
} from './types.ts';

export interface IRSanityOptions {
  /** Bytes of guest state; when given, every GET/PUT/GETI/PUTI and Dirty guest-state
   *  effect must lie inside it (a tool's shadow state counts as guest state here). */
  guestStateSize?: number;
  /** The declared helpers: when given, every CCall and Dirty call must name one, of its
   *  kind, with arguments and result of its declared types. */
  helpers?: (name: string) => HelperSignature | undefined;
}

export interface IRProblem {
  /** Index into sb.stmts, 'tyenv', or 'next' for the block's final jump. */
  stmt: number | 'tyenv' | 'next';
  /** The statement as printed, to show where. */
  text: string;
  message: string;
}

export class IRSanityError extends Error {
  constructor(readonly problems: readonly IRProblem[], context: string) {
    super(`IR sanity check failed${context ? ` (${context})` : ''}:\n${problems.map(formatProblem).join('\n')}`);
    this.name = 'IRSanityError';
  }
}

export function formatProblem(p: IRProblem): string {
  return `  ${typeof p.stmt === 'number' ? `stmt ${p.stmt}` : p.stmt}: ${p.message}\n      ${p.text}`;
}

export function assertSaneIRSB(sb: IRSB, options: IRSanityOptions = {}, context = ''): void {
  const problems = checkIRSB(sb, options);
  if (problems.length > 0) throw new IRSanityError(problems, context);
}

export function checkIRSB(sb: IRSB, options: IRSanityOptions = {}): IRProblem[] {
  return new Checker(sb, options).run();
}

const CAS_TYPES: readonly IRType[] = ['I8', 'I16', 'I32', 'I64'];

class Checker {
  private readonly problems: IRProblem[] = [];
  private readonly assigned = new Set<IRTemp>();
  private where: Omit<IRProblem, 'message'> = { stmt: 'tyenv', text: '' };

  constructor(private readonly sb: IRSB, private readonly options: IRSanityOptions) {}

  run(): IRProblem[] {
    const { sb } = this;
    sb.tyenv.forEach((ty, t) => {
      if (!IR_TYPES.includes(ty)) this.at('tyenv', `t${t}:${ty}`).fail(`t${t} has unknown type '${ty}'`);
    });
    sb.stmts.forEach((s, i) => this.at(i, ppIRStmt(s)).stmt(s));
    this.at('next', `PUT(${sb.offsIP}) = ${ppIRExpr(sb.next)}; exit-${JUMP_KIND_TEXT[sb.jumpkind] ?? sb.jumpkind}`);
    this.expectType(this.expr(sb.next), GUEST_WORD, 'the next address');
    if (!(sb.jumpkind in JUMP_KIND_TEXT)) this.fail(`unknown jump kind '${sb.jumpkind}'`);
    this.guestRange(sb.offsIP, sizeofIRType(GUEST_WORD), 'the IP offset');
    return this.problems;
  }

  private at(stmt: IRProblem['stmt'], text: string): this {
    this.where = { stmt, text };
    return this;
  }

  private fail(message: string): void {
    this.problems.push({ ...this.where, message });
  }

  private expectType(actual: IRType | undefined, want: IRType, what: string): void {
    if (actual !== undefined && actual !== want) this.fail(`${what} is ${actual}, expected ${want}`);
  }

  private notI1(actual: IRType | undefined, what: string): void {
    if (actual === 'I1') this.fail(`${what} cannot be I1`);
  }

  private guestRange(offset: number, size: number, what: string): void {
    const limit = this.options.guestStateSize;
    if (!Number.isInteger(offset) || offset < 0 || (limit !== undefined && offset + size > limit)) {
      this.fail(`${what} [${offset}, +${size}) is outside the guest state${limit === undefined ? '' : ` (${limit} bytes)`}`);
    }
  }

  private assign(t: IRTemp, ty: IRType | undefined, what: string): void {
    const declared = this.sb.tyenv[t];
    if (declared === undefined) return this.fail(`${what} t${t} is not in the type environment`);
    if (this.assigned.has(t)) this.fail(`t${t} is assigned more than once`);
    this.assigned.add(t);
    if (ty !== undefined && ty !== declared) this.fail(`t${t} is ${declared} but is assigned a ${ty}`);
  }

  private stmt(s: IRStmt): void {
    switch (s.tag) {
      case 'NoOp': case 'MBE': return;
      case 'IMark':
        if (![s.addr, s.len, s.delta].every((n) => Number.isInteger(n) && n >= 0)) this.fail('IMark fields must be non-negative integers');
        return;
      case 'AbiHint':
        this.expectType(this.expr(s.base), GUEST_WORD, 'the AbiHint base');
        this.expectType(this.expr(s.nia), GUEST_WORD, 'the AbiHint next address');
        return;
      case 'Put': {
        const ty = this.expr(s.data);
        this.notI1(ty, 'PUT data');
        if (ty) this.guestRange(s.offset, sizeofIRType(ty), 'PUT');
        return;
      }
      case 'PutI':
        this.regArray(s.descr, s.ix);
        this.expectType(this.expr(s.data), s.descr.elemTy, 'PUTI data');
        return;
      case 'WrTmp':
        // Operands first: `t1 = Add64(t1,t1)` reads t1 before it exists.
        this.assign(s.tmp, this.expr(s.data), 'the assigned');
        return;
      case 'Store':
        this.expectType(this.expr(s.addr), GUEST_WORD, 'the store address');
        this.notI1(this.expr(s.data), 'stored data');
        return;
      case 'CAS': return this.cas(s);
      case 'Dirty': return this.dirty(s);
      case 'Exit':
        this.expectType(this.expr(s.guard), 'I1', 'the exit guard');
        this.expectType(this.expr(s.dst), GUEST_WORD, 'the exit target');
        if (!(s.jk in JUMP_KIND_TEXT)) this.fail(`unknown jump kind '${s.jk}'`);
        this.guestRange(s.offsIP, sizeofIRType(GUEST_WORD), 'the exit IP offset');
        return;
    }
  }

  private cas(s: Extract<IRStmt, { tag: 'CAS' }>): void {
    this.expectType(this.expr(s.addr), GUEST_WORD, 'the CAS address');
    const hiParts = [s.oldHi, s.expdHi, s.dataHi].filter((x) => x !== undefined).length;
    if (hiParts !== 0 && hiParts !== 3) this.fail('a double CAS needs oldHi, expdHi and dataHi together');
    const ty = this.expr(s.expdLo);
    if (ty !== undefined && !CAS_TYPES.includes(ty)) this.fail(`CAS of ${ty}: only I8..I64`);
    const check = (e: IRExpr | undefined, what: string) => e && ty && this.expectType(this.expr(e), ty, what);
    check(s.expdHi, 'expdHi');
    check(s.dataLo, 'dataLo');
    check(s.dataHi, 'dataHi');
    if (s.oldHi !== undefined && s.oldHi === s.oldLo) this.fail('oldHi and oldLo are the same temp');
    if (s.oldHi !== undefined) this.assign(s.oldHi, ty, 'the CAS result');
    this.assign(s.oldLo, ty, 'the CAS result');
  }

  private dirty(s: Extract<IRStmt, { tag: 'Dirty' }>): void {
    let gsptr = 0;
    let vecret = 0;
    for (const a of s.args) {
      if (a.tag === 'GSPTR') gsptr++;
      else if (a.tag === 'VECRET') vecret++;
      else this.notI1(this.expr(a), 'a helper argument');
    }
    if (gsptr > 1 || vecret > 1) this.fail('GSPTR and VECRET may each appear at most once');
    if (gsptr > 0 && s.fxState.length === 0) this.fail('a helper given GSPTR must declare its guest state effects');
    const retTy = s.tmp === undefined ? undefined : this.sb.tyenv[s.tmp];
    const vectorResult = retTy === 'V128' || retTy === 'V256';
    if (vectorResult !== (vecret > 0)) this.fail('VECRET must appear exactly when the helper returns V128 or V256');
    if (s.mem) {
      this.expectType(this.expr(s.mem.addr), GUEST_WORD, 'the memory effect address');
      if (!(Number.isInteger(s.mem.size) && s.mem.size > 0)) this.fail('the memory effect size must be positive');
    }
    for (const fx of s.fxState) {
      if (!(Number.isInteger(fx.size) && fx.size > 0)) this.fail('a guest state effect size must be positive');
      this.guestRange(fx.offset, fx.size, 'the guest state effect');
    }
    this.expectType(this.expr(s.guard), 'I1', 'the Dirty guard');
    this.callSite('dirty', s.callee.name, s.args.filter((a): a is IRExpr => a.tag !== 'GSPTR' && a.tag !== 'VECRET'), retTy);
    if (s.tmp !== undefined) this.assign(s.tmp, undefined, 'the Dirty result');
  }

  /** A call against the helper's declaration (when the checker was given them). */
  private callSite(kind: 'pure' | 'dirty', name: string, args: readonly IRExpr[], retTy: IRType | undefined): void {
    const lookup = this.options.helpers;
    if (!lookup) return;
    const sig = lookup(name);
    if (!sig) return this.fail(`no helper '${name}' is declared`);
    if (sig.kind !== kind) return this.fail(`'${name}' is declared ${sig.kind}, called as ${kind === 'pure' ? 'a CCall' : 'a Dirty call'}`);
    if (sig.params.length !== args.length) this.fail(`'${name}' takes ${sig.params.length} arguments, not ${args.length}`);
    args.forEach((a, i) => {
      const want = sig.params[i];
      if (want) this.expectType(this.expr(a), irTypeOf(want), `argument ${i + 1} of ${name}`);
    });
    const declared = sig.result === undefined ? undefined : irTypeOf(sig.result);
    if (declared !== retTy) this.fail(`'${name}' returns ${declared ?? 'nothing'}, the call site expects ${retTy ?? 'nothing'}`);
  }

  private regArray(descr: IRRegArray, ix: IRExpr): void {
    if (!(Number.isInteger(descr.nElems) && descr.nElems > 0)) this.fail('a register array needs at least one element');
    if (descr.elemTy === 'I1') this.fail('a register array cannot hold I1');
    this.guestRange(descr.base, descr.nElems * sizeofIRType(descr.elemTy), 'the register array');
    this.expectType(this.expr(ix), 'I32', 'the array index');
  }

  /** Checks `e` and returns its type, or undefined if it is too broken to have one. */
  private expr(e: IRExpr): IRType | undefined {
    switch (e.tag) {
      case 'Const': return this.constant(e);
      case 'Get':
        this.notI1(e.ty, 'GET');
        this.guestRange(e.offset, sizeofIRType(e.ty), 'GET');
        return e.ty;
      case 'GetI':
        this.regArray(e.descr, e.ix);
        return e.descr.elemTy;
      case 'RdTmp': {
        const ty = this.sb.tyenv[e.tmp];
        if (ty === undefined) this.fail(`t${e.tmp} is not in the type environment`);
        else if (!this.assigned.has(e.tmp)) this.fail(`t${e.tmp} is used before it is assigned`);
        return ty;
      }
      case 'Load':
        this.expectType(this.expr(e.addr), GUEST_WORD, 'the load address');
        this.notI1(e.ty, 'a load');
        return e.ty;
      case 'Unop': case 'Binop': case 'Triop': case 'Qop': {
        if (!isIROp(e.op)) {
          this.fail(`unknown op '${e.op}'`);
          return undefined;
        }
        const sig = opSignature(e.op);
        if (sig.args.length !== e.args.length) this.fail(`${e.op} takes ${sig.args.length} arguments, not ${e.args.length}`);
        e.args.forEach((a, i) => {
          const want = sig.args[i];
          if (want) this.expectType(this.expr(a), want, `argument ${i + 1} of ${e.op}`);
        });
        return sig.res;
      }
      case 'ITE': {
        this.expectType(this.expr(e.cond), 'I1', 'the ITE condition');
        const [t, f] = [this.expr(e.iftrue), this.expr(e.iffalse)];
        if (t && f && t !== f) this.fail(`ITE arms differ: ${t} and ${f}`);
        return t;
      }
      case 'CCall':
        for (const a of e.args) this.notI1(this.expr(a), 'a helper argument');
        this.notI1(e.retTy, 'a helper result');
        this.callSite('pure', e.callee.name, e.args, e.retTy);
        return e.retTy;
    }
  }

  private constant(c: Const): IRType {
    const bits = constBits(c.ty);
    if (typeof c.value !== 'bigint' || c.value < 0n || c.value >= 1n << BigInt(bits)) {
      this.fail(`constant ${String(c.value)} does not fit in ${c.ty}`);
    }
    return c.ty;
  }
}
