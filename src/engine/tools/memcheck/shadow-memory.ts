// Memcheck's shadow memory: an A bit (addressable?) and eight V bits (which bits are
// undefined; 1 = undefined, as in memcheck) for every byte of the 4 GiB guest space, kept
// in memcheck's compressed form inside the guest's shared WebAssembly.Memory, in the tool
// area (reserved.ts), so that generated code can do the common shadow loads and stores
// itself. The layout is a contract with the code generator:
//
//   PRIMARY_MAP        65536 little-endian u32: entry a >>> 16 is the absolute address of
//                      the secondary map of the 64 KiB chunk holding guest byte a
//   SM_DIST_NOACCESS   the three distinguished secondaries, 16 KiB each, filled 0x00,
//   SM_DIST_UNDEFINED  0x55 and 0xaa: every uniform chunk (never mapped, wholly undefined,
//   SM_DIST_DEFINED    wholly defined) points at one, and they are never written
//   FIRST_SECONDARY    MAX_SECONDARIES real secondaries, to the end of the area
//
// A secondary holds two "VA bits" per guest byte (VA_NOACCESS, VA_UNDEFINED, VA_DEFINED,
// VA_PARTDEFINED): byte off = a & 0xffff of its chunk at bit 2 * (off & 3) of secondary
// byte off >> 2. An aligned 8-byte access is thus one u16 of VA bits (VA16_DEFINED:
// all defined), an aligned 4-byte access one byte (VA8_DEFINED). A partially defined
// byte keeps its V bits in a side table (memcheck's "sec V bits"), here a JS Map.
//
// A chunk gets a real secondary (copy-on-write) when a write would make it non-uniform,
// and goes back to a distinguished one when a whole-chunk mark makes it uniform again.
// The real ones run out after MAX_SECONDARIES (about 3,800: ~240 MiB of guest memory with
// mixed states): then the write throws, leaving the maps intact.
//
// So generated code may read any secondary, but may write VA bits only into a real one
// (address >= FIRST_SECONDARY), only whole uniform codes, and only over addressable
// bytes: anything else, partially defined bytes above all, is this module's to do.
// Overwriting a VA_PARTDEFINED code is fine; its side-table entry goes stale and is swept.
import { ToolOutOfMemory } from '../../core/tool.ts';
import { TOOL_AREA, TOOL_AREA_SIZE } from '../../memory/reserved.ts';

export type GuestAddr = number;

export const CHUNK_BITS = 16;
const CHUNK_SIZE = 1 << CHUNK_BITS;
const NONE_PARTIAL: readonly (readonly [number, number])[] = [];
const CHUNK_MASK = CHUNK_SIZE - 1;
const N_CHUNKS = 1 << (32 - CHUNK_BITS);
const SPACE_END = 2 ** 32;

export const VA_NOACCESS = 0b00;
export const VA_UNDEFINED = 0b01;
export const VA_DEFINED = 0b10;
export const VA_PARTDEFINED = 0b11;
/** Four (VA8) and eight (VA16) bytes' worth of VA bits, all one code. */
export const VA8_UNDEFINED = 0x55;
export const VA8_DEFINED = 0xaa;
export const VA16_UNDEFINED = 0x5555;
export const VA16_DEFINED = 0xaaaa;

export const PRIMARY_MAP = TOOL_AREA;
export const SECONDARY_SIZE = CHUNK_SIZE / 4;
export const SM_DIST_NOACCESS = PRIMARY_MAP + 4 * N_CHUNKS;
export const SM_DIST_UNDEFINED = SM_DIST_NOACCESS + SECONDARY_SIZE;
export const SM_DIST_DEFINED = SM_DIST_UNDEFINED + SECONDARY_SIZE;
export const FIRST_SECONDARY = SM_DIST_DEFINED + SECONDARY_SIZE;
export const MAX_SECONDARIES = Math.floor((TOOL_AREA + TOOL_AREA_SIZE - FIRST_SECONDARY) / SECONDARY_SIZE);

