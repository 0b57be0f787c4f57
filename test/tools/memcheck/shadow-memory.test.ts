import { describe, expect, it } from 'vitest';
import { AddressSpace } from '../../../src/engine/memory/index.ts';
import { TOOL_AREA, TOOL_AREA_SIZE } from '../../../src/engine/memory/reserved.ts';
import {
  FIRST_SECONDARY, MAX_SECONDARIES, PRIMARY_MAP, SECONDARY_SIZE, SM_DIST_DEFINED, SM_DIST_NOACCESS, SM_DIST_UNDEFINED,
  VA16_DEFINED, VA16_UNDEFINED, VA8_DEFINED, VA_DEFINED, VA_NOACCESS, VA_PARTDEFINED, VA_UNDEFINED,
  type ShadowAccessSize, type ShadowMemory,
} from '../../../src/engine/tools/memcheck/shadow-memory.ts';
import { shadowMemory } from './shadow-support.ts';

const K64 = 0x10000;

describe('ShadowMemory', () => {
  it('starts with everything unaddressable, reading as defined', () => {
    const m = shadowMemory();
    expect(m.addressable(0x1000)).toBe(false);
    expect(m.vbyte(0x1000)).toBe(0);
    expect(m.firstUnaddressable(0x1000, 4)).toBe(0x1000);
    expect(m.checkDefined(0x1000, 4)).toEqual({ addr: 0x1000, kind: 'unaddressable' });
    expect(m.realChunks).toBe(0);
  });

  it('uses distinguished chunks for whole-chunk marks and frees real ones', () => {
    const m = shadowMemory();
    m.makeDefined(0x400000, 4 * K64);
    expect(m.realChunks).toBe(0);
    m.makeUndefined(0x400010, 4);
    expect(m.realChunks).toBe(1);
    expect(m.checkDefined(0x400000, 0x20)).toEqual({ addr: 0x400010, kind: 'undefined' });
    m.makeDefined(0x400000, K64);
    expect(m.realChunks).toBe(0);
    expect(m.checkDefined(0x400000, 4 * K64)).toBeUndefined();
    m.makeNoAccess(0x400000, 4 * K64);
    expect(m.realChunks).toBe(0);
    expect(m.firstUnaddressable(0x3fffff, 2)).toBe(0x3fffff);
  });

  it('marks ragged ranges across a chunk boundary', () => {
    const m = shadowMemory();
    const a = 0x20000 - 5;
    m.makeUndefined(a, 11);
    expect(m.realChunks).toBe(2);
    expect(m.addressable(a - 1)).toBe(false);
    for (let i = 0; i < 11; i++) {
      expect(m.addressable(a + i)).toBe(true);
      expect(m.vbyte(a + i)).toBe(0xff);
    }
    expect(m.addressable(a + 11)).toBe(false);
    expect(m.firstUnaddressable(a, 12)).toBe(a + 11);
    expect(m.firstUnaddressable(a, 11)).toBe(-1);
    m.makeDefined(a + 3, 2);
    expect(m.checkDefined(a + 3, 2)).toBeUndefined();
    expect(m.checkDefined(a + 3, 3)).toEqual({ addr: a + 5, kind: 'undefined' });
  });

  it('loads and stores V bits little-endian, leaving unaddressable bytes alone', () => {
    const m = shadowMemory();
    m.makeDefined(0x1000, 16);
    expect(m.loadV(0x1000, 8)).toBe(0n);
    m.storeV(0x1000, 4, 0x0000ff01n);
    expect(m.vbyte(0x1000)).toBe(0x01);
    expect(m.vbyte(0x1001)).toBe(0xff);
    expect(m.loadV(0x1000, 2)).toBe(0xff01n);
    expect(m.loadV(0x1000, 16)).toBe(0xff01n);
    m.storeV(0x100e, 4, 0xffffffffn); // two bytes past the end
    expect(m.loadV(0x100e, 4)).toBe(0xffffn);
    expect(m.addressable(0x1010)).toBe(false);
    m.setVbyte(0x2000, 0xff);
    expect(m.vbyte(0x2000)).toBe(0);
  });

  it('loads and stores across a chunk boundary, and 32-byte accesses', () => {
    const m = shadowMemory();
    m.makeDefined(0x1fff0, 0x20);
    m.storeV(0x1fffc, 8, 0x1122334455667788n);
    expect(m.loadV(0x1fffc, 8)).toBe(0x1122334455667788n);
    expect(m.vbyte(0x20000)).toBe(0x44);
    const wide = (1n << 255n) | 0xabn;
    m.storeV(0x1fff0, 32, wide);
    expect(m.loadV(0x1fff0, 32)).toBe(wide);
  });

  it('does not copy a distinguished chunk for a store that changes nothing', () => {
    const m = shadowMemory();
    m.makeUndefined(0, 2 * K64);
    m.storeV(0x100, 8, 0xffffffffffffffffn);
    m.makeDefined(0x20000, K64);
    m.storeV(0x20000, 4, 0n);
    expect(m.realChunks).toBe(0);
  });

  it('copies state, overlapping either way', () => {
    const m = shadowMemory();
    m.makeDefined(0x1000, 8);
    m.makeUndefined(0x1002, 1);
    m.setVbyte(0x1004, 0x0f); // layout: D D U D P D D D, then unaddressable
    const before = m.snapshot(0x1000, 10);
    m.copy(0x1000, 0x1003, 9);
    const after = m.snapshot(0x1003, 9);
    expect(after.a).toEqual(before.a.slice(0, 9));
    expect(after.v).toEqual(before.v.slice(0, 9));
    m.makeNoAccess(0x1000, 0x100);
    m.makeDefined(0x1010, 4);
    m.makeUndefined(0x1011, 1);
    const src = m.snapshot(0x1010, 6);
    m.copy(0x1010, 0x100e, 6);
    expect(m.snapshot(0x100e, 6)).toEqual(src);
  });

  it('copies whole distinguished chunks without making real ones', () => {
    const m = shadowMemory();
    m.makeDefined(0x100000, 2 * K64);
    m.copy(0x100000, 0x300000, 2 * K64);
    expect(m.realChunks).toBe(0);
    expect(m.checkDefined(0x300000, 2 * K64)).toBeUndefined();
    m.makeUndefined(0x100008, 1);
    m.copy(0x100000, 0x500004, 16);
    expect(m.snapshot(0x500004, 16).v).toEqual(m.snapshot(0x100000, 16).v);
    expect(m.checkDefined(0x500004, 16)).toEqual({ addr: 0x50000c, kind: 'undefined' });
  });

  it('treats addresses at and above 4 GiB as unaddressable', () => {
    const m = shadowMemory();
    m.makeDefined(0xfffffff0, 0x100);
    expect(m.firstUnaddressable(0xfffffff0, 0x20)).toBe(2 ** 32);
    expect(m.loadV(0xfffffffc, 8)).toBe(0n);
  });
});

