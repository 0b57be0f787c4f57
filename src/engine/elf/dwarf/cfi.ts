// Call frame information: .eh_frame (LSB / x86-64 psABI) and .debug_frame
// (DWARF 5 section 6.4): CIEs, FDEs, pointer encodings, and the CFA program
// that yields the register rules at an address.

import { DwarfError, DwarfReader, hex } from './reader.ts';

// Pointer encodings (DW_EH_PE_*): low nibble is the format, high the application.
export const DW_EH_PE_absptr = 0x00;
export const DW_EH_PE_uleb128 = 0x01;
export const DW_EH_PE_udata2 = 0x02;
export const DW_EH_PE_udata4 = 0x03;
export const DW_EH_PE_udata8 = 0x04;
export const DW_EH_PE_sleb128 = 0x09;
export const DW_EH_PE_sdata2 = 0x0a;
export const DW_EH_PE_sdata4 = 0x0b;
export const DW_EH_PE_sdata8 = 0x0c;
export const DW_EH_PE_pcrel = 0x10;
export const DW_EH_PE_textrel = 0x20;
export const DW_EH_PE_datarel = 0x30;
export const DW_EH_PE_funcrel = 0x40;
export const DW_EH_PE_aligned = 0x50;
export const DW_EH_PE_indirect = 0x80;
export const DW_EH_PE_omit = 0xff;

/** Bases that relative pointer encodings add to. */
export interface PointerBases {
  /** Address of the section's first byte (pcrel adds the field's address). */
  section: number;
  text?: number;
  data?: number;
  func?: number;
}

/**
 * Reads a pointer encoded with `enc` at the reader's position. `indirect`
 * pointers (a pointer to the value) cannot be followed here and throw.
 */
export function readEncoded(r: DwarfReader, enc: number, bases: PointerBases, addrSize = 8): number {
  if (enc === DW_EH_PE_omit) throw new DwarfError('omitted pointer read');
  const fieldAddr = bases.section + r.pos;
  let value: number;
  switch (enc & 0x0f) {
    case DW_EH_PE_absptr: value = addrSize === 4 ? r.u32() : r.u64(); break;
    case DW_EH_PE_uleb128: value = r.uleb(); break;
    case DW_EH_PE_udata2: value = r.u16(); break;
    case DW_EH_PE_udata4: value = r.u32(); break;
    case DW_EH_PE_udata8: value = r.u64(); break;
    case DW_EH_PE_sleb128: value = r.sleb(); break;
    case DW_EH_PE_sdata2: value = r.s16(); break;
    case DW_EH_PE_sdata4: value = r.s32(); break;
    case DW_EH_PE_sdata8: value = r.s64(); break;
    default: throw new DwarfError(`unknown pointer format ${hex(enc)}`);
  }
  switch (enc & 0x70) {
    case 0: break;
    case DW_EH_PE_pcrel: value += fieldAddr; break;
    case DW_EH_PE_textrel: value += need(bases.text, 'textrel'); break;
    case DW_EH_PE_datarel: value += need(bases.data, 'datarel'); break;
    case DW_EH_PE_funcrel: value += need(bases.func, 'funcrel'); break;
    default: throw new DwarfError(`unsupported pointer application ${hex(enc)}`);
  }
  if (enc & DW_EH_PE_indirect) throw new DwarfError('indirect pointer encoding');
  // sdata8 and pcrel arithmetic past 2^64 wrap; addresses here stay below 2^53.
  return value >= 2 ** 64 ? value - 2 ** 64 : value;
}

function need(base: number | undefined, what: string): number {
  if (base === undefined) throw new DwarfError(`${what} pointer with no base`);
  return base;
}

export interface Cie {
  offset: number;
  version: number;
  augmentation: string;
  codeAlign: number;
  dataAlign: number;
  raReg: number;
  /** FDE pointer encoding ('R'). */
  fdeEncoding: number;
  lsdaEncoding: number;
  /** 'S': the FDEs describe signal frames, whose pc is not a return address. */
  signalFrame: boolean;
  /** Whether FDEs carry augmentation data ('z'). */
  hasAugData: boolean;
  addrSize: number;
  /** The initial instructions: [start, end) in the section. */
  insStart: number;
  insEnd: number;
}

export interface Fde {
  offset: number;
  cie: Cie;
  pcBegin: number;
  pcEnd: number;
  insStart: number;
  insEnd: number;
}

export interface FrameSection {
  bytes: Uint8Array;
  /** Address of the section (for pcrel). */
  addr: number;
  kind: 'eh_frame' | 'debug_frame';
}

/**
 * Every FDE of a .eh_frame or .debug_frame section, sorted by start. CIEs
 * and FDEs that do not parse are skipped and reported in `warnings`.
 */
