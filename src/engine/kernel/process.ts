// The guest process as the kernel model sees it: identity, signal dispositions,
// resource limits, and the run's deterministic sources of time and randomness. (Its
// threads are the scheduler's: kernel/threads.ts.)
import type { SeededRandom, VirtualClock } from '../core/determinism.ts';

/** Signal numbers (x86-64 Linux). */
export const SIG = {
  HUP: 1, INT: 2, QUIT: 3, ILL: 4, TRAP: 5, ABRT: 6, BUS: 7, FPE: 8, KILL: 9, USR1: 10, SEGV: 11,
  USR2: 12, PIPE: 13, ALRM: 14, TERM: 15, CHLD: 17, CONT: 18, STOP: 19, TSTP: 20,
} as const;

export const SIGNAL_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(SIG).map(([name, n]) => [n, `SIG${name}`]),
);

/** struct k_sigaction as rt_sigaction passes it (handler, flags, restorer, mask). */
export interface SigAction {
  handler: bigint;
  flags: bigint;
  restorer: bigint;
  mask: bigint;
}

export const SIG_DFL = 0n;
export const SIG_IGN = 1n;

export interface ProcessOptions {
  pid: number;
  uid: number;
  gid: number;
  exePath: string;
  random: SeededRandom;
  clock: VirtualClock;
}

export class Process {
  readonly pid: number;
  readonly uid: number;
  readonly gid: number;
  readonly exePath: string;
  readonly random: SeededRandom;
  readonly clock: VirtualClock;
  readonly sigactions = new Map<number, SigAction>();
  /** RLIMIT_* soft/hard pairs that prlimit64 reports. */
  readonly rlimits = new Map<number, [bigint, bigint]>();

  constructor(o: ProcessOptions) {
    this.pid = o.pid;
    this.uid = o.uid;
    this.gid = o.gid;
    this.exePath = o.exePath;
    this.random = o.random;
    this.clock = o.clock;
    const INF = (1n << 64n) - 1n;
    // Debian's defaults: stack 8 MiB, 1024 open files, the rest unlimited.
    this.rlimits.set(RLIMIT_STACK, [8n << 20n, INF]);
    this.rlimits.set(RLIMIT_NOFILE, [1024n, 1048576n]);
    for (const r of [RLIMIT_CPU, RLIMIT_FSIZE, RLIMIT_DATA, RLIMIT_CORE, RLIMIT_AS]) this.rlimits.set(r, [INF, INF]);
    this.rlimits.set(RLIMIT_CORE, [0n, INF]);
  }
}

export const RLIMIT_CPU = 0;
export const RLIMIT_FSIZE = 1;
export const RLIMIT_DATA = 2;
export const RLIMIT_STACK = 3;
export const RLIMIT_CORE = 4;
export const RLIMIT_NOFILE = 7;
export const RLIMIT_AS = 9;
