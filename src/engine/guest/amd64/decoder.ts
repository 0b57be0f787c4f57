// x86-64 instruction decoder: bytes in, `Instruction` out, driven by the opcode maps.
// It never throws on guest bytes: anything it cannot decode becomes `(bad)` with the
// bytes consumed so far, as objdump does, so a disassembly stays in step.
//
// The disassembly text (the printed mnemonic and the words for unused prefixes) is made
// only when something reads it: the lifter, which decodes every instruction it
// translates, never does.
import { FormFlag, formOf } from './forms.ts';
import type { Entry, InstrForm, OpcodeMap, OperandSpec, PrefixTable, Selector, SizeCode } from './forms.ts';
import type { GuestAddr, Instruction, MemOperand, Operand, Prefixes } from './instruction.ts';
import type { Reg, RegClass } from './registers.ts';
import { ONE_BYTE } from './opcodes/onebyte.ts';
import { MAP_0F } from './opcodes/map0f.ts';
import { MAP_0F38 } from './opcodes/map0f38.ts';
import { MAP_0F3A } from './opcodes/map0f3a.ts';
import { decodeEvex, foldVpcmpPredicate } from './evex.ts';

/** Architectural limit: a longer instruction raises #UD (objdump prints `(bad)`). */
export const MAX_INSN_LEN = 15;

/** Segment override prefix byte -> segment number (es cs ss ds fs gs), -1 for others. */
const SEG_PREFIX = new Int8Array(256).fill(-1);
[0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65].forEach((b, seg) => { SEG_PREFIX[b] = seg; });
const isSegPrefix = (b: number): boolean => SEG_PREFIX[b]! >= 0;

class BadInsn {}
const BAD = new BadInsn();

/** Mutable state while one instruction is decoded. */
export class DecodeState {
  p: number;
  readonly pfx: Prefixes = { lock: false, rep: false, repne: false, opsize: false, adsize: false, rex: 0 };
  /** Prefix bytes in encounter order with their offsets, for printing unused ones. */
  readonly prefixBytes: number[] = [];
  /** The last of F2/F3, which is the one that counts. */
  lastRep = 0;
  modrm = -1;
  opsize = 4;
  adsize = 8;
  /** Vector length in bytes (16 legacy / VEX.L=0, 32 VEX.L=1, 64 EVEX.L'L=2). */
  vl = 16;
  encoding: 'legacy' | 'vex' | 'evex' = 'legacy';
  /** Which prefixes the instruction consumed (the rest print as words). */
  used66 = false;
  usedRep = false;
  usedSeg = false;
  usedAdsize = false;
  rexUsed = 0;
  mem?: MemOperand;
  /** Pending relative branch displacement; made absolute when the length is known. */
  rel?: { op: { kind: 'rel'; target: GuestAddr }; disp: number };
  /** 66 selected an SSE form instead of changing the operand size. */
  mandatory66 = false;
  /** Offset just past the opcode byte: objdump ends a (bad) there, whatever ModRM bytes it read. */
  opcodeEnd = 0;
  /** SIB.index with REX.X, or -1 without a SIB byte: a VSIB operand reads 4 as xmm4. */
  sibIndex = -1;
  /** EVEX embedded broadcast: the element size in bytes (set by evex.ts), or 0. */
  bcst = 0;
  /** The form the text is made from (a `(bad)` x87 slot has one, but no Instruction.form). */
  form?: InstrForm;
  /** objdump's `{evex}`: an EVEX encoding of what VEX could have encoded (evex.ts). */
  evexWord = false;
  /** The opcode map the opcode indexes. */
  map: OpcodeMap = ONE_BYTE;

  constructor(readonly code: Uint8Array, readonly start: number, readonly addr: GuestAddr) {
    this.p = start;
  }

  byte(): number {
    if (this.p >= this.code.length || this.p - this.start >= MAX_INSN_LEN) throw BAD;
    return this.code[this.p++];
  }
  peek(): number {
    if (this.p >= this.code.length) throw BAD;
    return this.code[this.p];
  }
  le(n: number): number {
    let v = 0;
    for (let i = 0, scale = 1; i < n; i++, scale *= 256) v += this.byte() * scale;
    return v;
  }
  /** Little-endian unsigned value of n bytes, exact for 8-byte immediates and moffs. */
  leBig(n: number): bigint {
    let v = 0n;
    for (let i = 0; i < n; i++) v |= BigInt(this.byte()) << BigInt(8 * i);
    return v;
  }
  s8(): number { const b = this.byte(); return b >= 0x80 ? b - 0x100 : b; }
  s32(): number { return this.le(4) | 0; }

