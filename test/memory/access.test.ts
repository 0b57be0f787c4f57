// Permission checks (straddling accesses included), fault classification,
// the checked copy helpers, and GuestMemory's little-endian accessors.
import { describe, expect, it } from 'vitest';
import {
  AddressSpace, CLIENT_MMAP_BASE, ENGINE_RESERVED_START, GuestMemory, MemoryFault, PAGE_SIZE, PERM_NONE, PERM_R,
  PERM_RW, PERM_W, PERM_X, SEGV_ACCERR, SEGV_MAPERR, SI_KERNEL, WINDOW_END,
} from '../../src/engine/memory/index.ts';
import { mapAnon } from './helpers.ts';

const B = CLIENT_MMAP_BASE;
const P = PAGE_SIZE;

/** rw page at B, r page at B+P, hole at B+2P, r-x page at B+3P, PROT_NONE page at B+4P. */
function sample(): AddressSpace {
  const space = new AddressSpace();
  mapAnon(space, B, P, PERM_RW, 'replace');
  mapAnon(space, B + P, P, PERM_R, 'replace');
  mapAnon(space, B + 3 * P, P, PERM_R | PERM_X, 'replace');
  mapAnon(space, B + 4 * P, P, PERM_NONE, 'replace');
  return space;
}

describe('check', () => {
  const space = sample();
  const fault = (addr: number, access: MemoryFault['access'], cause: MemoryFault['cause']) => new MemoryFault(addr, access, cause);
  const cases: [string, number, number, number, MemoryFault | null][] = [
    ['read inside a page', B + 8, 8, PERM_R, null],
    ['read straddling rw and r pages', B + P - 4, 8, PERM_R, null],
    ['write straddling rw and r pages faults on the first byte of the r page', B + P - 4, 8, PERM_W, fault(B + P, 'write', 'forbidden')],
    ['write starting in the r page faults at its start', B + P + 16, 4, PERM_W, fault(B + P + 16, 'write', 'forbidden')],
    ['read straddling r page and hole faults at the hole', B + 2 * P - 2, 4, PERM_R, fault(B + 2 * P, 'read', 'unmapped')],
    ['read-modify-write on a read-only page is a write fault', B + P, 4, PERM_R | PERM_W, fault(B + P, 'write', 'forbidden')],
    ['execute from r-x', B + 3 * P + 100, 15, PERM_X, null],
    ['execute from rw- is forbidden', B + 10, 1, PERM_X, fault(B + 10, 'exec', 'forbidden')],
    ['execute straddling hole and r-x faults in the hole', B + 3 * P - 1, 2, PERM_X, fault(B + 3 * P - 1, 'exec', 'unmapped')],
    ['read of PROT_NONE is forbidden, not unmapped', B + 4 * P, 1, PERM_R, fault(B + 4 * P, 'read', 'forbidden')],
    ['a large range checks every page', B, 5 * P, PERM_R, fault(B + 2 * P, 'read', 'unmapped')],
    ['zero bytes are always allowed', 0, 0, PERM_W, null],
    ['page zero is unmapped', 0, 8, PERM_R, fault(0, 'read', 'unmapped')],
    ['the engine region is unmapped for the guest', ENGINE_RESERVED_START, 4, PERM_R, fault(ENGINE_RESERVED_START, 'read', 'unmapped')],
    ['crossing 4 GiB', WINDOW_END - 4, 8, PERM_R, fault(WINDOW_END - 4, 'read', 'unmapped')],
    ['above 4 GiB, canonical', 0x7f00_0000_0000, 8, PERM_W, fault(0x7f00_0000_0000, 'write', 'unmapped')],
    ['non-canonical', 2 ** 63, 8, PERM_R, fault(2 ** 63, 'read', 'general-protection')],
    ['canonical kernel half', 2 ** 64 - 4096, 8, PERM_R, fault(2 ** 64 - 4096, 'read', 'unmapped')],
  ];
  for (const [name, addr, size, access, expected] of cases) {
    it(name, () => expect(space.check(addr, size, access)).toEqual(expected));
  }
});

describe('MemoryFault', () => {
  it("gives SIGSEGV's si_code and si_addr, and Valgrind's description", () => {
    const unmapped = new MemoryFault(0x7f00_0000_0000, 'write', 'unmapped');
    expect([unmapped.siCode, unmapped.siAddr]).toEqual([SEGV_MAPERR, 0x7f00_0000_0000]);
    expect(unmapped.describe()).toBe('Access not within mapped region at address 0x7F0000000000');
    const forbidden = new MemoryFault(0x485_2000, 'write', 'forbidden');
    expect(forbidden.siCode).toBe(SEGV_ACCERR);
    expect(forbidden.describe()).toBe('Bad permissions for mapped region at address 0x4852000');
    const gp = new MemoryFault(2 ** 63, 'read', 'general-protection');
    expect([gp.siCode, gp.siAddr, gp.describe()]).toEqual([SI_KERNEL, 0, 'General Protection Fault']);
  });
});

