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
  /** Decoded names by offset, so that a name referenced many times is decoded once. */
  private readonly decoded = new Map<number, string>();
  /**
   * Names may share bytes (ld merges suffixes), but a crafted table could make
   * thousands of names each a different long suffix of one run. Bounding the
   * bytes decoded keeps time and memory linear in the file; real tables stay
   * far below the bound.
   */
  private budget: number;

  constructor(
    private readonly data: Uint8Array,
    private readonly what: string,
  ) {
    for (let i = data.indexOf(0); i >= 0; i = data.indexOf(0, i + 1)) this.nuls.push(i);
    this.budget = 16 * data.length + (1 << 20);
  }

  /** Index 0 means "no name" (gABI), whatever the table holds. */
  get(index: number): string {
    if (index === 0) return '';
    const cached = this.decoded.get(index);
    if (cached !== undefined) return cached;
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
    const end = this.nuls[lo];
    this.budget -= end - index;
    if (this.budget < 0) throw new ElfError(`${this.what}: names overlap far more than a linker makes them`);
    const name = utf8.decode(this.data.slice(index, end));
    this.decoded.set(index, name);
    return name;
  }
}
