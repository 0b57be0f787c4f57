// The helpers memcheck's instrumented IR calls (all Dirty: they read or write shadow
// memory, or report). Names follow memcheck's (MC_(helperc_LOADV64le) and friends) so the
// instrumented IR reads like valgrind's. Every helper that can report an error takes the
// guest instruction's address (from its IMark) as its last argument.
//
// Argument and result representations are the interpreter's (backend/interp/values.ts):
// I64 as bigint, I32 and narrower as unsigned numbers, V128/V256 as int32 words.

import type { DirtyHelper, HelperTable } from '../../backend/interp/env.ts';
import type { Vec } from '../../backend/interp/values.ts';
import type { GuestAddr, ShadowAccessSize, ShadowMemory } from './shadow-memory.ts';

export interface MemcheckErrorSink {
  /** A load/store touching unaddressable memory: "Invalid read/write of size N". */
  addrError(pc: GuestAddr, addr: GuestAddr, size: number, isWrite: boolean): void;
  /** "Conditional jump or move depends on uninitialised value(s)". */
  condError(pc: GuestAddr): void;
  /** "Use of uninitialised value of size N" (an address, a computed jump target, ...). */
  valueError(pc: GuestAddr, size: number): void;
}

const SIZES: readonly ShadowAccessSize[] = [1, 2, 4, 8, 16, 32];

/** The shadow load of `size` bytes: returns their V bits. */
export function loadHelperName(size: number): string {
  return size === 1 ? 'MC_helperc_LOADV8' : `MC_helperc_LOADV${size * 8}le`;
}

/** The shadow store of `size` bytes: (addr, vbits, pc). */
export function storeHelperName(size: number): string {
  return size === 1 ? 'MC_helperc_STOREV8' : `MC_helperc_STOREV${size * 8}le`;
}

/** The report that a value of `size` bytes (0: a condition, I1) is undefined: (pc). */
export function valueCheckHelperName(size: number): string {
  return `MC_helperc_value_check${size}_fail`;
}

/** Marks [base, base+len) undefined: the stack red zone at a call or return (AbiHint). */
export const MAKE_STACK_UNINIT = 'MC_helperc_MAKE_STACK_UNINIT';

/** The stack pointer changed from old to new (I64, I64): see stackPointerMoved. */
export const SP_UPDATE = 'MC_helperc_SP_update';

/** amd64's red zone: the 128 bytes below %rsp stay addressable (VG_STACK_REDZONE_SZB). */
const STACK_REDZONE = 128;
/** A bigger move is a switch to another stack, not a push or pop (--max-stackframe). */
const MAX_STACK_FRAME = 2_000_000;

const addrOf = (a: bigint): number => (a < 0x1_0000_0000n ? Number(a) : 2 ** 32);

/** Packs V bits (little-endian bytes in a bigint) into the helper's result type. */
function toValue(size: ShadowAccessSize, v: bigint): number | bigint | Vec {
  if (size <= 4) return Number(v);
  if (size === 8) return v;
  const words: number[] = [];
  for (let i = 0; i < size / 4; i++) words.push(Number((v >> BigInt(32 * i)) & 0xffffffffn) | 0);
  return words;
}

function fromValue(size: ShadowAccessSize, v: number | bigint | Vec): bigint {
  if (typeof v === 'number') return BigInt(v >>> 0);
  if (typeof v === 'bigint') return v;
  let r = 0n;
  for (let i = v.length - 1; i >= 0; i--) r = (r << 32n) | BigInt(v[i]! >>> 0);
  return r & ((1n << BigInt(size * 8)) - 1n);
}

/** The Dirty helpers memcheck's instrumentation calls; the Machine merges them with the
 *  guest's own helpers. */
export function memcheckHelpers(shadow: ShadowMemory, sink: MemcheckErrorSink): HelperTable {
  const dirty: Record<string, DirtyHelper> = {};

  for (const size of SIZES) {
    dirty[loadHelperName(size)] = ((_env, addr: bigint, pc: bigint) => {
      const a = addrOf(addr);
      const bad = shadow.firstUnaddressable(a, size);
      let v = shadow.loadV(a, size);
      if (bad >= 0) {
        // --partial-loads-ok=yes (the default): an aligned word-or-wider load that is
        // partly addressable is no error; its unaddressable bytes read as undefined.
        const partialOk = size >= 8 && a % size === 0 && countAddressable(shadow, a, size) > 0;
        if (partialOk) v |= unaddressableMask(shadow, a, size);
        else sink.addrError(Number(pc), bad, size, false);
      }
      return toValue(size, v);
    }) as DirtyHelper;

    dirty[storeHelperName(size)] = ((_env, addr: bigint, vbits: number | bigint | Vec, pc: bigint) => {
      const a = addrOf(addr);
      const bad = shadow.firstUnaddressable(a, size);
      if (bad >= 0) sink.addrError(Number(pc), bad, size, true);
      shadow.storeV(a, size, fromValue(size, vbits));
    }) as DirtyHelper;
  }

  for (const size of [1, 2, 4, 8, 16, 32]) {
    dirty[valueCheckHelperName(size)] = ((_env, pc: bigint) => sink.valueError(Number(pc), size)) as DirtyHelper;
  }
  dirty[valueCheckHelperName(0)] = ((_env, pc: bigint) => sink.condError(Number(pc))) as DirtyHelper;

  dirty[MAKE_STACK_UNINIT] = ((_env, base: bigint, len: bigint) => {
    shadow.makeUndefined(addrOf(base), Number(len));
  }) as DirtyHelper;

  dirty[SP_UPDATE] = ((_env, oldSP: bigint, newSP: bigint) => stackPointerMoved(shadow, oldSP, newSP)) as DirtyHelper;

  return { pure: {}, dirty };
}

/** Growing the stack makes the new frame's bytes undefined; shrinking it makes the
 *  released bytes unaddressable. Both are shifted down by the red zone, which moves with
 *  %rsp (valgrind's VG_(unknown_SP_update) with memcheck's stack events). */
function stackPointerMoved(shadow: ShadowMemory, oldSP: bigint, newSP: bigint): void {
  const delta = Number(BigInt.asIntN(64, newSP - oldSP));
  if (delta === 0 || Math.abs(delta) > MAX_STACK_FRAME) return;
  if (delta < 0) shadow.makeUndefined(addrOf(newSP) - STACK_REDZONE, -delta);
  else shadow.makeNoAccess(addrOf(oldSP) - STACK_REDZONE, delta);
}

function countAddressable(shadow: ShadowMemory, a: number, size: number): number {
  let n = 0;
  for (let i = 0; i < size; i++) if (shadow.addressable(a + i)) n++;
  return n;
}

/** 0xff in the V bits of each unaddressable byte of the access. */
function unaddressableMask(shadow: ShadowMemory, a: number, size: number): bigint {
  let m = 0n;
  for (let i = 0; i < size; i++) if (!shadow.addressable(a + i)) m |= 0xffn << BigInt(8 * i);
  return m;
}