/** A shadow memory and raw reads of its tool area. */
function withLayout() {
  const as = new AddressSpace();
  const m = shadowMemory(as);
  const mem = as.memory;
  const secondary = (addr: number) => mem.readU32(PRIMARY_MAP + 4 * (addr >>> 16));
  /** The VA code of addr, straight from its secondary. */
  const code = (addr: number) => (mem.readU8(secondary(addr) + ((addr & 0xffff) >> 2)) >> (2 * (addr & 3))) & 3;
  return { m, mem, secondary, code };
}

describe('ShadowMemory layout in the tool area', () => {
  it('fits the tool area: the primary map, three distinguished secondaries, then real ones', () => {
    expect(PRIMARY_MAP).toBe(TOOL_AREA);
    expect(SM_DIST_NOACCESS).toBe(PRIMARY_MAP + 4 * 65536);
    expect([SM_DIST_UNDEFINED, SM_DIST_DEFINED]).toEqual([SM_DIST_NOACCESS + 0x4000, SM_DIST_NOACCESS + 0x8000]);
    expect(SECONDARY_SIZE).toBe(0x4000);
    expect(SM_DIST_DEFINED + (1 + MAX_SECONDARIES) * SECONDARY_SIZE).toBeLessThanOrEqual(TOOL_AREA + TOOL_AREA_SIZE);
    expect(MAX_SECONDARIES).toBeGreaterThan(3800);
  });

  it('starts with every chunk on the noaccess map and the distinguished maps filled', () => {
    const { mem, secondary } = withLayout();
    for (const a of [0, 0x12340000, 0xffff0000]) expect(secondary(a)).toBe(SM_DIST_NOACCESS);
    for (const [sec, fill] of [[SM_DIST_NOACCESS, 0], [SM_DIST_UNDEFINED, 0x55], [SM_DIST_DEFINED, 0xaa]] as const) {
      expect(mem.readBytes(sec, SECONDARY_SIZE).every((b) => b === fill)).toBe(true);
    }
  });

  it('points uniform chunks at the distinguished maps and copies on write', () => {
    const { m, mem, secondary } = withLayout();
    m.makeUndefined(0x400000, 2 * K64);
    expect(secondary(0x400000)).toBe(SM_DIST_UNDEFINED);
    m.makeDefined(0x410000, K64);
    expect(secondary(0x410000)).toBe(SM_DIST_DEFINED);
    m.makeDefined(0x400018, 8);
    const sec = secondary(0x400000);
    expect(sec).toBeGreaterThanOrEqual(FIRST_SECONDARY);
    expect(mem.readU16(sec + (0x18 >> 2))).toBe(VA16_DEFINED);
    expect(mem.readU16(sec + (0x10 >> 2))).toBe(VA16_UNDEFINED);
    expect(mem.readU16(sec + (0x20 >> 2))).toBe(VA16_UNDEFINED);
    m.makeDefined(0x400104, 4);
    expect(mem.readU8(sec + (0x104 >> 2))).toBe(VA8_DEFINED);
    expect(mem.readBytes(SM_DIST_UNDEFINED, SECONDARY_SIZE).every((b) => b === 0x55)).toBe(true);
    m.makeNoAccess(0x400000, K64);
    expect(secondary(0x400000)).toBe(SM_DIST_NOACCESS);
    m.makeDefined(0x500001, 1); // the freed secondary is handed out again
    expect(secondary(0x500000)).toBe(sec);
    expect(m.realChunks).toBe(1);
  });

  it('gives each byte its two bits, and partially defined bytes a side-table entry', () => {
    const { m, code } = withLayout();
    m.makeUndefined(0x1000, 8);
    m.makeDefined(0x1002, 1);
    m.makeNoAccess(0x1005, 1);
    m.setVbyte(0x1006, 0x0f);
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((i) => code(0x1000 + i))).toEqual([
      VA_UNDEFINED, VA_UNDEFINED, VA_DEFINED, VA_UNDEFINED, VA_UNDEFINED, VA_NOACCESS, VA_PARTDEFINED, VA_UNDEFINED,
    ]);
    expect(m.secVBits.get(0x1006)).toBe(0x0f);
    m.setVbyte(0x1006, 0);
    expect(code(0x1006)).toBe(VA_DEFINED);
    expect(m.secVBits.has(0x1006)).toBe(false);
    m.storeV(0x1000, 4, 0x00f0ff00n);
    expect([code(0x1000), code(0x1001), code(0x1002), code(0x1003)]).toEqual([VA_DEFINED, VA_UNDEFINED, VA_PARTDEFINED, VA_DEFINED]);
    expect(m.secVBits.get(0x1002)).toBe(0xf0);
    m.setVbyte(0x1002, 0xff);
    expect(code(0x1002)).toBe(VA_UNDEFINED);
    expect(m.secVBits.size).toBe(0);
  });

  it('sweeps side-table entries that range marks left stale', () => {
    const { m } = withLayout();
    m.makeUndefined(0x10000, 2 * K64);
    for (let i = 0; i < 3000; i++) m.setVbyte(0x10000 + i, 0x01);
    m.makeDefined(0x10000, 3000);
    for (let i = 0; i < 3000; i++) m.setVbyte(0x20000 + i, 0x80);
    expect(m.secVBits.size).toBeLessThan(6000);
    expect(m.vbyte(0x10000)).toBe(0);
    expect(m.vbyte(0x20000)).toBe(0x80);
  });

  it('runs out of secondaries with a clear error and intact maps', () => {
    const { m, secondary } = withLayout();
    m.makeUndefined(0, MAX_SECONDARIES * K64);
    for (let i = 0; i < MAX_SECONDARIES; i++) m.makeDefined(i * K64, 1);
    expect(m.realChunks).toBe(MAX_SECONDARIES);
    const next = MAX_SECONDARIES * K64;
    m.makeDefined(next, K64);
    expect(() => m.makeUndefined(next + 8, 1)).toThrow(`out of shadow memory: all ${MAX_SECONDARIES} secondary maps`);
    expect(() => m.storeV(next, 8, 0x100n)).toThrow(/out of shadow memory/);
    expect(() => m.copy(0, next, 16)).toThrow(/out of shadow memory/);
    expect(secondary(next)).toBe(SM_DIST_DEFINED);
    expect(m.checkDefined(next, K64)).toBeUndefined();
    expect(m.vbyte(K64)).toBe(0);
    expect(m.vbyte(K64 + 1)).toBe(0xff);
    m.makeNoAccess(0, K64);
    m.makeUndefined(next + 8, 1);
    expect(m.vbyte(next + 8)).toBe(0xff);
  });
});

