// DEFLATE (RFC 1951) in a zlib wrapper (RFC 1950): distributions ship
// separate debug files with SHF_COMPRESSED sections (ELFCOMPRESS_ZLIB), and
// the engine has no platform decompressor it may call synchronously.

import { DwarfError } from './reader.ts';

const MAX_BITS = 15;
/** Codes up to this many bits decode with one table lookup; longer ones bit by bit. */
const FAST_BITS = 10;

const LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
/** Order in which code-length code lengths are sent (RFC 1951 3.2.7). */
const CLEN_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/** A canonical Huffman code: counts per length and symbols in code order, plus a fast table. */
interface Huffman {
  counts: Uint16Array;
  symbols: Uint16Array;
  /** Indexed by the next FAST_BITS input bits: symbol << 4 | length, or 0 when the code is longer. */
  fast: Uint32Array;
}

function buildHuffman(lengths: ArrayLike<number>, n: number): Huffman {
  const counts = new Uint16Array(MAX_BITS + 1);
  for (let i = 0; i < n; i++) counts[lengths[i]]++;
  counts[0] = 0;
  let left = 1;
  for (let len = 1; len <= MAX_BITS; len++) {
    left = left * 2 - counts[len];
    if (left < 0) throw new DwarfError('inflate: over-subscribed Huffman code');
  }
  const offsets = new Uint16Array(MAX_BITS + 2);
  for (let len = 1; len <= MAX_BITS; len++) offsets[len + 1] = offsets[len] + counts[len];
  const symbols = new Uint16Array(n);
  for (let i = 0; i < n; i++) if (lengths[i] !== 0) symbols[offsets[lengths[i]]++] = i;

  const fast = new Uint32Array(1 << FAST_BITS);
  let code = 0;
  let index = 0;
  for (let len = 1; len <= MAX_BITS; len++) {
    for (let k = 0; k < counts[len]; k++, code++, index++) {
      if (len > FAST_BITS) continue;
      // Deflate sends Huffman codes most significant bit first into an LSB-first stream.
      let rev = 0;
      for (let b = 0; b < len; b++) rev |= ((code >> b) & 1) << (len - 1 - b);
      const entry = (symbols[index] << 4) | len;
      for (let fill = rev; fill < 1 << FAST_BITS; fill += 1 << len) fast[fill] = entry;
    }
    code <<= 1;
  }
  return { counts, symbols, fast };
}

class Inflater {
  private pos: number;
  private bitBuf = 0;
  private bitCount = 0;
  out: Uint8Array;
  outPos = 0;

  constructor(
    private readonly input: Uint8Array,
    start: number,
    /** The size the container promised: corrupt input may not inflate past it. */
    private readonly limit: number,
  ) {
    this.pos = start;
    this.out = new Uint8Array(Math.max(limit, 1024));
  }

  private bits(n: number): number {
    while (this.bitCount < n) {
      if (this.pos >= this.input.length) throw new DwarfError('inflate: input ends inside a block');
      this.bitBuf |= this.input[this.pos++] << this.bitCount;
      this.bitCount += 8;
    }
    const v = this.bitBuf & ((1 << n) - 1);
    this.bitBuf >>>= n;
    this.bitCount -= n;
    return v;
  }

  private decode(h: Huffman): number {
    // Top up to FAST_BITS when the input allows; near the end fewer bits may remain.
    while (this.bitCount < FAST_BITS && this.pos < this.input.length) {
      this.bitBuf |= this.input[this.pos++] << this.bitCount;
      this.bitCount += 8;
    }
    const entry = h.fast[this.bitBuf & ((1 << FAST_BITS) - 1)];
    const len = entry & 15;
    if (len !== 0 && len <= this.bitCount) {
      this.bitBuf >>>= len;
      this.bitCount -= len;
      return entry >> 4;
    }
    let code = 0;
    let first = 0;
    let index = 0;
    for (let l = 1; l <= MAX_BITS; l++) {
      code |= this.bits(1);
      const count = h.counts[l];
      if (code - first < count) return h.symbols[index + code - first];
      index += count;
      first = (first + count) << 1;
      code <<= 1;
    }
    throw new DwarfError('inflate: invalid Huffman code');
  }

  private reserve(n: number): void {
    if (this.outPos + n > this.limit) throw new DwarfError('inflate: output exceeds the promised size');
    if (this.outPos + n <= this.out.length) return;
    const grown = new Uint8Array(Math.max(this.out.length * 2, this.outPos + n));
    grown.set(this.out.subarray(0, this.outPos));
    this.out = grown;
  }

  run(): number {
    let last = 0;
    while (!last) {
      last = this.bits(1);
      const type = this.bits(2);
      if (type === 0) this.stored();
      else if (type === 1) this.codes(FIXED.lit, FIXED.dist);
      else if (type === 2) this.dynamic();
      else throw new DwarfError('inflate: reserved block type 3');
    }
    // Give back whole bytes still buffered: the zlib trailer follows.
    this.pos -= this.bitCount >> 3;
    return this.pos;
  }

