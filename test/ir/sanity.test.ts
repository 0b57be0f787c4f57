// The verifier finds each kind of broken block, says where, and passes good ones.
import { describe, expect, it } from 'vitest';
import {
  IRSanityError, assertSaneIRSB, checkIRSB, irTemp, parseIRSB, rdTmp, type IRSB, type IRStmt,
} from '../../src/engine/ir/index.ts';

const GOOD = `IRSB {
   t0:I64   t1:I64   t2:I1   t3:I32   t4:V128   t5:I8   t6:I1   
   t0 = GET:I64(48)
   t1 = Add64(t0,0x8:I64)
   t2 = CmpEQ64(t1,0x0:I64)
   if (t2) { PUT(184) = 0x402000:I64; exit-Boring } 
   t3 = CASle(t0::0x0:I32->0x1:I32)
   PUT(16) = t1
   PUT(184) = t1; exit-Boring
}
`;

/** GOOD with statement `i` replaced by `stmts` (parsed, then edited as data where the
 *  parser would refuse the text). */
function withStmts(i: number, ...stmts: string[]): string {
  const lines = GOOD.split('\n');
  lines.splice(2 + i, 1, ...stmts.map((s) => `   ${s}`));
  return lines.join('\n');
}

const messages = (sb: IRSB, guestStateSize?: number) => checkIRSB(sb, { guestStateSize }).map((p) => [p.stmt, p.message]);
const check = (text: string, guestStateSize?: number) => messages(parseIRSB(text), guestStateSize);

