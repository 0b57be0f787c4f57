// Origin shadow memory: one otag per 4-byte granule, with a mask of the bytes it covers.
import { describe, expect, it } from 'vitest';
import { OriginMemory } from '../../../src/engine/tools/memcheck/origin-memory.ts';

describe('origin memory', () => {
  it('starts with no origin anywhere, and allocates nothing for it', () => {
    const m = new OriginMemory();
    expect(m.load(0x1000, 8)).toBe(0);
    m.setRange(0x1000, 0x10000, 0);
    expect(m.realChunks).toBe(0);
  });

  it('gives a range its otag, granule by granule, across chunk boundaries', () => {
    const m = new OriginMemory();
    m.setRange(0xfffe, 6, 0x104);
    expect(m.realChunks).toBe(2);
    expect(m.otagAt(0xfffd)).toBe(0);
    expect(m.otagAt(0xfffe)).toBe(0x104);
    expect(m.load(0x10000, 4)).toBe(0x104);
    expect(m.otagAt(0x10003)).toBe(0x104);
    expect(m.otagAt(0x10004)).toBe(0);
  });

  it('keeps one otag per granule: the last one written', () => {
    const m = new OriginMemory();
    m.setRange(0x2000, 4, 0x8);
    m.store(0x2001, 1, 0x10);
    // Bytes 0, 2 and 3 keep their mask bits but share the granule's (new) otag.
    expect(m.otagAt(0x2000)).toBe(0x10);
    expect(m.otagAt(0x2003)).toBe(0x10);
  });

  it('forgets the origin of bytes stored with otag 0, not of their neighbours', () => {
    const m = new OriginMemory();
    m.setRange(0x3000, 8, 0x20);
    m.store(0x3000, 2, 0);
    expect(m.load(0x3000, 2)).toBe(0);
    expect(m.otagAt(0x3002)).toBe(0x20);
    expect(m.load(0x3000, 4)).toBe(0x20);
    m.store(0x3000, 8, 0);
    expect(m.load(0x3000, 8)).toBe(0);
  });

  it('loads the greatest otag of the granules an access spans (Max32U)', () => {
    const m = new OriginMemory();
    m.setRange(0x4000, 4, 0x30);
    m.setRange(0x4004, 4, 0x50);
    m.setRange(0x4008, 4, 0x40);
    expect(m.load(0x4000, 16)).toBe(0x50);
    expect(m.load(0x4002, 4)).toBe(0x50);
    expect(m.load(0x4008, 8)).toBe(0x40);
  });

  it('fills big ranges whole granules at a time, with ragged ends', () => {
    const m = new OriginMemory();
    m.setRange(0x5003, 0x30000, 0xabc);
    expect(m.otagAt(0x5002)).toBe(0);
    expect(m.otagAt(0x5003)).toBe(0xabc);
    expect(m.otagAt(0x35002)).toBe(0xabc);
    expect(m.otagAt(0x35003)).toBe(0);
    expect(m.load(0x20000, 32)).toBe(0xabc);
  });

  it('stops at the end of the 4 GiB space', () => {
    const m = new OriginMemory();
    m.setRange(2 ** 32 - 2, 16, 0x60);
    expect(m.load(2 ** 32 - 4, 4)).toBe(0x60);
    expect(m.load(2 ** 32 - 4, 2)).toBe(0);
  });
});

describe('origin memory copies', () => {
  it('copies origins byte by byte, overlapping or not (realloc)', () => {
    const m = new OriginMemory();
    m.setRange(0x6000, 3, 0x70);
    m.copy(0x6000, 0x7001, 4);
    expect([0, 1, 2, 3, 4].map((i) => m.otagAt(0x7000 + i))).toEqual([0, 0x70, 0x70, 0x70, 0]);
    m.copy(0x6000, 0x6002, 4);
    expect([0, 1, 2, 3, 4, 5].map((i) => m.otagAt(0x6000 + i))).toEqual([0x70, 0x70, 0x70, 0x70, 0x70, 0]);
  });
});
