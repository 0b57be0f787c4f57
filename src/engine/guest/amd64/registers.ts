// Register model for the decoder, the printer and (later) the lifter.
// A register is a class plus a number; GPR width is carried by the operand.

export type RegClass =
  | 'gpr'   // rax..r15 (with width), plus ah/ch/dh/bh via `high8`
  | 'seg'   // es cs ss ds fs gs
  | 'cr' | 'dr'
  | 'mmx'   // mm0..7
  | 'xmm' | 'ymm' | 'zmm'
  | 'st'    // x87 stack st(i)
  | 'k'     // AVX-512 mask k0..7
  | 'rip';

export interface Reg {
  cls: RegClass;
  num: number;
  /** Width in bytes (GPR: 1, 2, 4, 8; vector: 8, 16, 32, 64). */
  size: number;
  /** ah, ch, dh, bh: the legacy high-byte registers, only reachable without REX. */
  high8?: boolean;
  /** x87: the stack top named by the opcode itself, printed `%st`; st(i) from ModRM.rm prints `%st(0)`. */
  stTop?: boolean;
}

const GPR64 = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi'];
const GPR32 = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'];
const GPR16 = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di'];
const GPR8 = ['al', 'cl', 'dl', 'bl', 'spl', 'bpl', 'sil', 'dil'];
const HIGH8 = ['ah', 'ch', 'dh', 'bh'];
const SEG = ['es', 'cs', 'ss', 'ds', 'fs', 'gs'];

function gprName(num: number, size: number, high8: boolean | undefined): string {
  if (high8) return HIGH8[num - 4];
  if (num < 8) {
    switch (size) {
      case 8: return GPR64[num];
      case 4: return GPR32[num];
      case 2: return GPR16[num];
      default: return GPR8[num];
    }
  }
  switch (size) {
    case 8: return `r${num}`;
    case 4: return `r${num}d`;
    case 2: return `r${num}w`;
    default: return `r${num}b`;
  }
}

/** The register's name without the AT&T `%` sigil. */
export function regName(r: Reg): string {
  switch (r.cls) {
    case 'gpr': return gprName(r.num, r.size, r.high8);
    case 'seg': return SEG[r.num] ?? `?seg${r.num}`;
    case 'cr': return `cr${r.num}`;
    case 'dr': return `db${r.num}`;
    case 'mmx': return `mm${r.num}`;
    case 'xmm': case 'ymm': case 'zmm': return `${r.cls}${r.num}`;
    case 'st': return r.stTop ? 'st' : `st(${r.num})`;
    case 'k': return `k${r.num}`;
    case 'rip': return r.size === 4 ? 'eip' : 'rip';
  }
}
