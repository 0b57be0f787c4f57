// The optimiser: the passes in turn until the block stops changing. Each pass only makes
// the next one's work visible (forwarding exposes copies, copies expose constants,
// folding exposes dead code and more forwarding), so a fixpoint takes a few rounds.

import { assertSaneIRSB } from '../sanity.ts';
import type { IRSB } from '../types.ts';
import { propagateCopies } from './copyprop.ts';
import { removeDeadCode } from './dce.ts';
import { foldConstants } from './fold.ts';
import { forwardGuestState, type GuestRange } from './forward.ts';
import { ppIRSB } from '../print.ts';

export interface OptimiseOptions {
  /** Bytes of guest state, for the verifier. */
  guestStateSize: number;
  /** Guest state that must be exact where a statement may fault; all of it if omitted. */
  preciseOffsets?: readonly GuestRange[];
  /** Run the verifier after every pass (tests and debug builds); it throws IRSanityError. */
  verify?: boolean;
  /** A guest-specific rewrite run in every round after folding (amd64: flag-helper
   *  specialisation, which forwarding and folding make possible). */
  specialise?: (sb: IRSB) => IRSB;
}

/** At most this many rounds: each round only shrinks the block, so this is a backstop. */
const MAX_ROUNDS = 10;

export function optimise(sb: IRSB, options: OptimiseOptions): IRSB {
  const passes: [string, (sb: IRSB) => IRSB][] = [
    ['forward', (b) => forwardGuestState(b, { preciseOffsets: options.preciseOffsets })],
    ['copyprop', propagateCopies],
    ['fold', foldConstants],
    ...(options.specialise ? [['specialise', options.specialise] as [string, (sb: IRSB) => IRSB]] : []),
    ['dce', removeDeadCode],
  ];
  const verify = (b: IRSB, after: string) => {
    if (options.verify) assertSaneIRSB(b, { guestStateSize: options.guestStateSize }, `after ${after}`);
  };
  verify(sb, 'input');
  // The printed form shows every field of the IR, so equal text means an unchanged block.
  let text = ppIRSB(sb);
  for (let round = 0; round < MAX_ROUNDS; round++) {
    for (const [name, pass] of passes) {
      sb = pass(sb);
      verify(sb, name);
    }
    const next = ppIRSB(sb);
    if (next === text) break;
    text = next;
  }
  return sb;
}
