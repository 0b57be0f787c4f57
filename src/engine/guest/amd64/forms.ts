// Instruction forms: the single table vocabulary shared by the decoder, the AT&T printer
// and the lifter. Opcode maps are written as small strings in the notation of the
// Intel SDM's opcode tables, e.g. "add* Ev,Gv" or "(v)addps Vps,Hps,Wps":
//
//   mnemonic   `*` at the end: AT&T size suffix when no general register fixes the
//              size (objdump's `movl $0x0,(%rax)` vs `mov %eax,(%rax)`);
//              `%R` inside: the operand-size letter w/l/q, always (movzb%R -> movzbl);
//              `%C` inside: the compare predicate named by the trailing imm8 (cmp%Cps ->
//              cmpltps), or nothing when objdump prints the imm8 instead;
//              `%P` inside: pclmulqdq's quadword selection named by the imm8 (pclmul%Pdq ->
//              pclmulhqlqdq for 0x01; 0x00 0x01 0x10 0x11 have names, others give pclmulqdq);
//              `%I` inside: the EVEX integer compare predicate of the imm8 (vpcmp%Iub ->
//              vpcmpltub; 3, 7 and above print the imm8), expanded in evex.ts;
//              `%N` inside: `n` unless an fwait (9B) prefix makes the x87 form wait
//              (f%Nstcw: fnstcw, 9B D9 /7 fstcw);
//              `(bad)` alone: objdump's (bad) slot that still decodes its operands (x87
//              D9 /1 M): the decoded instruction has no form, so it stays undecodable;
//              `(v)` in front: one entry for the legacy SSE and the VEX encoding
//              (VEX prints the `v` and keeps the H operand, legacy drops both).
//   operands   Intel order, destination first; addressing method + size, e.g. Ev, Gb,
//              Ib, Jz, Wps, Hx, or a fixed register (AL, CL, rAX, XMM0, ST0 ...).
//   flags      in brackets: d64 (64-bit default operand size: push, pop, call ...),
//              f64 (operand size is always 64), vex (VEX-only form without a `v`),
//              rep / repz (string forms that print F3/F2 as rep/repz/repnz), bnd
//              (F2 prints as `bnd`), notrack (3E prints as `notrack`), nomem/noreg
//              (the form is valid only with mod==3 / mod!=3), keep (AT&T does not
//              reverse the operands: enter), bcst / er / sae (what EVEX.b means for an
//              EVEX form: memory broadcast, embedded rounding, suppress-all-exceptions;
//              bcst16 broadcasts a 16-bit element).

export type SizeCode =
  | '' | 'b' | 'w' | 'd' | 'q' | 'v' | 'z' | 'y' | 'dq' | 'qq' | 'x' | 'ps' | 'pd' | 'ss' | 'sd'
  | 't' | 'p' | 's' | 'h' | 'oq' | 'qd' | 'dw' | 'bd' | 'wq' | 'bq' | 'e';

export interface OperandSpec {
  /** Addressing method: E G I sI J M O R Z S C D X Y V W U H L P Q N B VM KG KE KV,
   *  or 'fixed' for a named register / implicit operand. */
  method: string;
  size: SizeCode;
  /** For method 'fixed': AL CL DX rAX eAX XMM0 ST0 STi ES..GS 1 DXport XLAT (%ds:(%rbx)) */
  fixed?: string;
}

export const enum FormFlag {
  AutoSuffix = 1 << 0,
  Dual = 1 << 1,
  D64 = 1 << 2,
  F64 = 1 << 3,
  VexOnly = 1 << 4,
  Rep = 1 << 5,
  RepZ = 1 << 6,
  Bnd = 1 << 7,
  NoTrack = 1 << 8,
  RegOnly = 1 << 9,
  MemOnly = 1 << 10,
  /** The form reads a ModRM byte: parseForm sets it when an operand names ModRM, the
   *  table's `modrm` where none does. */
  ModRM = 1 << 11,
  /** AT&T keeps the Intel operand order (enter). */
  KeepOrder = 1 << 12,
  /** EVEX.b on a memory operand broadcasts one element ({1to16}). */
  Bcst = 1 << 13,
  /** EVEX.b on the register form selects embedded rounding ({rn-sae} ... by EVEX.L'L). */
  Er = 1 << 14,
  /** EVEX.b on the register form suppresses all exceptions ({sae}). */
  Sae = 1 << 15,
  /** The broadcast element is 16 bits (AVX512-FP16 ph sources), not 32/64 by EVEX.W. */
  Bcst16 = 1 << 16,
  /** The mnemonic may name the trailing imm8 (`%C`, `%P`, `%I`), which is then not printed. */
  FoldsImm = 1 << 17,
}

