// SIMD ops, lane by lane: V128 integer and float lanes, MMX vectors in an I64, V256 moves.
// Vectors are written as hex bit patterns, lane 0 rightmost, as x86 manuals draw them.

import { describe, expect, it } from 'vitest';
import { bitsToValue, opFn, valueToBits } from '../../src/engine/backend/interp/index.ts';
import { TYPE_BITS, opSignature, type IROp } from '../../src/engine/ir/index.ts';

/** Applies `op` to arguments given as bit patterns; returns the result's bits. */
function run(op: IROp, ...args: (bigint | number)[]): bigint {
  const { args: tys, res } = opSignature(op);
  const values = args.map((a, i) => bitsToValue(tys[i]!, BigInt.asUintN(TYPE_BITS[tys[i]!], BigInt(a))));
  return valueToBits(res, opFn(op)(...values));
}

/** A V128 from lanes of `bits` bits, lane 0 first. */
function lanes(bits: number, xs: (number | bigint)[]): bigint {
  return xs.reduce<bigint>((acc, x, i) => acc | (BigInt.asUintN(bits, BigInt(x)) << BigInt(i * bits)), 0n);
}

const f32 = (x: number) => { const d = new DataView(new ArrayBuffer(4)); d.setFloat32(0, x); return d.getUint32(0); };
const f64 = (x: number) => { const d = new DataView(new ArrayBuffer(8)); d.setFloat64(0, x); return d.getBigUint64(0); };

