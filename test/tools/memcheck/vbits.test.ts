// Memcheck's V-bit rules, checked by running tiny instrumented blocks (in both backends, support.ts):
// each case sets operand values and V bits (1 = undefined) and reads the result's V bits.
import { describe, expect, it } from 'vitest';
import { pureHelper } from '../../../src/engine/backend/helpers.ts';
import { RAX, RCX, RDX, binBlock, runMemcheck } from './support.ts';

const ALL = 0xffffffffffffffffn;

/** V bits of rdx after `expr` on rax = (x, vx) and rcx = (y, vy). */
function v(ty: 'I8' | 'I16' | 'I32' | 'I64', expr: string, x: bigint, vx: bigint, y: bigint, vy: bigint, resTy = ty): bigint {
  const r = runMemcheck(binBlock(ty, expr, resTy), [[RAX, x, vx], [RCX, y, vy]]);
  return r.vbits(RDX);
}

/** V bit of an I1 result, widened by 1Uto64 in the block itself. */
function v1(ty: 'I8' | 'I32' | 'I64', op: string, x: bigint, vx: bigint, y: bigint, vy: bigint): bigint {
  const ir = `IRSB {
   t0:${ty}   t1:${ty}   t2:I1   t3:I64

   ------ IMark(0x1000, 3, 0) ------
   t0 = GET:${ty}(16)
   t1 = GET:${ty}(24)
   t2 = ${op}(t0,t1)
   t3 = 1Uto64(t2)
   PUT(32) = t3
   PUT(184) = 0x1003:I64; exit-Boring
}
`;
  return runMemcheck(ir, [[RAX, x, vx], [RCX, y, vy]]).vbits(RDX);
}

describe('And / Or (ImproveAND / ImproveOR)', () => {
  it('defined 0 AND undefined is a defined 0', () => {
    expect(v('I64', 'And64(t0,t1)', 0n, 0n, 0x1234n, ALL)).toBe(0n);
  });
  it('defined 1 AND undefined is undefined', () => {
    expect(v('I64', 'And64(t0,t1)', ALL, 0n, 0n, ALL)).toBe(ALL);
  });
  it('mixes per bit', () => {
    expect(v('I32', 'And32(t0,t1)', 0xff00n, 0n, 0n, 0xffffn)).toBe(0xff00n);
  });
  it('defined 1 OR undefined is a defined 1', () => {
    expect(v('I64', 'Or64(t0,t1)', ALL, 0n, 0n, ALL)).toBe(0n);
    expect(v('I8', 'Or8(t0,t1)', 0xf0n, 0n, 0n, 0xffn)).toBe(0x0fn);
  });
  it('Xor is UifU', () => {
    expect(v('I64', 'Xor64(t0,t1)', 0n, 0x10n, 0n, 0x3n)).toBe(0x13n);
  });
});

describe('Add / Sub', () => {
  it('Add32 is carry-exact (amd64 default)', () => {
    expect(v('I32', 'Add32(t0,t1)', 0x10n, 0n, 0n, 1n)).toBe(1n);
    expect(v('I32', 'Add32(t0,t1)', 1n, 0n, 0n, 1n)).toBe(3n);
  });
  it('Add64 whose result is used as data is carry-exact', () => {
    expect(v('I64', 'Add64(t0,t1)', 0x10n, 0n, 0n, 1n)).toBe(1n);
  });
  it('Sub64 is the cheap Left(UifU): undefinedness spreads upwards', () => {
    expect(v('I64', 'Sub64(t0,t1)', 0n, 0n, 0n, 0x100n)).toBe(0xffffffffffffff00n);
  });
  it('Add8 is cheap too', () => {
    expect(v('I8', 'Add8(t0,t1)', 0n, 0x4n, 0n, 0n)).toBe(0xfcn);
  });
  it('Add64 that only forms an address is cheap', () => {
    const ir = `IRSB {
   t0:I64   t1:I64   t2:I64   t3:I64

   ------ IMark(0x1000, 3, 0) ------
   t0 = GET:I64(16)
   t1 = GET:I64(24)
   t2 = Add64(t0,t1)
   t3 = LDle:I64(t2)
   PUT(32) = t3
   PUT(184) = 0x1003:I64; exit-Boring
}
`;
    const r = runMemcheck(ir, [[RAX, 0x10000n, 0n], [RCX, 8n, 0n]], { memory: (m) => m.makeDefined(0x10000, 16) });
    expect(r.ir).toContain('Left64');
    expect(r.errors).toEqual([]);
  });
});

