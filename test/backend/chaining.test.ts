// How compiled blocks go on into one another: a direct jump to a block of the same module
// calls it while the fast lookup cache still holds that very code, and no longer once a
// new translation of the address has taken the old one's slot (the interpreter, which
// looks each block up, is the oracle).
import { describe, expect, it } from 'vitest';
import type { Backend } from '../../src/engine/backend/backend.ts';
import type { Translation } from '../../src/engine/backend/cache.ts';
import { HelperSet } from '../../src/engine/backend/helpers.ts';
import { InterpBackend } from '../../src/engine/backend/interp/index.ts';
import { RunCounters } from '../../src/engine/backend/run-area.ts';
import { WasmBackend } from '../../src/engine/backend/wasm/index.ts';
import { CheckedMemory } from '../../src/engine/core/memory-port.ts';
import { GUEST_STATE_SIZE } from '../../src/engine/guest/amd64/state.ts';
import { parseIRSB } from '../../src/engine/ir/index.ts';
import { AddressSpace } from '../../src/engine/memory/index.ts';
import { THREAD_STATES } from '../../src/engine/memory/reserved.ts';

const RIP = 184;
const RAX = 16;
const RCX = 24;

function machine() {
  const as = new AddressSpace();
  const counters = new RunCounters(as.memory.wasmMemory.buffer);
  const state = new DataView(as.memory.wasmMemory.buffer, THREAD_STATES, GUEST_STATE_SIZE);
  const env = { state, mem: new CheckedMemory(as) };
  const helpers = new HelperSet([]);
  const interp = new InterpBackend(helpers, env, counters);
  const wasm = new WasmBackend({
    memory: as.memory.wasmMemory, helpers, env, counters, interp,
    stateAddr: THREAD_STATES, ripOffset: RIP, as, linkable: () => true,
  });
  return { state, interp, wasm };
}

function translation(addr: number, slot: number, body: string): Translation {
  const sb = parseIRSB(`IRSB {\n${body.replace(/^\s*\n/, '')}\n}`);
  return { addr, lifted: { sb, instrs: [{ addr, len: 4 }] }, sb, insns: new Int32Array(sb.stmts.length + 1).fill(1), slot };
}

// A adds 1 to rax and jumps to B; B sets rcx to `mark` and stops at a syscall.
const A = (slot: number) => translation(0x1000, slot, `
   t0:I64
   ------ IMark(0x1000, 4, 0) ------
   t0 = GET:I64(${RAX})
   PUT(${RAX}) = Add64(t0,0x1:I64)
   PUT(${RIP}) = 0x2000:I64; exit-Boring`);
const B = (slot: number, mark: number) => translation(0x2000, slot, `
   ------ IMark(0x2000, 4, 0) ------
   PUT(${RCX}) = 0x${mark.toString(16)}:I64
   PUT(${RIP}) = 0x3000:I64; exit-Sys_syscall`);

/** Runs from A until the run stops: blocks run, rax, rcx. */
function runA(m: ReturnType<typeof machine>, backend: Backend, a: Translation) {
  m.state.setBigUint64(RAX, 0n, true);
  m.state.setBigUint64(RCX, 0n, true);
  m.state.setBigUint64(RIP, 0x1000n, true);
  const ran = backend.run(a, 100);
  return { blocks: ran.blocks, exit: ran.exit, rax: m.state.getBigUint64(RAX, true), rcx: m.state.getBigUint64(RCX, true) };
}

describe('chaining between compiled blocks', () => {
  it('goes from a block into its sibling in the module, as the interpreter does block by block', () => {
    const m = machine();
    const a = A(1);
    const b = B(2, 1);
    m.wasm.compileNow([a, b]);
    const got = runA(m, m.wasm, a);
    // The interpreter runs A alone (the run loop looks B up), then B.
    const first = m.interp.run(a);
    const second = m.interp.run(b);
    expect(got).toEqual({ blocks: 2, exit: second.exit, rax: 1n, rcx: 1n });
    expect(first.blocks + second.blocks).toBe(2);
  });

  it('does not call a sibling whose address has been translated again into the same slot', () => {
    const m = machine();
    const a = A(1);
    const b = B(2, 1);
    m.wasm.compileNow([a, b]);
    expect(runA(m, m.wasm, a).rcx).toBe(1n);
    // B's code changes: its translation goes, and the new one takes slot 2 again.
    m.wasm.drop(b);
    const b2 = B(2, 2);
    m.wasm.compileNow([b2]);
    const got = runA(m, m.wasm, a);
    expect(got.rcx).toBe(2n);
    expect(got.rax).toBe(1n);
    expect(got.blocks).toBe(2);
  });
});
