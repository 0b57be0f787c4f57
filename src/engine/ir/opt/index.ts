// The optimiser: the passes in turn until the block stops changing. Each pass only makes
// the next one's work visible (forwarding exposes copies, copies expose constants,
// folding exposes dead code and more forwarding), so a fixpoint takes a few rounds; a
// pass that changes nothing returns its input itself, which is how the loop knows.

import { assertSaneIRSB } from '../sanity.ts';
import type { IRSB } from '../types.ts';
import { propagateCopies } from './copyprop.ts';
import { removeDeadCode, removedReadsOfGuestState } from './dce.ts';
import { foldConstants } from './fold.ts';
import { forwardGuestState, type GuestRange } from './forward.ts';

export interface OptimiseOptions {
  /** Bytes of guest state, for the verifier. */
  guestStateSize: number;
  /** Guest state that must be exact where a statement may fault; all of it if omitted. */
  preciseOffsets?: readonly GuestRange[];
  /** Run the verifier after every pass (tests and debug builds); it throws IRSanityError. */
  verify?: boolean;
  /** A guest-specific rewrite run in every round after folding (amd64: flag-helper
   *  specialisation, which forwarding and folding make possible). It rewrites each
   *  expression on its own, and returns its input itself when it changes nothing. */
  specialise?: (sb: IRSB) => IRSB;
}

/** At most this many rounds: each round only shrinks the block, so this is a backstop. */
const MAX_ROUNDS = 10;

interface Pass {
  name: string;
  run: (sb: IRSB, options: OptimiseOptions) => IRSB;
  /** The passes that, if they had nothing to do before this one changed `before` into
   *  `after`, still have nothing to do. */
  keeps: (before: IRSB, after: IRSB) => readonly string[];
}

const NONE: readonly string[] = [];
const AFTER_COPYPROP = ['copyprop', 'forward'];
const AFTER_DCE = ['copyprop', 'fold', 'specialise', 'dce'];
const AFTER_DCE_OF_NO_GET = [...AFTER_DCE, 'forward'];

const PASSES: readonly Pass[] = [
  { name: 'forward', run: (sb, o) => forwardGuestState(sb, { preciseOffsets: o.preciseOffsets }), keeps: () => NONE },
  // One sweep propagates whole chains of copies. Replacing a temp by another atom of its
  // type changes no GET, no guest state observer, no PUT's size and no PUT's being an
  // atom, which is all forwarding looks at.
  { name: 'copyprop', run: propagateCopies, keeps: () => AFTER_COPYPROP },
  // One sweep folds whole chains of constants.
  { name: 'fold', run: foldConstants, keeps: () => ['fold'] },
  { name: 'specialise', run: (sb, o) => o.specialise!(sb), keeps: () => NONE },
  // dce only deletes assignments nobody reads, which nothing copyprop, fold or specialise
  // rewrite depends on, nor forwarding unless one of them read guest state (a dead GET
  // still observed a PUT); and one sweep removes whole dead chains.
  {
    name: 'dce', run: removeDeadCode,
    keeps: (before, after) => (removedReadsOfGuestState(before, after) ? AFTER_DCE : AFTER_DCE_OF_NO_GET),
  },
];

export function optimise(sb: IRSB, options: OptimiseOptions): IRSB {
  const passes = options.specialise ? PASSES : PASSES.filter((p) => p.name !== 'specialise');
  if (options.verify) assertSaneIRSB(sb, { guestStateSize: options.guestStateSize }, 'after input');
  // Rounds of the passes in turn until none changes the block. Every pass returns its input
  // itself when it changes nothing, and is a function of the block alone: once it has had
  // nothing to do (done[i]) it is skipped until the block changes, or longer if the change
  // `keeps` it done. The result is the plain loop's; the loop ends when every pass is done.
  const done = passes.map(() => false);
  for (let round = 0; round < MAX_ROUNDS; round++) {
    for (let i = 0; i < passes.length; i++) {
      if (done[i]) continue;
      const pass = passes[i]!;
      const next = pass.run(sb, options);
      if (next === sb) {
        done[i] = true;
        if (!done.includes(false)) return sb;
        continue;
      }
      const keeps = pass.keeps(sb, next);
      for (let j = 0; j < passes.length; j++) done[j] = (done[j]! || j === i) && keeps.includes(passes[j]!.name);
      sb = next;
      if (options.verify) assertSaneIRSB(sb, { guestStateSize: options.guestStateSize }, `after ${pass.name}`);
    }
  }
  return sb;
}
