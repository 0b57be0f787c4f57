// Runs a hand-written IR block under memcheck's instrumentation, with chosen values and V
// bits in the guest registers, and reports what memcheck saw. The block runs in the
// interpreter and, from the same state, compiled by the wasm JIT: both must leave the same
// registers, shadow registers, memory and errors.
import { expect } from 'vitest';
import type { BackendKind } from '../../../src/engine/backend/backend.ts';
import type { Translation } from '../../../src/engine/backend/cache.ts';
import { type HelperDecl, HelperSet } from '../../../src/engine/backend/helpers.ts';
import { InterpBackend } from '../../../src/engine/backend/interp/index.ts';
import { RunCounters } from '../../../src/engine/backend/run-area.ts';
import { WasmBackend } from '../../../src/engine/backend/wasm/index.ts';
import { CheckedMemory } from '../../../src/engine/core/memory-port.ts';
import { assertSaneIRSB, optimise, parseIRSB, ppIRSB } from '../../../src/engine/ir/index.ts';
import { AddressSpace, PERM_RW } from '../../../src/engine/memory/index.ts';
import { THREAD_STATES } from '../../../src/engine/memory/reserved.ts';
import { instrumentMemcheck, type InstrumentOptions } from '../../../src/engine/tools/memcheck/instrument.ts';
import { OriginMemory } from '../../../src/engine/tools/memcheck/origin-memory.ts';
import type { OriginKind } from '../../../src/engine/tools/memcheck/origins.ts';
import { memcheckHelpers } from '../../../src/engine/tools/memcheck/shadow-helpers.ts';
import type { ShadowMemory } from '../../../src/engine/tools/memcheck/shadow-memory.ts';
import {
  MEMCHECK_ORIGIN_STATE_SIZE, MEMCHECK_STATE_SIZE, ORIGIN_STATE_OFFSET, SHADOW_STATE_OFFSET,
} from '../../../src/engine/tools/memcheck/shadow-state.ts';
import { shadowMemory } from './shadow-support.ts';

export const RAX = 16, RCX = 24, RDX = 32, RBX = 40;

/** A register's value and V bits (1 = undefined). */
export type RegInit = [offset: number, value: bigint, vbits: bigint];

export interface MemcheckRun {
  state: DataView;
  shadow: ShadowMemory;
  errors: string[];
  /** The instrumented block, printed. */
  ir: string;
  /** V bits of the 8-byte register at `offset` after the run. */
  vbits(offset: number): bigint;
  value(offset: number): bigint;
  /** With trackOrigins: memory's otags, the origins the helpers asked for, and the otag
   *  of the register at `offset` after the run. */
  origins: OriginMemory;
  newOrigins: { kind: OriginKind; pc: number; otag: number }[];
  otag(offset: number): number;
}

export interface RunOptions extends InstrumentOptions {
  /** Prepare shadow memory (the test memory lives at 0x10000..0x20000). */
  memory?: (m: ShadowMemory) => void;
  /** Helpers the block calls besides memcheck's. */
  helpers?: HelperDecl[];
  /** With trackOrigins: prepare origin memory, and the registers' otags. */
  originMemory?: (m: OriginMemory) => void;
  regOrigins?: [offset: number, otag: number][];
}

/** The otags the test OriginSource hands out: 0x1000, 0x1004, ... */
export const FIRST_NEW_OTAG = 0x1000;

export function runMemcheck(ir: string, regs: RegInit[], o: RunOptions = {}): MemcheckRun {
  const [interp, wasm] = (['interp', 'wasm'] as const).map((backend) => runOn(backend, ir, regs, o));
  expect(wasm!.errors, 'errors under the wasm JIT').toEqual(interp!.errors);
  expect(wasm!.stateHex, 'guest and shadow state under the wasm JIT').toBe(interp!.stateHex);
  expect(wasm!.memHex, 'memory under the wasm JIT').toBe(interp!.memHex);
  return interp!;
}

