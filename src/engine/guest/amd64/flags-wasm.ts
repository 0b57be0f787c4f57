// WebAssembly fast paths of the lazy-flags helpers (helpers.ts) for the thunks the
// specialiser cannot fold away at translation time: CC_OP_COPY, where the flags are DEP1
// itself (after popf, comisd/ucomisd, sahf, a signal return), for all three; and for the
// carry alone (adc/sbb chains, as in multi-precision arithmetic) every family up to the
// rotates. Anything else goes to the JavaScript implementation in flags.ts, whose rules
// these follow.
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

/** amd64g_calculate_rflags_c(op, dep1, dep2, ndep): the carry flag, 1 or 0. */
export const rflagsCFastPath: WasmFastPath = (f, slow) => {
  const [op, dep1, dep2, ndep] = [0, 1, 2, 3];
  const [k, bits] = [f.local('i32'), f.local('i32')];
  const [mask, a, b, c, argR, r] = [f.local('i64'), f.local('i64'), f.local('i64'), f.local('i64'), f.local('i64'), f.local('i64')];
  f.get(op).op('i64.eqz').op('if').get(dep1).i64(1n).op('i64.and').op('return').op('end');
  // The multiplies and the BMI/ADX families: JavaScript.
  f.get(op).i64(BigInt(CcOpFamily.Umul)).op('i64.ge_u').op('if');
  for (const p of [op, dep1, dep2, ndep]) f.get(p);
  f.call(slow).op('return').op('end');
  // op = family + log2(size in bytes): bits = 8 << (k & 3), family index k >> 2.
  f.get(op).op('i32.wrap_i64').i32(1).op('i32.sub').set(k);
  f.i32(8).get(k).i32(3).op('i32.and').op('i32.shl').set(bits);
  f.i64(-1n).i32(64).get(bits).op('i32.sub').op('i64.extend_i32_u').op('i64.shr_u').set(mask);
  f.get(dep1).get(mask).op('i64.and').set(a);
  f.get(dep2).get(mask).op('i64.and').set(b);
  f.get(ndep).i64(1n).op('i64.and').set(c);
  const top = (x: number) => f.get(x).get(bits).i32(1).op('i32.sub').op('i64.extend_i32_u').op('i64.shr_u').i64(1n).op('i64.and');
  const ret = (emit: () => void) => { emit(); f.op('i64.extend_i32_u').op('return'); };
  // Families in CcOpFamily order from Add: Add Sub Adc Sbb Logic Inc Dec Shl Shr Rol Ror.
  for (let i = 0; i < 11; i++) f.op('block');
  f.get(k).i32(2).op('i32.shr_u').op('br_table', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 10);
  f.op('end'); // Add: the sum wrapped below an operand
  ret(() => f.get(a).get(b).op('i64.add').get(mask).op('i64.and').get(a).op('i64.lt_u'));
  f.op('end'); // Sub: a borrow
  ret(() => f.get(a).get(b).op('i64.lt_u'));
  f.op('end'); // Adc: DEP2 is argR ^ oldCarry, NDEP the old carry
  f.get(b).get(c).op('i64.xor').get(mask).op('i64.and').set(argR);
  f.get(a).get(argR).op('i64.add').get(c).op('i64.add').get(mask).op('i64.and').set(r);
  ret(() => f.get(r).get(a).op('i64.le_u').get(r).get(a).op('i64.lt_u').get(c).op('i32.wrap_i64').op('select'));
  f.op('end'); // Sbb
  f.get(b).get(c).op('i64.xor').get(mask).op('i64.and').set(argR);
  ret(() => f.get(a).get(argR).op('i64.le_u').get(a).get(argR).op('i64.lt_u').get(c).op('i32.wrap_i64').op('select'));
  f.op('end'); // Logic
  f.i64(0n).op('return');
  f.op('end'); // Inc: the carry before
  f.get(c).op('return');
  f.op('end'); // Dec
  f.get(c).op('return');
  f.op('end'); // Shl: the bit shifted out, the top of DEP2
  top(b); f.op('return');
  f.op('end'); // Shr: the bottom of DEP2
  f.get(b).i64(1n).op('i64.and').op('return');
  f.op('end'); // Rol: the result's low bit
  f.get(a).i64(1n).op('i64.and').op('return');
  f.op('end'); // Ror: its top bit
  top(a);
};
