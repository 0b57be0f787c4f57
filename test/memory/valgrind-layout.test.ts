// Native valgrind as the oracle for placement: a freestanding program makes a
// sequence of brk/mmap/munmap/mremap/mprotect calls and prints each result;
// the same sequence on our AddressSpace, after loading the same ELF the way
// Valgrind loads it, must give the same numbers.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PF_R, PF_W, PF_X, PT_LOAD, parseElf } from '../../src/engine/elf/index.ts';
import {
  AddressSpace, PAGE_SIZE, PERM_R, PERM_RW, PERM_W, PERM_X, PIE_BASE, pageDown, pageUp,
} from '../../src/engine/memory/index.ts';
import { compileC, makeTempDir } from '../support/elf-tools.ts';

// No libc: nothing but these system calls touches the address space.
const SOURCE = String.raw`
typedef unsigned long u64;
static u64 sys(u64 n, u64 a, u64 b, u64 c, u64 d, u64 e, u64 f) {
  u64 r; register u64 r10 __asm__("r10") = d; register u64 r8 __asm__("r8") = e; register u64 r9 __asm__("r9") = f;
  __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9) : "rcx", "r11", "memory");
  return r;
}
static void put(const char *label, u64 v) {
  char buf[64]; int n = 0;
  while (*label) buf[n++] = *label++;
  buf[n++] = ' '; buf[n++] = '0'; buf[n++] = 'x';
  char tmp[16]; int k = 0; do { tmp[k++] = "0123456789abcdef"[v & 15]; v >>= 4; } while (v);
  while (k) buf[n++] = tmp[--k];
  buf[n++] = '\n';
  sys(1, 1, (u64)buf, n, 0, 0, 0);
}
#define MMAP(a, l, f) sys(9, a, l, 3, 0x22 | (f), -1, 0)
void _start(void) {
  u64 b0 = sys(12, 0, 0, 0, 0, 0, 0); put("brk0", b0);
  u64 a1 = MMAP(0, 4096, 0); put("anon4k", a1);
  u64 a2 = MMAP(0, 1 << 20, 0); put("anon1m", a2);
  put("hint-free", MMAP(0x5000000, 8192, 0));
  put("hint-low", MMAP(0x200000, 4096, 0));
  sys(11, a1, 4096, 0, 0, 0, 0);
  put("after-hole-8k", MMAP(0, 8192, 0));
  put("hole-4k", MMAP(0, 4096, 0));
  put("fixed", MMAP(0x6000000, 4096, 0x10));
  put("brk+40k", sys(12, b0 + 40960, 0, 0, 0, 0, 0));
  put("brk+16m", sys(12, b0 + (16 << 20), 0, 0, 0, 0, 0));
  put("brk-shrink", sys(12, b0 + 4096, 0, 0, 0, 0, 0));
  put("mremap-move", sys(25, a2, 1 << 20, 2 << 20, 1, 0, 0));
  put("mremap-in-place", sys(25, 0x6000000, 4096, 8192, 0, 0, 0));
  put("mprotect-hole", sys(10, 0x6000000, 3 * 4096, 1, 0, 0, 0));
  sys(60, 0, 0, 0, 0, 0, 0);
}
`;

const MIB = 0x10_0000;

/** Loads the PT_LOAD segments where Valgrind's loader puts them; returns the end of the data segment. */
function load(space: AddressSpace, path: string): number {
  const elf = parseElf(new Uint8Array(readFileSync(path)));
  const loads = elf.segments.filter((s) => s.type === PT_LOAD);
  const base = elf.header.type === 'DYN' ? PIE_BASE - pageDown(loads[0]!.vaddr) : 0;
  let end = 0;
  for (const s of loads) {
    const perm = (s.flags & PF_R ? PERM_R : 0) | (s.flags & PF_W ? PERM_W : 0) | (s.flags & PF_X ? PERM_X : 0);
    const start = pageDown(base + s.vaddr);
    const file = { path, offset: pageDown(s.offset), devMajor: 0, devMinor: 0, inode: 1 };
    expect(space.mmap({ addr: start, length: pageUp(base + s.vaddr + s.memsz) - start, perm, fixed: 'replace', file })).toBe(start);
    end = Math.max(end, base + s.vaddr + s.memsz);
  }
  return end;
}

/** The C program's sequence, on our address space; results printed as the program prints them. */
function simulate(path: string): string {
  const space = new AddressSpace();
  space.initBrk(load(space, path));
  const lines: string[] = [];
  const put = (label: string, v: number) => lines.push(`${label} 0x${BigInt.asUintN(64, BigInt(v)).toString(16)}`);
  const mmap = (addr: number, length: number, fixed = false) =>
    space.mmap({ addr, length, perm: PERM_RW, ...(fixed && { fixed: 'replace' as const }) });
  const b0 = space.brk(0);
  put('brk0', b0);
  const a1 = mmap(0, 4096);
  put('anon4k', a1);
  const a2 = mmap(0, MIB);
  put('anon1m', a2);
  put('hint-free', mmap(0x500_0000, 8192));
  put('hint-low', mmap(0x20_0000, 4096));
  space.munmap(a1, 4096);
  put('after-hole-8k', mmap(0, 8192));
  put('hole-4k', mmap(0, 4096));
  put('fixed', mmap(0x600_0000, 4096, true));
  put('brk+40k', space.brk(b0 + 40960));
  put('brk+16m', space.brk(b0 + 16 * MIB));
  put('brk-shrink', space.brk(b0 + 4096));
  put('mremap-move', space.mremap(a2, MIB, 2 * MIB, { mayMove: true }));
  put('mremap-in-place', space.mremap(0x600_0000, PAGE_SIZE, 2 * PAGE_SIZE));
  put('mprotect-hole', space.mprotect(0x600_0000, 3 * PAGE_SIZE, PERM_R));
  return lines.map((l) => `${l}\n`).join('');
}

function underValgrind(path: string): string {
  return execFileSync('valgrind', ['-q', '--tool=none', path], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

let dir: ReturnType<typeof makeTempDir>;
beforeAll(() => {
  dir = makeTempDir();
});
afterAll(() => dir.remove());

describe('placement agrees with valgrind --tool=none', () => {
  const flags = ['-O1', '-nostdlib', '-fno-stack-protector', '-fcf-protection=none'];
  it('for a static executable at 0x400000', () => {
    const exe = compileC(dir.path, 'layout-static', SOURCE, 'gcc', [...flags, '-static', '-no-pie']);
    expect(simulate(exe)).toBe(underValgrind(exe));
  });

  it('for a static PIE, which Valgrind loads at 0x108000', () => {
    const exe = compileC(dir.path, 'layout-pie', SOURCE, 'gcc', [...flags, '-static-pie', '-fPIE']);
    expect(simulate(exe)).toBe(underValgrind(exe));
  });
});