// The same places as offsets into the area (the typed arrays' indices).
const DIST = SM_DIST_NOACCESS - TOOL_AREA;
const REAL = FIRST_SECONDARY - TOOL_AREA;
/** The distinguished secondary of a uniform code (not VA_PARTDEFINED). */
const distOf = (code: number): number => DIST + code * SECONDARY_SIZE;
const isDist = (sec: number): boolean => sec < REAL;

/** Once the side table holds this many entries, sweep out the stale ones. */
const SWEEP_MIN = 1024;

export type ShadowAccessSize = 1 | 2 | 4 | 8 | 16 | 32;

/** All-undefined V bits of each access size. */
const ONES: bigint[] = [];
for (const size of [1, 2, 4, 8, 16, 32]) ONES[size] = (1n << BigInt(8 * size)) - 1n;

export class ShadowMemory {
  private readonly u8: Uint8Array;
  private readonly u16: Uint16Array;
  private readonly u32: Uint32Array;
  /** Offsets of the real secondaries not in use. */
  private readonly free: number[] = [];
  /** V bits of the VA_PARTDEFINED bytes. A range mark overwrites codes without looking,
   *  leaving stale entries; reads only consult entries whose code says partial, and a
   *  sweep drops the rest once the table has doubled (memcheck's GC of its sec V bits). */
  private readonly secV = new Map<GuestAddr, number>();
  private sweepAt = SWEEP_MIN;

  /** `area`: the tool area of the guest's shared memory, TOOL_AREA..+TOOL_AREA_SIZE. */
  constructor(area: Uint8Array) {
    if (area.byteOffset !== TOOL_AREA || area.length !== TOOL_AREA_SIZE) {
      throw new Error('ShadowMemory: the area must be the tool area of the guest memory (reserved.ts)');
    }
    this.u8 = area;
    this.u16 = new Uint16Array(area.buffer, area.byteOffset, area.length >> 1);
    this.u32 = new Uint32Array(area.buffer, area.byteOffset, area.length >> 2);
    this.u32.fill(SM_DIST_NOACCESS, 0, N_CHUNKS);
    for (const code of [VA_NOACCESS, VA_UNDEFINED, VA_DEFINED]) area.fill(code * 0x55, distOf(code), distOf(code) + SECONDARY_SIZE);
    for (let i = MAX_SECONDARIES - 1; i >= 0; i--) this.free.push(REAL + i * SECONDARY_SIZE);
  }

  /** Real secondaries in use now (tests check that uniform ranges cost none). */
  get realChunks(): number {
    return MAX_SECONDARIES - this.free.length;
  }

  /** The side table (tests read it): may hold stale entries, see `secV`. */
  get secVBits(): ReadonlyMap<GuestAddr, number> {
    return this.secV;
  }

  makeNoAccess(addr: GuestAddr, len: number): void {
    this.fill(addr, len, VA_NOACCESS);
  }

  /** Addressable, undefined. */
  makeUndefined(addr: GuestAddr, len: number): void {
    this.fill(addr, len, VA_UNDEFINED);
  }

  /** Addressable, defined. */
  makeDefined(addr: GuestAddr, len: number): void {
    this.fill(addr, len, VA_DEFINED);
  }

  /** Copies A and V bits of [src, src+len) to [dst, dst+len), overlap-safe (memcheck's
   *  MC_(copy_address_range_state), used by realloc and mremap). */
  copy(src: GuestAddr, dst: GuestAddr, len: number): void {
    len = Math.min(len, SPACE_END - src, SPACE_END - dst);
    if (len <= 0 || src === dst) return;
    if (len <= CHUNK_SIZE - (src & CHUNK_MASK) && len <= CHUNK_SIZE - (dst & CHUNK_MASK)) {
      this.copyInChunks(src, dst, len);
      return;
    }
    // Segments that stay within one chunk on both sides, in the order that never
    // overwrites a source byte before it is read.
    const segs: [number, number][] = [];
    for (let done = 0; done < len;) {
      const n = Math.min(len - done, CHUNK_SIZE - ((src + done) & CHUNK_MASK), CHUNK_SIZE - ((dst + done) & CHUNK_MASK));
      segs.push([done, n]);
      done += n;
    }
    if (dst > src) segs.reverse();
    for (const [off, n] of segs) this.copyInChunks(src + off, dst + off, n);
  }

