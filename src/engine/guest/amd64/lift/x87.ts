// x87 floating point (escape opcodes D8-DF), in VEX's model: the eight registers hold IEEE
// doubles, not 80-bit values, so results are exact to 53 bits only. Valgrind has the same
// limitation, which is why `valgrind` prints 1.0L/3 with double's digits; an fstpt of a
// value that needs 64 significand bits is the expected difference from the CPU.
//
// State (state.ts): FTOP, the top-of-stack index 0..7; FPREG[8], the physical registers as
// F64, a circular array addressed as FPREG[(FTOP + i) & 7] for ST(i) through GetI/PutI;
// FPTAG[8], 0 empty or 1 full; FPROUND, the control word's RC as an IRRoundingMode; FC3210,
// C3 C2 C1 C0 in their status-word bit positions. The rest of the control word is taken to
// be 0x037F (all exceptions masked, 64-bit precision): fldcw of anything else raises VEX's
// emulation warning. No exception flags are kept, so fnstsw shows none.
//
// Each instruction does its memory reads before it changes x87 state, so a fault leaves the
// state as it was. Reading an empty register gives the real indefinite (stack underflow
// with IE masked) and pushing onto a full one loads it (stack overflow), as the CPU does.
//
// Rounding: arithmetic and conversions use FPROUND (VEX uses round-to-nearest for the
// arithmetic). Where objdump's AT&T names for the DC/DE register forms swap sub/subr and
// div/divr (opcodes/x87.ts), each handler implements Intel's semantics for the opcode.
import { binop, c16, c32, c64, c8, get, getI, ite, load, triop, unop } from '../../../ir/builder.ts';
import type { Const, IRExpr, IRRegArray, RdTmp } from '../../../ir/types.ts';
import { Cond } from '../flags.ts';
import type { MemOperand, Operand } from '../instruction.ts';
import {
  OFFSET_EMNOTE, OFFSET_FC3210, OFFSET_FPREG, OFFSET_FPROUND, OFFSET_FPTAG, OFFSET_FTOP, OFFSET_RAX,
} from '../state.ts';
import { F64_INDEFINITE } from '../x87-format.ts';
import { type Handler, type InsnLifter, Unlifted } from './context.ts';

const FPREGS: IRRegArray = { base: OFFSET_FPREG, elemTy: 'F64', nElems: 8 };
const FPTAGS: IRRegArray = { base: OFFSET_FPTAG, elemTy: 'I8', nElems: 8 };

const f64Bits = (bits: bigint): Const => ({ tag: 'Const', ty: 'F64', value: bits });
const INDEFINITE = f64Bits(F64_INDEFINITE);

/** Status-word positions of the condition bits (C0 8, C1 9, C2 10, C3 14). */
const C0 = 0x0100, C1 = 0x0200, C2 = 0x0400, C3 = 0x4000;

/** VexEmNote values: the emulation warnings fldcw/fldenv raise (libvex_emnote.h). */
const EMWARN_X87_EXNS = 1, EMWARN_X87_PRECISION = 2;

/** The x87 stack as one instruction sees it. FTOP is read once and tracked across pushes
 *  and pops, so the IR reads as VEX's does after its optimiser has forwarded the PUTs. */
class Fpu {
  private top?: RdTmp;
  private rmode?: RdTmp;

  constructor(readonly l: InsnLifter) {}

  ftop(): RdTmp {
    return (this.top ??= this.l.assign(get(OFFSET_FTOP, 'I32')));
  }

  private setTop(e: IRExpr): void {
    const t = this.l.assign(binop('And32', e, c32(7)));
    this.l.b.put(OFFSET_FTOP, t);
    this.top = t;
  }

  push(): void {
    this.setTop(binop('Sub32', this.ftop(), c32(1)));
  }

  pop(): void {
    this.setTag(0, c8(0));
    this.setTop(binop('Add32', this.ftop(), c32(1)));
  }

  setTag(i: number, v: IRExpr): void {
    this.l.b.putI(FPTAGS, this.ftop(), i, v);
  }

  /** ST(i) is full, as an I1. */
  full(i: number): RdTmp {
    return this.l.assign(binop('CmpNE8', getI(FPTAGS, this.ftop(), i), c8(0)));
  }

  /** ST(i) whatever its tag says. */
  raw(i: number): RdTmp {
    return this.l.assign(getI(FPREGS, this.ftop(), i));
  }

  /** ST(i), or the real indefinite if it is empty. */
  st(i: number): RdTmp {
    return this.l.assign(ite(this.full(i), this.raw(i), INDEFINITE));
  }

