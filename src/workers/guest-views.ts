// The page's live reads of the guest: registers and memory straight from the shared
// memory the worker handed over (no message per frame). Values change under the reader
// while the guest runs; they are consistent while it is paused.
import { GUEST_STATE_SIZE } from '../engine/guest/amd64/state.ts';
import { type GuestRegisters, readRegisters } from '../engine/debug/registers.ts';
import type { SharedViews } from './protocol.ts';

export type { GprName, GuestRegisters } from '../engine/debug/registers.ts';
export { GPR_NAMES, USER_SELECTORS, flagNames } from '../engine/debug/registers.ts';

export function liveRegisters(views: SharedViews): GuestRegisters {
  return readRegisters(new DataView(views.memory.buffer, views.stateAddr, GUEST_STATE_SIZE));
}

/** `length` bytes of guest memory from `addr` (a copy), or fewer where memory ends. Guest
 *  permissions are not checked: the memory view shows unmapped pages as zeros. */
export function liveBytes(views: SharedViews, addr: number, length: number): Uint8Array {
  const buf = views.memory.buffer;
  const start = Math.min(Math.max(0, addr), buf.byteLength);
  return new Uint8Array(buf, start, Math.min(length, buf.byteLength - start)).slice();
}
