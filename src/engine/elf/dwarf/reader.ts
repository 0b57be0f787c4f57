// A bounds-checked cursor over one DWARF section (or a slice of one).

/**
 * Malformed debug information. Builders catch it per unit (one line program,
 * one CIE or FDE, one compilation unit) and carry on with the rest, as
 * Valgrind does: bad debug info costs a few source locations, never the run.
 */
export class DwarfError extends Error {
  override readonly name = 'DwarfError';
}

const utf8 = new TextDecoder();

export const hex = (n: number | bigint): string => `0x${n.toString(16)}`;

/** Decodes the NUL-terminated string at `offset` of a string section (.debug_str, .debug_line_str). */
export function stringAt(bytes: Uint8Array, offset: number, what: string): string {
  if (!(offset >= 0 && offset < bytes.length)) {
    throw new DwarfError(`${what}: string offset ${hex(offset)} is outside the section (size ${hex(bytes.length)})`);
  }
  const nul = bytes.indexOf(0, offset);
  if (nul < 0) throw new DwarfError(`${what}: string at ${hex(offset)} is not NUL-terminated`);
  // slice() copies: TextDecoder refuses views of a SharedArrayBuffer.
  return utf8.decode(bytes.slice(offset, nul));
}

export class DwarfReader {
  pos: number;
  readonly view: DataView;

  /** Reads `bytes[start, end)`; positions are relative to `bytes`, not to `start`. */
  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    public end = bytes.length,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = start;
  }

  get atEnd(): boolean {
    return this.pos >= this.end;
  }

  /** Throws unless `n` more bytes lie before the end. */
  need(n: number): void {
    if (!(n >= 0 && this.pos + n <= this.end)) {
      throw new DwarfError(`read of ${n} bytes at ${hex(this.pos)} runs past the end (${hex(this.end)})`);
    }
  }

  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }

  u8(): number {
    this.need(1);
    return this.bytes[this.pos++];
  }

  s8(): number {
    this.need(1);
    return this.view.getInt8(this.pos++);
  }

  u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }

  s16(): number {
    this.need(2);
    const v = this.view.getInt16(this.pos, true);
    this.pos += 2;
    return v;
  }

  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  s32(): number {
    this.need(4);
    const v = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }

  u64Big(): bigint {
    this.need(8);
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /**
   * A 64-bit field as a number. Values above 2^53 (tombstones such as -1 for
   * code a linker discarded) come back rounded, which is harmless: they name
   * no address a guest can run.
   */
  u64(): number {
    this.need(8);
    const lo = this.view.getUint32(this.pos, true);
    const hi = this.view.getUint32(this.pos + 4, true);
    this.pos += 8;
    return hi * 0x1_0000_0000 + lo;
  }

  s64(): number {
    this.need(8);
    const lo = this.view.getUint32(this.pos, true);
    const hi = this.view.getInt32(this.pos + 4, true);
    this.pos += 8;
    return hi * 0x1_0000_0000 + lo;
  }

  /** An unsigned field of `size` bytes (1, 2, 4 or 8). */
  uN(size: number): number {
    switch (size) {
      case 1: return this.u8();
      case 2: return this.u16();
      case 4: return this.u32();
      case 8: return this.u64();
      default: throw new DwarfError(`unsupported field size ${size}`);
    }
  }

  uleb(): number {
    let result = 0;
    let scale = 1;
    for (;;) {
      this.need(1);
      const byte = this.bytes[this.pos++];
      result += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) return result;
      scale *= 128;
      // Past 2^70 no value is meaningful; stop a crafted run of 0x80 bytes early.
      if (scale > 2 ** 70) throw new DwarfError(`LEB128 at ${hex(this.pos)} is too long`);
    }
  }

  sleb(): number {
    let result = 0;
    let scale = 1;
    for (;;) {
      this.need(1);
      const byte = this.bytes[this.pos++];
      result += (byte & 0x7f) * scale;
      scale *= 128;
      if ((byte & 0x80) === 0) return byte & 0x40 ? result - scale : result;
      if (scale > 2 ** 70) throw new DwarfError(`LEB128 at ${hex(this.pos)} is too long`);
    }
  }

  cstr(): string {
    const nul = this.bytes.indexOf(0, this.pos);
    if (nul < 0 || nul >= this.end) throw new DwarfError(`string at ${hex(this.pos)} is not NUL-terminated`);
    const s = utf8.decode(this.bytes.slice(this.pos, nul));
    this.pos = nul + 1;
    return s;
  }

  /**
   * A unit's initial length: 32-bit DWARF, or 0xffffffff then a 64-bit length.
   * Returns the unit's end and its offset size (4 or 8).
   */
  unitLength(): { end: number; offsetSize: 4 | 8 } {
    let length = this.u32();
    let offsetSize: 4 | 8 = 4;
    if (length === 0xffffffff) {
      length = this.u64();
      offsetSize = 8;
    } else if (length >= 0xfffffff0) {
      throw new DwarfError(`reserved unit length ${hex(length)} at ${hex(this.pos - 4)}`);
    }
    const end = this.pos + length;
    if (end > this.end) {
      throw new DwarfError(`unit at ${hex(this.pos)} of length ${hex(length)} runs past the section end`);
    }
    return { end, offsetSize };
  }

  /** A section offset: 4 bytes in 32-bit DWARF, 8 in 64-bit DWARF. */
  offset(offsetSize: 4 | 8): number {
    return offsetSize === 8 ? this.u64() : this.u32();
  }
}
