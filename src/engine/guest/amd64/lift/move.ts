// Data movement: mov and its extending forms, lea, xchg, cmov/set, push/pop, sign
// extensions of rax, bswap, and the atomic exchanges (cmpxchg, xadd).
import { binop, c64, c8, ite, unop } from '../../../ir/builder.ts';
import { CcOpFamily, type Cond } from '../flags.ts';
import type { Operand } from '../instruction.ts';
import type { Reg } from '../registers.ts';
import { CONDITIONS } from '../opcodes/onebyte.ts';
import { OFFSET_RSP } from '../state.ts';
import { type Handler, type InsnLifter, Unlifted, opN } from './context.ts';

const reg = (num: number, size: number): Reg => ({ cls: 'gpr', num, size });

function sizeOf(o: Operand): number {
  if (o.kind === 'reg') return o.reg.size;
  if (o.kind === 'mem' || o.kind === 'imm') return o.size;
  throw new Unlifted(`no size for ${o.kind}`);
}

const mov: Handler = (l) => {
  const dst = l.op(0);
  l.write(dst, l.read(l.op(1), sizeOf(dst)));
};

/** movzx/movsx/movsxd: the source at its width, extended to the destination's. */
function extend(signed: boolean): Handler {
  return (l) => {
    const dst = l.op(0);
    const src = l.op(1);
    l.write(dst, l.assign(l.convert(l.read(src), sizeOf(src), sizeOf(dst), signed)));
  };
}

const lea: Handler = (l) => {
  const dst = l.op(0);
  const src = l.op(1);
  if (dst.kind !== 'reg' || src.kind !== 'mem') throw new Unlifted('lea operands');
  l.putReg(dst.reg, l.assign(l.convert(l.ea(src), 8, dst.reg.size)));
};

/** xchg with memory is atomic even without lock. */
const xchg: Handler = (l) => {
  const a = l.location(l.op(0));
  const b = l.location(l.op(1));
  const va = a.read();
  const vb = b.read();
  if (a.addr) {
    const seen = l.b.cas({ addr: a.addr, expdLo: va, dataLo: vb });
    l.restartIf(l.assign(binop(opN('CasCmpNE', a.size), seen, va)));
  } else {
    a.write(vb);
  }
  b.write(va);
};

/** cmovcc always reads its source (so a bad address faults) and, for 32-bit, always
 *  writes the destination: a false condition still zero-extends it. */
function cmov(c: Cond): Handler {
  return (l) => {
    const dst = l.op(0);
    if (dst.kind !== 'reg') throw new Unlifted('cmov destination');
    const src = l.read(l.op(1));
    const old = l.read(dst);
    l.putReg(dst.reg, l.select(l.cond(c), src, old));
  };
}

function setcc(c: Cond): Handler {
  return (l) => l.write(l.op(0), l.assign(unop('1Uto8', l.cond(c))));
}

/** push: the value is read before rsp moves (push %rsp pushes the old rsp). */
function pushValue(l: InsnLifter, v: ReturnType<InsnLifter['read']>, size: number): void {
  // rsp first, as VEX orders it: a tool tracking the stack pointer sees the frame grow
  // before the store into it.
  const rsp = l.assign(binop('Sub64', l.gpr64(4), c64(size)));
  l.b.put(OFFSET_RSP, rsp);
  l.b.store(rsp, v);
}

const push: Handler = (l) => {
  const src = l.op(0);
  const size = l.ins.opsize;
  const v = src.kind === 'imm' ? l.const(size, src.value) : l.read(src, size);
  pushValue(l, v, size);
};

/** pop: rsp moves before the destination is written (pop %rsp loads the popped value). */
const pop: Handler = (l) => {
  const dst = l.op(0);
  const size = l.ins.opsize;
  const rsp = l.assign(l.gpr64(4));
  const v = l.loadMem(rsp, size);
  l.b.put(OFFSET_RSP, binop('Add64', rsp, c64(size)));
  l.write(dst, v);
};

const leave: Handler = (l) => {
  const rbp = l.assign(l.gpr64(5));
  l.putGpr64(5, l.loadMem(rbp, 8));
  l.b.put(OFFSET_RSP, binop('Add64', rbp, c64(8)));
};

