// EVEX (AVX-512) opcode maps 0F, 0F38 and 0F3A (Intel SDM Vol. 2, Appendix A with the
// EVEX columns), as objdump 2.40 decodes them. Every opcode EVEX defines is listed; an
// absent entry is (bad). `VEX(...)` marks an instruction that is the VEX one of the same
// opcode (same mnemonic and operands, at 512 bits too): the VEX maps supply its form and
// the VEX pp selection, this table adds the EVEX.W constraint and what EVEX.b means for it
// (bcst: {1toN} memory broadcast, er: {rn-sae} rounding, sae: {sae}). EVEX-only and
// renamed instructions are written out. EVEX.W picks the element size in most rows: d/q,
// ps/pd, b/w, 32x4/64x2. The opmask destination of compares and tests is KG. The flag
// [vex] on a written-out form says that VEX encodes it too: like the `VEX` entries it then
// prints as `{evex} ...` when the encoding uses nothing only EVEX has (objdump's marking).
import { grp, mod, pfx, vexL, w } from '../forms.ts';
import type { Entry, OpcodeMap } from '../forms.ts';

/** The mnemonic of the marker form that stands for "the VEX form of this opcode". */
export const SAME_AS_VEX = '=vex';
const VEX = (features = ''): string => (features ? `${SAME_AS_VEX} [${features}]` : SAME_AS_VEX);

const w0 = (e: Entry): Entry => w(e, undefined);
const w1 = (e: Entry): Entry => w(undefined, e);
const p66 = (e: Entry): Entry => pfx({ p66: e });
/** Lane permutes, inserts and broadcasts that need 256 or 512 bits (EVEX.L'L 1 or 2). */
const wide = (e: Entry): Entry => vexL(undefined, e);
/** The 256-bit lane forms (32x8, 64x4) need 512 bits. */
const only512 = (e: Entry): Entry => vexL(undefined, undefined, e);

/** A form whose name takes the element type from EVEX.W: `#` becomes `a` (W0) or `b` (W1),
 *  e.g. the 128/256-bit lane moves vinserti# with 32x4 / 64x2. */
const wsel = (form: string, a: string, b: string): Entry =>
  w(form.replace('#', a), form.replace('#', b));
/** Dword / qword element forms (vpandd / vpandq). */
const dq = (form: string): Entry => wsel(form, 'd', 'q');
/** Single / double precision forms of map 0F38/0F3A (66 prefix, W selects). */
const sd = (form: string): Entry => wsel(form, 's', 'd');
/** Byte / word element forms (vpermb / vpermw). */
const bw = (form: string): Entry => wsel(form, 'b', 'w');

/** Map 0F packed single (no prefix, W0) and packed double (66, W1) forms. */
const psPd = (b: string): Entry => pfx({ none: w0(VEX(b)), p66: w1(VEX(b)) });
/** Map 0F ps/pd/ss/sd arithmetic; objdump accepts either W for the packed forms. */
const fp = (b: string): Entry =>
  pfx({ none: VEX(`bcst ${b}`), p66: VEX(`bcst ${b}`), pf3: w0(VEX(b)), pf2: w1(VEX(b)) });

/** vpcmp[u]{b,w,d,q}: `%I` names the predicate of imm8 0-2 and 4-6 (vpcmpltub, see evex.ts). */
const vpcmp = (u: string, elem: 'bw' | 'dq'): Entry =>
  p66(wsel(`vpcmp%I${u}# KGq,Hx,Wx,Ib${elem === 'dq' ? ' [bcst]' : ''}`, elem[0], elem[1]));