export function parseFrameSection(s: FrameSection, warnings: string[] = []): Fde[] {
  const eh = s.kind === 'eh_frame';
  const cies = new Map<number, Cie>();
  const fdes: Fde[] = [];
  const r = new DwarfReader(s.bytes);
  const bases: PointerBases = { section: s.addr };

  while (r.pos + 4 <= s.bytes.length) {
    const offset = r.pos;
    let length = r.u32();
    // A zero length terminates .eh_frame (crtend.o's terminator).
    if (length === 0) {
      if (eh) break;
      continue;
    }
    let offsetSize: 4 | 8 = 4;
    if (length === 0xffffffff) {
      length = r.u64();
      offsetSize = 8;
    }
    const end = r.pos + length;
    if (end > s.bytes.length) {
      warnings.push(`${s.kind} entry at ${hex(offset)} runs past the section end`);
      break;
    }
    try {
      const er = new DwarfReader(s.bytes, r.pos, end);
      const idPos = er.pos;
      const id = offsetSize === 8 ? er.u64() : er.u32();
      const isCie = eh ? id === 0 : id === debugFrameCieId(offsetSize);
      if (isCie) {
        cies.set(offset, parseCie(er, offset, end, eh, bases));
      } else {
        // .eh_frame: distance back from the id field; .debug_frame: section offset.
        const cieOffset = eh ? idPos - id : id;
        let cie = cies.get(cieOffset);
        if (!cie) {
          // A CIE may follow its FDEs in .debug_frame; parse it where it is.
          const cr = new DwarfReader(s.bytes, cieOffset);
          const len = cr.unitLength();
          const cid = len.offsetSize === 8 ? cr.u64() : cr.u32();
          if (eh ? cid !== 0 : cid !== debugFrameCieId(len.offsetSize)) {
            throw new DwarfError(`FDE's CIE pointer ${hex(cieOffset)} does not point at a CIE`);
          }
          cie = parseCie(cr, cieOffset, len.end, eh, bases);
          cies.set(cieOffset, cie);
        }
        const fde = parseFde(er, offset, end, cie, bases);
        if (fde.pcEnd > fde.pcBegin) fdes.push(fde);
      }
    } catch (e) {
      if (!(e instanceof DwarfError)) throw e;
      warnings.push(`${s.kind} entry at ${hex(offset)}: ${e.message}`);
    }
    r.pos = end;
  }
  fdes.sort((a, b) => a.pcBegin - b.pcBegin);
  return fdes;
}

/** .debug_frame marks a CIE with an all-ones id (as DwarfReader.u64 rounds it: 2^64). */
const debugFrameCieId = (offsetSize: 4 | 8): number => (offsetSize === 8 ? 2 ** 64 : 0xffffffff);

function parseCie(r: DwarfReader, offset: number, end: number, eh: boolean, bases: PointerBases): Cie {
  r.end = end;
  const version = r.u8();
  if (version !== 1 && version !== 3 && version !== 4) throw new DwarfError(`CIE version ${version}`);
  const augmentation = r.cstr();
  let addrSize = 8;
  if (!eh && version >= 4) {
    addrSize = r.u8();
    r.u8(); // segment selector size
  }
  // GCC 2.x's "eh" augmentation carries an exception table pointer here.
  if (augmentation.includes('eh')) r.skip(addrSize);
  const codeAlign = r.uleb();
  const dataAlign = r.sleb();
  const raReg = version === 1 ? r.u8() : r.uleb();
  const cie: Cie = {
    offset, version, augmentation, codeAlign, dataAlign, raReg, addrSize,
    fdeEncoding: DW_EH_PE_absptr,
    lsdaEncoding: DW_EH_PE_omit,
    signalFrame: false,
    hasAugData: false,
    insStart: 0,
    insEnd: end,
  };
  if (augmentation.startsWith('z')) {
    cie.hasAugData = true;
    const len = r.uleb();
    const augEnd = r.pos + len;
    for (const c of augmentation.slice(1)) {
      if (c === 'R') cie.fdeEncoding = r.u8();
      else if (c === 'L') cie.lsdaEncoding = r.u8();
      else if (c === 'P') {
        // The personality routine is the C++ runtime's business: skip its pointer by format alone.
        readEncoded(r, r.u8() & 0x0f, bases, addrSize);
      } else if (c === 'S') cie.signalFrame = true;
      else if (c === 'B' || c === 'G') continue; // AArch64 pointer authentication and MTE.
      else break; // Unknown: augmentation data length lets us skip the rest.
    }
    r.pos = augEnd;
  } else if (augmentation !== '' && !augmentation.includes('eh')) {
    throw new DwarfError(`unknown augmentation "${augmentation}"`);
  }
  cie.insStart = r.pos;
  return cie;
}

