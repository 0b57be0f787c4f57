// The guest's registers as a debugger shows them, read from the register file (VEX
// layout) wherever it lives: the Machine's view, or the page's view of the shared memory.
import { readRflags } from '../guest/amd64/rflags.ts';
import { OFFSET_FS_BASE, OFFSET_GPR, OFFSET_GS_BASE, OFFSET_RIP } from '../guest/amd64/state.ts';

/** In the encoding order of the ModRM reg field (the register file's order). */
export const GPR_NAMES = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'] as const;
export type GprName = (typeof GPR_NAMES)[number];

export interface GuestRegisters {
  rip: bigint;
  /** Computed from the lazy-flags thunk, as pushf would see it. */
  rflags: bigint;
  gpr: Record<GprName, bigint>;
  fsBase: bigint;
  gsBase: bigint;
}

/** Linux x86-64 user-mode selectors: what a 64-bit process sees in its segment registers. */
export const USER_SELECTORS = { cs: 0x33, ds: 0, es: 0, fs: 0, gs: 0, ss: 0x2b } as const;

export function readRegisters(state: DataView): GuestRegisters {
  const u64 = (o: number) => state.getBigUint64(o, true);
  const gpr = {} as Record<GprName, bigint>;
  GPR_NAMES.forEach((n, i) => (gpr[n] = u64(OFFSET_GPR(i))));
  return { rip: u64(OFFSET_RIP), rflags: readRflags(state), gpr, fsBase: u64(OFFSET_FS_BASE), gsBase: u64(OFFSET_GS_BASE) };
}

/** RFLAGS bits by name, low to high, as debuggers print them. */
const FLAG_BITS: [number, string][] = [
  [0, 'CF'], [2, 'PF'], [4, 'AF'], [6, 'ZF'], [7, 'SF'], [8, 'TF'], [9, 'IF'], [10, 'DF'], [11, 'OF'],
  [14, 'NT'], [16, 'RF'], [17, 'VM'], [18, 'AC'], [19, 'VIF'], [20, 'VIP'], [21, 'ID'],
];

/** The set flags' names: 0x246 → ['PF', 'ZF', 'IF']. */
export function flagNames(rflags: bigint): string[] {
  return FLAG_BITS.filter(([bit]) => (rflags >> BigInt(bit)) & 1n).map(([, name]) => name);
}