  get rexW(): boolean { return (this.pfx.rex & 8) !== 0; }
  rexBit(bit: number): number {
    if (this.pfx.rex & bit) this.rexUsed |= bit;
    return this.pfx.rex & bit ? 8 : 0;
  }
  readModRM(): number {
    if (this.modrm < 0) this.modrm = this.byte();
    return this.modrm;
  }
  get mod(): number { return this.readModRM() >> 6; }
  get regField(): number { return (this.readModRM() >> 3) & 7; }
  get rmField(): number { return this.readModRM() & 7; }
  /** ModRM.rm extended by REX.B, marking REX.B used; st(i), mm(i) and rm-selected forms
   *  read rmField, leaving REX.B to print as unused (`rex.B fnop`), as objdump does. */
  get rmReg(): number { return this.rmField | this.rexBit(1); }
}

/** Registers are shared, never changed once made: one object per register and width. */
const GPRS = new Array<Reg | undefined>(33 * 32);
const HIGH8S = new Array<Reg | undefined>(8);
const VECS = new Array<Reg | undefined>(65 * 32);

/** General register `num` (below 32) at `size` bytes (up to 32). */
function gpr(num: number, size: number): Reg {
  return GPRS[size * 32 + num] ??= { cls: 'gpr', num, size };
}

function gprOf(num: number, size: number, st: DecodeState): Reg {
  if (size === 1 && num >= 4 && num < 8) {
    if (st.pfx.rex) st.rexUsed |= 0x40; // REX turns ah..bh into spl..dil
    else return HIGH8S[num] ??= { cls: 'gpr', num, size, high8: true };
  }
  return gpr(num, size);
}

/** Parse ModRM's memory form (SIB, displacement); a register form is read through rmReg. */
function decodeModRM(st: DecodeState): void {
  const modrm = st.readModRM();
  const mod = modrm >> 6;
  const rmf = modrm & 7;
  if (mod === 3) return;
  const asz = st.adsize;
  st.usedAdsize = true;
  rexB(st); // objdump counts REX.B as used by any memory operand, even rip-relative or base-less
  const mem: MemOperand = { kind: 'mem', size: 0, scale: 1, disp: 0 };
  let baseNum = -1;
  let noBaseDisp32 = false;
  if (rmf === 4) {
    const sib = st.byte();
    const scale = (1 << (sib >> 6)) as 1 | 2 | 4 | 8;
    const idx = ((sib >> 3) & 7) | rexX(st);
    const base = sib & 7;
    st.sibIndex = idx;
    mem.scale = scale;
    if (idx !== 4) mem.index = gpr(idx, asz);
    else mem.sibNoIndex = true;
    if (base === 5 && mod === 0) noBaseDisp32 = true;
    else baseNum = base | rexB(st);
  } else if (rmf === 5 && mod === 0) {
    mem.ripRel = true;
    mem.base = { cls: 'rip', num: 0, size: asz };
  } else {
    baseNum = rmf | rexB(st);
  }
  if (baseNum >= 0) mem.base = gpr(baseNum, asz);
  if (mod === 1) { mem.disp = st.s8(); mem.dispSize = 1; }
  else if (mod === 2 || noBaseDisp32 || mem.ripRel) { mem.disp = st.s32(); mem.dispSize = 4; }
  st.mem = mem;
}

const rexB = (st: DecodeState) => st.rexBit(1);
const rexX = (st: DecodeState) => st.rexBit(2);
const rexR = (st: DecodeState) => st.rexBit(4);

/** Width in bytes of a GPR or memory operand of the given size code. */
function intSize(code: SizeCode, st: DecodeState): number {
  switch (code) {
    case 'b': return 1;
    case 'w': return 2;
    case 'd': return 4;
    case 'q': return 8;
    case 'v': useOpsize(st); return st.opsize;
    case 'z': useOpsize(st); return st.opsize === 2 ? 2 : 4;
    case 'y': if (st.rexW) st.rexUsed |= 8; return vexW(st) ? 8 : 4;
    case 't': return 10;
    case 'dq': return 16;
    case 'qq': return 32;
    case 'p': useOpsize(st); return st.opsize + 2;
    case 's': return 10;
    default: return 0;
  }
}

/** The operand size was consulted: REX.W decides it if present, else a 66 prefix does
 *  (so 66 with REX.W is an unused `data16`, as objdump shows it). */
function useOpsize(st: DecodeState): void {
  if (st.rexW) st.rexUsed |= 8;
  else st.used66 = true;
}

function vexW(st: DecodeState): boolean {
  return st.pfx.vex ? st.pfx.vex.w : st.pfx.evex ? st.pfx.evex.w : st.rexW;
}

/** Vector register width for V/H/U/L operands of the given size code. */
function vecRegSize(code: SizeCode, st: DecodeState): number {
  switch (code) {
    case 'x': case 'ps': case 'pd': return st.vl;
    case 'qq': return 32;
    case 'h': return Math.max(16, st.vl / 2);
    default: return 16;
  }
}

