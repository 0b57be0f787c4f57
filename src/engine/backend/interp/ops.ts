// The one table of op semantics, keyed by op name, that both execution modes (compile.ts
// and stepper.ts) call. Every op in ir/ops.ts has an entry; the check below makes a gap a
// start-up error rather than a surprise in the middle of a guest program.
//
// An entry takes the op's arguments and returns its result, all in the representation of
// values.ts; the ops that trap throw OpTrap (env.ts).

import { ALL_OPS, type IROp } from '../../ir/ops.ts';
import { FLOAT_OPS } from './ops-float.ts';
import { INT_OPS } from './ops-int.ts';
import { SIMD_OPS } from './ops-simd.ts';
import type { Value } from './values.ts';

export type OpFn = (...args: Value[]) => Value;

const TABLE = new Map<IROp, OpFn>();
for (const part of [INT_OPS, FLOAT_OPS, SIMD_OPS]) {
  for (const [op, f] of part) {
    if (TABLE.has(op)) throw new Error(`interp: ${op} is defined twice`);
    TABLE.set(op, f as OpFn);
  }
}
const missing = ALL_OPS.filter((op) => !TABLE.has(op));
if (missing.length > 0) throw new Error(`interp: no semantics for ${missing.join(', ')}`);

/** The op's implementation. */
export function opFn(op: IROp): OpFn {
  return TABLE.get(op)!;
}
