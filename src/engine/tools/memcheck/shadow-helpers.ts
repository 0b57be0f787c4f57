// The helpers memcheck's instrumented IR calls (all Dirty: they read or write shadow
// memory, or report). Names follow memcheck's (MC_(helperc_LOADV64le) and friends) so the
// instrumented IR reads like valgrind's. Every helper that can report an error takes the
// guest instruction's address (from its IMark) as its last argument.
//
// Addresses and instruction addresses arrive as numbers (Word); V bits as the helper
// values of backend/helpers.ts (numbers up to 32 bits, bigint for 64, words beyond).

import { type HelperDecl, dirtyHelper, inlined } from '../../backend/helpers.ts';
import { STACK_REDZONE } from '../../guest/amd64/state.ts';
import type { Vec } from '../../memory/port.ts';
import type { OriginMemory } from './origin-memory.ts';
import type { OriginSource } from './origins.ts';
import type { GuestAddr, ShadowAccessSize, ShadowMemory } from './shadow-memory.ts';
import { fillVAFastPath, loadVFastPath, makeStackUninitFastPath, spUpdateFastPath, storeVFastPath } from './shadow-wasm.ts';

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

/** The moves of the stack pointer by a constant that have helpers of their own, as in
 *  Valgrind's core (track_new_mem_stack_N, track_die_mem_stack_N): a push or pop, a call
 *  or return, a frame of a common size. */
export const STACK_MOVES = [4, 8, 12, 16, 32, 112, 128, 144, 160] as const;

/** The stack pointer went down by `n` to new (Word): see stackPointerMoved. */
export const newMemStackHelperName = (n: number): string => `track_new_mem_stack_${n}`;

/** The stack pointer went up by `n` to new (Word): see stackPointerMoved. */
export const dieMemStackHelperName = (n: number): string => `track_die_mem_stack_${n}`;

/** MAKE_STACK_UNINIT of the red zone (the length an AbiHint has): (base). */
export const MAKE_STACK_UNINIT_128 = 'MC_helperc_MAKE_STACK_UNINIT_128';

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

/** A bigger move is a switch to another stack, not a push or pop (--max-stackframe). */
const MAX_STACK_FRAME = 2_000_000;

/** An address at or beyond 4 GiB: all of it unaddressable. */
const addrOf = (a: number): number => (a < 2 ** 32 ? a : 2 ** 32);

/** The IR type of the V bits of an access of `size` bytes. */
function vbitsType(size: number): string {
  return size <= 8 ? `I${size * 8}` : size === 16 ? 'V128' : 'V256';
}

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

/** The Dirty helpers memcheck's instrumentation calls; the Machine adds them to the
 *  guest's own. The origin helpers exist only when `origins` is given. */
export function memcheckHelpers(shadow: ShadowMemory, sink: MemcheckErrorSink, origins?: MemcheckOrigins): HelperDecl[] {
  const helpers: HelperDecl[] = [];

  for (const size of SIZES) {
    helpers.push(inlined(dirtyHelper(loadHelperName(size), `Word Word -> ${vbitsType(size)}`, {}, (_env, addr: number, pc: number) => {
      const a = addrOf(addr);
      const bad = shadow.firstUnaddressable(a, size);
      let v = shadow.loadV(a, size);
      if (bad >= 0) {
        // --partial-loads-ok=yes (the default): an aligned word-or-wider load that is
        // partly addressable is no error; its unaddressable bytes read as undefined.
        const partialOk = size >= 8 && a % size === 0 && countAddressable(shadow, a, size) > 0;
        if (partialOk) v |= unaddressableMask(shadow, a, size);
        else sink.addrError(pc, a, size, false);
      }
      return toValue(size, v);
    }, loadVFastPath(size))));

    helpers.push(inlined(dirtyHelper(storeHelperName(size), `Word ${vbitsType(size)} Word -> none`, {}, (_env, addr: number, vbits: number | bigint | Vec, pc: number) => {
      const a = addrOf(addr);
      const bad = shadow.firstUnaddressable(a, size);
      if (bad >= 0) sink.addrError(pc, a, size, true);
      shadow.storeV(a, size, fromValue(size, vbits));
      return undefined;
    }, storeVFastPath(size))));
  }

  for (const size of [1, 2, 4, 8, 16, 32]) {
    helpers.push(dirtyHelper(valueCheckHelperName(size), 'Word -> none', {}, (_env, pc: number) => { sink.valueError(pc, size); return undefined; }));
  }
  helpers.push(dirtyHelper(valueCheckHelperName(0), 'Word -> none', {}, (_env, pc: number) => { sink.condError(pc); return undefined; }));

  helpers.push(dirtyHelper(MAKE_STACK_UNINIT, 'Word Word -> none', {}, (_env, base: number, len: number) => {
    shadow.makeUndefined(addrOf(base), len);
    return undefined;
  }, makeStackUninitFastPath));

  helpers.push(dirtyHelper(SP_UPDATE, 'I64 I64 -> none', {}, (_env, oldSP: bigint, newSP: bigint) => {
    stackPointerMoved(shadow, oldSP, newSP);
    return undefined;
  }, spUpdateFastPath({ redzone: STACK_REDZONE, maxFrame: MAX_STACK_FRAME })));

  // The common cases of the two above, their sizes known: a few stores, no loop. (Inline
  // in every block they would cost more to compile than their calls cost.)
  helpers.push(dirtyHelper(MAKE_STACK_UNINIT_128, 'Word -> none', {}, (_env, base: number) => {
    shadow.makeUndefined(addrOf(base), STACK_REDZONE);
    return undefined;
  }, fillVAFastPath({ len: STACK_REDZONE, below: 0, code: 0b01 })));
  const movedBy = (newSP: number, by: number) => {
    stackPointerMoved(shadow, BigInt.asUintN(64, BigInt(newSP) + BigInt(by)), BigInt(newSP));
    return undefined;
  };
  for (const n of STACK_MOVES) {
    helpers.push(dirtyHelper(newMemStackHelperName(n), 'Word -> none', {}, (_env, newSP: number) => movedBy(newSP, n),
      fillVAFastPath({ len: n, below: STACK_REDZONE, code: 0b01 })));
    helpers.push(dirtyHelper(dieMemStackHelperName(n), 'Word -> none', {}, (_env, newSP: number) => movedBy(newSP, -n),
      fillVAFastPath({ len: n, below: STACK_REDZONE + n, code: 0b00 })));
  }

  if (origins) helpers.push(...originHelpers(shadow, sink, origins));
  return helpers;
}

