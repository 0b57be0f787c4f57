import { describe, expect, it } from 'vitest';
import { ShadowMemory } from '../../../src/engine/tools/memcheck/shadow-memory.ts';

const K64 = 0x10000;

describe('ShadowMemory', () => {
  it('starts with everything unaddressable, reading as defined', () => {
    const m = new ShadowMemory();
    expect(m.addressable(0x1000)).toBe(false);
    expect(m.vbyte(0x1000)).toBe(0);
    expect(m.firstUnaddressable(0x1000, 4)).toBe(0x1000);
    expect(m.checkDefined(0x1000, 4)).toEqual({ addr: 0x1000, kind: 'unaddressable' });
    expect(m.realChunks).toBe(0);
  });

  it('uses distinguished chunks for whole-chunk marks and frees real ones', () => {
    const m = new ShadowMemory();
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
    const m = new ShadowMemory();
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
    const m = new ShadowMemory();
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
    const m = new ShadowMemory();
    m.makeDefined(0x1fff0, 0x20);
    m.storeV(0x1fffc, 8, 0x1122334455667788n);
    expect(m.loadV(0x1fffc, 8)).toBe(0x1122334455667788n);
    expect(m.vbyte(0x20000)).toBe(0x44);
    const wide = (1n << 255n) | 0xabn;
    m.storeV(0x1fff0, 32, wide);
    expect(m.loadV(0x1fff0, 32)).toBe(wide);
  });

  it('does not copy a distinguished chunk for a store that changes nothing', () => {
    const m = new ShadowMemory();
    m.makeUndefined(0, 2 * K64);
    m.storeV(0x100, 8, 0xffffffffffffffffn);
    m.makeDefined(0x20000, K64);
    m.storeV(0x20000, 4, 0n);
    expect(m.realChunks).toBe(0);
  });

  it('copies state, overlapping either way', () => {
    const m = new ShadowMemory();
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
    const m = new ShadowMemory();
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
    const m = new ShadowMemory();
    m.makeDefined(0xfffffff0, 0x100);
    expect(m.firstUnaddressable(0xfffffff0, 0x20)).toBe(2 ** 32);
    expect(m.loadV(0xfffffffc, 8)).toBe(0n);
  });
});
