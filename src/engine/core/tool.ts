// The tool API: what a tool (none, memcheck, ...) supplies to the core and what the core
// offers it — Valgrind's core/tool split (pub_tool_tooliface.h). A tool is built once per
// run from a ToolCore and then only sees the events below; it never reaches into the
// Machine.
import type { HelperDecl } from '../backend/helpers.ts';
import type { IRSB } from '../ir/index.ts';
import type { SyscallArgs, SyscallSpec } from '../kernel/syscalls/spec.ts';
import type { AddressSpace, MemoryEvents } from '../memory/index.ts';
import type { ErrorManager } from './errors.ts';
import type { ToolBanner, ValgrindLog } from './output.ts';
import type { Replacement } from './redirect.ts';

/** A tool's own memory ran out (memcheck's shadow maps): the run cannot go on. The core
 *  reports it as Valgrind reports running out of memory, and ends the run. */
export class ToolOutOfMemory extends Error {
  constructor(readonly what: string) {
    super(what);
    this.name = 'ToolOutOfMemory';
  }
}

/** The core's services, as a tool sees them. */
/** A thread's stack: [low, high), its stack pointer, and whether it is the running thread's. */
export interface ThreadStack {
  /** Valgrind's thread number. */
  num: number;
  low: number;
  high: number;
  sp: number;
  running: boolean;
}

export interface ToolCore {
  readonly log: ValgrindLog;
  readonly as: AddressSpace;
  readonly errors: ErrorManager;
  /** -q: the tool prints errors only, no summaries. */
  readonly quiet: boolean;
  /** The running thread's register file (VEX layout, the tool's shadow after it). */
  readonly state: () => DataView;
  /** Every live thread's register file (the running thread's is `state()`): the leak
   *  checker's register roots. */
  readonly threadStates: () => DataView[];
  /** Every live thread's stack, as Valgrind's address descriptions name them. */
  readonly threadStacks: () => ThreadStack[];
  /** The stack trace (instruction addresses) at `pc` with the current rsp/rbp. */
  stackTrace(pc: number): number[];
  /** For an address on the stack, "in frame #N, created by fn (file:line)": the frame of
   *  the current registers' stack that holds it, or undefined. */
  stackFrameOf(addr: number): string | undefined;
  /** Calls the guest function at `addr` with integer arguments and runs it to its return
   *  (memcheck's __libc_freeres at exit); false when it did not return normally. */
  callGuest(addr: number, args: bigint[]): boolean;
  /** An exported function's address by symbol name, in the first object that has it. */
  addressOf(name: string): number | undefined;
  /** Forgets the translations overlapping [addr, addr+len) (DISCARD_TRANSLATIONS). */
  discardTranslations(addr: number, len: number): void;
}

/** A client request the core does not answer itself (valgrind.h's VALGRIND_DO_CLIENT_REQUEST):
 *  `args[0]` is the request code; the result goes back to the guest in rdx. */
export type ClientRequestHandler = (args: bigint[], pc: number) => bigint | undefined;

/** What a tool lets a debugger's UI look at (the playground's shadow overlay and heap list). */
export interface ToolInspector {
  /** A and V bits of [addr, addr+len): a[i] 1 if addressable, v[i] the V bits (1 = undefined). */
  shadow?(addr: number, len: number): { a: Uint8Array; v: Uint8Array };
  /** The client heap's live blocks and the freed blocks still queued. */
  heapBlocks?(): { addr: number; size: number; state: 'live' | 'freed'; allocIps: number[]; freeIps?: number[] }[];
}

export interface Tool {
  readonly banner: ToolBanner;
  readonly inspect?: ToolInspector;
  /** The helpers its instrumentation calls. */
  readonly helpers?: HelperDecl[];
  /** Function replacements (Valgrind's redirections), and the preload object their frames
   *  are shown in. */
  readonly replacements?: { preload: string; functions: Replacement[]; returned?(state: DataView): void };
  /** Rewrites a block after the first optimisation pass. */
  instrument?(sb: IRSB): IRSB;
  /** Memory the core filled for the guest: at start-up every mapping (segments, the
   *  initial stack), later a frame it pushes (signal delivery, a call into the guest). */
  memDefined?(addr: number, len: number): void;
  /** Guest memory mapped, unmapped, moved or added to the break, whatever did it (core
   *  events: the address space tells them as they happen, after start-up). */
  readonly memory?: MemoryEvents;
  /** Before a syscall runs (PRE): check its register arguments and the memory it reads. */
  preSyscall?(spec: SyscallSpec, args: SyscallArgs, pc: number): void;
  /** After it ran (POST): memory it wrote or mapped, with its result. */
  postSyscall?(spec: SyscallSpec, args: SyscallArgs, result: number): void;
  clientRequest?: ClientRequestHandler;
  /** The run ended (`exited`: by exit, else by a fatal signal): the tool's final report.
   *  Returns an exit status that replaces the program's (--error-exitcode), or undefined. */
  fini?(exited: boolean): number | undefined;
}

/** A tool as the command line selects it (--tool=NAME). */
export interface ToolDescriptor {
  name: string;
  /** Bytes of guest state per thread: the register file, and the tool's shadow of it. */
  stateSize: number;
  /** Valgrind's --read-inline-info default for the tool: stacks show inlined calls. */
  readInlineInfo?: boolean;
  create(core: ToolCore): Tool;
}
