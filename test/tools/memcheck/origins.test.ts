// Origin tracking through the instrumented IR, run in the interpreter: which otag reaches
// a report, from memory tagged by the runtime (a heap block), from a stack allocation, and
// through operations, guest state and memory.
import { describe, expect, it } from 'vitest';
import { parseIRSB, ppIRSB } from '../../../src/engine/ir/index.ts';
import { instrumentMemcheck, originSlot } from '../../../src/engine/tools/memcheck/instrument.ts';
import { ORIGIN_STATE_OFFSET, SHADOW_STATE_OFFSET } from '../../../src/engine/tools/memcheck/shadow-state.ts';
import { FIRST_NEW_OTAG, RAX, RCX, RDX, runMemcheck } from './support.ts';

const HEAP_OTAG = 0x7004;
const RSP = 48;

/** A conditional exit on `cmp` of the I32 loaded from rax. */
const loadAndBranch = `IRSB {
   t0:I64   t1:I32   t2:I1

   ------ IMark(0x1000, 3, 0) ------
   t0 = GET:I64(16)
   t1 = LDle:I32(t0)
   t2 = CmpEQ32(t1,0x0:I32)
   if (t2) { PUT(184) = 0x2000:I64; exit-Boring } 
   PUT(184) = 0x1003:I64; exit-Boring
}
`;

