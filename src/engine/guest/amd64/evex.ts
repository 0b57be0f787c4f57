// EVEX (AVX-512): in 64-bit mode 62 is always this four-byte prefix,
//   62  P0 = R X B R' 0 m m m   P1 = W v v v v 1 p p   P2 = z L'L b V' a a a,
// with R X B R' vvvv V' stored inverted. R X B W act as REX bits; R' (ModRM.reg), V'
// (vvvv, a VSIB index) and X (a register ModRM.rm) reach registers 16-31; L'L gives the
// vector length, aaa the opmask {%k1}..{%k7} applied to the destination and z zeroing
// instead of merging. What EVEX.b means depends on the form (evex-forms.ts): a memory
// broadcast {1toN}, or on a register form embedded rounding {rn-sae} (with L'L as the
// rounding mode and 512-bit registers) or {sae}. disp8 is compressed: it counts units of
// the memory access (one element when broadcasting).
import { FormFlag } from './forms.ts';
import type { InstrForm, OpcodeMap } from './forms.ts';
import type { Operand } from './instruction.ts';
import { DECODE_BAD, badInstruction, finishDecode, resolve } from './decoder.ts';
import type { DecodeState, DecodedInstruction } from './decoder.ts';
import { MAP_0F } from './opcodes/map0f.ts';
import { MAP_0F38 } from './opcodes/map0f38.ts';
import { MAP_0F3A } from './opcodes/map0f3a.ts';
import {
  DISP8_PER_ELEMENT, EVEX_0F, EVEX_0F38, EVEX_0F3A, EVEX_MAP5, EVEX_MAP6, SAME_AS_VEX,
} from './opcodes/evex-forms.ts';

/** EVEX.mmm: the EVEX map and the VEX map that `=vex` entries refer to (maps 5 and 6,
 *  AVX512-FP16, have no VEX twin). */
const MAPS: Record<number, [OpcodeMap, OpcodeMap?]> = {
  1: [EVEX_0F, MAP_0F], 2: [EVEX_0F38, MAP_0F38], 3: [EVEX_0F3A, MAP_0F3A], 5: [EVEX_MAP5], 6: [EVEX_MAP6],
};

const ROUNDING = ['rn', 'rd', 'ru', 'rz'];

/** vpcmp's imm8 predicates that objdump folds into the mnemonic (3 and 7 are false/true). */
const VPCMP_PREDICATES = ['eq', 'lt', 'le', undefined, 'neq', 'nlt', 'nle', undefined];

/** The operand methods that read EVEX.vvvv; other forms need vvvv = 1111. */
const VVVV_METHODS = new Set(['H', 'B', 'KV']);

