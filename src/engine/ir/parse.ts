// A parser for the printed IR (print.ts), so tests can be text in, text out:
// parse(ppIRSB(sb)) deep-equals sb, and ppIRSB(parse(text)) === text for canonical text.
// It also reads valgrind's own traces: a helper's `{0x58111d20}` address is accepted and
// dropped, and VEX's `F64{...}`/`F32{...}` constants read as the same bits as `F64i{...}`.
// Leading indentation and blank lines are free; within a line the spacing is VEX's.

import { isIROp, opSignature, type BinaryOp, type QuaternaryOp, type TernaryOp, type UnaryOp } from './ops.ts';
import { EFFECT_TEXT, JUMP_KIND_TEXT } from './print.ts';
import {
  IR_TYPES, constBits, irTemp, isIntegerType,
  type Const, type IRCallee, type IRDirtyArg, type IREffect, type IRExpr, type IRGuestEffect,
  type IRJumpKind, type IRRegArray, type IRSB, type IRStmt, type IRTemp, type IRType, type Dirty,
} from './types.ts';

export class IRParseError extends Error {
  constructor(
    readonly reason: string,
    readonly line: number,
    readonly column: number,
    readonly lineText: string,
  ) {
    super(`line ${line}, column ${column}: ${reason}\n    ${lineText}\n    ${' '.repeat(Math.max(0, column - 1))}^`);
    this.name = 'IRParseError';
  }
}

const JUMP_KINDS = new Map<string, IRJumpKind>(Object.entries(JUMP_KIND_TEXT).map(([jk, text]) => [text, jk as IRJumpKind]));
const EFFECTS = new Map<string, IREffect>(Object.entries(EFFECT_TEXT).map(([fx, text]) => [text, fx as IREffect]));

/** Parses one printed IRSB (`IRSB {` ... `}`). */
export function parseIRSB(text: string): IRSB {
  const lines = text.split('\n');
  let i = 0;
  const skipBlank = () => { while (i < lines.length && lines[i]!.trim() === '') i++; };
  const cursor = (n: number) => new Cursor(lines[n] ?? '', n + 1);

  skipBlank();
  cursor(i).expectWhole('IRSB {');
  i++;
  const tyenv: IRType[] = [];
  for (; i < lines.length && /^\s*t\d+:/.test(lines[i]!); i++) readTypeEnvLine(cursor(i), tyenv);
  skipBlank();

  const stmts: IRStmt[] = [];
  for (; ; i++) {
    skipBlank();
    if (i >= lines.length) throw cursor(lines.length - 1).error('missing the final `PUT(..) = ..; exit-..` line');
    const c = new StmtParser(cursor(i), tyenv);
    const end = c.tryBlockEnd();
    if (end) {
      i++;
      skipBlank();
      cursor(i).expectWhole('}');
      i++;
      skipBlank();
      if (i < lines.length) throw cursor(i).error('text after the end of the block');
      return { tyenv, stmts, ...end };
    }
    stmts.push(c.statement());
  }
}

function readTypeEnvLine(c: Cursor, tyenv: IRType[]): void {
  c.skipSpaces();
  while (!c.atEnd()) {
    const at = c.pos;
    c.expect('t');
    const n = c.decimal();
    if (n !== tyenv.length) throw c.errorAt(at, `expected t${tyenv.length} next in the type environment`);
    c.expect(':');
    tyenv.push(c.type());
    c.skipSpaces();
  }
}

/** A position in one line of text, with the primitives every production uses. */
class Cursor {
  pos = 0;
  constructor(readonly text: string, readonly line: number) {}

