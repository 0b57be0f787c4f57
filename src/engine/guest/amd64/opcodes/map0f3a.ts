// The three-byte map 0F 3A xx (Intel SDM Vol. 2, Table A-5): every form takes an imm8.
// SSSE3 palignr, SSE4.1 (round, blend, extract/insert, dpps, mpsadbw), SSE4.2 string
// compares, PCLMULQDQ, SHA, AES, GFNI, and VEX map 3: AVX/AVX2 permutes, 128-bit lane
// inserts/extracts, 4-operand variable blends, F16C vcvtps2ph, AMD FMA4, BMI2 rorx.
import { mod, w } from '../forms.ts';
import type { Entry, OpcodeMap } from '../forms.ts';
import { l0, l1, sse, sse66, vex66, w1 } from './map0f38.ts';
import { KMASK_0F3A } from './kmask.ts';

/** AMD FMA4: four operands, VEX.W chooses whether ModRM.rm or imm8[7:4] is the third source. */
function fma4(name: string, t: string): Entry {
  const s = t === 'ss' || t === 'sd' ? t : 'x';
  return sse({ p66: w(`${name}${t} V${s},H${s},W${s},L${s} [vex]`, `${name}${t} V${s},H${s},L${s},W${s} [vex]`) });
}

function build(): OpcodeMap {
  const m: OpcodeMap = {};
  m[0x00] = l1(sse({ p66: w1('vpermq Vqq,Wqq,Ib [vex]') }));
  m[0x01] = l1(sse({ p66: w1('vpermpd Vqq,Wqq,Ib [vex]') }));
  m[0x02] = vex66('vpblendd Vx,Hx,Wx,Ib');
  m[0x04] = vex66('vpermilps Vx,Wx,Ib');
  m[0x05] = vex66('vpermilpd Vx,Wx,Ib');
  m[0x06] = l1(vex66('vperm2f128 Vqq,Hqq,Wqq,Ib'));
  m[0x08] = sse66('(v)roundps Vx,Wx,Ib');
  m[0x09] = sse66('(v)roundpd Vx,Wx,Ib');
  m[0x0a] = sse66('(v)roundss Vss,Hss,Wss,Ib');
  m[0x0b] = sse66('(v)roundsd Vsd,Hsd,Wsd,Ib');
  m[0x0c] = sse66('(v)blendps Vx,Hx,Wx,Ib');
  m[0x0d] = sse66('(v)blendpd Vx,Hx,Wx,Ib');
  m[0x0e] = sse66('(v)pblendw Vx,Hx,Wx,Ib');
  m[0x0f] = sse({ none: 'palignr Pq,Qq,Ib', p66: '(v)palignr Vx,Hx,Wx,Ib' });
  // Extracts and inserts of one element: a register operand is always 32 bits wide
  // except for pextrq/pinsrq (REX.W / VEX.W1).
  m[0x14] = sse66(l0(mod('(v)pextrb Mb,Vdq,Ib', '(v)pextrb Rd,Vdq,Ib')));
  m[0x15] = sse66(l0(mod('(v)pextrw Mw,Vdq,Ib', '(v)pextrw Rd,Vdq,Ib')));
  m[0x16] = sse66(l0(w('(v)pextrd Ed,Vdq,Ib', '(v)pextrq Eq,Vdq,Ib')));
  m[0x17] = sse66(l0('(v)extractps Ed,Vdq,Ib'));
  m[0x18] = l1(vex66('vinsertf128 Vqq,Hqq,Wdq,Ib'));
  m[0x19] = l1(vex66('vextractf128 Wdq,Vqq,Ib'));
  m[0x1d] = vex66('vcvtps2ph Wh,Vx,Ib');
  m[0x20] = sse66(l0(mod('(v)pinsrb Vdq,Hdq,Mb,Ib', '(v)pinsrb Vdq,Hdq,Rd,Ib')));
  m[0x21] = sse66(l0(mod('(v)insertps Vdq,Hdq,Md,Ib', '(v)insertps Vdq,Hdq,Udq,Ib')));
  m[0x22] = sse66(l0(w('(v)pinsrd Vdq,Hdq,Ed,Ib', '(v)pinsrq Vdq,Hdq,Eq,Ib')));
  m[0x38] = l1(vex66('vinserti128 Vqq,Hqq,Wdq,Ib'));
  m[0x39] = l1(vex66('vextracti128 Wdq,Vqq,Ib'));
  m[0x40] = sse66('(v)dpps Vx,Hx,Wx,Ib');
  m[0x41] = sse66(l0('(v)dppd Vdq,Hdq,Wdq,Ib'));
  m[0x42] = sse66('(v)mpsadbw Vx,Hx,Wx,Ib');
  m[0x44] = sse66('(v)pclmul%Pdq Vx,Hx,Wx,Ib');
  m[0x46] = l1(vex66('vperm2i128 Vqq,Hqq,Wqq,Ib'));
  // AVX variable blends: the mask register is imm8[7:4].
  m[0x4a] = vex66('vblendvps Vx,Hx,Wx,Lx');
  m[0x4b] = vex66('vblendvpd Vx,Hx,Wx,Lx');
  m[0x4c] = vex66('vpblendvb Vx,Hx,Wx,Lx');
  for (const [base, op, types] of [[0x5c, 'vfmaddsub', 'ps pd'], [0x5e, 'vfmsubadd', 'ps pd'],
    [0x68, 'vfmadd', 'ps pd ss sd'], [0x6c, 'vfmsub', 'ps pd ss sd'],
    [0x78, 'vfnmadd', 'ps pd ss sd'], [0x7c, 'vfnmsub', 'ps pd ss sd']] as const) {
    types.split(' ').forEach((t, j) => { m[base + j] = fma4(op, t); });
  }
  // SSE4.2 string compares; with REX.W / VEX.W1 the explicit lengths are rax/rdx (pcmpestriq).
  m[0x60] = sse66(l0(w('(v)pcmpestrm Vdq,Wdq,Ib', '(v)pcmpestrmq Vdq,Wdq,Ib')));
  m[0x61] = sse66(l0(w('(v)pcmpestri Vdq,Wdq,Ib', '(v)pcmpestriq Vdq,Wdq,Ib')));
  m[0x62] = sse66(l0('(v)pcmpistrm Vdq,Wdq,Ib'));
  m[0x63] = sse66(l0('(v)pcmpistri Vdq,Wdq,Ib'));
  m[0xcc] = sse({ none: 'sha1rnds4 Vdq,Wdq,Ib' });
  m[0xce] = sse66(w1('(v)gf2p8affineqb Vx,Hx,Wx,Ib'));
  m[0xcf] = sse66(w1('(v)gf2p8affineinvqb Vx,Hx,Wx,Ib'));
  m[0xdf] = sse66(l0('(v)aeskeygenassist Vdq,Wdq,Ib'));
  m[0xf0] = sse({ pf2: l0('rorx Gy,Ey,Ib [vex]') });
  // 30-33: the opmask shifts kshiftr/kshiftl (kmask.ts).
  for (const [op, entry] of Object.entries(KMASK_0F3A)) m[Number(op)] = entry;
  return m;
}

export const MAP_0F3A: OpcodeMap = build();
