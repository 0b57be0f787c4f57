// Memcheck's shadow loads and stores and stack marks with their wasm fast paths
// (shadow-wasm.ts) against the JavaScript helpers alone: random blocks of LOADV/STOREV
// calls of every size and of SP_update/MAKE_STACK_UNINIT and their fixed-size forms
// (track_new_mem_stack_N, track_die_mem_stack_N, MAKE_STACK_UNINIT_128), at
// aligned and unaligned addresses, over shadow memory holding every kind of state
// (unaddressable, defined, undefined, partially defined bytes; distinguished and real
// chunks), run by the interpreter on one copy and by the JIT on another. The V bits
// loaded, the shadow memory afterwards and the errors reported must be the same.
import { describe, expect, it } from 'vitest';
import type { Translation } from '../../../src/engine/backend/cache.ts';
import { HelperSet } from '../../../src/engine/backend/helpers.ts';
import { InterpBackend } from '../../../src/engine/backend/interp/index.ts';
import { RunCounters } from '../../../src/engine/backend/run-area.ts';
import { WasmBackend } from '../../../src/engine/backend/wasm/index.ts';
import { CheckedMemory } from '../../../src/engine/core/memory-port.ts';
import { IRSBBuilder, constant, type IRExpr, type IRSB, type IRType } from '../../../src/engine/ir/index.ts';
import { AddressSpace } from '../../../src/engine/memory/index.ts';
import { THREAD_STATES } from '../../../src/engine/memory/reserved.ts';
import {
  MAKE_STACK_UNINIT, MAKE_STACK_UNINIT_128, SP_UPDATE, STACK_MOVES, dieMemStackHelperName, loadHelperName,
  memcheckHelpers, newMemStackHelperName, storeHelperName,
} from '../../../src/engine/tools/memcheck/shadow-helpers.ts';
import type { ShadowMemory } from '../../../src/engine/tools/memcheck/shadow-memory.ts';
import { Random } from '../../backend/random.ts';
import { shadowMemory } from './shadow-support.ts';

/** Two chunks: the first left uniform (a distinguished map) part of the time. */
const BASE = 0x2000_0000;
const SPAN = 0x2_0000;
const SIZES = [1, 2, 4, 8, 16, 32];
const STATE = 2048;

function prepare(shadow: ShadowMemory, seed: number): void {
  const rng = new Random(seed);
  if (rng.int(3) === 0) shadow.makeUndefined(BASE, 0x1_0000);
  else shadow.makeDefined(BASE, 0x1_0000);
  for (let i = 0; i < 40; i++) {
    const at = BASE + 0x1_0000 + rng.int(0x1_0000 - 64);
    const len = 1 + rng.int(64);
    [() => shadow.makeDefined(at, len), () => shadow.makeUndefined(at, len), () => shadow.makeNoAccess(at, len)][rng.int(3)]!();
  }
  for (let i = 0; i < 20; i++) shadow.setVbyte(BASE + 0x1_0000 + rng.int(0x1_0000), rng.int(256));
}

/** The IR type of the V bits of an access of `size` bytes. */
function vbitsType(size: number): IRType {
  return ({ 1: 'I8', 2: 'I16', 4: 'I32', 8: 'I64', 16: 'V128', 32: 'V256' } as const)[size as 1]!;
}

function vbitsOf(rng: Random, size: number): IRExpr {
  const ty = vbitsType(size);
  const k = rng.int(3);
  if (ty === 'V128' || ty === 'V256') return constant(ty, k === 0 ? 0n : k === 1 ? (1n << BigInt(size)) - 1n : rng.bits(size));
  return constant(ty, k === 0 ? 0n : k === 1 ? (1n << BigInt(8 * size)) - 1n : rng.bits(8 * size));
}