describe('origins of undefined values', () => {
  const heapBlock = {
    trackOrigins: true,
    memory: (m: import('../../../src/engine/tools/memcheck/shadow-memory.ts').ShadowMemory) => {
      m.makeDefined(0x10000, 0x1000);
      m.makeUndefined(0x10100, 16);
    },
    originMemory: (m: import('../../../src/engine/tools/memcheck/origin-memory.ts').OriginMemory) => m.setRange(0x10100, 16, HEAP_OTAG),
  };

  it('(a) a load from a heap-tagged block carries the block\'s otag to the report', () => {
    expect(runMemcheck(loadAndBranch, [[RAX, 0x10104n, 0n]], heapBlock).errors)
      .toEqual([`Conditional jump pc 0x1000 otag 0x${HEAP_OTAG.toString(16)}`]);
    // Defined memory: no report at all.
    expect(runMemcheck(loadAndBranch, [[RAX, 0x10200n, 0n]], heapBlock).errors).toEqual([]);
  });

  it('reports otag 0 (unknown) for undefined memory nobody tagged', () => {
    const r = runMemcheck(loadAndBranch, [[RAX, 0x10104n, 0n]], { ...heapBlock, originMemory: undefined });
    expect(r.errors).toEqual(['Conditional jump pc 0x1000 otag 0x0']);
  });

  it('(b) a stack allocation by an SP update tags the new frame with the instruction\'s pc', () => {
    // sub $0x20,%rsp; then a read of the new frame (which sits below the red zone).
    const ir = `IRSB {
   t0:I64   t1:I64   t2:I64   t3:I64   t4:I1

   ------ IMark(0x1000, 4, 0) ------
   t0 = GET:I64(48)
   t1 = Sub64(t0,0x20:I64)
   PUT(48) = t1
   ------ IMark(0x1004, 4, 0) ------
   t2 = Sub64(t1,0x80:I64)
   t3 = LDle:I64(t2)
   t4 = CmpEQ64(t3,0x0:I64)
   if (t4) { PUT(184) = 0x2000:I64; exit-Boring } 
   PUT(184) = 0x1008:I64; exit-Boring
}
`;
    const r = runMemcheck(ir, [[RSP, 0x10300n, 0n]], { trackOrigins: true, memory: (m) => m.makeDefined(0x10000, 0x400) });
    expect(r.newOrigins).toEqual([{ kind: 'stack', pc: 0x1000, otag: FIRST_NEW_OTAG }]);
    expect(r.origins.load(0x10300 - 0x20 - 0x80, 0x20)).toBe(FIRST_NEW_OTAG);
    expect(r.errors).toEqual([`Conditional jump pc 0x1004 otag 0x${FIRST_NEW_OTAG.toString(16)}`]);
  });

  it('a call\'s red zone is a stack allocation at the callee (AbiHint nia), one otag per pc', () => {
    const ir = `IRSB {
   t0:I64   t1:I64

   ------ IMark(0x1000, 5, 0) ------
   t0 = GET:I64(48)
   t1 = Sub64(t0,0x80:I64)
   ====== AbiHint(t1, 128, 0x4000:I64) ======
   ====== AbiHint(t1, 128, 0x4000:I64) ======
   PUT(184) = 0x4000:I64; exit-Call
}
`;
    const r = runMemcheck(ir, [[RSP, 0x10300n, 0n]], { trackOrigins: true, memory: (m) => m.makeDefined(0x10000, 0x400) });
    expect(r.newOrigins).toEqual([{ kind: 'stack', pc: 0x4000, otag: FIRST_NEW_OTAG }]);
    expect(r.origins.load(0x10280, 0x80)).toBe(FIRST_NEW_OTAG);
    expect(r.shadow.checkDefined(0x10280, 0x80)).toEqual({ addr: 0x10280, kind: 'undefined' });
  });

  it('(c) an operation mixing a defined and an undefined input has the undefined one\'s origin', () => {
    // rax is defined (otag 0), rcx undefined from origin 0x40; the sum goes through a
    // register, memory and back before the branch.
    const ir = (expr: string) => `IRSB {
   t0:I64   t1:I64   t2:I64   t3:I64   t4:I1

   ------ IMark(0x1000, 3, 0) ------
   t0 = GET:I64(16)
   t1 = GET:I64(24)
   t2 = ${expr}
   PUT(32) = t2
   STle(0x10010:I64) = t2
   ------ IMark(0x1003, 3, 0) ------
   t3 = LDle:I64(0x10010:I64)
   t4 = CmpEQ64(t3,0x0:I64)
   if (t4) { PUT(184) = 0x2000:I64; exit-Boring } 
   PUT(184) = 0x1006:I64; exit-Boring
}
`;
    for (const expr of ['Add64(t0,t1)', 'Add64(t1,t0)', 'Xor64(t0,t1)']) {
      const r = runMemcheck(ir(expr), [[RAX, 5n, 0n], [RCX, 7n, 0xffn]], {
        trackOrigins: true, memory: (m) => m.makeDefined(0x10000, 0x100), regOrigins: [[RCX, 0x40]],
      });
      expect(r.errors, expr).toEqual(['Conditional jump pc 0x1003 otag 0x40']);
      expect(r.otag(RDX), expr).toBe(0x40);
      expect(r.origins.load(0x10010, 8), expr).toBe(0x40);
    }
  });

  it('a defined store erases the bytes\' origin, and only theirs', () => {
    const ir = `IRSB {
   t0:I64

   ------ IMark(0x1000, 3, 0) ------
   t0 = GET:I64(16)
   STle(t0) = 0x0:I8
   PUT(184) = 0x1003:I64; exit-Boring
}
`;
    const r = runMemcheck(ir, [[RAX, 0x10100n, 0n]], heapBlock);
    expect(r.origins.otagAt(0x10100)).toBe(0);
    expect(r.origins.otagAt(0x10101)).toBe(HEAP_OTAG);
  });

  it('an undefined address is reported with its origin', () => {
    const ir = `IRSB {
   t0:I64   t1:I64

   ------ IMark(0x1000, 3, 0) ------
   t0 = GET:I64(16)
   t1 = LDle:I64(t0)
   PUT(184) = 0x1003:I64; exit-Boring
}
`;
    const r = runMemcheck(ir, [[RAX, 0x10000n, 1n]], { trackOrigins: true, memory: (m) => m.makeDefined(0x10000, 8), regOrigins: [[RAX, 0x88]] });
    expect(r.errors).toEqual(['Use of uninitialised value of size 8 pc 0x1000 otag 0x88']);
  });
});

