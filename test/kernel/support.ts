// Test doubles for the file layer's host services and a ready-made process on the
// standard namespace.

import { expect } from 'vitest';
import { GUEST_STATE_SIZE } from '../../src/engine/guest/amd64/state.ts';
import { ProcessFiles } from '../../src/engine/kernel/fds/index.ts';
import type { Process } from '../../src/engine/kernel/process.ts';
import { THREAD_STATE_SLOT } from '../../src/engine/memory/reserved.ts';
import { DEFAULT_QUANTUM, Scheduler } from '../../src/engine/sched/scheduler.ts';
import {
  createStandardSystem, type Clock, type Credentials, type OutputStream, type Random, type StandardSystem,
  type StdStream, type TerminalHost, type Timespec,
} from '../../src/engine/kernel/vfs/index.ts';

/** A clock that starts at a fixed instant and moves 1 ms per reading. */
export class StepClock implements Clock {
  private ticks = 0;
  constructor(private readonly start = 1_700_000_000) {}
  now(): Timespec {
    const ms = this.ticks++;
    return { sec: this.start + Math.floor(ms / 1000), nsec: (ms % 1000) * 1_000_000 };
  }
}

/** xorshift32: the same bytes for the same seed. */
export class SeededRandom implements Random {
  constructor(private state = 0x9e3779b9) {}
  fill(bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i++) {
      this.state ^= this.state << 13;
      this.state ^= this.state >>> 17;
      this.state ^= this.state << 5;
      bytes[i] = this.state & 0xff;
    }
  }
}

/** A terminal whose input is queued by the test and whose output is recorded. */
export class FakeTerminal implements TerminalHost {
  readonly output: Record<OutputStream, number[]> = { 1: [], 2: [] };
  /** Chunks of input; an empty chunk is an end of input; when none is queued, reads block. */
  readonly input: Uint8Array[] = [];
  constructor(private readonly ttys: readonly StdStream[] = [0, 1, 2]) {}
  write(stream: OutputStream, bytes: Uint8Array): void {
    this.output[stream].push(...bytes);
  }
  read(max: number): Uint8Array | null {
    const chunk = this.input.shift();
    if (chunk === undefined) return null;
    if (chunk.length > max) this.input.unshift(chunk.subarray(max));
    return chunk.subarray(0, max);
  }
  isatty(stream: StdStream): boolean {
    return this.ttys.includes(stream);
  }
  windowSize() {
    return { rows: 24, cols: 80 };
  }
  text(stream: OutputStream): string {
    return new TextDecoder().decode(new Uint8Array(this.output[stream]));
  }
  type(text: string): void {
    this.input.push(new TextEncoder().encode(text));
  }
}

export interface TestProcess {
  system: StandardSystem;
  files: ProcessFiles;
  terminal: FakeTerminal;
}

export function makeProcess(options: { ttys?: readonly StdStream[]; cred?: Credentials; cwd?: string } = {}): TestProcess {
  const terminal = new FakeTerminal(options.ttys);
  const system = createStandardSystem({ clock: new StepClock(), random: new SeededRandom(), terminal, cred: options.cred });
  const files = ProcessFiles.create(system.vfs, { pid: 42, cred: system.cred, cwd: options.cwd });
  if (typeof files === 'number') throw new Error(`ProcessFiles.create failed: ${files}`);
  files.installStdio(system.terminal);
  return { system, files, terminal };
}

export const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
export const text = (data: Uint8Array): string => new TextDecoder().decode(data);

/** Asserts a non-negative result (a descriptor, a count) and returns it. */
export function ok<T>(result: T | number): T {
  if (typeof result === 'number') expect(result, 'expected success').toBeGreaterThanOrEqual(0);
  return result as T;
}

/** Reads everything up to end of file from `fd` in small chunks. */
export function readAll(files: ProcessFiles, fd: number): string {
  const chunks: Uint8Array[] = [];
  for (;;) {
    const buf = new Uint8Array(7);
    const n = ok(files.read(fd, buf));
    if (n === 0) break;
    chunks.push(buf.slice(0, n));
  }
  return chunks.map(text).join('');
}

/** The scheduler of a process with one thread (the kernel asks it for the calling
 *  thread), over a register file of its own. */
export function oneThread(proc: Process): Scheduler {
  return new Scheduler({
    memory: new Uint8Array(2 * THREAD_STATE_SLOT), cpu: 0, slotSize: THREAD_STATE_SLOT, slots: 1, stateSize: GUEST_STATE_SIZE,
    mainTid: proc.pid, clock: proc.clock, seed: 1, quantum: DEFAULT_QUANTUM, fair: false, write32: () => false, blocks: () => 0,
  });
}