function build0f(): OpcodeMap {
  const m: OpcodeMap = {};
  m[0x10] = pfx({ none: VEX(), p66: VEX(), pf3: w0(VEX()), pf2: w1(VEX()) });
  m[0x11] = m[0x10];
  // movlps/movhlps, movlpd, movsldup, movddup (12) and movhps/movlhps, movhpd, movshdup (16).
  m[0x12] = pfx({ none: mod(VEX(), w0(VEX())), p66: VEX(), pf3: w0(VEX()), pf2: w1(VEX()) });
  m[0x13] = pfx({ none: w0(VEX()), p66: w1(VEX()) });
  m[0x14] = psPd('bcst');
  m[0x15] = psPd('bcst');
  m[0x16] = pfx({ none: mod(VEX(), w0(VEX())), p66: VEX(), pf3: w0(VEX()) });
  m[0x17] = pfx({ none: w0(VEX()), p66: w1(VEX()) });
  m[0x28] = psPd('');
  m[0x29] = psPd('');
  // cvtsi2ss rounds a 32- or 64-bit integer; cvtsi2sd is exact for a 32-bit one.
  m[0x2a] = pfx({ pf3: VEX('er'), pf2: w(VEX(), VEX('er')) });
  m[0x2b] = psPd('');
  m[0x2c] = pfx({ pf3: VEX('sae'), pf2: VEX('sae') });
  m[0x2d] = pfx({ pf3: VEX('er'), pf2: VEX('er') });
  m[0x2e] = pfx({ none: VEX('sae'), p66: VEX('sae') });
  m[0x2f] = m[0x2e];
  m[0x51] = fp('er');
  m[0x54] = psPd('bcst');
  m[0x55] = psPd('bcst');
  m[0x56] = psPd('bcst');
  m[0x57] = psPd('bcst');
  m[0x58] = fp('er');
  m[0x59] = fp('er');
  m[0x5a] = pfx({
    none: w0(VEX('bcst sae')), p66: w1('vcvtpd2ps* Vh,Wpd [bcst er vex]'),
    pf3: w0(VEX('sae')), pf2: w1(VEX('er')),
  });
  m[0x5b] = pfx({
    none: w(VEX('bcst er'), 'vcvtqq2ps* Vh,Wx [bcst er]'), p66: w0(VEX('bcst er')), pf3: w0(VEX('bcst sae')),
  });
  m[0x5c] = fp('er');
  m[0x5d] = fp('sae');
  m[0x5e] = fp('er');
  m[0x5f] = fp('sae');
  // Integer rows (66 only, like VEX): byte and word forms ignore W, dword forms need W0 and
  // qword forms W1, and those two broadcast.
  const anyW = VEX();
  const dword = w0(VEX('bcst'));
  const qword = w1(VEX('bcst'));
  for (const op of [0x60, 0x61, 0x63, 0x67, 0x68, 0x69, 0xd1, 0xd5, 0xd8, 0xd9, 0xda, 0xdc, 0xdd, 0xde,
    0xe0, 0xe1, 0xe3, 0xe4, 0xe5, 0xe8, 0xe9, 0xea, 0xec, 0xed, 0xee, 0xf1, 0xf5, 0xf6, 0xf8, 0xf9,
    0xfc, 0xfd]) m[op] = anyW;
  for (const op of [0x62, 0x6a, 0x6b, 0xfa, 0xfe]) m[op] = dword;
  for (const op of [0x6c, 0x6d, 0xd4, 0xf4, 0xfb]) m[op] = qword;
  m[0xd2] = w0(VEX()); // shifts by an xmm count do not broadcast
  m[0xf2] = w0(VEX());
  m[0xd3] = w1(VEX());
  m[0xf3] = w1(VEX());
  // The compares write an opmask instead of a vector.
  m[0x64] = p66('vpcmpgtb KGq,Hx,Wx');
  m[0x65] = p66('vpcmpgtw KGq,Hx,Wx');
  m[0x66] = p66(w0('vpcmpgtd KGq,Hx,Wx [bcst]'));
  m[0x74] = p66('vpcmpeqb KGq,Hx,Wx');
  m[0x75] = p66('vpcmpeqw KGq,Hx,Wx');
  m[0x76] = p66(w0('vpcmpeqd KGq,Hx,Wx [bcst]'));
  m[0x6e] = p66(VEX());
  m[0x7e] = pfx({ p66: VEX(), pf3: w1(VEX()) });
  m[0xd6] = p66(w1(VEX()));
  // movdqa/movdqu split by element size, for the masking granularity.
  const movdq = (ops: string) =>
    pfx({ p66: wsel(`vmovdqa# ${ops}`, '32', '64'), pf3: wsel(`vmovdqu# ${ops}`, '32', '64'),
      pf2: wsel(`vmovdqu# ${ops}`, '8', '16') });
  m[0x6f] = movdq('Vx,Wx');
  m[0x7f] = movdq('Wx,Vx');
  m[0x70] = pfx({ p66: dword, pf3: anyW, pf2: anyW });
  // Groups 12-14: shifts and rotates by imm8 into the vvvv register; EVEX allows a memory source.
  m[0x71] = p66(grp(undefined, undefined, 'vpsrlw Hx,Wx,Ib [vex]', undefined, 'vpsraw Hx,Wx,Ib [vex]', undefined,
    'vpsllw Hx,Wx,Ib [vex]'));
  m[0x72] = p66(grp(dq('vpror# Hx,Wx,Ib [bcst]'), dq('vprol# Hx,Wx,Ib [bcst]'), w0('vpsrld Hx,Wx,Ib [bcst vex]'),
    undefined, w('vpsrad Hx,Wx,Ib [bcst vex]', 'vpsraq Hx,Wx,Ib [bcst]'), undefined,
    w0('vpslld Hx,Wx,Ib [bcst vex]')));
  m[0x73] = p66(grp(undefined, undefined, w1('vpsrlq Hx,Wx,Ib [bcst vex]'), 'vpsrldq Hx,Wx,Ib [vex]', undefined,
    undefined, w1('vpsllq Hx,Wx,Ib [bcst vex]'), 'vpslldq Hx,Wx,Ib [vex]'));
  // AVX-512 unsigned and quadword conversions.
  m[0x78] = pfx({
    none: w('vcvttps2udq Vx,Wx [bcst sae]', 'vcvttpd2udq* Vh,Wpd [bcst sae]'),
    p66: w('vcvttps2uqq Vx,Wh [bcst sae]', 'vcvttpd2uqq Vx,Wx [bcst sae]'),
    pf3: 'vcvttss2usi Gy,Wss [sae]', pf2: 'vcvttsd2usi Gy,Wsd [sae]',
  });
  m[0x79] = pfx({
    none: w('vcvtps2udq Vx,Wx [bcst er]', 'vcvtpd2udq* Vh,Wpd [bcst er]'),
    p66: w('vcvtps2uqq Vx,Wh [bcst er]', 'vcvtpd2uqq Vx,Wx [bcst er]'),
    pf3: 'vcvtss2usi Gy,Wss [er]', pf2: 'vcvtsd2usi Gy,Wsd [er]',
  });
  m[0x7a] = pfx({
    p66: w('vcvttps2qq Vx,Wh [bcst sae]', 'vcvttpd2qq Vx,Wx [bcst sae]'),
    pf3: w('vcvtudq2pd Vx,Wh [bcst]', 'vcvtuqq2pd Vx,Wx [bcst er]'),
    pf2: w('vcvtudq2ps Vx,Wx [bcst er]', 'vcvtuqq2ps* Vh,Wx [bcst er]'),
  });
  m[0x7b] = pfx({
    p66: w('vcvtps2qq Vx,Wh [bcst er]', 'vcvtpd2qq Vx,Wx [bcst er]'),
    pf3: 'vcvtusi2ss* Vss,Hss,Ey [er]', pf2: w('vcvtusi2sd* Vsd,Hsd,Ey', 'vcvtusi2sd* Vsd,Hsd,Ey [er]'),
  });
  m[0xc2] = pfx({
    none: w0('vcmp%Cps KGq,Hps,Wps,Ib [bcst sae]'), p66: w1('vcmp%Cpd KGq,Hpd,Wpd,Ib [bcst sae]'),
    pf3: w0('vcmp%Css KGq,Hss,Wss,Ib [sae]'), pf2: w1('vcmp%Csd KGq,Hsd,Wsd,Ib [sae]'),
  });
  m[0xc4] = p66(VEX());
  m[0xc5] = p66(VEX());
  m[0xc6] = psPd('bcst');
  m[0xdb] = p66(dq('vpand# Vx,Hx,Wx [bcst]'));
  m[0xdf] = p66(dq('vpandn# Vx,Hx,Wx [bcst]'));
  m[0xeb] = p66(dq('vpor# Vx,Hx,Wx [bcst]'));
  m[0xef] = p66(dq('vpxor# Vx,Hx,Wx [bcst]'));
  m[0xe2] = p66(w('vpsrad Vx,Hx,Wdq [vex]', 'vpsraq Vx,Hx,Wdq'));
  m[0xe6] = pfx({
    p66: w1('vcvttpd2dq* Vh,Wpd [bcst sae vex]'), pf2: w1('vcvtpd2dq* Vh,Wpd [bcst er vex]'),
    pf3: w(VEX('bcst'), 'vcvtqq2pd Vx,Wx [bcst er]'),
  });
  m[0xe7] = p66(w0(VEX()));
  return m;
}

