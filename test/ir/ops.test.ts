// The op table: well-formed, typed for the lifter, and complete where the passes rely on it.
import { describe, expect, it } from 'vitest';
import {
  ALL_OPS, binop, c64, hasEvaluator, isIROp, isIntegerType, opMayTrap, opSignature, unop,
} from '../../src/engine/ir/index.ts';

describe('the op table', () => {
  it('gives every op argument and result types', () => {
    expect(ALL_OPS.length).toBeGreaterThan(400);
    for (const op of ALL_OPS) {
      const { args, res } = opSignature(op);
      expect(args.length, op).toBeGreaterThanOrEqual(1);
      expect(args.length, op).toBeLessThanOrEqual(4);
      expect(res, op).toBeTruthy();
    }
  });

  it('spells signatures the VEX way', () => {
    expect(opSignature('Add64')).toEqual({ args: ['I64', 'I64'], res: 'I64' });
    expect(opSignature('Shl32')).toEqual({ args: ['I32', 'I8'], res: 'I32' });
    expect(opSignature('CmpLT64S')).toEqual({ args: ['I64', 'I64'], res: 'I1' });
    expect(opSignature('MullU64')).toEqual({ args: ['I64', 'I64'], res: 'I128' });
    expect(opSignature('DivModS128to64')).toEqual({ args: ['I128', 'I64'], res: 'I128' });
    expect(opSignature('AddF64')).toEqual({ args: ['I32', 'F64', 'F64'], res: 'F64' });
    expect(opSignature('CmpF64')).toEqual({ args: ['F64', 'F64'], res: 'I32' });
    expect(opSignature('GetMSBs8x16')).toEqual({ args: ['V128'], res: 'I16' });
    expect(opSignature('64x4toV256')).toEqual({ args: ['I64', 'I64', 'I64', 'I64'], res: 'V256' });
  });

  it('knows its own names', () => {
    expect(isIROp('32Uto64')).toBe(true);
    expect(isIROp('Add65')).toBe(false);
    expect(isIROp('toString')).toBe(false);
  });

  it('can fold every scalar integer op', () => {
    // MMX ops are typed I64 too, but work on lanes (Add8x8): not scalar.
    const integerOps = ALL_OPS.filter((op) => {
      const { args, res } = opSignature(op);
      return [...args, res].every(isIntegerType) && !/\d[SU]?x\d/.test(op);
    });
    expect(integerOps.length).toBeGreaterThan(150);
    expect(integerOps.filter((op) => !hasEvaluator(op))).toEqual([]);
  });

  it('marks exactly the integer divisions as trapping', () => {
    expect(ALL_OPS.filter(opMayTrap)).toEqual(ALL_OPS.filter((op) => /^Div(Mod)?[SU]\d/.test(op)));
  });

  it('checks arity at compile time', () => {
    // The assertions are the @ts-expect-error lines: `tsc` fails if these type-check.
    // @ts-expect-error Not64 is unary
    expect(binop('Not64', c64(1), c64(2)).args).toHaveLength(2);
    // @ts-expect-error Add64 is binary
    expect(unop('Add64', c64(1)).args).toHaveLength(1);
  });
});
