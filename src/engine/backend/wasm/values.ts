// How IR values live in WebAssembly: I1..I32 as i32 (zero-extended: bits above the type's
// width are always 0), I64 as i64, F32 and F64 as f32 and f64 (bit patterns, NaN payloads
// included, survive loads, stores and locals), V128 as v128; I128 and V256 as two parts,
// low first (two i64, two v128). An Operand pushes a value's parts onto the wasm stack.
import { TYPE_BITS, type Const, type IRType } from '../../ir/types.ts';
import type { FunctionBuilder, ValType } from '../../wasm/index.ts';

export function wasmTypes(ty: IRType): readonly ValType[] {
  switch (ty) {
    case 'I1': case 'I8': case 'I16': case 'I32': return ['i32'];
    case 'I64': return ['i64'];
    case 'I128': return ['i64', 'i64'];
    case 'F32': return ['f32'];
    case 'F64': return ['f64'];
    case 'V128': return ['v128'];
    case 'V256': return ['v128', 'v128'];
  }
}

/** A value ready to be pushed, as often as needed. */
export interface Operand {
  readonly ty: IRType;
  /** Set when the value is a constant (its Const bits). */
  readonly constValue?: bigint;
  /** Pushes part i (0 = low). */
  part(i: number): void;
  /** Pushes every part, low first. */
  push(): void;
}

export function localOperand(f: FunctionBuilder, ty: IRType, locals: readonly number[]): Operand {
  return {
    ty,
    part: (i) => { f.get(locals[i]!); },
    push: () => { for (const l of locals) f.get(l); },
  };
}

/** The bytes of a VEX vector constant (one bit per byte lane: 0x00 or 0xff). */
export function vectorConstBytes(value: bigint, lanes: number, from = 0): number[] {
  return Array.from({ length: lanes }, (_, i) => ((value >> BigInt(from + i)) & 1n ? 0xff : 0));
}

export function constOperand(f: FunctionBuilder, c: Const): Operand {
  const part = (i: number) => {
    switch (c.ty) {
      case 'I1': case 'I8': case 'I16': case 'I32': f.i32(Number(c.value) | 0); return;
      case 'I64': f.i64(c.value); return;
      case 'I128': f.i64(BigInt.asUintN(64, c.value >> BigInt(64 * i))); return;
      case 'F32': f.op('f32.const', Number(c.value)); return;
      case 'F64': f.op('f64.const', c.value); return;
      case 'V128': f.op('v128.const', vectorConstBytes(c.value, 16)); return;
      case 'V256': f.op('v128.const', vectorConstBytes(c.value, 16, 16 * i)); return;
    }
  };
  const n = wasmTypes(c.ty).length;
  return { ty: c.ty, constValue: c.value, part, push: () => { for (let i = 0; i < n; i++) part(i); } };
}

/** The load and store instructions for a value of `ty` (per part) and its parts' sizes. */
export function accessOps(ty: IRType): { load: string; store: string; size: number } {
  switch (ty) {
    case 'I8': return { load: 'i32.load8_u', store: 'i32.store8', size: 1 };
    case 'I16': return { load: 'i32.load16_u', store: 'i32.store16', size: 2 };
    case 'I32': return { load: 'i32.load', store: 'i32.store', size: 4 };
    case 'I64': case 'I128': return { load: 'i64.load', store: 'i64.store', size: 8 };
    case 'F32': return { load: 'f32.load', store: 'f32.store', size: 4 };
    case 'F64': return { load: 'f64.load', store: 'f64.store', size: 8 };
    case 'V128': case 'V256': return { load: 'v128.load', store: 'v128.store', size: 16 };
    case 'I1': throw new Error('wasm: I1 values are never loaded or stored');
  }
}

/** Bytes a value of `ty` takes in guest state or memory (an I1, as a flag, one). */
export function byteSize(ty: IRType): number {
  return ty === 'I1' ? 1 : accessOps(ty).size * wasmTypes(ty).length;
}

/** Bits of an integer type, for masks. */
export function bitsOf(ty: IRType): number {
  return TYPE_BITS[ty];
}
