// Memcheck's shadow memory: an A bit (addressable?) and eight V bits (which bits are
// undefined; 1 = undefined, as in memcheck) for every byte of the 4 GiB guest space.
//
// The space is cut into 65536 chunks of 64 KiB, as memcheck's primary map cuts it into
// secondary maps. Most chunks are uniform — never mapped, or wholly defined, or wholly
// undefined — so they all point at one of three shared *distinguished* chunks. A chunk
// gets its own arrays (a *real* chunk) only when a write would make its bytes differ, and
// goes back to a distinguished one when a whole-chunk mark makes it uniform again. Every
// chunk, shared or real, has the same two arrays, so reads never ask which kind it is.

export type GuestAddr = number;

const CHUNK_BITS = 16;
const CHUNK_SIZE = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK_SIZE - 1;
const N_CHUNKS = 1 << (32 - CHUNK_BITS);
const SPACE_END = 2 ** 32;

const V_DEFINED = 0x00;
const V_UNDEFINED = 0xff;

/** The A and V bits of one 64 KiB chunk. */
class Chunk {
  /** Bit (off & 7) of a[off >> 3] set: byte `off` is addressable. */
  readonly a: Uint8Array;
  /** V bits of each byte. Unaddressable bytes always hold 0 (see NOACCESS). */
  readonly v: Uint8Array;
  /** `v` for multi-byte little-endian reads and writes. */
  readonly dv: DataView;

  /** `shared`: a distinguished chunk, never written. */
  constructor(readonly shared: boolean, addressable: boolean, vfill: number, from?: Chunk) {
    this.a = from ? from.a.slice() : new Uint8Array(CHUNK_SIZE >> 3).fill(addressable ? 0xff : 0);
    this.v = from ? from.v.slice() : new Uint8Array(CHUNK_SIZE).fill(vfill);
    this.dv = new DataView(this.v.buffer);
  }

  /** Whether all of [off, off+n) is addressable (n <= 32). */
  allAddressable(off: number, n: number): boolean {
    for (let i = off; i < off + n; i++) if (!this.isAddressable(i)) return false;
    return true;
  }

  isAddressable(off: number): boolean {
    return (this.a[off >> 3]! & (1 << (off & 7))) !== 0;
  }
}

// Unaddressable bytes hold defined V bits: memcheck reads them as defined so that one bad
// access does not also cascade into uninitialised-value errors.
const NOACCESS = new Chunk(true, false, V_DEFINED);
const UNDEFINED = new Chunk(true, true, V_UNDEFINED);
const DEFINED = new Chunk(true, true, V_DEFINED);

type Fill = typeof NOACCESS | typeof UNDEFINED | typeof DEFINED;

export type ShadowAccessSize = 1 | 2 | 4 | 8 | 16 | 32;

export class ShadowMemory {
  private readonly chunks: Chunk[] = new Array<Chunk>(N_CHUNKS).fill(NOACCESS);
  private nReal = 0;

  /** Real chunks allocated now (tests check that uniform ranges cost none). */
  get realChunks(): number {
    return this.nReal;
  }

  makeNoAccess(addr: GuestAddr, len: number): void {
    this.fill(addr, len, NOACCESS);
  }

  /** Addressable, undefined. */
  makeUndefined(addr: GuestAddr, len: number): void {
    this.fill(addr, len, UNDEFINED);
  }

  /** Addressable, defined. */
  makeDefined(addr: GuestAddr, len: number): void {
    this.fill(addr, len, DEFINED);
  }

