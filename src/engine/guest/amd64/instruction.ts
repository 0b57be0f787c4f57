// The decoded form of one x86-64 instruction: what the printer prints and the lifter lifts.
import type { Reg } from './registers.ts';
import type { InstrForm } from './forms.ts';

export type GuestAddr = number;

export interface MemOperand {
  kind: 'mem';
  /** Access width in bytes; 0 where the instruction does not access memory through it (lea, nop). */
  size: number;
  /** fs or gs override (the only ones that change the address in 64-bit mode). */
  seg?: Reg;
  base?: Reg;
  index?: Reg;
  scale: 1 | 2 | 4 | 8;
  /** Sign-extended displacement (moffs forms keep their full 64-bit value in `abs`). */
  disp: number;
  /** How many displacement bytes were encoded (0, 1 or 4): objdump prints `0x0(%rax)` for an explicit zero. */
  dispSize?: number;
  /** A SIB byte without an index: objdump shows it as %riz/%eiz in some forms. */
  sibNoIndex?: boolean;
  /** Absolute 64-bit address of a moffs operand (movabs A0-A3). */
  abs?: bigint;
  /** Set when the displacement is relative to the next instruction (base is %rip). */
  ripRel?: boolean;
  /** EVEX embedded broadcast, e.g. {1to8}. */
  bcst?: number;
}

export type Operand =
  | { kind: 'reg'; reg: Reg }
  | MemOperand
  /** `inMnemonic`: objdump prints this imm8 as part of the mnemonic (cmpltps), not as an operand. */
  | { kind: 'imm'; size: number; value: bigint; inMnemonic?: boolean }
  /** A branch target, already made absolute. */
  | { kind: 'rel'; target: GuestAddr }
  /** Implicit constant 1 of the shift-by-one forms (D0/D1/D2/D3 /n): not printed in AT&T. */
  | { kind: 'one' }
  /** The I/O port in %dx of in/out, printed `(%dx)`. */
  | { kind: 'port' };

export interface Prefixes {
  lock: boolean;
  rep: boolean;    // F3
  repne: boolean;  // F2
  opsize: boolean; // 66
  adsize: boolean; // 67
  seg?: number;    // last segment override, index into es cs ss ds fs gs
  rex: number;     // 0 when absent, else 0x40..0x4f
  fwait?: boolean; // 9B before an x87 escape: the waiting form (fstcw, not fnstcw)
  vex?: { map: number; w: boolean; l: number; vvvv: number; pp: number };
  evex?: {
    map: number; w: boolean; ll: number; pp: number;
    /** Five bits: EVEX.V' extends vvvv to zmm16..31. */
    vvvv: number;
    aaa: number; z: boolean; b: boolean;
    /** EVEX.R' (bit 4 of ModRM.reg) and EVEX.X used as bit 4 of a register ModRM.rm. */
    rHigh: boolean; xHigh: boolean;
  };
}

export interface Instruction {
  addr: GuestAddr;
  len: number;
  /** The table entry that matched; undefined for an undecodable byte sequence. */
  form?: InstrForm;
  /** Mnemonic as printed (suffix and legacy/VEX spelling resolved), without prefixes.
   *  The decoder makes it, and prefixWords, when first read. */
  readonly mnemonic: string;
  /** Prefix words printed before the mnemonic (rep, lock, data16, cs, rex.W ...). */
  readonly prefixWords: readonly string[];
  /** Operands in Intel order (destination first). */
  operands: Operand[];
  /** Effective operand size in bytes (2, 4 or 8) for forms sized by prefixes. */
  opsize: number;
  /** Effective address size in bytes (4 or 8). */
  adsize: number;
  prefixes: Prefixes;
  /** EVEX opmask {k1}..{k7} and zeroing, for printing. */
  mask?: { k: number; zero: boolean };
  /** EVEX embedded rounding / sae, printed as {rn-sae} etc. */
  rounding?: string;
}
