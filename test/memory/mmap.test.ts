// mmap placement, MAP_FIXED splitting, munmap holes, mprotect splits and
// merges, refusals outside the window, zeroing.
import { describe, expect, it } from 'vitest';
import {
  AddressSpace, CLIENT_MMAP_BASE, EEXIST, EINVAL, ENGINE_RESERVED_START, ENOMEM, EPERM, PAGE_SIZE,
  PERM_NONE, PERM_R, PERM_RW, PERM_RWX, PERM_W, PERM_X, type Perm,
} from '../../src/engine/memory/index.ts';
import { layout, mapAnon } from './helpers.ts';
import { PAGE_TABLE } from '../../src/engine/memory/reserved.ts';

const B = CLIENT_MMAP_BASE; // 0x4000000
const P = PAGE_SIZE;

function sane(space: AddressSpace): void {
  expect(space.sanityCheck(0, 0x0800_0000)).toEqual([]);
}

describe('mmap placement', () => {
  interface PlacementCase {
    name: string;
    /** Fixed anonymous mappings made first: [addr, length, perm]. */
    before?: [number, number, Perm][];
    addr: number;
    length: number;
    expected: number;
  }
  const cases: PlacementCase[] = [
    { name: 'no hint in an empty space: the client mmap base', addr: 0, length: P, expected: B },
    { name: 'length rounds up to pages', addr: 0, length: 1, expected: B },
    { name: 'first fit after existing mappings', before: [[B, 3 * P, PERM_RW]], addr: 0, length: P, expected: B + 3 * P },
    {
      name: 'first fit skips a hole that is too small',
      before: [[B, P, PERM_R], [B + 2 * P, P, PERM_R]], addr: 0, length: 2 * P, expected: B + 3 * P,
    },
    {
      name: 'first fit takes a hole that is big enough',
      before: [[B, P, PERM_R], [B + 3 * P, P, PERM_R]], addr: 0, length: 2 * P, expected: B + P,
    },
    { name: 'a free hint is honoured', addr: 0x5000_0000, length: 2 * P, expected: 0x5000_0000 },
    { name: 'an unaligned hint is rounded up', addr: 0x5000_0010, length: P, expected: 0x5000_1000 },
    { name: 'a free hint below the mmap base is honoured, as Valgrind does', addr: 0x20_0000, length: P, expected: 0x20_0000 },
    { name: 'a hint below mmap_min_addr is ignored', addr: 0x1000, length: P, expected: B },
    { name: 'a hint overlapping a mapping is ignored', before: [[0x5000_0000, P, PERM_RW]], addr: 0x5000_0000, length: P, expected: B },
    { name: 'a hint reaching the engine region is ignored', addr: ENGINE_RESERVED_START - P, length: 2 * P, expected: B },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const space = new AddressSpace();
      for (const [addr, length, perm] of c.before ?? []) expect(mapAnon(space, addr, length, perm, 'replace')).toBe(addr);
      expect(mapAnon(space, c.addr, c.length, PERM_RW)).toBe(c.expected);
      sane(space);
    });
  }

  it('merges a new mapping with an identical neighbour, and not with a different one', () => {
    const space = new AddressSpace();
    mapAnon(space, 0, P, PERM_RW);
    mapAnon(space, 0, P, PERM_RW);
    mapAnon(space, 0, P, PERM_R);
    space.mmap({ addr: 0, length: P, perm: PERM_R, shared: true });
    space.mmap({ addr: 0, length: P, perm: PERM_R, shared: true });
    expect(layout(space)).toEqual([
      '04000000-04002000 rw-p anon',
      '04002000-04003000 r--p anon',
      '04003000-04004000 r--s anon', // shared anonymous mappings are separate objects
      '04004000-04005000 r--s anon',
    ]);
  });

  it('rejects bad arguments with the Linux errno', () => {
    const space = new AddressSpace();
    expect(mapAnon(space, 0, 0, PERM_RW)).toBe(-EINVAL);
    expect(mapAnon(space, B + 1, P, PERM_RW, 'replace')).toBe(-EINVAL);
    expect(mapAnon(space, 0x1000, P, PERM_RW, 'replace')).toBe(-EPERM);
    expect(mapAnon(space, 0, P, 8)).toBe(-EINVAL);
    expect(mapAnon(space, 0, ENGINE_RESERVED_START - CLIENT_MMAP_BASE + P, PERM_RW)).toBe(-ENOMEM);
    expect(space.mappings).toEqual([]);
  });

  it('MAP_FIXED_NOREPLACE fails with EEXIST over a mapping, and succeeds over free space', () => {
    const space = new AddressSpace();
    mapAnon(space, B + P, P, PERM_RW, 'replace');
    expect(mapAnon(space, B, 2 * P, PERM_R, 'noreplace')).toBe(-EEXIST);
    expect(mapAnon(space, B + 2 * P, P, PERM_R, 'noreplace')).toBe(B + 2 * P);
    expect(layout(space)).toEqual(['04001000-04002000 rw-p anon', '04002000-04003000 r--p anon']);
  });
});