describe('origin slots of the guest state', () => {
  it('one otag per register: a byte register shares its GPR\'s, a lane its vector\'s', () => {
    expect(originSlot(16, 8)).toBe(16);
    expect(originSlot(17, 1)).toBe(16);
    expect(originSlot(224 + 32 + 8, 8)).toBe(224 + 32);
    expect(originSlot(184, 8)).toBeUndefined(); // rip: always defined
  });

  it('a write to %al replaces %rax\'s otag', () => {
    const ir = `IRSB {
   t0:I8

   ------ IMark(0x1000, 2, 0) ------
   t0 = GET:I8(24)
   PUT(16) = t0
   PUT(184) = 0x1002:I64; exit-Boring
}
`;
    const r = runMemcheck(ir, [], { trackOrigins: true, regOrigins: [[RAX, 0x10], [RCX, 0x20]] });
    expect(r.otag(RAX)).toBe(0x20);
  });
});

describe('printed IR with origins', () => {
  it('adds the otag statements memcheck adds, and only with trackOrigins', () => {
    const sb = parseIRSB(`IRSB {
   t0:I64   t1:I64

   ------ IMark(0x401000, 4, 0) ------
   t0 = GET:I64(48)
   t1 = LDle:I64(t0)
   PUT(16) = t1
   PUT(184) = 0x401004:I64; exit-Boring
}
`);
    expect(ppIRSB(instrumentMemcheck(sb))).not.toContain('b_load');
    const O = ORIGIN_STATE_OFFSET;
    expect(ppIRSB(instrumentMemcheck(sb, { trackOrigins: true }))).toBe(`IRSB {
   t0:I64   t1:I64   t2:I64   t3:I32   t4:I1   t5:I64   t6:I32   
   ------ IMark(0x401000, 4, 0) ------
   t2 = GET:I64(${48 + SHADOW_STATE_OFFSET})
   t3 = GET:I32(${48 + O})
   t0 = GET:I64(48)
   t4 = CmpNEZ64(t2)
   DIRTY t4 RdFX-gst(48,8) RdFX-gst(56,8) RdFX-gst(184,8) ::: MC_helperc_value_check8_fail_w_o{}(0x401000:I64,t3)
   t5 = DIRTY 1:I1 RdFX-gst(48,8) RdFX-gst(56,8) RdFX-gst(184,8) ::: MC_helperc_LOADV64le{}(t0,0x401000:I64)
   t6 = DIRTY 1:I1 ::: MC_helperc_b_load8{}(t0)
   t1 = LDle:I64(t0)
   PUT(${16 + SHADOW_STATE_OFFSET}) = t5
   PUT(${16 + O}) = t6
   PUT(16) = t1
   PUT(184) = 0x401004:I64; exit-Boring
}
`);
  });
});

describe('calls and returns', () => {
  it('a call without an AbiHint still gets one: the red zone below the new %rsp, origin the callee', () => {
    const ir = `IRSB {
   t0:I64   t1:I64

   ------ IMark(0x1000, 5, 0) ------
   t0 = GET:I64(48)
   t1 = Sub64(t0,0x8:I64)
   PUT(48) = t1
   STle(t1) = 0x1005:I64
   PUT(184) = 0x4000:I64; exit-Call
}
`;
    const r = runMemcheck(ir, [[RSP, 0x10308n, 0n]], { trackOrigins: true, memory: (m) => m.makeDefined(0x10000, 0x400) });
    expect(r.ir).toContain('====== AbiHint(');
    expect(r.shadow.checkDefined(0x10280, 0x80)).toEqual({ addr: 0x10280, kind: 'undefined' });
    expect(r.shadow.checkDefined(0x10300, 8)).toBeUndefined();
    const callee = r.newOrigins.find((o) => o.pc === 0x4000)!;
    expect(callee.kind).toBe('stack');
    expect(r.origins.load(0x10280, 0x80)).toBe(callee.otag);
  });
});