  /** Copies A and V bits of [src, src+len) to [dst, dst+len), overlap-safe (memcheck's
   *  MC_(copy_address_range_state), used by realloc and mremap). */
  copy(src: GuestAddr, dst: GuestAddr, len: number): void {
    len = Math.min(len, SPACE_END - src, SPACE_END - dst);
    if (len <= 0 || src === dst) return;
    // Segments that stay within one chunk on both sides, in the order that never
    // overwrites a source byte before it is read.
    const segs: [number, number][] = [];
    for (let done = 0; done < len;) {
      const n = Math.min(len - done, CHUNK_SIZE - ((src + done) & CHUNK_MASK), CHUNK_SIZE - ((dst + done) & CHUNK_MASK));
      segs.push([done, n]);
      done += n;
    }
    if (dst > src) segs.reverse();
    for (const [off, n] of segs) {
      const from = this.chunks[(src + off) >>> CHUNK_BITS]!;
      if (from.shared) {
        this.fill(dst + off, n, from as Fill);
        continue;
      }
      const lo = (src + off) & CHUNK_MASK;
      const v = from.v.slice(lo, lo + n);
      const a = new Uint8Array(n);
      for (let i = 0; i < n; i++) a[i] = from.isAddressable(lo + i) ? 1 : 0;
      const to = this.writable(dst + off);
      const dlo = (dst + off) & CHUNK_MASK;
      to.v.set(v, dlo);
      for (let i = 0; i < n; i++) setA(to, dlo + i, a[i] === 1);
    }
  }

  /** First non-addressable byte in [addr, addr+len), or -1. */
  firstUnaddressable(addr: GuestAddr, len: number): number {
    const end = addr + len;
    for (let p = addr; p < end;) {
      if (p >= SPACE_END) return p;
      const c = this.chunks[p >>> CHUNK_BITS]!;
      const stop = Math.min(end, chunkEnd(p));
      if (c === NOACCESS) return p;
      if (c.shared) {
        p = stop;
        continue;
      }
      for (; p < stop; p++) if (!c.isAddressable(p & CHUNK_MASK)) return p;
    }
    return -1;
  }

  /** First byte that is unaddressable or not fully defined, and which; undefined if all
   *  are fine. The first bad byte decides, as in memcheck's is_mem_defined. */
  checkDefined(addr: GuestAddr, len: number): { addr: GuestAddr; kind: 'unaddressable' | 'undefined' } | undefined {
    const end = addr + len;
    for (let p = addr; p < end;) {
      if (p >= SPACE_END) return { addr: p, kind: 'unaddressable' };
      const c = this.chunks[p >>> CHUNK_BITS]!;
      const stop = Math.min(end, chunkEnd(p));
      if (c === DEFINED) {
        p = stop;
        continue;
      }
      for (; p < stop; p++) {
        const off = p & CHUNK_MASK;
        if (!c.isAddressable(off)) return { addr: p, kind: 'unaddressable' };
        if (c.v[off] !== V_DEFINED) return { addr: p, kind: 'undefined' };
      }
    }
    return undefined;
  }

  /** V bits of one byte (0 = defined .. 0xff); an unaddressable byte reads as defined. */
  vbyte(addr: GuestAddr): number {
    if (!inSpace(addr)) return V_DEFINED;
    return this.chunks[addr >>> CHUNK_BITS]!.v[addr & CHUNK_MASK]!;
  }

  addressable(addr: GuestAddr): boolean {
    return inSpace(addr) && this.chunks[addr >>> CHUNK_BITS]!.isAddressable(addr & CHUNK_MASK);
  }

  /** Sets one byte's V bits; an unaddressable byte is left alone (memcheck's set_vbits8). */
  setVbyte(addr: GuestAddr, v: number): void {
    if (!this.addressable(addr)) return;
    const c = this.chunks[addr >>> CHUNK_BITS]!;
    if (c.v[addr & CHUNK_MASK] === v) return;
    this.writable(addr).v[addr & CHUNK_MASK] = v & 0xff;
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
    const c = this.chunks[addr >>> CHUNK_BITS]!;
    if (c === DEFINED || c === NOACCESS) return 0n;
    return readV(c.dv, addr & CHUNK_MASK, size);
  }

