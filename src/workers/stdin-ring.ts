// The guest's terminal input: a single-producer, single-consumer byte ring in a
// SharedArrayBuffer. The page writes what the user types; the worker reads it in the
// guest's read(2), and when it is empty waits on it with Atomics until the page writes
// or closes it. The page's main thread may not block, so only the worker ever waits.

/** Int32 header slots. head and tail count bytes written and read since the start
 *  (free-running, compared modulo 2^32); seq changes on every write and on close, and is
 *  what a waiting reader sleeps on, so a close racing a wait cannot be missed. */
const HEAD = 0;
const TAIL = 1;
const CLOSED = 2;
const SEQ = 3;
const HEADER_BYTES = 16;

/** Room for a long paste; the page keeps what does not fit until the guest reads. */
export const STDIN_RING_BYTES = 64 * 1024;

/** `capacity` is a power of two, so byte positions stay continuous when the counters
 *  wrap at 2^32. */
export function createStdinRing(capacity = STDIN_RING_BYTES): SharedArrayBuffer {
  if (capacity & (capacity - 1)) throw new RangeError(`stdin ring: ${capacity} is not a power of two`);
  return new SharedArrayBuffer(HEADER_BYTES + capacity);
}

class Ring {
  protected readonly header: Int32Array;
  protected readonly bytes: Uint8Array;

  constructor(sab: SharedArrayBuffer) {
    this.header = new Int32Array(sab, 0, HEADER_BYTES / 4);
    this.bytes = new Uint8Array(sab, HEADER_BYTES);
  }

  protected get used(): number {
    return (Atomics.load(this.header, HEAD) - Atomics.load(this.header, TAIL)) >>> 0;
  }

  get closed(): boolean {
    return Atomics.load(this.header, CLOSED) !== 0;
  }
}

/** The page's end: typed bytes in, end of input (Ctrl-D) once. */
export class StdinWriter extends Ring {
  /** Bytes that did not fit yet, oldest first. */
  private backlog: Uint8Array[] = [];
  /** close() came while backlog was waiting: close once it is in. */
  private closeWhenFlushed = false;

  /** Queues `data`; returns how many bytes are still waiting for room in the ring. */
  write(data: Uint8Array): number {
    if (this.closed || this.closeWhenFlushed) return 0;
    if (data.length) this.backlog.push(data);
    return this.flush();
  }

  /** Moves backlog into the ring as far as it fits, waking the reader. */
  flush(): number {
    let moved = 0;
    while (this.backlog.length) {
      const chunk = this.backlog[0]!;
      const room = this.bytes.length - this.used;
      if (room === 0) break;
      const n = Math.min(room, chunk.length);
      const head = Atomics.load(this.header, HEAD);
      for (let i = 0; i < n; i++) this.bytes[((head + i) >>> 0) % this.bytes.length] = chunk[i]!;
      Atomics.store(this.header, HEAD, (head + n) | 0);
      moved += n;
      if (n === chunk.length) this.backlog.shift();
      else this.backlog[0] = chunk.subarray(n);
    }
    if (moved) this.bump();
    if (this.closeWhenFlushed && !this.backlog.length) this.close();
    return this.backlog.reduce((s, c) => s + c.length, 0);
  }

  /** End of input: reads return what is left, then 0 (EOF) from then on. */
  close(): void {
    if (this.backlog.length) {
      this.closeWhenFlushed = true;
      return;
    }
    Atomics.store(this.header, CLOSED, 1);
    this.bump();
  }

  private bump(): void {
    Atomics.add(this.header, SEQ, 1);
    Atomics.notify(this.header, SEQ);
  }
}

/** Atomics.waitAsync, which ES2022's lib does not declare (Chromium and Node have it). */
type WaitAsync = (a: Int32Array, i: number, v: number) => { async: boolean; value: Promise<string> | string };

/** The worker's end. */
export class StdinReader extends Ring {
  /** What the page wrote so far; wait() sleeps until it changes. */
  get seq(): number {
    return Atomics.load(this.header, SEQ);
  }

  /** Up to `max` bytes; empty at end of input; null when nothing is there yet. */
  read(max: number): Uint8Array | null {
    const n = Math.min(max, this.used);
    if (n === 0) return this.closed ? new Uint8Array(0) : null;
    const tail = Atomics.load(this.header, TAIL);
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.bytes[((tail + i) >>> 0) % this.bytes.length]!;
    Atomics.store(this.header, TAIL, (tail + n) | 0);
    return out;
  }

  /** Resolves once the page has written or closed since `seq` was read. Waits without
   *  blocking the worker's event loop where Atomics.waitAsync exists (so pause and kdb
   *  are served meanwhile), else blocks in Atomics.wait in short turns. A terminated
   *  worker ends either wait. */
  async wait(seq: number): Promise<void> {
    const waitAsync = (Atomics as unknown as { waitAsync?: WaitAsync }).waitAsync;
    if (waitAsync) {
      const r = waitAsync(this.header, SEQ, seq);
      if (r.async) await r.value;
      return;
    }
    while (Atomics.wait(this.header, SEQ, seq, 100) === 'timed-out') await new Promise((r) => setTimeout(r, 0));
  }
}
