// Integer arithmetic and logic: the ALU group, inc/dec/neg/not, shifts and rotates,
// multiply and divide. Flags go to the lazy thunk exactly as VEX records them.
import { binop, c64, c8, ite, unop } from '../../../ir/builder.ts';
import type { IRExpr } from '../../../ir/types.ts';
import { CcOpFamily } from '../flags.ts';
import type { Reg } from '../registers.ts';
import { type Handler, type InsnLifter, Unlifted, irOp, opN, unN } from './context.ts';

const RAX: Reg = { cls: 'gpr', num: 0, size: 8 };
const RDX: Reg = { cls: 'gpr', num: 2, size: 8 };
const reg = (num: number, size: number): Reg => ({ cls: 'gpr', num, size });

/** Write back a read-modify-write result; with `lock` on memory, as a CAS that retries. */
function commit(l: InsnLifter, loc: ReturnType<InsnLifter['location']>, old: IRExpr, v: IRExpr): void {
  if (l.ins.prefixes.lock && loc.addr) {
    const seen = l.b.cas({ addr: loc.addr, expdLo: old, dataLo: v });
    l.restartIf(l.assign(binop(opN('CasCmpNE', loc.size), seen, old)));
  } else {
    loc.write(v);
  }
}

type Alu = { op: string; family: CcOpFamily; writes: boolean };
const ALU: Record<string, Alu> = {
  add: { op: 'Add', family: CcOpFamily.Add, writes: true },
  sub: { op: 'Sub', family: CcOpFamily.Sub, writes: true },
  cmp: { op: 'Sub', family: CcOpFamily.Sub, writes: false },
  and: { op: 'And', family: CcOpFamily.Logic, writes: true },
  test: { op: 'And', family: CcOpFamily.Logic, writes: false },
  or: { op: 'Or', family: CcOpFamily.Logic, writes: true },
  xor: { op: 'Xor', family: CcOpFamily.Logic, writes: true },
};

function alu(a: Alu): Handler {
  return (l) => {
    const loc = l.location(l.op(0));
    const size = loc.size;
    const x = loc.read();
    const y = l.read(l.op(1), size);
    const r = l.assign(binop(opN(a.op, size), x, y));
    if (a.writes) commit(l, loc, x, r);
    if (a.family === CcOpFamily.Logic) l.setFlags(a.family, size, r);
    else l.setFlags(a.family, size, x, y);
  };
}

/** adc/sbb: DEP2 holds argR ^ oldCarry and NDEP the old carry, so the thunk is exact. */
function carryOp(op: 'Add' | 'Sub', family: CcOpFamily): Handler {
  return (l) => {
    const loc = l.location(l.op(0));
    const size = loc.size;
    const c = l.carry();
    const cN = l.assign(l.convert(c, 8, size));
    const x = loc.read();
    const y = l.read(l.op(1), size);
    const r = l.assign(binop(opN(op, size), l.assign(binop(opN(op, size), x, y)), cN));
    commit(l, loc, x, r);
    l.setFlags(family, size, x, l.assign(binop(opN('Xor', size), y, cN)), c);
  };
}

function incDec(op: 'Add' | 'Sub', family: CcOpFamily): Handler {
  return (l) => {
    const loc = l.location(l.op(0));
    const c = l.carry();
    const x = loc.read();
    const r = l.assign(binop(opN(op, loc.size), x, l.const(loc.size, 1)));
    commit(l, loc, x, r);
    l.setFlags(family, loc.size, r, c64(0), c);
  };
}

const neg: Handler = (l) => {
  const loc = l.location(l.op(0));
  const x = loc.read();
  const zero = l.const(loc.size, 0);
  const r = l.assign(binop(opN('Sub', loc.size), zero, x));
  commit(l, loc, x, r);
  l.setFlags(CcOpFamily.Sub, loc.size, zero, x);
};

const not: Handler = (l) => {
  const loc = l.location(l.op(0));
  const x = loc.read();
  commit(l, loc, x, l.assign(unop(unN('Not', loc.size), x)));
};

// ---------------------------------------------------------------- shifts and rotates

/** The shift count, masked as the CPU masks it (5 bits, 6 for 64-bit operands), as I8. */
function shiftCount(l: InsnLifter, size: number, operand = 1): IRExpr {
  const raw = l.op(operand);
  const mask = size === 8 ? 0x3f : 0x1f;
  if (raw.kind === 'one') return c8(1);
  if (raw.kind === 'imm') return c8(Number(raw.value) & mask);
  return l.assign(binop('And8', l.read(raw, 1), c8(mask)));
}

