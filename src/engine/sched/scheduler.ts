// The deterministic scheduler: every guest thread runs on the engine's one worker, one at
// a time (Valgrind's big lock), switched at block boundaries when its slice of blocks is
// spent and when it waits. The running thread's register file is always at `cpu`, where
// generated code and helpers find it; a thread that is switched out keeps its own in its
// home slot. The run's seed picks every slice length and (unless fair) the next thread,
// so the same seed replays the same interleaving; every scheduling event is logged.
import type { VirtualClock } from '../core/determinism.ts';
import { SeededRandom } from '../core/determinism.ts';
import { OFFSET_FS_BASE, OFFSET_GPR, OFFSET_RSP } from '../guest/amd64/state.ts';
import type { SyscallOutcome } from '../kernel/syscalls/spec.ts';
import type { ThreadControl, ThreadSpawn } from '../kernel/threads.ts';
import { Errno } from '../kernel/vfs/errno.ts';
import { type SchedEvent, SchedLog } from './events.ts';
import { GuestThread } from './thread.ts';

export interface SchedulerOptions {
  /** The shared memory's bytes. */
  memory: Uint8Array;
  /** Where the running thread's register file is. */
  cpu: number;
  /** Each thread's home slot for its register file: `cpu + slotSize * num`. */
  slotSize: number;
  /** How many home slots there are (the most threads at once). */
  slots: number;
  /** Bytes of a register file (the guest state and the tool's shadows of it). */
  stateSize: number;
  mainTid: number;
  clock: VirtualClock;
  seed: number;
  /** Blocks a thread runs before the scheduler picks again: a slice is between half and
   *  one and a half times this, as the seed says. */
  quantum: number;
  /** --fair-sched=yes: threads take turns in order; otherwise the seed picks. */
  fair: boolean;
  /** Stores a 32-bit word in guest memory (clear_child_tid); false if it faults. */
  write32(addr: number, value: number): boolean;
  /** Guest blocks run so far: the time of the event log. */
  blocks(): number;
}

/** Valgrind's SCHEDULING_QUANTUM, in blocks. */
export const DEFAULT_QUANTUM = 100_000;

export class Scheduler implements ThreadControl {
  private readonly threads: GuestThread[] = [];
  private running: GuestThread;
  private nextTid: number;
  private readonly random: SeededRandom;
  /** Blocks the current thread may run before the scheduler picks again. */
  private slice = Infinity;
  /** The current thread gave up its slice (sched_yield, or a syscall that must wait for
   *  the host): another runnable thread goes first. */
  private yielded = false;
  private readonly futexes = new Map<number, GuestThread[]>();
  readonly log = new SchedLog();

  constructor(private readonly o: SchedulerOptions) {
    this.random = new SeededRandom(BigInt(o.seed) ^ 0x7363686564n); // "sched"
    this.running = new GuestThread(o.mainTid, 1, this.homeOf(1), 0n);
    this.threads.push(this.running);
    this.nextTid = o.mainTid + 1;
  }

  /** The thread that runs (whose registers are at `cpu`). */
  get current(): GuestThread {
    return this.running;
  }

  get count(): number {
    return this.threads.length;
  }

  /** The live threads, main thread first. */
  all(): readonly GuestThread[] {
    return this.threads;
  }

  find(tid: number): GuestThread | undefined {
    return this.threads.find((t) => t.tid === tid);
  }

  /** Where t's register file is now. */
  registersOf(t: GuestThread): number {
    return t === this.current ? this.o.cpu : t.home;
  }

  private homeOf(num: number): number {
    return this.o.cpu + this.o.slotSize * num;
  }

  private event(e: Omit<SchedEvent, 'blocks'>): void {
    this.log.add({ blocks: this.o.blocks(), ...e });
  }

  // ------------------------------------------------------------------ the run loop's side

  /** Blocks the current thread may run now. */
  get budget(): number {
    return this.slice;
  }

  /** The current thread ran `blocks` blocks. */
  ran(blocks: number): void {
    this.slice -= blocks;
  }

  /** Whether the scheduler must pick again: the slice is spent or the thread waits. */
  get due(): boolean {
    return this.slice <= 0 || !this.current.runnable;
  }

  /** Picks the next thread and switches to it (it may be the current one again). Returns
   *  false when every thread waits for something no thread and no timeout can end. */
  reschedule(): boolean {
    this.expireWaits();
    let ready = this.threads.filter((t) => t.runnable);
    if (ready.length === 0) {
      // Nobody can run: virtual time jumps to the first deadline, if any.
      const first = this.threads.filter((t) => t.wait?.deadline !== undefined)
        .sort((a, b) => (a.wait!.deadline! < b.wait!.deadline! ? -1 : a.wait!.deadline! > b.wait!.deadline! ? 1 : a.num - b.num))[0];
      if (!first) return false;
      const now = this.o.clock.ticks();
      if (first.wait!.deadline! > now) this.o.clock.advance(first.wait!.deadline! - now);
      this.expireWaits();
      ready = this.threads.filter((t) => t.runnable);
    }
    if (this.yielded && ready.length > 1) ready = ready.filter((t) => t !== this.current);
    this.yielded = false;
    const next = this.o.fair
      ? this.after(this.current, ready)
      : ready[Number(this.random.next64() % BigInt(ready.length))]!;
    this.switchTo(next);
    this.slice = this.threads.length > 1 ? this.newSlice() : Infinity;
    return true;
  }

  /** Between half and one and a half quanta, as the seed says. */
  private newSlice(): number {
    return Math.floor(this.o.quantum / 2) + Number(this.random.next64() % BigInt(this.o.quantum));
  }

