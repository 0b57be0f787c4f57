// Everything a run could otherwise take from the outside world — random bytes, the time
// of day, the passing of time — derived from the run's seed, so that the same seed (the
// same shared URL) replays the same run bit for bit.
import type { Clock, Random, Timespec } from '../kernel/vfs/services.ts';

const MASK64 = (1n << 64n) - 1n;

/** splitmix64: small, fast, and good enough to stand in for the kernel's entropy. */
export class SeededRandom implements Random {
  private state: bigint;

  constructor(seed: number | bigint) {
    this.state = BigInt.asUintN(64, BigInt(seed) ^ 0x6772696e646c6162n); // "grindlab"
  }

  next64(): bigint {
    this.state = (this.state + 0x9e3779b97f4a7c15n) & MASK64;
    let z = this.state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
    return z ^ (z >> 31n);
  }

  fill(bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i += 8) {
      let v = this.next64();
      for (let j = i; j < Math.min(i + 8, bytes.length); j++) {
        bytes[j] = Number(v & 0xffn);
        v >>= 8n;
      }
    }
  }

  bytes(n: number): Uint8Array {
    const b = new Uint8Array(n);
    this.fill(b);
    return b;
  }
}

/** 2026-01-01T00:00:00Z: the virtual epoch every run starts near. */
const EPOCH_SECONDS = 1767225600;

/**
 * Virtual time: starts at an instant chosen by the seed and advances only when the
 * engine says so (per executed block, and by the full amount of a nanosleep), so reads
 * of the clock are reproducible and sleeps cost no real time.
 */
export class VirtualClock implements Clock {
  private base: bigint;
  /** Time added since `base` was last brought up to date: a number, since the run loop
   *  advances the clock for every block and bigint arithmetic there would cost. */
  private pending = 0;
  private readonly bootNs: bigint;

  private get ns(): bigint {
    if (this.pending) {
      this.base += BigInt(this.pending);
      this.pending = 0;
    }
    return this.base;
  }

  constructor(seed: number | bigint) {
    const offset = BigInt.asUintN(32, BigInt(seed)) % 86400n;
    this.bootNs = (BigInt(EPOCH_SECONDS) + offset) * 1_000_000_000n;
    this.base = this.bootNs;
  }

  advance(ns: bigint | number): void {
    if (typeof ns === 'number' && this.pending < 2 ** 50) this.pending += ns;
    else this.base = this.ns + BigInt(ns);
  }

  /** CLOCK_REALTIME. */
  now(): Timespec {
    return { sec: Number(this.ns / 1_000_000_000n), nsec: Number(this.ns % 1_000_000_000n) };
  }

  /** CLOCK_MONOTONIC and friends: time since the run began (plus a fixed uptime). */
  monotonic(): Timespec {
    const t = this.ns - this.bootNs + 3600n * 1_000_000_000n;
    return { sec: Number(t / 1_000_000_000n), nsec: Number(t % 1_000_000_000n) };
  }

  /** A TSC-like counter for rdtsc: virtual nanoseconds at a nominal 1 GHz. */
  ticks(): bigint {
    return this.ns - this.bootNs;
  }
}