  /** First non-addressable byte in [addr, addr+len), or -1. */
  firstUnaddressable(addr: GuestAddr, len: number): number {
    const end = addr + len;
    for (let p = addr; p < end;) {
      if (!inSpace(p)) return p;
      const stop = Math.min(end, chunkEnd(p));
      const sec = this.secOf(p);
      if (sec === distOf(VA_NOACCESS)) return p;
      const lo = p & CHUNK_MASK;
      const off = isDist(sec) ? -1 : this.firstNoAccess(sec, lo, lo + (stop - p));
      if (off >= 0) return p + off - lo;
      p = stop;
    }
    return -1;
  }

  /** First byte that is unaddressable or not fully defined, and which; undefined if all
   *  are fine. The first bad byte decides, as in memcheck's is_mem_defined. */
  checkDefined(addr: GuestAddr, len: number): { addr: GuestAddr; kind: 'unaddressable' | 'undefined' } | undefined {
    const end = addr + len;
    for (let p = addr; p < end;) {
      if (!inSpace(p)) return { addr: p, kind: 'unaddressable' };
      const stop = Math.min(end, chunkEnd(p));
      const sec = this.secOf(p);
      const lo = p & CHUNK_MASK;
      const off = sec === distOf(VA_DEFINED) ? -1 : this.firstNotDefined(sec, lo, lo + (stop - p));
      if (off >= 0) {
        const bad = p + off - lo;
        return { addr: bad, kind: this.code(bad) === VA_NOACCESS ? 'unaddressable' : 'undefined' };
      }
      p = stop;
    }
    return undefined;
  }

  /** V bits of one byte (0 = defined .. 0xff); an unaddressable byte reads as defined, so
   *  that one bad access does not also cascade into uninitialised-value errors. */
  vbyte(addr: GuestAddr): number {
    return inSpace(addr) ? this.vOf(addr, this.code(addr)) : 0;
  }

  addressable(addr: GuestAddr): boolean {
    return inSpace(addr) && this.code(addr) !== VA_NOACCESS;
  }

  /** Sets one byte's V bits; an unaddressable byte is left alone (memcheck's set_vbits8).
   *  0x00 and 0xff make the byte fully defined or undefined again. */
  setVbyte(addr: GuestAddr, v: number): void {
    if (!inSpace(addr)) return;
    const old = this.code(addr);
    if (old === VA_NOACCESS) return;
    v &= 0xff;
    const code = v === 0 ? VA_DEFINED : v === 0xff ? VA_UNDEFINED : VA_PARTDEFINED;
    if (code !== old) putCode(this.u8, this.writable(addr), addr & CHUNK_MASK, code);
    if (code === VA_PARTDEFINED) this.setPartial(addr, v);
    else if (old === VA_PARTDEFINED) this.secV.delete(addr);
  }