/** The FMA rows 96-9F, A6-AF, B6-BF: packed, then alternating packed and scalar forms. */
const FMA = ['fmaddsub', 'fmsubadd', 'fmadd', 'fmadd', 'fmsub', 'fmsub', 'fnmadd', 'fnmadd', 'fnmsub', 'fnmsub'];
const fmaScalar = (i: number): boolean => i >= 2 && i % 2 === 1;

/** The down-converting moves of rows F3 0F38 1x (vpmovus*), 2x (vpmovs*), 3x (vpmov*):
 *  element types and how wide the destination is (1/2, 1/4 or 1/8 of the source). */
const NARROW: [string, string][] = [['wb', 'h'], ['db', 'oq'], ['qb', 'e'], ['dw', 'h'], ['qw', 'oq'], ['qd', 'h']];

function build0f38(): OpcodeMap {
  const m: OpcodeMap = {};
  for (const op of [0x00, 0x04, 0x0b, 0x1c, 0x1d, 0x38, 0x3a, 0x3c, 0x3e, 0xdc, 0xdd, 0xde, 0xdf]) m[op] = p66(VEX());
  for (const op of [0x1e, 0x2b]) m[op] = p66(w0(VEX('bcst')));
  for (const op of [0x18, 0x58, 0x78, 0x79, 0xcf]) m[op] = p66(w0(VEX()));
  m[0x0c] = p66(w0(VEX('bcst')));
  m[0x0d] = p66(w1('vpermilpd Vx,Hx,Wx [bcst vex]')); // VEX.W0 in VEX, W1 in EVEX
  // 66: variable word shifts, vcvtph2ps, variable rotates; vpmovsx; vpmovzx (dq needs W0).
  const row1x = [w1('vpsrlvw Vx,Hx,Wx'), w1('vpsravw Vx,Hx,Wx'), w1('vpsllvw Vx,Hx,Wx'), w0(VEX('sae')),
    dq('vprorv# Vx,Hx,Wx [bcst]'), dq('vprolv# Vx,Hx,Wx [bcst]')];
  NARROW.forEach(([t, dst], i) => {
    const extend = i === 5 ? w0(VEX()) : VEX();
    m[0x10 + i] = pfx({ p66: row1x[i], pf3: w0(`vpmovus${t} W${dst},Vx`) });
    m[0x20 + i] = pfx({ p66: extend, pf3: w0(`vpmovs${t} W${dst},Vx`) });
    m[0x30 + i] = pfx({ p66: extend, pf3: w0(`vpmov${t} W${dst},Vx`) });
  });
  m[0x16] = p66(wide(w('vpermps Vx,Hx,Wx [bcst vex]', 'vpermpd Vx,Hx,Wx [bcst vex]')));
  m[0x19] = p66(wide(w('vbroadcastf32x2 Vx,Wq', 'vbroadcastsd Vx,Wq [vex]')));
  m[0x1a] = p66(wide(wsel('vbroadcastf# Vx,Mdq', '32x4', '64x2')));
  m[0x1b] = p66(only512(wsel('vbroadcastf# Vx,Mqq', '32x8', '64x4')));
  m[0x1f] = p66(w1('vpabsq Vx,Wx [bcst]'));
  m[0x26] = pfx({ p66: bw('vptestm# KGq,Hx,Wx'), pf3: bw('vptestnm# KGq,Hx,Wx') });
  m[0x27] = pfx({ p66: dq('vptestm# KGq,Hx,Wx [bcst]'), pf3: dq('vptestnm# KGq,Hx,Wx [bcst]') });
  m[0x28] = pfx({ p66: w1(VEX('bcst')), pf3: bw('vpmovm2# Vx,KEq [nomem]') });
  m[0x29] = pfx({ p66: w1('vpcmpeqq KGq,Hx,Wx [bcst]'), pf3: bw('vpmov#2m KGq,Ux') });
  m[0x2a] = pfx({ p66: w0(VEX()), pf3: w1('vpbroadcastmb2q Vx,KEq [nomem]') });
  m[0x2c] = p66(sd('vscalefp# Vx,Hx,Wx [bcst er]'));
  m[0x2d] = p66(w('vscalefss Vss,Hss,Wss [er]', 'vscalefsd Vsd,Hsd,Wsd [er]'));
  m[0x36] = p66(wide(w('vpermd Vx,Hx,Wx [bcst vex]', 'vpermq Vx,Hx,Wx [bcst]')));
  m[0x37] = p66(w1('vpcmpgtq KGq,Hx,Wx [bcst]'));
  m[0x38] = pfx({ p66: VEX(), pf3: dq('vpmovm2# Vx,KEq [nomem]') });
  m[0x39] = pfx({ p66: w(VEX('bcst'), 'vpminsq Vx,Hx,Wx [bcst]'), pf3: dq('vpmov#2m KGq,Ux') });
  m[0x3a] = pfx({ p66: VEX(), pf3: w0('vpbroadcastmw2d Vx,KEq [nomem]') });
  m[0x3b] = p66(w(VEX('bcst'), 'vpminuq Vx,Hx,Wx [bcst]'));
  m[0x3d] = p66(w(VEX('bcst'), 'vpmaxsq Vx,Hx,Wx [bcst]'));
  m[0x3f] = p66(w(VEX('bcst'), 'vpmaxuq Vx,Hx,Wx [bcst]'));
  m[0x40] = p66(w(VEX('bcst'), 'vpmullq Vx,Hx,Wx [bcst]'));
  m[0x42] = p66(sd('vgetexpp# Vx,Wx [bcst sae]'));
  m[0x43] = p66(w('vgetexpss Vss,Hss,Wss [sae]', 'vgetexpsd Vsd,Hsd,Wsd [sae]'));
  m[0x44] = p66(dq('vplzcnt# Vx,Wx [bcst]'));
  // The variable shifts exist in VEX too, but objdump does not mark them {evex}.
  m[0x45] = p66(dq('vpsrlv# Vx,Hx,Wx [bcst]'));
  m[0x46] = p66(dq('vpsrav# Vx,Hx,Wx [bcst]'));
  m[0x47] = p66(dq('vpsllv# Vx,Hx,Wx [bcst]'));
  m[0x4c] = p66(sd('vrcp14p# Vx,Wx [bcst]'));
  m[0x4d] = p66(w('vrcp14ss Vss,Hss,Wss', 'vrcp14sd Vsd,Hsd,Wsd'));
  // objdump 2.40 decodes vrsqrt14ps/pd whatever the prefix.
  m[0x4e] = sd('vrsqrt14p# Vx,Wx [bcst]');
  m[0x4f] = p66(w('vrsqrt14ss Vss,Hss,Wss', 'vrsqrt14sd Vsd,Hsd,Wsd'));
  // AVX512_VNNI; objdump 2.40 also decodes the AVX-VNNI-INT8 sign variants here (none/F3/F2).
  // AVX512_4VNNIW (4 consecutive sources, m128), AVX512_BF16.
  for (const [op, s] of [[0x50, ''], [0x51, 's']] as const) {
    m[op] = w0(pfx({ none: `vpdpbuud${s} Vx,Hx,Wx [bcst]`, p66: `vpdpbusd${s} Vx,Hx,Wx [bcst]`,
      pf3: `vpdpbsud${s} Vx,Hx,Wx [bcst]`, pf2: `vpdpbssd${s} Vx,Hx,Wx [bcst]` }));
  }
  m[0x52] = pfx({ p66: w0('vpdpwssd Vx,Hx,Wx [bcst]'), pf3: w0('vdpbf16ps Vx,Hx,Wx [bcst]'),
    pf2: w0('vp4dpwssd Vx,Hx,Mdq') });
  m[0x53] = pfx({ p66: w0('vpdpwssds Vx,Hx,Wx [bcst]'), pf2: w0('vp4dpwssds Vx,Hx,Mdq') });
  m[0x54] = p66(bw('vpopcnt# Vx,Wx'));
  m[0x55] = p66(dq('vpopcnt# Vx,Wx [bcst]'));
  m[0x59] = p66(w('vbroadcasti32x2 Vx,Wq', 'vpbroadcastq Vx,Wq [vex]')); // VEX.W0 in VEX, W1 in EVEX
  m[0x5a] = p66(wide(wsel('vbroadcasti# Vx,Mdq', '32x4', '64x2')));
  m[0x5b] = p66(only512(wsel('vbroadcasti# Vx,Mqq', '32x8', '64x4')));
  // Expand / compress read or write only the selected elements: disp8 scales by one element.
  m[0x62] = p66(bw('vpexpand# Vx,Wx'));
  m[0x63] = p66(bw('vpcompress# Wx,Vx'));
  m[0x64] = p66(dq('vpblendm# Vx,Hx,Wx [bcst]'));
  m[0x65] = p66(sd('vblendmp# Vx,Hx,Wx [bcst]'));
  m[0x66] = p66(bw('vpblendm# Vx,Hx,Wx'));
  m[0x68] = pfx({ pf2: dq('vp2intersect# KGq,Hx,Wx [bcst]') });
  m[0x70] = p66(w1('vpshldvw Vx,Hx,Wx'));
  m[0x71] = p66(dq('vpshldv# Vx,Hx,Wx [bcst]'));
  m[0x72] = pfx({
    p66: w1('vpshrdvw Vx,Hx,Wx'),
    pf3: w0('vcvtneps2bf16* Vh,Wx [bcst]'), pf2: w0('vcvtne2ps2bf16 Vx,Hx,Wx [bcst]'),
  });
  m[0x73] = p66(dq('vpshrdv# Vx,Hx,Wx [bcst]'));
  m[0x75] = p66(bw('vpermi2# Vx,Hx,Wx'));
  m[0x76] = p66(dq('vpermi2# Vx,Hx,Wx [bcst]'));
  m[0x77] = p66(sd('vpermi2p# Vx,Hx,Wx [bcst]'));
  // Broadcasts from a general register.
  m[0x7a] = p66(w0('vpbroadcastb Vx,Rd [nomem]'));
  m[0x7b] = p66(w0('vpbroadcastw Vx,Rd [nomem]'));
  m[0x7c] = p66(w('vpbroadcastd Vx,Rd [nomem]', 'vpbroadcastq Vx,Rq [nomem]'));
  m[0x7d] = p66(bw('vpermt2# Vx,Hx,Wx'));
  m[0x7e] = p66(dq('vpermt2# Vx,Hx,Wx [bcst]'));
  m[0x7f] = p66(sd('vpermt2p# Vx,Hx,Wx [bcst]'));
  m[0x83] = p66(w1('vpmultishiftqb Vx,Hx,Wx [bcst]'));
  m[0x88] = p66(sd('vexpandp# Vx,Wx'));
  m[0x89] = p66(dq('vpexpand# Vx,Wx'));
  m[0x8a] = p66(sd('vcompressp# Wx,Vx'));
  m[0x8b] = p66(dq('vpcompress# Wx,Vx'));
  m[0x8d] = p66(bw('vperm# Vx,Hx,Wx'));
  m[0x8f] = p66('vpshufbitqmb KGq,Hx,Wx');
  // Gathers and scatters take the opmask instead of a vector mask; W gives the element
  // size, and dword indices of qword elements fill half a vector (VMh), qword indices of
  // dword elements half the data (Vh).
  m[0x90] = p66(w('vpgatherdd Vx,VMx', 'vpgatherdq Vx,VMh'));
  m[0x91] = p66(w('vpgatherqd Vh,VMx', 'vpgatherqq Vx,VMx'));
  m[0x92] = p66(w('vgatherdps Vx,VMx', 'vgatherdpd Vx,VMh'));
  m[0x93] = p66(w('vgatherqps Vh,VMx', 'vgatherqpd Vx,VMx'));
  m[0xa0] = p66(w('vpscatterdd VMx,Vx', 'vpscatterdq VMh,Vx'));
  m[0xa1] = p66(w('vpscatterqd VMx,Vh', 'vpscatterqq VMx,Vx'));
  m[0xa2] = p66(w('vscatterdps VMx,Vx', 'vscatterdpd VMh,Vx'));
  m[0xa3] = p66(w('vscatterqps VMx,Vh', 'vscatterqpd VMx,Vx'));
  // FMA: packed rows round and broadcast, scalar rows round.
  for (const base of [0x96, 0xa6, 0xb6]) {
    FMA.forEach((_, i) => { m[base + i] = p66(VEX(fmaScalar(i) ? 'er' : 'bcst er')); });
  }
  // AVX512_4FMAPS: four consecutive sources, m128.
  m[0x9a] = pfx({ p66: m[0x9a], pf2: w0('v4fmaddps Vx,Hx,Mdq') });
  m[0x9b] = pfx({ p66: m[0x9b], pf2: w0('v4fmaddss Vdq,Hdq,Mdq') });
  m[0xaa] = pfx({ p66: m[0xaa], pf2: w0('v4fnmaddps Vx,Hx,Mdq') });
  m[0xab] = pfx({ p66: m[0xab], pf2: w0('v4fnmaddss Vdq,Hdq,Mdq') });
  m[0xb4] = p66(w1('vpmadd52luq Vx,Hx,Wx [bcst]'));
  m[0xb5] = p66(w1('vpmadd52huq Vx,Hx,Wx [bcst]'));
  m[0xc4] = p66(dq('vpconflict# Vx,Wx [bcst]'));
  // AVX512PF gather/scatter prefetches (Xeon Phi, 512 bits), memory only: ModRM.reg selects
  // hint and direction; C6 has dword indices (half a vector of them for pd), C7 qword ones.
  for (const [op, idx, pdIndex] of [[0xc6, 'd', 'VMh'], [0xc7, 'q', 'VMx']] as const) {
    const pf = (name: string) => p66(only512(mod(w(`${name}${idx}ps VMx`, `${name}${idx}pd ${pdIndex}`), undefined)));
    m[op] = grp(undefined, pf('vgatherpf0'), pf('vgatherpf1'), undefined, undefined, pf('vscatterpf0'),
      pf('vscatterpf1'));
  }
  // AVX512ER (Xeon Phi).
  m[0xc8] = p66(sd('vexp2p# Vx,Wx [bcst sae]'));
  m[0xca] = p66(sd('vrcp28p# Vx,Wx [bcst sae]'));
  m[0xcb] = p66(w('vrcp28ss Vss,Hss,Wss [sae]', 'vrcp28sd Vsd,Hsd,Wsd [sae]'));
  m[0xcc] = p66(sd('vrsqrt28p# Vx,Wx [bcst sae]'));
  m[0xcd] = p66(w('vrsqrt28ss Vss,Hss,Wss [sae]', 'vrsqrt28sd Vsd,Hsd,Wsd [sae]'));
  return m;
}