  /** ST(i) = v, marking it full. */
  setRaw(i: number, v: IRExpr): void {
    this.l.b.putI(FPREGS, this.ftop(), i, v);
    this.setTag(i, c8(1));
  }

  /** ST(i) = v after a push: the indefinite instead if the register was still full. */
  setPushed(v: IRExpr): void {
    this.setRaw(0, this.l.assign(ite(this.full(0), INDEFINITE, v)));
  }

  /** Push a value computed (and, from memory, loaded) beforehand. */
  load(v: IRExpr): void {
    this.push();
    this.setPushed(v);
  }

  /** The rounding mode, an I32 IRRoundingMode. */
  rm(): RdTmp {
    return (this.rmode ??= this.l.assign(binop('And32', unop('64to32', get(OFFSET_FPROUND, 'I64')), c32(3))));
  }

  c3210(): RdTmp {
    return this.l.assign(get(OFFSET_FC3210, 'I64'));
  }

  setC3210(v: IRExpr): void {
    this.l.b.put(OFFSET_FC3210, v);
  }
}

function x87(body: (f: Fpu, l: InsnLifter) => void): Handler {
  return (l) => body(new Fpu(l), l);
}

/** The index i of an st(i) operand. */
function stIndex(o: Operand | undefined): number {
  if (o?.kind !== 'reg' || o.reg.cls !== 'st') throw new Unlifted('x87 register operand expected');
  return o.reg.num;
}

function memOp(l: InsnLifter, i = 0): MemOperand {
  const o = l.op(i);
  if (o.kind !== 'mem') throw new Unlifted('x87 memory operand expected');
  return o;
}

/** A signalling NaN loaded from a double is quietened (IE, masked), as fld m64fp does;
 *  flds gets that from F32toF64 and fldt from the 80-bit conversion. */
function quieten(l: InsnLifter, v: RdTmp): RdTmp {
  const bits = l.assign(unop('ReinterpF64asI64', v));
  const nan = l.assign(binop('CmpLT64U', c64(0x7ff0000000000000n), binop('And64', bits, c64(0x7fffffffffffffffn))));
  return l.assign(unop('ReinterpI64asF64', ite(nan, binop('Or64', bits, c64(0x0008000000000000n)), bits)));
}

/** A floating-point memory operand (m32fp, m64fp, m80fp) as the double the model holds. */
function loadReal(l: InsnLifter, m: MemOperand): RdTmp {
  const addr = l.ea(m);
  switch (m.size) {
    case 4: return l.assign(unop('F32toF64', load('F32', addr)));
    case 8: return l.assign(load('F64', addr));
    case 10: {
      // Rounded to a double in the current mode, as a following fstpl would round it.
      const rm = l.assign(binop('And64', get(OFFSET_FPROUND, 'I64'), c64(3)));
      const bits = l.b.dirty({
        callee: { name: 'amd64g_dirtyhelper_loadF80le' }, args: [addr, rm], retTy: 'I64',
        mem: { fx: 'Read', addr, size: 10 },
      });
      return l.assign(unop('ReinterpI64asF64', bits));
    }
  }
  throw new Unlifted(`x87 real of ${m.size} bytes`);
}

/** An integer memory operand (m16int, m32int, m64int) as a double. */
function loadInt(f: Fpu, l: InsnLifter, m: MemOperand): RdTmp {
  const addr = l.ea(m);
  switch (m.size) {
    case 2: return l.assign(unop('I32StoF64', unop('16Sto32', load('I16', addr))));
    case 4: return l.assign(unop('I32StoF64', load('I32', addr)));
    case 8: return l.assign(binop('I64StoF64', f.rm(), load('I64', addr)));
  }
  throw new Unlifted(`x87 integer of ${m.size} bytes`);
}

// ---------------------------------------------------------------- loads and stores

const fldMem = x87((f, l) => {
  const m = memOp(l);
  const v = loadReal(l, m);
  f.load(m.size === 8 ? quieten(l, v) : v);
});

const fldReg = x87((f, l) => f.load(f.st(stIndex(l.op(0)))));

const fild = x87((f, l) => f.load(loadInt(f, l, memOp(l))));

/** fld1 ... fldz: the constant rounded per RC (to 64 bits by the CPU, then to a double by
 *  an fstpl in the same mode; these are the doubles the CPU gives, checked by the oracle).
 *  Indexed by IRRoundingMode: nearest, down, up, zero. */
