// Memcheck's shadow register file: a second copy of the guest state, in VEX's layout,
// placed right after the real one in the same DataView. The shadow (V bits) of the
// register at offset `off` lives at `off + SHADOW_STATE_OFFSET`, so the shadow of
// GET:I64(16) is GET:I64(16 + SHADOW_STATE_OFFSET) — exactly how VEX lays out memcheck's
// guest_state_shadow1 after the guest state.

import { GUEST_STATE_SIZE } from '../../guest/amd64/state.ts';

/** Where the shadow registers start: the guest state size rounded up to 16 bytes. */
export const SHADOW_STATE_OFFSET = Math.ceil(GUEST_STATE_SIZE / 16) * 16;

/** The guest state a thread needs when memcheck runs: the registers and their shadows. */
export const MEMCHECK_STATE_SIZE = 2 * SHADOW_STATE_OFFSET;

/** With --track-origins=yes, a third copy: the origin tag (an I32) of the register at
 *  offset `off` lives at `off + ORIGIN_STATE_OFFSET` (VEX's guest_state_shadow2). One otag
 *  covers a whole register: instrument.ts's originSlot says which. */
export const ORIGIN_STATE_OFFSET = 2 * SHADOW_STATE_OFFSET;

/** The guest state a thread needs when memcheck tracks origins: registers, their V bits
 *  and their otags. */
export const MEMCHECK_ORIGIN_STATE_SIZE = 3 * SHADOW_STATE_OFFSET;
