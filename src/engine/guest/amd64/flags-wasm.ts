// WebAssembly fast paths of the lazy-flags helpers (helpers.ts) for the thunk the
// specialiser cannot fold away at translation time: CC_OP_COPY, where the flags are
// DEP1 itself (after popf, comisd/ucomisd, sahf, a signal return). Any other CC_OP goes
// to the JavaScript implementation in flags.ts.
import type { WasmFastPath } from '../../backend/helpers.ts';
import type { FunctionBuilder } from '../../wasm/index.ts';
import { CcOpFamily } from './flags.ts';

const ALL_FLAGS = 0x8d5n; // O S Z A C P

/** If CC_OP (param `op`) is COPY, the flags are DEP1 (param `dep1`); else `slow`. */
function copyOrSlow(f: FunctionBuilder, op: number, dep1: number, onCopy: () => void, slowCall: () => void): void {
  f.get(op).i64(BigInt(CcOpFamily.Copy)).op('i64.ne').op('if');
  slowCall();
  f.op('return').op('end');
  f.get(dep1);
  onCopy();
}

/** amd64g_calculate_condition(cond, op, dep1, dep2, ndep): 1 or 0. */
export const conditionFastPath: WasmFastPath = (f, slow) => {
  const [cond, op, dep1, dep2, ndep] = [0, 1, 2, 3, 4];
  const flags = f.local('i32');
  const r = f.local('i32');
  copyOrSlow(f, op, dep1, () => f.op('i32.wrap_i64').set(flags), () => {
    for (const p of [cond, op, dep1, dep2, ndep]) f.get(p);
    f.call(slow);
  });
  const bit = (n: number) => f.get(flags).i32(n).op('i32.shr_u');
  // Cases by cond >> 1: O B Z BE S P L LE, then Always.
  for (let i = 0; i < 9; i++) f.op('block');
  f.get(cond).op('i32.wrap_i64').i32(1).op('i32.shr_u').op('br_table', [0, 1, 2, 3, 4, 5, 6, 7], 8);
  const cases: (() => void)[] = [
    () => bit(11),
    () => bit(0),
    () => bit(6),
    () => { bit(0); bit(6); f.op('i32.or'); },
    () => bit(7),
    () => bit(2),
    () => { bit(7); bit(11); f.op('i32.xor'); },
    () => { bit(6); bit(7); bit(11); f.op('i32.xor').op('i32.or'); },
  ];
  for (const c of cases) {
    f.op('end');
    c();
    f.i32(1).op('i32.and').set(r);
    // Odd conditions are the negations (NO, NB, NZ, ...).
    f.get(r).get(cond).op('i32.wrap_i64').op('i32.xor').i32(1).op('i32.and').op('i64.extend_i32_u').op('return');
  }
  f.op('end');
  f.i64(1n);
};

/** amd64g_calculate_rflags_all(op, dep1, dep2, ndep). */
export const rflagsAllFastPath: WasmFastPath = (f, slow) => {
  copyOrSlow(f, 0, 1, () => f.i64(ALL_FLAGS).op('i64.and'), () => {
    for (let p = 0; p < 4; p++) f.get(p);
    f.call(slow);
  });
};

/** amd64g_calculate_rflags_c(op, dep1, dep2, ndep). */
export const rflagsCFastPath: WasmFastPath = (f, slow) => {
  copyOrSlow(f, 0, 1, () => f.i64(1n).op('i64.and'), () => {
    for (let p = 0; p < 4; p++) f.get(p);
    f.call(slow);
  });
};
