// A small seeded generator (xorshift32), so random tests are reproducible.

export class Random {
  private s: number;

  constructor(seed: number) {
    this.s = (seed >>> 0) || 0x9e3779b9;
  }

  /** A uniform 32-bit unsigned integer. */
  next(): number {
    let x = this.s;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (this.s = x >>> 0);
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return this.next() % n;
  }

  /** A uniform w-bit unsigned bigint. */
  bits(w: number): bigint {
    let r = 0n;
    for (let i = 0; i < w; i += 32) r = (r << 32n) | BigInt(this.next());
    return BigInt.asUintN(w, r);
  }

  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
}
