// The scheduler's record of a run: every thread creation, switch, futex wait, wake and
// exit, stamped with the guest blocks run so far. The same seed gives the same record;
// it is what --trace-sched=yes prints and what the interleaving view draws.

export type SchedEventKind = 'create' | 'run' | 'wait' | 'sleep' | 'wake' | 'timeout' | 'interrupt' | 'requeue' | 'exit';

export interface SchedEvent {
  /** Guest blocks run (by every thread) before it. */
  blocks: number;
  kind: SchedEventKind;
  /** The thread it happened to. */
  tid: number;
  /** create: the new thread; wake: the waker. */
  other?: number;
  /** The futex word of a wait, wake, timeout or requeue. */
  addr?: number;
  /** exit: the status. */
  value?: number;
}

/** Events kept at most: a long run keeps its first million. */
const MAX_EVENTS = 1_000_000;

export class SchedLog {
  readonly events: SchedEvent[] = [];
  /** Events not kept once the log was full. */
  dropped = 0;
  /** Called with each event as it happens (--trace-sched=yes). */
  onEvent?: (e: SchedEvent) => void;

  add(e: SchedEvent): void {
    this.onEvent?.(e);
    if (this.events.length < MAX_EVENTS) this.events.push(e);
    else this.dropped++;
  }
}

/** One event as --trace-sched=yes prints it. */
export function formatSchedEvent(e: SchedEvent): string {
  const at = `SCHED[${e.tid}] @${e.blocks}:`;
  const word = e.addr === undefined ? '' : ` 0x${e.addr.toString(16)}`;
  switch (e.kind) {
    case 'create': return `${at} creates thread ${e.other}`;
    case 'run': return `${at} runs`;
    case 'wait': return `${at} waits on futex${word}`;
    case 'wake': return `${at} woken on futex${word} by ${e.other}`;
    case 'sleep': return `${at} sleeps`;
    case 'timeout': return e.addr === undefined ? `${at} wakes from its sleep` : `${at} wait on futex${word} timed out`;
    case 'interrupt': return `${at} wait interrupted by a signal`;
    case 'requeue': return `${at} requeued to futex${word}`;
    case 'exit': return `${at} exits with status ${e.value}`;
  }
}
