// The WebAssembly fast paths of memcheck's shadow loads and stores (MC_helperc_LOADV*,
// STOREV*), as memcheck's own helpers have them: an aligned access whose bytes are all
// defined or all undefined reads or writes the VA bits of shadow-memory.ts directly; any
// other case (unaligned, partly addressable, partially defined bytes, an error to report,
// a distinguished map to make real) calls the JavaScript helper.
import type { FastPathSite, WasmFastPath } from '../../backend/helpers.ts';
import type { FunctionBuilder } from '../../wasm/index.ts';
import { FIRST_SECONDARY, PRIMARY_MAP, SM_DIST_DEFINED, SM_DIST_UNDEFINED } from './shadow-memory.ts';

/** How the access's VA bits are read and written, by size: an aligned access of n bytes
 *  is n / 4 bytes of VA bits (for n >= 4), or 2n bits inside one byte. */
interface Shape {
  /** Loads the VA bits of the access at `at` (a local holding the VA byte address). */
  load: (f: FunctionBuilder, at: number, shift: number) => void;
  defined: number | bigint;
  undefined: number | bigint;
  /** The integer type the VA bits are compared in. */
  it: 'i32' | 'i64';
}

function shape(size: number): Shape {
  switch (size) {
    case 1: case 2: {
      const mask = size === 1 ? 0x3 : 0xf;
      return {
        it: 'i32', defined: size === 1 ? 0x2 : 0xa, undefined: size === 1 ? 0x1 : 0x5,
        load: (f, at, shift) => { f.get(at).op('i32.load8_u').get(shift).op('i32.shr_u').i32(mask).op('i32.and'); },
      };
    }
    case 4: return { it: 'i32', defined: 0xaa, undefined: 0x55, load: (f, at) => { f.get(at).op('i32.load8_u'); } };
    case 8: return { it: 'i32', defined: 0xaaaa, undefined: 0x5555, load: (f, at) => { f.get(at).op('i32.load16_u'); } };
    case 16: return { it: 'i32', defined: 0xaaaaaaaa, undefined: 0x55555555, load: (f, at) => { f.get(at).op('i32.load'); } };
    default: return {
      it: 'i64', defined: 0xaaaaaaaaaaaaaaaan, undefined: 0x5555555555555555n, load: (f, at) => { f.get(at).op('i64.load'); },
    };
  }
}

const konst = (f: FunctionBuilder, it: 'i32' | 'i64', v: number | bigint) => (it === 'i32' ? f.i32(Number(v) | 0) : f.i64(BigInt(v)));

// The addressing of shadow-memory.ts's maps, for every fast path over them.

/** Pushes the secondary map of the chunk holding byte `a` (an i32 local). */
export function pushSecondary(f: FunctionBuilder, a: number): void {
  f.get(a).i32(16).op('i32.shr_u').i32(2).op('i32.shl').op('i32.load', PRIMARY_MAP);
}

/** Pushes the address of the VA byte holding byte `a`'s bits in the secondary `sec`. */
export function pushVaByte(f: FunctionBuilder, sec: number, a: number): void {
  f.get(sec).get(a).i32(0xffff).op('i32.and').i32(2).op('i32.shr_u').op('i32.add');
}

/** Pushes byte `a`'s bit offset inside its VA byte. */
export function pushVaShift(f: FunctionBuilder, a: number): void {
  f.get(a).i32(3).op('i32.and').i32(1).op('i32.shl');
}

/**
 * Emits: if addr (the first parameter, i64) is aligned to `size` and below 4 GiB, `sec` :=
 * its chunk's secondary, `at` := the address of its VA bits, `shift` := their bit offset
 * in that byte; otherwise the slow path.
 */
function locate(site: FastPathSite, size: number): { sec: number; at: number; shift: number } {
  const f = site.f;
  const addr = site.params[0]!;
  const a = f.local('i32');
  const sec = f.local('i32');
  const at = f.local('i32');
  const shift = f.local('i32');
  f.get(addr).i64(BigInt(0xffffffff - (size - 1)) | (0xffffffffn << 32n)).op('i64.and').get(addr).op('i64.ne')
    .get(addr).i64(32n).op('i64.shr_u').op('i64.eqz').op('i32.eqz').op('i32.or');
  f.op('if');
  site.slow();
  f.op('end');
  f.get(addr).op('i32.wrap_i64').set(a);
  pushSecondary(f, a);
  f.set(sec);
  pushVaByte(f, sec, a);
  f.set(at);
  pushVaShift(f, a);
  f.set(shift);
  return { sec, at, shift };
}