/** A seeded xorshift32: the same operations on every run. */
function rng(seed: number) {
  let x = seed | 1;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]! };
}

/** The plain model: an A bit and V bits for every byte of a window. */
class Reference {
  readonly a: Uint8Array;
  readonly v: Uint8Array;
  constructor(readonly base: number, readonly len: number) {
    this.a = new Uint8Array(len);
    this.v = new Uint8Array(len);
  }
  fill(addr: number, len: number, a: number, v: number) {
    this.a.fill(a, addr - this.base, addr - this.base + len);
    this.v.fill(v, addr - this.base, addr - this.base + len);
  }
  setV(addr: number, v: number) {
    if (this.a[addr - this.base]) this.v[addr - this.base] = v;
  }
  copy(src: number, dst: number, len: number) {
    this.a.copyWithin(dst - this.base, src - this.base, src - this.base + len);
    this.v.copyWithin(dst - this.base, src - this.base, src - this.base + len);
  }
  loadV(addr: number, size: number): bigint {
    let r = 0n;
    for (let i = size - 1; i >= 0; i--) r = (r << 8n) | BigInt(this.v[addr - this.base + i]!);
    return r;
  }
  firstUnaddressable(addr: number, len: number): number {
    for (let p = addr; p < addr + len; p++) if (!this.a[p - this.base]) return p;
    return -1;
  }
  checkDefined(addr: number, len: number) {
    for (let p = addr; p < addr + len; p++) {
      if (!this.a[p - this.base]) return { addr: p, kind: 'unaddressable' };
      if (this.v[p - this.base]) return { addr: p, kind: 'undefined' };
    }
    return undefined;
  }
}

