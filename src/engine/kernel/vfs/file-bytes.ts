/**
 * A regular file's contents: a byte buffer that grows by doubling. Bytes past
 * `length` are kept zero, so growing the file (a write past the end, ftruncate up)
 * exposes zeros, as a hole reads back in Linux.
 */
export class FileBytes {
  private buffer: Uint8Array;
  private size: number;

  constructor(initial: Uint8Array = new Uint8Array(0)) {
    this.buffer = initial.slice();
    this.size = initial.length;
  }

  get length(): number {
    return this.size;
  }

  /** Copies from `pos` into `dst`; returns the count, 0 at or past the end. */
  read(pos: number, dst: Uint8Array): number {
    if (pos >= this.size) return 0;
    const n = Math.min(dst.length, this.size - pos);
    dst.set(this.buffer.subarray(pos, pos + n));
    return n;
  }

  write(pos: number, src: Uint8Array): void {
    const end = pos + src.length;
    this.reserve(end);
    this.buffer.set(src, pos);
    if (end > this.size) this.size = end;
  }

  truncate(size: number): void {
    if (size < this.size) this.buffer.fill(0, size, this.size);
    else this.reserve(size);
    this.size = size;
  }

  private reserve(capacity: number): void {
    if (capacity <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(capacity, this.buffer.length * 2, 256));
    grown.set(this.buffer.subarray(0, this.size));
    this.buffer = grown;
  }
}