export interface InstrForm {
  /** A small number of its own (forms are numbered as they are made), for tables indexed
   *  by form. */
  id: number;
  /** The table text the form was built from, for diagnostics. */
  text: string;
  /** Mnemonic template without the `(v)` and `*` markers. */
  mnem: string;
  ops: OperandSpec[];
  flags: number;
}

export type Selector =
  | { sel: 'reg'; of: Entry[] }                  // ModRM.reg
  | { sel: 'mod'; mem: Entry; reg: Entry }        // ModRM.mod != 3 / == 3
  | { sel: 'rm'; of: Entry[] }                   // ModRM.rm (mod == 3 only)
  | ({ sel: 'pfx' } & PrefixTable)                // mandatory prefix
  | { sel: 'w'; w0: Entry; w1: Entry }            // REX.W / VEX.W
  | { sel: 'l'; l0: Entry; l1: Entry; l2?: Entry } // VEX.L / EVEX.L'L (l2: 512 bits, else as l1)
  | { sel: 'osize'; o16: Entry; o32: Entry; o64: Entry }
  | { sel: 'asize'; a32: Entry; a64: Entry }
  | { sel: 'rexb'; b0: Entry; b1: Entry }         // REX.B (only 90: nop vs xchg %r8)
  | { sel: 'enc'; legacy: Entry; vex: Entry };    // legacy vs VEX encoding

export type Entry = string | InstrForm | Selector | undefined;
/** Forms by mandatory prefix. `only`: a 66/F3/F2 without its own entry makes the opcode
 *  invalid rather than falling back to the form without it (objdump's SSE prefix tables:
 *  F3 0F 58 is addss, F3 0F 54 is (bad)). */
export interface PrefixTable { none?: Entry; p66?: Entry; pf3?: Entry; pf2?: Entry; only?: boolean }
export type OpcodeMap = Record<number, Entry>;

export const grp = (...of: Entry[]): Selector => ({ sel: 'reg', of });
export const mod = (mem: Entry, reg: Entry): Selector => ({ sel: 'mod', mem, reg });
export const rm = (...of: Entry[]): Selector => ({ sel: 'rm', of });
export const pfx = (p: PrefixTable): Selector => ({ sel: 'pfx', ...p });
export const pfxOnly = (p: PrefixTable): Selector => ({ sel: 'pfx', ...p, only: true });
export const w = (w0: Entry, w1: Entry): Selector => ({ sel: 'w', w0, w1 });
export const vexL = (l0: Entry, l1: Entry, l2?: Entry): Selector => ({ sel: 'l', l0, l1, l2 });
export const osize = (o16: Entry, o32: Entry, o64: Entry): Selector => ({ sel: 'osize', o16, o32, o64 });
export const asize = (a32: Entry, a64: Entry): Selector => ({ sel: 'asize', a32, a64 });
export const rexB = (b0: Entry, b1: Entry): Selector => ({ sel: 'rexb', b0, b1 });
export const enc = (legacy: Entry, vex: Entry): Selector => ({ sel: 'enc', legacy, vex });

const FLAG_WORDS: Record<string, FormFlag> = {
  d64: FormFlag.D64, f64: FormFlag.F64, vex: FormFlag.VexOnly, rep: FormFlag.Rep,
  repz: FormFlag.RepZ, bnd: FormFlag.Bnd, notrack: FormFlag.NoTrack,
  nomem: FormFlag.RegOnly, noreg: FormFlag.MemOnly, modrm: FormFlag.ModRM, keep: FormFlag.KeepOrder,
  bcst: FormFlag.Bcst, er: FormFlag.Er, sae: FormFlag.Sae, bcst16: FormFlag.Bcst | FormFlag.Bcst16,
};

