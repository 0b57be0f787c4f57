// Reading and writing values of each IR type in guest state and guest memory, shared by
// both execution modes. Accessors are looked up once per type (at compile time in
// compile.ts), so a run does no switching on types.

import { sizeofIRType, type IRRegArray, type IRType } from '../../ir/types.ts';
import type { MemoryPort } from '../../memory/port.ts';
import { f32Bits, f32FromBits, f64Bits, f64FromBits, vecToBig, bigToVec, type Value, type Vec } from './values.ts';

type StateReader = (state: DataView, offset: number) => Value;
type StateWriter = (state: DataView, offset: number, v: Value) => void;
type MemReader = (mem: MemoryPort, addr: number) => Value;
type MemWriter = (mem: MemoryPort, addr: number, v: Value) => void;

function readWords(state: DataView, offset: number, n: number): Vec {
  const out: number[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = state.getInt32(offset + 4 * i, true);
  return out;
}

function writeWords(state: DataView, offset: number, v: Vec): void {
  for (let i = 0; i < v.length; i++) state.setInt32(offset + 4 * i, v[i]!, true);
}

const NO_I1 = () => {
  throw new Error('interp: I1 values have no representation in guest state or memory');
};

export const READ_STATE: Readonly<Record<IRType, StateReader>> = {
  I1: NO_I1,
  I8: (s, o) => s.getUint8(o),
  I16: (s, o) => s.getUint16(o, true),
  I32: (s, o) => s.getUint32(o, true),
  I64: (s, o) => s.getBigUint64(o, true),
  I128: (s, o) => vecToBig(readWords(s, o, 4)),
  // Through the bits: getFloat32 would quieten a signalling NaN (values.ts).
  F32: (s, o) => f32FromBits(s.getUint32(o, true)),
  F64: (s, o) => s.getFloat64(o, true),
  V128: (s, o) => readWords(s, o, 4),
  V256: (s, o) => readWords(s, o, 8),
};

export const WRITE_STATE: Readonly<Record<IRType, StateWriter>> = {
  I1: NO_I1,
  I8: (s, o, v) => s.setUint8(o, v as number),
  I16: (s, o, v) => s.setUint16(o, v as number, true),
  I32: (s, o, v) => s.setUint32(o, v as number, true),
  I64: (s, o, v) => s.setBigUint64(o, v as bigint, true),
  I128: (s, o, v) => writeWords(s, o, bigToVec(v as bigint, 4)),
  F32: (s, o, v) => s.setUint32(o, f32Bits(v as number), true),
  F64: (s, o, v) => s.setFloat64(o, v as number, true),
  V128: (s, o, v) => writeWords(s, o, v as Vec),
  V256: (s, o, v) => writeWords(s, o, v as Vec),
};

export const LOAD: Readonly<Record<IRType, MemReader>> = {
  I1: NO_I1,
  I8: (m, a) => m.load8(a),
  I16: (m, a) => m.load16(a),
  I32: (m, a) => m.load32(a),
  I64: (m, a) => m.load64(a),
  I128: (m, a) => vecToBig(m.loadVec(a, 4)),
  F32: (m, a) => f32FromBits(m.load32(a)),
  F64: (m, a) => f64FromBits(m.load64(a)),
  V128: (m, a) => m.loadVec(a, 4),
  V256: (m, a) => m.loadVec(a, 8),
};

export const STORE: Readonly<Record<IRType, MemWriter>> = {
  I1: NO_I1,
  I8: (m, a, v) => m.store8(a, v as number),
  I16: (m, a, v) => m.store16(a, v as number),
  I32: (m, a, v) => m.store32(a, v as number),
  I64: (m, a, v) => m.store64(a, v as bigint),
  I128: (m, a, v) => m.storeVec(a, bigToVec(v as bigint, 4)),
  F32: (m, a, v) => m.store32(a, f32Bits(v as number)),
  F64: (m, a, v) => m.store64(a, f64Bits(v as number)),
  V128: (m, a, v) => m.storeVec(a, v as Vec),
  V256: (m, a, v) => m.storeVec(a, v as Vec),
};

/** A guest address (I64) as the number the memory port takes. */
export const toAddr = (v: Value): number => Number(v as bigint);

/** The byte offset of element (ix + bias) of a circular guest-state array. `ix` is I32,
 *  read as signed like VEX's Int; the modulo is the mathematical one, never negative. */
export function regArrayOffset(descr: IRRegArray, ix: number, bias: number): number {
  const n = descr.nElems;
  const i = ((((ix | 0) + bias) % n) + n) % n;
  return descr.base + i * sizeofIRType(descr.elemTy);
}

// ---------------------------------------------------------------- compare-and-swap

/**
 * A CAS of values of type `ty` (I8..I64) at `addr`; for a double CAS (cmpxchg8b/16b) the
 * Hi halves live at the higher address and the port sees one access of twice the size.
 * Returns the old value, [lo, hi].
 */
export function compareAndSwap(
  mem: MemoryPort, ty: IRType, addr: number, expdLo: Value, dataLo: Value, expdHi?: Value, dataHi?: Value,
): [Value, Value | undefined] {
  const size = sizeofIRType(ty);
  const big = (v: Value) => BigInt(v as number | bigint);
  const fromBits = (b: bigint): Value => (ty === 'I64' ? b : Number(b));
  if (expdHi === undefined || dataHi === undefined) return [fromBits(mem.cas(addr, size, big(expdLo), big(dataLo))), undefined];
  const shift = BigInt(8 * size);
  const pair = (hi: Value, lo: Value) => (big(hi) << shift) | big(lo);
  const old = mem.cas(addr, 2 * size, pair(expdHi, expdLo), pair(dataHi, dataLo));
  return [fromBits(BigInt.asUintN(8 * size, old)), fromBits(old >> shift)];
}
