// Stack unwinding for x86-64 in Valgrind's manner: track only rip, rsp and
// rbp; step by CFI when an FDE covers the pc, else by the frame pointer,
// else take *rsp as a return address (m_stacktrace.c's amd64 unwinder).

import type { ElfFile } from '../elf.ts';
import { fileOffsetOfVaddr, PT_LOAD } from '../segments.ts';
import { parseEhFrameHdr, parseFrameSection, rowAt, type CfiRow, type Fde, type RegRule } from './cfi.ts';
import { evaluate, ExprError, type MemoryReader } from './expr.ts';
import { DwarfError } from './reader.ts';
import { debugSection, sectionWithData } from './sections.ts';
import { upperBound } from './search.ts';

/** Guest addresses as numbers (they fit: the guest lives below 4 GiB, a native stack below 2^47). */
export interface UnwindRegs {
  rip: number;
  rsp: number;
  rbp: number;
}

export interface UnwindFrame extends UnwindRegs {
  /** How the step was made: call frame information, the rbp chain, or the word at rsp. */
  how: 'cfi' | 'fp' | 'sp';
  /**
   * The frame just unwound was a signal frame (CIE augmentation 'S', as
   * glibc's __restore_rt): `rip` is the interrupted instruction, not a
   * return address, so look its CFI up at `rip` itself.
   */
  signal?: boolean;
}

/**
 * The stack's accessible range, Valgrind's fp_min..fp_max: a step may only
 * read stack words in [lo, hi - 8] and only follows rbp inside it.
 */
export interface StackBounds {
  lo: number;
  hi: number;
}

export type ReadU64 = (addr: number) => bigint | undefined;

export interface Unwinder {
  /** Whether an FDE covers guest address `pc`. */
  covers(pc: number): boolean;
  /**
   * The caller's registers by CFI alone, or undefined (no FDE, a rule that
   * needs an unknown register or unreadable memory, a return address the
   * CFI marks undefined as at _start).
   *
   * `regs.rip` is where to look the rules up: the pc itself for the
   * innermost frame, but the return address minus 1 for every caller (the
   * call may be a function's last instruction), as Valgrind does. The
   * result's `rip` is the return address itself.
   */
  cfiStep(regs: UnwindRegs, read: ReadU64, bounds?: StackBounds): UnwindFrame | undefined;
  /**
   * One step as Valgrind takes it: CFI; failing that the frame pointer
   * (rip = [rbp+8], rsp = rbp+16, rbp = [rbp]); failing that the word at
   * rsp. Undefined when nothing works or the return address is 0 or 1
   * (Valgrind's end of stack).
   */
  unwindStep(regs: UnwindRegs, read: ReadU64, bounds?: StackBounds): UnwindFrame | undefined;
  /** Number of FDEs indexed. */
  readonly fdeCount: number;
  readonly warnings: readonly string[];
}

const REG_RBP = 6;
const REG_RSP = 7;
const REG_RIP = 16;
const PT_GNU_EH_FRAME = 0x6474e550;

interface FdeTable {
  bytes: Uint8Array;
  addr: number;
  fdes: Fde[];
  starts: Float64Array;
}

/**
 * Builds the unwinder for one object loaded at `bias` (guest address = file
 * address + bias; 0 for a non-PIE executable). FDEs come from .eh_frame
 * (found through PT_GNU_EH_FRAME when there are no section headers) and from
 * .debug_frame of the object or of its separate `debug` file.
 */