  /** The V bits of a little-endian access: byte i of the access in bits 8i..8i+7 (for
   *  16 and 32 bytes too). Unaddressable bytes read as defined; the load helper decides
   *  whether they are an error (partial-loads-ok) and makes them undefined if not. */
  loadV(addr: GuestAddr, size: ShadowAccessSize): bigint {
    if (!inOneChunk(addr, size)) {
      let r = 0n;
      for (let i = size - 1; i >= 0; i--) r = (r << 8n) | BigInt(this.vbyte(addr + i));
      return r;
    }
    const sec = this.secOf(addr);
    if (isDist(sec)) return sec === distOf(VA_UNDEFINED) ? ONES[size]! : 0n;
    const off = addr & CHUNK_MASK;
    if (size >= 4 && (off & (size - 1)) === 0) {
      const va = this.uniformVA(sec + (off >> 2), size >> 2);
      if (va === VA8_DEFINED) return 0n;
      if (va === VA8_UNDEFINED) return ONES[size]!;
    }
    if (size <= 4) return BigInt(this.readWord(addr, sec, size));
    let r = 0n;
    for (let i = size - 4; i >= 0; i -= 4) r = (r << 32n) | BigInt(this.readWord(addr + i, sec, 4));
    return r;
  }

  /** Writes the V bits of a little-endian access (layout as loadV); unaddressable bytes
   *  are left alone — the store helper reports them. */
  storeV(addr: GuestAddr, size: ShadowAccessSize, v: bigint): void {
    if (inOneChunk(addr, size)) {
      const sec = this.secOf(addr);
      const code = v === 0n ? VA_DEFINED : v === ONES[size] ? VA_UNDEFINED : VA_PARTDEFINED;
      if (sec === distOf(VA_NOACCESS) || (code !== VA_PARTDEFINED && sec === distOf(code))) return;
      const off = addr & CHUNK_MASK;
      // Aligned and uniform: whole VA bytes. Partial bytes overwritten here leave stale
      // side-table entries, which the sweep removes.
      if (code !== VA_PARTDEFINED && size >= 4 && (off & (size - 1)) === 0 && this.allAddressable(sec + (off >> 2), size >> 2)) {
        const to = this.writable(addr) + (off >> 2);
        this.u8.fill(code * 0x55, to, to + (size >> 2));
        return;
      }
    }
    for (let i = 0; i < size; i += 4, v >>= 32n) {
      const word = Number(BigInt.asUintN(32, v));
      for (let j = 0; j < 4 && i + j < size; j++) this.setVbyte(addr + i + j, (word >>> (8 * j)) & 0xff);
    }
  }

  /** A and V bits of a range, copied out (the UI's memory view). */
  snapshot(addr: GuestAddr, len: number): { a: Uint8Array; v: Uint8Array } {
    const a = new Uint8Array(len);
    const v = new Uint8Array(len);
    for (let i = 0; i < len; i++) {
      a[i] = this.addressable(addr + i) ? 1 : 0;
      v[i] = this.vbyte(addr + i);
    }
    return { a, v };
  }

  /** Gives [addr, addr+len) a uniform code: whole chunks point at its distinguished
   *  secondary (freeing a real one), part chunks are written. Bytes beyond 4 GiB do not
   *  exist and are skipped. */
  private fill(addr: GuestAddr, len: number, code: number): void {
    const end = Math.min(addr + len, SPACE_END);
    for (let p = Math.max(addr, 0); p < end;) {
      const ix = p >>> CHUNK_BITS;
      const stop = Math.min(end, chunkEnd(p));
      if (stop - p === CHUNK_SIZE) {
        const old = this.u32[ix]! - TOOL_AREA;
        if (!isDist(old)) this.free.push(old);
        this.u32[ix] = TOOL_AREA + distOf(code);
      } else if (this.secOf(p) !== distOf(code)) {
        const lo = p & CHUNK_MASK;
        this.putCodes(this.writable(p), lo, lo + (stop - p), code);
      }
      p = stop;
    }
  }

