// The run loop's bookkeeping, in the JIT's part of the reserved region (memory/
// reserved.ts) so that generated code keeps it as the interpreter does: blocks and guest
// instructions executed, each translation's run count, the block budget, how the last
// block left, a scratch area for values that cross into JavaScript, and the fast lookup
// cache from guest address to translation. Totals are f64 (exact to 2^53) so that both
// JavaScript and wasm update them cheaply. Compiled code counts its blocks by taking
// them from the budget (one decrement does both); the blocks of a dispatch are added to
// the total when it ends, and are in `blocks` while it runs.
import { JIT_AREA, JIT_AREA_SIZE } from '../memory/reserved.ts';

/** f64: blocks run, and guest instructions begun, since the machine started. */
export const RUN_BLOCKS = JIT_AREA;
export const RUN_INSNS = JIT_AREA + 8;
/** i32: blocks compiled code may still run in this dispatch; it goes back to the run
 *  loop when none are left. */
export const RUN_BUDGET = JIT_AREA + 16;
/** i32: the slot of the block whose exit went back to the run loop. */
export const EXIT_SLOT = JIT_AREA + 24;
/** i32: nonzero once a helper called from compiled code has faulted (its fault is kept
 *  on the JavaScript side); the block exits at the call. */
export const EXIT_FAULT = JIT_AREA + 28;
/** i32: the op (its index in ALL_OPS) whose trap ended the block. */
export const EXIT_OP = JIT_AREA + 32;

/** Arguments and results of calls into JavaScript (32 bytes a value, V256 the widest). */
export const SCRATCH = JIT_AREA + 0x100;
export const SCRATCH_SLOT = 32;
export const SCRATCH_ARGS = 8;
/** Where a call's result goes. */
export const SCRATCH_RESULT = SCRATCH + SCRATCH_ARGS * SCRATCH_SLOT;

/** Translation slots: 1 .. MAX_SLOTS - 1 (0 is none), each a run count and a table entry. */
export const MAX_SLOTS = 0x1_0000;
/** i32 per slot: how many times the translation in it has run. */
export const RUN_COUNTS = JIT_AREA + 0x1000;

/** The fast lookup cache: FAST_ENTRIES entries of 16 bytes, {guest address i64, slot i32,
 *  serial i32} (the serial: the JIT's number for the compiled code now in the slot). */
export const FAST_CACHE = JIT_AREA + 0x10_0000;
export const FAST_ENTRIES = 0x1_0000;
export const FAST_ENTRY_SIZE = 16;

/** The entry a guest address hashes to (wasm computes the same). */
export function fastIndex(addr: number): number {
  return ((addr ^ (addr >>> 16)) & (FAST_ENTRIES - 1)) >>> 0;
}

if (RUN_COUNTS + 4 * MAX_SLOTS > FAST_CACHE || FAST_CACHE + FAST_ENTRIES * FAST_ENTRY_SIZE > JIT_AREA + JIT_AREA_SIZE) {
  throw new Error('run-area: the layout does not fit the JIT area');
}

/** The counters, as the run loop and the interpreter read and update them. */
export class RunCounters {
  private readonly f64: Float64Array;
  private readonly i32: Int32Array;
  private readonly runs: Int32Array;
  /** The budget a dispatch under way started with (0: none under way). */
  private dispatching = 0;

  constructor(buffer: ArrayBufferLike) {
    this.f64 = new Float64Array(buffer, RUN_BLOCKS, 2);
    this.i32 = new Int32Array(buffer, RUN_BUDGET, 1);
    this.runs = new Int32Array(buffer, RUN_COUNTS, MAX_SLOTS);
  }

  get blocks(): number {
    return this.f64[0]! + (this.dispatching ? this.dispatching - this.i32[0]! : 0);
  }

  get insns(): number {
    return this.f64[1]!;
  }

  /** One run of the translation in `slot` that began `insns` guest instructions. */
  count(slot: number, insns: number): void {
    this.f64[0]! += 1;
    this.f64[1]! += insns;
    this.runs[slot]! += 1;
  }

  runsOf(slot: number): number {
    return this.runs[slot]!;
  }

  /** A slot taken by a new translation starts from zero. */
  resetSlot(slot: number): void {
    this.runs[slot] = 0;
  }

  /** Compiled code may run `budget` blocks (at least 1) from now. */
  startDispatch(budget: number): void {
    this.dispatching = budget;
    this.i32[0] = budget;
  }

  /** The dispatch is over: its blocks join the total; returns how many ran. */
  endDispatch(): number {
    const ran = this.dispatching - this.i32[0]!;
    this.f64[0]! += ran;
    this.dispatching = 0;
    return ran;
  }
}