/** Memory access width of a W/M operand of a vector size code. */
function vecMemSize(code: SizeCode, st: DecodeState): number {
  switch (code) {
    case 'x': case 'ps': case 'pd': return st.vl;
    case 'h': return st.vl / 2;
    case 'oq': return st.vl / 4;
    case 'e': return st.vl / 8;
    case 'ss': return 4;
    case 'sd': return 8;
    default: return intSize(code, st);
  }
}

function vecClass(size: number): RegClass {
  return size === 64 ? 'zmm' : size === 32 ? 'ymm' : 'xmm';
}

function vec(num: number, size: number): Reg {
  return VECS[size * 32 + num] ??= { cls: vecClass(size), num, size };
}

function vvvv(st: DecodeState): number {
  return st.pfx.vex ? st.pfx.vex.vvvv : st.pfx.evex ? st.pfx.evex.vvvv : 0;
}

function memOp(st: DecodeState, size: number): MemOperand {
  if (!st.mem) throw BAD;
  if (st.bcst) { st.mem.bcst = size / st.bcst; size = st.bcst; } // {1toN}: one element is read
  st.mem.size = size;
  return st.mem;
}

function needMem(st: DecodeState): void {
  if (st.mod === 3) throw BAD;
}

function imm(st: DecodeState, bytes: number, size: number, signed: boolean): Operand {
  if (bytes > 4) return { kind: 'imm', size, value: st.leBig(bytes) };
  // Up to four bytes: read and sign-extended as a number (exact), made a bigint once.
  let v = st.le(bytes);
  if (signed && bytes < size && v >= 2 ** (8 * bytes - 1)) v -= 2 ** (8 * bytes);
  return { kind: 'imm', size, value: v < 0 ? BigInt.asUintN(size * 8, BigInt(v)) : BigInt(v) };
}

function decodeOperand(spec: OperandSpec, st: DecodeState, opcode: number): Operand | undefined {
  const m = spec.method;
  const sz = spec.size;
  switch (m) {
    case 'E':
      if (st.mod === 3) return { kind: 'reg', reg: gprOf(st.rmReg, intSize(sz, st), st) };
      return memOp(st, intSize(sz, st));
    case 'M':
      needMem(st);
      return memOp(st, sz === 'x' || sz === 'ps' || sz === 'pd' || sz === 'ss' || sz === 'sd' || sz === 'h'
        ? vecMemSize(sz, st) : intSize(sz, st));
    case 'R':
      return { kind: 'reg', reg: gprOf(st.rmReg, intSize(sz, st), st) };
    case 'G':
      return { kind: 'reg', reg: gprOf(st.regField | rexR(st), intSize(sz, st), st) };
    case 'Z':
      return { kind: 'reg', reg: gprOf((opcode & 7) | rexB(st), intSize(sz, st), st) };
    case 'B':
      return { kind: 'reg', reg: gpr(vvvv(st), intSize(sz, st)) };
    case 'S': {
      const n = st.regField;
      if (n > 5) throw BAD;
      return { kind: 'reg', reg: { cls: 'seg', num: n, size: 2 } };
    }
    case 'C': return { kind: 'reg', reg: { cls: 'cr', num: st.regField | rexR(st), size: 8 } };
    case 'D': return { kind: 'reg', reg: { cls: 'dr', num: st.regField | rexR(st), size: 8 } };
    case 'I': {
      if (sz === 'v' && st.opsize === 8) { useOpsize(st); return imm(st, 8, 8, false); }
      const bytes = intSize(sz, st);
      const opSize = sz === 'z' ? st.opsize : bytes;
      return imm(st, bytes, opSize, true);
    }
    case 'sI': {
      // sign-extended imm8 to the operand size (83 /n, 6B, 6A)
      const size = sz === 'b' ? intSize('v', st) : intSize(sz, st);
      return imm(st, 1, size, true);
    }
    case 'J': {
      const disp = sz === 'b' ? st.s8() : st.s32();
      const op = { kind: 'rel' as const, target: 0 };
      st.rel = { op, disp };
      return op;
    }
    case 'O': {
      const bytes = st.adsize;
      st.usedAdsize = true;
      const lo = st.leBig(bytes);
      return { kind: 'mem', size: intSize(sz, st), scale: 1, disp: 0, abs: lo };
    }
    case 'X': case 'Y': {
      const size = intSize(sz, st);
      st.usedAdsize = true;
      const reg = gpr(m === 'X' ? 6 : 7, st.adsize);
      const segNum = m === 'X' ? (st.pfx.seg ?? 3) : 0;
      if (m === 'X' && st.pfx.seg !== undefined) st.usedSeg = true;
      return { kind: 'mem', size, scale: 1, disp: 0, base: reg, seg: { cls: 'seg', num: segNum, size: 2 } };
    }
    case 'V':
      return { kind: 'reg', reg: vec(st.regField | rexR(st) | evexRHigh(st), vecRegSize(sz, st)) };
    case 'H':
      if (st.encoding === 'legacy') return undefined;
      return { kind: 'reg', reg: vec(vvvv(st), vecRegSize(sz, st)) };
    case 'U':
      if (st.mod !== 3) throw BAD;
      return { kind: 'reg', reg: vec(st.rmReg | evexXHigh(st), vecRegSize(sz, st)) };
    case 'W':
      if (st.mod === 3) {
        const size = sz === 'qq' ? 32 : sz === 'x' || sz === 'ps' || sz === 'pd' ? st.vl
          : sz === 'h' ? Math.max(16, st.vl / 2) : 16;
        return { kind: 'reg', reg: vec(st.rmReg | evexXHigh(st), size) };
      }
      return memOp(st, vecMemSize(sz, st));
    case 'VM': {
      // VSIB (gathers): needs a SIB byte; each element is a dword or, with W1, a qword.
      if (st.mod === 3 || st.sibIndex < 0) throw BAD;
      const m = memOp(st, vexW(st) ? 8 : 4);
      m.index = vec(st.sibIndex | (vvvv(st) & 16), vecRegSize(sz, st)); // EVEX.V' extends the index
      m.sibNoIndex = undefined;
      return m;
    }
    case 'L': {
      const b = st.byte();
      return { kind: 'reg', reg: vec(b >> 4, vecRegSize(sz, st)) };
    }
    case 'P': return { kind: 'reg', reg: { cls: 'mmx', num: st.regField, size: 8 } };
    case 'N':
      if (st.mod !== 3) throw BAD;
      return { kind: 'reg', reg: { cls: 'mmx', num: st.rmField, size: 8 } };
    case 'Q':
      if (st.mod === 3) return { kind: 'reg', reg: { cls: 'mmx', num: st.rmField, size: 8 } };
      return memOp(st, intSize(sz, st));
    case 'KG': return { kind: 'reg', reg: { cls: 'k', num: st.regField, size: 8 } };
    case 'KV': return { kind: 'reg', reg: { cls: 'k', num: vvvv(st) & 7, size: 8 } };
    case 'KE':
      if (st.mod === 3) return { kind: 'reg', reg: { cls: 'k', num: st.rmReg & 7, size: 8 } };
      return memOp(st, intSize(sz, st));
    case 'fixed': return fixedOperand(spec.fixed!, st);
  }
  throw new Error(`decoder: unknown operand method ${m}`);
}

