// Origin tracking (--track-origins=yes): where an undefined value came from. Every value
// carries, beside its V bits, a 32-bit *origin tag* (otag) naming the event that made its
// bytes undefined — a heap allocation, a stack allocation, a client request. 0 is "unknown
// origin". The instrumentation only moves otags around (instrument.ts); the runtime makes
// them, one per event, and turns them back into the report's
// "Uninitialised value was created by a heap allocation" and its stack.

import type { GuestAddr } from './shadow-memory.ts';

/** What made the bytes undefined: memcheck's MC_OKIND_HEAP / STACK / USER. */
export type OriginKind = 'heap' | 'stack' | 'client-request';

export interface OriginSource {
  /** Returns a fresh otag (nonzero, 32-bit) for a new origin; the runtime records the
   *  stack trace at `pc` (or the current guest state) for it. */
  newOrigin(kind: OriginKind, pc: GuestAddr): number;
}

/** The unknown origin: no otag was ever given to these bytes. */
export const NO_ORIGIN = 0;