/** A count of zero leaves every flag alone: keep the old thunk then. */
function setFlagsUnlessZero(l: InsnLifter, count: IRExpr, put: () => void): void {
  if (count.tag === 'Const') {
    if (count.value !== 0n) put();
    return;
  }
  const offsets = [144, 152, 160, 168];
  const old = offsets.map((o) => l.assign({ tag: 'Get', offset: o, ty: 'I64' }));
  put();
  const isZero = l.assign(binop('CmpEQ8', count, c8(0)));
  offsets.forEach((o, i) => {
    const now = l.assign({ tag: 'Get', offset: o, ty: 'I64' });
    l.b.put(o, ite(isZero, old[i]!, now));
  });
}

type ShiftKind = 'shl' | 'shr' | 'sar';

/** Shifts are done at 64 bits so 8/16-bit operands can shift by up to 31 safely. */
function shift(kind: ShiftKind): Handler {
  return (l) => {
    const loc = l.location(l.op(0));
    const size = loc.size;
    const count = shiftCount(l, size);
    const x = loc.read();
    const wide = l.assign(l.widen64(x, size, kind === 'sar'));
    const op = kind === 'shl' ? 'Shl64' : kind === 'shr' ? 'Shr64' : 'Sar64';
    const res = l.assign(l.convert(l.assign(binop(op, wide, count)), 8, size));
    // DEP2 is the value shifted by count-1: the bit that fell out last is at its edge.
    const cm1 = l.assign(binop('Sub8', count, c8(1)));
    const safe = count.tag === 'Const' ? c8(Math.max(0, Number(count.value) - 1)) : l.assign(ite(l.assign(binop('CmpEQ8', count, c8(0))), c8(0), cm1));
    const before = l.assign(l.convert(l.assign(binop(op, wide, safe)), 8, size));
    commit(l, loc, x, res);
    setFlagsUnlessZero(l, count, () => l.setFlags(kind === 'shl' ? CcOpFamily.Shl : CcOpFamily.Shr, size, res, before));
  };
}

function rotate(left: boolean): Handler {
  return (l) => {
    const loc = l.location(l.op(0));
    const size = loc.size;
    const bits = size * 8;
    const count = shiftCount(l, size);
    // The rotation amount is the masked count modulo the width.
    const n = l.assign(bits === 64 || bits === 32 ? count : binop('And8', count, c8(bits - 1)));
    const nb = l.assign(binop('Sub8', c8(bits), n));
    const x = loc.read();
    const wide = l.assign(l.widen64(x, size));
    const a = l.assign(binop(left ? 'Shl64' : 'Shr64', wide, n));
    const b = l.assign(binop(left ? 'Shr64' : 'Shl64', wide, nb));
    // Shifting by the full width is undefined in the IR: a zero rotation keeps x.
    const rotated = l.assign(binop('Or64', a, ite(l.assign(binop('CmpEQ8', n, c8(0))), c64(0), b)));
    const res = l.assign(l.convert(rotated, 8, size));
    commit(l, loc, x, res);
    const oldFlags = l.rflagsAll();
    setFlagsUnlessZero(l, count, () => l.setFlags(left ? CcOpFamily.Rol : CcOpFamily.Ror, size, res, c64(0), oldFlags));
  };
}

/** shld/shrd: shift dst, filling from src; done on a 128-bit-free 64-bit pair trick per width. */
function doubleShift(left: boolean): Handler {
  return (l) => {
    const loc = l.location(l.op(0));
    const size = loc.size;
    if (size === 2) throw new Unlifted('16-bit shld/shrd');
    const bits = size * 8;
    const count = shiftCount(l, size, 2);
    const x = loc.read();
    const y = l.read(l.op(1), size);
    const sh = (v: IRExpr, by: IRExpr, dir: boolean) => l.assign(binop(dir ? opN('Shl', size) : opN('Shr', size), v, by));
    const zero = l.assign(binop('CmpEQ8', count, c8(0)));
    const inv = l.assign(ite(zero, c8(0), binop('Sub8', c8(bits), count)));
    const main = sh(x, count, left);
    const fill = sh(y, inv, !left);
    const res = l.assign(ite(zero, x, binop(opN('Or', size), main, fill)));
    const cm1 = l.assign(ite(zero, c8(0), binop('Sub8', count, c8(1))));
    const before = l.assign(binop(opN('Or', size), sh(x, cm1, left), l.assign(ite(zero, l.const(size, 0), sh(y, l.assign(binop('Sub8', c8(bits), cm1)), !left)))));
    commit(l, loc, x, res);
    setFlagsUnlessZero(l, count, () => l.setFlags(left ? CcOpFamily.Shl : CcOpFamily.Shr, size, res, before));
  };
}

