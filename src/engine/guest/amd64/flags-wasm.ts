// WebAssembly fast paths of the lazy-flags helpers (helpers.ts) for the thunks the
// specialiser cannot fold away at translation time: CC_OP_COPY, where the flags are DEP1
// itself (after popf, comisd/ucomisd, sahf, a signal return), and every family from Add
// to the rotates (the condition after a shift, a carry chain of adc/sbb as multi-precision
// arithmetic has). The multiplies and the BMI/ADX families go to the JavaScript
// implementation in flags.ts, whose rules these follow line by line.
import type { FastPathSite, WasmFastPath } from '../../backend/helpers.ts';
import type { FunctionBuilder } from '../../wasm/index.ts';
import { CcOpFamily } from './flags.ts';

const CF = 0x1n, PF = 0x4n, AF = 0x10n, ZF = 0x40n, SF = 0x80n, OF = 0x800n;
const ALL_FLAGS = CF | PF | AF | ZF | SF | OF;

/** The thunk (op, dep1, dep2, ndep: four parameters from the `first`) in locals. */
interface Thunk {
  op: number; dep1: number; dep2: number; ndep: number;
  /** Width in bits, the width's mask and sign bit, the operands masked, NDEP's carry. */
  bits: number; mask: number; sign: number; a: number; b: number; c: number;
  /** Family index: (op - 1) >> 2, Add = 0 ... Ror = 10. */
  k: number;
}

/**
 * Emits the computation of the thunk's O S Z A C P flags into the i64 local `out`: DEP1
 * for COPY, the families from Add to Ror here; for the others, the JavaScript helper
 * answers for the whole call (the site's slow path).
 */
function flagsInto(site: FastPathSite, first: number, out: number): void {
  const f = site.f;
  const [op, dep1, dep2, ndep] = site.params.slice(first, first + 4) as [number, number, number, number];
  f.op('block');
  const outside = f.nesting;
  const done = () => f.op('br', f.nesting - outside);
  f.get(op).op('i64.eqz').op('if').get(dep1).set(out);
  done();
  f.op('end');
  f.get(op).i64(BigInt(CcOpFamily.Umul)).op('i64.ge_u').op('if');
  site.slow();
  f.op('end');
  const i32 = () => f.local('i32');
  const i64 = () => f.local('i64');
  const t: Thunk = { op, dep1, dep2, ndep, bits: i32(), mask: i64(), sign: i64(), a: i64(), b: i64(), c: i64(), k: i32() };
  // op = family + log2(size in bytes): width 8 << ((op - 1) & 3).
  f.get(op).op('i32.wrap_i64').i32(1).op('i32.sub').set(t.k);
  f.i32(8).get(t.k).i32(3).op('i32.and').op('i32.shl').set(t.bits);
  f.get(t.k).i32(2).op('i32.shr_u').set(t.k);
  f.i64(-1n).i32(64).get(t.bits).op('i32.sub').op('i64.extend_i32_u').op('i64.shr_u').set(t.mask);
  f.i64(1n).get(t.bits).i32(1).op('i32.sub').op('i64.extend_i32_u').op('i64.shl').set(t.sign);
  f.get(dep1).get(t.mask).op('i64.and').set(t.a);
  f.get(dep2).get(t.mask).op('i64.and').set(t.b);
  f.get(ndep).i64(CF).op('i64.and').set(t.c);
  allFlags(f, t, out, done);
  f.op('end');
}

/** Opens the 11 blocks of a br_table over the families Add ... Ror; each `end` after it
 *  starts the next family's case. */
function familySwitch(f: FunctionBuilder, t: Thunk): void {
  for (let i = 0; i < 11; i++) f.op('block');
  f.get(t.k).op('br_table', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 10);
}

/** `flag` if the i32 condition pushed by `cond` holds, else 0 (i64). */
function flagIf(f: FunctionBuilder, flag: bigint, cond: () => void): void {
  f.i64(flag).i64(0n);
  cond();
  f.op('select');
}

/** Z S P of the masked result in `r`, as one i64. */
function zsp(f: FunctionBuilder, t: Thunk, r: number): void {
  flagIf(f, ZF, () => f.get(r).op('i64.eqz'));
  flagIf(f, SF, () => f.get(r).get(t.sign).op('i64.and').i64(0n).op('i64.ne'));
  f.op('i64.or');
  flagIf(f, PF, () => f.get(r).op('i32.wrap_i64').i32(0xff).op('i32.and').op('i32.popcnt').i32(1).op('i32.and').op('i32.eqz'));
  f.op('i64.or');
}

/** AF: bit 4 of r ^ x ^ y. */
function af(f: FunctionBuilder, r: number, x: number, y: number): void {
  f.get(r).get(x).op('i64.xor').get(y).op('i64.xor').i64(AF).op('i64.and');
}

/** Computes the O S Z A C P flags of the decoded thunk into `out` (families Add ... Ror),
 *  each family's case ending with `done()`. */