describe('checkIRSB', () => {
  it('passes a good block', () => {
    expect(check(GOOD, 928)).toEqual([]);
  });

  it.each([
    ['a temp assigned twice', withStmts(5, 't0 = 0x1:I64'), [5, 't0 is assigned more than once']],
    ['a use before assignment', withStmts(0, 't0 = Add64(t1,0x1:I64)'), [0, 't1 is used before it is assigned']],
    ['a self-referencing assignment', withStmts(0, 't0 = Add64(t0,0x1:I64)'), [0, 't0 is used before it is assigned']],
    ['an operand of the wrong type', withStmts(1, 't1 = Add64(t0,0x8:I32)'), [1, 'argument 2 of Add64 is I32, expected I64']],
    ['an assignment of the wrong type', withStmts(1, 't1 = 64to32(t0)'), [1, 't1 is I64 but is assigned a I32']],
    ['a guard that is not I1', withStmts(3, 'if (t1) { PUT(184) = 0x402000:I64; exit-Boring } '), [3, 'the exit guard is I64, expected I1']],
    ['an exit target of the wrong type', withStmts(3, 'if (t2) { PUT(184) = 0x4020:I32; exit-Boring } '), [3, 'the exit target is I32, expected I64']],
    ['a load from a 32-bit address', withStmts(1, 't1 = LDle:I64(64to32(t0))'), [1, 'the load address is I32, expected I64']],
    ['a store of an I1', withStmts(5, 'STle(t0) = t2'), [5, 'stored data cannot be I1']],
    ['a PUT of an I1', withStmts(5, 'PUT(16) = t2'), [5, 'PUT data cannot be I1']],
    ['ITE arms that differ', withStmts(5, 'PUT(16) = ITE(t2,t1,0x0:I32)'), [5, 'ITE arms differ: I64 and I32']],
    ['a CAS of mixed types', withStmts(4, 't3 = CASle(t0::0x0:I32->0x1:I64)'), [4, 'dataLo is I64, expected I32']],
    ['a CAS of I1', withStmts(4, 't6 = CASle(t0::0:I1->1:I1)'), [4, 'CAS of I1: only I8..I64']],
    ['a GETI with a 64-bit index', withStmts(5, 'PUT(16) = GETI(776:8xI64)[t0,0]'), [5, 'the array index is I64, expected I32']],
    ['a PUTI of the wrong type', withStmts(5, 'PUTI(776:8xF64)[t3,0] = t1'), [5, 'PUTI data is I64, expected F64']],
    ['a helper returning I1', withStmts(5, 't6 = f{}(t0):I1'), [5, 'a helper result cannot be I1']],
    ['a Dirty guard that is not I1', withStmts(5, 'DIRTY t0 ::: f{}()'), [5, 'the Dirty guard is I64, expected I1']],
    ['a V128 Dirty result without VECRET', withStmts(5, 't4 = DIRTY 1:I1 ::: f{}(t0)'), [5, 'VECRET must appear exactly when the helper returns V128 or V256']],
    ['GSPTR without declared effects', withStmts(5, 'DIRTY 1:I1 ::: f{}(GSPTR)'), [5, 'a helper given GSPTR must declare its guest state effects']],
    ['GSPTR twice', withStmts(5, 'DIRTY 1:I1 RdFX-gst(16,8) ::: f{}(GSPTR,GSPTR)'), [5, 'GSPTR and VECRET may each appear at most once']],
  ])('reports %s', (_, text, problem) => {
    expect(check(text)).toEqual([problem]);
  });

  it('checks guest state bounds when told the size', () => {
    const text = withStmts(5, 'PUT(924) = t1', 'PUT(16) = GET:I64(928)', 'DIRTY 1:I1 RdFX-gst(900,64) ::: f{}()');
    expect(check(text)).toEqual([]);
    expect(check(text, 928)).toEqual([
      [5, 'PUT [924, +8) is outside the guest state (928 bytes)'],
      [6, 'GET [928, +8) is outside the guest state (928 bytes)'],
      [7, 'the guest state effect [900, +64) is outside the guest state (928 bytes)'],
    ]);
  });

  it('checks what the parser cannot express: ops, arity, constants, shapes', () => {
    const sb = parseIRSB(GOOD);
    const bad = (s: IRStmt) => messages({ ...sb, stmts: [...sb.stmts.slice(0, 5), s] });
    const t1 = rdTmp(irTemp(1));
    expect(bad({ tag: 'Put', offset: 16, data: { tag: 'Unop', op: 'Frob64', args: [t1] } as never })).toEqual([[5, "unknown op 'Frob64'"]]);
    expect(bad({ tag: 'Put', offset: 16, data: { tag: 'Binop', op: 'Add64', args: [t1] } as never })).toEqual([[5, 'Add64 takes 2 arguments, not 1']]);
    expect(bad({ tag: 'Put', offset: 16, data: { tag: 'Const', ty: 'I8', value: 256n } })).toEqual([[5, 'constant 256 does not fit in I8']]);
    expect(bad({ tag: 'Put', offset: 16, data: { tag: 'Const', ty: 'V128', value: 0x10000n } })).toEqual([[5, 'constant 65536 does not fit in V128']]);
    expect(bad({ tag: 'CAS', oldLo: irTemp(3), end: 'le', addr: t1, expdLo: t1, dataLo: t1, dataHi: t1 })).toContainEqual(
      [5, 'a double CAS needs oldHi, expdHi and dataHi together'],
    );
    expect(messages({ ...sb, next: { tag: 'Const', ty: 'I32', value: 0n } })).toEqual([['next', 'the next address is I32, expected I64']]);
    expect(messages({ ...sb, jumpkind: 'Teleport' as never })).toEqual([['next', "unknown jump kind 'Teleport'"]]);
    expect(messages({ ...sb, tyenv: [...sb.tyenv, 'I7' as never] })).toEqual([['tyenv', "t7 has unknown type 'I7'"]]);
  });

  it('throws an IRSanityError listing the problems, with context', () => {
    const sb = parseIRSB(withStmts(1, 't1 = Add64(t0,t5)'));
    expect(() => assertSaneIRSB(sb, {}, 'after fold')).toThrow(IRSanityError);
    expect(() => assertSaneIRSB(sb, {}, 'after fold')).toThrow(
      'IR sanity check failed (after fold):\n  stmt 1: t5 is used before it is assigned\n      t1 = Add64(t0,t5)\n' +
        '  stmt 1: argument 2 of Add64 is I8, expected I64\n      t1 = Add64(t0,t5)',
    );
  });
});