/** V bits of `size` bytes all defined (0) or all undefined (all ones), as the helper's
 *  result type: i32, i64, or v128 (one or, for 32 bytes, two). */
function pushV(f: FunctionBuilder, size: number, undefinedBits: boolean): void {
  const ones = undefinedBits;
  if (size <= 4) f.i32(ones ? (size === 4 ? -1 : (1 << (8 * size)) - 1) : 0);
  else if (size === 8) f.i64(ones ? -1n : 0n);
  else for (let i = 0; i < size / 16; i++) f.op('v128.const', new Array(16).fill(ones ? 0xff : 0));
}

/** MC_helperc_LOADV<size>(addr, pc): V bits. */
export function loadVFastPath(size: number): WasmFastPath {
  return (site) => {
    const f = site.f;
    const { at, shift } = locate(site, size);
    const s = shape(size);
    const va = f.local(s.it);
    s.load(f, at, shift);
    f.set(va);
    for (const [code, undef] of [[s.defined, false], [s.undefined, true]] as const) {
      f.get(va);
      konst(f, s.it, code);
      f.op(`${s.it}.eq`).op('if');
      pushV(f, size, undef);
      site.done();
      f.op('end');
    }
    site.slow();
  };
}

/** MC_helperc_STOREV<size>(addr, vbits, pc): only into a real secondary, over bytes all
 *  defined or all undefined, of V bits all 0 or all 1; storing what a distinguished map
 *  already says is nothing to do. */
export function storeVFastPath(size: number): WasmFastPath {
  return (site) => {
    const f = site.f;
    const vparts = size <= 16 ? 1 : 2;
    const vbits = site.params.slice(1, 1 + vparts);
    const { sec, at, shift } = locate(site, size);
    // Which V bits: 1 all defined, 2 all undefined, 0 mixed.
    const kind = f.local('i32');
    const isAll = (ones: boolean) => {
      if (size <= 4) { f.get(vbits[0]!); f.i32(ones ? (size === 4 ? -1 : (1 << (8 * size)) - 1) : 0).op('i32.eq'); }
      else if (size === 8) { f.get(vbits[0]!); f.i64(ones ? -1n : 0n).op('i64.eq'); }
      else {
        for (let i = 0; i < vparts; i++) {
          f.get(vbits[i]!);
          if (ones) f.op('v128.not');
          f.op('v128.any_true').op('i32.eqz');
          if (i > 0) f.op('i32.and');
        }
      }
    };
    f.i32(1).i32(0);
    isAll(false);
    f.op('select').set(kind);
    f.i32(2).get(kind);
    isAll(true);
    f.op('select').set(kind);
    f.get(kind).op('i32.eqz').op('if');
    site.slow();
    f.op('end');
    // A distinguished map that already holds it: nothing to write.
    f.get(sec).i32(SM_DIST_DEFINED).op('i32.eq').get(kind).i32(1).op('i32.eq').op('i32.and');
    f.get(sec).i32(SM_DIST_UNDEFINED).op('i32.eq').get(kind).i32(2).op('i32.eq').op('i32.and').op('i32.or');
    f.op('if');
    site.done();
    f.op('end');
    const s = shape(size);
    const va = f.local(s.it);
    s.load(f, at, shift);
    f.set(va);
    // A real map, over bytes all defined or all undefined: write the new code.
    f.get(sec).i32(FIRST_SECONDARY).op('i32.ge_u');
    f.get(va); konst(f, s.it, s.defined); f.op(`${s.it}.eq`);
    f.get(va); konst(f, s.it, s.undefined); f.op(`${s.it}.eq`).op('i32.or').op('i32.and');
    f.op('if');
    if (size <= 2) {
      // Read-modify-write of the bits inside the VA byte.
      const mask = size === 1 ? 0x3 : 0xf;
      f.get(at);
      f.get(at).op('i32.load8_u').i32(mask).get(shift).op('i32.shl').i32(-1).op('i32.xor').op('i32.and');
      f.get(kind).i32(1).op('i32.eq').op('if', 'i32');
      f.i32(Number(s.defined));
      f.op('else');
      f.i32(Number(s.undefined));
      f.op('end');
      f.get(shift).op('i32.shl').op('i32.or').op('i32.store8');
    } else {
      const store = { 4: 'i32.store8', 8: 'i32.store16', 16: 'i32.store', 32: 'i64.store' }[size]!;
      f.get(at);
      f.get(kind).i32(1).op('i32.eq').op('if', s.it);
      konst(f, s.it, s.defined);
      f.op('else');
      konst(f, s.it, s.undefined);
      f.op('end');
      f.op(store);
    }
    site.done();
    f.op('end');
    site.slow();
  };
}