const CONSTANTS: Record<string, readonly [bigint, bigint, bigint, bigint]> = {
  fld1: [0x3ff0000000000000n, 0x3ff0000000000000n, 0x3ff0000000000000n, 0x3ff0000000000000n],
  fldz: [0n, 0n, 0n, 0n],
  fldpi: [0x400921fb54442d18n, 0x400921fb54442d18n, 0x400921fb54442d19n, 0x400921fb54442d18n],
  fldl2t: [0x400a934f0979a371n, 0x400a934f0979a371n, 0x400a934f0979a372n, 0x400a934f0979a371n],
  fldl2e: [0x3ff71547652b82fen, 0x3ff71547652b82fen, 0x3ff71547652b82ffn, 0x3ff71547652b82fen],
  fldlg2: [0x3fd34413509f79ffn, 0x3fd34413509f79fen, 0x3fd34413509f79ffn, 0x3fd34413509f79fen],
  fldln2: [0x3fe62e42fefa39efn, 0x3fe62e42fefa39efn, 0x3fe62e42fefa39f0n, 0x3fe62e42fefa39efn],
};

function fldConst(values: readonly [bigint, bigint, bigint, bigint]): Handler {
  return x87((f, l) => {
    const [nearest, down, up, zero] = values.map(f64Bits) as [Const, Const, Const, Const];
    if (values.every((v) => v === values[0])) return f.load(nearest);
    const rm = f.rm();
    const is = (mode: number) => l.assign(binop('CmpEQ32', rm, c32(mode)));
    f.load(l.assign(ite(is(0), nearest, ite(is(1), down, ite(is(2), up, zero)))));
  });
}

function fstMem(pop: boolean): Handler {
  return x87((f, l) => {
    const m = memOp(l);
    const addr = l.ea(m);
    const v = f.st(0);
    switch (m.size) {
      case 4: l.b.store(addr, l.assign(binop('F64toF32', f.rm(), v))); break;
      case 8: l.b.store(addr, v); break;
      case 10:
        l.b.dirty({
          callee: { name: 'amd64g_dirtyhelper_storeF80le' }, args: [addr, l.assign(unop('ReinterpF64asI64', v))],
          mem: { fx: 'Write', addr, size: 10 },
        });
        break;
      default: throw new Unlifted(`x87 store of ${m.size} bytes`);
    }
    if (pop) f.pop();
  });
}

/** fst/fstp st(i): no stack fault for a full destination (Intel SDM FST). */
function fstReg(pop: boolean): Handler {
  return x87((f, l) => {
    f.setRaw(stIndex(l.op(0)), f.st(0));
    if (pop) f.pop();
  });
}

/** fist/fistp/fisttp: out of range or NaN stores the integer indefinite (0x8000...). The
 *  16-bit form converts to 32 bits and narrows, so that indefinite comes out as 0x8000. */
function fist(mode: 'rc' | 'truncate', pop: boolean): Handler {
  return x87((f, l) => {
    const m = memOp(l);
    const addr = l.ea(m);
    const rm = mode === 'truncate' ? c32(3) : f.rm();
    const v = f.st(0);
    switch (m.size) {
      case 2: {
        const w = l.assign(binop('F64toI32S', rm, v));
        const fits = l.assign(binop('CmpLT32U', binop('Add32', w, c32(0x8000)), c32(0x10000)));
        l.b.store(addr, l.assign(ite(fits, unop('32to16', w), c16(0x8000))));
        break;
      }
      case 4: l.b.store(addr, l.assign(binop('F64toI32S', rm, v))); break;
      case 8: l.b.store(addr, l.assign(binop('F64toI64S', rm, v))); break;
      default: throw new Unlifted(`x87 integer store of ${m.size} bytes`);
    }
    if (pop) f.pop();
  });
}

const fxch = x87((f, l) => {
  const i = stIndex(l.op(0));
  const a = f.st(0);
  const b = f.st(i);
  f.setRaw(0, b);
  f.setRaw(i, a);
});

function fcmov(c: Cond): Handler {
  return x87((f, l) => {
    const i = stIndex(l.op(1));
    const take = l.cond(c);
    f.setRaw(0, l.assign(ite(take, f.st(i), f.st(0))));
  });
}

// ---------------------------------------------------------------- arithmetic

type Arith = 'add' | 'mul' | 'sub' | 'subr' | 'div' | 'divr';

const ARITH_OP: Record<Arith, 'AddF64' | 'MulF64' | 'SubF64' | 'DivF64'> = {
  add: 'AddF64', mul: 'MulF64', sub: 'SubF64', subr: 'SubF64', div: 'DivF64', divr: 'DivF64',
};

