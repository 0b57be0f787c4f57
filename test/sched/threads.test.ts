// Guest threads on the deterministic scheduler, with pthread programs compiled now
// (test/sched/programs): they print what they print natively and exit the same way, with
// valgrind's report under --tool=none and memcheck's (its `Thread N:` headers included);
// the same seed replays the same schedule on either backend; a deadlock that hangs the
// program natively ends the run with a message naming every thread.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BACKEND_KINDS } from '../../src/engine/backend/backend.ts';
import { bin, compareWithOracles, normaliseReport, run, runMemcheck } from '../support/oracles.ts';

const dir = mkdtempSync(join(tmpdir(), 'grindlab-threads-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A program of test/sched/programs, built as `gcc -pthread` builds it. */
function build(name: string, opt = '-O1', flags: string[] = []): string {
  const exe = join(dir, name);
  execFileSync('gcc', ['-g', opt, '-pthread', ...flags, '-o', exe, join(import.meta.dirname, 'programs', `${name}.c`)]);
  return exe;
}

/** The scheduler's log of a run (--trace-sched=yes), without the PID prefix. */
function schedLog(exe: string, options: string[]): string[] {
  const r = run(process.execPath, [bin, '--tool=none', '-q', '--trace-sched=yes', ...options, exe], null);
  expect(r.status, r.stderr.slice(-500)).toBe(0);
  return r.stderr.split('\n').filter((l) => l.includes('SCHED[')).map((l) => l.replace(/^--\d+-- /, ''));
}

describe('guest threads', () => {
  it('mutexes, rwlocks, barriers, condition variables, semaphores, TLS, detached threads and exit values', () => {
    compareWithOracles('threads', build('threads'), [], null);
  });

  it('a timed wait that times out, and a thread that sleeps while the others run', () => {
    compareWithOracles('timed', build('timed'), [], null);
  });

  it("a read of an empty pipe waits while the writer thread runs", () => {
    compareWithOracles('pipe', build('pipe'), [], null);
  });

  it('a signal sent to one thread runs its handler in that thread', () => {
    compareWithOracles('sigthread', build('sigthread'), [], null);
  });

  it('pthread_cancel of threads blocked in pthread_cond_wait and in sleep', () => {
    compareWithOracles('cancel', build('cancel'), [], null);
  });

  it("memcheck's report of errors in two threads, with valgrind's Thread headers", () => {
    const { vg, ours } = runMemcheck(build('thread-errors', '-O0'), []);
    expect(ours.stdout).toBe(vg.stdout);
    expect(ours.status).toBe(vg.status);
    const report = normaliseReport(ours.stderr);
    expect(report).toEqual(normaliseReport(vg.stderr));
    expect(report.filter((l) => l.startsWith('Thread '))).toEqual(['Thread 2:', 'Thread 1:']);
  });

  it("an OpenMP parallel loop (libgomp's thread pool, its memalign'd team) under none and memcheck", () => {
    const exe = build('openmp', '-O1', ['-fopenmp']);
    compareWithOracles('openmp', exe, [], null);
    const { vg, ours } = runMemcheck(exe, []);
    expect(ours.stdout).toBe(vg.stdout);
    expect(normaliseReport(ours.stderr)).toEqual(normaliseReport(vg.stderr));
  });

  it("memcheck describes an address on a thread's stack as valgrind does", () => {
    const { vg, ours } = runMemcheck(build('thread-stack', '-O0'), []);
    expect(ours.stdout).toBe(vg.stdout);
    const report = normaliseReport(ours.stderr);
    expect(report).toEqual(normaliseReport(vg.stderr));
    expect(report).toContain(" Address 0x… is on thread 2's stack");
  });

  it('the same seed gives the same schedule on both backends; other seeds other schedules', () => {
    const exe = build('counter');
    const logs = BACKEND_KINDS.map((b) => schedLog(exe, [`--backend=${b}`, '--seed=7']));
    expect(logs[1]).toEqual(logs[0]);
    expect(schedLog(exe, ['--seed=7'])).toEqual(logs[0]);
    const log = logs[0]!;
    expect(log.filter((l) => / creates thread /.test(l))).toHaveLength(3);
    expect(log.filter((l) => / exits with status 0$/.test(l))).toHaveLength(3);
    // Three threads of 200,000 blocks each switch more than once a slice of about 100,000.
    expect(log.filter((l) => / runs$/.test(l)).length).toBeGreaterThan(6);
    const others = [1, 2, 3].map((seed) => schedLog(exe, [`--seed=${seed}`]).join('\n'));
    expect(new Set(others).size).toBeGreaterThan(1);
    expect(schedLog(exe, ['--fair-sched=yes', '--sched-slice=1000', '--seed=1'])).toEqual(schedLog(exe, ['--fair-sched=yes', '--sched-slice=1000', '--seed=1']));
  });

  it('a lock-order deadlock, which hangs natively, ends the run naming both threads', () => {
    const exe = build('deadlock');
    const native = spawnSync('timeout', ['2', exe]);
    expect(native.status, 'natively the program never ends').toBe(124);
    const ours = run(process.execPath, [bin, '--tool=none', '-q', exe], null);
    expect(ours.status).toBe(128 + 9);
    const lines = ours.stderr.split('\n').map((l) => l.replace(/^==\d+== ?/, ''));
    expect(lines).toContain('Process deadlocked: every thread waits for something no thread can do:');
    expect(lines.filter((l) => /^ {3}thread [12] \(tid \d+\): futex wait on 0x[0-9a-f]+$/.test(l))).toHaveLength(2);
  });
});
