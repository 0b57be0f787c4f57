// Every op the JIT lowers to WebAssembly; the others run the interpreter's implementation
// through the scratch area (BlockGen.fallback).
import type { IROp } from '../../../ir/ops.ts';
import { FLOAT_LOWERINGS } from './float.ts';
import { INT_LOWERINGS, type Lowering } from './int.ts';
import { MMX_LOWERINGS } from './mmx.ts';
import { SIMD_FLOAT_LOWERINGS } from './simd-float.ts';
import { SIMD_INT_LOWERINGS } from './simd-int.ts';
import { VECTOR_LOWERINGS } from './vector.ts';

const TABLE = new Map<IROp, Lowering>();
for (const part of [INT_LOWERINGS, FLOAT_LOWERINGS, VECTOR_LOWERINGS, SIMD_INT_LOWERINGS, SIMD_FLOAT_LOWERINGS, MMX_LOWERINGS]) {
  for (const [op, l] of part) {
    if (TABLE.has(op)) throw new Error(`wasm: ${op} is lowered twice`);
    TABLE.set(op, l);
  }
}

export function lowering(op: IROp): Lowering | undefined {
  return TABLE.get(op);
}

export type { Lowering };
