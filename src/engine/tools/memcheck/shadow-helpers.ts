// The helpers memcheck's instrumented IR calls (all Dirty: they read or write shadow
// memory, or report). Names follow memcheck's (MC_(helperc_LOADV64le) and friends) so the
// instrumented IR reads like valgrind's. Every helper that can report an error takes the
// guest instruction's address (from its IMark) as its last argument.
//
// Argument and result representations are the interpreter's (backend/interp/values.ts):
// I64 as bigint, I32 and narrower as unsigned numbers, V128/V256 as int32 words.

import type { DirtyHelper, HelperTable } from '../../backend/interp/env.ts';
import type { Vec } from '../../backend/interp/values.ts';
import type { OriginMemory } from './origin-memory.ts';
import type { OriginSource } from './origins.ts';
import type { GuestAddr, ShadowAccessSize, ShadowMemory } from './shadow-memory.ts';

export interface MemcheckErrorSink {
  /** A load/store touching unaddressable memory: "Invalid read/write of size N", the
   *  address being the access's start (as memcheck describes it), not the first bad byte. */
  addrError(pc: GuestAddr, addr: GuestAddr, size: number, isWrite: boolean): void;
  /** "Conditional jump or move depends on uninitialised value(s)". `otag`: the value's
   *  origin with --track-origins=yes (0 or absent: unknown). */
  condError(pc: GuestAddr, otag?: number): void;
  /** "Use of uninitialised value of size N" (an address, a computed jump target, ...). */
  valueError(pc: GuestAddr, size: number, otag?: number): void;
}

/** What the origin helpers need (--track-origins=yes): the otags of memory, and where
 *  new ones come from. */
export interface MemcheckOrigins {
  memory: OriginMemory;
  source: OriginSource;
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

// With origins (--track-origins=yes): the helpers that move otags, and the variants of
// the above that also give their bytes an origin.

/** The otag (I32) of a load of `size` bytes: (addr). */
export function originLoadHelperName(size: number): string {
  return `MC_helperc_b_load${size}`;
}

/** Sets the otag of `size` bytes: (addr, otag). */
export function originStoreHelperName(size: number): string {
  return `MC_helperc_b_store${size}`;
}

/** valueCheckHelperName's report with the value's origin: (pc, otag). */
export function valueCheckOriginHelperName(size: number): string {
  return `${valueCheckHelperName(size)}_w_o`;
}

/** MAKE_STACK_UNINIT, the red zone's origin being a stack allocation at nia: (base, len, nia). */
export const MAKE_STACK_UNINIT_W_O = 'MC_helperc_MAKE_STACK_UNINIT_w_o';

/** SP_UPDATE, the new stack area's origin being a stack allocation at pc: (old, new, pc). */
export const SP_UPDATE_W_O = 'MC_helperc_SP_update_w_o';

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
 *  guest's own helpers. The origin helpers exist only when `origins` is given. */
export function memcheckHelpers(shadow: ShadowMemory, sink: MemcheckErrorSink, origins?: MemcheckOrigins): HelperTable {
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
        else sink.addrError(Number(pc), a, size, false);
      }
      return toValue(size, v);
    }) as DirtyHelper;

    dirty[storeHelperName(size)] = ((_env, addr: bigint, vbits: number | bigint | Vec, pc: bigint) => {
      const a = addrOf(addr);
      const bad = shadow.firstUnaddressable(a, size);
      if (bad >= 0) sink.addrError(Number(pc), a, size, true);
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

  dirty[SP_UPDATE] = ((_env, oldSP: bigint, newSP: bigint) => {
    stackPointerMoved(shadow, oldSP, newSP);
  }) as DirtyHelper;

  if (origins) Object.assign(dirty, originHelpers(shadow, sink, origins));
  return { pure: {}, dirty };
}

function originHelpers(shadow: ShadowMemory, sink: MemcheckErrorSink, { memory, source }: MemcheckOrigins): Record<string, DirtyHelper> {
  const dirty: Record<string, DirtyHelper> = {};
  for (const size of SIZES) {
    dirty[originLoadHelperName(size)] = ((_env, addr: bigint) => memory.load(addrOf(addr), size)) as DirtyHelper;
    dirty[originStoreHelperName(size)] = ((_env, addr: bigint, otag: number) => memory.store(addrOf(addr), size, otag)) as DirtyHelper;
  }
  for (const size of [1, 2, 4, 8, 16, 32]) {
    dirty[valueCheckOriginHelperName(size)] = ((_env, pc: bigint, otag: number) => sink.valueError(Number(pc), size, otag)) as DirtyHelper;
  }
  dirty[valueCheckOriginHelperName(0)] = ((_env, pc: bigint, otag: number) => sink.condError(Number(pc), otag)) as DirtyHelper;

  // A stack origin names one instruction (memcheck's depth-1 ExeContext of it): one otag
  // per pc serves every frame it ever allocates.
  const stackOtags = new Map<number, number>();
  const stackOrigin = (pc: number): number => {
    let otag = stackOtags.get(pc);
    if (otag === undefined) stackOtags.set(pc, otag = source.newOrigin('stack', pc) >>> 0);
    return otag;
  };

  dirty[MAKE_STACK_UNINIT_W_O] = ((_env, base: bigint, len: bigint, nia: bigint) => {
    shadow.makeUndefined(addrOf(base), Number(len));
    memory.setRange(addrOf(base), Number(len), stackOrigin(addrOf(nia)));
  }) as DirtyHelper;

  dirty[SP_UPDATE_W_O] = ((_env, oldSP: bigint, newSP: bigint, pc: bigint) => {
    const grown = stackPointerMoved(shadow, oldSP, newSP);
    if (grown) memory.setRange(grown.addr, grown.len, stackOrigin(Number(pc)));
  }) as DirtyHelper;
  return dirty;
}

/** Growing the stack makes the new frame's bytes undefined (returned, for their origin);
 *  shrinking it makes the released bytes unaddressable. Both are shifted down by the red zone, which moves with
 *  %rsp (valgrind's VG_(unknown_SP_update) with memcheck's stack events). */
function stackPointerMoved(shadow: ShadowMemory, oldSP: bigint, newSP: bigint): { addr: GuestAddr; len: number } | undefined {
  const delta = Number(BigInt.asIntN(64, newSP - oldSP));
  if (delta === 0 || Math.abs(delta) > MAX_STACK_FRAME) return undefined;
  if (delta > 0) {
    shadow.makeNoAccess(addrOf(oldSP) - STACK_REDZONE, delta);
    return undefined;
  }
  const grown = { addr: addrOf(newSP) - STACK_REDZONE, len: -delta };
  shadow.makeUndefined(grown.addr, grown.len);
  return grown;
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
