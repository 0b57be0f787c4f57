// The three-byte map 0F 38 xx (Intel SDM Vol. 2, Table A-4): SSSE3/SSE4.1/SSE4.2, AES-NI,
// SHA, movbe/crc32, ADX, and VEX map 2: AVX/AVX2 (broadcasts, permutes, masked moves,
// variable shifts, gathers), F16C, FMA, BMI1/BMI2.
import { enc, grp, mod, pfx, vexL, w } from '../forms.ts';
import type { Entry, OpcodeMap } from '../forms.ts';

/** An invalid slot that, unlike `undefined`, stops pfx() from falling back to another one. */
const INVALID: Entry = enc(undefined, undefined);

/** A mandatory-prefix row read the way objdump's prefix tables are: F3/F2, else 66, picks
 *  its slot, and a slot not given is invalid; bare pfx() would fall back to the unprefixed
 *  form (the integer maps need that: there 66 is the operand size). */
export const sse = (p: { none?: Entry; p66?: Entry; pf3?: Entry; pf2?: Entry }): Entry =>
  pfx({ none: INVALID, p66: INVALID, pf3: INVALID, pf2: INVALID, ...p });

/** VEX.L must be 0 (128-bit only and the VEX GPR forms); L=1 is #UD, objdump's (bad). */
export const l0 = (e: Entry): Entry => vexL(e, undefined);
/** VEX.L must be 1 (the 256-bit-only permutes and 128-bit lane moves). */
export const l1 = (e: Entry): Entry => vexL(undefined, e);
/** VEX.W must be 0 / 1 (the other is reserved: objdump's (bad)); legacy forms ignore REX.W. */
export const w0 = (e: Entry): Entry => enc(e, w(e, undefined));
export const w1 = (e: Entry): Entry => enc(e, w(undefined, e));

/** SSSE3: the MMX form without prefix, the SSE form with 66 (and its AVX/AVX2 twin). */
const ssse3 = (name: string, ops = 'Vx,Hx,Wx'): Entry => sse({ none: `${name} Pq,Qq`, p66: `(v)${name} ${ops}` });

/** A 66-prefixed SSE4/AVX form. */
export const sse66 = (form: Entry): Entry => sse({ p66: form });

/** A 66-prefixed VEX-only form with VEX.W0. */
export const vex66 = (form: string): Entry => sse({ p66: w0(`${form} [vex]`) });

/** BMI1/BMI2: VEX-encoded GPR forms (B is the VEX.vvvv register), VEX.L0. */
const bmi = (e: Entry): Entry => enc(undefined, l0(e));

/** pmovsx/pmovzx: the source holds 1/2, 1/4 or 1/8 as many bytes as the destination. */
const PMOVX: [string, string][] = [['bw', 'h'], ['bd', 'oq'], ['bq', 'e'], ['wd', 'h'], ['wq', 'oq'], ['dq', 'h']];

/** FMA rows 96-9F, A6-AF, B6-BF: packed forms (W selects ps/pd) then alternating packed/scalar. */
const FMA = ['fmaddsub', 'fmsubadd', 'fmadd', 'fmadd', 'fmsub', 'fmsub', 'fnmadd', 'fnmadd', 'fnmsub', 'fnmsub'];

function fma(op: string, order: string, scalar: boolean): Entry {
  const form = (t: string) => scalar ? `v${op}${order}${t} V${t},H${t},W${t} [vex]` : `v${op}${order}${t} Vx,Hx,Wx [vex]`;
  return sse({ p66: scalar ? w(form('ss'), form('sd')) : w(form('ps'), form('pd')) });
}

/** Gathers: W selects the element size (d/q); the VSIB index is as wide as the vector
 *  (VMx), or half of it for dword indices of qword elements (VMh); qword indices of dword
 *  elements fill only half a vector (Vh, Hh). */
function gather(dd: string, dq: string, qd: string, qq: string): [Entry, Entry] {
  return [
    sse({ p66: w(`${dd} Vx,VMx,Hx [vex]`, `${dq} Vx,VMh,Hx [vex]`) }),
    sse({ p66: w(`${qd} Vh,VMx,Hh [vex]`, `${qq} Vx,VMx,Hx [vex]`) }),
  ];
}