const FIXED = new Set([
  'AL', 'CL', 'DL', 'BL', 'AH', 'CH', 'DH', 'BH', 'AX', 'DX', 'rAX', 'eAX', 'XMM0', 'ST0', 'STi',
  'ES', 'CS', 'SS', 'DS', 'FS', 'GS', '1', 'DXport', 'XLAT',
]);
// VM: a VSIB memory operand (gathers): the SIB index is a vector register whose width the
// size code gives (x: the vector length, h: half of it); VEX/EVEX.W gives the element size.
const METHODS = ['VM', 'KG', 'KE', 'KV', 'sI', 'E', 'G', 'I', 'J', 'M', 'O', 'R', 'Z', 'S', 'C', 'D', 'X', 'Y',
  'V', 'W', 'U', 'H', 'L', 'P', 'Q', 'N', 'B'];
const SIZES = new Set<string>(['', 'b', 'w', 'd', 'q', 'v', 'z', 'y', 'dq', 'qq', 'x', 'ps', 'pd', 'ss',
  'sd', 't', 'p', 's', 'h', 'oq', 'qd', 'dw', 'bd', 'wq', 'bq', 'e']);

function parseOperand(spec: string, text: string): OperandSpec {
  if (FIXED.has(spec)) return { method: 'fixed', size: '', fixed: spec };
  for (const m of METHODS) {
    if (spec.startsWith(m) && SIZES.has(spec.slice(m.length))) {
      return { method: m, size: spec.slice(m.length) as SizeCode };
    }
  }
  throw new Error(`opcode table: bad operand '${spec}' in "${text}"`);
}

/** Parse one table string into a form. Table errors are programming errors: they throw. */
export function parseForm(text: string): InstrForm {
  const m = /^(\S+)(?:\s+([^[\s]+))?\s*(?:\[([^\]]*)\])?$/.exec(text.trim());
  if (!m) throw new Error(`opcode table: cannot parse "${text}"`);
  let mnem = m[1];
  let flags = 0;
  if (mnem.startsWith('(v)')) { flags |= FormFlag.Dual; mnem = 'v' + mnem.slice(3); }
  if (mnem.endsWith('*')) { flags |= FormFlag.AutoSuffix; mnem = mnem.slice(0, -1); }
  const ops = m[2] ? m[2].split(',').map((s) => parseOperand(s, text)) : [];
  for (const word of (m[3] ?? '').split(/\s+/).filter(Boolean)) {
    const f = FLAG_WORDS[word];
    if (f === undefined) throw new Error(`opcode table: bad flag '${word}' in "${text}"`);
    flags |= f;
  }
  if (ops.some(usesModRM)) flags |= FormFlag.ModRM;
  if (/%[CPI]/.test(mnem)) flags |= FormFlag.FoldsImm;
  return newForm(text, mnem, ops, flags);
}

let formsMade = 0;

/** A form, numbered (parseForm's, or one a table builds itself). */
export function newForm(text: string, mnem: string, ops: OperandSpec[], flags: number): InstrForm {
  return { id: formsMade++, text, mnem, ops, flags };
}

const compiled = new Map<string, InstrForm>();

/** Resolve a string entry to its (shared, cached) form. */
export function formOf(entry: string | InstrForm): InstrForm {
  if (typeof entry !== 'string') return entry;
  let f = compiled.get(entry);
  if (!f) { f = parseForm(entry); compiled.set(entry, f); }
  return f;
}

/** True when the operand spec reads the ModRM byte. */
export function usesModRM(op: OperandSpec): boolean {
  return MODRM_METHODS.has(op.method);
}
const MODRM_METHODS = new Set(['VM', 'E', 'G', 'M', 'R', 'S', 'C', 'D', 'V', 'W', 'U', 'P', 'Q', 'N', 'KG', 'KE']);
