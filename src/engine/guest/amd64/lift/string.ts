// String instructions. A rep-prefixed one runs one iteration per execution of its
// block and then jumps back to itself, as VEX lifts it, so every iteration is a
// precise point for faults and thread switches.
import { binop, c64 } from '../../../ir/builder.ts';
import { CcOpFamily, Cond } from '../flags.ts';
import { FormFlag } from '../forms.ts';
import type { MemOperand, Operand } from '../instruction.ts';
import { OFFSET_DFLAG, OFFSET_GPR } from '../state.ts';
import { type Handler, type InsnLifter, Unlifted } from './context.ts';

const RSI = 6;
const RDI = 7;
const RCX = 1;

function mem(o: Operand): MemOperand {
  if (o.kind !== 'mem') throw new Unlifted('string operand');
  return o;
}

function advance(l: InsnLifter, num: number, size: number): void {
  const step = l.assign(binop('Mul64', { tag: 'Get', offset: OFFSET_DFLAG, ty: 'I64' }, c64(size)));
  l.b.put(OFFSET_GPR(num), binop('Add64', l.gpr64(num), step));
}

type Body = (l: InsnLifter) => { size: number; regs: number[]; compares?: boolean };

function stringOp(body: Body): Handler {
  return (l) => {
    const rep = (l.ins.form!.flags & (FormFlag.Rep | FormFlag.RepZ)) !== 0 && (l.ins.prefixes.rep || l.ins.prefixes.repne);
    if (rep) l.exitIf(l.assign(binop('CmpEQ64', l.gpr64(RCX), c64(0))), l.next);
    const { size, regs, compares } = body(l);
    for (const r of regs) advance(l, r, size);
    if (!rep) return;
    const rcx = l.assign(binop('Sub64', l.gpr64(RCX), c64(1)));
    l.putGpr64(RCX, rcx);
    if (compares) {
      // repz stops when ZF is clear, repnz when it is set.
      l.exitIf(l.cond(l.ins.prefixes.rep ? Cond.NZ : Cond.Z), l.next);
    }
    l.jump(c64(l.ins.addr));
  };
}

const movs = stringOp((l) => {
  const dst = mem(l.op(0));
  const v = l.read(l.op(1));
  l.b.store(l.ea(dst), v);
  return { size: dst.size, regs: [RSI, RDI] };
});

const stos = stringOp((l) => {
  const dst = mem(l.op(0));
  l.b.store(l.ea(dst), l.read(l.op(1), dst.size));
  return { size: dst.size, regs: [RDI] };
});

const lods = stringOp((l) => {
  const src = mem(l.op(1));
  l.write(l.op(0), l.read(src));
  return { size: src.size, regs: [RSI] };
});

const cmps = stringOp((l) => {
  const a = mem(l.op(0));
  const x = l.read(a);
  const y = l.read(l.op(1));
  l.setFlags(CcOpFamily.Sub, a.size, x, y);
  return { size: a.size, regs: [RSI, RDI], compares: true };
});

const scas = stringOp((l) => {
  const b = mem(l.op(1));
  const x = l.read(l.op(0), b.size);
  const y = l.read(b);
  l.setFlags(CcOpFamily.Sub, b.size, x, y);
  return { size: b.size, regs: [RDI], compares: true };
});

export const STRING: Record<string, Handler> = {
  movsb: movs, 'movs%R': movs, stos, lods, cmpsb: cmps, 'cmps%R': cmps, scas,
};
