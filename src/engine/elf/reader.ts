import { ElfError } from './errors.ts';

export const hex = (n: number | bigint): string => `0x${n.toString(16)}`;

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Bounds-checked little-endian reads over the whole file. Every failure is an
 * ElfError, so no RangeError from DataView can escape the parser.
 */
export class ByteReader {
  readonly size: number;
  private readonly view: DataView;

  constructor(readonly bytes: Uint8Array) {
    this.size = bytes.byteLength;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Throws unless [offset, offset + length) lies within the file. */
  require(offset: number, length: number, what: string): void {
    if (offset > this.size || length > this.size - offset) {
      throw new ElfError(
        `truncated ELF: ${what} lies past end of file (offset ${hex(offset)}, size ${hex(length)}, file size ${hex(this.size)})`,
      );
    }
  }

  /**
   * Throws naming the first of `count` entries that does not fit in the file.
   * Dividing instead of multiplying keeps absurd counts (1e9 symbols in 1 KB)
   * both exact and cheap.
   */
  requireTable(offset: number, count: number, entsize: number, what: string): void {
    const fits = offset > this.size ? 0 : Math.floor((this.size - offset) / entsize);
    if (count > fits) {
      throw new ElfError(
        `truncated ELF: ${what} ${fits} lies past end of file (offset ${hex(offset + fits * entsize)}, file size ${hex(this.size)})`,
      );
    }
  }

  u8(offset: number): number {
    this.check(offset, 1);
    return this.view.getUint8(offset);
  }

  u16(offset: number): number {
    this.check(offset, 2);
    return this.view.getUint16(offset, true);
  }

  u32(offset: number): number {
    this.check(offset, 4);
    return this.view.getUint32(offset, true);
  }

  u64Big(offset: number): bigint {
    this.check(offset, 8);
    return this.view.getBigUint64(offset, true);
  }

  /** A 64-bit field as a number; `what` names it when it is not exactly representable. */
  u64(offset: number, what: string): number {
    const value = this.u64Big(offset);
    if (value > MAX_SAFE) throw new ElfError(`${what} ${hex(value)} is too large (above 2^53)`);
    return Number(value);
  }

  private check(offset: number, length: number): void {
    if (!(offset >= 0 && offset + length <= this.size)) {
      throw new ElfError(
        `truncated ELF: ${length}-byte read at ${hex(offset)} lies past end of file (file size ${hex(this.size)})`,
      );
    }
  }
}

/** Whether a 64-bit value converts to a number exactly. */
export const isSafe = (value: bigint): boolean => value <= MAX_SAFE;