function parseFde(r: DwarfReader, offset: number, end: number, cie: Cie, bases: PointerBases): Fde {
  r.end = end;
  const pcBegin = readEncoded(r, cie.fdeEncoding, bases, cie.addrSize);
  // The range has the encoding's format but no application (it is a length).
  const pcRange = readEncoded(r, cie.fdeEncoding & 0x0f, bases, cie.addrSize);
  if (cie.hasAugData) r.skip(r.uleb());
  return { offset, cie, pcBegin, pcEnd: pcBegin + pcRange, insStart: r.pos, insEnd: end };
}

/**
 * .eh_frame_hdr (LSB): the address of .eh_frame and a sorted table of
 * (initial location, FDE address) pairs for binary search, both encoded
 * relative to the header itself (datarel) in practice.
 */
export interface EhFrameHdr {
  ehFramePtr: number;
  table: Array<{ pc: number; fde: number }>;
}

export function parseEhFrameHdr(bytes: Uint8Array, addr: number): EhFrameHdr {
  const r = new DwarfReader(bytes);
  const version = r.u8();
  if (version !== 1) throw new DwarfError(`.eh_frame_hdr version ${version}`);
  const ptrEnc = r.u8();
  const countEnc = r.u8();
  const tableEnc = r.u8();
  const bases: PointerBases = { section: addr, data: addr };
  const ehFramePtr = readEncoded(r, ptrEnc, bases);
  const table: EhFrameHdr['table'] = [];
  if (countEnc !== DW_EH_PE_omit && tableEnc !== DW_EH_PE_omit) {
    const count = readEncoded(r, countEnc, bases);
    for (let i = 0; i < count; i++) {
      const pc = readEncoded(r, tableEnc, bases);
      const fde = readEncoded(r, tableEnc, bases);
      table.push({ pc, fde });
    }
  }
  return { ehFramePtr, table };
}

// ---------------------------------------------------------------- CFA rules

export type RegRule =
  | { kind: 'undefined' }
  | { kind: 'same' }
  /** Saved at CFA + offset. */
  | { kind: 'offset'; offset: number }
  /** Value is CFA + offset. */
  | { kind: 'valOffset'; offset: number }
  | { kind: 'register'; reg: number }
  /** Saved at the address the expression computes (the CFA pushed first). */
  | { kind: 'expression'; expr: Uint8Array }
  | { kind: 'valExpression'; expr: Uint8Array };

export type CfaRule = { kind: 'reg'; reg: number; offset: number } | { kind: 'expression'; expr: Uint8Array };

/** The rules of one row of the CFI table. Registers with no entry follow the rule `same`. */
export interface CfiRow {
  cfa: CfaRule;
  regs: Map<number, RegRule>;
  raReg: number;
  signalFrame: boolean;
  /** The address range [lo, hi) over which this row holds (file addresses). */
  lo: number;
  hi: number;
}

interface State {
  cfa: CfaRule;
  regs: Map<number, RegRule>;
}

const copyState = (s: State): State => ({ cfa: { ...s.cfa }, regs: new Map(s.regs) });

/**
 * Runs the CIE's initial instructions and the FDE's instructions up to `pc`
 * and returns the row that holds at `pc`.
 */
export function rowAt(bytes: Uint8Array, sectionAddr: number, fde: Fde, pc: number): CfiRow {
  const cie = fde.cie;
  const state: State = { cfa: { kind: 'reg', reg: 7, offset: 8 }, regs: new Map() };
  const bases: PointerBases = { section: sectionAddr };
  let lo = fde.pcBegin;
  let hi = fde.pcEnd;

  // Initial instructions run "at" pcBegin; their final state is what DW_CFA_restore restores to.
  runProgram(bytes, cie.insStart, cie.insEnd, state, undefined, cie, bases, () => true);
  const initial = copyState(state);
  let loc = fde.pcBegin;
  runProgram(bytes, fde.insStart, fde.insEnd, state, initial, cie, bases, (next) => {
    if (next > pc) {
      hi = Math.min(hi, next);
      return false;
    }
    loc = next;
    lo = next;
    return true;
  }, () => loc);
  return { cfa: state.cfa, regs: state.regs, raReg: cie.raReg, signalFrame: cie.signalFrame, lo, hi };
}

/**
 * Interprets CFA instructions in [start, end). `advance(newLoc)` is called
 * for every location change and returns false to stop there.
 */