  /** Copies the state of n bytes, each range within one chunk. */
  private copyInChunks(src: GuestAddr, dst: GuestAddr, n: number): void {
    const from = this.secOf(src);
    if (isDist(from)) {
      this.fill(dst, n, (from - DIST) / SECONDARY_SIZE);
      return;
    }
    const lo = src & CHUNK_MASK;
    const dlo = dst & CHUNK_MASK;
    const partial = this.partials(src, from, n);
    const to = this.writable(dst);
    // At the same position within their VA bytes, whole VA bytes move at once (copyWithin
    // is a memmove); the ragged ends, or all bytes if the positions differ, go one by one,
    // read before anything is written since the ranges may overlap.
    const aligned = ((lo ^ dlo) & 3) === 0;
    const head = aligned ? Math.min(n, (4 - (lo & 3)) & 3) : n;
    const tail = aligned ? (n - head) & 3 : 0;
    const codes = this.codes;
    for (let i = 0; i < head; i++) codes[i] = codeAt(this.u8, from, lo + i);
    for (let i = n - tail; i < n; i++) codes[i] = codeAt(this.u8, from, lo + i);
    if (head + tail < n) this.u8.copyWithin(to + ((dlo + head) >> 2), from + ((lo + head) >> 2), from + ((lo + n - tail) >> 2));
    for (let i = 0; i < head; i++) putCode(this.u8, to, dlo + i, codes[i]!);
    for (let i = n - tail; i < n; i++) putCode(this.u8, to, dlo + i, codes[i]!);
    for (const [i, v] of partial) this.setPartial(dst + i, v);
  }

  /** copyInChunks' byte codes, read before any is written (a chunk's worth). */
  private readonly codes = new Uint8Array(CHUNK_SIZE);

  /** The partially defined bytes among n from addr (within one chunk, secondary `sec`):
   *  their index and V bits. */
  private partials(addr: GuestAddr, sec: number, n: number): readonly (readonly [number, number])[] {
    if (this.secV.size === 0) return NONE_PARTIAL;
    const found: [number, number][] = [];
    const lo = addr & CHUNK_MASK;
    for (let off = lo & ~3; off < lo + n; off += 4) {
      const b = this.u8[sec + (off >> 2)]!;
      if ((b & (b >> 1) & 0x55) === 0) continue;
      for (let o = Math.max(off, lo); o < Math.min(off + 4, lo + n); o++) {
        if (codeAt(this.u8, sec, o) === VA_PARTDEFINED) found.push([o - lo, this.secV.get(addr + o - lo)!]);
      }
    }
    return found;
  }

  private setPartial(addr: GuestAddr, v: number): void {
    this.secV.set(addr, v);
    if (this.secV.size < this.sweepAt) return;
    for (const a of this.secV.keys()) if (this.code(a) !== VA_PARTDEFINED) this.secV.delete(a);
    this.sweepAt = Math.max(SWEEP_MIN, 2 * this.secV.size);
  }

  /** The secondary (an offset into the area) of the chunk holding addr. */
  private secOf(addr: GuestAddr): number {
    return this.u32[addr >>> CHUNK_BITS]! - TOOL_AREA;
  }

  /** The secondary of the chunk holding addr, made real (copy-on-write) if it was
   *  distinguished. */
  private writable(addr: GuestAddr): number {
    const ix = addr >>> CHUNK_BITS;
    const sec = this.u32[ix]! - TOOL_AREA;
    if (!isDist(sec)) return sec;
    const real = this.free.pop();
    if (real === undefined) {
      throw new ToolOutOfMemory(
        `memcheck: out of shadow memory: all ${MAX_SECONDARIES} secondary maps (the ` +
          `${TOOL_AREA_SIZE >> 20} MiB tool area) are in use; memcheck tracks at most ` +
          `${(MAX_SECONDARIES * CHUNK_SIZE) >> 20} MiB of guest memory in 64 KiB chunks whose bytes ` +
          `differ (not all unaddressable, all undefined or all defined)`,
      );
    }
    this.u8.fill(this.u8[sec]!, real, real + SECONDARY_SIZE);
    this.u32[ix] = TOOL_AREA + real;
    return real;
  }

  private code(addr: GuestAddr): number {
    return codeAt(this.u8, this.secOf(addr), addr & CHUNK_MASK);
  }

  private vOf(addr: GuestAddr, code: number): number {
    return code === VA_PARTDEFINED ? this.secV.get(addr)! : code === VA_UNDEFINED ? 0xff : 0;
  }