function build0f3a(): OpcodeMap {
  const m: OpcodeMap = {};
  m[0x00] = p66(wide(w1('vpermq Vx,Wx,Ib [bcst vex]')));
  m[0x01] = p66(wide(w1('vpermpd Vx,Wx,Ib [bcst vex]')));
  m[0x03] = p66(dq('valign# Vx,Hx,Wx,Ib [bcst]'));
  m[0x04] = p66(w0(VEX('bcst')));
  m[0x05] = p66(w1('vpermilpd Vx,Wx,Ib [bcst vex]')); // VEX.W0 in VEX, W1 in EVEX
  // Without a prefix these rows hold the AVX512-FP16 forms (ph/sh).
  m[0x08] = pfx({ none: w0('vrndscaleph Vx,Wx,Ib [bcst16 sae]'), p66: w0('vrndscaleps Vx,Wx,Ib [bcst sae]') });
  m[0x09] = p66(w1('vrndscalepd Vx,Wx,Ib [bcst sae]'));
  m[0x0a] = pfx({ none: w0('vrndscalesh Vdq,Hdq,Ww,Ib [sae]'), p66: w0('vrndscaless Vss,Hss,Wss,Ib [sae]') });
  m[0x0b] = p66(w1('vrndscalesd Vsd,Hsd,Wsd,Ib [sae]'));
  for (const op of [0x0f, 0x14, 0x15, 0x16, 0x17, 0x20, 0x22, 0x44]) m[op] = p66(VEX());
  m[0x21] = p66(w0(VEX()));
  m[0x1d] = p66(w0(VEX('sae')));
  m[0x18] = p66(wide(wsel('vinsertf# Vx,Hx,Wdq,Ib', '32x4', '64x2')));
  m[0x19] = p66(wide(wsel('vextractf# Wdq,Vx,Ib', '32x4', '64x2')));
  m[0x1a] = p66(only512(wsel('vinsertf# Vx,Hx,Wqq,Ib', '32x8', '64x4')));
  m[0x1b] = p66(only512(wsel('vextractf# Wqq,Vx,Ib', '32x8', '64x4')));
  m[0x38] = p66(wide(wsel('vinserti# Vx,Hx,Wdq,Ib', '32x4', '64x2')));
  m[0x39] = p66(wide(wsel('vextracti# Wdq,Vx,Ib', '32x4', '64x2')));
  m[0x3a] = p66(only512(wsel('vinserti# Vx,Hx,Wqq,Ib', '32x8', '64x4')));
  m[0x3b] = p66(only512(wsel('vextracti# Wqq,Vx,Ib', '32x8', '64x4')));
  m[0x1e] = vpcmp('u', 'dq');
  m[0x1f] = vpcmp('', 'dq');
  m[0x3e] = vpcmp('u', 'bw');
  m[0x3f] = vpcmp('', 'bw');
  m[0x23] = p66(wide(wsel('vshuff# Vx,Hx,Wx,Ib [bcst]', '32x4', '64x2')));
  m[0x43] = p66(wide(wsel('vshufi# Vx,Hx,Wx,Ib [bcst]', '32x4', '64x2')));
  m[0x25] = p66(dq('vpternlog# Vx,Hx,Wx,Ib [bcst]'));
  m[0x26] = pfx({ none: w0('vgetmantph Vx,Wx,Ib [bcst16 sae]'), p66: sd('vgetmantp# Vx,Wx,Ib [bcst sae]') });
  m[0x27] = pfx({
    none: w0('vgetmantsh Vdq,Hdq,Ww,Ib [sae]'),
    p66: w('vgetmantss Vss,Hss,Wss,Ib [sae]', 'vgetmantsd Vsd,Hsd,Wsd,Ib [sae]'),
  });
  // objdump 2.40 decodes vdbpsadbw whatever the prefix.
  m[0x42] = w0('vdbpsadbw Vx,Hx,Wx,Ib');
  m[0x50] = p66(sd('vrangep# Vx,Hx,Wx,Ib [bcst sae]'));
  m[0x51] = p66(w('vrangess Vss,Hss,Wss,Ib [sae]', 'vrangesd Vsd,Hsd,Wsd,Ib [sae]'));
  m[0x54] = p66(sd('vfixupimmp# Vx,Hx,Wx,Ib [bcst sae]'));
  m[0x55] = p66(w('vfixupimmss Vss,Hss,Wss,Ib [sae]', 'vfixupimmsd Vsd,Hsd,Wsd,Ib [sae]'));
  m[0x56] = pfx({ none: w0('vreduceph Vx,Wx,Ib [bcst16 sae]'), p66: sd('vreducep# Vx,Wx,Ib [bcst sae]') });
  m[0x57] = pfx({
    none: w0('vreducesh Vdq,Hdq,Ww,Ib [sae]'),
    p66: w('vreducess Vss,Hss,Wss,Ib [sae]', 'vreducesd Vsd,Hsd,Wsd,Ib [sae]'),
  });
  // vfpclass writes an opmask, so a memory source needs its width in the mnemonic (x/y/z).
  m[0x66] = pfx({ none: w0('vfpclassph* KGq,Wx,Ib [bcst16]'), p66: sd('vfpclassp#* KGq,Wx,Ib [bcst]') });
  m[0x67] = pfx({ none: w0('vfpclasssh KGq,Ww,Ib'), p66: w('vfpclassss KGq,Wss,Ib', 'vfpclasssd KGq,Wsd,Ib') });
  // objdump 2.40 decodes vpshldw/vpshrdw whatever the prefix.
  m[0x70] = w1('vpshldw Vx,Hx,Wx,Ib');
  m[0x71] = p66(dq('vpshld# Vx,Hx,Wx,Ib [bcst]'));
  m[0x72] = w1('vpshrdw Vx,Hx,Wx,Ib');
  m[0x73] = p66(dq('vpshrd# Vx,Hx,Wx,Ib [bcst]'));
  m[0xc2] = pfx({ none: w0('vcmp%Cph KGq,Hx,Wx,Ib [bcst16 sae]'), pf3: w0('vcmp%Csh KGq,Hdq,Ww,Ib [sae]') });
  m[0xce] = p66(w1(VEX('bcst')));
  m[0xcf] = p66(w1(VEX('bcst')));
  return m;
}


