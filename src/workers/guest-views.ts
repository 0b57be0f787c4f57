// The page's live reads of the guest: registers and memory straight from the shared
// memory the worker handed over (no message per frame). Values change under the reader
// while the guest runs; they are consistent while it is paused.
import { GUEST_STATE_SIZE, OFFSET_GPR, OFFSET_RIP } from '../engine/guest/amd64/state.ts';
import { GPR_NAMES, type GuestRegisters, readRegisters } from '../engine/debug/registers.ts';
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

/** Each general register's (and rip's) 64 V bits: 1 bits are undefined. */
export type RegisterVBits = { name: string; v: bigint }[];

/** Memcheck's shadow registers (the V bits of each register, in the same layout after the
 *  guest state), or undefined without a tool that keeps them. */
export function liveRegisterVBits(views: SharedViews): RegisterVBits | undefined {
  if (views.shadowStateAddr === undefined) return undefined;
  const s = new DataView(views.memory.buffer, views.shadowStateAddr, GUEST_STATE_SIZE);
  return [...GPR_NAMES.map((name, i) => ({ name, v: s.getBigUint64(OFFSET_GPR(i), true) })), { name: 'rip', v: s.getBigUint64(OFFSET_RIP, true) }];
}
