// What the interpreter runs a block against, and what comes back.
//
// A run gets an ExecEnv: the current thread's guest state and the guest memory. Helpers
// are bound when a block is compiled (or a stepper made), so a missing helper is reported
// once, at translation time, not in the middle of a run.

import type { IRJumpKind } from '../../ir/types.ts';
import type { IROp } from '../../ir/ops.ts';
import type { Value, Vec } from './values.ts';

export interface ExecEnv {
  /** The thread's guest state, read and written little-endian at the IR's byte offsets. */
  readonly state: DataView;
  readonly mem: MemoryPort;
}

/**
 * Guest memory as the interpreter sees it: little-endian accesses that are checked. A
 * bad access throws a GuestFault carrying the port's own description of the fault (for
 * grindlab's AddressSpace, a MemoryFault); the interpreter stops at that statement and
 * returns the fault. Throwing costs nothing on the path that matters — accesses that
 * succeed — where returning a `value | fault` union would cost a test on every load.
 * An access must be all or nothing: a store that faults writes no byte.
 *
 * Addresses are numbers: a 64-bit guest address above 2^53 arrives rounded, which is
 * harmless since any address at or above 2^32 faults (memory/types.ts).
 */
export interface MemoryPort {
  load8(addr: number): number;
  load16(addr: number): number;
  load32(addr: number): number;
  load64(addr: number): bigint;
  /** 16 or 32 bytes (`words` is 4 or 8) as int32 words, least significant first. */
  loadVec(addr: number, words: number): Vec;
  store8(addr: number, value: number): void;
  store16(addr: number, value: number): void;
  store32(addr: number, value: number): void;
  store64(addr: number, value: bigint): void;
  storeVec(addr: number, value: Vec): void;
  /**
   * Atomic compare-and-swap of `size` bytes (1, 2, 4, 8 or 16): if memory holds `expected`,
   * write `data`. Returns the old contents. Checked as a write whether or not it stores, as
   * x86's locked cmpxchg always writes.
   */
  cas(addr: number, size: number, expected: bigint, data: bigint): bigint;
}

/** Thrown by a MemoryPort for a bad access; `fault` is the port's, passed through untouched. */
export class GuestFault extends Error {
  constructor(readonly fault: unknown) {
    super('guest memory fault');
    this.name = 'GuestFault';
  }
}

/** Thrown by an op that traps (ops.ts OPS_THAT_MAY_TRAP: a zero divisor, or a quotient
 *  too wide), as the host's divide instruction does under VEX. */
export class OpTrap extends Error {
  constructor(readonly op: IROp) {
    super(`${op} trapped`);
    this.name = 'OpTrap';
  }
}

/**
 * A CCall helper: pure, called with its arguments in the interpreter's value
 * representation (values.ts: I64 as bigint, I32 and below as unsigned numbers, ...) and
 * returning its result in the same representation. Positional arguments, as a wasm import
 * will receive them. Typed loosely so that a helper can be written with precise types,
 * e.g. `(cond: bigint, ccOp: bigint, dep1: bigint, dep2: bigint, ndep: bigint) => bigint`.
 */
export type PureHelper = (...args: never[]) => Value;

/**
 * A Dirty helper: called with the env (guest state for a GSPTR argument, memory for its
 * declared memory effect) and then the IR's arguments, with the GSPTR and VECRET markers
 * left out. It returns its result (a V128/V256 result too: VEX's VECRET slot), or
 * undefined if it has none.
 */
export type DirtyHelper = (env: ExecEnv, ...args: never[]) => Value | undefined;

/** Helpers by callee name, as the IR's IRCallee names them. */
export interface HelperTable {
  readonly pure: Readonly<Record<string, PureHelper>>;
  readonly dirty: Readonly<Record<string, DirtyHelper>>;
}

/**
 * How a block's run ended. `stmtIndex` is the statement that ended it (sb.stmts.length for
 * the block's final jump); `guestAddr` is the address in the IMark of the guest instruction
 * it belongs to (undefined before the first IMark).
 *
 * - exit: a side exit was taken or the block ran to its end. The guest IP at the exit's
 *   offsIP has been written with `next`, as VEX does; `next` is that address as a number
 *   (the state holds all 64 bits if it is above 2^53).
 * - fault: a memory access failed; `fault` is the port's. The guest state is precise:
 *   every statement before stmtIndex has run, none after.
 * - trap: an op trapped (integer division: SIGFPE, FPE_INTDIV); state precise likewise.
 */
export type BlockExit =
  | { readonly kind: 'exit'; readonly jk: IRJumpKind; readonly next: number; readonly stmtIndex: number }
  | { readonly kind: 'fault'; readonly fault: unknown; readonly stmtIndex: number; readonly guestAddr: number | undefined }
  | { readonly kind: 'trap'; readonly jk: 'SigFPE_IntDiv'; readonly op: IROp; readonly stmtIndex: number; readonly guestAddr: number | undefined };
