// The threads tab's picture of a run, made from the scheduler's events: one lane per
// guest thread along guest time (blocks run by all threads), with when it lived, when it
// ran and when it waited.
import type { SchedEvent } from './engine.ts';

/** [from, to) in guest blocks. */
export interface Span {
  from: number;
  to: number;
}

export interface Lane {
  tid: number;
  /** From its creation (0 for the main thread) to its exit, or to now. */
  life: Span;
  /** The thread that created it. */
  parent?: number;
  runs: Span[];
  waits: (Span & { what: string })[];
  exited: boolean;
}

/** The lanes of a run `now` blocks in, in the order the threads were created. */
export function lanes(events: readonly SchedEvent[], mainTid: number, now: number): Lane[] {
  const byTid = new Map<number, Lane>();
  const lane = (tid: number): Lane => {
    let l = byTid.get(tid);
    if (!l) byTid.set(tid, l = { tid, life: { from: 0, to: now }, runs: [], waits: [], exited: false });
    return l;
  };
  lane(mainTid);
  let running: number | undefined = mainTid;
  let runFrom = 0;
  const stopRunning = (at: number) => {
    if (running !== undefined && at > runFrom) lane(running).runs.push({ from: runFrom, to: at });
    running = undefined;
  };
  const waiting = new Map<number, { from: number; what: string }>();
  for (const e of events) {
    switch (e.kind) {
      case 'create': {
        const l = lane(e.other!);
        l.life.from = e.blocks;
        l.parent = e.tid;
        break;
      }
      case 'run':
        stopRunning(e.blocks);
        running = e.tid;
        runFrom = e.blocks;
        break;
      case 'wait':
        waiting.set(e.tid, { from: e.blocks, what: `futex 0x${e.addr!.toString(16)}` });
        break;
      case 'requeue': {
        const w = waiting.get(e.tid);
        if (w) w.what = `futex 0x${e.addr!.toString(16)}`;
        break;
      }
      case 'sleep':
        waiting.set(e.tid, { from: e.blocks, what: 'sleep' });
        break;
      case 'wake':
      case 'timeout':
      case 'interrupt': {
        const w = waiting.get(e.tid);
        if (w) lane(e.tid).waits.push({ from: w.from, to: e.blocks, what: w.what });
        waiting.delete(e.tid);
        break;
      }
      case 'exit': {
        if (running === e.tid) stopRunning(e.blocks);
        const l = lane(e.tid);
        l.life.to = e.blocks;
        l.exited = true;
        break;
      }
    }
  }
  stopRunning(now);
  for (const [tid, w] of waiting) lane(tid).waits.push({ from: w.from, to: now, what: w.what });
  return [...byTid.values()];
}