/** Intel's dst = dst op src, or src op dst for the reversed forms. */
function compute(f: Fpu, kind: Arith, dst: IRExpr, src: IRExpr): RdTmp {
  const reversed = kind === 'subr' || kind === 'divr';
  return f.l.assign(triop(ARITH_OP[kind], f.rm(), reversed ? src : dst, reversed ? dst : src));
}

/** fadds/faddl/fiaddl/fiadds ...: ST(0) = ST(0) op m. */
function arithMem(kind: Arith, integer: boolean): Handler {
  return x87((f, l) => {
    const m = memOp(l);
    const src = integer ? loadInt(f, l, m) : loadReal(l, m);
    f.setRaw(0, compute(f, kind, f.st(0), src));
  });
}

const AT_AND_T_SWAP: Record<Arith, Arith> = { add: 'add', mul: 'mul', sub: 'subr', subr: 'sub', div: 'divr', divr: 'div' };

/** The register forms, operands [dst, src]. With ST(0) as the destination (D8) objdump's
 *  name is Intel's; with st(i) as the destination (DC, DE) it has sub/subr and div/divr
 *  swapped: DC E0+i `fsub %st,%st(i)` is Intel's FSUBR, st(i) = st(0) - st(i). */
function arithReg(kind: Arith, pop: boolean): Handler {
  return x87((f, l) => {
    const dst = l.op(0);
    const d = stIndex(dst);
    const s = stIndex(l.op(1));
    const intel = dst.kind === 'reg' && dst.reg.stTop ? kind : AT_AND_T_SWAP[kind];
    const a = f.st(d);
    const b = f.st(s);
    f.setRaw(d, compute(f, intel, a, b));
    if (pop) f.pop();
  });
}

function unary(body: (f: Fpu, x: RdTmp) => IRExpr): Handler {
  return x87((f) => f.setRaw(0, f.l.assign(body(f, f.st(0)))));
}

const fchs = unary((_f, x) => unop('NegF64', x));
const fabs = unary((_f, x) => unop('AbsF64', x));
const fsqrt = unary((f, x) => binop('SqrtF64', f.rm(), x));
const frndint = unary((f, x) => binop('RoundF64toInt', f.rm(), x));
const f2xm1 = unary((f, x) => binop('2xm1F64', f.rm(), x));

const fscale = x87((f) => {
  const x = f.st(0);
  const n = f.st(1);
  f.setRaw(0, f.l.assign(triop('ScaleF64', f.rm(), x, n)));
});

/** fyl2x, fyl2xp1, fpatan: ST(1) = op(ST(1), ST(0)), then pop. */
function binaryPop(op: 'Yl2xF64' | 'Yl2xp1F64' | 'AtanF64'): Handler {
  return x87((f) => {
    const x = f.st(0);
    const y = f.st(1);
    f.setRaw(1, f.l.assign(triop(op, f.rm(), y, x)));
    f.pop();
  });
}

/** fprem/fprem1: the remainder in ST(0); C0 C3 C1 from the quotient, C2 when partial. */
function fprem(op: 'PRemF64' | 'PRem1F64', flags: 'PRemC3210F64' | 'PRem1C3210F64'): Handler {
  return x87((f) => {
    const x = f.st(0);
    const y = f.st(1);
    f.setRaw(0, f.l.assign(triop(op, f.rm(), x, y)));
    f.setC3210(f.l.assign(unop('32Uto64', triop(flags, f.rm(), x, y))));
  });
}

/** The trigonometric instructions reduce |x| < 2^63 only. A larger finite operand is left
 *  as it is, with C2 set to say so (VEX's test: biased exponent at most 0x43D); a NaN or
 *  infinite one is an invalid operation, whose result (the quietened NaN, or the real
 *  indefinite) they store, and fptan/fsincos push, like a result (checked on the CPU). */
interface TrigOperand {
  inRange: RdTmp;
  /** In range or not finite: the instruction produces results (and pushes). */
  acts: RdTmp;
  /** The result for a non-finite operand. */
  nan: RdTmp;
}