  error(reason: string): IRParseError {
    return this.errorAt(this.pos, reason);
  }
  errorAt(pos: number, reason: string): IRParseError {
    return new IRParseError(reason, this.line, pos + 1, this.text);
  }
  atEnd(): boolean {
    return this.pos >= this.text.length;
  }
  peek(s: string): boolean {
    return this.text.startsWith(s, this.pos);
  }
  eat(s: string): boolean {
    if (!this.peek(s)) return false;
    this.pos += s.length;
    return true;
  }
  expect(s: string): void {
    if (!this.eat(s)) throw this.error(`expected '${s}' but found ${this.describeNext()}`);
  }
  expectWhole(s: string): void {
    if (this.text.trim() !== s) throw this.error(`expected '${s}' but found '${this.text.trim()}'`);
  }
  expectEnd(): void {
    if (!this.atEnd()) throw this.error(`unexpected ${this.describeNext()} after the statement`);
  }
  skipSpaces(): void {
    while (this.text[this.pos] === ' ' || this.text[this.pos] === '\t') this.pos++;
  }
  describeNext(): string {
    return this.atEnd() ? 'the end of the line' : `'${this.text.slice(this.pos, this.pos + 12)}'`;
  }
  /** A run of word characters: names of ops, temps, types, keywords, numbers. */
  word(): string {
    const m = /^[A-Za-z0-9_]*/.exec(this.text.slice(this.pos))![0];
    this.pos += m.length;
    return m;
  }
  decimal(): number {
    const m = /^-?\d+/.exec(this.text.slice(this.pos));
    if (!m) throw this.error(`expected a decimal number but found ${this.describeNext()}`);
    this.pos += m[0].length;
    return Number(m[0]);
  }
  hex(): bigint {
    const m = /^0x[0-9A-Fa-f]+/.exec(this.text.slice(this.pos));
    if (!m) throw this.error(`expected a hex number but found ${this.describeNext()}`);
    this.pos += m[0].length;
    return BigInt(m[0]);
  }
  type(): IRType {
    const at = this.pos;
    const w = this.word();
    if (!IR_TYPES.includes(w as IRType)) throw this.errorAt(at, `unknown type '${w}'`);
    return w as IRType;
  }
}

type BlockEnd = Pick<IRSB, 'next' | 'jumpkind' | 'offsIP'>;

class StmtParser {
  constructor(private readonly c: Cursor, private readonly tyenv: readonly IRType[]) {
    c.skipSpaces();
  }

  /** The last line, `PUT(off) = expr; exit-KIND`, or undefined (cursor untouched) if this is not it. */
  tryBlockEnd(): BlockEnd | undefined {
    const c = this.c;
    const start = c.pos;
    if (!c.eat('PUT(')) return undefined;
    const offsIP = c.decimal();
    c.expect(') = ');
    const next = this.expr();
    if (!c.eat('; exit-')) {
      c.pos = start;
      return undefined;
    }
    const jumpkind = this.jumpKind();
    c.expectEnd();
    return { next, jumpkind, offsIP };
  }

  statement(): IRStmt {
    const c = this.c;
    const s = this.statementBody();
    c.expectEnd();
    return s;
  }

  private statementBody(): IRStmt {
    const c = this.c;
    if (c.eat('IR-NoOp')) return { tag: 'NoOp' };
    if (c.eat('IR-Fence')) return { tag: 'MBE', event: 'Fence' };
    if (c.eat('------ IMark(')) {
      const addr = Number(c.hex());
      c.expect(', ');
      const len = c.decimal();
      c.expect(', ');
      const delta = c.decimal();
      c.expect(') ------');
      return { tag: 'IMark', addr, len, delta };
    }
    if (c.eat('====== AbiHint(')) {
      const base = this.expr();
      c.expect(', ');
      const len = c.decimal();
      c.expect(', ');
      const nia = this.expr();
      c.expect(') ======');
      return { tag: 'AbiHint', base, len, nia };
    }
    if (c.eat('PUTI')) {
      const { descr, ix, bias } = this.indexed();
      c.expect(' = ');
      return { tag: 'PutI', descr, ix, bias, data: this.expr() };
    }
    if (c.eat('PUT(')) {
      const offset = c.decimal();
      c.expect(') = ');
      return { tag: 'Put', offset, data: this.expr() };
    }
    if (c.eat('STle(')) {
      const addr = this.expr();
      c.expect(') = ');
      return { tag: 'Store', end: 'le', addr, data: this.expr() };
    }
    if (c.eat('if (')) return this.exit();
    if (c.peek('DIRTY ')) return this.dirty(undefined);
    if (!c.peek('t')) throw c.error(`expected a statement but found ${c.describeNext()}`);

    const first = this.temp();
    if (c.eat(',')) return this.cas(first, this.temp());
    c.expect(' = ');
    if (c.peek('DIRTY ')) return this.dirty(first);
    if (c.peek('CASle(')) return this.cas(undefined, first);
    return { tag: 'WrTmp', tmp: first, data: this.expr() };
  }

  private exit(): IRStmt {
    const c = this.c;
    const guard = this.expr();
    c.expect(') { PUT(');
    const offsIP = c.decimal();
    c.expect(') = ');
    const at = c.pos;
    const dst = this.expr();
    if (dst.tag !== 'Const') throw c.errorAt(at, 'an exit target must be a constant');
    c.expect('; exit-');
    const jk = this.jumpKind();
    c.expect(' }');
    c.eat(' ');
    return { tag: 'Exit', guard, dst, jk, offsIP };
  }