function block(rng: Random): IRSB {
  const b = new IRSBBuilder({ offsIP: 184 });
  let out = 256;
  for (let i = 0; i < 24; i++) {
    b.imark(0x1000 + i, 1);
    const size = rng.pick(SIZES);
    // Mostly aligned, now and then not; the second chunk holds the mixed states.
    const off = rng.int(2) ? 0x1_0000 : 0;
    const addr = BASE + off + (rng.int(0x1_0000 / size - 1) * size) + (rng.int(5) === 0 ? 1 + rng.int(size) : 0);
    const pc = constant('I64', 0x1000 + i);
    // Now and then so low in the second chunk that the red zone below is in the first.
    const sp = BASE + 0x1_0000 + (rng.int(6) === 0 ? rng.int(0x100) : 0x200 + rng.int(0xf000));
    const k = rng.int(9);
    if (k === 0) {
      // A push or pop (or a switch: a move of more than a frame), now and then unaligned.
      const delta = rng.int(10) === 0 ? 3_000_000 : (rng.int(2) ? 8 : -8) * (1 + rng.int(20)) + (rng.int(6) === 0 ? rng.int(4) : 0);
      b.dirty({ callee: { name: SP_UPDATE }, args: [constant('I64', sp), constant('I64', sp + delta)] });
    } else if (k === 1) {
      b.dirty({ callee: { name: MAKE_STACK_UNINIT }, args: [constant('I64', sp - rng.int(3)), constant('I64', rng.pick([128, 16, 7, 0x10000]))] });
    } else if (k === 2) {
      // A push, pop or frame of a size with helpers of its own, the red zone at a call.
      const newSP = constant('I64', sp - (rng.int(5) === 0 ? rng.int(4) : 0));
      const name = [newMemStackHelperName, dieMemStackHelperName][rng.int(2)]!(rng.pick(STACK_MOVES));
      b.dirty({ callee: { name: rng.int(4) === 0 ? MAKE_STACK_UNINIT_128 : name }, args: [newSP] });
    } else if (rng.int(2)) {
      const t = b.dirty({ callee: { name: loadHelperName(size) }, args: [constant('I64', addr), pc, ...(size >= 16 ? [{ tag: 'VECRET' } as const] : [])], retTy: vbitsType(size) });
      b.put(out, t);
      out += Math.max(size, 8);
      if (out > STATE - 64) out = 256;
    } else {
      b.dirty({ callee: { name: storeHelperName(size) }, args: [constant('I64', addr), vbitsOf(rng, size), pc] });
    }
  }
  return b.finish(constant('I64', 0x2000), 'Boring');
}

function run(sb: IRSB, seed: number, backend: 'interp' | 'wasm') {
  const as = new AddressSpace();
  const shadow = shadowMemory(as);
  prepare(shadow, seed);
  const errors: string[] = [];
  const helpers = new HelperSet(memcheckHelpers(shadow, {
    addrError: (pc, addr, size, w) => errors.push(`${w ? 'write' : 'read'} ${size} 0x${addr.toString(16)} at 0x${pc.toString(16)}`),
    condError: () => {},
    valueError: () => {},
  }));
  const state = new DataView(as.memory.wasmMemory.buffer, THREAD_STATES, STATE);
  const env = { state, mem: new CheckedMemory(as) };
  const counters = new RunCounters(as.memory.wasmMemory.buffer);
  const interp = new InterpBackend(helpers, env, counters);
  const t: Translation = { addr: 0x1000, lifted: { sb, instrs: [] }, sb, insns: new Int32Array(sb.stmts.length + 1), slot: 1 };
  if (backend === 'wasm') {
    const wasm = new WasmBackend({ memory: as.memory.wasmMemory, helpers, env, counters, interp, stateAddr: THREAD_STATES, ripOffset: 184, as, linkable: () => false });
    wasm.compileNow([t]);
    wasm.run(t, 1);
  } else {
    interp.run(t);
  }
  return { errors, state: Buffer.from(new Uint8Array(state.buffer, THREAD_STATES, STATE)).toString('hex'), shadow: shadow.snapshot(BASE, SPAN) };
}

describe('memcheck shadow fast paths in wasm', () => {
  it('load and store exactly as the JavaScript helpers do', () => {
    const rng = new Random(6);
    for (let i = 0; i < 60; i++) {
      const sb = block(rng);
      const a = run(sb, i, 'interp');
      const b = run(sb, i, 'wasm');
      expect(b.errors, `block ${i}: errors`).toEqual(a.errors);
      expect(b.state, `block ${i}: V bits loaded`).toBe(a.state);
      expect(Buffer.from(b.shadow.a).equals(Buffer.from(a.shadow.a)), `block ${i}: A bits`).toBe(true);
      expect(Buffer.from(b.shadow.v).equals(Buffer.from(a.shadow.v)), `block ${i}: V bits`).toBe(true);
    }
  });
});
