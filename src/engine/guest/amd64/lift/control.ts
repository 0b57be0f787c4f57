// Control transfer: jumps, conditional jumps, calls, returns and the rcx loops. Each ends
// the superblock (the block's `next` and jump kind tell the run loop where to go), except
// a direct jmp or call that the lifter chases: the block goes on at its target.
import { binop, c64, unop } from '../../../ir/builder.ts';
import type { Cond } from '../flags.ts';
import { CONDITIONS } from '../opcodes/onebyte.ts';
import { OFFSET_RSP, STACK_REDZONE } from '../state.ts';
import { type Handler, Unlifted } from './context.ts';

const jmp: Handler = (l) => {
  const t = l.op(0);
  if (t.kind === 'rel' && l.chase(t.target)) return;
  l.jump(t.kind === 'rel' ? c64(t.target) : l.read(t, 8));
};

function jcc(c: Cond): Handler {
  return (l) => {
    const t = l.op(0);
    if (t.kind !== 'rel') throw new Unlifted('jcc target');
    l.exitIf(l.cond(c), t.target);
    l.jump(c64(l.next));
  };
}

/** call: the target is read before the return address is pushed (call *(%rsp) works).
 *  A chased call marks the red zone below the new %rsp as a call's end would (AbiHint),
 *  for memcheck. */
const call: Handler = (l) => {
  const t = l.op(0);
  const target = t.kind === 'rel' ? c64(t.target) : l.read(t, 8);
  const rsp = l.assign(binop('Sub64', l.gpr64(4), c64(8)));
  l.b.put(OFFSET_RSP, rsp);
  l.b.store(rsp, c64(l.next));
  if (t.kind === 'rel' && l.chase(t.target)) {
    l.b.abiHint(l.assign(binop('Sub64', rsp, c64(STACK_REDZONE))), STACK_REDZONE, target);
    return;
  }
  l.jump(target, 'Call');
};

const ret: Handler = (l) => {
  const rsp = l.assign(l.gpr64(4));
  const target = l.loadMem(rsp, 8);
  const pop = 8 + (l.ins.operands[0]?.kind === 'imm' ? Number(l.ins.operands[0].value) : 0);
  l.b.put(OFFSET_RSP, binop('Add64', rsp, c64(pop)));
  l.jump(target, 'Ret');
};

/** loop/loope/loopne/jrcxz count in rcx (ecx with an address-size prefix). */
function rcxLoop(kind: 'loop' | 'loope' | 'loopne' | 'jrcxz'): Handler {
  return (l) => {
    const t = l.op(0);
    if (t.kind !== 'rel') throw new Unlifted('loop target');
    const size = l.ins.adsize;
    const rcx = { cls: 'gpr' as const, num: 1, size };
    let count = l.assign(l.getReg(rcx));
    if (kind !== 'jrcxz') {
      count = l.assign(binop(size === 8 ? 'Sub64' : 'Sub32', count, size === 8 ? c64(1) : { tag: 'Const', ty: 'I32', value: 1n }));
      l.putReg(rcx, count);
    }
    const zero = size === 8 ? c64(0) : ({ tag: 'Const', ty: 'I32', value: 0n } as const);
    const isZero = l.assign(binop(size === 8 ? 'CmpEQ64' : 'CmpEQ32', count, zero));
    let taken = kind === 'jrcxz' ? isZero : l.assign(unop('Not1', isZero));
    if (kind === 'loope') taken = l.assign(binop('And1', taken, l.cond(4 as Cond)));
    if (kind === 'loopne') taken = l.assign(binop('And1', taken, l.cond(5 as Cond)));
    l.exitIf(taken, t.target);
    l.jump(c64(l.next));
  };
}

const JCC: Record<string, Handler> = {};
CONDITIONS.forEach((c, i) => { JCC[`j${c}`] = jcc(i as Cond); });

export const CONTROL: Record<string, Handler> = {
  jmp, call, ret, ...JCC,
  loop: rcxLoop('loop'), loope: rcxLoop('loope'), loopne: rcxLoop('loopne'),
  jrcxz: rcxLoop('jrcxz'), jecxz: rcxLoop('jrcxz'),
};
