// The brk segment and the main stack, laid out as Valgrind lays them out.
import { describe, expect, it } from 'vitest';
import {
  AddressSpace, BRK_MAX_SIZE, INTERP_BASE, PAGE_SIZE, PERM_R, PERM_RW, PERM_RWX, PERM_W, STACK_TOP, mainStackMaxSize,
} from '../../src/engine/memory/index.ts';
import { layout, mapAnon } from './helpers.ts';

const P = PAGE_SIZE;
const MIB = 0x10_0000;

function sane(space: AddressSpace): void {
  expect(space.sanityCheck(0, 0x0a00_0000)).toEqual([]);
}

/** A space holding what the loader maps first under Valgrind: a PIE at 0x108000 and ld.so at 0x4000000. */
function loaded(): AddressSpace {
  const space = new AddressSpace();
  mapAnon(space, 0x10_8000, 0x5000, PERM_R, 'replace');
  mapAnon(space, INTERP_BASE, 0x3_5000, PERM_R, 'replace');
  return space;
}

describe('initBrk', () => {
  it('puts the brk just above ld.so when the main program is below the mmap base, as Valgrind does', () => {
    const space = loaded();
    expect(space.initBrk(0x10_d000)).toBe(0x403_5000); // valgrind: "brk_base=0x112000", sbrk(0) = 0x4035000
    expect(layout(space).slice(2)).toEqual(['04035000-04036000 rwxp brk', '04036000-04835000 ---p reserved']);
    expect(mapAnon(space, 0, P, PERM_RW)).toBe(0x403_5000 + BRK_MAX_SIZE); // the first mmap comes after the reservation
    sane(space);
  });

  it('uses the end of the data segment when it is free client space', () => {
    const space = new AddressSpace();
    expect(space.initBrk(0x0800_0123)).toBe(0x0800_1000);
  });

  it('brk before initBrk answers 0 and changes nothing', () => {
    const space = new AddressSpace();
    expect(space.brk(0)).toBe(0);
    expect(space.brk(0x0500_0000)).toBe(0);
    expect(space.mappings).toEqual([]);
  });
});

describe('brk', () => {
  it('brk(0) returns the current break; growth maps zeroed rwx pages up to the page-rounded break', () => {
    const space = loaded();
    const base = space.initBrk(0x10_d000);
    expect(space.brk(0)).toBe(base);
    const want = base + 0x1_0005;
    expect(space.brk(want)).toBe(want);
    expect(space.brk(0)).toBe(want);
    expect(space.mappingAt(base)).toMatchObject({ start: base, end: base + 0x1_1000, perm: PERM_RWX, kind: 'brk' });
    expect(space.check(base + 0x1_0fff, 1, PERM_RWX)).toBeNull();
    expect(space.check(base + 0x1_1000, 1, PERM_R)?.cause).toBe('unmapped');
    expect(space.renderProcMaps()).toContain(`04035000-04046000 rwxp 00000000 00:00 0                                  [heap]\n`);
    sane(space);
  });

  it('shrinking unmaps the freed pages, and growing again gives zeros', () => {
    const space = loaded();
    const base = space.initBrk(0x10_d000);
    space.brk(base + 8 * P);
    space.memory.fill(base, 8 * P, 0x77);
    expect(space.brk(base + 2 * P + 1)).toBe(base + 2 * P + 1);
    expect(space.mappingAt(base)?.end).toBe(base + 3 * P);
    expect(space.check(base + 3 * P, 1, PERM_R)?.cause).toBe('unmapped');
    expect(space.brk(base + 8 * P)).toBe(base + 8 * P);
    expect(space.memory.readU8(base + 2 * P)).toBe(0x77); // never unmapped: Linux keeps it
    expect(space.memory.readU8(base + 3 * P)).toBe(0);
    expect(space.memory.readU8(base + 8 * P - 1)).toBe(0);
    // Shrinking to the base keeps the first page, as Valgrind's segment does.
    expect(space.brk(base)).toBe(base);
    expect(layout(space).slice(2)).toEqual(['04035000-04036000 rwxp brk', '04036000-04835000 ---p reserved']);
    sane(space);
  });

  it('refuses to go below the base or past the 8 MiB limit, returning the old break', () => {
    const space = loaded();
    const base = space.initBrk(0x10_d000);
    space.brk(base + P);
    expect(space.brk(base - 1)).toBe(base + P);
    expect(space.brk(base + BRK_MAX_SIZE + 1)).toBe(base + P);
    expect(space.brk(base + BRK_MAX_SIZE)).toBe(base + BRK_MAX_SIZE);
  });

  it('stops at a mapping the guest put into the reservation', () => {
    const space = loaded();
    const base = space.initBrk(0x10_d000);
    expect(mapAnon(space, base + MIB, P, PERM_RW, 'replace')).toBe(base + MIB);
    expect(space.brk(base + 2 * MIB)).toBe(base);
    expect(space.brk(base + MIB)).toBe(base + MIB);
    expect(space.brk(base + MIB + 1)).toBe(base + MIB);
    sane(space);
  });

  it('non-fixed mmaps with a hint may take reservation space, as under Valgrind', () => {
    const space = loaded();
    const base = space.initBrk(0x10_d000);
    expect(mapAnon(space, base + 4 * P, P, PERM_RW)).toBe(base + 4 * P);
    expect(space.brk(base + 5 * P)).toBe(base);
  });
});