  private cas(oldHi: IRTemp | undefined, oldLo: IRTemp): IRStmt {
    const c = this.c;
    if (oldHi !== undefined) c.expect(' = ');
    c.expect('CASle(');
    const addr = this.expr();
    c.expect('::');
    const [expdHi, expdLo] = this.casPair(oldHi !== undefined);
    c.expect('->');
    const [dataHi, dataLo] = this.casPair(oldHi !== undefined);
    c.expect(')');
    if (oldHi === undefined) return { tag: 'CAS', oldLo, end: 'le', addr, expdLo, dataLo };
    return { tag: 'CAS', oldLo, oldHi, end: 'le', addr, expdLo, expdHi, dataLo, dataHi };
  }

  private casPair(double: boolean): [IRExpr | undefined, IRExpr] {
    const first = this.expr();
    if (!double) return [undefined, first];
    this.c.expect(',');
    return [first, this.expr()];
  }

  private dirty(tmp: IRTemp | undefined): IRStmt {
    const c = this.c;
    c.expect('DIRTY ');
    const guard = this.expr();
    let mem: Dirty['mem'];
    const fxState: IRGuestEffect[] = [];
    while (c.eat(' ') && !c.peek('::: ')) {
      const fx = this.effect();
      if (c.eat('-mem(')) {
        if (mem || fxState.length > 0) throw c.error('the memory effect must come first, and only once');
        const addr = this.expr();
        c.expect(',');
        mem = { fx, addr, size: c.decimal() };
      } else {
        c.expect('-gst(');
        const offset = c.decimal();
        c.expect(',');
        fxState.push({ fx, offset, size: c.decimal() });
      }
      c.expect(')');
    }
    c.expect('::: ');
    const callee = this.callee();
    const args = this.args(() => this.dirtyArg());
    const d: Dirty = { tag: 'Dirty', callee, guard, args, fxState };
    if (tmp !== undefined) d.tmp = tmp;
    if (mem) d.mem = mem;
    return d;
  }

  private effect(): IREffect {
    const at = this.c.pos;
    const fx = EFFECTS.get(this.c.word());
    if (!fx) throw this.c.errorAt(at, `expected RdFX, WrFX or MoFX`);
    return fx;
  }

  private dirtyArg(): IRDirtyArg {
    if (this.c.eat('GSPTR')) return { tag: 'GSPTR' };
    if (this.c.eat('VECRET')) return { tag: 'VECRET' };
    return this.expr();
  }

  private jumpKind(): IRJumpKind {
    const at = this.c.pos;
    const w = this.c.word();
    const jk = JUMP_KINDS.get(w);
    if (!jk) throw this.c.errorAt(at, `unknown jump kind '${w}'`);
    return jk;
  }

  private temp(): IRTemp {
    const c = this.c;
    const at = c.pos;
    const w = c.word();
    if (!/^t\d+$/.test(w)) throw c.errorAt(at, `expected a temp (tN) but found '${w}'`);
    const t = Number(w.slice(1));
    if (t >= this.tyenv.length) throw c.errorAt(at, `${w} is not in the type environment`);
    return irTemp(t);
  }

  /** `(base:NxTY)[ix,bias]`, shared by GETI and PUTI. */
  private indexed(): { descr: IRRegArray; ix: IRExpr; bias: number } {
    const c = this.c;
    c.expect('(');
    const base = c.decimal();
    c.expect(':');
    const nElems = c.decimal();
    c.expect('x');
    const elemTy = c.type();
    c.expect(')[');
    const ix = this.expr();
    c.expect(',');
    const bias = c.decimal();
    c.expect(']');
    return { descr: { base, elemTy, nElems }, ix, bias };
  }

  private args<T>(item: () => T): T[] {
    const c = this.c;
    c.expect('(');
    const out: T[] = [];
    if (c.eat(')')) return out;
    do out.push(item()); while (c.eat(','));
    c.expect(')');
    return out;
  }

  private expr(): IRExpr {
    const c = this.c;
    const at = c.pos;
    const w = c.word();
    if (w === '') throw c.error(`expected an expression but found ${c.describeNext()}`);
    if (/^t\d+$/.test(w)) {
      c.pos = at;
      return { tag: 'RdTmp', tmp: this.temp() };
    }
    if (w === 'GET' && c.eat(':')) {
      const ty = c.type();
      c.expect('(');
      const offset = c.decimal();
      c.expect(')');
      return { tag: 'Get', offset, ty };
    }
    if (w === 'GETI') return { tag: 'GetI', ...this.indexed() };
    if (w === 'LDle' && c.eat(':')) {
      const ty = c.type();
      c.expect('(');
      const addr = this.expr();
      c.expect(')');
      return { tag: 'Load', end: 'le', ty, addr };
    }
    if (w === 'ITE' && c.peek('(')) {
      const [cond, iftrue, iffalse] = this.fixedArgs(3);
      return { tag: 'ITE', cond, iftrue, iffalse };
    }
    if (c.peek(':')) return this.intConst(w, at);
    if (c.peek('{') && VECTOR_OR_FLOAT_CONST.has(w)) return this.braceConst(w, at);
    if (c.peek('(') && isIROp(w)) return this.operation(w, at);
    c.pos = at;
    if (!CALLEE_NAME.test(c.text.slice(at))) {
      throw c.errorAt(at, c.text[at + w.length] === '(' ? `unknown IROp '${w}'` : `expected an expression but found '${w}'`);
    }
    return this.ccall();
  }

