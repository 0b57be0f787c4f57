// Origin shadow memory: one otag per 4-byte granule of guest memory, as memcheck's origin
// cache keeps it, plus a 4-bit mask per granule saying which of its bytes the otag covers.
// Storing a value with otag 0 (a defined value, or one of unknown origin) clears those
// bytes' bits but leaves the granule's otag for its other bytes; loading returns the otag
// of a granule only if one of the loaded bytes is covered, and the greatest (Max32U) of
// the granules a load spans. Memory nobody gave an origin costs nothing: chunks of 64 KiB
// are allocated on the first nonzero otag written into them.

import type { GuestAddr } from './shadow-memory.ts';

const CHUNK_BITS = 16;
const CHUNK_SIZE = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK_SIZE - 1;
const GRANULES = CHUNK_SIZE >> 2;
const SPACE_END = 2 ** 32;

class OriginChunk {
  readonly otag = new Uint32Array(GRANULES);
  /** Bit i of mask[g]: byte i of granule g has otag[g] as its origin. */
  readonly mask = new Uint8Array(GRANULES);
}

export class OriginMemory {
  private readonly chunks: (OriginChunk | undefined)[] = new Array<OriginChunk | undefined>(1 << (32 - CHUNK_BITS));
  private nReal = 0;

  /** Chunks allocated now (memory that never held an otag costs none). */
  get realChunks(): number {
    return this.nReal;
  }

  /** Gives [addr, addr+len) the origin `otag` (0: forget their origin). The runtime calls
   *  this when it makes memory undefined: a malloc'd block gets its heap otag. */
  setRange(addr: GuestAddr, len: number, otag: number): void {
    otag >>>= 0;
    const end = Math.min(addr + len, SPACE_END);
    for (let p = addr; p < end;) {
      const stop = Math.min(end, p - (p & CHUNK_MASK) + CHUNK_SIZE);
      const c = otag === 0 ? this.chunks[p >>> CHUNK_BITS] : this.writable(p);
      if (c) setInChunk(c, p & CHUNK_MASK, stop - p, otag);
      p = stop;
    }
  }

  /** The shadow store of an access (MC_helperc_b_storeN): same as setRange. */
  store(addr: GuestAddr, size: number, otag: number): void {
    this.setRange(addr, size, otag);
  }

  /** The otag of a load of `size` bytes: the greatest otag covering any of them, 0 if none. */
  load(addr: GuestAddr, size: number): number {
    let best = 0;
    const end = Math.min(addr + size, SPACE_END);
    for (let p = addr; p < end;) {
      // Addresses reach 2^32: no `& ~3`, which would make them signed.
      const g = p - (p & 3);
      const c = this.chunks[p >>> CHUNK_BITS];
      const stop = Math.min(end, g + 4);
      if (c) {
        const i = (g & CHUNK_MASK) >> 2;
        const want = ((1 << (stop - p)) - 1) << (p - g);
        if (c.mask[i]! & want && c.otag[i]! > best) best = c.otag[i]!;
      }
      p = stop;
    }
    return best;
  }

  /** Copies the origins of [src, src+len) to [dst, dst+len), overlap-safe: realloc's
   *  copied bytes keep where they came from (beside ShadowMemory.copy). */
  copy(src: GuestAddr, dst: GuestAddr, len: number): void {
    len = Math.min(len, SPACE_END - src, SPACE_END - dst);
    if (len <= 0 || src === dst) return;
    const otags = new Uint32Array(len);
    for (let i = 0; i < len; i++) otags[i] = this.load(src + i, 1);
    for (let i = 0; i < len; i++) this.store(dst + i, 1, otags[i]!);
  }

  /** The origin of the byte at `addr` (0: unknown). */
  otagAt(addr: GuestAddr): number {
    return this.load(addr, 1);
  }

  private writable(p: number): OriginChunk {
    const n = p >>> CHUNK_BITS;
    let c = this.chunks[n];
    if (!c) {
      c = this.chunks[n] = new OriginChunk();
      this.nReal++;
    }
    return c;
  }
}

/** Sets `otag` on [off, off+len) of one chunk: whole granules with fill, the partial ones
 *  at either end byte by byte. */
function setInChunk(c: OriginChunk, off: number, len: number, otag: number): void {
  const end = off + len;
  let p = off;
  for (; p < end && (p & 3) !== 0; p++) setByte(c, p, otag);
  const whole = (end - p) >> 2;
  if (whole > 0) {
    const g = p >> 2;
    c.mask.fill(otag === 0 ? 0 : 0xf, g, g + whole);
    if (otag !== 0) c.otag.fill(otag, g, g + whole);
    p += whole << 2;
  }
  for (; p < end; p++) setByte(c, p, otag);
}

function setByte(c: OriginChunk, p: number, otag: number): void {
  const g = p >> 2;
  const bit = 1 << (p & 3);
  if (otag === 0) {
    c.mask[g] = c.mask[g]! & ~bit;
  } else {
    c.mask[g] = c.mask[g]! | bit;
    c.otag[g] = otag;
  }
}