// ---------------------------------------------------------------- multiply and divide

/** imul r, r/m[, imm]: the truncated product; flags from the full signed product. */
const imulTruncating: Handler = (l) => {
  const dst = l.op(0);
  if (dst.kind !== 'reg') throw new Unlifted('imul destination');
  const size = dst.reg.size;
  const [x, y] = l.ins.operands.length === 3 ? [l.read(l.op(1)), l.read(l.op(2), size)] : [l.read(dst), l.read(l.op(1))];
  l.putReg(dst.reg, l.assign(binop(opN('Mul', size), x, y)));
  l.setFlags(CcOpFamily.Smul, size, x, y);
};

/** One-operand mul/imul: rdx:rax (or ax for bytes) = rax * r/m. */
function mulWide(signed: boolean): Handler {
  return (l) => {
    const src = l.op(0);
    const size = src.kind === 'reg' ? src.reg.size : src.kind === 'mem' ? src.size : 0;
    const y = l.read(src);
    const x = l.assign(l.getReg(reg(0, size)));
    const full = l.assign(binop(irOp(`Mull${signed ? 'S' : 'U'}${size * 8}`), x, y));
    if (size === 1) {
      l.putReg(reg(0, 2), full);
    } else {
      const half = size * 8;
      const lo = l.assign(unop(irOp(`${half * 2}to${half}`), full));
      const hi = l.assign(unop(irOp(`${half * 2}HIto${half}`), full));
      l.putReg(reg(0, size), lo);
      l.putReg(reg(2, size), hi);
    }
    l.setFlags(signed ? CcOpFamily.Smul : CcOpFamily.Umul, size, x, y);
  };
}

/** div/idiv: rdx:rax / r/m; the IR op traps (SIGFPE) on a zero divisor or an overflow. */
function divide(signed: boolean): Handler {
  return (l) => {
    const src = l.op(0);
    const size = src.kind === 'reg' ? src.reg.size : src.kind === 'mem' ? src.size : 0;
    const s = signed ? 'S' : 'U';
    const y = l.read(src);
    if (size === 8) {
      const dividend = l.assign(binop('64HLto128', l.gpr64(2), l.gpr64(0)));
      const qr = l.assign(binop(irOp(`DivMod${s}128to64`), dividend, y));
      l.putReg(RAX, unop('128to64', qr));
      l.putReg(RDX, unop('128HIto64', qr));
      return;
    }
    // Narrower divides run as 64/32: the dividend widened, the quotient range checked by
    // the op for 32 bits (an 8/16-bit quotient overflow is not detected).
    const dividend = size === 4
      ? l.assign(binop('32HLto64', l.getReg(reg(2, 4)), l.getReg(reg(0, 4))))
      : size === 2
        ? l.assign(l.convert(l.assign(binop('16HLto32', l.getReg(reg(2, 2)), l.getReg(reg(0, 2)))), 4, 8, signed))
        : l.assign(l.convert(l.getReg(reg(0, 2)), 2, 8, signed));
    const qr = l.assign(binop(irOp(`DivMod${s}64to32`), dividend, l.convert(y, size, 4, signed)));
    const q = l.assign(l.convert(l.assign(unop('64to32', qr)), 4, size));
    const r = l.assign(l.convert(l.assign(unop('64HIto32', qr)), 4, size));
    if (size === 1) {
      l.putReg(reg(0, 1), q);
      l.putReg({ cls: 'gpr', num: 4, size: 1, high8: true }, r);
    } else {
      l.putReg(reg(0, size), q);
      l.putReg(reg(2, size), r);
    }
  };
}

export const ARITH: Record<string, Handler> = {
  ...Object.fromEntries(Object.entries(ALU).map(([m, a]) => [m, alu(a)])),
  adc: carryOp('Add', CcOpFamily.Adc),
  sbb: carryOp('Sub', CcOpFamily.Sbb),
  inc: incDec('Add', CcOpFamily.Inc),
  dec: incDec('Sub', CcOpFamily.Dec),
  neg,
  not,
  shl: shift('shl'),
  shr: shift('shr'),
  sar: shift('sar'),
  rol: rotate(true),
  ror: rotate(false),
  shld: doubleShift(true),
  shrd: doubleShift(false),
  mul: mulWide(false),
  imul: (l) => (l.ins.operands.length === 1 ? mulWide(true)(l) : imulTruncating(l)),
  div: divide(false),
  idiv: divide(true),
};