describe('checked copies', () => {
  it('readBytes and writeBytes obey the page permissions', () => {
    const space = sample();
    expect(space.writeBytes(B + P - 2, new Uint8Array([1, 2]))).toBeNull();
    expect(space.readBytes(B + P - 2, 2)).toEqual(new Uint8Array([1, 2]));
    expect(space.writeBytes(B + P - 2, new Uint8Array([9, 9, 9]))).toEqual(new MemoryFault(B + P, 'write', 'forbidden'));
    expect(space.readBytes(B + P - 2, 2)).toEqual(new Uint8Array([1, 2])); // nothing written on a fault
    expect(space.readBytes(B + 2 * P - 1, 2)).toEqual(new MemoryFault(B + 2 * P, 'read', 'unmapped'));
  });

  it('readCString stops at the NUL, across pages, and reports faults and missing terminators', () => {
    const space = new AddressSpace();
    mapAnon(space, B, 2 * P, PERM_RW, 'replace');
    const text = new TextEncoder().encode('/usr/lib/x86_64-linux-gnu/libc.so.6');
    const at = B + P - 10;
    space.writeBytes(at, text);
    expect(new TextDecoder().decode(space.readCString(at, 4096) as Uint8Array)).toBe('/usr/lib/x86_64-linux-gnu/libc.so.6');
    expect(space.readCString(at, text.length)).toBeNull(); // no NUL among the first maxLength bytes
    space.memory.fill(B + P, P, 0x41);
    expect(space.readCString(B + P, 2 * P)).toEqual(new MemoryFault(B + 2 * P, 'read', 'unmapped'));
    expect(space.readCString(B + 5, 0)).toBeNull();
    expect(space.readCString(B + 5, 1)).toEqual(new Uint8Array(0));
  });
});

describe('GuestMemory', () => {
  it('reads and writes little-endian values of every width', () => {
    const mem = new GuestMemory();
    mem.writeU64(0x100, 0x0102030405060708n);
    expect([mem.readU8(0x100), mem.readU16(0x100), mem.readU32(0x100)]).toEqual([0x08, 0x0708, 0x05060708]);
    expect(mem.readU64(0x100)).toBe(0x0102030405060708n);
    mem.writeU64(0x108, -1n);
    expect(mem.readU64(0x108)).toBe(0xffffffffffffffffn);
    mem.writeU64Number(0x110, 2 ** 53 - 1);
    expect(mem.readU64Number(0x110)).toBe(2 ** 53 - 1);
    expect(mem.readU64(0x110)).toBe(2n ** 53n - 1n);
    mem.writeU16(0x121, 0xbeef); // unaligned
    expect(mem.readU8(0x121)).toBe(0xef);
    mem.writeU32(0x123, 0xdeadbeef);
    expect(mem.readU32(0x123)).toBe(0xdeadbeef);
    mem.writeU8(0x130, 0x1ff);
    expect(mem.readU8(0x130)).toBe(0xff);
    mem.writeF32(0x140, 1.5);
    mem.writeF64(0x148, -0.1);
    expect([mem.readF32(0x140), mem.readF64(0x148)]).toEqual([1.5, -0.1]);
    expect(mem.readU32(0x148)).toBe(0x9999999a);
  });

  it('copies bytes out into an unshared buffer, fills, moves overlapping ranges, finds NULs', () => {
    const mem = new GuestMemory();
    mem.writeBytes(0x200, new Uint8Array([1, 2, 3, 4, 0, 6]));
    const copy = mem.readBytes(0x200, 6);
    expect(copy.buffer).toBeInstanceOf(ArrayBuffer);
    mem.writeU8(0x200, 99);
    expect(copy[0]).toBe(1);
    mem.copy(0x201, 0x200, 4);
    expect(mem.readBytes(0x200, 6)).toEqual(new Uint8Array([99, 99, 2, 3, 4, 6]));
    expect(mem.findNul(0x200, 6)).toBe(-1);
    mem.fill(0x202, 2);
    expect(mem.findNul(0x200, 6)).toBe(2);
  });

  it('never reads or writes past the window', () => {
    const mem = new GuestMemory();
    expect(() => mem.readBytes(WINDOW_END - 16, 32)).toThrow(RangeError);
    expect(() => mem.fill(WINDOW_END - 16, 32)).toThrow(RangeError);
    expect(() => mem.view(WINDOW_END - 16, 32)).toThrow(RangeError);
  });

  it('is one shared WebAssembly.Memory holding the whole 4 GiB window', () => {
    const mem = new GuestMemory();
    expect(mem.wasmMemory.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(mem.size).toBe(WINDOW_END);
    mem.writeU8(WINDOW_END - 1, 0x5a);
    expect(mem.readU8(WINDOW_END - 1)).toBe(0x5a);
  });
});