function trigOperand(f: Fpu, x: RdTmp): TrigOperand {
  const l = f.l;
  const bits = l.assign(unop('ReinterpF64asI64', x));
  const exp = l.assign(binop('And32', binop('Shr32', unop('64HIto32', bits), c8(20)), c32(0x7ff)));
  const inRange = l.assign(binop('CmpLE32U', exp, c32(0x43d)));
  const acts = l.assign(binop('Or1', inRange, binop('CmpEQ32', exp, c32(0x7ff))));
  const isInf = binop('CmpEQ64', binop('And64', bits, c64(0x7fffffffffffffffn)), c64(0x7ff0000000000000n));
  const nan = l.assign(ite(isInf, INDEFINITE, unop('ReinterpI64asF64', binop('Or64', bits, c64(0x0008000000000000n)))));
  return { inRange, acts, nan };
}

/** C2 = the operand was out of range; C1 (round-up) is not modelled. */
function setC2(f: Fpu, t: TrigOperand): void {
  const cleared = binop('And64', f.c3210(), c64(~C2));
  f.setC3210(f.l.assign(binop('Or64', cleared, ite(t.acts, c64(0), c64(C2)))));
}

function trigResult(f: Fpu, t: TrigOperand, x: RdTmp, value: IRExpr): RdTmp {
  return f.l.assign(ite(t.inRange, value, ite(t.acts, t.nan, x)));
}

function trig(op: 'SinF64' | 'CosF64'): Handler {
  return x87((f) => {
    const x = f.st(0);
    const t = trigOperand(f, x);
    f.setRaw(0, trigResult(f, t, x, binop(op, f.rm(), x)));
    setC2(f, t);
  });
}

/** fptan pushes 1.0 after the tangent, fsincos the cosine after the sine: a conditional
 *  push, FTOP moving by `acts` and the new ST(0) changing only if it does. */
function trigPush(first: 'TanF64' | 'SinF64', second: (f: Fpu, x: RdTmp) => IRExpr): Handler {
  return x87((f, l) => {
    const x = f.st(0);
    const t = trigOperand(f, x);
    f.setRaw(0, trigResult(f, t, x, binop(first, f.rm(), x)));
    const pushed = l.assign(ite(t.inRange, second(f, x), t.nan));
    const newTop = l.assign(binop('And32', binop('Sub32', f.ftop(), unop('1Uto32', t.acts)), c32(7)));
    l.b.put(OFFSET_FTOP, newTop);
    const oldTag = l.assign(getI(FPTAGS, newTop, 0));
    const oldVal = l.assign(getI(FPREGS, newTop, 0));
    const full = l.assign(binop('CmpNE8', oldTag, c8(0)));
    l.b.putI(FPREGS, newTop, 0, l.assign(ite(t.acts, ite(full, INDEFINITE, pushed), oldVal)));
    l.b.putI(FPTAGS, newTop, 0, l.assign(ite(t.acts, c8(1), oldTag)));
    setC2(f, t);
  });
}

const fptan = trigPush('TanF64', () => f64Bits(0x3ff0000000000000n));
const fsincos = trigPush('SinF64', (f, x) => binop('CosF64', f.rm(), x));

/** fxtract: ST(0) = exponent, then push the significand (in [1, 2), with x's sign). Zero
 *  gives -inf and the zero; infinity gives +inf and itself; a NaN itself twice. */
const fxtract = x87((f, l) => {
  const x = f.st(0);
  const bits = l.assign(unop('ReinterpF64asI64', x));
  const mag = l.assign(binop('And64', bits, c64(0x7fffffffffffffffn)));
  const isZero = l.assign(binop('CmpEQ64', mag, c64(0)));
  const isNaN = l.assign(binop('CmpLT64U', c64(0x7ff0000000000000n), mag));
  const isInf = l.assign(binop('CmpEQ64', mag, c64(0x7ff0000000000000n)));
  // A subnormal double is a normal extended value: scale it into the normal range first.
  const subnormal = l.assign(binop('CmpLT64U', mag, c64(0x0010000000000000n)));
  const scaled = l.assign(unop('ReinterpF64asI64', ite(subnormal, triop('MulF64', c32(0), x, f64Bits(0x43f0000000000000n)), x)));
  const biased = l.assign(unop('64to32', binop('Shr64', binop('And64', scaled, c64(0x7fffffffffffffffn)), c8(52))));
  const exp = l.assign(binop('Sub32', biased, ite(subnormal, c32(1023 + 64), c32(1023))));
  const sig = l.assign(binop('Or64', binop('And64', scaled, c64(0x800fffffffffffffn)), c64(0x3ff0000000000000n)));
  const special = l.assign(binop('Or1', isNaN, isInf));
  const expF = l.assign(ite(isZero, f64Bits(0xfff0000000000000n),
    ite(isNaN, x, ite(isInf, f64Bits(0x7ff0000000000000n), unop('I32StoF64', exp)))));
  const sigF = l.assign(ite(binop('Or1', isZero, special), x, unop('ReinterpI64asF64', sig)));
  f.setRaw(0, expF);
  f.load(sigF);
});