  private stored(): void {
    this.bitBuf = 0;
    this.pos -= this.bitCount >> 3;
    this.bitCount = 0;
    if (this.pos + 4 > this.input.length) throw new DwarfError('inflate: truncated stored block');
    const len = this.input[this.pos] | (this.input[this.pos + 1] << 8);
    const nlen = this.input[this.pos + 2] | (this.input[this.pos + 3] << 8);
    if ((len ^ 0xffff) !== nlen) throw new DwarfError('inflate: stored block length check failed');
    this.pos += 4;
    if (this.pos + len > this.input.length) throw new DwarfError('inflate: truncated stored block');
    this.reserve(len);
    this.out.set(this.input.subarray(this.pos, this.pos + len), this.outPos);
    this.outPos += len;
    this.pos += len;
  }

  private dynamic(): void {
    const nlen = this.bits(5) + 257;
    const ndist = this.bits(5) + 1;
    const ncode = this.bits(4) + 4;
    if (nlen > 286 || ndist > 30) throw new DwarfError('inflate: bad dynamic block counts');
    const clens = new Uint8Array(19);
    for (let i = 0; i < ncode; i++) clens[CLEN_ORDER[i]] = this.bits(3);
    const clen = buildHuffman(clens, 19);
    const lengths = new Uint8Array(nlen + ndist);
    for (let i = 0; i < nlen + ndist; ) {
      const sym = this.decode(clen);
      if (sym < 16) {
        lengths[i++] = sym;
        continue;
      }
      let repeat: number;
      let value = 0;
      if (sym === 16) {
        if (i === 0) throw new DwarfError('inflate: repeat with no previous length');
        value = lengths[i - 1];
        repeat = 3 + this.bits(2);
      } else if (sym === 17) repeat = 3 + this.bits(3);
      else repeat = 11 + this.bits(7);
      if (i + repeat > nlen + ndist) throw new DwarfError('inflate: too many code lengths');
      lengths.fill(value, i, i + repeat);
      i += repeat;
    }
    if (lengths[256] === 0) throw new DwarfError('inflate: no end-of-block code');
    this.codes(buildHuffman(lengths, nlen), buildHuffman(lengths.subarray(nlen), ndist));
  }

  private codes(lit: Huffman, dist: Huffman): void {
    for (;;) {
      const sym = this.decode(lit);
      if (sym < 256) {
        if (this.outPos >= this.limit) this.reserve(1);
        this.out[this.outPos++] = sym;
        continue;
      }
      if (sym === 256) return;
      const li = sym - 257;
      if (li >= 29) throw new DwarfError('inflate: bad length symbol');
      const len = LENGTH_BASE[li] + this.bits(LENGTH_EXTRA[li]);
      const di = this.decode(dist);
      if (di >= 30) throw new DwarfError('inflate: bad distance symbol');
      const d = DIST_BASE[di] + this.bits(DIST_EXTRA[di]);
      if (d > this.outPos) throw new DwarfError('inflate: distance reaches before the output start');
      this.reserve(len);
      const out = this.out;
      let from = this.outPos - d;
      let to = this.outPos;
      // Byte by byte: the copy may overlap its own output (d < len).
      for (let k = 0; k < len; k++) out[to++] = out[from++];
      this.outPos = to;
    }
  }
}

const FIXED = (() => {
  const lengths = new Uint8Array(288 + 30);
  lengths.fill(8, 0, 144);
  lengths.fill(9, 144, 256);
  lengths.fill(7, 256, 280);
  lengths.fill(8, 280, 288);
  lengths.fill(5, 288, 318);
  return { lit: buildHuffman(lengths, 288), dist: buildHuffman(lengths.subarray(288), 30) };
})();

function adler32(bytes: Uint8Array, length: number): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < length; ) {
    // 5552 bytes is the most that cannot overflow before the modulo (zlib's NMAX).
    const stop = Math.min(length, i + 5552);
    for (; i < stop; i++) {
      a += bytes[i];
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/**
 * Decompresses a zlib stream (RFC 1950) that starts at `start`, checking its
 * Adler-32. `expectedSize` (ch_size of an SHF_COMPRESSED section) both sizes
 * the output buffer and is checked.
 */
export function inflateZlib(input: Uint8Array, expectedSize: number, start = 0): Uint8Array {
  if (input.length < start + 6) throw new DwarfError('inflate: zlib stream too short');
  const cmf = input[start];
  const flg = input[start + 1];
  if ((cmf & 15) !== 8 || ((cmf << 8) | flg) % 31 !== 0) throw new DwarfError('inflate: not a zlib deflate stream');
  if (flg & 0x20) throw new DwarfError('inflate: zlib preset dictionaries are not supported');
  const inflater = new Inflater(input, start + 2, expectedSize);
  const end = inflater.run();
  const out = inflater.out.subarray(0, inflater.outPos);
  if (end + 4 <= input.length) {
    const want = ((input[end] << 24) | (input[end + 1] << 16) | (input[end + 2] << 8) | input[end + 3]) >>> 0;
    if (want !== adler32(out, out.length)) throw new DwarfError('inflate: Adler-32 mismatch');
  }
  if (out.length !== expectedSize) {
    throw new DwarfError(`inflate: got ${out.length} bytes, the header promised ${expectedSize}`);
  }
  return out;
}
