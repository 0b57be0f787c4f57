// The engine in a Web Worker, behind Comlink: the page asks it to run a guest program and
// receives the guest's output and the tool's report as they are produced. (Interactive
// stdin through Atomics, pausing and stepping come with the playground.)
import * as Comlink from 'comlink';
import { Machine, type RunState } from '../engine/core/machine.ts';
import type { OutputStream, StdStream, TerminalHost } from '../engine/kernel/vfs/index.ts';
import { NONE_BANNER, printBanner } from '../engine/core/output.ts';

export interface RunRequest {
  program: Uint8Array;
  /** The program's path in the guest (argv[0]). */
  path: string;
  args: string[];
  /** All of stdin, given up front. */
  stdin: string;
  seed: number;
  /** The uncompressed glibc sysroot image, for dynamically linked programs. */
  sysroot?: Uint8Array;
}

/** Receives guest output (fd 1 and 2) and the tool's report, in order. */
export type OutputSink = (stream: 'stdout' | 'stderr' | 'report', text: string) => void;

/** Blocks run at a time (Stop and Pause will act between slices). */
const SLICE = 20_000;

class PipedTerminal implements TerminalHost {
  private input: Uint8Array;
  private readonly decoder = { 1: new TextDecoder(), 2: new TextDecoder() };

  constructor(stdin: string, private readonly out: OutputSink) {
    this.input = new TextEncoder().encode(stdin);
  }

  write(stream: OutputStream, bytes: Uint8Array): void {
    this.out(stream === 1 ? 'stdout' : 'stderr', this.decoder[stream].decode(bytes, { stream: true }));
  }

  read(max: number): Uint8Array | null {
    const chunk = this.input.subarray(0, max);
    this.input = this.input.subarray(chunk.length);
    return chunk;
  }

  isatty(_stream: StdStream): boolean {
    return false;
  }

  windowSize(): { rows: number; cols: number } {
    return { rows: 24, cols: 80 };
  }
}

const engine = {
  /** Runs the program to its end; resolves with how it ended. */
  run(req: RunRequest, out: OutputSink): RunState {
    const machine = new Machine({
      program: req.program, path: req.path, args: req.args, env: ['HOME=/home/user', 'PATH=/usr/bin:/bin', 'LANG=C.UTF-8'],
      seed: req.seed, log: (t) => out('report', t), terminal: new PipedTerminal(req.stdin, out), sysroot: req.sysroot,
    });
    printBanner(machine.log, NONE_BANNER, [req.path, ...req.args]);
    let state: RunState;
    do state = machine.run(SLICE); while (state.kind === 'running' && !state.blocked);
    if (state.kind === 'exited') machine.log.line();
    return state;
  },
};

export type Engine = typeof engine;

Comlink.expose(engine);
