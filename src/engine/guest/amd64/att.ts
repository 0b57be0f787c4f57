// AT&T syntax printer, matching GNU objdump -d (binutils 2.40) operand for operand.
import type { Instruction, MemOperand, Operand } from './instruction.ts';
import { regName } from './registers.ts';
import { FormFlag } from './forms.ts';

/** Resolves an address to `symbol+0xoff` for branch targets and %rip comments. */
export type Symbolizer = (addr: number) => string | undefined;

const hex = (v: number | bigint): string => '0x' + v.toString(16);

function signedHex(v: number): string {
  return v < 0 ? '-' + hex(-v) : hex(v);
}

function absAddr(v: number): string {
  return hex(BigInt.asUintN(64, BigInt(v)));
}

function memText(m: MemOperand, ins: Instruction): string {
  return m.bcst ? `${memAddress(m, ins)}{1to${m.bcst}}` : memAddress(m, ins);
}

function memAddress(m: MemOperand, ins: Instruction): string {
  const seg = m.seg ? `%${regName(m.seg)}:` : '';
  if (m.abs !== undefined) return seg + hex(m.abs);
  // A SIB byte with no index shows as %riz unless it was needed anyway (rsp/r12 base, or absolute).
  const riz = m.sibNoIndex && (m.scale !== 1 || (m.base !== undefined && m.base.num % 8 !== 4));
  if (!m.base && !m.index && !riz) return seg + (ins.adsize === 4 ? hex(m.disp >>> 0) : absAddr(m.disp));
  const disp = m.dispSize || !m.base ? signedHex(m.disp) : '';
  let inner = m.base ? `%${regName(m.base)}` : '';
  if (m.index) inner += `,%${regName(m.index)},${m.scale}`;
  else if (riz) inner += `,%${ins.adsize === 4 ? 'eiz' : 'riz'},${m.scale}`;
  return `${seg}${disp}(${inner})`;
}

function operandText(op: Operand, ins: Instruction, sym: Symbolizer | undefined): string {
  switch (op.kind) {
    case 'reg': return `%${regName(op.reg)}`;
    case 'mem': return memText(op, ins);
    case 'imm': return op.inMnemonic ? '' : '$' + hex(op.value);
    case 'rel': {
      const s = sym?.(op.target);
      return s ? `${op.target.toString(16)} <${s}>` : hex(op.target);
    }
    case 'one': return '';
    case 'port': return '(%dx)';
  }
}

const INDIRECT = new Set(['call', 'jmp', 'lcall', 'ljmp']);

const isImmOrGpr = (o: Operand): boolean => o.kind === 'imm' || (o.kind === 'reg' && o.reg.cls === 'gpr');

/** The instruction text after the address and bytes: `mnemonic operands  # comment`. */
export function formatAtt(ins: Instruction, sym?: Symbolizer): string {
  const head = [...ins.prefixWords, ins.mnemonic].join(' ');
  const shown = ins.operands
    .map((o) => ({ o, t: operandText(o, ins, sym) }))
    .filter(({ t }) => t !== '');
  if (!(ins.form && ins.form.flags & FormFlag.KeepOrder)) shown.reverse();
  const ops = shown.map(({ t }) => t);
  if (INDIRECT.has(ins.mnemonic) && ins.operands[0] && ins.operands[0].kind !== 'rel') ops[0] = '*' + ops[0];
  if (ins.mask) {
    const mask = `{%k${ins.mask.k}}${ins.mask.zero ? '{z}' : ''}`;
    if (ops.length) ops[ops.length - 1] += mask;
    else ops.push(mask); // an EVEX (bad) still shows the opmask it decoded
  }
  if (ins.rounding) {
    // objdump puts {rn-sae}/{sae} after the imm8 and a general-register source:
    // `vrndscaleps $0x5,{sae},%zmm1,%zmm2`, `vcvtsi2ss %eax,{rn-sae},%xmm1,%xmm2`;
    // EVEX.b on a form without rounding shows first: `vpshufhw {rn-bad},$0x90,...`.
    let at = 0;
    while (!ins.rounding.endsWith('-bad') && at < shown.length && isImmOrGpr(shown[at].o)) at++;
    ops.splice(at, 0, `{${ins.rounding}}`);
  }
  let text = ops.length ? head.padEnd(6) + ' ' + ops.join(',') : head;
  const rip = ins.operands.find((o): o is MemOperand => o.kind === 'mem' && !!o.ripRel);
  if (rip) {
    const target = ins.addr + ins.len + rip.disp;
    const s = sym?.(target);
    text += `        # ${s ? `${target.toString(16)} <${s}>` : hex(target)}`;
  }
  return text;
}