/**
 * Emits: if [start, start + len) (i32 locals, changed) is whole VA bytes (4-aligned, a
 * multiple of 4 long, not empty) in chunks with real secondaries, fill its VA bits with
 * `code` repeated and leave (the site's done); otherwise fall through, having filled the chunks before the
 * first that is not real (a mark is idempotent: the slow path does it all again). A stack
 * frame may straddle a chunk boundary, and then does so on every call. Bytes this marks
 * unaddressable or undefined lose any V bits of their own, as shadow-memory.ts's marks do.
 */
function fillVA(site: FastPathSite, start: number, len: number, code: number): void {
  const f = site.f;
  const [sec, piece, at, n] = [f.local('i32'), f.local('i32'), f.local('i32'), f.local('i32')];
  f.get(start).get(len).op('i32.or').i32(3).op('i32.and').op('i32.eqz');
  f.get(len).i32(0).op('i32.ne').op('i32.and');
  f.op('if').op('block').op('loop');
  // The part of the range in start's chunk.
  f.i32(0x1_0000).get(start).i32(0xffff).op('i32.and').op('i32.sub').tee(piece);
  f.get(len).get(piece).get(len).op('i32.lt_u').op('select').set(piece);
  pushSecondary(f, start);
  f.tee(sec).i32(FIRST_SECONDARY).op('i32.lt_u').op('br_if', 1);
  pushVaByte(f, sec, start);
  f.set(at);
  f.get(piece).i32(2).op('i32.shr_u').set(n);
  storeVA(f, at, n, code * 0x55);
  f.get(start).get(piece).op('i32.add').set(start);
  f.get(len).get(piece).op('i32.sub').tee(len).op('i32.eqz').op('if');
  site.done();
  f.op('end');
  f.op('br', 0);
  f.op('end').op('end').op('end');
}

/**
 * A fast path over one parameter p (an address, i64): the VA bits of [p - below, p - below
 * + len) := `code` (0b01 undefined, 0b00 unaddressable): by straight-line stores when that
 * range is whole VA bytes in one chunk with a real secondary, chunk by chunk when it
 * straddles two (a stack pointer near a chunk boundary does so on every call); otherwise
 * the slow path. Memcheck's new_mem_stack_N, die_mem_stack_N and the red zone's
 * MAKE_STACK_UNINIT.
 */
export function fillVAFastPath(o: { len: number; below: number; code: number }): WasmFastPath {
  return (site) => {
    const f = site.f;
    const p = site.params[0]!;
    const [start, sec, at, len] = [f.local('i32'), f.local('i32'), f.local('i32'), f.local('i32')];
    // p below 4 GiB and at least `below`.
    f.get(p).i64(32n).op('i64.shr_u').op('i64.eqz');
    f.get(p).op('i32.wrap_i64').tee(start).i32(o.below).op('i32.ge_u').op('i32.and');
    f.op('if');
    f.get(start).i32(o.below).op('i32.sub').tee(start).i32(3).op('i32.and').op('i32.eqz');
    f.get(start).i32(0xffff).op('i32.and').i32(0x1_0000 - o.len).op('i32.le_u').op('i32.and');
    f.op('if');
    pushSecondary(f, start);
    f.tee(sec).i32(FIRST_SECONDARY).op('i32.ge_u').op('if');
    pushVaByte(f, sec, start);
    f.set(at);
    storeVAUnrolled(f, at, o.len / 4, o.code * 0x55);
    site.done();
    f.op('end');
    f.op('else');
    f.i32(o.len).set(len);
    fillVA(site, start, len, o.code);
    f.op('end').op('end');
    site.slow();
  };
}

