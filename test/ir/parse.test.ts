// The parser's leniency (valgrind's own spellings, free indentation) and its errors, which
// name the line and column.
import { describe, expect, it } from 'vitest';
import { IRParseError, parseIRSB, ppIRSB } from '../../src/engine/ir/index.ts';

// Canonical text: statements start on line 4.
const block = (...stmts: string[]) => `IRSB {
   t0:I64   t1:I64   t2:I1   t3:I8   

${stmts.map((s) => `   ${s}\n`).join('')}   PUT(184) = 0x401000:I64; exit-Boring
}
`;

function parseError(text: string): IRParseError {
  try {
    parseIRSB(text);
  } catch (e) {
    if (e instanceof IRParseError) return e;
    throw e;
  }
  throw new Error('parsed without error');
}

describe('parseIRSB', () => {
  it("reads valgrind's helper addresses and F64{} constants, dropping what is not ours", () => {
    const sb = parseIRSB(block(
      't0 = amd64g_calculate_rflags_c[mcx=0x9]{0x58149570}(0x8:I64,t1,t1,0x0:I64):I64',
      't1 = ReinterpF64asI64(F64{0x3FF0000000000000})',
    ));
    expect(ppIRSB(sb)).toBe(block(
      't0 = amd64g_calculate_rflags_c[mcx=0x9]{}(0x8:I64,t1,t1,0x0:I64):I64',
      't1 = ReinterpF64asI64(F64i{0x3FF0000000000000})',
    ));
  });

  it('accepts any indentation, any type environment layout, and blank lines', () => {
    const sb = parseIRSB('\n  IRSB {\n t0:I64\n t1:I8   t2:I1\n\n\n t0 = GET:I64(16)\n\nPUT(184) = t0; exit-Boring\n }\n\n');
    expect(sb.tyenv).toEqual(['I64', 'I8', 'I1']);
    expect(sb.stmts).toHaveLength(1);
  });

  it.each([
    ['an unknown op', block('t0 = Add65(t1,t1)'), 4, 9, "unknown IROp 'Add65'"],
    ['a wrong arity', block('t0 = Add64(t1)'), 4, 9, 'Add64 takes 2 arguments, got 1'],
    ['an undeclared temp', block('t0 = Add64(t1,t9)'), 4, 18, 't9 is not in the type environment'],
    ['an oversized constant', block('t3 = 0x100:I8'), 4, 9, 'constant 256 does not fit in I8'],
    ['a bad I1 constant', block('t2 = 2:I1'), 4, 9, "an I1 constant is 0 or 1, not '2'"],
    ['an unknown type', block('t0 = GET:I65(16)'), 4, 13, "unknown type 'I65'"],
    ['a missing bracket', block('t0 = Add64(t1,t1'), 4, 20, "expected ')' but found the end of the line"],
    ['trailing text', block('t0 = t1 t1'), 4, 11, "unexpected ' t1' after the statement"],
    ['an unknown jump kind', block('if (t2) { PUT(184) = 0x0:I64; exit-Bored } '), 4, 39, "unknown jump kind 'Bored'"],
    ['a non-constant exit target', block('if (t2) { PUT(184) = t0; exit-Boring } '), 4, 25, 'an exit target must be a constant'],
    ['a statement that is none', block('t0 + t1'), 4, 6, "expected ' = ' but found ' + t1'"],
    ['temps out of order', 'IRSB {\n   t0:I64   t2:I64\n', 2, 13, 'expected t1 next in the type environment'],
    ['a missing end', 'IRSB {\n   t0:I64\n\n   t0 = GET:I64(16)\n', 5, 1, 'missing the final `PUT(..) = ..; exit-..` line'],
    ['a missing header', 'IRSB\n', 1, 1, "expected 'IRSB {' but found 'IRSB'"],
  ])('reports %s with its line and column', (_, text, line, column, reason) => {
    const e = parseError(text);
    expect({ line: e.line, column: e.column, reason: e.reason }).toEqual({ line, column, reason });
  });

  it('shows the line and a caret in the message', () => {
    expect(parseError(block('t0 = Add65(t1,t1)')).message).toBe(
      "line 4, column 9: unknown IROp 'Add65'\n       t0 = Add65(t1,t1)\n            ^",
    );
  });
});
