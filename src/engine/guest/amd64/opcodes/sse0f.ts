// The vector forms of the two-byte map 0F xx (Intel SDM Vol. 2, Table A-3): MMX (no
// prefix, P/Q/N operands), SSE/SSE2/SSE3 (none/66/F3/F2 select the form) and their VEX
// encodings, AVX/AVX2 (VEX map 1, vl 16/32). map0f.ts merges these over its integer forms.
import { enc, grp, mod, pfx, vexL, w } from '../forms.ts';
import type { Entry, OpcodeMap } from '../forms.ts';

/** A floating-point operation in its four types (packed single/double, scalar single/double);
 *  `ops` lists the operand methods, each sized by the type (Ib stays a byte). */
function fp(name: string, types = 'ps pd ss sd', packedOps = 'V,H,W', scalarOps = 'V,H,W'): Entry {
  const form = (t: string, ops: string) => types.split(' ').includes(t)
    ? `(v)${name}${t} ${ops.split(',').map((o) => (o === 'Ib' ? o : o + t)).join(',')}` : undefined;
  return pfx({
    none: form('ps', packedOps), p66: form('pd', packedOps), pf3: form('ss', scalarOps), pf2: form('sd', scalarOps),
  });
}

/** An integer operation: MMX without prefix, SSE2 with 66 (AVX/AVX2 as VEX). */
const int = (name: string, mmxSrc = 'Qq', vecSrc = 'Wx'): Entry =>
  pfx({ none: `${name} Pq,${mmxSrc}`, p66: `(v)${name} Vx,Hx,${vecSrc}` });

/** An integer operation that exists only as SSE2/AVX (66 prefix). */
const int66 = (name: string): Entry => pfx({ p66: `(v)${name} Vx,Hx,Wx` });

/** Groups 12-14 (0F 71-73): shift by imm8, register forms only; psrldq/pslldq are 66-only. */
const shiftImm = (name: string, mmx = true): Entry =>
  mod(undefined, pfx({ none: mmx ? `${name} Nq,Ib` : undefined, p66: `(v)${name} Hx,Ux,Ib` }));

/** Packed double to a half-width result (cvtpd2ps ...): VEX memory forms print x/y for the source width. */
const narrowing = (name: string): Entry => enc(`${name} Vdq,Wpd`, `v${name}* Vdq,Wpd [vex]`);

