// AVX-512 opmask instructions: VEX-encoded operations on the mask registers k0-k7.
// The operation's width is chosen by the VEX prefix and VEX.W: no prefix W0 = w(ord),
// no prefix W1 = q, 66 W0 = b, 66 W1 = d; F3 is undefined. VEX.L is fixed per opcode
// (1 for the two-source forms, 0 otherwise). The map 0F opcodes share their bytes with
// setcc (0F 90-93), cmovcc (0F 41-4B) and sets/setns (0F 98/99), so map0f.ts merges
// KMASK_0F under the VEX side of `enc()`. objdump 2.40 is the reference for the spellings.
import { pfx, vexL, w } from '../forms.ts';
import type { Entry, OpcodeMap } from '../forms.ts';

type Width = 'b' | 'w' | 'd' | 'q';

/** One opmask operation in its four widths; `#` in `ops` stands for the width's size code. */
function widths(name: string, ops: string, l: 0 | 1, extra = ''): Entry {
  const f = (s: Width) => `${name}${s} ${ops.replaceAll('#', s)} [vex${extra}]`;
  const e = pfx({ none: w(f('w'), f('q')), p66: w(f('b'), f('d')) });
  return l ? vexL(undefined, e) : vexL(e, undefined);
}

/** kand, kor ...: k1 = k2 op k3, VEX.L1. */
const logic = (name: string): Entry => widths(name, 'KG#,KV#,KE#', 1, ' nomem');

function build0f(): OpcodeMap {
  const m: OpcodeMap = {};
  m[0x41] = logic('kand');
  m[0x42] = logic('kandn');
  m[0x44] = widths('knot', 'KG#,KE#', 0, ' nomem');
  m[0x45] = logic('kor');
  m[0x46] = logic('kxnor');
  m[0x47] = logic('kxor');
  m[0x4a] = logic('kadd');
  // kunpck concatenates two masks of half the width: bw (66 W0), wd (W0), dq (W1).
  m[0x4b] = vexL(undefined, pfx({
    none: w('kunpckwd KGd,KVw,KEw [vex nomem]', 'kunpckdq KGq,KVd,KEd [vex nomem]'),
    p66: w('kunpckbw KGw,KVb,KEb [vex nomem]', undefined),
  }));
  m[0x90] = widths('kmov', 'KG#,KE#', 0);
  m[0x91] = widths('kmov', 'KE#,KG#', 0, ' noreg');
  // Moves from and to a general register: kmovw/kmovb use a 32-bit register, and F2
  // selects kmovd (W0) / kmovq (W1).
  m[0x92] = vexL(pfx({
    none: w('kmovw KGw,Rd [vex nomem]', undefined),
    p66: w('kmovb KGb,Rd [vex nomem]', undefined),
    pf2: w('kmovd KGd,Rd [vex nomem]', 'kmovq KGq,Rq [vex nomem]'),
  }), undefined);
  m[0x93] = vexL(pfx({
    none: w('kmovw Gd,KEw [vex nomem]', undefined),
    p66: w('kmovb Gd,KEb [vex nomem]', undefined),
    pf2: w('kmovd Gd,KEd [vex nomem]', 'kmovq Gq,KEq [vex nomem]'),
  }), undefined);
  m[0x98] = widths('kortest', 'KG#,KE#', 0, ' nomem');
  m[0x99] = widths('ktest', 'KG#,KE#', 0, ' nomem');
  return m;
}

export const KMASK_0F: OpcodeMap = build0f();

/** kshiftr/kshiftl (VEX.66.0F3A 30-33, L0): W picks the narrower or the wider width of each opcode. */
const shift = (dir: string, narrow: Width, wide: Width): Entry => vexL(pfx({
  p66: w(`kshift${dir}${narrow} KG${narrow},KE${narrow},Ib [vex nomem]`,
    `kshift${dir}${wide} KG${wide},KE${wide},Ib [vex nomem]`),
}), undefined);

/** The 0F3A opmask shifts; no legacy instruction uses 0F 3A 30-33. */
export const KMASK_0F3A: OpcodeMap = {
  0x30: shift('r', 'b', 'w'),
  0x31: shift('r', 'd', 'q'),
  0x32: shift('l', 'b', 'w'),
  0x33: shift('l', 'd', 'q'),
};
