// Test doubles for the interpreter: guest memory that faults where told to, guest state,
// helper tables, and running one block in both modes to compare them.

import type { BlockExit } from '../../src/engine/backend/backend.ts';
import { HelperSet } from '../../src/engine/backend/helpers.ts';
import { compile, IRStepper, type ExecEnv } from '../../src/engine/backend/interp/index.ts';
import { GuestFault, type MemoryPort, type Vec } from '../../src/engine/memory/index.ts';
import type { IRSB } from '../../src/engine/ir/index.ts';

export interface FakeFault {
  addr: number;
  access: 'read' | 'write';
}

/**
 * Sparse byte-addressed memory. Every address is mapped except those in `bad` ranges
 * [lo, hi); an unwritten byte reads as a fixed function of its address, so two copies
 * agree without setup. An access touching a bad byte throws GuestFault({addr, access})
 * naming the first bad byte, and changes nothing.
 */
export class FakeMemory implements MemoryPort {
  readonly written = new Map<number, number>();
  readonly bad: [number, number][] = [];
  /** Every access, in order: 'r8 0x1000', 'w4 0x2000', 'cas8 0x10' ... */
  readonly log: string[] = [];

  constructor(bad: [number, number][] = []) {
    this.bad = bad;
  }

  byte(addr: number): number {
    return this.written.get(addr) ?? (Math.imul(addr ^ (addr >>> 13), 0x9e3779b1) >>> 24);
  }

  private check(addr: number, size: number, access: 'read' | 'write'): void {
    this.log.push(`${access[0]}${size} 0x${addr.toString(16)}`);
    for (let i = 0; i < size; i++) {
      const a = addr + i;
      if (this.bad.some(([lo, hi]) => a >= lo && a < hi)) throw new GuestFault({ addr: a, access } satisfies FakeFault);
    }
  }

  private read(addr: number, size: number): bigint {
    let r = 0n;
    for (let i = size - 1; i >= 0; i--) r = (r << 8n) | BigInt(this.byte(addr + i));
    return r;
  }

  private write(addr: number, size: number, v: bigint): void {
    for (let i = 0; i < size; i++) this.written.set(addr + i, Number((v >> BigInt(8 * i)) & 0xffn));
  }

  load8(a: number) { this.check(a, 1, 'read'); return Number(this.read(a, 1)); }
  load16(a: number) { this.check(a, 2, 'read'); return Number(this.read(a, 2)); }
  load32(a: number) { this.check(a, 4, 'read'); return Number(this.read(a, 4)); }
  load64(a: number) { this.check(a, 8, 'read'); return this.read(a, 8); }
  loadVec(a: number, words: number): Vec {
    this.check(a, 4 * words, 'read');
    return Array.from({ length: words }, (_, i) => Number(this.read(a + 4 * i, 4)) | 0);
  }
  store8(a: number, v: number) { this.check(a, 1, 'write'); this.write(a, 1, BigInt(v)); }
  store16(a: number, v: number) { this.check(a, 2, 'write'); this.write(a, 2, BigInt(v)); }
  store32(a: number, v: number) { this.check(a, 4, 'write'); this.write(a, 4, BigInt(v)); }
  store64(a: number, v: bigint) { this.check(a, 8, 'write'); this.write(a, 8, v); }
  storeVec(a: number, v: Vec) {
    this.check(a, 4 * v.length, 'write');
    v.forEach((w, i) => this.write(a + 4 * i, 4, BigInt(w >>> 0)));
  }
  cas(a: number, size: number, expected: bigint, data: bigint): bigint {
    this.check(a, size, 'write');
    const old = this.read(a, size);
    if (old === expected) this.write(a, size, data);
    return old;
  }
}

/** Flat memory over one ArrayBuffer at address 0, checked against its size only: a port
 *  as cheap as a real one, for timing. */
export class FlatMemory implements MemoryPort {
  private readonly dv: DataView;

  constructor(readonly size = 0x10000) {
    this.dv = new DataView(new ArrayBuffer(size));
  }

  private at(addr: number, n: number): number {
    if (addr < 0 || addr + n > this.size) throw new GuestFault({ addr, access: 'read' } satisfies FakeFault);
    return addr;
  }

  load8(a: number) { return this.dv.getUint8(this.at(a, 1)); }
  load16(a: number) { return this.dv.getUint16(this.at(a, 2), true); }
  load32(a: number) { return this.dv.getUint32(this.at(a, 4), true); }
  load64(a: number) { return this.dv.getBigUint64(this.at(a, 8), true); }
  loadVec(a: number, words: number): Vec {
    this.at(a, 4 * words);
    return Array.from({ length: words }, (_, i) => this.dv.getInt32(a + 4 * i, true));
  }
  store8(a: number, v: number) { this.dv.setUint8(this.at(a, 1), v); }
  store16(a: number, v: number) { this.dv.setUint16(this.at(a, 2), v, true); }
  store32(a: number, v: number) { this.dv.setUint32(this.at(a, 4), v, true); }
  store64(a: number, v: bigint) { this.dv.setBigUint64(this.at(a, 8), v, true); }
  storeVec(a: number, v: Vec) {
    this.at(a, 4 * v.length);
    v.forEach((w, i) => this.dv.setInt32(a + 4 * i, w, true));
  }
  cas(a: number, size: number, expected: bigint, data: bigint): bigint {
    this.at(a, size);
    let old = 0n;
    for (let i = size - 1; i >= 0; i--) old = (old << 8n) | BigInt(this.dv.getUint8(a + i));
    if (old === expected) for (let i = 0; i < size; i++) this.dv.setUint8(a + i, Number((data >> BigInt(8 * i)) & 0xffn));
    return old;
  }
}

export const STATE_SIZE = 4096; // room for Memcheck's shadow state in the fixtures

/** Guest state filled with a fixed pattern (so reads of unset registers are not all zero). */
export function makeState(seed = 1): DataView {
  const s = new DataView(new ArrayBuffer(STATE_SIZE));
  for (let i = 0; i < STATE_SIZE; i += 4) s.setUint32(i, Math.imul(i + seed, 0x85ebca6b) >>> 0, true);
  return s;
}

export const NO_HELPERS = new HelperSet([]);

export function stateBytes(s: DataView): number[] {
  return Array.from(new Uint8Array(s.buffer, s.byteOffset, s.byteLength));
}

export interface ModeResult {
  exit: BlockExit;
  state: DataView;
  mem: FakeMemory;
}

/** Runs `sb` once compiled and once stepped, each on a fresh copy of the same inputs. */
export function runBothModes(sb: IRSB, helpers: HelperSet = NO_HELPERS, inputs: { seed?: number; bad?: [number, number][] } = {}): { compiled: ModeResult; stepped: ModeResult } {
  const fresh = (): ExecEnv & { state: DataView; mem: FakeMemory } => ({ state: makeState(inputs.seed), mem: new FakeMemory(inputs.bad) });
  const a = fresh();
  const compiled = { exit: compile(sb, helpers).run(a), state: a.state, mem: a.mem };
  const b = fresh();
  const stepped = { exit: new IRStepper(sb, helpers, b).run(), state: b.state, mem: b.mem };
  return { compiled, stepped };
}