describe('fixed mappings outside the guest window', () => {
  it('are refused with EINVAL and a message the caller can print', () => {
    const messages: string[] = [];
    const space = new AddressSpace({ warn: (m) => messages.push(m) });
    expect(mapAnon(space, 0x7f00_0000_0000, P, PERM_RW, 'replace')).toBe(-EINVAL);
    expect(mapAnon(space, 0x1_0000_0000, P, PERM_RW, 'replace')).toBe(-EINVAL);
    expect(mapAnon(space, ENGINE_RESERVED_START - P, 2 * P, PERM_RW, 'replace')).toBe(-EINVAL);
    expect(mapAnon(space, ENGINE_RESERVED_START, P, PERM_RW, 'noreplace')).toBe(-EINVAL);
    expect(messages).toEqual([
      'grindlab: guest asked for a fixed mapping at 0x7f0000000000, outside the 4 GiB guest window',
      'grindlab: guest asked for a fixed mapping at 0x100000000, outside the 4 GiB guest window',
      'grindlab: guest asked for a fixed mapping at 0xdffff000 of 0x2000 bytes, ' +
        "which reaches into the engine's reserved top 512 MiB (0xe0000000 and up)",
      'grindlab: guest asked for a fixed mapping at 0xe0000000 of 0x1000 bytes, ' +
        "which reaches into the engine's reserved top 512 MiB (0xe0000000 and up)",
    ]);
    expect(space.mappings).toEqual([]);
  });

  it('the last page below the engine region can be mapped', () => {
    const space = new AddressSpace();
    expect(mapAnon(space, ENGINE_RESERVED_START - P, P, PERM_RW, 'replace')).toBe(ENGINE_RESERVED_START - P);
    expect(space.check(ENGINE_RESERVED_START - 8, 8, PERM_W)).toBeNull();
    expect(space.check(ENGINE_RESERVED_START - 4, 8, PERM_R)?.cause).toBe('unmapped');
  });
});

describe('MAP_FIXED over existing mappings', () => {
  it('splits a mapping around a fixed mapping in its middle', () => {
    const space = new AddressSpace();
    mapAnon(space, B, 16 * P, PERM_RW, 'replace');
    expect(mapAnon(space, B + 4 * P, 2 * P, PERM_R | PERM_X, 'replace')).toBe(B + 4 * P);
    expect(layout(space)).toEqual([
      '04000000-04004000 rw-p anon',
      '04004000-04006000 r-xp anon',
      '04006000-04010000 rw-p anon',
    ]);
    sane(space);
  });

  it('replaces the overlapping ends of two mappings and whole mappings between them', () => {
    const space = new AddressSpace();
    mapAnon(space, B, 4 * P, PERM_R, 'replace');
    mapAnon(space, B + 5 * P, P, PERM_RWX, 'replace');
    mapAnon(space, B + 7 * P, 4 * P, PERM_RW, 'replace');
    mapAnon(space, B + 2 * P, 7 * P, PERM_NONE, 'replace');
    expect(layout(space)).toEqual([
      '04000000-04002000 r--p anon',
      '04002000-04009000 ---p anon',
      '04009000-0400b000 rw-p anon',
    ]);
    sane(space);
  });

  it('merges back into one mapping when the fixed mapping matches its surroundings', () => {
    const space = new AddressSpace();
    mapAnon(space, B, 8 * P, PERM_RW, 'replace');
    mapAnon(space, B + 2 * P, 2 * P, PERM_RW, 'replace');
    expect(layout(space)).toEqual(['04000000-04008000 rw-p anon']);
  });

  it('keeps file offsets right when a file mapping is split', () => {
    const space = new AddressSpace();
    const file = { path: '/lib/libc.so.6', offset: 0x1000, devMajor: 0xfe, devMinor: 0, inode: 42 };
    space.mmap({ addr: B, length: 4 * P, perm: PERM_R, fixed: 'replace', file });
    mapAnon(space, B + P, P, PERM_RW, 'replace');
    expect(space.mappings.map((m) => [m.start, m.kind, m.file?.offset])).toEqual([
      [B, 'file', 0x1000],
      [B + P, 'anon', undefined],
      [B + 2 * P, 'file', 0x3000],
    ]);
    sane(space);
  });
});