describe('integer lanes', () => {
  it('add and subtract with wraparound per lane', () => {
    expect(run('Add8x16', lanes(8, [0xff, 1, 0x80]), lanes(8, [1, 1, 0x80]))).toBe(lanes(8, [0, 2, 0]));
    expect(run('Sub16x8', lanes(16, [0, 5]), lanes(16, [1, 7]))).toBe(lanes(16, [0xffff, 0xfffe]));
    // 64-bit lanes: no carry from lane 0 into lane 1.
    expect(run('Add64x2', lanes(64, [2n ** 64n - 1n, 1n]), lanes(64, [1n, 1n]))).toBe(lanes(64, [0n, 2n]));
    expect(run('Add32x4', lanes(32, [0xffffffff, 0, 0, 7]), lanes(32, [1, 0, 0, 1]))).toBe(lanes(32, [0, 0, 0, 8]));
  });

  it('saturate', () => {
    expect(run('QAdd8Ux16', lanes(8, [250, 3]), lanes(8, [10, 4]))).toBe(lanes(8, [255, 7]));
    expect(run('QAdd8Sx16', lanes(8, [100, -100]), lanes(8, [100, -100]))).toBe(lanes(8, [127, -128]));
    expect(run('QSub16Ux8', lanes(16, [5, 9]), lanes(16, [9, 5]))).toBe(lanes(16, [0, 4]));
    expect(run('QSub16Sx8', lanes(16, [-30000]), lanes(16, [10000]))).toBe(lanes(16, [-32768]));
  });

  it('compare signed, giving all ones', () => {
    expect(run('CmpGT32Sx4', lanes(32, [1, -1, 5, 0]), lanes(32, [0, 0, 5, -1]))).toBe(lanes(32, [-1, 0, 0, -1]));
    expect(run('CmpGT8Sx16', lanes(8, [0x7f]), lanes(8, [0x80]))).toBe(0xffn);
    expect(run('CmpGT64Sx2', lanes(64, [1n, -1n]), lanes(64, [-1n, 1n]))).toBe(lanes(64, [-1n, 0n]));
    expect(run('CmpEQ16x8', lanes(16, [1, 2]), lanes(16, [1, 3]))).toBe(lanes(16, [0xffff, 0, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff]));
    expect(run('CmpNEZ32x4', lanes(32, [0, 5, 0, 1]))).toBe(lanes(32, [0, -1, 0, -1]));
  });

  it('multiply, average, min and max', () => {
    expect(run('Mul16x8', lanes(16, [300]), lanes(16, [300]))).toBe(lanes(16, [(300 * 300) & 0xffff]));
    expect(run('MulHi16Ux8', lanes(16, [0xffff]), lanes(16, [0xffff]))).toBe(lanes(16, [0xfffe]));
    expect(run('MulHi16Sx8', lanes(16, [-1]), lanes(16, [1]))).toBe(lanes(16, [0xffff]));
    expect(run('MullEven32Ux4', lanes(32, [0xffffffff, 9, 3, 9]), lanes(32, [0xffffffff, 9, 4, 9]))).toBe(lanes(64, [0xfffffffe00000001n, 12n]));
    expect(run('MullEven32Sx4', lanes(32, [-2, 0, 3, 0]), lanes(32, [3, 0, -4, 0]))).toBe(lanes(64, [-6n, -12n]));
    expect(run('Avg8Ux16', lanes(8, [255, 1]), lanes(8, [0, 2]))).toBe(lanes(8, [128, 2]));
    expect(run('Max8Sx16', lanes(8, [-1]), lanes(8, [1]))).toBe(lanes(8, [1]));
    expect(run('Max8Ux16', lanes(8, [0xff]), lanes(8, [1]))).toBe(lanes(8, [0xff]));
    expect(run('Min32Sx4', lanes(32, [-5, 3]), lanes(32, [2, 7]))).toBe(lanes(32, [-5, 3]));
  });

  it('shift lanes, emptying them from the lane width up', () => {
    expect(run('ShlN16x8', lanes(16, [1, 0x8001]), 15)).toBe(lanes(16, [0x8000, 0x8000]));
    expect(run('ShlN16x8', lanes(16, [1, 0x8001]), 16)).toBe(0n);
    expect(run('ShrN32x4', lanes(32, [0x80000000]), 31)).toBe(lanes(32, [1]));
    expect(run('SarN32x4', lanes(32, [0x80000000, 0x40000000]), 40)).toBe(lanes(32, [-1, 0]));
    expect(run('SarN8x16', lanes(8, [0x80]), 1)).toBe(lanes(8, [0xc0]));
    expect(run('ShlN64x2', lanes(64, [1n, 3n]), 63)).toBe(lanes(64, [1n << 63n, 1n << 63n]));
    expect(run('SarN64x2', lanes(64, [-8n, 8n]), 64)).toBe(lanes(64, [-1n, 0n]));
    expect(run('ShlV128', 1n, 127)).toBe(1n << 127n);
    expect(run('ShrV128', 1n << 127n, 128)).toBe(0n);
    expect(run('SarV128', 1n << 127n, 127)).toBe(2n ** 128n - 1n);
  });

  it('interleave with the left operand in the upper lane', () => {
    const a = lanes(8, [...Array(16).keys()].map((i) => 0xa0 + i));
    const b = lanes(8, [...Array(16).keys()].map((i) => 0xb0 + i));
    expect(run('InterleaveLO8x16', a, b)).toBe(lanes(8, [0xb0, 0xa0, 0xb1, 0xa1, 0xb2, 0xa2, 0xb3, 0xa3, 0xb4, 0xa4, 0xb5, 0xa5, 0xb6, 0xa6, 0xb7, 0xa7]));
    expect(run('InterleaveHI32x4', lanes(32, [1, 2, 3, 4]), lanes(32, [5, 6, 7, 8]))).toBe(lanes(32, [7, 3, 8, 4]));
    expect(run('InterleaveLO64x2', lanes(64, [1n, 2n]), lanes(64, [3n, 4n]))).toBe(lanes(64, [3n, 1n]));
  });

  it('narrow, the left operand into the upper half', () => {
    expect(run('QNarrowBin16Sto8Ux16', lanes(16, [300, -5, 7]), lanes(16, [1, 2]))).toBe(lanes(8, [1, 2, 0, 0, 0, 0, 0, 0, 255, 0, 7]));
    expect(run('QNarrowBin16Sto8Sx16', lanes(16, [300, -300]), 0n)).toBe(lanes(8, [0, 0, 0, 0, 0, 0, 0, 0, 127, -128]));
    expect(run('QNarrowBin32Sto16Sx8', lanes(32, [70000]), lanes(32, [-70000]))).toBe(lanes(16, [-32768, 0, 0, 0, 32767]));
    expect(run('QNarrowBin32Sto16Ux8', lanes(32, [70000]), lanes(32, [-70000]))).toBe(lanes(16, [0, 0, 0, 0, 65535]));
    expect(run('NarrowBin32to16x8', lanes(32, [0x12345678]), lanes(32, [0xabcdef01]))).toBe(lanes(16, [0xef01, 0, 0, 0, 0x5678]));
    expect(run('NarrowBin64to32x4', lanes(64, [0x1111111122222222n]), lanes(64, [0x3333333344444444n]))).toBe(lanes(32, [0x44444444, 0, 0x22222222]));
  });

  it('permute bytes (pshufb), and gather top bits (pmovmskb)', () => {
    const a = lanes(8, [...Array(16).keys()].map((i) => 0x10 + i));
    expect(run('Perm8x16', a, lanes(8, [15, 0, 0x81]))).toBe(lanes(8, [0x1f, 0x10, 0x11, ...Array(13).fill(0x10)]));
    expect(run('PermOrZero8x16', a, lanes(8, [15, 0, 0x81]))).toBe(lanes(8, [0x1f, 0x10, 0, ...Array(13).fill(0x10)]));
    expect(run('GetMSBs8x16', lanes(8, [0x80, 0x7f, 0xff, ...Array(12).fill(0), 0x80]))).toBe(0x8005n);
    expect(run('SliceV128', lanes(64, [0xaaaan, 0xbbbbn]), lanes(64, [0xccccn, 0xddddn]), 8)).toBe(lanes(64, [0xddddn, 0xaaaan]));
    expect(run('SliceV128', 1n, 2n, 0)).toBe(2n);
    expect(run('SliceV128', 1n, 2n, 16)).toBe(1n);
  });
});

