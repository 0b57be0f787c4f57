import { ElfError } from './errors.ts';
import { hex } from './reader.ts';

const utf8 = new TextDecoder();

/** Decodes bytes up to the first NUL (or the end). */
export function decodeString(bytes: Uint8Array): string {
  const nul = bytes.indexOf(0);
  // slice() copies: TextDecoder refuses views of a SharedArrayBuffer.
  return utf8.decode(bytes.slice(0, nul < 0 ? bytes.length : nul));
}

/** A table of NUL-terminated strings (.strtab, .dynstr, .shstrtab) indexed by byte offset. */
export class StringTable {
  /**
   * Offsets of every NUL, found once, so that a lookup costs a binary search:
   * scanning from each index would be quadratic in a crafted table that has
   * many names and few NULs.
   */
  private readonly nuls: number[] = [];

  constructor(
    private readonly data: Uint8Array,
    private readonly what: string,
  ) {
    for (let i = data.indexOf(0); i >= 0; i = data.indexOf(0, i + 1)) this.nuls.push(i);
  }

  /** Index 0 means "no name" (gABI), whatever the table holds. */
  get(index: number): string {
    if (index === 0) return '';
    if (index >= this.data.length) {
      throw new ElfError(`${this.what}: string offset ${hex(index)} is past its end (size ${hex(this.data.length)})`);
    }
    let lo = 0;
    let hi = this.nuls.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.nuls[mid] < index) lo = mid + 1;
      else hi = mid;
    }
    if (lo === this.nuls.length) {
      throw new ElfError(`${this.what}: string at offset ${hex(index)} is not NUL-terminated`);
    }
    return utf8.decode(this.data.slice(index, this.nuls[lo]));
  }
}
