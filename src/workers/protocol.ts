// What the page and the engine worker say to each other. The worker owns the Machine;
// the page holds views onto the shared memory the worker hands it (guest memory, the
// guest state, the stdin ring), so live views read registers and memory without a copy.

import type { BackendKind } from '../engine/backend/backend.ts';
import type { BlockSummary, BlockText, IRStepState, StopReason } from '../engine/core/debugger.ts';
import type { SchedEvent } from '../engine/sched/events.ts';

export type { BackendKind, SchedEvent };

/** A run as the user set it up: everything a share link must carry to reproduce it. */
export interface RunConfig {
  /** The program's path in the guest (argv[0]). */
  path: string;
  args: string[];
  /** Extra environment entries (NAME=value), after the worker's defaults. */
  env: string[];
  /** Text fed to stdin before anything typed (a share link's stdin). */
  stdin: string;
  /** 'none' or 'memcheck' (more tools later). */
  tool: string;
  /** Tool options in Valgrind's syntax, e.g. ['--leak-check=full']. */
  toolOptions: string[];
  seed: number;
  /** Breakpoints set before the run starts (addresses as hex or symbols). */
  breakpoints: string[];
  /** What runs the translated blocks: the WebAssembly JIT or the reference interpreter.
   *  Either gives the same run; links made before the setting existed mean 'wasm'. */
  backend: BackendKind;
}

export interface StartRequest extends RunConfig {
  program: Uint8Array;
  /** The uncompressed glibc sysroot image, for dynamically linked programs. */
  sysroot?: Uint8Array;
  /** Start paused at the program's first instruction instead of running. */
  paused?: boolean;
}

/** Shared buffers the worker creates for a run and the page keeps views on. */
export interface SharedViews {
  /** The guest's memory, identity-mapped (shared; read `.buffer` afresh, it grows). */
  memory: WebAssembly.Memory;
  /** Byte offset of the guest state (VEX layout, src/engine/guest/amd64/state.ts) in `memory`. */
  stateAddr: number;
  /** Stdin ring (src/workers/stdin-ring.ts): Int32 header [head, tail, closed, seq] then
   *  bytes; the page writes it with StdinWriter, the worker waits on seq with Atomics. */
  stdin: SharedArrayBuffer;
  /** With memcheck: byte offset in `memory` of the shadow register file (the V bits of the
   *  register at state offset `off` are at shadowStateAddr + off). Absent without a tool. */
  shadowStateAddr?: number;
}

/** Why the guest is not running: the debugger's reasons. */
export type { StopReason };

/** Where a run stands, pushed to the page on every change. */
export type RunStatus =
  | { kind: 'running' }
  /** Waiting in read(2) for terminal input. */
  | { kind: 'reading' }
  | { kind: 'paused'; reason: StopReason; rip: number }
  | { kind: 'exited'; status: number }
  | { kind: 'killed'; signal: number }
  /** The engine could not start the program (bad ELF ...), with the message. */
  | { kind: 'failed'; message: string };

/** One translated block, for the block list; the three linked columns of one block (each
 *  IR line mapped to the guest instruction whose IMark group it is in, so hovering an
 *  instruction highlights its group); the IR stepper's position. The Machine's debugger
 *  defines them. */
export type BlockInfo = BlockSummary;
export type BlockDetail = BlockText;
export type IRStepView = IRStepState;

/** One frame of a stack, as the report prints it (`text`) and taken apart. */
export interface StackFrame {
  addr: number;
  /** The function, `(below main)` or `???`. */
  fn: string;
  /** The source file (base name, as Valgrind prints it) and line, when line tables know it. */
  file?: string;
  line?: number;
  /** The object the code is in, when there is no file:line (`/usr/lib/.../libc.so.6`). */
  obj?: string;
  /** `0x4849D4B: main (use-after-free.c:50)` */
  text: string;
}