  private fixedArgs(n: number): IRExpr[] {
    const at = this.c.pos;
    const args = this.args(() => this.expr());
    if (args.length !== n) throw this.c.errorAt(at, `expected ${n} arguments, got ${args.length}`);
    return args;
  }

  private operation(op: string, at: number): IRExpr {
    if (!isIROp(op)) throw this.c.errorAt(at, `unknown IROp '${op}'`);
    const arity = opSignature(op).args.length;
    const args = this.args(() => this.expr());
    if (args.length !== arity) throw this.c.errorAt(at, `${op} takes ${arity} argument${arity === 1 ? '' : 's'}, got ${args.length}`);
    // The op table fixes the arity, so these casts only restate what was just checked.
    switch (arity) {
      case 1: return { tag: 'Unop', op: op as UnaryOp, args: args as [IRExpr] };
      case 2: return { tag: 'Binop', op: op as BinaryOp, args: args as [IRExpr, IRExpr] };
      case 3: return { tag: 'Triop', op: op as TernaryOp, args: args as [IRExpr, IRExpr, IRExpr] };
      default: return { tag: 'Qop', op: op as QuaternaryOp, args: args as [IRExpr, IRExpr, IRExpr, IRExpr] };
    }
  }

  /** `0x1F:I64`, and `0:I1`/`1:I1`. */
  private intConst(w: string, at: number): Const {
    const c = this.c;
    c.expect(':');
    const ty = c.type();
    if (!isIntegerType(ty)) throw c.errorAt(at, `'${w}:${ty}' is not a constant; use ${ty}i{...}`);
    const ok = ty === 'I1' ? /^[01]$/.test(w) : /^0x[0-9A-Fa-f]+$/.test(w);
    if (!ok) throw c.errorAt(at, ty === 'I1' ? `an I1 constant is 0 or 1, not '${w}'` : `expected a hex constant but found '${w}'`);
    return this.checkedConst(ty, BigInt(w), at);
  }

  /** `F64i{0x..}` (or VEX's `F64{0x..}`), `F32i{..}`, `V128{0xFFFF}`, `V256{..}`. */
  private braceConst(w: string, at: number): Const {
    const c = this.c;
    c.expect('{');
    const value = c.hex();
    c.expect('}');
    return this.checkedConst(w.replace(/i$/, '') as IRType, value, at);
  }

  private checkedConst(ty: IRType, value: bigint, at: number): Const {
    if (value >= 1n << BigInt(constBits(ty))) throw this.c.errorAt(at, `constant ${value} does not fit in ${ty}`);
    return { tag: 'Const', ty, value };
  }

  /** `name[rp=N][mcx=0xM]{addr}(args):TY`. */
  private ccall(): IRExpr {
    const callee = this.callee();
    const args = this.args(() => this.expr());
    this.c.expect(':');
    return { tag: 'CCall', callee, retTy: this.c.type(), args };
  }

  private callee(): IRCallee {
    const c = this.c;
    // Helper names may hold parentheses (Memcheck's `MC_(helperc_LOADV64le)`): the name runs
    // to the `[` or `{` that starts the callee's annotations.
    const m = CALLEE_NAME.exec(c.text.slice(c.pos));
    if (!m) throw c.error(`expected an expression but found ${c.describeNext()}`);
    c.pos += m[0].length;
    const callee: IRCallee = { name: m[0] };
    if (c.eat('[rp=')) {
      callee.regparms = c.decimal();
      c.expect(']');
    }
    if (c.eat('[mcx=')) {
      callee.mcxMask = Number(c.hex());
      c.expect(']');
    }
    c.expect('{');
    if (c.peek('0x')) c.hex(); // valgrind prints the helper's host address; it means nothing here
    c.expect('}');
    return callee;
  }
}

const CALLEE_NAME = /^[A-Za-z_][\w()]*(?=[[{])/;
const VECTOR_OR_FLOAT_CONST = new Set(['F32', 'F32i', 'F64', 'F64i', 'V128', 'V256']);