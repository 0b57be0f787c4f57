// /proc/self/maps: a golden layout taken from a real run under Valgrind, and a
// round trip through this machine's own /proc/self/maps.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  AddressSpace, PERM_R, PERM_RW, PERM_W, PERM_X, type FileBacking, type Mapping, type Perm,
} from '../../src/engine/memory/index.ts';
import { renderProcMaps } from '../../src/engine/memory/proc-maps.ts';

const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), 'golden', 'proc-maps.txt');
const P = 0x1000;

/** Maps an ELF's segments the way ld.so and the loader do: text, rodata, then data with a RELRO prefix made read-only. */
function mapLibrary(
  space: AddressSpace, path: string, inode: number, base: number,
  segments: [start: number, end: number, offset: number, perm: Perm][], relro?: [start: number, end: number],
): void {
  for (const [start, end, offset, perm] of segments) {
    const file: FileBacking = { path, offset, devMajor: 0xfe, devMinor: 0, inode };
    expect(space.mmap({ addr: base + start, length: end - start, perm, fixed: 'replace', file })).toBe(base + start);
  }
  if (relro) expect(space.mprotect(base + relro[0], relro[1] - relro[0], PERM_R)).toBe(0);
}

describe('renderProcMaps', () => {
  it('matches the golden layout of /tmp/brk under valgrind --tool=none', () => {
    const space = new AddressSpace();
    mapLibrary(space, '/tmp/brk', 2147109, 0x10_8000, [
      [0, 0x1000, 0, PERM_R], [0x1000, 0x2000, 0x1000, PERM_R | PERM_X], [0x2000, 0x3000, 0x2000, PERM_R],
      [0x3000, 0x5000, 0x2000, PERM_RW],
    ], [0x3000, 0x4000]);
    const ld = '/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2';
    mapLibrary(space, ld, 338944, 0x400_0000, [
      [0, 0x1000, 0, PERM_R], [0x1000, 0x2_7000, 0x1000, PERM_R | PERM_X], [0x2_7000, 0x3_1000, 0x2_7000, PERM_R],
      [0x3_1000, 0x3_5000, 0x3_1000, PERM_RW],
    ], [0x3_1000, 0x3_3000]);
    const base = space.initBrk(0x10_d000);
    expect(space.brk(base + 0x2_b000)).toBe(0x406_0000);
    expect(space.mmap({ addr: 0, length: 2 * P, perm: PERM_RW })).toBe(0x483_5000);
    const libc = '/usr/lib/x86_64-linux-gnu/libc.so.6';
    mapLibrary(space, libc, 339380, 0x484_6000, [
      [0, 0x2_6000, 0, PERM_R], [0x2_6000, 0x17_c000, 0x2_6000, PERM_R | PERM_X],
      [0x17_c000, 0x1c_f000, 0x17_c000, PERM_R], [0x1c_f000, 0x1d_5000, 0x1c_f000, PERM_RW],
    ], [0x1c_f000, 0x1d_3000]);
    expect(space.mmap({ addr: 0x4a1_b000, length: 0x11_0000, perm: PERM_RW, fixed: 'replace' })).toBe(0x4a1_b000);
    const shm = { path: '/dev/shm/grindlab test', offset: 0, devMajor: 0, devMinor: 5, inode: 1234 };
    expect(space.mmap({ addr: 0x1000_0000, length: P, perm: PERM_RW, fixed: 'replace', shared: true, file: shm })).toBe(0x1000_0000);
    space.setupMainStack(0x80_0000, 0x400);
    expect(space.renderProcMaps()).toBe(readFileSync(GOLDEN, 'utf8'));
  });

  it('reproduces every line of this process\'s own /proc/self/maps that it can represent', () => {
    const lines = readFileSync('/proc/self/maps', 'utf8').split('\n').filter((l) => l !== '');
    const re = /^([0-9a-f]+)-([0-9a-f]+) ([r-])([w-])([x-])([sp]) ([0-9a-f]+) ([0-9a-f]+):([0-9a-f]+) (\d+) *(.*)$/;
    const representable = lines.filter((l) => {
      const name = re.exec(l)![11]!;
      return name === '' || name.startsWith('/') || name === '[heap]' || name === '[stack]';
    });
    expect(representable.length).toBeGreaterThan(10);
    const mappings: Mapping[] = representable.map((line) => {
      const [, start, end, r, w, x, s, offset, major, minor, inode, name] = re.exec(line)!;
      const perm = (r === 'r' ? PERM_R : 0) | (w === 'w' ? PERM_W : 0) | (x === 'x' ? PERM_X : 0);
      const kind = name === '[heap]' ? 'brk' : name === '[stack]' ? 'stack' : name ? 'file' : 'anon';
      const file = kind === 'file'
        ? {
          path: name!, offset: parseInt(offset!, 16), devMajor: parseInt(major!, 16), devMinor: parseInt(minor!, 16),
          inode: Number(inode),
        }
        : undefined;
      return {
        start: parseInt(start!, 16), end: parseInt(end!, 16), perm, shared: s === 's', kind, accounted: false,
        ...(file && { file }),
      };
    });
    expect(renderProcMaps(mappings)).toBe(representable.map((l) => `${l}\n`).join(''));
  });

  it('leaves reservations out and prints an empty space as nothing', () => {
    const space = new AddressSpace();
    expect(space.renderProcMaps()).toBe('');
    space.initBrk(0);
    expect(space.renderProcMaps()).toBe('04000000-04001000 rwxp 00000000 00:00 0                                  [heap]\n');
  });
});