describe('shifts', () => {
  it('shift V bits by a constant amount', () => {
    expect(v('I64', 'Shl64(t0,0x8:I8)', 0n, 0xffn, 0n, 0n)).toBe(0xff00n);
    expect(v('I64', 'Shr64(t0,0x4:I8)', 0n, 0xf0n, 0n, 0n)).toBe(0xfn);
    expect(v('I64', 'Sar64(t0,0x4:I8)', 0n, 0x8000000000000000n, 0n, 0n)).toBe(0xf800000000000000n);
  });
  it('an undefined amount makes everything undefined', () => {
    expect(v('I64', 'Shl64(t0,64to8(t1))', 1n, 0n, 2n, 1n)).toBe(ALL);
  });
});

describe('comparisons', () => {
  it('CmpEQ64 is exact: a defined differing bit decides', () => {
    expect(v1('I64', 'CmpEQ64', 1n, 0n, 0n, 0xff00n)).toBe(0n);
    expect(v1('I64', 'CmpNE64', 0n, 0n, 0n, 0xff00n)).toBe(1n);
  });
  it('CmpEQ32 is exact too; CmpEQ8 is the cheap PCast', () => {
    expect(v1('I32', 'CmpEQ32', 1n, 0n, 0n, 0xf0n)).toBe(0n);
    expect(v1('I8', 'CmpEQ8', 1n, 0n, 0n, 0xf0n)).toBe(1n);
  });
  it('CmpLT is the PCast of UifU', () => {
    expect(v1('I64', 'CmpLT64U', 1n, 0n, 5n, 0x1n)).toBe(1n);
    expect(v1('I64', 'CmpLT64U', 1n, 0n, 5n, 0n)).toBe(0n);
  });
  it('CasCmpEQ is defined', () => {
    expect(v1('I64', 'CasCmpEQ64', 1n, ALL, 5n, ALL)).toBe(0n);
  });
});

describe('widening, narrowing, PCast', () => {
  const un = (ty: 'I32' | 'I64', e: string, x: bigint, vx: bigint, res: 'I32' | 'I64') =>
    v(ty, e, x, vx, 0n, 0n, res);
  it('Uto zero-extends V bits, Sto sign-extends them', () => {
    expect(un('I32', '32Uto64(t0)', 0n, 0x80000001n, 'I64')).toBe(0x80000001n);
    expect(un('I32', '32Sto64(t0)', 0n, 0x80000001n, 'I64')).toBe(0xffffffff80000001n);
  });
  it('narrowing takes the part', () => {
    // The 32-bit PUT writes the low half of rdx's shadow only.
    expect(un('I64', '64to32(t0)', 0n, 0xff000000000000ffn, 'I32') & 0xffffffffn).toBe(0xffn);
    expect(un('I64', '64HIto32(t0)', 0n, 0xff000000000000ffn, 'I32') & 0xffffffffn).toBe(0xff000000n);
  });
  it('CmpNEZ is a PCast to one bit', () => {
    const ir = `IRSB {
   t0:I64   t1:I1   t2:I64

   ------ IMark(0x1000, 3, 0) ------
   t0 = GET:I64(16)
   t1 = CmpNEZ64(t0)
   t2 = 1Sto64(t1)
   PUT(32) = t2
   PUT(184) = 0x1003:I64; exit-Boring
}
`;
    expect(runMemcheck(ir, [[RAX, 0n, 0x100n]]).vbits(RDX)).toBe(ALL);
    expect(runMemcheck(ir, [[RAX, 0n, 0n]]).vbits(RDX)).toBe(0n);
  });
  it('Mul is Left(UifU), MullU64 pessimises the high half', () => {
    expect(v('I64', 'Mul64(t0,t1)', 3n, 0x10n, 5n, 0n)).toBe(0xfffffffffffffff0n);
    expect(v('I64', '128HIto64(MullU64(t0,t1))', 3n, 0x10n, 5n, 0n)).toBe(ALL);
  });
  it('Ctz: bits above the lowest set bit do not matter', () => {
    expect(v('I64', 'Ctz64(t0)', 0x4n, 0xf0n, 0n, 0n)).toBe(0n);
    expect(v('I64', 'Ctz64(t0)', 0x40n, 0x0fn, 0n, 0n)).toBe(ALL);
  });
});