/** EVEX R' and X extend V and the register form of W to zmm16..31. */
function evexRHigh(st: DecodeState): number {
  return st.pfx.evex?.rHigh ? 16 : 0;
}
function evexXHigh(st: DecodeState): number {
  return st.pfx.evex?.xHigh && st.mod === 3 ? 16 : 0;
}

function fixedOperand(name: string, st: DecodeState): Operand {
  switch (name) {
    case 'AL': return { kind: 'reg', reg: gpr(0, 1) };
    case 'CL': return { kind: 'reg', reg: gpr(1, 1) };
    case 'DX': return { kind: 'reg', reg: gpr(2, 2) };
    case 'AX': return { kind: 'reg', reg: gpr(0, 2) };
    case 'rAX': return { kind: 'reg', reg: gpr(0, intSize('v', st)) };
    case 'eAX': return { kind: 'reg', reg: gpr(0, intSize('z', st)) };
    case 'DXport': return { kind: 'port' };
    case 'XMM0': return { kind: 'reg', reg: { cls: 'xmm', num: 0, size: 16 } };
    case 'ST0': return { kind: 'reg', reg: { cls: 'st', num: 0, size: 10, stTop: true } };
    case 'STi': return { kind: 'reg', reg: { cls: 'st', num: st.rmField, size: 10 } };
    case '1': return { kind: 'one' };
    case 'XLAT': {
      st.usedAdsize = true;
      if (st.pfx.seg !== undefined) st.usedSeg = true;
      return { kind: 'mem', size: 1, scale: 1, disp: 0, base: gpr(3, st.adsize),
        seg: { cls: 'seg', num: st.pfx.seg ?? 3, size: 2 } };
    }
    default: {
      const seg = ['ES', 'CS', 'SS', 'DS', 'FS', 'GS'].indexOf(name);
      if (seg >= 0) return { kind: 'reg', reg: { cls: 'seg', num: seg, size: 2 } };
      throw new Error(`decoder: unknown fixed operand ${name}`);
    }
  }
}

/** A place an entry sits: an opcode map or a selector, and its key there. */
type Slot = Record<number | string, Entry>;

/**
 * Walk selectors down from `holder[key]` to a form. A table string met on the way is
 * parsed (formOf) and its slot then holds the form itself, so the next instruction with
 * that opcode finds it without looking the string up.
 */
