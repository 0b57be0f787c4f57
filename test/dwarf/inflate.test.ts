// inflateZlib against node:zlib's deflate: stored, fixed and dynamic
// Huffman blocks, long matches, every level, and corrupt input.
import { constants, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { inflateZlib } from '../../src/engine/elf/dwarf/inflate.ts';
import { DwarfError } from '../../src/engine/elf/dwarf/reader.ts';
import { LIBC, loadElf } from './support.ts';

function corpus(): Uint8Array[] {
  let seed = 7;
  const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const random = Uint8Array.from({ length: 100_000 }, () => Math.floor(rand() * 256));
  const skewed = Uint8Array.from({ length: 300_000 }, () => Math.floor(rand() ** 4 * 40));
  const text = new TextEncoder().encode('the quick brown fox jumps over the lazy dog\n'.repeat(5000));
  const runs = new Uint8Array(70_000).fill(0x41);
  const libc = loadElf(LIBC).bytes.subarray(0, 1 << 20);
  return [new Uint8Array(0), Uint8Array.of(1), random, skewed, text, runs, libc];
}

describe('inflateZlib', () => {
  it('inflates what zlib deflates, at every level and strategy', () => {
    for (const data of corpus()) {
      for (const level of [0, 1, 6, 9]) {
        for (const strategy of [constants.Z_DEFAULT_STRATEGY, constants.Z_FIXED, constants.Z_HUFFMAN_ONLY, constants.Z_RLE]) {
          const packed = new Uint8Array(deflateSync(data, { level, strategy }));
          expect(Buffer.from(inflateZlib(packed, data.length)).equals(Buffer.from(data))).toBe(true);
        }
      }
    }
  });

  it('rejects corrupt streams with DwarfError', () => {
    const data = corpus()[4];
    const packed = new Uint8Array(deflateSync(data));
    expect(() => inflateZlib(packed, data.length + 1)).toThrow(DwarfError);
    expect(() => inflateZlib(packed.subarray(0, packed.length >> 1), data.length)).toThrow(DwarfError);
    const badCheck = packed.slice();
    badCheck[badCheck.length - 1] ^= 1;
    expect(() => inflateZlib(badCheck, data.length)).toThrow(/Adler-32/);
    for (let i = 2; i < 200; i++) {
      const flipped = packed.slice();
      flipped[i] ^= 0x55;
      try {
        inflateZlib(flipped, data.length);
      } catch (e) {
        expect(e).toBeInstanceOf(DwarfError);
      }
    }
  });
});