// ---------------------------------------------------------------- comparisons

/** C3 C2 C0 from CmpF64's IRCmpF64Result (0x45 unordered, 0x40 equal, 0x01 less): shifted
 *  into place it is the x87 encoding already. C1 is cleared. */
function compareC3210(f: Fpu, a: IRExpr, b: IRExpr): void {
  const l = f.l;
  f.setC3210(l.assign(unop('32Uto64', binop('And32', binop('Shl32', binop('CmpF64', a, b), c8(8)), c32(C3 | C2 | C0)))));
}

/** fcom(p)s/l, ficom(p)s/l: ST(0) against memory. */
function fcomMem(pops: number, integer: boolean): Handler {
  return x87((f, l) => {
    const m = memOp(l);
    const v = integer ? loadInt(f, l, m) : loadReal(l, m);
    compareC3210(f, f.st(0), v);
    for (let i = 0; i < pops; i++) f.pop();
  });
}

/** fcom/fucom st(i) and the popping forms; fcompp/fucompp compare with ST(1). The ordered
 *  and unordered forms differ only in the exceptions they raise, which are masked. */
function fcomReg(pops: number): Handler {
  return x87((f, l) => {
    const i = l.ins.operands.length > 0 ? stIndex(l.op(0)) : 1;
    compareC3210(f, f.st(0), f.st(i));
    for (let n = 0; n < pops; n++) f.pop();
  });
}

const ftst = x87((f) => compareC3210(f, f.st(0), f64Bits(0n)));

/** fcomi/fucomi and the popping forms: ZF PF CF from the comparison, OF SF AF cleared. */
function fcomi(pop: boolean): Handler {
  return x87((f, l) => {
    const i = stIndex(l.op(1));
    const r = l.assign(binop('And64', unop('32Uto64', binop('CmpF64', f.st(0), f.st(i))), c64(0x45)));
    l.setFlagsCopy(r);
    if (pop) f.pop();
  });
}

/** fxam: the class of ST(0) in C3 C2 C0, its sign in C1. A subnormal double is a normal
 *  extended number, so it is classed as normal (VEX says denormal). */
const fxam = x87((f, l) => {
  const bits = l.assign(unop('ReinterpF64asI64', f.raw(0)));
  const mag = l.assign(binop('And64', bits, c64(0x7fffffffffffffffn)));
  const inf = c64(0x7ff0000000000000n);
  const cls = l.assign(ite(binop('CmpLT64U', inf, mag), c64(C0),
    ite(binop('CmpEQ64', mag, inf), c64(C2 | C0),
      ite(binop('CmpEQ64', mag, c64(0)), c64(C3), c64(C2)))));
  const withEmpty = l.assign(ite(f.full(0), cls, c64(C3 | C0)));
  const sign = l.assign(binop('Shl64', binop('Shr64', bits, c8(63)), c8(9)));
  f.setC3210(l.assign(binop('Or64', withEmpty, sign)));
});

// ---------------------------------------------------------------- control and status

/** The status word: TOP in bits 11-13, C3..C0; no exception flags in our model. */
function statusWord(f: Fpu): RdTmp {
  const l = f.l;
  const top = binop('Shl32', binop('And32', f.ftop(), c32(7)), c8(11));
  const cc = binop('And32', unop('64to32', f.c3210()), c32(C3 | C2 | C1 | C0));
  return l.assign(unop('32to16', binop('Or32', top, cc)));
}

const fnstsw = x87((f, l) => {
  const dst = l.op(0);
  if (dst.kind === 'reg') {
    if (dst.reg.cls !== 'gpr' || dst.reg.num !== 0) throw new Unlifted('fnstsw to a register other than %ax');
    l.b.put(OFFSET_RAX, statusWord(f));
  } else {
    const addr = l.ea(memOp(l));
    l.b.store(addr, statusWord(f));
  }
});

/** The control word we report: all exceptions masked, 64-bit precision, RC from FPROUND. */
function controlWord(f: Fpu): RdTmp {
  return f.l.assign(unop('32to16', binop('Or32', c32(0x037f), binop('Shl32', f.rm(), c8(10)))));
}

const fnstcw = x87((f, l) => {
  const addr = l.ea(memOp(l));
  l.b.store(addr, controlWord(f));
});