export function resolve(holder: Slot, key: number | string, st: DecodeState): InstrForm {
  for (;;) {
    const entry = holder[key];
    if (entry === undefined) throw BAD;
    if (typeof entry === 'string') return (holder[key] = formOf(entry));
    // Not `'sel' in entry`: among the many shapes of selectors, a load is the cheaper test.
    if ((entry as Partial<Selector>).sel === undefined) return entry as InstrForm;
    const s = entry as Selector;
    holder = s as unknown as Slot;
    switch (s.sel) {
      case 'reg': holder = s.of as unknown as Slot; key = st.regField; break;
      case 'mod': key = st.mod === 3 ? 'reg' : 'mem'; break;
      case 'rm':
        if (st.mod !== 3) throw BAD;
        holder = s.of as unknown as Slot;
        key = st.rmField;
        break;
      case 'w': if (st.rexW) st.rexUsed |= 8; key = vexW(st) ? 'w1' : 'w0'; break;
      // EVEX.512 takes the wide (VEX.L1) side unless l2 is given: vmovddup zmm reads a
      // full vector as ymm does.
      case 'l': key = st.vl === 16 ? 'l0' : st.vl === 64 && s.l2 !== undefined ? 'l2' : 'l1'; break;
      case 'osize':
        useOpsize(st);
        key = st.opsize === 8 ? 'o64' : st.opsize === 2 ? 'o16' : 'o32';
        break;
      case 'asize': st.usedAdsize = true; key = st.adsize === 4 ? 'a32' : 'a64'; break;
      case 'rexb': key = st.rexBit(1) ? 'b1' : 'b0'; break;
      case 'enc': key = st.encoding === 'legacy' ? 'legacy' : 'vex'; break;
      case 'pfx': key = selectByPrefix(s, st); break;
    }
  }
}

const BY_PP = ['none', 'p66', 'pf3', 'pf2'] as const;

/** The key of the form a mandatory prefix selects. */
function selectByPrefix(e: PrefixTable, st: DecodeState): keyof PrefixTable {
  if (st.encoding !== 'legacy') return BY_PP[st.pfx.vex?.pp ?? st.pfx.evex?.pp ?? 0]!;
  if (st.lastRep) {
    const key = st.lastRep === 0xf3 ? 'pf3' : 'pf2';
    if (e[key] !== undefined) { st.usedRep = true; return key; }
    if (e.only) throw BAD;
  }
  if (st.pfx.opsize && e.p66 !== undefined) {
    st.used66 = true;
    st.mandatory66 = true;
    st.opsize = st.rexW ? 8 : 4;
    return 'p66';
  }
  if (st.pfx.opsize && e.only) throw BAD;
  return 'none';
}

/** Reads the opcode (after any 0F escapes): sets st.map to the map it indexes. */
function readOpcode(st: DecodeState): number {
  const b = st.byte();
  // An x87 escape's (bad) keeps its ModRM byte in objdump.
  st.opcodeEnd = st.p + (b >= 0xd8 && b <= 0xdf ? 1 : 0);
  st.map = ONE_BYTE;
  if (b !== 0x0f) return b;
  const b2 = st.byte();
  st.opcodeEnd = st.p;
  st.map = b2 === 0x38 ? MAP_0F38 : b2 === 0x3a ? MAP_0F3A : MAP_0F;
  if (b2 !== 0x38 && b2 !== 0x3a) return b2;
  const b3 = st.byte();
  st.opcodeEnd = st.p;
  return b3;
}

const VEX_MAPS: Record<number, OpcodeMap> = { 1: MAP_0F, 2: MAP_0F38, 3: MAP_0F3A };

/** C4/C5: the VEX prefix replaces REX, 66/F2/F3 and the 0F escape bytes. Reads the
 *  opcode and sets st.map, as readOpcode does. */
function readVexOpcode(st: DecodeState, first: number): number {
  if (st.pfx.opsize || st.lastRep || st.pfx.lock) throw BAD;
  // A REX before VEX is ignored by the CPU; objdump shows it as an unused prefix word.
  if (st.pfx.rex) st.prefixBytes.push(st.pfx.rex);
  const b1 = st.byte();
  let map = 1;
  let wBit = false;
  let last = b1;
  let rex = (b1 & 0x80) ? 0 : 4;
  if (first === 0xc4) {
    rex |= ((b1 & 0x40) ? 0 : 2) | ((b1 & 0x20) ? 0 : 1);
    map = b1 & 0x1f;
    last = st.byte();
    wBit = (last & 0x80) !== 0;
  }
  st.pfx.vex = { map, w: wBit, l: (last >> 2) & 1, vvvv: (~last >> 3) & 0xf, pp: last & 3 };
  st.pfx.rex = rex ? 0x40 | rex | (wBit ? 8 : 0) : wBit ? 0x48 : 0;
  st.rexUsed = 0x4f; // VEX's R/X/B/W never print as a rex word
  st.encoding = 'vex';
  st.vl = st.pfx.vex.l ? 32 : 16;
  const table = VEX_MAPS[map];
  if (!table) throw BAD;
  st.map = table;
  const opcode = st.byte();
  st.opcodeEnd = st.p;
  return opcode;
}

