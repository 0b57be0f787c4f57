// The builder as a lifter and a tool use it.
import { describe, expect, it } from 'vitest';
import {
  IRSBBuilder, binop, c1, c32, c64, c8, checkIRSB, get, load, ppIRSB, unop, type IRSB,
} from '../../src/engine/ir/index.ts';

const RSP = 48;
const RBP = 56;
const RIP = 184;

/** push %rbp; mov %rsp,%rbp; cmpq $0,(%rsp); je 0x402000 — as a lifter would emit it. */
function lift(): IRSB {
  const b = new IRSBBuilder({ offsIP: RIP });
  b.imark(0x401000, 1);
  const rbp = b.assign(get(RBP, 'I64'));
  const rsp = b.assign(binop('Sub64', get(RSP, 'I64'), c64(8)));
  b.put(RSP, rsp);
  b.store(rsp, rbp);
  b.put(RIP, c64(0x401001));
  b.imark(0x401001, 3);
  b.put(RBP, get(RSP, 'I64'));
  b.put(RIP, c64(0x401004));
  b.imark(0x401004, 5);
  const v = b.assign(load('I64', get(RSP, 'I64')));
  b.exit(binop('CmpEQ64', v, c64(0)), 'Boring', 0x402000);
  return b.finish(c64(0x401009), 'Boring');
}

describe('IRSBBuilder', () => {
  it('builds a sane block that prints as expected', () => {
    const sb = lift();
    expect(checkIRSB(sb, { guestStateSize: 928 })).toEqual([]);
    expect(ppIRSB(sb)).toBe(`IRSB {
   t0:I64   t1:I64   t2:I64   \n
   ------ IMark(0x401000, 1, 0) ------
   t0 = GET:I64(56)
   t1 = Sub64(GET:I64(48),0x8:I64)
   PUT(48) = t1
   STle(t1) = t0
   PUT(184) = 0x401001:I64
   ------ IMark(0x401001, 3, 0) ------
   PUT(56) = GET:I64(48)
   PUT(184) = 0x401004:I64
   ------ IMark(0x401004, 5, 0) ------
   t2 = LDle:I64(GET:I64(48))
   if (CmpEQ64(t2,0x0:I64)) { PUT(184) = 0x402000:I64; exit-Boring } 
   PUT(184) = 0x401009:I64; exit-Boring
}
`);
  });

  it('infers types from the op table and the temps', () => {
    const b = new IRSBBuilder({ offsIP: RIP });
    const t = b.assign(c32(1));
    expect(b.typeOf(binop('MullU32', t, t))).toBe('I64');
    expect(b.typeOf(unop('64to1', c64(1)))).toBe('I1');
    expect(b.typeOf(get(224, 'V128'))).toBe('V128');
    expect(() => b.typeOf({ tag: 'RdTmp', tmp: 9 as never })).toThrow('t9 is not in the type environment');
  });

  it('wraps integer constants to their width', () => {
    expect(c8(-1).value).toBe(0xffn);
    expect(c64(-8).value).toBe(0xfffffffffffffff8n);
    expect(c64(2n ** 64n + 5n).value).toBe(5n);
    expect(c1(true)).toEqual({ tag: 'Const', ty: 'I1', value: 1n });
  });

  it('allocates result temps for CAS and dirty calls', () => {
    const b = new IRSBBuilder({ offsIP: RIP });
    const addr = b.assign(get(RSP, 'I64'));
    const old = b.cas({ addr, expdLo: c32(0), dataLo: c32(1) });
    const [hi, lo] = b.cas({ addr, expdLo: c64(0), expdHi: c64(0), dataLo: c64(1), dataHi: c64(2) });
    const tsc = b.dirty({ callee: { name: 'amd64g_dirtyhelper_RDTSC' }, args: [], retTy: 'I64' });
    const none = b.dirty({ callee: { name: 'track_new_mem_stack_8', regparms: 1 }, args: [addr] });
    expect([old, hi, lo, tsc, none]).toEqual([
      { tag: 'RdTmp', tmp: 1 }, { tag: 'RdTmp', tmp: 3 }, { tag: 'RdTmp', tmp: 2 }, { tag: 'RdTmp', tmp: 4 }, undefined,
    ]);
    expect(b.tyenv).toEqual(['I64', 'I32', 'I64', 'I64', 'I64']);
    expect(checkIRSB(b.finish(c64(0), 'Boring'))).toEqual([]);
  });

  it('rebuilds an existing block for instrumentation, keeping its temps', () => {
    const sb = lift();
    const b = new IRSBBuilder({ offsIP: sb.offsIP, tyenv: sb.tyenv });
    for (const s of sb.stmts) {
      if (s.tag === 'Store') b.dirty({ callee: { name: 'count_store' }, args: [s.addr] });
      b.add(s);
    }
    const out = b.finish(sb.next, sb.jumpkind);
    expect(out.stmts).toHaveLength(sb.stmts.length + 1);
    expect(checkIRSB(out)).toEqual([]);
    expect(sb.tyenv).toHaveLength(3); // the original is untouched
  });
});