/** Take a control word: RC to FPROUND; unmasked exceptions or a precision other than
 *  64 bits are noted as VEX's emulation warnings, reported by a side exit to the next
 *  instruction (Valgrind shows them with --show-emwarns=yes). */
function loadControlWord(f: Fpu, cw: RdTmp): void {
  const l = f.l;
  const cw32 = l.assign(unop('16Uto32', cw));
  l.b.put(OFFSET_FPROUND, l.assign(unop('32Uto64', binop('And32', binop('Shr32', cw32, c8(10)), c32(3)))));
  const exns = l.assign(binop('CmpNE32', binop('And32', cw32, c32(0x3f)), c32(0x3f)));
  const precision = l.assign(binop('CmpNE32', binop('And32', cw32, c32(0x300)), c32(0x300)));
  const ew = l.assign(ite(exns, c32(EMWARN_X87_EXNS), ite(precision, c32(EMWARN_X87_PRECISION), c32(0))));
  l.b.put(OFFSET_EMNOTE, ew);
  l.exitIf(l.assign(binop('CmpNE32', ew, c32(0))), l.next, 'EmWarn');
}

const fldcw = x87((f, l) => {
  const addr = l.ea(memOp(l));
  loadControlWord(f, l.loadMem(addr, 2));
});

/** The 2-bit tag of physical register p as fnstenv reports it: 0 valid, 1 zero, 2 special
 *  (NaN, infinity; a subnormal double is a normal extended value), 3 empty. */
function fullTag(f: Fpu, p: number): RdTmp {
  const l = f.l;
  const empty = l.assign(binop('CmpEQ8', get(OFFSET_FPTAG + p, 'I8'), c8(0)));
  const mag = l.assign(binop('And64', get(OFFSET_FPREG + 8 * p, 'I64'), c64(0x7fffffffffffffffn)));
  return l.assign(ite(empty, c32(3), ite(binop('CmpEQ64', mag, c64(0)), c32(1),
    ite(binop('CmpLE64U', c64(0x7ff0000000000000n), mag), c32(2), c32(0)))));
}

/** fnstenv, the 28-byte protected-mode image: control, status and tag words each padded
 *  with 0xFFFF as the CPU does; the last instruction and operand pointers are not kept
 *  (zero, as VEX writes them). */
const fnstenv = x87((f, l) => {
  const addr = l.ea(memOp(l));
  const at = (off: number) => (off === 0 ? addr : l.assign(binop('Add64', addr, c64(off))));
  const padded = (w: IRExpr) => l.assign(binop('Or32', unop('16Uto32', w), c32(0xffff0000)));
  let tw: IRExpr = c32(0);
  for (let p = 0; p < 8; p++) tw = l.assign(binop('Or32', tw, binop('Shl32', fullTag(f, p), c8(2 * p))));
  l.b.store(at(0), padded(controlWord(f)));
  l.b.store(at(4), padded(statusWord(f)));
  l.b.store(at(8), l.assign(binop('Or32', tw, c32(0xffff0000))));
  l.b.store(at(12), c64(0));
  l.b.store(at(20), c32(0));
  l.b.store(at(24), c32(0xffff0000));
});

/** fldenv: control word, TOP, C3..C0, and empty/full from the tag word (the CPU works
 *  out the finer classes itself). */
const fldenv = x87((f, l) => {
  const addr = l.ea(memOp(l));
  const cw = l.loadMem(addr, 2);
  const sw = l.assign(unop('16Uto32', l.loadMem(l.assign(binop('Add64', addr, c64(4))), 2)));
  const tw = l.assign(unop('16Uto32', l.loadMem(l.assign(binop('Add64', addr, c64(8))), 2)));
  l.b.put(OFFSET_FTOP, l.assign(binop('And32', binop('Shr32', sw, c8(11)), c32(7))));
  f.setC3210(l.assign(unop('32Uto64', binop('And32', sw, c32(C3 | C2 | C1 | C0)))));
  for (let p = 0; p < 8; p++) {
    const empty = binop('CmpEQ32', binop('And32', binop('Shr32', tw, c8(2 * p)), c32(3)), c32(3));
    l.b.put(OFFSET_FPTAG + p, l.assign(ite(empty, c8(0), c8(1))));
  }
  loadControlWord(f, cw);
});

