// The vector forms of the two-byte map 0F xx (Intel SDM Vol. 2, Table A-3): MMX (no
// prefix, P/Q/N operands), SSE/SSE2/SSE3 (none/66/F3/F2 select the form) and their VEX
// encodings, AVX/AVX2 (VEX map 1, vl 16/32). map0f.ts merges these over its integer forms.
import { enc, grp, mod, pfx, pfxOnly, vexL, w } from '../forms.ts';
import type { Entry, OpcodeMap } from '../forms.ts';

/** A floating-point operation in its four types (packed single/double, scalar single/double);
 *  `ops` lists the operand methods, each sized by the type (Ib stays a byte). */
function fp(name: string, types = 'ps pd ss sd', packedOps = 'V,H,W', scalarOps = 'V,H,W'): Entry {
  const form = (t: string, ops: string) => types.split(' ').includes(t)
    ? `(v)${name}${t} ${ops.split(',').map((o) => (o === 'Ib' ? o : o + t)).join(',')}` : undefined;
  return pfxOnly({
    none: form('ps', packedOps), p66: form('pd', packedOps), pf3: form('ss', scalarOps), pf2: form('sd', scalarOps),
  });
}

/** A form whose VEX encoding exists only with VEX.L=0 (legacy SSE is always vl 16). */
const l0 = (form: Entry): Entry => vexL(form, undefined);

/** A row of integer operations from `base` on: MMX without prefix, SSE2 with 66 (AVX/AVX2 as VEX). */
function intRow(m: OpcodeMap, base: number, names: string[], mmxSrc = 'Qq', vecSrc = 'Wx'): void {
  names.forEach((name, i) => {
    m[base + i] = pfxOnly({ none: `${name} Pq,${mmxSrc}`, p66: `(v)${name} Vx,Hx,${vecSrc}` });
  });
}

/** Groups 12-14 (0F 71-73): shift by imm8, register forms only; psrldq/pslldq are 66-only. */
const shiftImm = (name: string, mmx = true): Entry =>
  mod(undefined, pfxOnly({ none: mmx ? `${name} Nq,Ib` : undefined, p66: `(v)${name} Hx,Ux,Ib` }));

/** Packed double to a half-width result (cvtpd2ps ...): VEX memory forms print x/y for the source width. */
const narrowing = (name: string): Entry => enc(`${name} Vdq,Wpd`, `v${name}* Vdq,Wpd [vex]`);

