// Valgrind's report for a signal whose default action ends the process.
import type { MemoryFault } from '../memory/index.ts';
import { SIG, SIGNAL_NAMES } from '../kernel/process.ts';

export interface FatalSignal {
  signo: number;
  /** Guest address of the faulting instruction. */
  addr: number;
  /** For SIGSEGV from a memory access. */
  fault?: MemoryFault;
  /** SIGSEGV raised by a privileged or non-canonical operation (hlt, bad int). */
  general?: boolean;
  code?: 'illopc' | 'intdiv';
  /** Sent by kill/tgkill rather than raised by an instruction. */
  sent?: boolean;
}

/** The lines after `Process terminating ...`, Valgrind 3.19's wording, frames included. */
export function describeFatalSignal(sig: FatalSignal, frames: string[], mainStackSize: number): string[] {
  const out = [`Process terminating with default action of signal ${sig.signo} (${SIGNAL_NAMES[sig.signo] ?? `SIG${sig.signo}`})`];
  const hex = (a: number) => `0x${a.toString(16).toUpperCase()}`;
  if (!sig.sent) {
    if (sig.signo === SIG.SEGV) {
      if (sig.fault) out.push(` ${sig.fault.describe()}`);
      else out.push(' General Protection Fault');
    } else if (sig.signo === SIG.ILL) {
      out.push(` Illegal opcode at address ${hex(sig.addr)}`);
    } else if (sig.signo === SIG.FPE && sig.code === 'intdiv') {
      out.push(` Integer divide by zero at address ${hex(sig.addr)}`);
    }
  }
  out.push(...frames);
  if (sig.signo === SIG.SEGV && sig.fault && !sig.sent) {
    out.push(
      ' If you believe this happened as a result of a stack',
      " overflow in your program's main thread (unlikely but",
      ' possible), you can try to increase the size of the',
      ' main thread stack using the --main-stacksize= flag.',
      ` The main thread stack size used in this run was ${mainStackSize}.`,
    );
  }
  return out;
}
