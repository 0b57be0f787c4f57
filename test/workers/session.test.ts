// The worker's run loop without a Worker: an EngineSession in Node, driven as Comlink
// would drive it, reporting status and output through plain callbacks.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunStatus, StartRequest } from '../../src/workers/protocol.ts';
import { EngineSession } from '../../src/workers/session.ts';
import { StdinWriter } from '../../src/workers/stdin-ring.ts';
import { nmAddress, objdumpAt } from '../debug/support.ts';

const SAMPLES = join(import.meta.dirname, '../../public/samples');

function session(sample: string, over: Partial<StartRequest> = {}) {
  const statuses: RunStatus[] = [];
  let stdout = '';
  let report = '';
  const waiters: { pred: (s: RunStatus) => boolean; resolve: (s: RunStatus) => void }[] = [];
  const s = new EngineSession({
    program: readFileSync(join(SAMPLES, sample)), path: `/home/user/${sample}`, args: [], env: [], stdin: '',
    tool: 'none', toolOptions: [], seed: 1, breakpoints: [], backend: 'wasm', ...over,
  }, {
    output: (stream, text) => { if (stream === 'stdout') stdout += text; else if (stream === 'report') report += text; },
    status: (st) => {
      statuses.push(st);
      for (const w of waiters.splice(0)) if (w.pred(st)) w.resolve(st); else waiters.push(w);
    },
  });
  const until = (kind: RunStatus['kind']) => new Promise<RunStatus>((resolve) => {
    const seen = statuses.find((x) => x.kind === kind);
    if (seen) resolve(seen);
    else waiters.push({ pred: (x) => x.kind === kind, resolve });
  });
  return { s, statuses, until, stdout: () => stdout, report: () => report, clear: () => statuses.splice(0) };
}

describe('engine session', () => {
  it('runs a program to its end in slices: running, then exited, with the output', async () => {
    const r = session('hello/hello-static');
    expect(await r.until('exited')).toEqual({ kind: 'exited', status: 0 });
    expect(r.statuses.map((x) => x.kind)).toEqual(['running', 'exited']);
    expect(r.stdout()).toBe('Hello, world! 2 + 3 = 5\nGoodbye.\n');
    expect(r.report()).toMatch(/^==\d+== Nulgrind, the minimal Valgrind tool/);
  });

  it('stops at a breakpoint given at start, answers kdb, steps, and resumes', async () => {
    const r = session('hello/hello-static', { breakpoints: ['main'] });
    const main = nmAddress('hello/hello-static', 'main');
    expect(await r.until('paused')).toEqual({ kind: 'paused', reason: { kind: 'breakpoint', id: 0, addr: main }, rip: main });
    expect(r.s.kdb('dr').split('\n')[0]).toContain('main+0x0');
    expect(r.s.resolve('main+0x4')).toBe(main + 4);
    r.clear();
    r.s.step('insn');
    expect(r.statuses).toEqual([{ kind: 'paused', reason: { kind: 'step' }, rip: main + 4 }]);
    expect(r.s.irStep()).toMatchObject({ addr: main + 4, done: false });
    expect(r.s.blocks().length).toBeGreaterThan(10);
    expect(r.s.maps()).toContain('[stack]');
    r.s.resume();
    expect(await r.until('exited')).toEqual({ kind: 'exited', status: 0 });
    expect(r.stdout()).toBe('Hello, world! 2 + 3 = 5\nGoodbye.\n');
  });

  it('pauses a guest that never ends, between slices', async () => {
    const r = session('loop/loop-static');
    await r.until('running');
    await new Promise((ok) => setTimeout(ok, 100));
    r.s.pause();
    const p = await r.until('paused');
    expect(p).toMatchObject({ kind: 'paused', reason: { kind: 'pause' } });
    // Wherever the pause lands (main's loop, printf, a PLT stub without a symbol), the
    // line names that rip and the instruction objdump finds there.
    const rip = (p as { rip: number }).rip;
    const line = r.s.kdb('cpu all');
    const m = /^\[tid \d+\] ([0-9a-f]{16})(?: \S+\+0x[0-9a-f]+)?: (.*)$/.exec(line);
    expect(m, line).not.toBeNull();
    expect(parseInt(m![1]!, 16)).toBe(rip);
    expect(m![2]!.replace(/\s+#.*$/, '')).toBe(objdumpAt('loop/loop-static', rip));
  });

  it('given stdin first, then typed input through the ring, then EOF from closeInput', async () => {
    const r = session('reverse/reverse-static', { stdin: 'abc\n' });
    await r.until('reading');
    expect(r.stdout()).toBe('cba\n');
    const w = new StdinWriter(r.s.views.stdin);
    r.clear();
    w.write(new TextEncoder().encode('racecar!\n'));
    await r.until('reading');
    expect(r.stdout()).toBe('cba\n!racecar\n');
    w.close();
    expect(await r.until('exited')).toEqual({ kind: 'exited', status: 0 });
    expect(r.stdout()).toBe('cba\n!racecar\n2 lines reversed\n');
  });

  it('an exception in the engine mid-run ends the run with failed, not a hung worker', async () => {
    const r = session('hello/hello-static', { breakpoints: ['main'] });
    await r.until('paused');
    const dbg = (r.s as unknown as { dbg: { run: () => never } }).dbg;
    dbg.run = () => { throw new Error('engine bug'); };
    r.s.resume();
    expect(await r.until('failed')).toEqual({ kind: 'failed', message: 'engine bug' });
    r.s.resume(); // ended: nothing happens
    expect(r.s.irStep()).toBeUndefined();
  });

  it('a program that cannot start reports failed with the reason', async () => {
    const r = session('hello/hello.c');
    expect(await r.until('failed')).toMatchObject({ kind: 'failed', message: expect.stringMatching(/ELF|magic/i) });
    expect(r.s.kdb('dr')).toBe('kdb: no program is loaded');
    expect(r.s.views.stdin).toBeInstanceOf(SharedArrayBuffer);
  });
});