function build(): OpcodeMap {
  const m: OpcodeMap = {};
  ['pshufb', 'phaddw', 'phaddd', 'phaddsw', 'pmaddubsw', 'phsubw', 'phsubd', 'phsubsw',
    'psignb', 'psignw', 'psignd', 'pmulhrsw'].forEach((name, i) => { m[0x00 + i] = ssse3(name); });
  m[0x0c] = vex66('vpermilps Vx,Hx,Wx');
  m[0x0d] = vex66('vpermilpd Vx,Hx,Wx');
  m[0x0e] = vex66('vtestps Vx,Wx');
  m[0x0f] = vex66('vtestpd Vx,Wx');
  // SSE4.1 variable blends: the mask is the implicit %xmm0 (VEX has 4-operand forms in 0F 3A).
  m[0x10] = sse66('pblendvb Vdq,Wdq,XMM0');
  m[0x13] = vex66('vcvtph2ps Vx,Wh');
  m[0x14] = sse66('blendvps Vdq,Wdq,XMM0');
  m[0x15] = sse66('blendvpd Vdq,Wdq,XMM0');
  m[0x16] = l1(vex66('vpermps Vqq,Hqq,Wqq'));
  m[0x17] = sse66('(v)ptest Vx,Wx');
  m[0x18] = vex66('vbroadcastss Vx,Wd');
  m[0x19] = l1(vex66('vbroadcastsd Vqq,Wq'));
  m[0x1a] = l1(vex66('vbroadcastf128 Vqq,Mdq'));
  m[0x1c] = ssse3('pabsb', 'Vx,Wx');
  m[0x1d] = ssse3('pabsw', 'Vx,Wx');
  m[0x1e] = ssse3('pabsd', 'Vx,Wx');
  PMOVX.forEach(([t, src], i) => {
    m[0x20 + i] = sse66(`(v)pmovsx${t} Vx,W${src}`);
    m[0x30 + i] = sse66(`(v)pmovzx${t} Vx,W${src}`);
  });
  m[0x28] = sse66('(v)pmuldq Vx,Hx,Wx');
  m[0x29] = sse66('(v)pcmpeqq Vx,Hx,Wx');
  m[0x2a] = sse66('(v)movntdqa Vx,Mx');
  m[0x2b] = sse66('(v)packusdw Vx,Hx,Wx');
  m[0x2c] = vex66('vmaskmovps Vx,Hx,Mx');
  m[0x2d] = vex66('vmaskmovpd Vx,Hx,Mx');
  m[0x2e] = vex66('vmaskmovps Mx,Hx,Vx');
  m[0x2f] = vex66('vmaskmovpd Mx,Hx,Vx');
  m[0x36] = l1(vex66('vpermd Vqq,Hqq,Wqq'));
  m[0x37] = sse66('(v)pcmpgtq Vx,Hx,Wx');
  ['pminsb', 'pminsd', 'pminuw', 'pminud', 'pmaxsb', 'pmaxsd', 'pmaxuw', 'pmaxud', 'pmulld']
    .forEach((name, i) => { m[0x38 + i] = sse66(`(v)${name} Vx,Hx,Wx`); });
  m[0x41] = sse66(l0('(v)phminposuw Vdq,Wdq'));
  m[0x45] = sse({ p66: w('vpsrlvd Vx,Hx,Wx [vex]', 'vpsrlvq Vx,Hx,Wx [vex]') });
  m[0x46] = vex66('vpsravd Vx,Hx,Wx');
  m[0x47] = sse({ p66: w('vpsllvd Vx,Hx,Wx [vex]', 'vpsllvq Vx,Hx,Wx [vex]') });
  m[0x58] = vex66('vpbroadcastd Vx,Wd');
  m[0x59] = vex66('vpbroadcastq Vx,Wq');
  m[0x5a] = l1(vex66('vbroadcasti128 Vqq,Mdq'));
  m[0x78] = vex66('vpbroadcastb Vx,Wb');
  m[0x79] = vex66('vpbroadcastw Vx,Ww');
  m[0x8c] = sse({ p66: w('vpmaskmovd Vx,Hx,Mx [vex]', 'vpmaskmovq Vx,Hx,Mx [vex]') });
  m[0x8e] = sse({ p66: w('vpmaskmovd Mx,Hx,Vx [vex]', 'vpmaskmovq Mx,Hx,Vx [vex]') });
  [m[0x90], m[0x91]] = gather('vpgatherdd', 'vpgatherdq', 'vpgatherqd', 'vpgatherqq');
  [m[0x92], m[0x93]] = gather('vgatherdps', 'vgatherdpd', 'vgatherqps', 'vgatherqpd');
  for (const [base, order] of [[0x96, '132'], [0xa6, '213'], [0xb6, '231']] as const) {
    FMA.forEach((op, i) => { m[base + i] = fma(op, order, i >= 2 && i % 2 === 1); });
  }
  // SHA extensions (no prefix); sha256rnds2 takes the round constants in the implicit %xmm0.
  m[0xc8] = sse({ none: 'sha1nexte Vdq,Wdq' });
  m[0xc9] = sse({ none: 'sha1msg1 Vdq,Wdq' });
  m[0xca] = sse({ none: 'sha1msg2 Vdq,Wdq' });
  m[0xcb] = sse({ none: 'sha256rnds2 Vdq,Wdq,XMM0' });
  m[0xcc] = sse({ none: 'sha256msg1 Vdq,Wdq' });
  m[0xcd] = sse({ none: 'sha256msg2 Vdq,Wdq' });
  m[0xcf] = sse66(w0('(v)gf2p8mulb Vx,Hx,Wx'));
  // AES-NI; VAES extends the VEX round forms (not aesimc) to 256 bits.
  m[0xdb] = sse66(l0('(v)aesimc Vdq,Wdq'));
  m[0xdc] = sse66('(v)aesenc Vx,Hx,Wx');
  m[0xdd] = sse66('(v)aesenclast Vx,Hx,Wx');
  m[0xde] = sse66('(v)aesdec Vx,Hx,Wx');
  m[0xdf] = sse66('(v)aesdeclast Vx,Hx,Wx');
  // F0/F1: movbe (memory only) and, with F2, crc32, which objdump spells with the source
  // size only for a memory source (crc32b (%rax),%eax but crc32 %cl,%eax). p66 is left
  // undefined so that 66 falls back to movbe as the operand-size prefix (movbe (%rdi),%ax).
  m[0xf0] = sse({ none: 'movbe Gv,Mv', p66: undefined, pf2: mod('crc32b Gy,Eb', 'crc32 Gy,Eb') });
  m[0xf1] = sse({ none: 'movbe Mv,Gv', p66: undefined, pf2: mod('crc32%R Gy,Ev', 'crc32 Gy,Ev') });
  m[0xf2] = bmi(sse({ none: 'andn Gy,By,Ey [vex]' }));
  // Group 17: the destination is VEX.vvvv.
  m[0xf3] = bmi(sse({ none: grp(undefined, 'blsr By,Ey [vex]', 'blsmsk By,Ey [vex]', 'blsi By,Ey [vex]') }));
  m[0xf5] = bmi(sse({ none: 'bzhi Gy,Ey,By [vex]', pf3: 'pext Gy,By,Ey [vex]', pf2: 'pdep Gy,By,Ey [vex]' }));
  // F6: ADX adcx/adox are legacy-only; VEX F2 is mulx.
  m[0xf6] = enc(sse({ p66: 'adcx Gy,Ey', pf3: 'adox Gy,Ey' }), bmi(sse({ pf2: 'mulx Gy,By,Ey [vex]' })));
  m[0xf7] = bmi(sse({
    none: 'bextr Gy,Ey,By [vex]', p66: 'shlx Gy,Ey,By [vex]', pf3: 'sarx Gy,Ey,By [vex]', pf2: 'shrx Gy,Ey,By [vex]',
  }));
  return m;
}

export const MAP_0F38: OpcodeMap = build();
