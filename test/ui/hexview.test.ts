import { describe, expect, it } from 'vitest';
import { formatAddr, hexRows, shadowClass, windowStart } from '../../src/ui/hexview.ts';

describe('hexRows', () => {
  it('formats 16 bytes a row with an ASCII column', () => {
    const bytes = new Uint8Array(20);
    bytes.set(new TextEncoder().encode('Hello\n'), 0);
    bytes[16] = 0xff;
    const rows = hexRows(bytes, 0x1000);
    expect(rows).toHaveLength(2);
    expect(rows[0]!.addr).toBe(0x1000);
    expect(rows[0]!.hex.slice(0, 6)).toEqual(['48', '65', '6c', '6c', '6f', '0a']);
    expect(rows[0]!.ascii).toBe('Hello...........');
    expect(rows[1]).toEqual({ addr: 0x1010, hex: ['ff', '00', '00', '00'], ascii: '....' });
  });

  it('places a followed address two rows down, on a row boundary', () => {
    expect(windowStart(0x7ffc1238)).toBe(0x7ffc1210);
    expect(windowStart(8)).toBe(0);
    expect(formatAddr(0x401000)).toBe('000000401000');
  });
});

describe('shadowClass', () => {
  it('reads A and V bits as memcheck keeps them', () => {
    const shadow = { addr: 0x100, addressable: Uint8Array.of(0, 1, 1, 1), vbits: Uint8Array.of(0, 0, 0xff, 0x0f) };
    expect([0x100, 0x101, 0x102, 0x103].map((a) => shadowClass(shadow, a))).toEqual(['noaccess', 'defined', 'undefined', 'partial']);
    expect(shadowClass(shadow, 0x104)).toBeUndefined();
    expect(shadowClass(undefined, 0x100)).toBeUndefined();
  });
});