function readPrefixes(st: DecodeState): void {
  for (;;) {
    const b = st.peek();
    if (b === 0xf0) st.pfx.lock = true;
    else if (b === 0xf2 || b === 0xf3) st.lastRep = b;
    else if (b === 0x66) st.pfx.opsize = true;
    else if (b === 0x67) st.pfx.adsize = true;
    else if (isSegPrefix(b)) st.pfx.seg = SEG_PREFIX[b];
    else if (b >= 0x40 && b <= 0x4f) {
      // REX counts only directly before the opcode; an earlier one is an unused prefix.
      st.byte();
      const next = st.peek();
      if (isLegacyPrefix(next) || (next >= 0x40 && next <= 0x4f)) { st.prefixBytes.push(b); continue; }
      st.pfx.rex = b;
      return;
    } else if (b === 0x9b) {
      // objdump takes fwait as a prefix when an x87 escape follows (9B D9 /7 is one fstcw);
      // after other prefixes or a first 9B it ends the prefixes. Else it is fwait itself.
      const last = st.pfx.fwait || st.prefixBytes.length > 0;
      const op = opcodeAfterFwait(st, last);
      if (op < 0xd8 || op > 0xdf) return;
      st.byte();
      st.pfx.fwait = true;
      if (last) return;
      continue;
    } else return;
    st.prefixBytes.push(b);
    st.byte();
  }
}

/** The opcode byte after the 9B at st.p: the next byte if this 9B ends the prefixes, else
 *  the byte after any further legacy and REX prefixes and at most one more 9B. */
function opcodeAfterFwait(st: DecodeState, last: boolean): number {
  const code = st.code;
  let q = st.p + 1;
  if (!last) {
    while (q < code.length && (isLegacyPrefix(code[q]) || (code[q] >= 0x40 && code[q] <= 0x4f))) q++;
    if (code[q] === 0x9b) q++;
  }
  return q < code.length ? code[q] : -1;
}

function isLegacyPrefix(b: number): boolean {
  return b === 0xf0 || b === 0xf2 || b === 0xf3 || b === 0x66 || b === 0x67 || isSegPrefix(b);
}

function checkForm(form: InstrForm, st: DecodeState): void {
  const f = form.flags;
  if (st.encoding === 'vex' && !(f & (FormFlag.Dual | FormFlag.VexOnly))) throw BAD;
  if (st.encoding === 'legacy' && (f & FormFlag.VexOnly)) throw BAD;
  if ((f & FormFlag.RegOnly) && st.mod !== 3) throw BAD;
  if ((f & FormFlag.MemOnly) && st.mod === 3) throw BAD;
  // VEX.vvvv must be 1111b when no operand reads it; objdump prints (bad) otherwise.
  if (st.encoding === 'vex' && st.pfx.vex!.vvvv !== 0 && !form.ops.some(readsVvvv)) throw BAD;
}

const readsVvvv = (o: OperandSpec): boolean => o.method === 'H' || o.method === 'B' || o.method === 'KV';

function operandSize(form: InstrForm, st: DecodeState): number {
  if (form.flags & FormFlag.F64) return 8;
  if (st.rexW) return 8;
  if (st.pfx.opsize && !st.mandatory66) return 2;
  return form.flags & FormFlag.D64 ? 8 : 4;
}

/** Decode one instruction at `code[offset]`, located at guest address `addr`. */
export function decode(code: Uint8Array, offset: number, addr: GuestAddr): Instruction {
  const st = new DecodeState(code, offset, addr);
  try {
    const ins = decodeOrThrow(st);
    // Making the text marks an imm8 that the mnemonic names (cmpltps) as not printed as
    // an operand: for such forms make it now, so that the operands do not depend on
    // whether the mnemonic was read first.
    if (st.form && st.form.flags & FormFlag.FoldsImm) ins.makeText();
    return ins;
  } catch (e) {
    if (e !== BAD) throw e;
    const end = st.opcodeEnd || st.p;
    return badInstruction(st, Math.max(1, Math.min(end - st.start, MAX_INSN_LEN, st.code.length - st.start)));
  }
}

/** The printed text of an instruction. */
interface InstructionText {
  mnemonic: string;
  prefixWords: readonly string[];
}

const BAD_TEXT: InstructionText = { mnemonic: '(bad)', prefixWords: [] };

/** What decode returns: the decoded facts as plain fields, and the disassembly text,
 *  which only printers read, made when first asked for by decoding the bytes again (the
 *  translation cache keeps every instruction, and a decode state is several times the
 *  size of the rest). (Getters: a copy by spreading or structuredClone has no text.) */
