// A guest thread: its kernel-side state, where its register file lives while another
// thread runs, and what it waits for.
import type { KernelThread } from '../kernel/threads.ts';

/** What a thread waits for: a wake on a futex word with a bit of `bitset`, the deadline
 *  (virtual nanoseconds, VirtualClock.ticks), or either. */
export interface Wait {
  futex?: { addr: number; bitset: number };
  deadline?: bigint;
}

export class GuestThread implements KernelThread {
  clearChildTid = 0;
  robustList = 0;
  /** While it waits: for what. */
  wait?: Wait;
  /** Signals sent to it (tgkill) and not delivered yet. */
  pending = 0n;
  /** What its pending syscall returns when it runs again (a wait that was woken or timed
   *  out): the scheduler writes it into rax as it switches the thread in. */
  resume?: number;
  /** A clone's first stack pointer: its stack is the mapping this is in, below it (the
   *  main thread's is the address space's main stack). */
  firstSp?: number;
  /** The SSE and x87 state each running signal handler saved, for rt_sigreturn. */
  readonly fpStack: Uint8Array[] = [];

  constructor(
    readonly tid: number,
    /** Valgrind's thread number: 1 for the main thread, then the lowest free one. */
    readonly num: number,
    /** Where its register file is kept while it does not run. */
    readonly home: number,
    public sigmask: bigint,
  ) {}

  get runnable(): boolean {
    return this.wait === undefined;
  }

  /** What it waits for, as messages say it (`futex wait on 0x…`, `sleep`), if it waits. */
  get waitsFor(): string | undefined {
    return this.wait && (this.wait.futex ? `futex wait on 0x${this.wait.futex.addr.toString(16)}` : 'sleep');
  }
}
