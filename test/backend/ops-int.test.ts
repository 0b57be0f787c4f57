// Integer op semantics, from first principles at the edges, and against evaluate.ts (the
// constant folder's exact semantics) on many values wherever that defines a result.

import { describe, expect, it } from 'vitest';
import { OpTrap, bitsToValue, opFn, valueToBits } from '../../src/engine/backend/interp/index.ts';
import { ALL_OPS, TYPE_BITS, evaluateOp, hasEvaluator, opMayTrap, opSignature, type IROp, type IRType } from '../../src/engine/ir/index.ts';
import { Random } from './random.ts';

/** Applies `op` to arguments given as bit patterns; returns the result's bits, or 'trap'. */
function run(op: IROp, ...args: (number | bigint)[]): bigint | 'trap' {
  const { args: tys, res } = opSignature(op);
  const values = args.map((a, i) => bitsToValue(tys[i]!, BigInt.asUintN(TYPE_BITS[tys[i]!], BigInt(a))));
  try {
    return valueToBits(res, opFn(op)(...values));
  } catch (e) {
    if (e instanceof OpTrap) return 'trap';
    throw e;
  }
}

const M64 = 2n ** 64n - 1n;

describe('every op', () => {
  it('has an implementation', () => {
    for (const op of ALL_OPS) expect(typeof opFn(op), op).toBe('function');
  });
});

describe('integer edge cases', () => {
  it('wraps around', () => {
    expect(run('Add8', 0xff, 1)).toBe(0n);
    expect(run('Add16', 0xffff, 2)).toBe(1n);
    expect(run('Add32', 0xffffffff, 1)).toBe(0n);
    expect(run('Add64', M64, 1n)).toBe(0n);
    expect(run('Sub32', 0, 1)).toBe(0xffffffffn);
    expect(run('Sub64', 0n, 1n)).toBe(M64);
    expect(run('Mul32', 0x10000, 0x10000)).toBe(0n);
    expect(run('Mul32', 0xffffffff, 0xffffffff)).toBe(1n);
    expect(run('Mul64', 1n << 63n, 2n)).toBe(0n);
    expect(run('Not8', 0)).toBe(0xffn);
    expect(run('Not64', 0n)).toBe(M64);
  });

  it('compares signed and unsigned', () => {
    expect(run('CmpLT32S', 0x80000000, 0)).toBe(1n);
    expect(run('CmpLT32U', 0x80000000, 0)).toBe(0n);
    expect(run('CmpLE8S', 0xff, 0)).toBe(1n);
    expect(run('CmpLE8U', 0xff, 0)).toBe(0n);
    expect(run('CmpLT64S', 1n << 63n, 0n)).toBe(1n);
    expect(run('CmpLT64U', 1n << 63n, 0n)).toBe(0n);
    expect(run('CmpLE64S', M64, M64)).toBe(1n);
    expect(run('CmpLT16S', 0x7fff, 0x8000)).toBe(0n);
  });

  it('multiplies to double width', () => {
    expect(run('MullS64', M64, M64)).toBe(1n); // -1 * -1
    expect(run('MullS64', 1n << 63n, 1n << 63n)).toBe(1n << 126n); // INT64_MIN squared
    expect(run('MullS64', 1n << 63n, 1n)).toBe(2n ** 128n - 2n ** 63n);
    expect(run('MullU64', M64, M64)).toBe((M64 * M64));
    expect(run('MullS32', 0xffffffff, 2)).toBe(M64 - 1n);
    expect(run('MullU32', 0xffffffff, 0xffffffff)).toBe(0xfffffffe00000001n);
    expect(run('MullS8', 0x80, 0x80)).toBe(0x4000n);
    expect(run('MullS16', 0xffff, 0x7fff)).toBe(0xffff8001n);
  });

  it('divides, with quotient low and remainder high, and traps', () => {
    expect(run('DivModU128to64', (5n << 64n) | 3n, 7n)).toBe(((((5n << 64n) | 3n) % 7n) << 64n) | (((5n << 64n) | 3n) / 7n));
    expect(run('DivModU128to64', 1n << 64n, 1n)).toBe('trap'); // quotient 2^64 does not fit
    expect(run('DivModU128to64', 5n, 0n)).toBe('trap');
    // -7 / 2 = -3 remainder -1: the remainder takes the dividend's sign, as idiv's does.
    expect(run('DivModS64to32', -7n, 2)).toBe((0xffffffffn << 32n) | 0xfffffffdn);
    expect(run('DivModS64to32', -(2n ** 31n), 0xffffffff)).toBe('trap'); // INT_MIN / -1
    expect(run('DivModS64to32', -(2n ** 31n), 1)).toBe(0x80000000n);
    expect(run('DivS64', 1n << 63n, M64)).toBe('trap');
    expect(run('DivU32', 7, 0)).toBe('trap');
    expect(run('DivS32', 0xfffffff9, 2)).toBe(0xfffffffdn);
    expect(run('DivModU64to64', 100n, 7n)).toBe((2n << 64n) | 14n);
    expect(run('DivModS32to32', 0xfffffff9, 2)).toBe(0xffffffff_fffffffdn);
  });

  it('shifts at width - 1, and gives 0 (or the sign) from the width up', () => {
    expect(run('Shl32', 1, 31)).toBe(0x80000000n);
    expect(run('Shl32', 1, 32)).toBe(0n);
    expect(run('Shl8', 0xff, 7)).toBe(0x80n);
    expect(run('Shl8', 0xff, 8)).toBe(0n);
    expect(run('Shl64', 1n, 63)).toBe(1n << 63n);
    expect(run('Shl64', 1n, 64)).toBe(0n);
    expect(run('Shr32', 0x80000000, 31)).toBe(1n);
    expect(run('Shr32', 0x80000000, 32)).toBe(0n);
    expect(run('Shr64', M64, 255)).toBe(0n);
    expect(run('Sar32', 0x80000000, 31)).toBe(0xffffffffn);
    expect(run('Sar32', 0x80000000, 200)).toBe(0xffffffffn);
    expect(run('Sar8', 0x80, 7)).toBe(0xffn);
    expect(run('Sar8', 0x40, 9)).toBe(0n);
    expect(run('Sar16', 0x8000, 1)).toBe(0xc000n);
    expect(run('Sar64', 1n << 63n, 63)).toBe(M64);
    expect(run('Sar64', 1n << 62n, 64)).toBe(0n);
  });

  it('counts bits, with the width for zero', () => {
    expect(run('Clz32', 0)).toBe(32n);
    expect(run('Ctz32', 0)).toBe(32n);
    expect(run('Clz64', 0n)).toBe(64n);
    expect(run('Ctz64', 0n)).toBe(64n);
    expect(run('ClzNat64', 1n)).toBe(63n);
    expect(run('Clz64', 1n << 40n)).toBe(23n);
    expect(run('Ctz64', 1n << 40n)).toBe(40n);
    expect(run('CtzNat32', 0x80000000)).toBe(31n);
    expect(run('PopCount64', M64)).toBe(64n);
    expect(run('PopCount32', 0xf0f0f0f1)).toBe(17n);
  });

  it('converts between widths', () => {
    expect(run('8Sto64', 0x80)).toBe(M64 - 0x7fn);
    expect(run('8Uto64', 0x80)).toBe(0x80n);
    expect(run('16Sto32', 0x8000)).toBe(0xffff8000n);
    expect(run('32Sto64', 0x80000000)).toBe(0xffffffff80000000n);
    expect(run('1Sto64', 1)).toBe(M64);
    expect(run('1Sto8', 1)).toBe(0xffn);
    expect(run('1Uto64', 1)).toBe(1n);
    expect(run('64to8', 0x1234n)).toBe(0x34n);
    expect(run('64to1', 0x3n)).toBe(1n);
    expect(run('64HIto32', 0x1234567887654321n)).toBe(0x12345678n);
    expect(run('32HLto64', 0x12345678, 0x87654321)).toBe(0x1234567887654321n);
    expect(run('16HLto32', 0xffff, 0x0001)).toBe(0xffff0001n);
    expect(run('8HLto16', 0x12, 0x34)).toBe(0x1234n);
    expect(run('128HIto64', (7n << 64n) | 9n)).toBe(7n);
    expect(run('128to64', (7n << 64n) | 9n)).toBe(9n);
    expect(run('64HLto128', M64, 1n)).toBe((M64 << 64n) | 1n);
    expect(run('16HIto8', 0xabcd)).toBe(0xabn);
  });

  it("computes Memcheck's helpers", () => {
    expect(run('Left32', 4)).toBe(0xfffffffcn);
    expect(run('Left64', 0n)).toBe(0n);
    expect(run('Left8', 0x80)).toBe(0x80n);
    expect(run('CmpwNEZ64', 5n)).toBe(M64);
    expect(run('CmpwNEZ32', 0)).toBe(0n);
    expect(run('Max32U', 0xffffffff, 1)).toBe(0xffffffffn);
  });
});