  /** V bits of n <= 4 bytes from addr (within the real secondary `sec`), little-endian. */
  private readWord(addr: GuestAddr, sec: number, n: number): number {
    let r = 0;
    for (let i = n - 1; i >= 0; i--) r = ((r << 8) | this.vOf(addr + i, codeAt(this.u8, sec, (addr + i) & CHUNK_MASK))) >>> 0;
    return r;
  }

  /** The VA byte that all n (1, 2, 4 or 8) VA bytes at area offset i hold, or -1. */
  private uniformVA(i: number, n: number): number {
    const b = this.u8[i]!;
    switch (n) {
      case 1: return b;
      case 2: return this.u16[i >> 1] === b * 0x0101 ? b : -1;
      case 4: return this.u32[i >> 2] === b * 0x01010101 ? b : -1;
      default: return this.u32[i >> 2] === b * 0x01010101 && this.u32[(i >> 2) + 1] === b * 0x01010101 ? b : -1;
    }
  }

  /** Whether none of the n VA bytes at area offset i holds VA_NOACCESS. */
  private allAddressable(i: number, n: number): boolean {
    for (const end = i + n; i < end; i++) {
      const b = this.u8[i]!;
      if (((b | (b >> 1)) & 0x55) !== 0x55) return false;
    }
    return true;
  }

  /** Offset of the first byte in [lo, hi) of secondary `sec` that is VA_NOACCESS, or -1. */
  private firstNoAccess(sec: number, lo: number, hi: number): number {
    for (let off = lo; off < hi;) {
      const b = this.u8[sec + (off >> 2)]!;
      if (((b | (b >> 1)) & 0x55) === 0x55) off = (off | 3) + 1;
      else if (((b >> ((off & 3) << 1)) & 3) === VA_NOACCESS) return off;
      else off++;
    }
    return -1;
  }

  /** Offset of the first byte in [lo, hi) of secondary `sec` that is not VA_DEFINED, or -1. */
  private firstNotDefined(sec: number, lo: number, hi: number): number {
    for (let off = lo; off < hi;) {
      const b = this.u8[sec + (off >> 2)]!;
      if (b === VA8_DEFINED) off = (off | 3) + 1;
      else if (((b >> ((off & 3) << 1)) & 3) !== VA_DEFINED) return off;
      else off++;
    }
    return -1;
  }

  /** Gives bytes [lo, hi) of secondary `sec` one code: whole VA bytes at once. */
  private putCodes(sec: number, lo: number, hi: number, code: number): void {
    const mid = Math.min(hi, (lo + 3) & ~3);
    const top = Math.max(mid, hi & ~3);
    for (; lo < mid; lo++) putCode(this.u8, sec, lo, code);
    this.u8.fill(code * 0x55, sec + (mid >> 2), sec + (top >> 2));
    for (lo = top; lo < hi; lo++) putCode(this.u8, sec, lo, code);
  }
}

/** The VA code of byte `off` of the chunk whose secondary is at area offset `sec`. */
function codeAt(u8: Uint8Array, sec: number, off: number): number {
  return (u8[sec + (off >> 2)]! >> ((off & 3) << 1)) & 3;
}

function putCode(u8: Uint8Array, sec: number, off: number, code: number): void {
  const i = sec + (off >> 2);
  const shift = (off & 3) << 1;
  u8[i] = (u8[i]! & ~(3 << shift)) | (code << shift);
}

function inOneChunk(addr: number, size: number): boolean {
  return addr >= 0 && addr + size <= SPACE_END && (addr & CHUNK_MASK) + size <= CHUNK_SIZE;
}

function inSpace(addr: number): boolean {
  return addr >= 0 && addr < SPACE_END;
}

/** The first address of the chunk after the one holding p. */
function chunkEnd(p: number): number {
  return (Math.floor(p / CHUNK_SIZE) + 1) * CHUNK_SIZE;
}
