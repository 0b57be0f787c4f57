// The seam between the run loop and the code that runs guest blocks. The Machine
// translates a block (decode, lift, optimise, instrument, optimise) into a Translation
// and hands it to its Backend, which runs it: the reference interpreter (interp/) one
// block at a time, or the WebAssembly JIT (wasm/), which runs compiled blocks one after
// another without coming back until a block exits to the run loop.

import type { IRJumpKind } from '../ir/types.ts';
import type { IROp } from '../ir/ops.ts';
import type { Translation } from './cache.ts';

export type BackendKind = 'interp' | 'wasm';

export const BACKEND_KINDS: readonly BackendKind[] = ['interp', 'wasm'];

/**
 * How a block's run ended. `stmtIndex` is the statement that ended it (sb.stmts.length for
 * the block's final jump); `guestAddr` is the address in the IMark of the guest instruction
 * it belongs to (undefined before the first IMark).
 *
 * - exit: a side exit was taken or the block ran to its end. The guest IP at the exit's
 *   offsIP has been written with `next`, as VEX does; `next` is that address as a number
 *   (the state holds all 64 bits if it is above 2^53).
 * - fault: a memory access failed; `fault` is the memory port's. The guest state is
 *   precise: every statement before stmtIndex has run, none after.
 * - trap: an op trapped (integer division: SIGFPE, FPE_INTDIV); state precise likewise.
 */
export type BlockExit =
  | { readonly kind: 'exit'; readonly jk: IRJumpKind; readonly next: number; readonly stmtIndex: number }
  | { readonly kind: 'fault'; readonly fault: unknown; readonly stmtIndex: number; readonly guestAddr: number | undefined }
  | { readonly kind: 'trap'; readonly jk: 'SigFPE_IntDiv'; readonly op: IROp; readonly stmtIndex: number; readonly guestAddr: number | undefined };

/** Jump kinds after which the run loop has nothing to do but go on at the next block. */
export function isPlainJump(jk: IRJumpKind): boolean {
  return jk === 'Boring' || jk === 'Call' || jk === 'Ret';
}

/** What `Backend.run` did: how many blocks ran, and how the last one (`last`) ended. */
export interface Ran {
  readonly blocks: number;
  readonly last: Translation;
  readonly exit: BlockExit;
}

export interface Backend {
  readonly kind: BackendKind;
  /**
   * Runs `t`, the translation of the block at rip, and then, as far as the backend can
   * without the run loop, the blocks that follow: it stops after a block whose exit the
   * run loop must see (anything but a plain jump), after `budget` blocks, or where rip
   * reaches a block it has no code for. Each run is counted (RunCounters).
   */
  run(t: Translation, budget: number): Ran;
  /** `t` is gone from the cache (invalidated or evicted): never run it again. */
  drop(t: Translation): void;
}