function allFlags(f: FunctionBuilder, t: Thunk, out: number, done: () => void): void {
  const r = f.local('i64');
  const argR = f.local('i64');
  const { a, b, c, mask, sign } = t;
  const masked = () => f.get(mask).op('i64.and');
  const signOf = () => f.get(sign).op('i64.and').i64(0n).op('i64.ne');
  const or = () => f.op('i64.or');
  familySwitch(f, t);
  // Add
  f.op('end');
  f.get(a).get(b).op('i64.add'); masked(); f.set(r);
  flagIf(f, CF, () => f.get(r).get(a).op('i64.lt_u'));
  zsp(f, t, r); or(); af(f, r, a, b); or();
  flagIf(f, OF, () => { f.get(a).get(b).op('i64.xor').i64(-1n).op('i64.xor').get(a).get(r).op('i64.xor').op('i64.and'); signOf(); }); or();
  f.set(out); done();
  // Sub
  f.op('end');
  f.get(a).get(b).op('i64.sub'); masked(); f.set(r);
  flagIf(f, CF, () => f.get(a).get(b).op('i64.lt_u'));
  zsp(f, t, r); or(); af(f, r, a, b); or();
  flagIf(f, OF, () => { f.get(a).get(b).op('i64.xor').get(a).get(r).op('i64.xor').op('i64.and'); signOf(); }); or();
  f.set(out); done();
  // Adc: DEP2 holds argR ^ oldCarry and NDEP the old carry, so the thunk stays exact.
  f.op('end');
  f.get(b).get(c).op('i64.xor'); masked(); f.set(argR);
  f.get(a).get(argR).op('i64.add').get(c).op('i64.add'); masked(); f.set(r);
  flagIf(f, CF, () => f.get(r).get(a).op('i64.le_u').get(r).get(a).op('i64.lt_u').get(c).op('i32.wrap_i64').op('select'));
  zsp(f, t, r); or(); af(f, r, a, argR); or();
  flagIf(f, OF, () => { f.get(a).get(argR).op('i64.xor').i64(-1n).op('i64.xor').get(a).get(r).op('i64.xor').op('i64.and'); signOf(); }); or();
  f.set(out); done();
  // Sbb
  f.op('end');
  f.get(b).get(c).op('i64.xor'); masked(); f.set(argR);
  f.get(a).get(argR).op('i64.sub').get(c).op('i64.sub'); masked(); f.set(r);
  flagIf(f, CF, () => f.get(a).get(argR).op('i64.le_u').get(a).get(argR).op('i64.lt_u').get(c).op('i32.wrap_i64').op('select'));
  zsp(f, t, r); or(); af(f, r, a, argR); or();
  flagIf(f, OF, () => { f.get(a).get(argR).op('i64.xor').get(a).get(r).op('i64.xor').op('i64.and'); signOf(); }); or();
  f.set(out); done();
  // Logic
  f.op('end');
  zsp(f, t, a);
  f.set(out); done();
  // Inc and Dec: the carry before; the operand was a - 1 (a + 1).
  for (const inc of [true, false]) {
    f.op('end');
    f.get(a).i64(1n).op(inc ? 'i64.sub' : 'i64.add'); masked(); f.set(argR);
    f.get(c); zsp(f, t, a); or();
    f.get(a).get(argR).op('i64.xor').i64(1n).op('i64.xor').i64(AF).op('i64.and'); or();
    flagIf(f, OF, () => { f.get(a).get(sign); if (!inc) f.i64(1n).op('i64.sub'); f.op('i64.eq'); }); or();
    f.set(out); done();
  }
  // Shl and Shr: DEP2 is the value shifted one less, the bit that fell out at its top (Shl)
  // or bottom (Shr).
  for (const left of [true, false]) {
    f.op('end');
    flagIf(f, CF, () => { f.get(b); if (left) f.get(sign); else f.i64(1n); f.op('i64.and').i64(0n).op('i64.ne'); });
    zsp(f, t, a); or();
    flagIf(f, OF, () => { f.get(a).get(b).op('i64.xor'); signOf(); }); or();
    f.set(out); done();
  }
  // Rol and Ror change only C and O; the rest comes from the flags before (NDEP).
  for (const rol of [true, false]) {
    f.op('end');
    const msb = () => { f.get(a); signOf(); };
    const lsb = () => f.get(a).op('i32.wrap_i64').i32(1).op('i32.and');
    const next = () => { f.get(a).get(sign).i64(1n).op('i64.shr_u').op('i64.and').i64(0n).op('i64.ne'); };
    f.get(t.ndep).i64(ALL_FLAGS & ~(CF | OF)).op('i64.and');
    flagIf(f, CF, rol ? lsb : msb); or();
    flagIf(f, OF, () => { msb(); if (rol) lsb(); else next(); f.op('i32.xor'); }); or();
    f.set(out);
    if (rol) done();
  }
}

/** amd64g_calculate_rflags_all(op, dep1, dep2, ndep). */
export const rflagsAllFastPath: WasmFastPath = (site) => {
  const f = site.f;
  const out = f.local('i64');
  flagsInto(site, 0, out);
  f.get(out).i64(ALL_FLAGS).op('i64.and');
};

/** amd64g_calculate_rflags_c(op, dep1, dep2, ndep): the carry flag, 1 or 0. */
export const rflagsCFastPath: WasmFastPath = (site) => {
  const f = site.f;
  const out = f.local('i64');
  flagsInto(site, 0, out);
  f.get(out).i64(CF).op('i64.and');
};

/** amd64g_calculate_condition(cond, op, dep1, dep2, ndep): 1 or 0. */
export const conditionFastPath: WasmFastPath = (site) => {
  const f = site.f;
  const cond = site.params[0]!;
  const flags64 = f.local('i64');
  flagsInto(site, 1, flags64);
  const flags = f.local('i32');
  const r = f.local('i32');
  f.get(flags64).op('i32.wrap_i64').set(flags);
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
    f.get(r).get(cond).op('i32.wrap_i64').op('i32.xor').i32(1).op('i32.and').op('i64.extend_i32_u');
    site.done();
  }
  f.op('end');
  f.i64(1n);
};