/** Values that find edge bugs: 0, 1, all ones, the sign bit and its neighbours. */
function edgyValue(rng: Random, ty: IRType): bigint {
  const w = TYPE_BITS[ty];
  const top = 1n << BigInt(w - 1);
  const picks = [0n, 1n, 2n, top - 1n, top, top + 1n, (1n << BigInt(w)) - 1n, (1n << BigInt(w)) - 2n];
  if (rng.int(3) === 0) return picks[rng.int(picks.length)]! & ((1n << BigInt(w)) - 1n);
  return rng.bits(w);
}

describe('integer ops agree with evaluate.ts', () => {
  const intOps = ALL_OPS.filter((op) => hasEvaluator(op) && [...opSignature(op).args, opSignature(op).res].every((t) => t[0] === 'I'));

  it.each(intOps)('%s', (op) => {
    const rng = new Random(op.length * 7919 + op.charCodeAt(0));
    const { args } = opSignature(op);
    for (let i = 0; i < 300; i++) {
      const xs = args.map((t, k) => {
        // Shift amounts: mostly in range, sometimes past the width.
        if (k === 1 && /^(Shl|Shr|Sar)\d/.test(op) && rng.int(4) !== 0) return BigInt(rng.int(TYPE_BITS[args[0]!]));
        return edgyValue(rng, t);
      });
      const want = evaluateOp(op, xs);
      const got = run(op, ...xs);
      if (want !== undefined) expect(got, `${op}(${xs.map((x) => `0x${x.toString(16)}`).join(', ')})`).toBe(want);
      else if (opMayTrap(op)) expect(got).toBe('trap');
    }
  });
});
