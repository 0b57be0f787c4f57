// The printer on blocks built in code: every statement and expression form, and the type
// environment's layout, which valgrind's traces pin down (test/ir/fixtures.test.ts).
import { describe, expect, it } from 'vitest';
import {
  IRSBBuilder, binop, c1, c16, c32, c64, c8, ccall, f32, f64, get, getI, ite, load, parseIRSB, ppIRExpr, ppIRSB,
  qop, triop, unop, v128, type IRType,
} from '../../src/engine/ir/index.ts';

const RIP = 184;
const FPREGS = { base: 776, elemTy: 'F64' as const, nElems: 8 };

/** A block using every form of statement and expression. */
function everything() {
  const b = new IRSBBuilder({ offsIP: RIP });
  b.imark(0x401000, 5);
  const rsp = b.assign(get(48, 'I64'));
  const top = b.assign(get(768, 'I32'));
  const st0 = b.assign(getI(FPREGS, top, 0));
  b.putI(FPREGS, top, -1, triop('AddF64', c32(0), st0, f64(1.5)));
  const x = b.assign(load('I64', binop('Add64', rsp, c64(-8))));
  b.store(rsp, unop('64to32', x));
  b.put(16, ite(binop('CmpLT64S', x, c64(0)), x, c64(1)));
  b.abiHint(binop('Sub64', rsp, c64(128)), 128, c64(0x401005));
  const cond = ccall({ name: 'amd64g_calculate_condition', mcxMask: 0x13 }, 'I64', [c64(4), c64(0x14), x, c64(0), c64(0)]);
  b.exit(unop('64to1', cond), 'Boring', 0x402000);
  b.imark(0x401005, 4);
  b.cas({ addr: rsp, expdLo: c32(0), dataLo: c32(1) });
  b.cas({ addr: rsp, expdLo: c64(1), expdHi: c64(0), dataLo: c64(7), dataHi: c64(0) });
  b.fence();
  b.add({ tag: 'NoOp' });
  b.dirty({ callee: { name: 'amd64g_dirtyhelper_CPUID_sse2' }, args: [{ tag: 'GSPTR' }], fxState: [
    { fx: 'Modify', offset: 16, size: 8 }, { fx: 'Write', offset: 40, size: 8 },
  ] });
  b.dirty({ callee: { name: 'MC_(helperc_LOADV128le)', regparms: 2 }, args: [{ tag: 'VECRET' }, rsp], retTy: 'V128' });
  b.dirty({ callee: { name: 'amd64g_dirtyhelper_loadF80le' }, args: [rsp], retTy: 'I64', mem: { fx: 'Read', addr: rsp, size: 10 } });
  b.put(224, qop('64x4toV256', c64(1), c64(2), c64(3), c64(4)));
  b.put(256, v128(0xff00));
  b.put(272, binop('Add16x8', get(272, 'V128'), v128(0)));
  b.put(864, unop('ReinterpF32asI32', f32(-2)));
  b.put(72, unop('8Uto64', binop('Add8', c8(-1), unop('1Uto8', c1(true)))));
  b.put(80, unop('16Uto64', c16(0xbeef)));
  return b.finish(get(RIP, 'I64'), 'Ret');
}

const EVERYTHING = `IRSB {
   t0:I64   t1:I32   t2:F64   t3:I64   t4:I32   t5:I64   t6:I64   t7:V128
   t8:I64   

   ------ IMark(0x401000, 5, 0) ------
   t0 = GET:I64(48)
   t1 = GET:I32(768)
   t2 = GETI(776:8xF64)[t1,0]
   PUTI(776:8xF64)[t1,-1] = AddF64(0x0:I32,t2,F64i{0x3FF8000000000000})
   t3 = LDle:I64(Add64(t0,0xFFFFFFFFFFFFFFF8:I64))
   STle(t0) = 64to32(t3)
   PUT(16) = ITE(CmpLT64S(t3,0x0:I64),t3,0x1:I64)
   ====== AbiHint(Sub64(t0,0x80:I64), 128, 0x401005:I64) ======
   if (64to1(amd64g_calculate_condition[mcx=0x13]{}(0x4:I64,0x14:I64,t3,0x0:I64,0x0:I64):I64)) { PUT(184) = 0x402000:I64; exit-Boring } 
   ------ IMark(0x401005, 4, 0) ------
   t4 = CASle(t0::0x0:I32->0x1:I32)
   t6,t5 = CASle(t0::0x0:I64,0x1:I64->0x0:I64,0x7:I64)
   IR-Fence
   IR-NoOp
   DIRTY 1:I1 MoFX-gst(16,8) WrFX-gst(40,8) ::: amd64g_dirtyhelper_CPUID_sse2{}(GSPTR)
   t7 = DIRTY 1:I1 ::: MC_(helperc_LOADV128le)[rp=2]{}(VECRET,t0)
   t8 = DIRTY 1:I1 RdFX-mem(t0,10) ::: amd64g_dirtyhelper_loadF80le{}(t0)
   PUT(224) = 64x4toV256(0x1:I64,0x2:I64,0x3:I64,0x4:I64)
   PUT(256) = V128{0xFF00}
   PUT(272) = Add16x8(GET:V128(272),V128{0x0000})
   PUT(864) = ReinterpF32asI32(F32i{0xC0000000})
   PUT(72) = 8Uto64(Add8(0xFF:I8,1Uto8(1:I1)))
   PUT(80) = 16Uto64(0xBEEF:I16)
   PUT(184) = GET:I64(184); exit-Return
}
`;

describe('ppIRSB', () => {
  it('prints every form as VEX does', () => {
    expect(ppIRSB(everything())).toBe(EVERYTHING);
  });

  it('reads back what it prints', () => {
    const sb = everything();
    expect(parseIRSB(ppIRSB(sb))).toStrictEqual(sb);
  });

  // VEX ends the environment with a newline unless the count is 7 mod 8, then always adds one.
  it.each([
    [0, 'IRSB {\n\n'],
    [1, 'IRSB {\n   t0:I8   \n\n'],
    [7, 'IRSB {\n   t0:I8   t1:I8   t2:I8   t3:I8   t4:I8   t5:I8   t6:I8   \n'],
    [8, 'IRSB {\n   t0:I8   t1:I8   t2:I8   t3:I8   t4:I8   t5:I8   t6:I8   t7:I8\n\n\n'],
    [9, 'IRSB {\n   t0:I8   t1:I8   t2:I8   t3:I8   t4:I8   t5:I8   t6:I8   t7:I8\n   t8:I8   \n\n'],
  ])('lays out a type environment of %i temps like VEX', (n, head) => {
    const sb = { tyenv: Array<IRType>(n).fill('I8'), stmts: [], next: c64(0), jumpkind: 'Boring' as const, offsIP: RIP };
    const text = ppIRSB(sb);
    expect(text).toBe(`${head}   PUT(184) = 0x0:I64; exit-Boring\n}\n`);
    expect(parseIRSB(text)).toStrictEqual(sb);
  });

  it('prints constants in VEX spelling', () => {
    expect([c1(false), c8(255), c16(-1), c32(0), c64(0x401a3f)].map(ppIRExpr)).toEqual(
      ['0:I1', '0xFF:I8', '0xFFFF:I16', '0x0:I32', '0x401A3F:I64'],
    );
    expect([f64(-0), f64(Number.NaN), f32(1), v128(0xffff)].map(ppIRExpr)).toEqual(
      ['F64i{0x8000000000000000}', 'F64i{0x7FF8000000000000}', 'F32i{0x3F800000}', 'V128{0xFFFF}'],
    );
  });
});