class DecodedInstruction implements Instruction {
  mask?: { k: number; zero: boolean } = undefined;
  rounding?: string = undefined;
  private text: InstructionText | undefined;
  /** Until the text is made: the bytes decoded, and where the instruction starts in them. */
  private code: Uint8Array | undefined;
  private start = 0;

  constructor(
    st: DecodeState | InstructionText,
    readonly addr: GuestAddr,
    readonly len: number,
    readonly form: InstrForm | undefined,
    readonly operands: Operand[],
    readonly opsize: number,
    readonly adsize: number,
    readonly prefixes: Prefixes,
  ) {
    if (st instanceof DecodeState) { this.code = st.code; this.start = st.start; }
    else this.text = st;
  }

  get mnemonic(): string {
    return this.makeText().mnemonic;
  }

  get prefixWords(): readonly string[] {
    return this.makeText().prefixWords;
  }

  makeText(): InstructionText {
    if (!this.text) {
      const st = new DecodeState(this.code!, this.start, this.addr);
      this.text = instructionText((decodeOrThrow(st), st), this.operands);
      this.code = undefined;
    }
    return this.text;
  }
}

export type { DecodedInstruction };

/** objdump's `(bad)`: `len` bytes, no operands. */
export function badInstruction(st: DecodeState, len: number): DecodedInstruction {
  return new DecodedInstruction(BAD_TEXT, st.addr, len, undefined, [], 4, 8, st.pfx);
}

function decodeOrThrow(st: DecodeState): DecodedInstruction {
  readPrefixes(st);
  st.pfx.rep = st.lastRep === 0xf3;
  st.pfx.repne = st.lastRep === 0xf2;
  st.opsize = st.rexW ? 8 : st.pfx.opsize ? 2 : 4;
  st.adsize = st.pfx.adsize ? 4 : 8;
  const first = st.peek();
  let opcode: number;
  if (first === 0xc4 || first === 0xc5) { st.byte(); opcode = readVexOpcode(st, first); }
  else if (first === 0x62) { st.byte(); return decodeEvex(st); }
  else opcode = readOpcode(st);
  return finishDecode(st, resolve(st.map, opcode, st), opcode);
}

/** Operands, sizes and prefix bookkeeping for a resolved form (shared with EVEX). */
export function finishDecode(st: DecodeState, form: InstrForm, opcode: number): DecodedInstruction {
  checkForm(form, st);
  st.form = form;
  st.opsize = operandSize(form, st);
  if ((form.flags & FormFlag.ModRM) || st.modrm >= 0) decodeModRM(st);
  const operands: Operand[] = [];
  for (const spec of form.ops) {
    const op = decodeOperand(spec, st, opcode);
    if (op) operands.push(op);
  }
  if (st.mem && st.pfx.seg !== undefined && st.pfx.seg >= 4) {
    st.mem.seg = { cls: 'seg', num: st.pfx.seg, size: 2 };
    st.usedSeg = true;
  }
  const len = st.p - st.start;
  if (st.rel) st.rel.op.target = st.addr + len + st.rel.disp;
  // objdump's `(bad)` x87 memory forms (D9 /1 ...) take their address bytes but stay bad.
  return new DecodedInstruction(st, st.addr, len, form.mnem === '(bad)' ? undefined : form, operands, st.opsize, st.adsize, st.pfx);
}

export { BAD as DECODE_BAD };