describe('munmap', () => {
  it('punches holes, spans several mappings, and accepts unmapped ranges', () => {
    const space = new AddressSpace();
    mapAnon(space, B, 8 * P, PERM_RW, 'replace');
    mapAnon(space, B + 8 * P, 4 * P, PERM_R, 'replace');
    expect(space.munmap(B + 2 * P, P)).toBe(0);
    expect(space.munmap(B + 6 * P, 4 * P)).toBe(0);
    expect(space.munmap(0x3000_0000, 16 * P)).toBe(0);
    expect(layout(space)).toEqual([
      '04000000-04002000 rw-p anon',
      '04003000-04006000 rw-p anon',
      '0400a000-0400c000 r--p anon',
    ]);
    expect(space.check(B + 2 * P, 1, PERM_R)?.cause).toBe('unmapped');
    sane(space);
  });

  it('rounds the length up and rejects an unaligned address or a zero length', () => {
    const space = new AddressSpace();
    mapAnon(space, B, 4 * P, PERM_RW, 'replace');
    expect(space.munmap(B, 1)).toBe(0);
    expect(layout(space)).toEqual(['04001000-04004000 rw-p anon']);
    expect(space.munmap(B + P + 8, P)).toBe(-EINVAL);
    expect(space.munmap(B + P, 0)).toBe(-EINVAL);
  });
});

describe('mprotect', () => {
  it('splits a mapping and merges it again when the permissions are restored', () => {
    const space = new AddressSpace();
    mapAnon(space, B, 8 * P, PERM_RW, 'replace');
    expect(space.mprotect(B + 2 * P, 3 * P, PERM_R)).toBe(0);
    expect(layout(space)).toEqual([
      '04000000-04002000 rw-p anon',
      '04002000-04005000 r--p anon',
      '04005000-04008000 rw-p anon',
    ]);
    expect(space.check(B + 2 * P, 4, PERM_W)?.cause).toBe('forbidden');
    expect(space.mprotect(B + 2 * P, 3 * P, PERM_RW)).toBe(0);
    expect(layout(space)).toEqual(['04000000-04008000 rw-p anon']);
    sane(space);
  });

  it('changes several mappings at once, merging those that end up alike', () => {
    const space = new AddressSpace();
    mapAnon(space, B, 2 * P, PERM_R, 'replace');
    mapAnon(space, B + 2 * P, 2 * P, PERM_R | PERM_X, 'replace');
    mapAnon(space, B + 4 * P, 2 * P, PERM_RWX, 'replace');
    expect(space.mprotect(B + P, 4 * P, PERM_X)).toBe(0);
    expect(layout(space)).toEqual([
      '04000000-04001000 r--p anon',
      '04001000-04004000 --xp anon',
      '04004000-04005000 --xp anon', // was writable: Linux's VM_ACCOUNT keeps it apart
      '04005000-04006000 rwxp anon',
    ]);
    sane(space);
  });

  it('fails with ENOMEM over a hole and changes nothing', () => {
    const space = new AddressSpace();
    mapAnon(space, B, 2 * P, PERM_RW, 'replace');
    mapAnon(space, B + 3 * P, P, PERM_RW, 'replace');
    const before = layout(space);
    expect(space.mprotect(B, 4 * P, PERM_R)).toBe(-ENOMEM);
    expect(space.mprotect(0x3000_0000, P, PERM_R)).toBe(-ENOMEM);
    expect(layout(space)).toEqual(before);
    expect(space.mprotect(B + 1, P, PERM_R)).toBe(-EINVAL);
    expect(space.mprotect(B, P, 0x10)).toBe(-EINVAL);
    expect(space.mprotect(B, 0, PERM_R)).toBe(0);
  });

  it('a write-only page is readable, as x86 page tables make it, while maps shows -w-', () => {
    const space = new AddressSpace();
    mapAnon(space, B, P, PERM_W, 'replace');
    expect(space.check(B, 8, PERM_R)).toBeNull();
    expect(space.check(B, 8, PERM_X)?.cause).toBe('forbidden');
    expect(space.renderProcMaps()).toBe('04000000-04001000 -w-p 00000000 00:00 0 \n');
  });
});

