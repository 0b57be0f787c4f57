// What the IR knows of a helper function: its kind (a pure CCall or a Dirty call), the
// types of its arguments and its result. Helpers are declared once (backend/helpers.ts);
// the sanity checker holds every call site to its declaration, so a block that would
// call a helper wrongly is caught when it is made, not when a backend runs it.
//
// A signature reads like an op's (ops.ts): `I64 I64 -> I1`, with `-> none` for a Dirty
// helper without a result. One argument type is not an IR type: `Word`, an I64 in the
// IR that the helper's JavaScript implementation takes as a number (exact below 2^53),
// for addresses, sizes and instruction addresses — guest addresses fit in 32 bits by
// design, so no bigint need cross the boundary for them.

import { IR_TYPES, type IRType } from './types.ts';

export type HelperArgType = IRType | 'Word';

export interface HelperSignature {
  readonly kind: 'pure' | 'dirty';
  readonly params: readonly HelperArgType[];
  /** undefined: the helper returns nothing (Dirty only). */
  readonly result: HelperArgType | undefined;
}

/** The IR type a helper argument or result has at the call site. */
export function irTypeOf(t: HelperArgType): IRType {
  return t === 'Word' ? 'I64' : t;
}

export function parseHelperSignature(kind: 'pure' | 'dirty', text: string): HelperSignature {
  const m = /^((?:\S+(?: \S+)*)?)\s*-> (\S+)$/.exec(text.trim());
  const params = m?.[1] ? m[1].split(' ') : [];
  const result = m?.[2];
  // As in VEX, I1 values are never passed to or returned from helpers.
  const ok = (t: string) => t === 'Word' || (t !== 'I1' && IR_TYPES.includes(t as IRType));
  if (!m || !params.every(ok) || !(ok(result!) || result === 'none') || (kind === 'pure' && result === 'none')) {
    throw new Error(`bad ${kind} helper signature '${text}'`);
  }
  return { kind, params: params as HelperArgType[], result: result === 'none' ? undefined : (result as HelperArgType) };
}