/** One error context of the tool, as its report shows it. */
export interface ErrorRecord {
  /** The kind as Valgrind's XML names it: InvalidRead, UninitCondition, Leak_DefinitelyLost... */
  kind: string;
  /** The first line: `Invalid read of size 4`. */
  what: string;
  /** How many errors this context stands for so far. */
  count: number;
  frames: StackFrame[];
  /** The lines after the stack (`Address 0x.. is 16 bytes inside a block ...`, `Block was
   *  alloc'd at`), each with its own stack if it has one. */
  aux: { text: string; frames: StackFrame[] }[];
}

/** A block of the tool's client heap (memcheck): live, or freed and waiting in the
 *  freed-blocks queue (--freelist-vol). The list carries no stacks (a big heap has
 *  thousands of blocks); heapBlockStacks gives one block's. */
export interface HeapBlockInfo {
  addr: number;
  size: number;
  state: 'live' | 'freed';
}

/** Where a heap block was allocated and, if freed, freed. */
export interface HeapBlockStacks {
  allocStack: StackFrame[];
  freeStack?: StackFrame[];
}

/** A and V bits of a range: a[i] is 1 where the byte is addressable, v[i] its V bits (1 = undefined). */
export interface ShadowBits {
  a: Uint8Array;
  v: Uint8Array;
}

/** A live guest thread, for the threads tab. */
export interface ThreadInfo {
  tid: number;
  /** Valgrind's thread number (1 for the main thread). */
  num: number;
  running: boolean;
  /** What it waits for, if it waits: `futex wait on 0x…` or `sleep`. */
  waits?: string;
  rip: number;
}

/** The guest's threads and the scheduler's record of the run so far. */
export interface ThreadsView {
  /** Guest blocks run so far (by every thread): the time axis. */
  blocks: number;
  /** The main thread's tid, which runs first. */
  mainTid: number;
  threads: ThreadInfo[];
  /** The scheduler's events from the index asked for on (the page keeps the earlier ones). */
  events: SchedEvent[];
}

/** Receives guest output (fd 1 and 2), the tool's report, and status changes. */
export interface RunEvents {
  output(stream: 'stdout' | 'stderr' | 'report', text: string): void;
  status(s: RunStatus): void;
}

/** The engine worker's API (behind Comlink). */
export interface EngineApi {
  /** Starts a run; events arrive through `events`. Returns the shared views. */
  start(req: StartRequest, events: RunEvents): Promise<SharedViews>;
  pause(): void;
  resume(): void;
  stepInstruction(): void;
  stepBlock(): void;
  /** One kdb command line (h, dr, dw, dd, dis, bp, bc, go, ss, ni, f, cpu all); its output
   *  text, lines joined by '\n' without a final one. `go`, and `ni` over a call, answer ''
   *  and the stop arrives as a status. */
  kdb(line: string): Promise<string>;
  blocks(): Promise<BlockInfo[]>;
  block(addr: number): Promise<BlockDetail | undefined>;
  /** Steps the IR of the block at rip by one statement (paused only; else undefined). It
   *  really executes: once done the block has run, and the status says where rip is. */
  irStep(): Promise<IRStepView | undefined>;
  /** /proc/self/maps of the guest, as text. */
  maps(): Promise<string>;
  /** A symbol's address or a hex address, for the memory view's "follow". */
  resolve(expr: string): Promise<number | undefined>;
  /** The tool's A/V bits of [addr, addr+len); undefined when the tool keeps none (none). */
  shadow(addr: number, len: number): Promise<ShadowBits | undefined>;
  /** The tool's error contexts so far, in the order found ([] without a tool). */
  errors(): Promise<ErrorRecord[]>;
  /** The tool's heap blocks, live then freed ([] without a tool that tracks a heap). */
  heapBlocks(): Promise<HeapBlockInfo[]>;
  heapBlockStacks(addr: number): Promise<HeapBlockStacks | undefined>;
  /** The threads, and the scheduler's events from index `from` on. */
  threads(from: number): Promise<ThreadsView>;
}
