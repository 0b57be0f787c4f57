// The process's threads as the syscalls see them: each thread's kernel-side state, and
// what a syscall may ask of the scheduler (sched/), which owns the threads and decides
// which one runs.
import type { SyscallOutcome } from './syscalls/spec.ts';

/** What the kernel keeps per thread (its registers are the guest state). */
export interface KernelThread {
  readonly tid: number;
  sigmask: bigint;
  /** set_tid_address, CLONE_CHILD_CLEARTID: zeroed and futex-woken when the thread exits. */
  clearChildTid: number;
  /** set_robust_list's head (the robust futexes are not walked at exit yet). */
  robustList: number;
  /** Signals sent to this thread (tgkill) and not delivered yet, as a sigset. */
  pending: bigint;
}

/** A new thread as clone describes it (CLONE_VM | CLONE_THREAD). */
export interface ThreadSpawn {
  /** Its stack pointer (clone's child_stack). */
  stack: number;
  /** CLONE_SETTLS: its fs base. */
  tls?: bigint;
  /** CLONE_CHILD_CLEARTID: where its tid is zeroed when it exits. */
  clearChildTid: number;
}

export interface ThreadControl {
  /** The thread making the syscall. */
  readonly current: KernelThread;
  /** How many threads the process has. */
  readonly count: number;
  /** The live thread with this tid. */
  find(tid: number): KernelThread | undefined;
  /** A new thread with the caller's registers but rax (0), rsp and fs: its tid, or -errno. */
  spawn(o: ThreadSpawn): number;
  /** The caller sleeps on the futex word at addr until a wake with a bit of `bitset`, or
   *  (with a deadline, virtual nanoseconds as VirtualClock.ticks counts them) until then. */
  futexWait(addr: number, bitset: number, deadline: bigint | undefined): SyscallOutcome;
  /** nanosleep: the caller sleeps until the deadline while the other threads run. */
  sleep(deadline: bigint): SyscallOutcome;
  /** Wakes up to `count` threads waiting on addr with a bit of `bitset`: how many woke. */
  futexWake(addr: number, count: number, bitset: number): number;
  /** Wakes up to `count` waiters on addr and moves up to `requeue` more to wait on `to`:
   *  how many it woke and moved. */
  futexRequeue(addr: number, count: number, to: number, requeue: number): number;
  /** A signal arrived for thread tid: a wait it is in ends with EINTR, so that it runs and
   *  takes the signal. */
  interrupt(tid: number): void;
  /** sched_yield: the caller's slice ends. */
  yieldSlice(): void;
}
