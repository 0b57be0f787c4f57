// The checks memcheck's instrumentation inserts, and how it treats memory, guest state,
// CAS and dirty helpers, run in the interpreter and the wasm JIT (support.ts).
import { describe, expect, it } from 'vitest';
import { dirtyHelper } from '../../../src/engine/backend/helpers.ts';
import { parseIRSB, ppIRSB } from '../../../src/engine/ir/index.ts';
import { instrumentMemcheck } from '../../../src/engine/tools/memcheck/instrument.ts';
import { SHADOW_STATE_OFFSET } from '../../../src/engine/tools/memcheck/shadow-state.ts';
import { RAX, RBX, RCX, RDX, runMemcheck } from './support.ts';

const ALL = 0xffffffffffffffffn;

const exitBlock = `IRSB {
   t0:I64   t1:I1

   ------ IMark(0x1000, 3, 0) ------
   t0 = GET:I64(16)
   t1 = CmpEQ64(t0,0x0:I64)
   if (t1) { PUT(184) = 0x2000:I64; exit-Boring } 
   PUT(184) = 0x1003:I64; exit-Boring
}
`;

describe('checks', () => {
  it('reports a conditional exit on an undefined guard, once', () => {
    expect(runMemcheck(exitBlock, [[RAX, 0n, 1n]]).errors).toEqual(['Conditional jump pc 0x1000']);
    expect(runMemcheck(exitBlock, [[RAX, 0n, 0n]]).errors).toEqual([]);
    // Exact EQ: bit 1 is defined and differs from 0, so the result is known.
    expect(runMemcheck(exitBlock, [[RAX, 2n, 1n]]).errors).toEqual([]);
  });

  it('is silent with undefValueErrors: false', () => {
    expect(runMemcheck(exitBlock, [[RAX, 0n, 1n]], { undefValueErrors: false }).errors).toEqual([]);
  });

  it('reports an undefined load address, then treats it as defined', () => {
    const ir = `IRSB {
   t0:I64   t1:I64   t2:I64

   ------ IMark(0x1000, 3, 0) ------
   t0 = GET:I64(16)
   t1 = LDle:I64(t0)
   ------ IMark(0x1003, 3, 0) ------
   t2 = LDle:I64(t0)
   PUT(32) = t2
   PUT(184) = 0x1006:I64; exit-Boring
}
`;
    const r = runMemcheck(ir, [[RAX, 0x10000n, 0x1n]], { memory: (m) => m.makeDefined(0x10000, 8) });
    expect(r.errors).toEqual(['Use of uninitialised value of size 8 pc 0x1000']);
  });

  it('reports a computed jump to an undefined target', () => {
    const ir = `IRSB {
   t0:I64

   ------ IMark(0x1000, 2, 0) ------
   t0 = GET:I64(16)
   PUT(184) = t0; exit-Boring
}
`;
    expect(runMemcheck(ir, [[RAX, 0x5000n, 0xf0n]]).errors).toEqual(['Use of uninitialised value of size 8 pc 0x1000']);
  });
});