function runProgram(
  bytes: Uint8Array,
  start: number,
  end: number,
  state: State,
  initial: State | undefined,
  cie: Cie,
  bases: PointerBases,
  advance: (loc: number) => boolean,
  currentLoc: () => number = () => 0,
): void {
  const r = new DwarfReader(bytes, start, end);
  const stack: State[] = [];
  const { codeAlign, dataAlign } = cie;
  const restore = (reg: number): void => {
    const rule = initial?.regs.get(reg);
    if (rule) state.regs.set(reg, rule);
    else state.regs.delete(reg);
  };
  const block = (): Uint8Array => {
    const len = r.uleb();
    r.need(len);
    const b = bytes.subarray(r.pos, r.pos + len);
    r.pos += len;
    return b;
  };
  const setCfaReg = (reg: number, offset: number): void => {
    state.cfa = { kind: 'reg', reg, offset };
  };

  while (r.pos < r.end) {
    const op = r.u8();
    const high = op & 0xc0;
    const low = op & 0x3f;
    if (high === 0x40) {
      if (!advance(currentLoc() + low * codeAlign)) return;
      continue;
    }
    if (high === 0x80) {
      state.regs.set(low, { kind: 'offset', offset: r.uleb() * dataAlign });
      continue;
    }
    if (high === 0xc0) {
      restore(low);
      continue;
    }
    switch (op) {
      case 0x00: break; // nop
      case 0x01: if (!advance(readEncoded(r, cie.fdeEncoding, bases, cie.addrSize))) return; break; // set_loc
      case 0x02: if (!advance(currentLoc() + r.u8() * codeAlign)) return; break; // advance_loc1
      case 0x03: if (!advance(currentLoc() + r.u16() * codeAlign)) return; break; // advance_loc2
      case 0x04: if (!advance(currentLoc() + r.u32() * codeAlign)) return; break; // advance_loc4
      case 0x05: { const reg = r.uleb(); state.regs.set(reg, { kind: 'offset', offset: r.uleb() * dataAlign }); break; }
      case 0x06: restore(r.uleb()); break; // restore_extended
      case 0x07: state.regs.set(r.uleb(), { kind: 'undefined' }); break;
      case 0x08: state.regs.set(r.uleb(), { kind: 'same' }); break;
      case 0x09: { const reg = r.uleb(); state.regs.set(reg, { kind: 'register', reg: r.uleb() }); break; }
      case 0x0a: stack.push(copyState(state)); break; // remember_state
      case 0x0b: { // restore_state: the CFA rule is restored too (DWARF 5 6.4.2.4)
        const saved = stack.pop();
        if (!saved) throw new DwarfError('DW_CFA_restore_state with nothing remembered');
        state.cfa = saved.cfa;
        state.regs = saved.regs;
        break;
      }
      case 0x0c: { const reg = r.uleb(); setCfaReg(reg, r.uleb()); break; } // def_cfa
      case 0x0d: { // def_cfa_register
        const reg = r.uleb();
        setCfaReg(reg, state.cfa.kind === 'reg' ? state.cfa.offset : 0);
        break;
      }
      case 0x0e: { // def_cfa_offset
        const offset = r.uleb();
        setCfaReg(state.cfa.kind === 'reg' ? state.cfa.reg : 7, offset);
        break;
      }
      case 0x0f: state.cfa = { kind: 'expression', expr: block() }; break; // def_cfa_expression
      case 0x10: { const reg = r.uleb(); state.regs.set(reg, { kind: 'expression', expr: block() }); break; }
      case 0x11: { const reg = r.uleb(); state.regs.set(reg, { kind: 'offset', offset: r.sleb() * dataAlign }); break; }
      case 0x12: { const reg = r.uleb(); setCfaReg(reg, r.sleb() * dataAlign); break; } // def_cfa_sf
      case 0x13: { // def_cfa_offset_sf
        const offset = r.sleb() * dataAlign;
        setCfaReg(state.cfa.kind === 'reg' ? state.cfa.reg : 7, offset);
        break;
      }
      case 0x14: { const reg = r.uleb(); state.regs.set(reg, { kind: 'valOffset', offset: r.uleb() * dataAlign }); break; }
      case 0x15: { const reg = r.uleb(); state.regs.set(reg, { kind: 'valOffset', offset: r.sleb() * dataAlign }); break; }
      case 0x16: { const reg = r.uleb(); state.regs.set(reg, { kind: 'valExpression', expr: block() }); break; }
      case 0x2e: r.uleb(); break; // GNU_args_size: only a landing pad cares
      case 0x2f: { // GNU_negative_offset_extended
        const reg = r.uleb();
        state.regs.set(reg, { kind: 'offset', offset: -r.uleb() * dataAlign });
        break;
      }
      case 0x2d: break; // GNU_window_save (SPARC)
      default:
        throw new DwarfError(`unknown CFA instruction ${hex(op)} at ${hex(r.pos - 1)}`);
    }
  }
}