describe('moving between vectors and scalars', () => {
  it('builds and takes apart V128 and V256', () => {
    expect(run('64HLtoV128', 0x1111n, 0x2222n)).toBe((0x1111n << 64n) | 0x2222n);
    expect(run('V128HIto64', (0x1111n << 64n) | 0x2222n)).toBe(0x1111n);
    expect(run('V128to32', 0xffffffff_12345678n)).toBe(0x12345678n);
    expect(run('SetV128lo32', 2n ** 128n - 1n, 0)).toBe(2n ** 128n - 2n ** 32n);
    expect(run('ZeroHI112ofV128', 2n ** 128n - 1n)).toBe(0xffffn);
    expect(run('ZeroHI64ofV128', 2n ** 128n - 1n)).toBe(2n ** 64n - 1n);
    expect(run('64x4toV256', 3n, 2n, 1n, 0n)).toBe(lanes(64, [0n, 1n, 2n, 3n]));
    expect(run('V256to64_2', lanes(64, [0n, 1n, 2n, 3n]))).toBe(2n);
    expect(run('V256toV128_1', lanes(64, [0n, 1n, 2n, 3n]))).toBe(lanes(64, [2n, 3n]));
    expect(run('V128HLtoV256', 5n, 6n)).toBe((5n << 128n) | 6n);
    expect(run('XorV256', 2n ** 256n - 1n, 1n)).toBe(2n ** 256n - 2n);
    expect(run('NotV128', 0n)).toBe(2n ** 128n - 1n);
  });
});