/** An FP16 operation as packed (no prefix) and scalar (F3) form: `vaddph` / `vaddsh`. */
const fp16 = (name: string, b: string): Entry =>
  pfx({ none: w0(`${name}ph Vx,Hx,Wx [bcst16 ${b}]`), pf3: w0(`${name}sh Vdq,Hdq,Ww [${b}]`) });

/** EVEX map 5 (AVX512-FP16): arithmetic and conversions laid out like map 0F. */
function buildMap5(): OpcodeMap {
  const m: OpcodeMap = {};
  m[0x10] = pfx({ pf3: w0(mod('vmovsh Vdq,Mw', 'vmovsh Vdq,Hdq,Udq')) });
  m[0x11] = pfx({ pf3: w0(mod('vmovsh Mw,Vdq', 'vmovsh Udq,Hdq,Vdq')) });
  m[0x1d] = pfx({ none: w0('vcvtss2sh Vdq,Hdq,Wss [er]'), p66: w0('vcvtps2phx* Vh,Wx [bcst er]') });
  m[0x2a] = pfx({ pf3: 'vcvtsi2sh* Vdq,Hdq,Ey [er]' });
  m[0x2c] = pfx({ pf3: 'vcvttsh2si Gy,Ww [sae]' });
  m[0x2d] = pfx({ pf3: 'vcvtsh2si Gy,Ww [er]' });
  m[0x2e] = pfx({ none: w0('vucomish Vdq,Ww [sae]') });
  m[0x2f] = pfx({ none: w0('vcomish Vdq,Ww [sae]') });
  m[0x51] = pfx({ none: w0('vsqrtph Vx,Wx [bcst16 er]'), pf3: w0('vsqrtsh Vdq,Hdq,Ww [er]') });
  m[0x58] = fp16('vadd', 'er');
  m[0x59] = fp16('vmul', 'er');
  m[0x5a] = pfx({
    none: w0('vcvtph2pd Vx,Woq [bcst16 sae]'), p66: w1('vcvtpd2ph* Vdq,Wx [bcst er]'),
    pf3: w0('vcvtsh2sd Vdq,Hdq,Ww [sae]'), pf2: w1('vcvtsd2sh Vdq,Hdq,Wsd [er]'),
  });
  m[0x5b] = pfx({
    none: w('vcvtdq2ph* Vh,Wx [bcst er]', 'vcvtqq2ph* Vdq,Wx [bcst er]'),
    p66: w0('vcvtph2dq Vx,Wh [bcst16 er]'), pf3: w0('vcvttph2dq Vx,Wh [bcst16 sae]'),
  });
  m[0x5c] = fp16('vsub', 'er');
  m[0x5d] = fp16('vmin', 'sae');
  m[0x5e] = fp16('vdiv', 'er');
  m[0x5f] = fp16('vmax', 'sae');
  // vmovw moves 16 bits; the register form names the 32-bit register.
  m[0x6e] = p66(mod('vmovw Vdq,Mw', 'vmovw Vdq,Rd'));
  m[0x7e] = p66(mod('vmovw Mw,Vdq', 'vmovw Rd,Vdq'));
  m[0x78] = pfx({
    none: w0('vcvttph2udq Vx,Wh [bcst16 sae]'), p66: w0('vcvttph2uqq Vx,Woq [bcst16 sae]'),
    pf3: 'vcvttsh2usi Gy,Ww [sae]',
  });
  m[0x79] = pfx({
    none: w0('vcvtph2udq Vx,Wh [bcst16 er]'), p66: w0('vcvtph2uqq Vx,Woq [bcst16 er]'),
    pf3: 'vcvtsh2usi Gy,Ww [er]',
  });
  m[0x7a] = pfx({
    p66: w0('vcvttph2qq Vx,Woq [bcst16 sae]'),
    pf2: w('vcvtudq2ph* Vh,Wx [bcst er]', 'vcvtuqq2ph* Vdq,Wx [bcst er]'),
  });
  m[0x7b] = pfx({ p66: w0('vcvtph2qq Vx,Woq [bcst16 er]'), pf3: 'vcvtusi2sh* Vdq,Hdq,Ey [er]' });
  m[0x7c] = pfx({ none: w0('vcvttph2uw Vx,Wx [bcst16 sae]'), p66: w0('vcvttph2w Vx,Wx [bcst16 sae]') });
  m[0x7d] = pfx({
    none: w0('vcvtph2uw Vx,Wx [bcst16 er]'), p66: w0('vcvtph2w Vx,Wx [bcst16 er]'),
    pf3: w0('vcvtw2ph Vx,Wx [bcst16 er]'), pf2: w0('vcvtuw2ph Vx,Wx [bcst16 er]'),
  });
  return m;
}