describe('memory', () => {
  const loadStore = (ty: string) => `IRSB {
   t0:I64   t1:${ty}

   ------ IMark(0x1000, 4, 0) ------
   t0 = GET:I64(16)
   t1 = LDle:${ty}(t0)
   STle(Add64(t0,0x100:I64)) = t1
   PUT(184) = 0x1004:I64; exit-Boring
}
`;

  it('loads and stores V bits through shadow memory', () => {
    const r = runMemcheck(loadStore('I32'), [[RAX, 0x10000n, 0n]], {
      memory: (m) => { m.makeDefined(0x10000, 0x200); m.makeUndefined(0x10001, 1); },
    });
    expect(r.errors).toEqual([]);
    expect(r.shadow.loadV(0x10100, 4)).toBe(0xff00n);
  });

  it('copies V128 V bits', () => {
    const r = runMemcheck(loadStore('V128'), [[RAX, 0x10000n, 0n]], {
      memory: (m) => { m.makeDefined(0x10000, 0x200); m.makeUndefined(0x1000f, 1); },
    });
    expect(r.shadow.loadV(0x10100, 16)).toBe(0xffn << 120n);
  });

  it('reports reads and writes of unaddressable memory', () => {
    const r = runMemcheck(loadStore('I16'), [[RAX, 0x10000n, 0n]], {
      memory: (m) => m.makeDefined(0x10001, 1),
    });
    expect(r.errors).toEqual(['Invalid read of size 2 at 0x10000 pc 0x1000', 'Invalid write of size 2 at 0x10100 pc 0x1000']);
  });

  it('lets an aligned 8-byte load be partly addressable, making the rest undefined', () => {
    const r = runMemcheck(`IRSB {
   t0:I64   t1:I64

   ------ IMark(0x1000, 4, 0) ------
   t0 = GET:I64(16)
   t1 = LDle:I64(t0)
   PUT(32) = t1
   PUT(184) = 0x1004:I64; exit-Boring
}
`, [[RAX, 0x10008n, 0n]], { memory: (m) => m.makeDefined(0x10008, 5) });
    expect(r.errors).toEqual([]);
    expect(r.vbits(RDX)).toBe(0xffffff0000000000n);
  });

  it('writes shadow memory in a CAS only when it succeeds', () => {
    const ir = `IRSB {
   t0:I64   t1:I64   t2:I64   t3:I64

   ------ IMark(0x1000, 5, 0) ------
   t0 = GET:I64(16)
   t1 = GET:I64(24)
   t2 = GET:I64(32)
   t3 = CASle(t0::t1->t2)
   PUT(40) = t3
   PUT(184) = 0x1005:I64; exit-Boring
}
`;
    const mem = (m: import('../../../src/engine/tools/memcheck/shadow-memory.ts').ShadowMemory) => m.makeDefined(0x10000, 8);
    const ok = runMemcheck(ir, [[RAX, 0x10000n, 0n], [RCX, 0n, 0n], [RDX, 7n, 0xffn]], { memory: mem });
    expect(ok.shadow.loadV(0x10000, 8)).toBe(0xffn);
    expect(ok.vbits(RBX)).toBe(0n);
    const failed = runMemcheck(ir, [[RAX, 0x10000n, 0n], [RCX, 1n, 0n], [RDX, 7n, 0xffn]], { memory: mem });
    expect(failed.shadow.loadV(0x10000, 8)).toBe(0n);
  });

  it('makes the red zone undefined at an AbiHint', () => {
    const ir = `IRSB {
   t0:I64

   ------ IMark(0x1000, 1, 0) ------
   t0 = GET:I64(48)
   ====== AbiHint(Sub64(t0,0x80:I64), 128, 0x2000:I64) ======
   PUT(184) = 0x2000:I64; exit-Call
}
`;
    const r = runMemcheck(ir, [[48, 0x10100n, 0n]], { memory: (m) => m.makeDefined(0x10000, 0x200) });
    expect(r.shadow.checkDefined(0x10080, 0x80)).toEqual({ addr: 0x10080, kind: 'undefined' });
    expect(r.shadow.checkDefined(0x10100, 8)).toBeUndefined();
  });
});

describe('stack pointer moves', () => {
  const moveSP = (delta: string) => `IRSB {
   t0:I64   t1:I64

   ------ IMark(0x1000, 4, 0) ------
   t0 = GET:I64(48)
   t1 = Add64(t0,${delta})
   PUT(48) = t1
   PUT(184) = 0x1004:I64; exit-Boring
}
`;
  it('a push makes the new frame undefined; a pop makes it unaddressable (below the red zone)', () => {
    const grown = runMemcheck(moveSP('0xFFFFFFFFFFFFFFE0:I64'), [[48, 0x10200n, 0n]], { memory: (m) => m.makeNoAccess(0, 2 ** 32) });
    expect(grown.shadow.checkDefined(0x10200 - 32 - 128, 32)).toEqual({ addr: 0x10200 - 32 - 128, kind: 'undefined' });
    expect(grown.shadow.addressable(0x10200 - 128)).toBe(false);
    const shrunk = runMemcheck(moveSP('0x20:I64'), [[48, 0x10200n, 0n]], { memory: (m) => m.makeDefined(0x10000, 0x400) });
    expect(shrunk.shadow.firstUnaddressable(0x10000, 0x400)).toBe(0x10200 - 128);
    expect(shrunk.shadow.addressable(0x10200 - 128 + 32)).toBe(true);
  });
});