/** Decode from just after the 62 byte. */
export function decodeEvex(st: DecodeState): DecodedInstruction {
  // A REX before 62 is no part of the instruction: objdump prints it as an unused prefix.
  if (st.pfx.rex) st.prefixBytes.push(st.pfx.rex);
  const p0 = st.byte();
  if ((p0 & 8) || !((p0 & 7) in MAPS)) fail(st, st.p - 1);
  const p1 = st.byte();
  if (!(p1 & 4)) fail(st, st.p - 1);
  const p2 = st.byte();
  const opcode = st.byte();
  st.opcodeEnd = st.p;
  const e = {
    map: p0 & 7, w: (p1 & 0x80) !== 0, ll: (p2 >> 5) & 3, pp: p1 & 3,
    vvvv: ((~p1 >> 3) & 15) | (p2 & 8 ? 0 : 16), aaa: p2 & 7, z: (p2 & 0x80) !== 0, b: (p2 & 0x10) !== 0,
    rHigh: !(p0 & 0x10), xHigh: !(p0 & 0x40),
  };
  st.pfx.evex = e;
  st.pfx.rex = 0x40 | (e.w ? 8 : 0) | (p0 & 0x80 ? 0 : 4) | (p0 & 0x40 ? 0 : 2) | (p0 & 0x20 ? 0 : 1);
  st.rexUsed = 0x4f; // EVEX's R/X/B/W never print as a rex word
  st.encoding = 'evex';
  if (e.z && !e.aaa) throw DECODE_BAD; // zeroing needs an opmask
  const rounding = e.b && st.mod === 3;
  st.vl = rounding ? 64 : [16, 32, 64, 64][e.ll];
  const [evexMap, vexMap] = MAPS[e.map];
  let form: InstrForm;
  let features: number;
  let viaVex = false;
  try {
    form = resolve(evexMap, opcode, st);
    features = form.flags;
    if (form.mnem === SAME_AS_VEX) {
      form = resolve(vexMap!, opcode, st);
      if (!(form.flags & (FormFlag.Dual | FormFlag.VexOnly))) throw DECODE_BAD;
      viaVex = true;
    }
  } catch (err) {
    if (err !== DECODE_BAD || (e.vvvv & 15)) throw err;
    return tableBad(st, rounding);
  }
  if ((e.vvvv & 15) && !form.ops.some((o) => VVVV_METHODS.has(o.method))) throw DECODE_BAD;
  if (e.ll === 3 && !rounding) return tableBad(st, false);
  if (e.b && !rounding && (features & FormFlag.Bcst)) st.bcst = features & FormFlag.Bcst16 ? 2 : e.w ? 8 : 4;

  const ins = finishDecode(st, form, opcode);
  const mem = st.mem;
  if (mem?.dispSize === 1) {
    const perElement = e.map === 2 ? DISP8_PER_ELEMENT[opcode] : undefined;
    mem.disp *= perElement ? perElement[e.w ? 1 : 0] : mem.size || 1;
  }
  if (rounding) {
    ins.rounding = features & FormFlag.Er ? `${ROUNDING[e.ll]}-sae` : features & FormFlag.Sae ? 'sae'
      : `${ROUNDING[e.ll]}-bad`;
  }
  if (e.aaa) ins.mask = { k: e.aaa, zero: e.z };
  // objdump marks an EVEX encoding that VEX could have expressed as well.
  const vexToo = viaVex || (form.flags & FormFlag.VexOnly) !== 0;
  st.evexWord = vexToo && st.vl < 64 && !e.aaa && !e.b && !ins.operands.some(isHighVector);
  return ins;
}

function fail(st: DecodeState, end: number): never {
  st.opcodeEnd = end;
  throw DECODE_BAD;
}

/** An opcode that the EVEX maps do not define (with vvvv = 1111, else it is a plain (bad)):
 *  objdump prints (bad) with the rounding and opmask decorations it has already decoded,
 *  and resumes after the opcode byte. */
function tableBad(st: DecodeState, rounding: boolean): DecodedInstruction {
  const e = st.pfx.evex!;
  const ins = badInstruction(st, st.opcodeEnd - st.start);
  if (e.aaa) ins.mask = { k: e.aaa, zero: e.z };
  if (rounding) ins.rounding = `${ROUNDING[e.ll]}-bad`;
  return ins;
}

/** `%I`: objdump names vpcmp's predicate in the mnemonic (vpcmpltub) and drops the imm8
 *  (the decoder's text). */
export function foldVpcmpPredicate(mnem: string, ops: Operand[]): string {
  const imm = ops[ops.length - 1];
  if (imm.kind !== 'imm') throw new Error(`decoder: %I needs a trailing imm8 (${mnem})`);
  const name = VPCMP_PREDICATES[Number(imm.value)];
  if (name === undefined) return mnem.replace('%I', '');
  imm.inMnemonic = true;
  return mnem.replace('%I', name);
}

/** A vector register only EVEX can name (16-31), directly or as a VSIB index. */
function isHighVector(o: Operand): boolean {
  const reg = o.kind === 'reg' ? o.reg : o.kind === 'mem' ? o.index : undefined;
  return reg !== undefined && reg.cls !== 'gpr' && reg.num >= 16;
}