function runOn(backend: BackendKind, ir: string, regs: RegInit[], o: RunOptions): MemcheckRun & { stateHex: string; memHex: string } {
  const sb = parseIRSB(ir);
  const inst = instrumentMemcheck(sb, o);
  const stateSize = o.trackOrigins ? MEMCHECK_ORIGIN_STATE_SIZE : MEMCHECK_STATE_SIZE;
  assertSaneIRSB(inst, { guestStateSize: stateSize });
  const opt = optimise(inst, { guestStateSize: stateSize });
  // The test memory: 64 KiB at 0x10000.
  const as = new AddressSpace();
  as.mmap({ addr: 0x10000, length: 0x10000, perm: PERM_RW, fixed: 'replace' });
  const shadow = shadowMemory(as);
  o.memory?.(shadow);
  const origins = new OriginMemory();
  o.originMemory?.(origins);
  const newOrigins: MemcheckRun['newOrigins'] = [];
  const source = {
    newOrigin: (kind: OriginKind, pc: number) => {
      const otag = FIRST_NEW_OTAG + 4 * newOrigins.length;
      newOrigins.push({ kind, pc, otag });
      return otag;
    },
  };
  const errors: string[] = [];
  const from = (otag?: number) => (o.trackOrigins ? ` otag 0x${(otag ?? 0).toString(16)}` : '');
  const helpers = new HelperSet([...o.helpers ?? [], ...memcheckHelpers(shadow, {
    addrError: (pc, addr, size, w) => errors.push(`Invalid ${w ? 'write' : 'read'} of size ${size} at 0x${addr.toString(16)} pc 0x${pc.toString(16)}`),
    condError: (pc, otag) => errors.push(`Conditional jump pc 0x${pc.toString(16)}${from(otag)}`),
    valueError: (pc, size, otag) => errors.push(`Use of uninitialised value of size ${size} pc 0x${pc.toString(16)}${from(otag)}`),
  }, o.trackOrigins ? { memory: origins, source } : undefined)]);
  assertSaneIRSB(opt, { guestStateSize: stateSize, helpers: helpers.signature });
  const state = new DataView(as.memory.wasmMemory.buffer, THREAD_STATES, stateSize);
  for (const [off, value, v] of regs) {
    state.setBigUint64(off, value, true);
    state.setBigUint64(off + SHADOW_STATE_OFFSET, v, true);
  }
  for (const [off, otag] of o.regOrigins ?? []) state.setUint32(off + ORIGIN_STATE_OFFSET, otag, true);
  const env = { state, mem: new CheckedMemory(as) };
  const counters = new RunCounters(as.memory.wasmMemory.buffer);
  const interp = new InterpBackend(helpers, env, counters);
  const t: Translation = { addr: 0x1000, lifted: { sb: opt, instrs: [] }, sb: opt, insns: new Int32Array(opt.stmts.length + 1), slot: 1 };
  let runner: InterpBackend | WasmBackend = interp;
  if (backend === 'wasm') {
    const wasm = new WasmBackend({
      memory: as.memory.wasmMemory, helpers, env, counters, interp, stateAddr: THREAD_STATES, ripOffset: 184, as, linkable: () => false,
    });
    wasm.compileNow([t]);
    runner = wasm;
  }
  const { exit } = runner.run(t, 1);
  if (exit.kind !== 'exit') throw new Error(`block stopped: ${exit.kind}`);
  const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
  return {
    state, shadow, errors, ir: ppIRSB(inst),
    vbits: (off) => state.getBigUint64(off + SHADOW_STATE_OFFSET, true),
    value: (off) => state.getBigUint64(off, true),
    origins, newOrigins,
    otag: (off) => state.getUint32(off + ORIGIN_STATE_OFFSET, true),
    stateHex: hex(new Uint8Array(state.buffer, THREAD_STATES, stateSize).slice()),
    memHex: hex(as.memory.readBytes(0x10000, 0x10000)),
  };
}

/** A block computing `expr` of t0 = rax and t1 = rcx (both `ty`), result to rdx. */
export function binBlock(ty: 'I8' | 'I16' | 'I32' | 'I64', expr: string, resTy = ty): string {
  return `IRSB {
   t0:${ty}   t1:${ty}   t2:${resTy}

   ------ IMark(0x1000, 3, 0) ------
   t0 = GET:${ty}(16)
   t1 = GET:${ty}(24)
   t2 = ${expr}
   PUT(32) = t2
   PUT(184) = 0x1003:I64; exit-Boring
}
`;
}