  /** Writes the V bits of a little-endian access (layout as loadV); unaddressable bytes
   *  are left alone — the store helper reports them. */
  storeV(addr: GuestAddr, size: ShadowAccessSize, v: bigint): void {
    if (inOneChunk(addr, size)) {
      const c = this.chunks[addr >>> CHUNK_BITS]!;
      const off = addr & CHUNK_MASK;
      if (c.shared && c !== NOACCESS && readV(c.dv, off, size) === v) return;
      if (c.allAddressable(off, size)) {
        writeV(this.writable(addr).dv, off, size, v);
        return;
      }
    }
    for (let i = 0; i < size; i++, v >>= 8n) this.setVbyte(addr + i, Number(v & 0xffn));
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

  /** Marks [addr, addr+len) like `like`: whole chunks become `like` itself (freeing a real
   *  chunk), part chunks are written. Bytes beyond 4 GiB do not exist and are skipped. */
  private fill(addr: GuestAddr, len: number, like: Fill): void {
    const end = Math.min(addr + len, SPACE_END);
    const addressable = like !== NOACCESS;
    const vfill = like.v[0]!;
    for (let p = Math.max(addr, 0); p < end;) {
      const ix = p >>> CHUNK_BITS;
      const stop = Math.min(end, chunkEnd(p));
      if (stop - p === CHUNK_SIZE) {
        this.setChunk(ix, like);
      } else if (this.chunks[ix] !== like) {
        const c = this.writable(p);
        const lo = p & CHUNK_MASK;
        const hi = lo + (stop - p);
        c.v.fill(vfill, lo, hi);
        setARange(c, lo, hi, addressable);
      }
      p = stop;
    }
  }

  /** The chunk holding `addr`, made real (copy-on-write) if it was shared. */
  private writable(addr: GuestAddr): Chunk {
    const ix = addr >>> CHUNK_BITS;
    const c = this.chunks[ix]!;
    if (!c.shared) return c;
    const real = new Chunk(false, false, 0, c);
    this.setChunk(ix, real);
    return real;
  }

  private setChunk(ix: number, c: Chunk): void {
    const old = this.chunks[ix]!;
    if (old === c) return;
    this.nReal += (c.shared ? 0 : 1) - (old.shared ? 0 : 1);
    this.chunks[ix] = c;
  }
}

function inOneChunk(addr: number, size: number): boolean {
  return addr >= 0 && addr + size <= SPACE_END && (addr & CHUNK_MASK) + size <= CHUNK_SIZE;
}

/** `size` V bytes at `off`, little-endian. */
function readV(dv: DataView, off: number, size: ShadowAccessSize): bigint {
  switch (size) {
    case 1: return BigInt(dv.getUint8(off));
    case 2: return BigInt(dv.getUint16(off, true));
    case 4: return BigInt(dv.getUint32(off, true));
    case 8: return dv.getBigUint64(off, true);
    default: {
      let r = 0n;
      for (let i = size - 8; i >= 0; i -= 8) r = (r << 64n) | dv.getBigUint64(off + i, true);
      return r;
    }
  }
}

function writeV(dv: DataView, off: number, size: ShadowAccessSize, v: bigint): void {
  switch (size) {
    case 1: dv.setUint8(off, Number(v & 0xffn)); return;
    case 2: dv.setUint16(off, Number(v & 0xffffn), true); return;
    case 4: dv.setUint32(off, Number(v & 0xffffffffn), true); return;
    default:
      for (let i = 0; i < size; i += 8, v >>= 64n) dv.setBigUint64(off + i, BigInt.asUintN(64, v), true);
  }
}

function inSpace(addr: number): boolean {
  return addr >= 0 && addr < SPACE_END;
}

/** The first address of the chunk after the one holding p. */
function chunkEnd(p: number): number {
  return (Math.floor(p / CHUNK_SIZE) + 1) * CHUNK_SIZE;
}

function setA(c: Chunk, off: number, on: boolean): void {
  if (on) c.a[off >> 3]! |= 1 << (off & 7);
  else c.a[off >> 3]! &= ~(1 << (off & 7));
}

/** Sets A bits [lo, hi) of a chunk: whole bitmap bytes with fill, the ragged ends by bit. */
function setARange(c: Chunk, lo: number, hi: number, on: boolean): void {
  while (lo < hi && (lo & 7) !== 0) setA(c, lo++, on);
  while (hi > lo && (hi & 7) !== 0) setA(c, --hi, on);
  if (lo < hi) c.a.fill(on ? 0xff : 0, lo >> 3, hi >> 3);
}