describe('ShadowMemory against a per-byte model', () => {
  const BASE = 0x70000;
  const LEN = 4 * K64;
  const SIZES: readonly ShadowAccessSize[] = [1, 2, 4, 8, 16, 32];

  /** Marks a range noaccess (kind 0), undefined (1) or defined (2) in both. */
  function mark(m: ShadowMemory, ref: Reference, kind: number, a: number, n: number) {
    [m.makeNoAccess, m.makeUndefined, m.makeDefined][kind]!.call(m, a, n);
    ref.fill(a, n, kind === 0 ? 0 : 1, kind === 1 ? 0xff : 0);
  }

  /** The raw codes and side table agree with the model, byte by byte (of [from, to)). */
  function checkLayout(ref: Reference, m: ShadowMemory, code: (a: number) => number, from = BASE, to = BASE + LEN) {
    for (let i = from - BASE; i < to - BASE; i++) {
      const v = ref.v[i]!;
      const want = !ref.a[i] ? VA_NOACCESS : v === 0 ? VA_DEFINED : v === 0xff ? VA_UNDEFINED : VA_PARTDEFINED;
      if (code(BASE + i) !== want || (want === VA_PARTDEFINED && m.secVBits.get(BASE + i) !== v)) {
        throw new Error(`byte 0x${(BASE + i).toString(16)}: code ${code(BASE + i)}, want ${want} (V 0x${v.toString(16)})`);
      }
    }
  }

  it('copies byte-level mixtures by every small shift, either way, across a chunk boundary', () => {
    const r = rng(7);
    for (const start of [BASE + 0x100, BASE + 2 * K64 - 21]) {
      for (let shift = -9; shift <= 9; shift++) {
        for (const n of [1, 3, 7, 16, 29, 45]) {
          const { m, code } = withLayout();
          const ref = new Reference(BASE, LEN);
          mark(m, ref, 2, start - 64, 256);
          for (let a = start - 16; a < start + 64; a++) {
            const v = r.pick([-1, 0, 0xff, 1 + r.int(254)]);
            if (v < 0) mark(m, ref, 0, a, 1);
            m.setVbyte(a, v);
            ref.setV(a, v);
          }
          m.copy(start, start + shift, n);
          ref.copy(start, start + shift, n);
          checkLayout(ref, m, code, start - 64, start + 192);
        }
      }
    }
  });

  it.each([1, 2, 3, 4])('agrees on random operations (seed %i)', (seed) => {
    const r = rng(seed * 0x9e3779b9);
    const { m, code } = withLayout();
    const ref = new Reference(BASE, LEN);
    const vbyte = () => r.pick([0, 0xff, 1 + r.int(254)]);
    const len = () => r.pick([1 + r.int(16), 1 + r.int(16), 1 + r.int(300), 1 + r.int(300), r.int(3 * K64), K64]);
    /** A range in the window, sometimes chunk-aligned, sometimes straddling a chunk boundary. */
    const range = (): [number, number] => {
      let a = r.pick([BASE + r.int(LEN), BASE + K64 * r.int(4), BASE + K64 * (1 + r.int(3)) - r.int(40)]);
      if (r.next() < 0.3) a -= a % 8;
      return [a, Math.min(len(), BASE + LEN - a)];
    };
    const access = (): [number, ShadowAccessSize] => {
      const size = r.pick(SIZES);
      let a = BASE + r.int(LEN - size);
      if (r.next() < 0.6) a -= a % size;
      if (r.next() < 0.1) a = BASE + K64 * (1 + r.int(3)) - r.int(size);
      return [a, size];
    };

    for (let step = 0; step < 20000; step++) {
      const op = r.int(12);
      if (op < 3) {
        mark(m, ref, r.int(3), ...range());
      } else if (op < 5) {
        const a = BASE + r.int(LEN);
        const v = vbyte();
        m.setVbyte(a, v);
        ref.setV(a, v);
      } else if (op < 8) {
        const [a, size] = access();
        const uniform = r.pick([0, 0xff, -1]);
        let v = 0n;
        for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(uniform >= 0 ? uniform : vbyte());
        m.storeV(a, size, v);
        for (let i = 0; i < size; i++) ref.setV(a + i, Number((v >> BigInt(8 * i)) & 0xffn));
      } else if (op === 8) {
        const [src, n] = range();
        const near = src + r.int(64) - 32;
        let dst = r.pick([near, near, BASE + r.int(LEN), BASE + K64 * r.int(4) + (src % K64)]);
        dst = Math.max(BASE, Math.min(dst, BASE + LEN - n));
        m.copy(src, dst, n);
        ref.copy(src, dst, n);
      } else if (op === 9) {
        const [a, size] = access();
        expect(m.loadV(a, size), `loadV(0x${a.toString(16)}, ${size}) at step ${step}`).toBe(ref.loadV(a, size));
      } else if (op === 10) {
        const [a, n] = range();
        expect(m.firstUnaddressable(a, n), `step ${step}`).toBe(ref.firstUnaddressable(a, n));
        expect(m.checkDefined(a, n), `step ${step}`).toEqual(ref.checkDefined(a, n));
      } else {
        const a = BASE + r.int(LEN);
        expect([m.addressable(a), m.vbyte(a)], `step ${step}`).toEqual([ref.a[a - BASE] === 1, ref.v[a - BASE]]);
      }
      if (step % 5000 === 4999) checkLayout(ref, m, code);
    }
    checkLayout(ref, m, code);
    const all = m.snapshot(BASE, LEN);
    // (toEqual on 256 KiB arrays is slow: compare them as buffers)
    expect(Buffer.compare(all.a, ref.a)).toBe(0);
    expect(Buffer.compare(all.v, ref.v)).toBe(0);
  });
});
