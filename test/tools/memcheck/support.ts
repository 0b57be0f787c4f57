// Runs a hand-written IR block under memcheck's instrumentation in the interpreter, with
// chosen values and V bits in the guest registers, and reports what memcheck saw.
import { compile, type HelperTable, type MemoryPort } from '../../../src/engine/backend/interp/index.ts';
import { assertSaneIRSB, optimise, parseIRSB, ppIRSB } from '../../../src/engine/ir/index.ts';
import { instrumentMemcheck, type InstrumentOptions } from '../../../src/engine/tools/memcheck/instrument.ts';
import { OriginMemory } from '../../../src/engine/tools/memcheck/origin-memory.ts';
import type { OriginKind } from '../../../src/engine/tools/memcheck/origins.ts';
import { memcheckHelpers } from '../../../src/engine/tools/memcheck/shadow-helpers.ts';
import { ShadowMemory } from '../../../src/engine/tools/memcheck/shadow-memory.ts';
import {
  MEMCHECK_ORIGIN_STATE_SIZE, MEMCHECK_STATE_SIZE, ORIGIN_STATE_OFFSET, SHADOW_STATE_OFFSET,
} from '../../../src/engine/tools/memcheck/shadow-state.ts';

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

/** Flat memory of 64 KiB at 0x10000, little-endian. */
function smallMemory(): MemoryPort {
  const bytes = new Uint8Array(0x10000);
  const dv = new DataView(bytes.buffer);
  const at = (a: number) => {
    if (a < 0x10000 || a >= 0x20000) throw new Error(`test memory: 0x${a.toString(16)} out of range`);
    return a - 0x10000;
  };
  return {
    load8: (a) => dv.getUint8(at(a)), load16: (a) => dv.getUint16(at(a), true),
    load32: (a) => dv.getUint32(at(a), true), load64: (a) => dv.getBigUint64(at(a), true),
    loadVec: (a, words) => Array.from({ length: words }, (_, i) => dv.getInt32(at(a) + 4 * i, true)),
    store8: (a, v) => dv.setUint8(at(a), v), store16: (a, v) => dv.setUint16(at(a), v, true),
    store32: (a, v) => dv.setUint32(at(a), v, true), store64: (a, v) => dv.setBigUint64(at(a), v, true),
    storeVec: (a, v) => v.forEach((w, i) => dv.setInt32(at(a) + 4 * i, w, true)),
    cas: (a, size, expd, data) => {
      const old = size === 8 ? dv.getBigUint64(at(a), true) : BigInt(dv.getUint32(at(a), true));
      if (old === expd) size === 8 ? dv.setBigUint64(at(a), data, true) : dv.setUint32(at(a), Number(data), true);
      return old;
    },
  };
}

export interface RunOptions extends InstrumentOptions {
  /** Prepare shadow memory (the test memory lives at 0x10000..0x20000). */
  memory?: (m: ShadowMemory) => void;
  pure?: HelperTable['pure'];
  dirty?: HelperTable['dirty'];
  /** With trackOrigins: prepare origin memory, and the registers' otags. */
  originMemory?: (m: OriginMemory) => void;
  regOrigins?: [offset: number, otag: number][];
}

/** The otags the test OriginSource hands out: 0x1000, 0x1004, ... */
export const FIRST_NEW_OTAG = 0x1000;

export function runMemcheck(ir: string, regs: RegInit[], o: RunOptions = {}): MemcheckRun {
  const sb = parseIRSB(ir);
  const inst = instrumentMemcheck(sb, o);
  const stateSize = o.trackOrigins ? MEMCHECK_ORIGIN_STATE_SIZE : MEMCHECK_STATE_SIZE;
  assertSaneIRSB(inst, { guestStateSize: stateSize });
  const opt = optimise(inst, { guestStateSize: stateSize });
  const shadow = new ShadowMemory();
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
  const mc = memcheckHelpers(shadow, {
    addrError: (pc, addr, size, w) => errors.push(`Invalid ${w ? 'write' : 'read'} of size ${size} at 0x${addr.toString(16)} pc 0x${pc.toString(16)}`),
    condError: (pc, otag) => errors.push(`Conditional jump pc 0x${pc.toString(16)}${from(otag)}`),
    valueError: (pc, size, otag) => errors.push(`Use of uninitialised value of size ${size} pc 0x${pc.toString(16)}${from(otag)}`),
  }, o.trackOrigins ? { memory: origins, source } : undefined);
  const state = new DataView(new ArrayBuffer(stateSize));
  for (const [off, value, v] of regs) {
    state.setBigUint64(off, value, true);
    state.setBigUint64(off + SHADOW_STATE_OFFSET, v, true);
  }
  for (const [off, otag] of o.regOrigins ?? []) state.setUint32(off + ORIGIN_STATE_OFFSET, otag, true);
  const exit = compile(opt, { pure: o.pure ?? {}, dirty: { ...o.dirty, ...mc.dirty } }).run({ state, mem: smallMemory() });
  if (exit.kind !== 'exit') throw new Error(`block stopped: ${exit.kind}`);
  return {
    state, shadow, errors, ir: ppIRSB(inst),
    vbits: (off) => state.getBigUint64(off + SHADOW_STATE_OFFSET, true),
    value: (off) => state.getBigUint64(off, true),
    origins, newOrigins,
    otag: (off) => state.getUint32(off + ORIGIN_STATE_OFFSET, true),
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