describe('zeroing', () => {
  function fillPattern(space: AddressSpace, addr: number, length: number): void {
    space.memory.fill(addr, length, 0xa5);
  }
  const isZero = (bytes: Uint8Array) => bytes.every((b) => b === 0);

  it('a mapping made where an unmapped one was written reads as zero', () => {
    const space = new AddressSpace();
    mapAnon(space, B, 4 * P, PERM_RW, 'replace');
    fillPattern(space, B, 4 * P);
    space.munmap(B, 4 * P);
    mapAnon(space, B, 4 * P, PERM_R, 'replace');
    expect(isZero(space.memory.readBytes(B, 4 * P))).toBe(true);
  });

  it('MAP_FIXED over written memory zeroes it', () => {
    const space = new AddressSpace();
    mapAnon(space, B, 4 * P, PERM_RW, 'replace');
    fillPattern(space, B, 4 * P);
    mapAnon(space, B + P, P, PERM_RW, 'replace');
    expect(space.memory.readU8(B)).toBe(0xa5);
    expect(isZero(space.memory.readBytes(B + P, P))).toBe(true);
    expect(space.memory.readU8(B + 2 * P)).toBe(0xa5);
  });

  it('remembers pages that were writable once, after mprotect took the write permission away', () => {
    const space = new AddressSpace();
    mapAnon(space, B, P, PERM_RW, 'replace');
    fillPattern(space, B, P);
    space.mprotect(B, P, PERM_NONE);
    space.munmap(B, P);
    mapAnon(space, B, P, PERM_R, 'replace');
    expect(isZero(space.memory.readBytes(B, P))).toBe(true);
  });

  it('MADV_DONTNEED zeroes private anonymous pages but not shared ones', () => {
    const space = new AddressSpace();
    mapAnon(space, B, 2 * P, PERM_RW, 'replace');
    space.mmap({ addr: B + 2 * P, length: P, perm: PERM_RW, fixed: 'replace', shared: true });
    fillPattern(space, B, 3 * P);
    expect(space.madviseDontNeed(B + P, 2 * P)).toBe(0);
    expect(space.memory.readU8(B)).toBe(0xa5);
    expect(isZero(space.memory.readBytes(B + P, P))).toBe(true);
    expect(space.memory.readU8(B + 2 * P)).toBe(0xa5);
    expect(space.madviseDontNeed(B + 2 * P, 2 * P)).toBe(-ENOMEM);
    expect(space.madviseDontNeed(B + 1, P)).toBe(-EINVAL);
    sane(space);
  });
});

describe('guest memory', () => {
  it('is the whole 4 GiB window, so mappings anywhere below the engine region need no growth', () => {
    const space = new AddressSpace();
    expect(space.memory.size).toBe(2 ** 32);
    const addr = 0x3ff0_0000;
    expect(mapAnon(space, addr, 0x10_0000, PERM_RW, 'replace')).toBe(addr);
    expect(space.check(0x3fff_fff8, 8, PERM_W)).toBeNull();
    space.memory.writeU64(0x3fff_fff8, 0x1122334455667788n);
    expect(space.memory.readU64(0x3fff_fff8)).toBe(0x1122334455667788n);
    expect(space.memory.readU8(addr)).toBe(0);
  });

  it('keeps the page table in the reserved region, where the guest cannot reach it', () => {
    const space = new AddressSpace();
    expect(mapAnon(space, 0x10_0000, 0x2000, PERM_RW, 'replace')).toBe(0x10_0000);
    // One byte per page: R|W|MAPPED (and may-be-dirty) for the two pages mapped.
    const table = space.memory.readBytes(PAGE_TABLE + 0x100, 3);
    expect([table[0]! & 15, table[1]! & 15, table[2]!]).toEqual([11, 11, 0]);
    expect(space.check(PAGE_TABLE, 1, PERM_R)?.cause).toBe('unmapped');
  });
});