function build(): OpcodeMap {
  const m: OpcodeMap = {};
  m[0x10] = pfx({
    none: '(v)movups Vps,Wps', p66: '(v)movupd Vpd,Wpd',
    // VEX vmovss/vmovsd merge into the H register only in their register form.
    pf3: mod('(v)movss Vss,Mss', '(v)movss Vss,Hss,Uss'),
    pf2: mod('(v)movsd Vsd,Msd', '(v)movsd Vsd,Hsd,Usd'),
  });
  m[0x11] = pfx({
    none: '(v)movups Wps,Vps', p66: '(v)movupd Wpd,Vpd',
    pf3: mod('(v)movss Mss,Vss', '(v)movss Uss,Hss,Vss'),
    pf2: mod('(v)movsd Msd,Vsd', '(v)movsd Usd,Hsd,Vsd'),
  });
  m[0x12] = pfx({
    none: vexL(mod('(v)movlps Vdq,Hdq,Mq', '(v)movhlps Vdq,Hdq,Uq'), undefined),
    p66: vexL('(v)movlpd Vdq,Hdq,Mq', undefined),
    pf3: '(v)movsldup Vx,Wx',
    // movddup reads only the low double of a 128-bit source.
    pf2: vexL('(v)movddup Vx,Wsd', '(v)movddup Vx,Wx'),
  });
  m[0x13] = pfx({ none: vexL('(v)movlps Mq,Vdq', undefined), p66: vexL('(v)movlpd Mq,Vdq', undefined) });
  m[0x14] = fp('unpckl', 'ps pd');
  m[0x15] = fp('unpckh', 'ps pd');
  m[0x16] = pfx({
    none: vexL(mod('(v)movhps Vdq,Hdq,Mq', '(v)movlhps Vdq,Hdq,Uq'), undefined),
    p66: vexL('(v)movhpd Vdq,Hdq,Mq', undefined),
    pf3: '(v)movshdup Vx,Wx',
  });
  m[0x17] = pfx({ none: vexL('(v)movhps Mq,Vdq', undefined), p66: vexL('(v)movhpd Mq,Vdq', undefined) });

  m[0x28] = pfx({ none: '(v)movaps Vps,Wps', p66: '(v)movapd Vpd,Wpd' });
  m[0x29] = pfx({ none: '(v)movaps Wps,Vps', p66: '(v)movapd Wpd,Vpd' });
  // cvtsi2ss/sd print the l/q suffix only for a memory source.
  m[0x2a] = pfx({
    none: 'cvtpi2ps Vdq,Qq', p66: 'cvtpi2pd Vdq,Qq',
    pf3: '(v)cvtsi2ss* Vss,Hss,Ey', pf2: '(v)cvtsi2sd* Vsd,Hsd,Ey',
  });
  m[0x2b] = pfx({ none: '(v)movntps Mps,Vps', p66: '(v)movntpd Mpd,Vpd' });
  for (const [op, t] of [[0x2c, 'cvtt'], [0x2d, 'cvt']] as const) {
    m[op] = pfx({
      none: `${t}ps2pi Pq,Wq`, p66: `${t}pd2pi Pq,Wpd`,
      pf3: `(v)${t}ss2si Gy,Wss`, pf2: `(v)${t}sd2si Gy,Wsd`,
    });
  }
  m[0x2e] = pfx({ none: '(v)ucomiss Vss,Wss', p66: '(v)ucomisd Vsd,Wsd' });
  m[0x2f] = pfx({ none: '(v)comiss Vss,Wss', p66: '(v)comisd Vsd,Wsd' });

  m[0x50] = pfx({ none: '(v)movmskps Gd,Ups', p66: '(v)movmskpd Gd,Upd' });
  m[0x51] = fp('sqrt', 'ps pd ss sd', 'V,W');
  m[0x52] = fp('rsqrt', 'ps ss', 'V,W');
  m[0x53] = fp('rcp', 'ps ss', 'V,W');
  m[0x54] = fp('and', 'ps pd');
  m[0x55] = fp('andn', 'ps pd');
  m[0x56] = fp('or', 'ps pd');
  m[0x57] = fp('xor', 'ps pd');
  m[0x58] = fp('add');
  m[0x59] = fp('mul');
  m[0x5a] = pfx({
    none: '(v)cvtps2pd Vpd,Wh', p66: narrowing('cvtpd2ps'),
    pf3: '(v)cvtss2sd Vsd,Hsd,Wss', pf2: '(v)cvtsd2ss Vss,Hss,Wsd',
  });
  m[0x5b] = pfx({ none: '(v)cvtdq2ps Vps,Wx', p66: '(v)cvtps2dq Vx,Wps', pf3: '(v)cvttps2dq Vx,Wps' });
  m[0x5c] = fp('sub');
  m[0x5d] = fp('min');
  m[0x5e] = fp('div');
  m[0x5f] = fp('max');

  // The low-half unpacks read only 32 bits of an MMX memory source.
  m[0x60] = int('punpcklbw', 'Qd');
  m[0x61] = int('punpcklwd', 'Qd');
  m[0x62] = int('punpckldq', 'Qd');
  m[0x63] = int('packsswb');
  m[0x64] = int('pcmpgtb');
  m[0x65] = int('pcmpgtw');
  m[0x66] = int('pcmpgtd');
  m[0x67] = int('packuswb');
  m[0x68] = int('punpckhbw');
  m[0x69] = int('punpckhwd');
  m[0x6a] = int('punpckhdq');
  m[0x6b] = int('packssdw');
  m[0x6c] = int66('punpcklqdq');
  m[0x6d] = int66('punpckhqdq');
  m[0x6e] = pfx({ none: w('movd Pq,Ed', 'movq Pq,Eq'), p66: w('(v)movd Vdq,Ed', '(v)movq Vdq,Eq') });
  m[0x6f] = pfx({ none: 'movq Pq,Qq', p66: '(v)movdqa Vx,Wx', pf3: '(v)movdqu Vx,Wx' });

  m[0x70] = pfx({
    none: 'pshufw Pq,Qq,Ib', p66: '(v)pshufd Vx,Wx,Ib',
    pf3: '(v)pshufhw Vx,Wx,Ib', pf2: '(v)pshuflw Vx,Wx,Ib',
  });
  m[0x71] = grp(undefined, undefined, shiftImm('psrlw'), undefined, shiftImm('psraw'), undefined, shiftImm('psllw'));
  m[0x72] = grp(undefined, undefined, shiftImm('psrld'), undefined, shiftImm('psrad'), undefined, shiftImm('pslld'));
  m[0x73] = grp(undefined, undefined, shiftImm('psrlq'), shiftImm('psrldq', false), undefined, undefined,
    shiftImm('psllq'), shiftImm('pslldq', false));
  m[0x74] = int('pcmpeqb');
  m[0x75] = int('pcmpeqw');
  m[0x76] = int('pcmpeqd');
  m[0x77] = pfx({ none: enc('emms', vexL('vzeroupper [vex]', 'vzeroall [vex]')) });
  // Without prefix 0F 78/79 are VMX vmread/vmwrite; 66/F2 select AMD's SSE4a extrq/insertq.
  m[0x78] = pfx({
    none: 'vmread Eq,Gq', p66: grp('extrq Uq,Ib,Ib'), pf2: 'insertq Vdq,Uq,Ib,Ib',
  });
  m[0x79] = pfx({ none: 'vmwrite Gq,Eq', p66: 'extrq Vdq,Uq', pf2: 'insertq Vdq,Udq' });
  m[0x7c] = pfx({ p66: '(v)haddpd Vpd,Hpd,Wpd', pf2: '(v)haddps Vps,Hps,Wps' });
  m[0x7d] = pfx({ p66: '(v)hsubpd Vpd,Hpd,Wpd', pf2: '(v)hsubps Vps,Hps,Wps' });
  m[0x7e] = pfx({
    none: w('movd Ed,Pq', 'movq Eq,Pq'), p66: w('(v)movd Ed,Vdq', '(v)movq Eq,Vdq'), pf3: '(v)movq Vdq,Wq',
  });
  m[0x7f] = pfx({ none: 'movq Qq,Pq', p66: '(v)movdqa Wx,Vx', pf3: '(v)movdqu Wx,Vx' });

  // imm8 < 8 (VEX: < 32) names a predicate that objdump prints in the mnemonic (cmpltps).
  m[0xc2] = fp('cmp%C', 'ps pd ss sd', 'V,H,W,Ib', 'V,H,W,Ib');
  m[0xc3] = 'movnti My,Gy';
  m[0xc4] = pfx({
    none: mod('pinsrw Pq,Mw,Ib', 'pinsrw Pq,Rd,Ib'),
    p66: mod('(v)pinsrw Vdq,Hdq,Mw,Ib', '(v)pinsrw Vdq,Hdq,Rd,Ib'),
  });
  m[0xc5] = pfx({ none: 'pextrw Gd,Nq,Ib', p66: '(v)pextrw Gd,Udq,Ib' });
  m[0xc6] = pfx({ none: '(v)shufps Vps,Hps,Wps,Ib', p66: '(v)shufpd Vpd,Hpd,Wpd,Ib' });

  m[0xd0] = pfx({ p66: '(v)addsubpd Vpd,Hpd,Wpd', pf2: '(v)addsubps Vps,Hps,Wps' });
  // Shifts by a register count take the count from the low 64 bits of an xmm/m128 even in VEX.256.
  m[0xd1] = int('psrlw', 'Qq', 'Wdq');
  m[0xd2] = int('psrld', 'Qq', 'Wdq');
  m[0xd3] = int('psrlq', 'Qq', 'Wdq');
  m[0xd4] = int('paddq');
  m[0xd5] = int('pmullw');
  m[0xd6] = pfx({ p66: '(v)movq Wq,Vdq', pf3: 'movq2dq Vdq,Nq', pf2: 'movdq2q Pq,Uq' });
  m[0xd7] = pfx({ none: 'pmovmskb Gd,Nq', p66: '(v)pmovmskb Gd,Ux' });
  m[0xd8] = int('psubusb');
  m[0xd9] = int('psubusw');
  m[0xda] = int('pminub');
  m[0xdb] = int('pand');
  m[0xdc] = int('paddusb');
  m[0xdd] = int('paddusw');
  m[0xde] = int('pmaxub');
  m[0xdf] = int('pandn');

  m[0xe0] = int('pavgb');
  m[0xe1] = int('psraw', 'Qq', 'Wdq');
  m[0xe2] = int('psrad', 'Qq', 'Wdq');
  m[0xe3] = int('pavgw');
  m[0xe4] = int('pmulhuw');
  m[0xe5] = int('pmulhw');
  m[0xe6] = pfx({ p66: narrowing('cvttpd2dq'), pf3: '(v)cvtdq2pd Vx,Wh', pf2: narrowing('cvtpd2dq') });
  m[0xe7] = pfx({ none: 'movntq Mq,Pq', p66: '(v)movntdq Mx,Vx' });
  m[0xe8] = int('psubsb');
  m[0xe9] = int('psubsw');
  m[0xea] = int('pminsw');
  m[0xeb] = int('por');
  m[0xec] = int('paddsb');
  m[0xed] = int('paddsw');
  m[0xee] = int('pmaxsw');
  m[0xef] = int('pxor');

  m[0xf0] = pfx({ pf2: '(v)lddqu Vx,Mx' });
  m[0xf1] = int('psllw', 'Qq', 'Wdq');
  m[0xf2] = int('pslld', 'Qq', 'Wdq');
  m[0xf3] = int('psllq', 'Qq', 'Wdq');
  m[0xf4] = int('pmuludq');
  m[0xf5] = int('pmaddwd');
  m[0xf6] = int('psadbw');
  m[0xf7] = pfx({ none: 'maskmovq Pq,Nq', p66: '(v)maskmovdqu Vdq,Udq' });
  m[0xf8] = int('psubb');
  m[0xf9] = int('psubw');
  m[0xfa] = int('psubd');
  m[0xfb] = int('psubq');
  m[0xfc] = int('paddb');
  m[0xfd] = int('paddw');
  m[0xfe] = int('paddd');
  return m;
}

export const SSE_0F: OpcodeMap = build();