/** fninit: the state after FINIT (control word 0x037F, empty stack, TOP 0). */
const fninit: Handler = (l) => {
  l.b.put(OFFSET_FTOP, c32(0));
  l.b.put(OFFSET_FPTAG, c64(0)); // all eight tags at once
  l.b.put(OFFSET_FPROUND, c64(0));
  l.b.put(OFFSET_FC3210, c64(0));
};

/** No exception flags are kept, so there is nothing to clear or to wait for. */
const nothing: Handler = () => {};

const ffree = x87((f, l) => f.setTag(stIndex(l.op(0)), c8(0)));

const ffreep = x87((f, l) => {
  f.setTag(stIndex(l.op(0)), c8(0));
  f.pop();
});

function moveTop(delta: 1 | -1): Handler {
  return (l) => {
    const top = get(OFFSET_FTOP, 'I32');
    l.b.put(OFFSET_FTOP, l.assign(binop('And32', binop(delta > 0 ? 'Add32' : 'Sub32', top, c32(1)), c32(7))));
  };
}

// ---------------------------------------------------------------- the table

const arithTable = (prefix: 'f' | 'fi', suffixes: readonly string[], integer: boolean): Record<string, Handler> => {
  const out: Record<string, Handler> = {};
  for (const s of suffixes) {
    for (const kind of ['add', 'mul', 'sub', 'subr', 'div', 'divr'] as const) out[`${prefix}${kind}${s}`] = arithMem(kind, integer);
    out[`${prefix}com${s}`] = fcomMem(0, integer);
    out[`${prefix}comp${s}`] = fcomMem(1, integer);
  }
  return out;
};

export const X87: Record<string, Handler> = {
  // loads
  flds: fldMem, fldl: fldMem, fldt: fldMem, fld: fldReg,
  filds: fild, fildl: fild, fildll: fild,
  ...Object.fromEntries(Object.entries(CONSTANTS).map(([name, values]) => [name, fldConst(values)])),
  // stores
  fsts: fstMem(false), fstl: fstMem(false), fstps: fstMem(true), fstpl: fstMem(true), fstpt: fstMem(true),
  fst: fstReg(false), fstp: fstReg(true),
  fists: fist('rc', false), fistl: fist('rc', false),
  fistps: fist('rc', true), fistpl: fist('rc', true), fistpll: fist('rc', true),
  fisttps: fist('truncate', true), fisttpl: fist('truncate', true), fisttpll: fist('truncate', true),
  fxch,
  fcmovb: fcmov(Cond.B), fcmove: fcmov(Cond.Z), fcmovbe: fcmov(Cond.BE), fcmovu: fcmov(Cond.P),
  fcmovnb: fcmov(Cond.NB), fcmovne: fcmov(Cond.NZ), fcmovnbe: fcmov(Cond.NBE), fcmovnu: fcmov(Cond.NP),
  // arithmetic
  ...arithTable('f', ['s', 'l'], false),
  ...arithTable('fi', ['s', 'l'], true),
  fadd: arithReg('add', false), fmul: arithReg('mul', false),
  fsub: arithReg('sub', false), fsubr: arithReg('subr', false),
  fdiv: arithReg('div', false), fdivr: arithReg('divr', false),
  faddp: arithReg('add', true), fmulp: arithReg('mul', true),
  fsubp: arithReg('sub', true), fsubrp: arithReg('subr', true),
  fdivp: arithReg('div', true), fdivrp: arithReg('divr', true),
  fchs, fabs, fsqrt, frndint, fscale, fxtract,
  fprem: fprem('PRemF64', 'PRemC3210F64'), fprem1: fprem('PRem1F64', 'PRem1C3210F64'),
  f2xm1, fyl2x: binaryPop('Yl2xF64'), fyl2xp1: binaryPop('Yl2xp1F64'), fpatan: binaryPop('AtanF64'),
  fsin: trig('SinF64'), fcos: trig('CosF64'), fptan, fsincos,
  // comparisons
  fcom: fcomReg(0), fcomp: fcomReg(1), fucom: fcomReg(0), fucomp: fcomReg(1),
  fcompp: fcomReg(2), fucompp: fcomReg(2), ftst, fxam,
  fcomi: fcomi(false), fucomi: fcomi(false), fcomip: fcomi(true), fucomip: fcomi(true),
  // control
  'f%Nstsw': fnstsw, 'f%Nstcw': fnstcw, fldcw, 'f%Nstenv': fnstenv, fldenv,
  'f%Ninit': fninit, 'f%Nclex': nothing, fwait: nothing, fnop: nothing,
  ffree, ffreep, fdecstp: moveTop(-1), fincstp: moveTop(1),
};