describe('guest state', () => {
  it('shadows GET and PUT at +SHADOW_STATE_OFFSET, skipping always-defined state', () => {
    const sb = parseIRSB(`IRSB {
   t0:I64

   ------ IMark(0x1000, 3, 0) ------
   t0 = GET:I64(16)
   PUT(24) = t0
   PUT(144) = 0x1:I64
   PUT(184) = 0x1003:I64; exit-Boring
}
`);
    const text = ppIRSB(instrumentMemcheck(sb));
    expect(text).toContain(`GET:I64(${16 + SHADOW_STATE_OFFSET})`);
    expect(text).toContain(`PUT(${24 + SHADOW_STATE_OFFSET}) = t1`);
    expect(text).not.toContain(`PUT(${144 + SHADOW_STATE_OFFSET})`);
  });

  it('shadows GETI/PUTI in the shadow array, checking the index', () => {
    const ir = `IRSB {
   t0:I32   t1:F64

   ------ IMark(0x1000, 2, 0) ------
   t0 = GET:I32(768)
   t1 = GETI(776:8xF64)[t0,0]
   PUTI(776:8xF64)[t0,1] = t1
   PUT(184) = 0x1002:I64; exit-Boring
}
`;
    const r = runMemcheck(ir, [[776, 0n, 0xabn]]);
    expect(r.vbits(784)).toBe(0xabn);
    expect(r.errors).toEqual([]);
    expect(r.ir).toContain(`GETI(${776 + SHADOW_STATE_OFFSET}:8xI64)`);
  });

  it('passes V bits pessimistically through a dirty helper', () => {
    const ir = `IRSB {
   t0:I64   t1:I64

   ------ IMark(0x1000, 2, 0) ------
   t0 = GET:I64(16)
   t1 = DIRTY 1:I1 RdFX-gst(24,8) ::: some_helper{}(t0)
   PUT(32) = t1
   PUT(184) = 0x1002:I64; exit-Boring
}
`;
    const helpers = [dirtyHelper('some_helper', 'I64 -> I64', { state: true }, () => 5n)];
    expect(runMemcheck(ir, [[RAX, 0n, 0n], [RCX, 0n, 0n]], { helpers }).vbits(RDX)).toBe(0n);
    expect(runMemcheck(ir, [[RAX, 0n, 0n], [RCX, 0n, 0x100n]], { helpers }).vbits(RDX)).toBe(ALL);
    expect(runMemcheck(ir, [[RAX, 0n, 0x1n], [RCX, 0n, 0n]], { helpers }).vbits(RDX)).toBe(ALL);
  });
});

describe('printed IR', () => {
  it('reads like memcheck\'s', () => {
    const sb = parseIRSB(`IRSB {
   t0:I64   t1:I64

   ------ IMark(0x401000, 4, 0) ------
   t0 = GET:I64(48)
   t1 = LDle:I64(t0)
   PUT(16) = t1
   PUT(184) = 0x401004:I64; exit-Boring
}
`);
    expect(ppIRSB(instrumentMemcheck(sb))).toBe(`IRSB {
   t0:I64   t1:I64   t2:I64   t3:I1   t4:I64   

   ------ IMark(0x401000, 4, 0) ------
   t2 = GET:I64(${48 + SHADOW_STATE_OFFSET})
   t0 = GET:I64(48)
   t3 = CmpNEZ64(t2)
   DIRTY t3 RdFX-gst(48,8) RdFX-gst(56,8) RdFX-gst(184,8) ::: MC_helperc_value_check8_fail{}(0x401000:I64)
   t4 = DIRTY 1:I1 RdFX-gst(48,8) RdFX-gst(56,8) RdFX-gst(184,8) ::: MC_helperc_LOADV64le{}(t0,0x401000:I64)
   t1 = LDle:I64(t0)
   PUT(${16 + SHADOW_STATE_OFFSET}) = t4
   PUT(16) = t1
   PUT(184) = 0x401004:I64; exit-Boring
}
`);
  });
});