/** The stores that finish a fill of VA bytes after its 8-byte ones: 4, 2 and 1 bytes of `byte`. */
const tailStores = (byte: number) => [[4, 'i32.store', byte * 0x01010101], [2, 'i32.store16', byte * 0x0101], [1, 'i32.store8', byte]] as const;

/** Emits: the `n` (a constant) VA bytes at `at` (an i32 local) := `byte`. */
function storeVAUnrolled(f: FunctionBuilder, at: number, n: number, byte: number): void {
  let off = 0;
  for (; off + 8 <= n; off += 8) f.get(at).i64(BigInt(byte) * 0x0101010101010101n).op('i64.store', off);
  for (const [bit, store, v] of tailStores(byte)) {
    if ((n - off) & bit) {
      f.get(at).i32(v | 0).op(store, off);
      off += bit;
    }
  }
}

/** Emits: the `n` VA bytes at `at` (i32 locals, changed) := `byte`, by plain stores, eight
 *  bytes at a time: the fills here are a few bytes (a push is 2), where memory.fill's call
 *  costs more than the stores. */
function storeVA(f: FunctionBuilder, at: number, n: number, byte: number): void {
  f.op('block').op('loop');
  f.get(n).i32(8).op('i32.lt_u').op('br_if', 1);
  f.get(at).i64(BigInt(byte) * 0x0101010101010101n).op('i64.store');
  f.get(at).i32(8).op('i32.add').set(at);
  f.get(n).i32(8).op('i32.sub').set(n);
  f.op('br', 0);
  f.op('end').op('end');
  for (const [bit, store, v] of tailStores(byte)) {
    f.get(n).i32(bit).op('i32.and').op('if');
    f.get(at).i32(v | 0).op(store);
    f.get(at).i32(bit).op('i32.add').set(at);
    f.op('end');
  }
}

/** Memcheck's red zone below %rsp and its largest ordinary stack frame (shadow-helpers.ts). */
export interface StackLimits {
  redzone: number;
  maxFrame: number;
}

/** MC_helperc_MAKE_STACK_UNINIT(base, len): [base, base + len) becomes undefined. */
export const makeStackUninitFastPath: WasmFastPath = (site) => {
  const f = site.f;
  const [base, size] = site.params as [number, number];
  const [start, len] = [f.local('i32'), f.local('i32')];
  f.get(base).i64(32n).op('i64.shr_u').op('i64.eqz').get(size).i64(32n).op('i64.shr_u').op('i64.eqz').op('i32.and').op('if');
  f.get(base).op('i32.wrap_i64').set(start);
  f.get(size).op('i32.wrap_i64').set(len);
  fillVA(site, start, len, 0b01);
  f.op('end');
  site.slow();
};

/** MC_helperc_SP_update(old, new): a push makes the new frame undefined, a pop makes the
 *  released bytes unaddressable, both shifted down by the red zone; a move bigger than a
 *  frame (a stack switch) changes nothing. */
export function spUpdateFastPath(limits: StackLimits): WasmFastPath {
  return (site) => {
    const f = site.f;
    const [oldSP, newSP] = site.params as [number, number];
    const delta = f.local('i64');
    const [start, len] = [f.local('i32'), f.local('i32')];
    f.get(newSP).get(oldSP).op('i64.sub').tee(delta).op('i64.eqz');
    f.get(delta).i64(BigInt(limits.maxFrame)).op('i64.gt_s').op('i32.or');
    f.get(delta).i64(BigInt(-limits.maxFrame)).op('i64.lt_s').op('i32.or');
    f.op('if');
    site.done();
    f.op('end');
    // Both pointers inside the 4 GiB space, so that the i32 arithmetic below is exact.
    f.get(oldSP).get(newSP).op('i64.or').i64(32n).op('i64.shr_u').op('i64.eqz').op('if');
    f.get(delta).i64(0n).op('i64.gt_s').op('if');
    f.get(oldSP).op('i32.wrap_i64').i32(limits.redzone).op('i32.sub').set(start);
    f.get(delta).op('i32.wrap_i64').set(len);
    fillVA(site, start, len, 0b00);
    f.op('else');
    f.get(newSP).op('i32.wrap_i64').i32(limits.redzone).op('i32.sub').set(start);
    f.i32(0).get(delta).op('i32.wrap_i64').op('i32.sub').set(len);
    fillVA(site, start, len, 0b01);
    f.op('end').op('end');
    site.slow();
  };
}
