// mremap: shrinking, growing in place, moving with the bytes, MREMAP_FIXED.
import { describe, expect, it } from 'vitest';
import {
  AddressSpace, CLIENT_MMAP_BASE, EFAULT, EINVAL, ENOMEM, PAGE_SIZE, PERM_R, PERM_RW,
} from '../../src/engine/memory/index.ts';
import { layout, mapAnon } from './helpers.ts';

const B = CLIENT_MMAP_BASE;
const P = PAGE_SIZE;

/** Writes a recognisable byte at the start of each page. */
function stamp(space: AddressSpace, addr: number, pages: number): void {
  for (let i = 0; i < pages; i++) space.memory.writeU8(addr + i * P, 0x10 + i);
}
function stamps(space: AddressSpace, addr: number, pages: number): number[] {
  return Array.from({ length: pages }, (_, i) => space.memory.readU8(addr + i * P));
}

function sane(space: AddressSpace): void {
  expect(space.sanityCheck(0, 0x0800_0000)).toEqual([]);
}

describe('mremap', () => {
  it('shrinks in place, unmapping the tail', () => {
    const space = new AddressSpace();
    mapAnon(space, B, 4 * P, PERM_RW, 'replace');
    expect(space.mremap(B, 4 * P, P + 1)).toBe(B);
    expect(layout(space)).toEqual(['04000000-04002000 rw-p anon']);
    sane(space);
  });

  it('grows in place when the pages after the mapping are free; the new pages are zero', () => {
    const space = new AddressSpace();
    mapAnon(space, B, 2 * P, PERM_RW, 'replace');
    mapAnon(space, B + 2 * P, 2 * P, PERM_RW, 'replace');
    space.memory.fill(B + 2 * P, 2 * P, 0xee);
    space.munmap(B + 2 * P, 2 * P);
    stamp(space, B, 2);
    expect(space.mremap(B, 2 * P, 4 * P)).toBe(B);
    expect(layout(space)).toEqual(['04000000-04004000 rw-p anon']);
    expect(stamps(space, B, 4)).toEqual([0x10, 0x11, 0, 0]);
    sane(space);
  });

  it('without MREMAP_MAYMOVE fails with ENOMEM when it cannot grow in place', () => {
    const space = new AddressSpace();
    mapAnon(space, B, 2 * P, PERM_RW, 'replace');
    mapAnon(space, B + 2 * P, P, PERM_R, 'replace');
    expect(space.mremap(B, 2 * P, 3 * P)).toBe(-ENOMEM);
    // Growing part of a mapping is never in place: the rest of it is in the way.
    expect(space.mremap(B, P, 2 * P)).toBe(-ENOMEM);
  });

  it('with MREMAP_MAYMOVE moves to the first fit, bytes and permissions preserved', () => {
    const space = new AddressSpace();
    mapAnon(space, B, 2 * P, PERM_RW, 'replace');
    mapAnon(space, B + 2 * P, P, PERM_R, 'replace');
    stamp(space, B, 2);
    expect(space.mremap(B, 2 * P, 5 * P, { mayMove: true })).toBe(B + 3 * P);
    expect(layout(space)).toEqual(['04002000-04003000 r--p anon', '04003000-04008000 rw-p anon']);
    expect(stamps(space, B + 3 * P, 5)).toEqual([0x10, 0x11, 0, 0, 0]);
    expect(space.check(B, 1, PERM_R)?.cause).toBe('unmapped');
    sane(space);
  });

  it('moves part of a mapping, splitting the source', () => {
    const space = new AddressSpace();
    mapAnon(space, B, 4 * P, PERM_RW, 'replace');
    stamp(space, B, 4);
    expect(space.mremap(B + P, P, 8 * P, { mayMove: true })).toBe(B + 4 * P);
    expect(layout(space)).toEqual([
      '04000000-04001000 rw-p anon',
      '04002000-0400c000 rw-p anon', // the moved page merged with the rest of the source
    ]);
    expect(stamps(space, B + 2 * P, 3)).toEqual([0x12, 0x13, 0x11]);
    sane(space);
  });

  it('MREMAP_FIXED moves to exactly the address given, replacing what was there', () => {
    const space = new AddressSpace();
    mapAnon(space, B, 2 * P, PERM_RW, 'replace');
    mapAnon(space, 0x0500_0000, 4 * P, PERM_R, 'replace');
    stamp(space, B, 2);
    expect(space.mremap(B, 2 * P, P, { mayMove: true, newAddr: 0x0500_1000 })).toBe(0x0500_1000);
    expect(layout(space)).toEqual([
      '05000000-05001000 r--p anon',
      '05001000-05002000 rw-p anon',
      '05002000-05004000 r--p anon',
    ]);
    expect(space.memory.readU8(0x0500_1000)).toBe(0x10);
    sane(space);
  });

  it('a moved file mapping keeps its file offset; a moved brk is no longer [heap]', () => {
    const space = new AddressSpace();
    const file = { path: '/data', offset: 0x3000, devMajor: 8, devMinor: 1, inode: 7 };
    space.mmap({ addr: 0x0500_0000, length: 4 * P, perm: PERM_R, fixed: 'replace', file });
    expect(space.mremap(0x0500_2000, P, P, { mayMove: true, newAddr: 0x0600_0000 })).toBe(0x0600_0000);
    expect(space.mappingAt(0x0600_0000)?.file?.offset).toBe(0x5000);
    const base = space.initBrk(0);
    expect(space.mremap(base, P, P, { mayMove: true, newAddr: 0x0700_0000 })).toBe(0x0700_0000);
    expect(space.mappingAt(0x0700_0000)?.kind).toBe('anon');
  });

  it('bytes that became read-only are still zeroed after moving and remapping', () => {
    const space = new AddressSpace();
    mapAnon(space, B, P, PERM_RW, 'replace');
    stamp(space, B, 1);
    space.mprotect(B, P, PERM_R);
    const moved = space.mremap(B, P, P, { mayMove: true, newAddr: 0x0500_0000 });
    expect(space.memory.readU8(moved)).toBe(0x10);
    space.munmap(moved, P);
    mapAnon(space, moved, P, PERM_R, 'replace');
    expect(space.memory.readU8(moved)).toBe(0);
  });

  it('rejects bad requests', () => {
    const warnings: string[] = [];
    const space = new AddressSpace({ warn: (m) => warnings.push(m) });
    mapAnon(space, B, 2 * P, PERM_RW, 'replace');
    mapAnon(space, B + 2 * P, 2 * P, PERM_R, 'replace');
    expect(space.mremap(B + 1, P, 2 * P)).toBe(-EINVAL);
    expect(space.mremap(B, P, 0)).toBe(-EINVAL);
    expect(space.mremap(B, 0, P)).toBe(-EINVAL);
    expect(space.mremap(B, P, P, { newAddr: 0x0500_0000 })).toBe(-EINVAL); // MREMAP_FIXED needs MAYMOVE
    expect(space.mremap(B, 2 * P, 2 * P, { mayMove: true, newAddr: B + P })).toBe(-EINVAL); // overlap
    expect(space.mremap(B, 4 * P, 5 * P, { mayMove: true })).toBe(-EFAULT); // spans two mappings
    expect(space.mremap(0x0500_0000, P, 2 * P, { mayMove: true })).toBe(-EFAULT); // nothing there
    expect(space.mremap(B, P, P, { mayMove: true, newAddr: 0x7f00_0000_0000 })).toBe(-EINVAL);
    expect(warnings).toEqual(['grindlab: guest asked for mremap to a fixed address at 0x7f0000000000, outside the 4 GiB guest window']);
    expect(layout(space)).toEqual(['04000000-04002000 rw-p anon', '04002000-04004000 r--p anon']);
  });
});
