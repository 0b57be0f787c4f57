// The threads tab's lanes (src/ui/interleaving.ts) from a real run's scheduler events, the
// threads sample's: a lane per thread the program made, and runs that never overlap and
// together cover every block the machine counted.
import { describe, expect, it } from 'vitest';
import { lanes } from '../../src/ui/interleaving.ts';
import { guest } from '../debug/support.ts';

describe('interleaving lanes', () => {
  it('the threads sample: main and three workers, one thread at a time, every block accounted for', () => {
    const g = guest('threads/threads-static');
    expect(g.go()).toMatchObject({ kind: 'ended' });
    const m = g.machine;
    const all = lanes(m.sched.log.events, m.proc.pid, m.blocksRun);
    expect(all.map((l) => l.tid)).toEqual([m.proc.pid, m.proc.pid + 1, m.proc.pid + 2, m.proc.pid + 3]);
    expect(all.slice(1).every((l) => l.parent === m.proc.pid && l.exited)).toBe(true);
    const runs = all.flatMap((l) => l.runs).sort((a, b) => a.from - b.from);
    runs.forEach((r, i) => expect(i === 0 ? r.from : r.from - runs[i - 1]!.to).toBe(0));
    expect(runs[runs.length - 1]!.to).toBe(m.blocksRun);
    // A worker runs only while it lives; main waits for the workers.
    for (const l of all) for (const r of l.runs) expect(r.from >= l.life.from && r.to <= l.life.to).toBe(true);
    expect(all[0]!.waits.length).toBeGreaterThan(0);
  });
});
