// The shape of one syscall table entry. Each entry declares its arguments and the guest
// memory it reads and writes — the facts Valgrind's syscall wrappers state with
// PRE_MEM_READ / PRE_MEM_RASCIIZ / PRE_MEM_WRITE / POST_MEM_WRITE — beside its handler,
// so that tools (memcheck) can check them and the UI can show them.
import type { AddressSpace, Perm } from '../../memory/index.ts';
import type { Process } from '../process.ts';
import type { ThreadControl } from '../threads.ts';

/** The six argument registers (rdi rsi rdx r10 r8 r9) with typed views. */
export class SyscallArgs {
  constructor(readonly raw: readonly bigint[]) {}

  /** As a C int (the low 32 bits, signed). */
  int(i: number): number {
    return Number(BigInt.asIntN(32, this.raw[i] ?? 0n));
  }
  /** As an unsigned 32-bit value (flags, modes). */
  u32(i: number): number {
    return Number(BigInt.asUintN(32, this.raw[i] ?? 0n));
  }
  /** As a signed 64-bit long. */
  long(i: number): bigint {
    return BigInt.asIntN(64, this.raw[i] ?? 0n);
  }
  /** As a guest pointer or size: exact below 2^53, larger values saturate (and fail checks). */
  num(i: number): number {
    const v = this.raw[i] ?? 0n;
    return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
  }
}

/** A guest buffer named by an argument, with a length computed from the arguments
 *  (or, after the call, from its result). */
export interface BufferSpec {
  /** The parameter's name as Valgrind prints it: "Syscall param write(buf) ...". */
  param: string;
  /** Index of the pointer argument. */
  ptr: number;
  len: (a: SyscallArgs, result: number) => number;
}

export interface MemoryEffects {
  /** PRE_MEM_READ: bytes the kernel reads (must be addressable and defined). */
  reads?: BufferSpec[];
  /** PRE_MEM_RASCIIZ: NUL-terminated strings the kernel reads. */
  strings?: { param: string; ptr: number }[];
  /** PRE_MEM_WRITE: bytes the kernel may write (must be addressable). */
  writes?: BufferSpec[];
  /** POST_MEM_WRITE: bytes the kernel wrote, defined after a successful call. */
  written?: BufferSpec[];
}

/** What a handler returns besides a plain result (a value, or a negated errno). */
export type SyscallOutcome =
  | number
  /** The thread (exit) or the whole process (exit_group) ends with this status. */
  | { kind: 'exit'; scope: 'thread' | 'process'; status: number }
  /** Cannot make progress now (empty pipe, no terminal input): retry later. */
  | { kind: 'blocked' }
  /** Raise this signal in the calling thread (tgkill on itself, a broken pipe). */
  | { kind: 'signal'; signo: number; result: number }
  /** The calling thread waits (a futex, a sleep): the scheduler holds it, runs the
   *  others, and writes the result into its rax when it runs again. */
  | { kind: 'wait' };

export interface SyscallContext {
  readonly args: SyscallArgs;
  readonly proc: Process;
  /** The calling thread and the scheduler's services. */
  readonly threads: ThreadControl;
  readonly mem: AddressSpace;
  /** The calling thread's guest state (VEX layout). */
  readonly state: DataView;
  /** For warnings printed the way Valgrind prints them (`--PID-- ...`). */
  warn(message: string): void;
  /** mmap of a file descriptor, provided by the file half of the kernel model. */
  mapFile?(args: SyscallArgs, perm: Perm): number;
}

export interface SyscallSpec {
  nr: number;
  name: string;
  /** Argument names, in order, as Valgrind's "Syscall param NAME(ARG)" messages use them. */
  args: string[];
  mem?: MemoryEffects;
  run(ctx: SyscallContext): SyscallOutcome;
}

/** Length helpers for BufferSpec.len. */
export const argLen = (i: number) => (a: SyscallArgs) => a.num(i);
export const resultLen = (_a: SyscallArgs, result: number) => Math.max(0, result);
export const fixedLen = (n: number) => () => n;