/** cbtw/cwtl/cltq: sign-extend the low half of rax into all of it. */
function extendAccumulator(from: number, to: number): Handler {
  return (l) => l.putReg(reg(0, to), l.assign(l.convert(l.getReg(reg(0, from)), from, to, true)));
}

/** cwtd/cltd/cqto: rdx = the sign of rax, replicated. */
function signIntoRdx(size: number): Handler {
  return (l) => {
    const sign = binop(opN('Sar', size), l.getReg(reg(0, size)), c8(size * 8 - 1));
    l.putReg(reg(2, size), l.assign(sign));
  };
}

const bswap: Handler = (l) => {
  const dst = l.op(0);
  if (dst.kind !== 'reg') throw new Unlifted('bswap operand');
  const size = dst.reg.size;
  const v = l.assign(l.widen64(l.read(dst), size));
  let acc: ReturnType<InsnLifter['assign']> | undefined;
  for (let i = 0; i < size; i++) {
    const byte = l.assign(binop('And64', binop('Shr64', v, c8(8 * i)), c64(0xff)));
    const placed = l.assign(binop('Shl64', byte, c8(8 * (size - 1 - i))));
    acc = acc ? l.assign(binop('Or64', acc, placed)) : placed;
  }
  l.putReg(dst.reg, l.assign(l.convert(acc!, 8, size)));
};

/** cmpxchg: compare rax with the destination; equal: store src, else load into rax. */
const cmpxchg: Handler = (l) => {
  const loc = l.location(l.op(0));
  const size = loc.size;
  const src = l.read(l.op(1), size);
  const acc = l.assign(l.getReg(reg(0, size)));
  let old;
  if (loc.addr) {
    // The CAS both compares and writes; a memory destination is always written by the CPU,
    // the CAS writes back the old value when the comparison fails, so it is atomic as lock requires.
    old = l.b.cas({ addr: loc.addr, expdLo: acc, dataLo: src });
  } else {
    old = loc.read();
    const eq = l.assign(binop(opN('CmpEQ', size), old, acc));
    loc.write(l.assign(ite(eq, src, old)));
  }
  const eq = l.assign(binop(opN('CmpEQ', size), old, acc));
  l.putReg(reg(0, size), l.assign(ite(eq, acc, old)));
  l.setFlags(CcOpFamily.Sub, size, acc, old);
};

const xadd: Handler = (l) => {
  const loc = l.location(l.op(0));
  const src = l.op(1);
  if (src.kind !== 'reg') throw new Unlifted('xadd source');
  const size = loc.size;
  const x = loc.read();
  const y = l.read(src);
  const sum = l.assign(binop(opN('Add', size), x, y));
  if (loc.addr && l.ins.prefixes.lock) {
    const seen = l.b.cas({ addr: loc.addr, expdLo: x, dataLo: sum });
    l.restartIf(l.assign(binop(opN('CasCmpNE', size), seen, x)));
  } else {
    loc.write(sum);
  }
  l.putReg(src.reg, x);
  l.setFlags(CcOpFamily.Add, size, x, y);
};

const nothing: Handler = () => {};

const CONDS: Record<string, Handler> = {};
CONDITIONS.forEach((c, i) => {
  CONDS[`cmov${c}`] = cmov(i as Cond);
  CONDS[`set${c}`] = setcc(i as Cond);
});

export const MOVE: Record<string, Handler> = {
  mov, movabs: mov,
  'movzb%R': extend(false), 'movzw%R': extend(false),
  'movsb%R': extend(true), 'movsw%R': extend(true), movslq: extend(true),
  lea, xchg, push, pop, leave,
  cbtw: extendAccumulator(1, 2), cwtl: extendAccumulator(2, 4), cltq: extendAccumulator(4, 8),
  cwtd: signIntoRdx(2), cltd: signIntoRdx(4), cqto: signIntoRdx(8),
  bswap, cmpxchg, xadd,
  nop: nothing, pause: nothing, endbr64: nothing, endbr32: nothing,
  // Without CET shadow stacks (our CPU has none) rdssp is a hint-space nop that leaves its
  // register alone: libgcc's unwinder relies on that to see that no shadow stack is active.
  rdsspd: nothing, rdsspq: nothing,
  prefetchnta: nothing, prefetcht0: nothing, prefetcht1: nothing, prefetcht2: nothing, prefetchw: nothing,
  ...CONDS,
};