/** EVEX map 6 (AVX512-FP16): the 66-prefixed rows mirror map 0F38; the complex-number
 *  multiplies (F3/F2) broadcast a 32-bit pair of halves. */
function buildMap6(): OpcodeMap {
  const m: OpcodeMap = {};
  m[0x13] = pfx({ none: w0('vcvtsh2ss Vdq,Hdq,Ww [sae]'), p66: w0('vcvtph2psx Vx,Wh [bcst16 sae]') });
  m[0x2c] = p66(w0('vscalefph Vx,Hx,Wx [bcst16 er]'));
  m[0x2d] = p66(w0('vscalefsh Vdq,Hdq,Ww [er]'));
  m[0x42] = p66(w0('vgetexpph Vx,Wx [bcst16 sae]'));
  m[0x43] = p66(w0('vgetexpsh Vdq,Hdq,Ww [sae]'));
  m[0x4c] = p66(w0('vrcpph Vx,Wx [bcst16]'));
  m[0x4d] = p66(w0('vrcpsh Vdq,Hdq,Ww'));
  m[0x4e] = p66(w0('vrsqrtph Vx,Wx [bcst16]'));
  m[0x4f] = p66(w0('vrsqrtsh Vdq,Hdq,Ww'));
  const complex = (op: string) => pfx({
    pf3: w0(`vf${op}cph Vx,Hx,Wx [bcst er]`), pf2: w0(`vfc${op}cph Vx,Hx,Wx [bcst er]`),
  });
  const complexScalar = (op: string) => pfx({
    pf3: w0(`vf${op}csh Vdq,Hdq,Wd [er]`), pf2: w0(`vfc${op}csh Vdq,Hdq,Wd [er]`),
  });
  m[0x56] = complex('madd');
  m[0x57] = complexScalar('madd');
  m[0xd6] = complex('mul');
  m[0xd7] = complexScalar('mul');
  for (const [base, order] of [[0x96, '132'], [0xa6, '213'], [0xb6, '231']] as const) {
    FMA.forEach((op, i) => {
      m[base + i] = p66(w0(fmaScalar(i) ? `v${op}${order}sh Vdq,Hdq,Ww [er]`
        : `v${op}${order}ph Vx,Hx,Wx [bcst16 er]`));
    });
  }
  return m;
}


export const EVEX_0F: OpcodeMap = build0f();
export const EVEX_0F38: OpcodeMap = build0f38();
export const EVEX_0F3A: OpcodeMap = build0f3a();
export const EVEX_MAP5: OpcodeMap = buildMap5();
export const EVEX_MAP6: OpcodeMap = buildMap6();

/** Compress and expand (0F38 62 63: bytes/words, 88-8B: dwords/qwords by EVEX.W) access
 *  single elements, so their disp8*N scales by one element, not by the vector. */
export const DISP8_PER_ELEMENT: Record<number, [number, number]> = {
  0x62: [1, 2], 0x63: [1, 2], 0x88: [4, 8], 0x89: [4, 8], 0x8a: [4, 8], 0x8b: [4, 8],
};