function originHelpers(shadow: ShadowMemory, sink: MemcheckErrorSink, { memory, source }: MemcheckOrigins): HelperDecl[] {
  const helpers: HelperDecl[] = [];
  for (const size of SIZES) {
    helpers.push(dirtyHelper(originLoadHelperName(size), 'Word -> I32', {}, (_env, addr: number) => memory.load(addrOf(addr), size)));
    helpers.push(dirtyHelper(originStoreHelperName(size), 'Word I32 -> none', {}, (_env, addr: number, otag: number) => {
      memory.store(addrOf(addr), size, otag);
      return undefined;
    }));
  }
  for (const size of [1, 2, 4, 8, 16, 32]) {
    helpers.push(dirtyHelper(valueCheckOriginHelperName(size), 'Word I32 -> none', {}, (_env, pc: number, otag: number) => {
      sink.valueError(pc, size, otag);
      return undefined;
    }));
  }
  helpers.push(dirtyHelper(valueCheckOriginHelperName(0), 'Word I32 -> none', {}, (_env, pc: number, otag: number) => {
    sink.condError(pc, otag);
    return undefined;
  }));

  // A stack origin names one instruction (memcheck's depth-1 ExeContext of it): one otag
  // per pc serves every frame it ever allocates.
  const stackOtags = new Map<number, number>();
  const stackOrigin = (pc: number): number => {
    let otag = stackOtags.get(pc);
    if (otag === undefined) stackOtags.set(pc, otag = source.newOrigin('stack', pc) >>> 0);
    return otag;
  };

  helpers.push(dirtyHelper(MAKE_STACK_UNINIT_W_O, 'Word Word Word -> none', {}, (_env, base: number, len: number, nia: number) => {
    shadow.makeUndefined(addrOf(base), len);
    memory.setRange(addrOf(base), len, stackOrigin(addrOf(nia)));
    return undefined;
  }));

  helpers.push(dirtyHelper(SP_UPDATE_W_O, 'I64 I64 Word -> none', {}, (_env, oldSP: bigint, newSP: bigint, pc: number) => {
    const grown = stackPointerMoved(shadow, oldSP, newSP);
    if (grown) memory.setRange(grown.addr, grown.len, stackOrigin(pc));
    return undefined;
  }));
  return helpers;
}

/** Growing the stack makes the new frame's bytes undefined (returned, for their origin);
 *  shrinking it makes the released bytes unaddressable. Both are shifted down by the red zone, which moves with
 *  %rsp (valgrind's VG_(unknown_SP_update) with memcheck's stack events). */
function stackPointerMoved(shadow: ShadowMemory, oldSP: bigint, newSP: bigint): { addr: GuestAddr; len: number } | undefined {
  const delta = Number(BigInt.asIntN(64, newSP - oldSP));
  if (delta === 0 || Math.abs(delta) > MAX_STACK_FRAME) return undefined;
  const sp = (x: bigint) => (x < 0x1_0000_0000n ? Number(x) : 2 ** 32);
  if (delta > 0) {
    shadow.makeNoAccess(sp(oldSP) - STACK_REDZONE, delta);
    return undefined;
  }
  const grown = { addr: sp(newSP) - STACK_REDZONE, len: -delta };
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