describe('float lanes', () => {
  it('computes every lane, or lane 0 only for the F0x forms', () => {
    const a = lanes(32, [f32(1), f32(2), f32(3), f32(4)]);
    const b = lanes(32, [f32(0.5), f32(0.5), f32(0.5), f32(0.5)]);
    expect(run('Add32Fx4', 0, a, b)).toBe(lanes(32, [f32(1.5), f32(2.5), f32(3.5), f32(4.5)]));
    expect(run('Add32F0x4', a, b)).toBe(lanes(32, [f32(1.5), f32(2), f32(3), f32(4)]));
    expect(run('Div64Fx2', 2, lanes(64, [f64(1), f64(2)]), lanes(64, [f64(3), f64(4)]))).toBe(lanes(64, [f64(1 / 3) + 1n, f64(0.5)]));
    expect(run('Sub64F0x2', lanes(64, [f64(1), 77n]), lanes(64, [f64(3), 99n]))).toBe(lanes(64, [f64(-2), 77n]));
    expect(run('Sqrt64F0x2', lanes(64, [f64(9), 5n]))).toBe(lanes(64, [f64(3), 5n]));
    expect(run('Sqrt32Fx4', 0, lanes(32, [f32(4), f32(9), f32(16), f32(2)]))).toBe(lanes(32, [f32(2), f32(3), f32(4), f32(Math.SQRT2)]));
  });

  it('takes the second operand from max and min when a NaN or equal zeros meet', () => {
    const nan = 0x7fc00001;
    expect(run('Max32Fx4', lanes(32, [nan, f32(1), f32(-0), f32(2)]), lanes(32, [f32(5), nan, f32(0), f32(1)])))
      .toBe(lanes(32, [f32(5), nan, f32(0), f32(2)]));
    expect(run('Min64F0x2', lanes(64, [f64(0), 7n]), lanes(64, [f64(-0), 9n]))).toBe(lanes(64, [f64(-0), 7n]));
  });

  it('compares, NaNs unordered', () => {
    const a = lanes(64, [f64(1), f64(NaN)]);
    const b = lanes(64, [f64(2), f64(1)]);
    expect(run('CmpLT64Fx2', a, b)).toBe(lanes(64, [-1n, 0n]));
    expect(run('CmpUN64Fx2', a, b)).toBe(lanes(64, [0n, -1n]));
    expect(run('CmpEQ32F0x4', lanes(32, [f32(1), 5]), lanes(32, [f32(1), 6]))).toBe(lanes(32, [-1, 5]));
    expect(run('CmpLE32Fx4', lanes(32, [f32(1), f32(2)]), lanes(32, [f32(1), f32(1)]))).toBe(lanes(32, [-1, 0, -1, -1]));
  });

  it('converts lanes, with the integer indefinite', () => {
    expect(run('I32StoF32x4', 0, lanes(32, [-1, 16777217]))).toBe(lanes(32, [f32(-1), f32(16777216), 0, 0]));
    expect(run('F32toI32Sx4', 3, lanes(32, [f32(-1.5), f32(3e9), 0x7fc00000, f32(2.5)]))).toBe(lanes(32, [-1, 0x80000000, 0x80000000, 2]));
    expect(run('F32toI32Sx4', 0, lanes(32, [f32(2.5), f32(3.5)]))).toBe(lanes(32, [2, 4]));
  });

  it('estimates reciprocals', () => {
    expect(run('RecipEst32Fx4', lanes(32, [f32(4), f32(0.5), 0, f32(-0)]))).toBe(lanes(32, [f32(0.25), f32(2), f32(Infinity), f32(-Infinity)]));
    expect(run('RSqrtEst32F0x4', lanes(32, [f32(4), 123]))).toBe(lanes(32, [f32(0.5), 123]));
  });
});

describe('MMX vectors in an I64', () => {
  it('works on 8, 4 or 2 lanes', () => {
    expect(run('Add16x4', 0xffff_0001n, 0x0001_0001n)).toBe(0x0000_0002n);
    expect(run('QAdd8Ux8', 0xf0f0n, 0x2020n)).toBe(0xffffn);
    expect(run('CmpGT32Sx2', 0xffffffff_00000001n, 0)).toBe(0x00000000_ffffffffn);
    expect(run('ShlN32x2', 0x1_00000001n, 31)).toBe(0x80000000_80000000n);
    expect(run('SarN16x4', 0x8000n, 15)).toBe(0xffffn);
    expect(run('InterleaveLO8x8', 0xa3a2a1a0n, 0xb3b2b1b0n)).toBe(0xa3b3a2b2a1b1a0b0n);
    expect(run('QNarrowBin16Sto8Sx8', 0x0080n, 0xff00n)).toBe(0x0000007f_00000080n);
    expect(run('GetMSBs8x8', 0x80_00_00_00_00_00_00_80n)).toBe(0x81n);
    expect(run('Perm8x8', 0x0706050403020100n, 0x0001020304050607n)).toBe(0x0001020304050607n);
    expect(run('MulHi16Ux4', 0xffffn, 0xffffn)).toBe(0xfffen);
  });
});
