// System and flag instructions: syscall, cpuid, rdtsc, traps, fences, the direction and
// carry flag instructions, pushf/popf and sahf/lahf.
import { binop, c64, ite, unop } from '../../../ir/builder.ts';
import { AF, CF, OF, PF, SF, ZF } from '../flags.ts';
import type { Reg } from '../registers.ts';
import {
  OFFSET_DFLAG, OFFSET_FC3210, OFFSET_FPREG, OFFSET_FPROUND, OFFSET_FPTAG, OFFSET_FTOP, OFFSET_GPR,
  OFFSET_IP_AT_SYSCALL, OFFSET_RSP, OFFSET_SSEROUND, OFFSET_YMM,
} from '../state.ts';
import { type Handler, type InsnLifter, Unlifted } from './context.ts';

const ARITH_FLAGS = CF | PF | AF | ZF | SF | OF;
/** rflags bit 1 is always set; IF (0x200) is always set in user mode. */
const FIXED_RFLAGS = 0x202n;
const DF = 0x400n;
const AH: Reg = { cls: 'gpr', num: 4, size: 1, high8: true };

/** rflags as pushf sees it. */
function rflags(l: InsnLifter): ReturnType<InsnLifter['assign']> {
  const down = l.assign(binop('CmpEQ64', { tag: 'Get', offset: OFFSET_DFLAG, ty: 'I64' }, c64(-1)));
  const df = l.assign(ite(down, c64(DF), c64(0)));
  return l.assign(binop('Or64', binop('Or64', l.rflagsAll(), df), c64(FIXED_RFLAGS)));
}

const syscall: Handler = (l) => {
  l.b.put(OFFSET_IP_AT_SYSCALL, c64(l.ins.addr));
  l.jump(c64(l.next), 'Sys_syscall');
};

const cpuid: Handler = (l) => {
  const gpr = (n: number, fx: 'Read' | 'Write' | 'Modify') => ({ fx, offset: OFFSET_GPR(n), size: 8 });
  l.b.dirty({
    callee: { name: 'amd64g_dirtyhelper_CPUID_baseline' },
    args: [{ tag: 'GSPTR' }],
    fxState: [gpr(0, 'Modify'), gpr(1, 'Modify'), gpr(2, 'Write'), gpr(3, 'Write')],
  });
};

const rdtsc: Handler = (l) => {
  const t = l.b.dirty({ callee: { name: 'amd64g_dirtyhelper_RDTSC' }, args: [], retTy: 'I64' });
  l.putReg({ cls: 'gpr', num: 0, size: 4 }, l.assign(unop('64to32', t)));
  l.putReg({ cls: 'gpr', num: 2, size: 4 }, l.assign(unop('64HIto32', t)));
};

/** A trap: the block ends at this instruction with a signal jump kind. (ud2 is VEX's
 *  NoDecode, so it gets Valgrind's "Unrecognised instruction" report, as under valgrind.) */
function trap(jk: 'NoDecode' | 'SigTRAP' | 'SigSEGV', after: boolean): Handler {
  return (l) => l.jump(c64(after ? l.next : l.ins.addr), jk);
}

const int: Handler = (l) => {
  const n = l.op(0);
  if (n.kind !== 'imm') throw new Unlifted('int operand');
  if (n.value === 0x80n) l.jump(c64(l.next), 'Sys_int128');
  else l.jump(c64(l.ins.addr), 'SigSEGV'); // other vectors are not user-callable
};

const fence: Handler = (l) => l.b.fence();

/** The x87 and SSE parts of the guest state that fxsave reads and fxrstor writes. */
const FP_SSE_STATE = [
  { offset: OFFSET_YMM(0), size: 16 * 32 }, { offset: OFFSET_FTOP, size: 4 }, { offset: OFFSET_FPREG, size: 64 },
  { offset: OFFSET_FPTAG, size: 8 }, { offset: OFFSET_FPROUND, size: 8 }, { offset: OFFSET_FC3210, size: 8 },
  { offset: OFFSET_SSEROUND, size: 8 },
];

function fxImage(save: boolean): Handler {
  return (l) => {
    const m = l.op(0);
    if (m.kind !== 'mem') throw new Unlifted('fxsave operand');
    const addr = l.ea(m);
    l.b.dirty({
      callee: { name: save ? 'amd64g_dirtyhelper_FXSAVE' : 'amd64g_dirtyhelper_FXRSTOR' },
      args: [{ tag: 'GSPTR' }, addr],
      mem: { fx: save ? 'Write' : 'Read', addr, size: 512 },
      fxState: FP_SSE_STATE.map((r) => ({ fx: save ? 'Read' as const : 'Write' as const, ...r })),
    });
  };
}

function setDirection(down: boolean): Handler {
  return (l) => l.b.put(OFFSET_DFLAG, c64(down ? -1 : 1));
}

function carryFlag(kind: 'clc' | 'stc' | 'cmc'): Handler {
  return (l) => {
    const f = l.rflagsAll();
    const v = kind === 'clc' ? binop('And64', f, c64(~CF))
      : kind === 'stc' ? binop('Or64', f, c64(CF))
        : binop('Xor64', f, c64(CF));
    l.setFlagsCopy(l.assign(v));
  };
}

const pushf: Handler = (l) => {
  const size = l.ins.opsize;
  const v = rflags(l);
  const rsp = l.assign(binop('Sub64', l.gpr64(4), c64(size)));
  l.b.store(rsp, size === 8 ? v : l.assign(unop('64to16', v)));
  l.b.put(OFFSET_RSP, rsp);
};

/** popf: arithmetic flags and DF from the stack (the system flags are not ours to set). */
const popf: Handler = (l) => {
  const size = l.ins.opsize;
  const rsp = l.assign(l.gpr64(4));
  const raw = l.loadMem(rsp, size);
  const v = size === 8 ? raw : l.assign(unop('16Uto64', raw));
  l.b.put(OFFSET_RSP, binop('Add64', rsp, c64(size)));
  l.setFlagsCopy(l.assign(binop('And64', v, c64(ARITH_FLAGS))));
  const down = l.assign(binop('CmpNE64', binop('And64', v, c64(DF)), c64(0)));
  l.b.put(OFFSET_DFLAG, ite(down, c64(-1), c64(1)));
};

const sahf: Handler = (l) => {
  const ah = l.assign(unop('8Uto64', l.getReg(AH)));
  const low = SF | ZF | AF | PF | CF;
  const keep = l.assign(binop('And64', l.rflagsAll(), c64(OF)));
  l.setFlagsCopy(l.assign(binop('Or64', keep, binop('And64', ah, c64(low)))));
};

const lahf: Handler = (l) => {
  const low = l.assign(binop('Or64', binop('And64', l.rflagsAll(), c64(SF | ZF | AF | PF | CF)), c64(2)));
  l.putReg(AH, l.assign(unop('64to8', low)));
};

export const SYSTEM: Record<string, Handler> = {
  syscall, cpuid, rdtsc, int,
  hlt: trap('SigSEGV', false), ud2: trap('NoDecode', false), int3: trap('SigTRAP', true),
  lfence: fence, mfence: fence, sfence: fence, fxsave: fxImage(true), fxrstor: fxImage(false),
  cld: setDirection(false), std: setDirection(true),
  clc: carryFlag('clc'), stc: carryFlag('stc'), cmc: carryFlag('cmc'),
  pushf, pushfw: pushf, popf, popfw: popf, sahf, lahf,
};