export function buildUnwinder(elf: ElfFile, bias: number, debug?: ElfFile): Unwinder {
  const warnings: string[] = [];
  const tables: FdeTable[] = [];
  const add = (bytes: Uint8Array, addr: number, kind: 'eh_frame' | 'debug_frame'): void => {
    const fdes = parseFrameSection({ bytes, addr, kind }, warnings);
    if (fdes.length > 0) tables.push({ bytes, addr, fdes, starts: new Float64Array(fdes.map((f) => f.pcBegin)) });
  };
  try {
    const eh = ehFrameOf(elf);
    if (eh) add(eh.bytes, eh.addr, 'eh_frame');
    for (const file of debug ? [elf, debug] : [elf]) {
      const df = debugSection(file, '.debug_frame');
      if (df) {
        add(df, 0, 'debug_frame');
        break;
      }
    }
  } catch (e) {
    if (!(e instanceof DwarfError)) throw e;
    warnings.push(e.message);
  }

  const find = (pc: number): { table: FdeTable; fde: Fde } | undefined => {
    for (const table of tables) {
      const { starts, fdes } = table;
      const lo = upperBound(starts, pc);
      // FDEs may nest or overlap (hand-written assembly); look back a little.
      for (let i = lo - 1; i >= 0 && i >= lo - 4; i--) {
        if (pc < fdes[i].pcEnd) return { table, fde: fdes[i] };
      }
    }
    return undefined;
  };

  // Rows by file pc: stack traces revisit the same call sites all the time.
  const rows = new Map<number, CfiRow | null>();
  const rowFor = (pc: number): CfiRow | undefined => {
    const cached = rows.get(pc);
    if (cached !== undefined) return cached ?? undefined;
    const hit = find(pc);
    let row: CfiRow | null = null;
    if (hit) {
      try {
        row = rowAt(hit.table.bytes, hit.table.addr, hit.fde, pc);
      } catch (e) {
        if (!(e instanceof DwarfError)) throw e;
      }
    }
    if (rows.size >= 16384) rows.clear();
    rows.set(pc, row);
    return row ?? undefined;
  };

  const cfiStep = (regs: UnwindRegs, read: ReadU64, bounds?: StackBounds): UnwindFrame | undefined => {
    const row = rowFor(regs.rip - bias);
    return row && applyRow(row, regs, read, bounds);
  };
  return withFallbacks({
    covers: (pc) => find(pc - bias) !== undefined,
    cfiStep,
    fdeCount: tables.reduce((n, t) => n + t.fdes.length, 0),
    warnings,
  });
}

/** .eh_frame's bytes and address: by section header, else through PT_GNU_EH_FRAME. */
function ehFrameOf(elf: ElfFile): { bytes: Uint8Array; addr: number } | undefined {
  const s = sectionWithData(elf, '.eh_frame');
  if (s) return { bytes: elf.bytes.subarray(s.offset, s.offset + s.size), addr: s.addr };
  const hdrSeg = elf.segments.find((p) => p.type === PT_GNU_EH_FRAME);
  if (!hdrSeg) return undefined;
  const hdr = parseEhFrameHdr(elf.bytes.subarray(hdrSeg.offset, hdrSeg.offset + hdrSeg.filesz), hdrSeg.vaddr);
  const offset = fileOffsetOfVaddr(elf, hdr.ehFramePtr);
  const load = elf.segments.find((p) => p.type === PT_LOAD && hdr.ehFramePtr >= p.vaddr && hdr.ehFramePtr < p.vaddr + p.filesz);
  if (offset === undefined || !load) return undefined;
  // Without a section size, .eh_frame runs to its zero terminator, at most to the segment's end.
  const end = load.offset + load.filesz;
  return { bytes: elf.bytes.subarray(offset, end), addr: hdr.ehFramePtr };
}