/** The printed mnemonic and the words for prefixes the instruction did not consume. */
function instructionText(st: DecodeState, ops: Operand[]): InstructionText {
  const form = st.form!;
  let mnem = form.mnem;
  if ((form.flags & FormFlag.Dual) && st.encoding === 'legacy') mnem = mnem.slice(1);
  if (mnem.includes('%R')) { useOpsize(st); mnem = mnem.replace('%R', SUFFIX[st.opsize]); }
  if (mnem.includes('%C')) mnem = foldPredicate(mnem, ops, st);
  if (mnem.includes('%P')) mnem = foldClmulSelector(mnem, ops);
  if (mnem.includes('%N')) mnem = mnem.replace('%N', st.pfx.fwait ? '' : 'n');
  if (mnem.includes('%I')) mnem = foldVpcmpPredicate(mnem, ops);
  if (form.flags & FormFlag.AutoSuffix) {
    const mem = ops.find((o) => o.kind === 'mem');
    // A ymm/zmm destination also tells the source width (EVEX vcvtpd2ps zmm: no suffix),
    // and so does a {1toN} broadcast.
    const sizingReg = ops.some((o) => o.kind === 'reg' && (o.reg.cls === 'gpr' ? !isFixedNonSizing(o, form)
      : o.reg.cls === 'ymm' || o.reg.cls === 'zmm'));
    if (mem && !sizingReg && !(mem as MemOperand).bcst) mnem += SUFFIX[(mem as MemOperand).size] ?? '';
  }
  const words: string[] = [];
  const bytes = st.prefixBytes;
  const last66 = bytes.lastIndexOf(0x66);
  const lastRepIdx = Math.max(bytes.lastIndexOf(0xf2), bytes.lastIndexOf(0xf3));
  const lastSeg = bytes.reduce((acc, b, i) => (isSegPrefix(b) ? i : acc), -1);
  bytes.forEach((b, i) => {
    switch (b) {
      case 0xf0: words.push('lock'); break;
      case 0xf2: case 0xf3:
        if (i === lastRepIdx && st.usedRep) break;
        if (i === lastRepIdx && (form.flags & FormFlag.Bnd) && b === 0xf2) { words.push('bnd'); break; }
        if (i === lastRepIdx && (form.flags & FormFlag.Rep)) { words.push(b === 0xf3 ? 'rep' : 'repnz'); break; }
        words.push(b === 0xf3 ? 'repz' : 'repnz');
        break;
      case 0x66: if (!(i === last66 && st.used66)) words.push('data16'); break;
      case 0x67: if (!st.usedAdsize) words.push('addr32'); break;
      default:
        if (isSegPrefix(b)) {
          if (i === lastSeg && st.usedSeg) break;
          if (b === 0x3e && i === lastSeg && (form.flags & FormFlag.NoTrack)) { words.push('notrack'); break; }
          words.push(['es', 'cs', 'ss', 'ds', 'fs', 'gs'][SEG_PREFIX[b]!]!);
        } else {
          words.push(rexWord(b));
        }
    }
  });
  const rex = st.pfx.rex;
  if (rex && st.encoding === 'legacy' && (((rex & 0xf) & ~st.rexUsed) || (rex === 0x40 && !(st.rexUsed & 0x40)))) {
    words.push(rexWord(rex));
  }
  // objdump marks an EVEX encoding that VEX could have expressed as well.
  if (st.evexWord) words.push('{evex}');
  return { mnemonic: mnem, prefixWords: words };
}

function rexWord(b: number): string {
  const bits = (b & 8 ? 'W' : '') + (b & 4 ? 'R' : '') + (b & 2 ? 'X' : '') + (b & 1 ? 'B' : '');
  return bits ? `rex.${bits}` : 'rex';
}

/** CL of the shift forms and DX of in/out do not set the AT&T suffix. */
function isFixedNonSizing(o: Operand, form: InstrForm): boolean {
  if (o.kind !== 'reg' || o.reg.cls !== 'gpr') return false;
  return form.ops.some((s) => s.method === 'fixed' && s.fixed === 'CL') && o.reg.num === 1 && o.reg.size === 1;
}

/** The compare predicates of cmpps/vcmpps (imm8 0-31; legacy SSE defines 0-7). */
const CMP_PREDICATES = ['eq', 'lt', 'le', 'unord', 'neq', 'nlt', 'nle', 'ord',
  'eq_uq', 'nge', 'ngt', 'false', 'neq_oq', 'ge', 'gt', 'true',
  'eq_os', 'lt_oq', 'le_oq', 'unord_s', 'neq_us', 'nlt_uq', 'nle_uq', 'ord_s',
  'eq_us', 'nge_uq', 'ngt_uq', 'false_os', 'neq_os', 'ge_oq', 'gt_oq', 'true_us'];

/** `%C`: objdump names a defined predicate in the mnemonic (cmpltps) and drops the imm8. */
function foldPredicate(mnem: string, ops: Operand[], st: DecodeState): string {
  const imm = ops[ops.length - 1];
  if (imm.kind !== 'imm') throw new Error(`decoder: %C needs a trailing imm8 (${mnem})`);
  const n = Number(imm.value);
  if (n >= (st.encoding === 'legacy' ? 8 : 32)) return mnem.replace('%C', '');
  imm.inMnemonic = true;
  return mnem.replace('%C', CMP_PREDICATES[n]);
}

const CLMUL_SELECTORS: Record<number, string> = { 0x00: 'lqlq', 0x01: 'hqlq', 0x10: 'lqhq', 0x11: 'hqhq' };

/** `%P`: objdump names pclmulqdq's four quadword selections (pclmulhqlqdq) and drops the
 *  imm8; other imm8 values print as pclmulqdq $imm. */
function foldClmulSelector(mnem: string, ops: Operand[]): string {
  const imm = ops[ops.length - 1];
  if (imm.kind !== 'imm') throw new Error(`decoder: %P needs a trailing imm8 (${mnem})`);
  const sel = CLMUL_SELECTORS[Number(imm.value)];
  if (sel === undefined) return mnem.replace('%P', 'q');
  imm.inMnemonic = true;
  return mnem.replace('%P', sel);
}

const SUFFIX: Record<number, string> = { 1: 'b', 2: 'w', 4: 'l', 8: 'q', 16: 'x', 32: 'y', 64: 'z' };
