// Where things go in the guest's 4 GiB window. The placement copies what
// Valgrind 3.19's address-space manager does on amd64-linux (run
// `valgrind --tool=none -d -d prog` to see its layout), scaled down from its
// 128 GiB client area to the window one WebAssembly.Memory can hold.

export const PAGE_SIZE = 0x1000;
export const PAGE_SHIFT = 12;

/** A 32-bit WebAssembly.Memory holds at most 65536 pages of 64 KiB: 4 GiB. */
export const WINDOW_END = 0x1_0000_0000;

/**
 * The top 512 MiB of the window belong to the engine (every thread's guest
 * state, the page table, the JIT's run area, a tool's shadow memory: see
 * reserved.ts): never mapped for the guest, never in /proc/self/maps. Guest
 * mappings must end at or below ENGINE_RESERVED_START. The size is memcheck's
 * shadow maps': they cover about 2 GiB of guest memory whose bytes differ.
 */
export const ENGINE_RESERVED_START = 0xe000_0000;
export const ENGINE_RESERVED_END = WINDOW_END;

/** Linux refuses fixed mappings below vm.mmap_min_addr (65536 by default) with EPERM. */
export const MMAP_MIN_ADDR = 0x1_0000;

/**
 * Load address of a position-independent main program. Valgrind's ELF loader
 * (m_ume/elf.c) moves an ET_DYN executable up to 0x108000 so that low
 * addresses stay unmapped and null-pointer accesses still fault.
 */
export const PIE_BASE = 0x10_8000;

/**
 * Valgrind's aspacem_minAddr on amd64-linux (--aspace-minaddr): the lowest
 * address it gives the client for a non-fixed mapping. ld.so is the first
 * such mapping, so it lands exactly here.
 */
export const INTERP_BASE = 0x400_0000;

/**
 * Where the first-fit search for non-fixed client mmaps starts (Valgrind's
 * aspacem_cStart, equal to minAddr). It searches upward, so mappings fill the
 * window from here: ld.so, the brk segment, libraries, then malloc's arenas.
 */
export const CLIENT_MMAP_BASE = INTERP_BASE;

/**
 * Valgrind's brk segment is at most 8 MiB (initimg-linux.c clamps RLIMIT_DATA
 * to [1 MiB, 8 MiB]); growing past it fails with "brk segment overflow".
 */
export const BRK_MAX_SIZE = 0x80_0000;

/**
 * Exclusive top of the main thread's stack. Valgrind puts the stack's last
 * byte at aspacem_maxAddr - 16 MiB + one page (0x1fff000fff under its
 * 128 GiB limit); the same rule under our limit gives 0xdf000fff.
 */
export const STACK_TOP = ENGINE_RESERVED_START - 0x100_0000 + PAGE_SIZE;

const MIB = 0x10_0000;

/**
 * The main stack's maximum size, as Valgrind chooses it: RLIMIT_STACK
 * (8 MiB is the usual `ulimit -s`) clamped to 16 MiB, overridden by
 * --main-stacksize, at least 1 MiB, rounded up to pages.
 */
export function mainStackMaxSize(mainStackSizeOption?: number, rlimitStack = 8 * MIB): number {
  let size = Math.min(Math.max(rlimitStack, MIB), 16 * MIB);
  if (mainStackSizeOption !== undefined && mainStackSizeOption > 0) size = mainStackSizeOption;
  return pageUp(Math.max(size, MIB));
}

export function pageDown(addr: number): number {
  return addr - (addr % PAGE_SIZE);
}

export function pageUp(addr: number): number {
  return pageDown(addr + PAGE_SIZE - 1);
}

export function isPageAligned(addr: number): boolean {
  return addr % PAGE_SIZE === 0;
}