function applyRow(row: CfiRow, regs: UnwindRegs, read: ReadU64, bounds?: StackBounds): UnwindFrame | undefined {
  const regValue = (n: number): bigint | undefined =>
    n === REG_RSP ? BigInt(regs.rsp) : n === REG_RBP ? BigInt(regs.rbp) : n === REG_RIP ? BigInt(regs.rip) : undefined;
  const readStack: MemoryReader = (addr) => {
    if (bounds && !(addr >= bounds.lo && addr <= bounds.hi - 8)) return undefined;
    return read(addr);
  };
  try {
    let cfa: number;
    if (row.cfa.kind === 'reg') {
      const base = regValue(row.cfa.reg);
      if (base === undefined) return undefined;
      cfa = Number(base) + row.cfa.offset;
    } else {
      cfa = Number(evaluate(row.cfa.expr, regValue, readStack));
    }
    const value = (rule: RegRule | undefined, current: number | undefined): number | undefined => {
      if (!rule || rule.kind === 'same') return current;
      switch (rule.kind) {
        case 'undefined': return undefined;
        case 'offset': return toNumber(readStack(cfa + rule.offset));
        case 'valOffset': return cfa + rule.offset;
        case 'register': {
          const v = regValue(rule.reg);
          return v === undefined ? undefined : Number(v);
        }
        case 'expression': return toNumber(readStack(Number(evaluate(rule.expr, regValue, readStack, BigInt(cfa)))));
        case 'valExpression': return Number(evaluate(rule.expr, regValue, readStack, BigInt(cfa)));
      }
    };
    // The return address has no "same value": an FDE that leaves it so describes no call.
    const raRule = row.regs.get(row.raReg);
    if (!raRule || raRule.kind === 'same') return undefined;
    const rip = value(raRule, undefined);
    if (rip === undefined) return undefined;
    // The psABI defines the CFA as the caller's rsp.
    const rspRule = row.regs.get(REG_RSP);
    const rsp = rspRule ? value(rspRule, regs.rsp) : cfa;
    if (rsp === undefined) return undefined;
    const rbpRule = row.regs.get(REG_RBP);
    const rbp = rbpRule?.kind === 'undefined' ? regs.rbp : value(rbpRule, regs.rbp);
    if (rbp === undefined) return undefined;
    return row.signalFrame ? { rip, rsp, rbp, how: 'cfi', signal: true } : { rip, rsp, rbp, how: 'cfi' };
  } catch (e) {
    if (e instanceof ExprError) return undefined;
    throw e;
  }
}

const toNumber = (v: bigint | undefined): number | undefined => (v === undefined ? undefined : Number(v));

type CfiOnly = Omit<Unwinder, 'unwindStep'>;

/** Adds Valgrind's fallbacks to a CFI stepper. */
function withFallbacks(u: CfiOnly): Unwinder {
  return {
    ...u,
    unwindStep(regs, read, bounds) {
      const cfi = u.cfiStep(regs, read, bounds);
      if (cfi) return endOfStack(cfi.rip) ? undefined : cfi;
      const inStack = (a: number, size: number): boolean => !bounds || (a >= bounds.lo && a <= bounds.hi - size);
      if (inStack(regs.rbp, 16)) {
        const ra = read(regs.rbp + 8);
        const saved = read(regs.rbp);
        if (ra !== undefined && saved !== undefined) {
          const rip = Number(ra);
          return endOfStack(rip) ? undefined : { rip, rsp: regs.rbp + 16, rbp: Number(saved), how: 'fp' };
        }
      }
      if (inStack(regs.rsp, 8)) {
        const ra = read(regs.rsp);
        if (ra !== undefined) {
          const rip = Number(ra);
          return endOfStack(rip) ? undefined : { rip, rsp: regs.rsp + 8, rbp: regs.rbp, how: 'sp' };
        }
      }
      return undefined;
    },
  };
}

/** Valgrind stops a trace at a return address of 0 or 1. */
const endOfStack = (rip: number): boolean => rip === 0 || rip === 1;

/**
 * One unwinder for a whole address space: CFI from whichever object covers
 * the pc, and the fallbacks only when none does.
 */
export function combineUnwinders(unwinders: readonly Unwinder[]): Unwinder {
  const owner = (pc: number): Unwinder | undefined => unwinders.find((u) => u.covers(pc));
  return withFallbacks({
    covers: (pc) => owner(pc) !== undefined,
    cfiStep: (regs, read, bounds) => owner(regs.rip)?.cfiStep(regs, read, bounds),
    fdeCount: unwinders.reduce((n, u) => n + u.fdeCount, 0),
    warnings: unwinders.flatMap((u) => u.warnings),
  });
}
