// Delivering a signal to a guest handler the way x86-64 Linux does: an rt_sigframe on
// the stack (return address = sa_restorer, ucontext with the interrupted registers and
// mask, siginfo), and rt_sigreturn to undo it. Registers the handler may change in the
// ucontext (glibc and programs that skip a faulting instruction do) are read back from
// guest memory; SSE/x87 state is kept engine-side, since we write no fpstate image.
import { OFFSET_GPR, OFFSET_RIP } from '../guest/amd64/state.ts';
import type { AddressSpace } from '../memory/index.ts';

/** sigcontext's GPR order (asm/sigcontext.h): r8..r15, rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp. */
const MCONTEXT_GPRS = [8, 9, 10, 11, 12, 13, 14, 15, 7, 6, 5, 3, 2, 0, 1, 4];

const UC_MCONTEXT = 40;
const MC_RIP = UC_MCONTEXT + 16 * 8;
const MC_EFLAGS = MC_RIP + 8;
const MC_ERR = MC_EFLAGS + 16;
const MC_TRAPNO = MC_ERR + 8;
const MC_OLDMASK = MC_TRAPNO + 8;
const MC_CR2 = MC_OLDMASK + 8;
const UC_SIGMASK = UC_MCONTEXT + 256;
const UCONTEXT_SIZE = UC_SIGMASK + 8;
/** pretcode, ucontext, siginfo. */
const FRAME_SIZE = 8 + UCONTEXT_SIZE + 128;
const RED_ZONE = 128;

export interface SigInfo {
  signo: number;
  code: number;
  /** si_addr for faults; for kill/tgkill, si_pid and si_uid take its place. */
  addr?: number;
  pid?: number;
  uid?: number;
}

export interface Delivery {
  handler: bigint;
  restorer: bigint;
  siginfo: boolean;
  /** The mask to restore at rt_sigreturn. */
  oldMask: bigint;
  /** rflags as the interrupted code saw them. */
  rflags: bigint;
  trapno: number;
}

/** Builds the frame and points the thread at the handler. Returns false if the stack
 *  cannot hold it (the kernel then kills the process with SIGSEGV). */
export function pushSignalFrame(as: AddressSpace, state: DataView, info: SigInfo, d: Delivery): boolean {
  const gpr = (n: number) => state.getBigUint64(OFFSET_GPR(n), true);
  const rsp = Number(gpr(4));
  let frame = rsp - RED_ZONE - FRAME_SIZE;
  frame -= frame % 16;
  frame -= 8; // as after a call: (frame + 8) is 16-byte aligned
  const b = new Uint8Array(FRAME_SIZE);
  const v = new DataView(b.buffer);
  v.setBigUint64(0, d.restorer, true);
  const uc = 8;
  MCONTEXT_GPRS.forEach((n, i) => v.setBigUint64(uc + UC_MCONTEXT + 8 * i, gpr(n), true));
  v.setBigUint64(uc + MC_RIP, state.getBigUint64(OFFSET_RIP, true), true);
  v.setBigUint64(uc + MC_EFLAGS, d.rflags, true);
  v.setBigUint64(uc + MC_TRAPNO, BigInt(d.trapno), true);
  v.setBigUint64(uc + MC_OLDMASK, d.oldMask, true);
  v.setBigUint64(uc + MC_CR2, BigInt(info.addr ?? 0), true);
  v.setBigUint64(uc + UC_SIGMASK, d.oldMask, true);
  const si = 8 + UCONTEXT_SIZE;
  v.setInt32(si, info.signo, true);
  v.setInt32(si + 8, info.code, true);
  if (info.pid !== undefined) {
    v.setInt32(si + 16, info.pid, true);
    v.setInt32(si + 20, info.uid ?? 0, true);
  } else {
    v.setBigUint64(si + 16, BigInt(info.addr ?? 0), true);
  }
  if (as.writeBytes(frame, b)) return false;
  const set = (n: number, x: number | bigint) => state.setBigUint64(OFFSET_GPR(n), BigInt.asUintN(64, BigInt(x)), true);
  set(4, frame);
  set(7, info.signo);
  set(6, d.siginfo ? frame + si : 0);
  set(2, d.siginfo ? frame + uc : 0);
  set(0, 0);
  state.setBigUint64(OFFSET_RIP, d.handler, true);
  return true;
}

export interface Restored {
  mask: bigint;
  rflags: bigint;
}

/** rt_sigreturn: %rsp points just past pretcode, at the ucontext. */
export function popSignalFrame(as: AddressSpace, state: DataView): Restored | undefined {
  const uc = Number(state.getBigUint64(OFFSET_GPR(4), true));
  const b = as.readBytes(uc, UCONTEXT_SIZE);
  if (!(b instanceof Uint8Array)) return undefined;
  const v = new DataView(b.buffer, b.byteOffset, UCONTEXT_SIZE);
  MCONTEXT_GPRS.forEach((n, i) => state.setBigUint64(OFFSET_GPR(n), v.getBigUint64(UC_MCONTEXT + 8 * i, true), true));
  state.setBigUint64(OFFSET_RIP, v.getBigUint64(MC_RIP, true), true);
  return { mask: v.getBigUint64(UC_SIGMASK, true), rflags: v.getBigUint64(MC_EFLAGS, true) };
}