describe('ITE and helpers', () => {
  const iteBlock = `IRSB {
   t0:I64   t1:I64   t2:I1   t3:I64

   ------ IMark(0x1000, 3, 0) ------
   t0 = GET:I64(16)
   t1 = GET:I64(24)
   t2 = 64to1(t0)
   t3 = ITE(t2,t1,0x7:I64)
   PUT(32) = t3
   PUT(184) = 0x1003:I64; exit-Boring
}
`;
  it('ITE picks the arm\'s V bits', () => {
    expect(runMemcheck(iteBlock, [[RAX, 1n, 0n], [RCX, 0n, 0xf0n]]).vbits(RDX)).toBe(0xf0n);
    expect(runMemcheck(iteBlock, [[RAX, 0n, 0n], [RCX, 0n, 0xf0n]]).vbits(RDX)).toBe(0n);
  });
  it('an undefined ITE condition makes the result undefined (as memcheck: no report)', () => {
    const r = runMemcheck(iteBlock, [[RAX, 1n, 1n], [RCX, 0n, 0n]]);
    expect(r.vbits(RDX)).toBe(ALL);
    expect(r.errors).toEqual([]);
  });
  it('CCall arguments in the mcx mask do not count', () => {
    const ir = `IRSB {
   t0:I64   t1:I64   t2:I64

   ------ IMark(0x1000, 3, 0) ------
   t0 = GET:I64(16)
   t1 = GET:I64(24)
   t2 = amd64g_calculate_condition[mcx=0x1]{}(t0,t1):I64
   PUT(32) = t2
   PUT(184) = 0x1003:I64; exit-Boring
}
`;
    const helpers = [pureHelper('amd64g_calculate_condition', 'I64 I64 -> I64', () => 1n)];
    expect(runMemcheck(ir, [[RAX, 0n, ALL], [RCX, 0n, 0n]], { helpers }).vbits(RDX)).toBe(0n);
    expect(runMemcheck(ir, [[RAX, 0n, 0n], [RCX, 0n, 0x1n]], { helpers }).vbits(RDX)).toBe(ALL);
  });
  it('float arithmetic is pessimistic', () => {
    expect(v('I64', 'ReinterpF64asI64(AddF64(0x0:I32,ReinterpI64asF64(t0),ReinterpI64asF64(t1)))', 0n, 1n, 0n, 0n)).toBe(ALL);
  });
});

describe('vectors', () => {
  const XMM0 = 224;
  it('finds a defined NUL before undefined bytes (pcmpeqb, pmovmskb, bsf)', () => {
    const ir = `IRSB {
   t0:V128   t1:V128   t2:I16   t3:I64   t4:I64

   ------ IMark(0x1000, 4, 0) ------
   t0 = GET:V128(224)
   t1 = CmpEQ8x16(t0,V128{0x0000})
   t2 = GetMSBs8x16(t1)
   t3 = 16Uto64(t2)
   t4 = Ctz64(t3)
   PUT(32) = t4
   PUT(184) = 0x1004:I64; exit-Boring
}
`;
    const r = runMemcheck(ir, [[XMM0, 0x6261n, 0xffffffffff000000n], [XMM0 + 8, 0n, ALL]]);
    expect(r.value(RDX)).toBe(2n);
    expect(r.vbits(RDX)).toBe(0n);
    // Without the NUL the count depends on undefined bytes.
    const s = runMemcheck(ir, [[XMM0, 0x636261n, 0xffffffffff000000n], [XMM0 + 8, 0n, ALL]]);
    expect(s.vbits(RDX)).toBe(ALL);
  });

  it('pessimises integer lanes one by one', () => {
    const ir = `IRSB {
   t0:V128   t1:V128   t2:V128

   ------ IMark(0x1000, 4, 0) ------
   t0 = GET:V128(224)
   t1 = GET:V128(256)
   t2 = Add16x8(t0,t1)
   PUT(288) = t2
   PUT(184) = 0x1004:I64; exit-Boring
}
`;
    const r = runMemcheck(ir, [[XMM0, 0n, 0x0100n], [XMM0 + 32, 0n, 0n], [XMM0 + 40, 0n, 0x1n << 63n]]);
    expect(r.vbits(288)).toBe(0xffffn);
    expect(r.vbits(296)).toBe(0xffffn << 48n);
  });
});