function build(): OpcodeMap {
  const m: OpcodeMap = {};
  m[0x10] = pfxOnly({
    none: '(v)movups Vps,Wps', p66: '(v)movupd Vpd,Wpd',
    // VEX vmovss/vmovsd merge into the H register only in their register form.
    pf3: mod('(v)movss Vss,Mss', '(v)movss Vss,Hss,Uss'),
    pf2: mod('(v)movsd Vsd,Msd', '(v)movsd Vsd,Hsd,Usd'),
  });
  // objdump names the destination of a VEX.L=1 register store ymm (vmovss %xmm0,%xmm0,%ymm1).
  m[0x11] = pfxOnly({
    none: '(v)movups Wps,Vps', p66: '(v)movupd Wpd,Vpd',
    pf3: mod('(v)movss Mss,Vss', '(v)movss Ux,Hss,Vss'),
    pf2: mod('(v)movsd Msd,Vsd', '(v)movsd Ux,Hsd,Vsd'),
  });
  m[0x12] = pfxOnly({
    none: l0(mod('(v)movlps Vdq,Hdq,Mq', '(v)movhlps Vdq,Hdq,Uq')),
    p66: l0('(v)movlpd Vdq,Hdq,Mq'),
    pf3: '(v)movsldup Vx,Wx',
    // movddup reads only the low double of a 128-bit source.
    pf2: vexL('(v)movddup Vx,Wsd', '(v)movddup Vx,Wx'),
  });
  m[0x13] = pfxOnly({ none: l0('(v)movlps Mq,Vdq'), p66: l0('(v)movlpd Mq,Vdq') });
  m[0x14] = fp('unpckl', 'ps pd');
  m[0x15] = fp('unpckh', 'ps pd');
  m[0x16] = pfxOnly({
    none: l0(mod('(v)movhps Vdq,Hdq,Mq', '(v)movlhps Vdq,Hdq,Uq')),
    p66: l0('(v)movhpd Vdq,Hdq,Mq'),
    pf3: '(v)movshdup Vx,Wx',
  });
  m[0x17] = pfxOnly({ none: l0('(v)movhps Mq,Vdq'), p66: l0('(v)movhpd Mq,Vdq') });

  m[0x28] = pfxOnly({ none: '(v)movaps Vps,Wps', p66: '(v)movapd Vpd,Wpd' });
  m[0x29] = pfxOnly({ none: '(v)movaps Wps,Vps', p66: '(v)movapd Wpd,Vpd' });
  // cvtsi2ss/sd print the l/q suffix only for a memory source.
  m[0x2a] = pfxOnly({
    none: 'cvtpi2ps Vdq,Qq', p66: 'cvtpi2pd Vdq,Qq',
    pf3: '(v)cvtsi2ss* Vss,Hss,Ey', pf2: '(v)cvtsi2sd* Vsd,Hsd,Ey',
  });
  // F3/F2 0F 2B are AMD SSE4a's scalar non-temporal stores.
  m[0x2b] = pfxOnly({
    none: '(v)movntps Mps,Vps', p66: '(v)movntpd Mpd,Vpd', pf3: 'movntss Mss,Vss', pf2: 'movntsd Msd,Vsd',
  });
  for (const [op, t] of [[0x2c, 'cvtt'], [0x2d, 'cvt']] as const) {
    m[op] = pfxOnly({
      none: `${t}ps2pi Pq,Wq`, p66: `${t}pd2pi Pq,Wpd`,
      pf3: `(v)${t}ss2si Gy,Wss`, pf2: `(v)${t}sd2si Gy,Wsd`,
    });
  }
  m[0x2e] = pfxOnly({ none: '(v)ucomiss Vss,Wss', p66: '(v)ucomisd Vsd,Wsd' });
  m[0x2f] = pfxOnly({ none: '(v)comiss Vss,Wss', p66: '(v)comisd Vsd,Wsd' });

  m[0x50] = pfxOnly({ none: '(v)movmskps Gy,Ups', p66: '(v)movmskpd Gy,Upd' });
  m[0x51] = fp('sqrt', 'ps pd ss sd', 'V,W');
  m[0x52] = fp('rsqrt', 'ps ss', 'V,W');
  m[0x53] = fp('rcp', 'ps ss', 'V,W');
  m[0x54] = fp('and', 'ps pd');
  m[0x55] = fp('andn', 'ps pd');
  m[0x56] = fp('or', 'ps pd');
  m[0x57] = fp('xor', 'ps pd');
  m[0x58] = fp('add');
  m[0x59] = fp('mul');
  m[0x5a] = pfxOnly({
    none: '(v)cvtps2pd Vpd,Wh', p66: narrowing('cvtpd2ps'),
    pf3: '(v)cvtss2sd Vsd,Hsd,Wss', pf2: '(v)cvtsd2ss Vss,Hss,Wsd',
  });
  m[0x5b] = pfxOnly({ none: '(v)cvtdq2ps Vps,Wx', p66: '(v)cvtps2dq Vx,Wps', pf3: '(v)cvttps2dq Vx,Wps' });
  m[0x5c] = fp('sub');
  m[0x5d] = fp('min');
  m[0x5e] = fp('div');
  m[0x5f] = fp('max');

  // The low-half unpacks read only 32 bits of an MMX memory source.
  intRow(m, 0x60, ['punpcklbw', 'punpcklwd', 'punpckldq'], 'Qd');
  intRow(m, 0x63, ['packsswb', 'pcmpgtb', 'pcmpgtw', 'pcmpgtd', 'packuswb', 'punpckhbw', 'punpckhwd',
    'punpckhdq', 'packssdw']);
  m[0x6c] = pfxOnly({ p66: '(v)punpcklqdq Vx,Hx,Wx' });
  m[0x6d] = pfxOnly({ p66: '(v)punpckhqdq Vx,Hx,Wx' });
  m[0x6e] = pfxOnly({ none: w('movd Pq,Ed', 'movq Pq,Eq'), p66: l0(w('(v)movd Vdq,Ed', '(v)movq Vdq,Eq')) });
  m[0x6f] = pfxOnly({ none: 'movq Pq,Qq', p66: '(v)movdqa Vx,Wx', pf3: '(v)movdqu Vx,Wx' });

  m[0x70] = pfxOnly({
    none: 'pshufw Pq,Qq,Ib', p66: '(v)pshufd Vx,Wx,Ib',
    pf3: '(v)pshufhw Vx,Wx,Ib', pf2: '(v)pshuflw Vx,Wx,Ib',
  });
  m[0x71] = grp(undefined, undefined, shiftImm('psrlw'), undefined, shiftImm('psraw'), undefined, shiftImm('psllw'));
  m[0x72] = grp(undefined, undefined, shiftImm('psrld'), undefined, shiftImm('psrad'), undefined, shiftImm('pslld'));
  m[0x73] = grp(undefined, undefined, shiftImm('psrlq'), shiftImm('psrldq', false), undefined, undefined,
    shiftImm('psllq'), shiftImm('pslldq', false));
  intRow(m, 0x74, ['pcmpeqb', 'pcmpeqw', 'pcmpeqd']);
  // VEX 77 ignores VEX.pp.
  m[0x77] = enc(pfxOnly({ none: 'emms' }), vexL('vzeroupper [vex]', 'vzeroall [vex]'));
  // Without prefix 0F 78/79 are VMX vmread/vmwrite; 66/F2 select AMD's SSE4a extrq/insertq.
  m[0x78] = pfxOnly({
    none: 'vmread Eq,Gq', p66: 'extrq Uq,Ib,Ib', pf2: 'insertq Vdq,Uq,Ib,Ib',
  });
  m[0x79] = pfxOnly({ none: 'vmwrite Gq,Eq', p66: 'extrq Vdq,Uq', pf2: 'insertq Vdq,Udq' });
  m[0x7c] = pfxOnly({ p66: '(v)haddpd Vpd,Hpd,Wpd', pf2: '(v)haddps Vps,Hps,Wps' });
  m[0x7d] = pfxOnly({ p66: '(v)hsubpd Vpd,Hpd,Wpd', pf2: '(v)hsubps Vps,Hps,Wps' });
  m[0x7e] = pfxOnly({
    none: w('movd Ed,Pq', 'movq Eq,Pq'), p66: l0(w('(v)movd Ed,Vdq', '(v)movq Eq,Vdq')), pf3: l0('(v)movq Vdq,Wq'),
  });
  m[0x7f] = pfxOnly({ none: 'movq Qq,Pq', p66: '(v)movdqa Wx,Vx', pf3: '(v)movdqu Wx,Vx' });

  // imm8 < 8 (VEX: < 32) names a predicate that objdump prints in the mnemonic (cmpltps).
  m[0xc2] = fp('cmp%C', 'ps pd ss sd', 'V,H,W,Ib', 'V,H,W,Ib');
  m[0xc3] = pfxOnly({ none: 'movnti My,Gy' });
  m[0xc4] = pfxOnly({
    none: mod('pinsrw Pq,Mw,Ib', 'pinsrw Pq,Rd,Ib'),
    p66: l0(mod('(v)pinsrw Vdq,Hdq,Mw,Ib', '(v)pinsrw Vdq,Hdq,Rd,Ib')),
  });
  m[0xc5] = pfxOnly({ none: 'pextrw Gd,Nq,Ib', p66: l0('(v)pextrw Gd,Udq,Ib') });
  m[0xc6] = pfxOnly({ none: '(v)shufps Vps,Hps,Wps,Ib', p66: '(v)shufpd Vpd,Hpd,Wpd,Ib' });

  m[0xd0] = pfxOnly({ p66: '(v)addsubpd Vpd,Hpd,Wpd', pf2: '(v)addsubps Vps,Hps,Wps' });
  // Shifts by a register count take the count from the low 64 bits of an xmm/m128 even in VEX.256.
  intRow(m, 0xd1, ['psrlw', 'psrld', 'psrlq'], 'Qq', 'Wdq');
  intRow(m, 0xd4, ['paddq', 'pmullw']);
  m[0xd6] = pfxOnly({ p66: l0('(v)movq Wq,Vdq'), pf3: 'movq2dq Vdq,Nq', pf2: 'movdq2q Pq,Uq' });
  // objdump accepts F3/F2 on the MMX pmovmskb (repz pmovmskb %mm1,%eax).
  m[0xd7] = pfx({ none: 'pmovmskb Gy,Nq', p66: '(v)pmovmskb Gy,Ux' });
  intRow(m, 0xd8, ['psubusb', 'psubusw', 'pminub', 'pand', 'paddusb', 'paddusw', 'pmaxub', 'pandn']);
  intRow(m, 0xe0, ['pavgb']);
  intRow(m, 0xe1, ['psraw', 'psrad'], 'Qq', 'Wdq');
  intRow(m, 0xe3, ['pavgw', 'pmulhuw', 'pmulhw']);
  m[0xe6] = pfxOnly({ p66: narrowing('cvttpd2dq'), pf3: '(v)cvtdq2pd Vx,Wh', pf2: narrowing('cvtpd2dq') });
  m[0xe7] = pfxOnly({ none: 'movntq Mq,Pq', p66: '(v)movntdq Mx,Vx' });
  intRow(m, 0xe8, ['psubsb', 'psubsw', 'pminsw', 'por', 'paddsb', 'paddsw', 'pmaxsw', 'pxor']);

  m[0xf0] = pfxOnly({ pf2: '(v)lddqu Vx,Mx' });
  intRow(m, 0xf1, ['psllw', 'pslld', 'psllq'], 'Qq', 'Wdq');
  intRow(m, 0xf4, ['pmuludq', 'pmaddwd', 'psadbw']);
  m[0xf7] = pfxOnly({ none: 'maskmovq Pq,Nq', p66: l0('(v)maskmovdqu Vdq,Udq') });
  intRow(m, 0xf8, ['psubb', 'psubw', 'psubd', 'psubq', 'paddb', 'paddw', 'paddd']);
  return m;
}

export const SSE_0F: OpcodeMap = build();
