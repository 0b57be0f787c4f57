// A growable byte buffer with WebAssembly's integer encodings (LEB128).

export class ByteWriter {
  private buf: Uint8Array<ArrayBuffer> = new Uint8Array(256);
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const bigger = new Uint8Array(size);
    bigger.set(this.buf.subarray(0, this.length));
    this.buf = bigger;
  }

  byte(b: number): void {
    this.room(1);
    this.buf[this.length++] = b;
  }

  bytes(bs: ArrayLike<number>): void {
    this.room(bs.length);
    this.buf.set(bs, this.length);
    this.length += bs.length;
  }

  u32(v: number): void {
    v >>>= 0;
    do {
      const b = v & 0x7f;
      v >>>= 7;
      this.byte(v === 0 ? b : b | 0x80);
    } while (v !== 0);
  }

  /** A u32 in exactly five bytes, so that it can be patched later (patchU32). */
  paddedU32(v: number): number {
    const at = this.length;
    this.room(5);
    this.length += 5;
    this.patchU32(at, v);
    return at;
  }

  patchU32(at: number, v: number): void {
    for (let i = 0; i < 5; i++) {
      this.buf[at + i] = ((v >>> (7 * i)) & 0x7f) | (i < 4 ? 0x80 : 0);
    }
  }

  s32(v: number): void {
    v |= 0;
    for (;;) {
      const b = v & 0x7f;
      v >>= 7;
      if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
        this.byte(b);
        return;
      }
      this.byte(b | 0x80);
    }
  }

  s64(v: bigint): void {
    v = BigInt.asIntN(64, v);
    for (;;) {
      const b = Number(v & 0x7fn);
      v >>= 7n;
      if ((v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0)) {
        this.byte(b);
        return;
      }
      this.byte(b | 0x80);
    }
  }

  f32(v: number): void {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.bytes(b);
  }

  /** A float from its bit pattern (NaN payloads survive). */
  f32Bits(bits: number): void {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, bits >>> 0, true);
    this.bytes(b);
  }

  f64Bits(bits: bigint): void {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, bits), true);
    this.bytes(b);
  }

  name(s: string): void {
    const b = new TextEncoder().encode(s);
    this.u32(b.length);
    this.bytes(b);
  }

  /** A section or a function body: its length, then its bytes. */
  sized(inner: ByteWriter): void {
    this.u32(inner.length);
    this.bytes(inner.finish());
  }

  finish(): Uint8Array<ArrayBuffer> {
    return this.buf.subarray(0, this.length);
  }
}