  /** The first of `ready` after t in thread order, wrapping around. */
  private after(t: GuestThread, ready: GuestThread[]): GuestThread {
    return ready.find((r) => r.num > t.num) ?? ready[0]!;
  }

  private switchTo(next: GuestThread): void {
    const { memory, cpu, stateSize } = this.o;
    if (next !== this.current) {
      if (this.threads.includes(this.current)) memory.copyWithin(this.current.home, cpu, cpu + stateSize);
      memory.copyWithin(cpu, next.home, next.home + stateSize);
      this.event({ kind: 'run', tid: next.tid });
      this.running = next;
    }
    if (next.resume !== undefined) {
      new DataView(memory.buffer, cpu).setBigUint64(OFFSET_GPR(0), BigInt.asUintN(64, BigInt(next.resume)), true);
      next.resume = undefined;
    }
  }

  /** The current thread ends (exit): its clear_child_tid word is zeroed and woken. Returns
   *  whether other threads remain; the caller reschedules. */
  exitCurrent(status: number): boolean {
    const t = this.current;
    this.event({ kind: 'exit', tid: t.tid, value: status });
    this.threads.splice(this.threads.indexOf(t), 1);
    if (t.clearChildTid && this.o.write32(t.clearChildTid, 0)) this.futexWake(t.clearChildTid, 1, ~0);
    this.slice = 0;
    return this.threads.length > 0;
  }

  // ------------------------------------------------------------------ what syscalls ask

  spawn(o: ThreadSpawn): number {
    const used = new Set(this.threads.map((t) => t.num));
    let num = 1;
    while (used.has(num)) num++;
    if (num > this.o.slots) return -Errno.EAGAIN;
    const t = new GuestThread(this.nextTid++, num, this.homeOf(num), this.current.sigmask);
    const { memory, cpu, stateSize } = this.o;
    memory.copyWithin(t.home, cpu, cpu + stateSize);
    const regs = new DataView(memory.buffer, t.home);
    regs.setBigUint64(OFFSET_GPR(0), 0n, true);
    regs.setBigUint64(OFFSET_RSP, BigInt(o.stack), true);
    if (o.tls !== undefined) regs.setBigUint64(OFFSET_FS_BASE, o.tls, true);
    t.clearChildTid = o.clearChildTid;
    t.firstSp = o.stack;
    this.threads.push(t);
    this.threads.sort((a, b) => a.num - b.num);
    this.event({ kind: 'create', tid: this.current.tid, other: t.tid });
    // A second thread starts the slicing; the parent goes on until its slice is spent.
    if (this.slice === Infinity) this.slice = this.newSlice();
    return t.tid;
  }

  futexWait(addr: number, bitset: number, deadline: bigint | undefined): SyscallOutcome {
    const t = this.current;
    t.wait = { futex: { addr, bitset }, deadline };
    this.queue(addr).push(t);
    this.event({ kind: 'wait', tid: t.tid, addr });
    return { kind: 'wait' };
  }

  sleep(deadline: bigint): SyscallOutcome {
    this.current.wait = { deadline };
    this.event({ kind: 'sleep', tid: this.current.tid });
    return { kind: 'wait' };
  }

  private queue(addr: number): GuestThread[] {
    let q = this.futexes.get(addr);
    if (!q) this.futexes.set(addr, q = []);
    return q;
  }

  futexWake(addr: number, count: number, bitset: number): number {
    const q = this.futexes.get(addr);
    if (!q) return 0;
    let woken = 0;
    for (const t of [...q]) {
      if (woken >= count) break;
      if ((t.wait!.futex!.bitset & bitset) === 0) continue;
      this.wake(t, 'woken');
      woken++;
    }
    return woken;
  }

  futexRequeue(addr: number, count: number, to: number, requeue: number): number {
    let done = this.futexWake(addr, count, ~0);
    const q = this.futexes.get(addr);
    if (!q) return done;
    const moved = q.splice(0, requeue);
    if (q.length === 0) this.futexes.delete(addr);
    if (moved.length === 0) return done;
    const dest = this.queue(to);
    for (const t of moved) {
      t.wait!.futex!.addr = to;
      dest.push(t);
      this.event({ kind: 'requeue', tid: t.tid, addr: to });
    }
    done += moved.length;
    return done;
  }

  yieldSlice(): void {
    this.slice = 0;
    this.yielded = true;
  }

  /** Whether a thread other than the current one could run. */
  get othersRunnable(): boolean {
    return this.threads.some((t) => t !== this.current && t.runnable);
  }

  /** Ends t's wait on a futex (woken) or at its deadline. */
  private wake(t: GuestThread, why: 'woken' | 'timeout' | 'signal'): void {
    const f = t.wait!.futex;
    if (f) {
      const q = this.futexes.get(f.addr)!;
      q.splice(q.indexOf(t), 1);
      if (q.length === 0) this.futexes.delete(f.addr);
    }
    t.wait = undefined;
    // A sleep that ends returns 0, a futex wait that times out ETIMEDOUT; a signal ends
    // either with EINTR.
    t.resume = why === 'signal' ? -Errno.EINTR : why === 'timeout' && f ? -Errno.ETIMEDOUT : 0;
    if (why === 'woken') this.event({ kind: 'wake', tid: t.tid, addr: f?.addr, other: this.current.tid });
    else this.event({ kind: why === 'timeout' ? 'timeout' : 'interrupt', tid: t.tid, addr: f?.addr });
  }

  interrupt(tid: number): void {
    const t = this.find(tid);
    if (t?.wait) this.wake(t, 'signal');
  }

  /** Waits whose deadline has passed end. */
  private expireWaits(): void {
    const now = this.o.clock.ticks();
    for (const t of this.threads) {
      if (t.wait?.deadline !== undefined && t.wait.deadline <= now) this.wake(t, 'timeout');
    }
  }

}