describe('main stack', () => {
  it('maps the initial frame plus a red-zone page below STACK_TOP and reserves the rest', () => {
    const space = new AddressSpace();
    const stack = space.setupMainStack(8 * MIB, 0x300);
    expect(STACK_TOP).toBe(0xdf00_1000);
    expect(stack).toEqual({ top: STACK_TOP, limit: STACK_TOP - 8 * MIB, maxSize: 8 * MIB });
    expect(space.mainStack).toBe(stack);
    expect(layout(space)).toEqual(['de801000-defff000 ---p reserved', 'defff000-df001000 rw-p stack']);
    expect(space.renderProcMaps()).toBe('defff000-df001000 rw-p 00000000 00:00 0                                  [stack]\n');
  });

  it('grows down on a fault in the reservation, but not into its lowest page', () => {
    const space = new AddressSpace();
    const stack = space.setupMainStack(MIB, 0x300, PERM_RWX)!;
    const addr = STACK_TOP - 0x5_0010;
    expect(space.check(addr, 8, PERM_W)?.cause).toBe('unmapped');
    expect(space.growStack(addr)).toBe(true);
    expect(space.check(addr, 8, PERM_W)).toBeNull();
    expect(space.mappingAt(addr)).toMatchObject({ start: STACK_TOP - 0x5_1000, end: STACK_TOP, perm: PERM_RWX, kind: 'stack' });
    expect(space.memory.readU64(addr)).toBe(0n);
    expect(space.growStack(stack.limit + P)).toBe(true);
    expect(space.growStack(stack.limit + P - 1)).toBe(false); // Valgrind: "Stack overflow in thread #1: can't grow stack to 0x..."
    expect(space.growStack(STACK_TOP)).toBe(false);
    expect(space.sanityCheck(stack.limit, STACK_TOP + P)).toEqual([]);
  });

  it('does not grow into a mapping the guest made in the reservation', () => {
    const space = new AddressSpace();
    space.setupMainStack(MIB, 0x300);
    mapAnon(space, STACK_TOP - 0x8_0000, P, PERM_R, 'replace');
    expect(space.growStack(STACK_TOP - 0x8_0000)).toBe(false);
    expect(space.growStack(STACK_TOP - 0x9_0000)).toBe(false); // not adjacent to the stack any more
    expect(space.growStack(STACK_TOP - 0x7_0000)).toBe(true);
  });

  it('fails when the stack would not fit', () => {
    expect(new AddressSpace().setupMainStack(0xff00_0000, 0x300)).toBeUndefined();
    const space = new AddressSpace();
    mapAnon(space, STACK_TOP - 2 * MIB, P, PERM_W, 'replace');
    expect(space.setupMainStack(8 * MIB, 0x300)).toBeUndefined();
    expect(new AddressSpace().setupMainStack(MIB, MIB)).toBeUndefined(); // no room left to grow
  });

  it('sizes the stack as Valgrind does', () => {
    expect(mainStackMaxSize()).toBe(8 * MIB);
    expect(mainStackMaxSize(undefined, 64 * MIB)).toBe(16 * MIB);
    expect(mainStackMaxSize(undefined, Infinity)).toBe(16 * MIB);
    expect(mainStackMaxSize(undefined, 4096)).toBe(MIB);
    expect(mainStackMaxSize(100 * MIB)).toBe(100 * MIB);
    expect(mainStackMaxSize(1000)).toBe(MIB);
    expect(mainStackMaxSize(3 * MIB + 1)).toBe(3 * MIB + P);
  });
});
