// x87 lifting against the real CPU: every case runs natively (native-oracle.ts) and under
// the lifter + IR interpreter (run-snippet.ts) from the same state; registers, arithmetic
// flags and scratch memory must agree bit for bit. The oracle's state has no x87 part, so
// each case starts with fninit and leaves its results in memory (fstpl), in %ax (fnstsw)
// or in rflags (fcomi).
//
// Our x87 registers are doubles (as Valgrind's are), so the cases compare results stored
// as doubles: the CPU rounds to 64 bits and then, at the fstpl, to 53; we round once. The
// inputs are chosen where the two agree (almost all values do). Left out on purpose, as
// differences the double model cannot avoid (Valgrind shares them): fstpt of a value that
// needs more than 53 significand bits; two NaN operands with different payloads (x87
// returns the larger significand, we the first operand, as SSE does); exception flags and
// C1's round-up indication in the status word (fnstsw results are masked to TOP and the
// condition bits we model); precision control other than 64 bits.
import { beforeAll, describe, expect, it } from 'vitest';
import { liftSuperblock } from '../../src/engine/guest/amd64/lift/block.ts';
import { GUEST_STATE_SIZE, OFFSET_EMNOTE } from '../../src/engine/guest/amd64/state.ts';
import {
  F64_INDEFINITE, RoundingMode, dirtyLoadF80le, dirtyStoreF80le, f64ToF80, f80ToF64, loadF80le, readF80, roundToF64,
  storeF80le, writeF80,
} from '../../src/engine/guest/amd64/x87-format.ts';
import { checkIRSB } from '../../src/engine/ir/sanity.ts';
import {
  type CpuState, type OracleCase, SCRATCH_ADDR, SCRATCH_SIZE, assembleSnippet, runNative, zeroState, stateView } from '../support/native-oracle.ts';
import { BACKEND_KINDS } from '../../src/engine/backend/backend.ts';
import { runSnippet } from '../support/run-snippet.ts';

// ---------------------------------------------------------------- values

const bitsView = new DataView(new ArrayBuffer(8));
const d = (x: number): bigint => { bitsView.setFloat64(0, x, true); return bitsView.getBigUint64(0, true); };
const f = (x: number): bigint => { bitsView.setFloat32(0, x, true); return BigInt(bitsView.getUint32(0, true)); };
const int = (x: number | bigint): bigint => BigInt.asUintN(64, BigInt(x));

const INF = d(Infinity), NINF = d(-Infinity);
const QNAN = 0x7ff8000000000123n, NQNAN = 0xfff8000000000456n, SNAN = 0x7ff0000000000123n;
const DENORM = 1n, MAX_DENORM = 0x000fffffffffffffn, DBL_MAX = d(Number.MAX_VALUE);

/** Doubles for the unary instructions and loads and stores. */
const EDGE: bigint[] = [d(0), d(-0), d(1), d(-1), d(1.5), d(-2.75), d(1 / 3), d(1e300), d(-1e-300), DENORM, MAX_DENORM,
  DBL_MAX, INF, NINF, QNAN, NQNAN, SNAN, d(0.1), d(-123456.789), d(2 ** 63)];

/** Operand pairs for the binary arithmetic: never two NaNs (see the header). */
const PAIRS: [bigint, bigint][] = [
  [d(1.5), d(0.25)], [d(-3), d(7)], [d(1), d(3)], [d(2), d(3)], [d(0.1), d(0.2)], [d(123456.789), d(-0.001)],
  [d(0), d(-0)], [d(-0), d(-0)], [d(-0), d(0)], [d(5), d(0)], [d(0), d(0)], [d(-2), d(-0)],
  [INF, d(2)], [INF, INF], [INF, NINF], [NINF, d(0)], [d(0), NINF], [QNAN, d(1)], [d(1), NQNAN], [SNAN, d(2)],
  [d(2), SNAN], [d(1e308), d(10)], [DBL_MAX, DBL_MAX], [DENORM, d(0.5)], [d(1e-300), d(1e-300)], [MAX_DENORM, d(3)],
  [d(-1e-310), d(1e10)], [d(2 ** 60), d(1)],
];

// ---------------------------------------------------------------- cases

const S = SCRATCH_ADDR;
/** Input slots, 8 bytes each, at scratch+0..95; the control word slot at scratch+96; the
 *  80-bit slots (16 bytes apart) overlay the input slots. Results go to scratch+128... */
const IN = (i: number) => S + 8 * i;
const EXT = (i: number) => S + 16 * i;
const CW = S + 96;
const OUT = (i: number) => S + 128 + 8 * i;

const cases: OracleCase[] = [];

interface CaseOptions {
  /** 64-bit values for the input slots. */
  inputs?: bigint[];
  /** Raw bytes at scratch offsets, e.g. 80-bit values. */
  bytes?: [number, Uint8Array][];
  /** The rounding control to run in (an fldcw before the snippet). */
  rc?: number;
  rflags?: bigint;
  /** Initial rax (fnstsw %ax merges into it). */
  rax?: bigint;
}

function add(name: string, body: string[], o: CaseOptions = {}): void {
  const init = zeroState();
  const dv = new DataView(init.scratch.buffer);
  (o.inputs ?? []).forEach((v, i) => dv.setBigUint64(8 * i, v, true));
  for (const [at, b] of o.bytes ?? []) init.scratch.set(b, at);
  dv.setUint16(CW - S, 0x037f | ((o.rc ?? 0) << 10), true);
  for (let i = 128; i < SCRATCH_SIZE; i++) init.scratch[i] = 0xa5; // results must overwrite
  init.rflags = o.rflags ?? 0n;
  init.gpr[0] = o.rax ?? 0x1111111111111111n;
  const asm = ['fninit', ...(o.rc ? [`fldcw ${CW}`] : []), ...body, 'fninit'].join('; ');
  cases.push({ name: o.rc ? `${name} rc${o.rc}` : name, asm, init });
}

const hex = (v: bigint) => `0x${v.toString(16)}`;
/** Status word bits we model: TOP and C3 C2 C1 C0 (no exception flags, no busy bit). */
const SW_C3210_TOP = 0x7f00;
/** The same without C1, which the CPU sets after a rounded-up result. */
const SW_NO_C1 = 0x7d00;
const sw = (mask = SW_C3210_TOP) => [`fnstsw %ax`, `and $${hex(BigInt(mask))},%ax`];

// ---- loads and stores of doubles, floats and 80-bit values
for (let i = 0; i < EDGE.length; i += 10) {
  const vals = EDGE.slice(i, i + 10);
  add(`fldl/fstpl/fstl ${i}`, vals.flatMap((_, j) => [`fldl ${IN(j)}`, j % 2 ? `fstl ${OUT(j)}; fstp %st(0)` : `fstpl ${OUT(j)}`]),
    { inputs: vals });
  for (const rc of [0, 1, 2, 3]) {
    add(`fldl/fstps ${i}`, vals.flatMap((_, j) => [`fldl ${IN(j)}`, j % 2 ? `fsts ${OUT(j)}; fstp %st(0)` : `fstps ${OUT(j)}`]),
      { inputs: vals, rc });
  }
}
{
  const floats = [f(0), f(-0), f(1.5), f(3.4028234663852886e38), 1n, 0x7fffffn, 0x7f800000n, 0xff800000n, 0x7fc00123n,
    0x7f800123n, 0xffc00000n, f(1 / 3)];
  add('flds/fstpl', floats.flatMap((_, j) => [`flds ${IN(j)}`, `fstpl ${OUT(j)}`]), { inputs: floats });
  add('flds/fstps', floats.flatMap((_, j) => [`flds ${IN(j)}`, `fstps ${OUT(j)}`]), { inputs: floats });
  // Doubles that round to floats: ties, overflow, underflow into and out of the subnormals.
  const narrow = [d(1 / 3), d(1e39), d(-1e39), d(1e-46), 0x3ff0000010000000n, 0x3ff0000030000000n, 0xbff0000010000001n,
    d(2 ** -149 * 1.5), d(2 ** -150), 0x7ff8000000000123n, 0x7ff0000020000000n, d(3.4028235e38)];
  for (const rc of [0, 1, 2, 3]) add('fstps rounding', narrow.flatMap((_, j) => [`fldl ${IN(j)}`, `fstps ${OUT(j)}`]), { inputs: narrow, rc });
}
{
  // 80-bit values: normal, ties at 53 bits, the double's subnormal range, overflow, and
  // every odd encoding (pseudo-denormal, unnormal, pseudo-infinity, pseudo-NaN, SNaN).
  const ext: [number, bigint][] = [
    [0x3fff, 0x8000000000000000n], [0xbffd, 0xaaaaaaaaaaaaaaabn], [0x3fff, 0x8000000000000400n],
    [0x3fff, 0x8000000000000c00n], [0x3fff, 0x8000000000000401n], [0x3fff, 0xfffffffffffffc00n],
    [0x3bcd, 0x8000000000000000n], [0x3bcc, 0xc000000000000000n], [0x3bcb, 0x8000000000000000n],
    [0x3c00, 0xfffffffffffff800n], [0x3c00, 0xfffffffffffffc00n], [0x43fe, 0xfffffffffffffc00n],
    [0x43fe, 0xfffffffffffff800n], [0x7ffe, 0x8000000000000000n], [0xfffe, 0xffffffffffffffffn], [0x0001, 0x8000000000000000n],
    [0x0000, 0x8000000000000001n], [0x0000, 0x0000000000000001n], [0x8000, 0n], [0x4000, 0x4000000000000000n],
    [0x7fff, 0x0000000000000000n], [0x7fff, 0x4000000000000001n], [0x7fff, 0x8000000000000000n],
    [0xffff, 0x8000000000000000n], [0x7fff, 0x8000000000000001n], [0xffff, 0xc000000000000abcn],
    [0x7fff, 0xa000000000000000n], [0x3fff, 0x0000000000000001n],
  ];
  for (let i = 0; i < ext.length; i += 6) {
    const chunk = ext.slice(i, i + 6);
    const bytes = chunk.map(([se, mant], j) => [16 * j, writeF80({ se, mant })] as [number, Uint8Array]);
    for (const rc of [0, 1, 2, 3]) {
      add(`fldt/fstpl ${i}`, chunk.flatMap((_, j) => [`fldt ${EXT(j)}`, `fstpl ${OUT(j)}`]), { bytes, rc });
    }
  }
  // A double's extended value is exact, so fstpt of a loaded double matches the CPU.
  const doubles = [d(1), d(-0), DENORM, MAX_DENORM, INF, NINF, QNAN, NQNAN, DBL_MAX, d(1 / 3), d(-1e-300)];
  for (let i = 0; i < doubles.length; i += 6) {
    const vals = doubles.slice(i, i + 6);
    add(`fldl/fstpt ${i}`, vals.flatMap((_, j) => [`fldl ${IN(j)}`, `fstpt ${S + 128 + 16 * j}`]), { inputs: vals });
  }
  add('fstpt of a computed double', [`fldl ${IN(0)}`, `fmull ${IN(1)}`, `fstpt ${OUT(0)}`], { inputs: [d(1.5), d(-0.25)] });
  add('fldt then arithmetic', [`fldt ${EXT(0)}`, `fldt ${EXT(1)}`, 'faddp', `fstpl ${OUT(0)}`],
    { bytes: [[0, writeF80({ se: 0x3fff, mant: 0xc000000000000000n })], [16, writeF80({ se: 0xc000, mant: 0x8000000000000000n })]] });
}

// ---- addressing: base, index and displacement reach every memory form
{
  const init: CaseOptions = { inputs: [d(1.5), d(-2), f(0.5), int(3), int(-4), int(5), int(7)] };
  const ptr = (disp: number) => `${disp}(%rbx,%rsi,4)`; // rbx = scratch - 8, rsi = 2: disp(%rbx,%rsi,4) = scratch + disp
  add('addressing', [`mov $${S - 8},%rbx`, 'mov $2,%esi', `fldl ${ptr(0)}`, `faddl ${ptr(8)}`, `fmuls ${ptr(16)}`,
    `fisubrl ${ptr(24)}`, `fidivs ${ptr(32)}`, `fstl ${ptr(128)}`, `fstpt ${ptr(144)}`, `fldt ${ptr(144)}`, `fildll ${ptr(40)}`,
    `fcoml ${ptr(0)}`, ...sw(), `fistpl ${ptr(160)}`, `fstps ${ptr(164)}`, `fnstcw ${ptr(168)}`, `fldl ${ptr(8)}`,
    `fisttps ${ptr(170)}`, `fldl ${ptr(0)}`, `fistpll ${ptr(176)}`], init);
}

// ---- integer loads and stores
{
  const i16 = [-32768, 32767, 0, -1, 12345];
  add('filds', i16.flatMap((_, j) => [`filds ${IN(j)}`, `fstpl ${OUT(j)}`]), { inputs: i16.map(int) });
  const i32 = [-2147483648, 2147483647, 0, -7, 123456789];
  add('fildl', i32.flatMap((_, j) => [`fildl ${IN(j)}`, `fstpl ${OUT(j)}`]), { inputs: i32.map(int) });
  const i64 = [-(2n ** 63n), 2n ** 63n - 1n, 2n ** 53n + 1n, -(2n ** 53n + 1n), 2n ** 53n + 3n, 0x7ffffffffffffc00n,
    0x7ffffffffffffdffn, 0n, -5n, 0x123456789abcdefn];
  for (const rc of [0, 1, 2, 3]) add('fildll', i64.flatMap((_, j) => [`fildll ${IN(j)}`, `fstpl ${OUT(j)}`]), { inputs: i64.map(int), rc });
}
{
  // Rounding ties, the limits of each width, and what becomes the integer indefinite.
  const vals = [d(2.5), d(3.5), d(-2.5), d(-0.5), d(0.5), d(-0), d(32767.5), d(-32768.5), d(-32768.49), d(2147483647.5),
    d(-2147483648.5), d(-2147483648.4), d(2 ** 63), d(-(2 ** 63)), 0x43dfffffffffffffn, d(1e19), INF, NINF, QNAN, d(1e300),
    d(-1.7), d(65535)];
  for (let i = 0; i < vals.length; i += 12) {
    const chunk = vals.slice(i, i + 12);
    for (const rc of [0, 1, 2, 3]) {
      add(`fistps ${i}`, chunk.flatMap((_, j) => [`fldl ${IN(j)}`, `fistps ${OUT(0) + 2 * j}`]), { inputs: chunk, rc });
      add(`fistpl ${i}`, chunk.flatMap((_, j) => [`fldl ${IN(j)}`, `fistpl ${OUT(0) + 4 * j}`]), { inputs: chunk, rc });
      add(`fistpll ${i}`, chunk.flatMap((_, j) => [`fldl ${IN(j)}`, `fistpll ${OUT(j)}`]), { inputs: chunk, rc });
      add(`fists/fistl ${i}`, chunk.slice(0, 8).flatMap((_, j) => [`fldl ${IN(j)}`, `fists ${OUT(0) + 2 * j}`,
        `fistl ${OUT(4) + 4 * j}`, 'fstp %st(0)']), { inputs: chunk, rc });
    }
    add(`fisttps ${i}`, chunk.flatMap((_, j) => [`fldl ${IN(j)}`, `fisttps ${OUT(0) + 2 * j}`]), { inputs: chunk, rc: 2 });
    add(`fisttpl ${i}`, chunk.flatMap((_, j) => [`fldl ${IN(j)}`, `fisttpl ${OUT(0) + 4 * j}`]), { inputs: chunk, rc: 1 });
    add(`fisttpll ${i}`, chunk.flatMap((_, j) => [`fldl ${IN(j)}`, `fisttpll ${OUT(j)}`]), { inputs: chunk });
  }
}

// ---- constants in each rounding mode
for (const rc of [0, 1, 2, 3]) {
  const names = ['fld1', 'fldz', 'fldpi', 'fldl2t', 'fldl2e', 'fldlg2', 'fldln2'];
  add('constants', names.flatMap((n, j) => [n, `fstpl ${OUT(j)}`]), { rc });
}

// ---- register moves and stack handling
add('fld st(i), fst/fstp st(i)', [`fldl ${IN(0)}`, `fldl ${IN(1)}`, `fldl ${IN(2)}`, 'fld %st(2)', 'fst %st(2)', 'fstp %st(1)',
  'fld %st(0)', `fstpl ${OUT(0)}`, `fstpl ${OUT(1)}`, `fstpl ${OUT(2)}`, `fstpl ${OUT(3)}`], { inputs: [d(1), d(2), d(3)] });
add('fxch', [`fldl ${IN(0)}`, `fldl ${IN(1)}`, `fldl ${IN(2)}`, 'fxch %st(2)', 'fxch', `fstpl ${OUT(0)}`, `fstpl ${OUT(1)}`,
  `fstpl ${OUT(2)}`], { inputs: [d(1), d(2), d(3)] });
add('fxch with an empty register', ['fld1', 'fxch %st(1)', `fstpl ${OUT(0)}`, `fstpl ${OUT(1)}`, ...sw()]);
add('stack underflow', [`fstpl ${OUT(0)}`, 'fld1', `faddl ${IN(0)}`, `fadd %st(3),%st`, `fstpl ${OUT(1)}`], { inputs: [d(2)] });
// A stack fault sets C1 (overflow) or clears it (underflow): not modelled.
add('stack overflow', [...Array.from({ length: 8 }, () => 'fld1'), 'fldz', ...Array.from({ length: 8 }, (_, j) => `fstpl ${OUT(j)}`),
  ...sw(SW_NO_C1)]);
add('ffree, ffreep', [`fldl ${IN(0)}`, `fldl ${IN(1)}`, `fldl ${IN(2)}`, 'ffree %st(1)', `fstpl ${OUT(0)}`, `fstpl ${OUT(1)}`,
  'fld1', 'ffreep %st(0)', ...sw(), `fstpl ${OUT(2)}`], { inputs: [d(1), d(2), d(3)] });
add('fdecstp, fincstp', ['fld1', 'fldz', 'fincstp', ...sw(), 'mov %ax,%cx', `fstpl ${OUT(0)}`, 'fdecstp', 'fdecstp',
  `fstpl ${OUT(1)}`, ...sw()]);
for (const flags of [0n, 0x1n, 0x40n, 0x4n, 0x45n, 0x41n]) {
  const body = ['fcmovb', 'fcmove', 'fcmovbe', 'fcmovu', 'fcmovnb', 'fcmovne', 'fcmovnbe', 'fcmovnu'].flatMap((op, j) => [
    `fldl ${IN(1)}`, `fldl ${IN(0)}`, `${op} %st(1),%st`, `fstpl ${OUT(j)}`, 'fstp %st(0)']);
  add(`fcmov flags ${hex(flags)}`, body, { inputs: [d(1), d(2)], rflags: flags });
}

// ---- arithmetic: every form of each operation on the same operands
const ARITH = ['add', 'sub', 'subr', 'mul', 'div', 'divr'] as const;
for (const [a, b] of PAIRS) {
  for (const op of ARITH) {
    add(`f${op} ${hex(a)} ${hex(b)}`, [
      `fldl ${IN(0)}`, `f${op}l ${IN(1)}`, `fstpl ${OUT(0)}`, // D8/DC memory: st = st op m64
      `fldl ${IN(1)}`, `fldl ${IN(0)}`, `f${op} %st(1),%st`, `fstpl ${OUT(1)}`, `fstpl ${OUT(2)}`, // D8 register
      `fldl ${IN(1)}`, `fldl ${IN(0)}`, `f${op} %st,%st(1)`, `fstpl ${OUT(3)}`, `fstpl ${OUT(4)}`, // DC register
      `fldl ${IN(1)}`, `fldl ${IN(0)}`, `f${op}p %st,%st(1)`, `fstpl ${OUT(5)}`, // DE popping
      `fldl ${IN(1)}`, `fldl ${IN(0)}`, `f${op}p`, `fstpl ${OUT(6)}`, // DE with gas's default operands
      `fldl ${IN(0)}`, `fldl ${IN(1)}`, `fldl ${IN(1)}`, `f${op} %st(2),%st`, `fstpl ${OUT(7)}`, // st(2) as the source
      `f${op} %st,%st(0)`, `fstpl ${OUT(8)}`, `fstpl ${OUT(9)}`, // DC with st(0)
    ], { inputs: [a, b] });
  }
}
{
  // m32fp, m16int and m32int operands.
  const fpairs: [bigint, bigint][] = [[d(1.5), f(0.25)], [d(1), f(3)], [d(-0), f(0)], [INF, 0x7fc00123n], [d(2), 0x7f800001n],
    [d(1e300), f(1e-30)]];
  const ipairs: [bigint, number][] = [[d(1.5), 3], [d(-2.5), -32768], [d(1e300), 32767], [QNAN, 1], [INF, 0], [d(0), 0],
    [d(7), -1]];
  for (const op of ARITH) {
    for (const [a, b] of fpairs) add(`f${op}s ${hex(a)} ${hex(b)}`, [`fldl ${IN(0)}`, `f${op}s ${IN(1)}`, `fstpl ${OUT(0)}`], { inputs: [a, b] });
    for (const [a, b] of ipairs) {
      add(`fi${op} ${hex(a)} ${b}`, [`fldl ${IN(0)}`, `fi${op}s ${IN(1)}`, `fstpl ${OUT(0)}`, `fldl ${IN(0)}`,
        `fi${op}l ${IN(2)}`, `fstpl ${OUT(1)}`], { inputs: [a, int(b), int(b * 65537)] });
    }
  }
}
{
  // The rounding mode reaches the arithmetic.
  const inexact: [bigint, bigint][] = [[d(1), d(3)], [d(-1), d(3)], [d(0.1), d(0.2)], [d(1e308), d(10)], [d(3), d(-3)],
    [d(1e-310), d(0.3)]];
  for (const rc of [1, 2, 3]) {
    for (const [a, b] of inexact) {
      add(`arith ${hex(a)} ${hex(b)}`, ['add', 'sub', 'mul', 'div', 'divr'].flatMap((op, j) => [`fldl ${IN(0)}`,
        `f${op}l ${IN(1)}`, `fstpl ${OUT(j)}`]), { inputs: [a, b], rc });
    }
  }
}

// ---- unary operations
for (let i = 0; i < EDGE.length; i += 10) {
  const vals = EDGE.slice(i, i + 10);
  add(`fchs ${i}`, vals.flatMap((_, j) => [`fldl ${IN(j)}`, 'fchs', `fstpl ${OUT(j)}`]), { inputs: vals });
  add(`fabs ${i}`, vals.flatMap((_, j) => [`fldl ${IN(j)}`, 'fabs', `fstpl ${OUT(j)}`]), { inputs: vals });
  // sqrt(DBL_MAX) is one of the rare values that round differently via 64 bits.
  const roots = vals.map((v) => (v === DBL_MAX ? d(4) : v));
  add(`fsqrt ${i}`, roots.flatMap((_, j) => [`fldl ${IN(j)}`, 'fsqrt', `fstpl ${OUT(j)}`]), { inputs: roots });
}
{
  const roots = [d(2), d(3), d(0.5), d(1e-310), d(10)];
  for (const rc of [1, 2, 3]) add('fsqrt', roots.flatMap((_, j) => [`fldl ${IN(j)}`, 'fsqrt', `fstpl ${OUT(j)}`]), { inputs: roots, rc });
  const rnd = [d(2.5), d(3.5), d(-2.5), d(0.5), d(-0.5), d(-0.2), d(1e300), INF, QNAN, d(4503599627370495.5), d(-7.75), d(0)];
  for (const rc of [0, 1, 2, 3]) add('frndint', rnd.flatMap((_, j) => [`fldl ${IN(j)}`, 'frndint', `fstpl ${OUT(j)}`]), { inputs: rnd, rc });
}
{
  // fscale: ST(0) * 2^trunc(ST(1)).
  const pairs: [bigint, bigint][] = [[d(1.5), d(3)], [d(3), d(2.7)], [d(3), d(-2.7)], [d(1), d(-1075)], [d(1), d(-1074)],
    [d(1), d(1024)], [d(-0), d(5)], [INF, d(-3)], [d(0), INF], [INF, NINF], [d(5), QNAN], [d(0.75), d(-1022)]];
  for (const half of [pairs.slice(0, 6), pairs.slice(6)]) {
    add('fscale', half.flatMap((_, j) => [`fldl ${IN(2 * j + 1)}`, `fldl ${IN(2 * j)}`, 'fscale', `fstpl ${OUT(j)}`, 'fstp %st(0)']),
      { inputs: half.flat() });
  }
}
{
  // fprem, fprem1: the remainder and the quotient's low bits in C0 C3 C1.
  const pairs: [bigint, bigint][] = [[d(10), d(3)], [d(-10), d(3)], [d(10), d(-3)], [d(5.5), d(2)], [d(11), d(3)], [d(0), d(3)],
    [d(7), d(7)], [d(1e10), d(0.375)], [d(-0.5), d(3)], [d(25), d(4)]];
  for (const op of ['fprem', 'fprem1']) {
    for (const [a, b] of pairs) {
      add(`${op} ${hex(a)} ${hex(b)}`, [`fldl ${IN(1)}`, `fldl ${IN(0)}`, op, ...sw(), `fstpl ${OUT(0)}`, `fstpl ${OUT(1)}`], { inputs: [a, b] });
    }
    for (const [a, b] of [[d(5), d(0)], [INF, d(2)], [QNAN, d(2)], [d(5), INF]] as [bigint, bigint][]) {
      add(`${op} ${hex(a)} ${hex(b)}`, [`fldl ${IN(1)}`, `fldl ${IN(0)}`, op, `fstpl ${OUT(0)}`, `fstpl ${OUT(1)}`], { inputs: [a, b] });
    }
  }
}
{
  // fxtract: the exponent below the significand.
  const vals = [d(8), d(-0.375), d(0), d(-0), INF, NINF, QNAN, DENORM, MAX_DENORM, d(1e300), d(1)];
  add('fxtract', vals.slice(0, 6).flatMap((_, j) => [`fldl ${IN(j)}`, 'fxtract', `fstpl ${OUT(2 * j)}`, `fstpl ${OUT(2 * j + 1)}`]),
    { inputs: vals.slice(0, 6) });
  add('fxtract 2', vals.slice(6).flatMap((_, j) => [`fldl ${IN(j)}`, 'fxtract', `fstpl ${OUT(2 * j)}`, `fstpl ${OUT(2 * j + 1)}`]),
    { inputs: vals.slice(6) });
}
{
  // The transcendental instructions, on operands whose results are exact (the inexact ones
  // are computed with the JS library: see the approximate cases below).
  const x2 = [d(0), d(-1), d(1), d(-0), QNAN];
  add('f2xm1', x2.flatMap((_, j) => [`fldl ${IN(j)}`, 'f2xm1', `fstpl ${OUT(j)}`]), { inputs: x2 });
  const l2: [bigint, bigint][] = [[d(8), d(3)], [d(0.25), d(1)], [d(1), d(5)], [d(0), d(1)], [d(-1), d(1)], [INF, d(2)], [d(2), QNAN]];
  for (const half of [l2.slice(0, 4), l2.slice(4)]) {
    add('fyl2x', half.flatMap((_, j) => [`fldl ${IN(2 * j + 1)}`, `fldl ${IN(2 * j)}`, 'fyl2x', `fstpl ${OUT(j)}`]), { inputs: half.flat() });
  }
  const l2p1: [bigint, bigint][] = [[d(0), d(1)], [d(-0), d(3)], [d(0), QNAN]];
  add('fyl2xp1', l2p1.flatMap((_, j) => [`fldl ${IN(2 * j + 1)}`, `fldl ${IN(2 * j)}`, 'fyl2xp1', `fstpl ${OUT(j)}`]),
    { inputs: l2p1.flat() });
  const at: [bigint, bigint][] = [[d(1), d(0)], [d(-1), d(0)], [d(1), d(-0)], [d(-1), d(-0)], [d(1), QNAN]];
  add('fpatan', at.flatMap((_, j) => [`fldl ${IN(2 * j + 1)}`, `fldl ${IN(2 * j)}`, 'fpatan', `fstpl ${OUT(j)}`]),
    { inputs: at.flat() });
  const trig = [d(0), d(-0), d(2 ** 63), d(-(2 ** 64)), INF, NINF, QNAN, d(1e300)];
  for (const op of ['fsin', 'fcos']) {
    for (const [j, v] of trig.entries()) add(`${op} ${j}`, [`fldl ${IN(0)}`, op, ...sw(SW_NO_C1), `fstpl ${OUT(0)}`], { inputs: [v] });
  }
  for (const op of ['fptan', 'fsincos']) {
    for (const [j, v] of trig.entries()) {
      add(`${op} ${j}`, [`fldl ${IN(1)}`, `fldl ${IN(0)}`, op, ...sw(SW_NO_C1), `fstpl ${OUT(0)}`, `fstpl ${OUT(1)}`, `fstpl ${OUT(2)}`],
        { inputs: [v, d(42)] });
    }
  }
}

// ---- comparisons
const CMP: bigint[] = [d(0), d(-0), d(1), d(-1), d(2), INF, NINF, QNAN, DENORM];
for (const [i, a] of CMP.entries()) {
  const body: string[] = [];
  for (const [j] of CMP.entries()) {
    body.push(`fldl ${IN(j)}`, `fldl ${IN(i)}`, 'fcom %st(1)', 'fnstsw %ax', `and $0x7f00,%ax`, `mov %ax,${OUT(0) + 2 * j}`, 'fcompp');
  }
  add(`fcom ${hex(a)}`, body, { inputs: CMP });
}
for (const [i, a] of CMP.entries()) {
  const b = CMP[(i + 3) % CMP.length]!;
  add(`fcom forms ${hex(a)} ${hex(b)}`, [
    `fldl ${IN(1)}`, `fldl ${IN(0)}`, 'fcom', ...sw(), 'mov %ax,%cx', 'fcomp %st(1)', ...sw(), 'mov %ax,%dx',
    `fldl ${IN(0)}`, 'fucom %st(1)', ...sw(), 'mov %ax,%bx', 'fucomp', ...sw(), 'mov %ax,%si',
    `fldl ${IN(0)}`, 'fcompp', ...sw(), 'mov %ax,%di', `fldl ${IN(1)}`, `fldl ${IN(0)}`, 'fucompp', ...sw(), 'mov %ax,%r8w',
    `fldl ${IN(0)}`, `fcoml ${IN(1)}`, ...sw(), 'mov %ax,%r9w', `fcompl ${IN(1)}`, ...sw(), 'mov %ax,%r10w',
    `fldl ${IN(0)}`, `fcoms ${IN(2)}`, ...sw(), 'mov %ax,%r11w', `fcomps ${IN(2)}`, ...sw(), 'mov %ax,%r12w',
    `fldl ${IN(0)}`, `ficoms ${IN(3)}`, ...sw(), 'mov %ax,%r13w', `ficomps ${IN(3)}`, ...sw(), 'mov %ax,%r14w',
    `fldl ${IN(0)}`, `ficoml ${IN(4)}`, ...sw(), 'mov %ax,%r15w', `ficompl ${IN(4)}`, ...sw(),
  ], { inputs: [a, b, f(-1), int(-1), int(2)] });
}
add('ftst', EDGE.slice(0, 12).flatMap((_, j) => [`fldl ${IN(j)}`, 'ftst', 'fnstsw %ax', 'and $0x4700,%ax',
  `mov %ax,${OUT(0) + 2 * j}`, 'fstp %st(0)']), { inputs: EDGE.slice(0, 12) });
add('ftst 2', EDGE.slice(12).flatMap((_, j) => [`fldl ${IN(j)}`, 'ftst', 'fnstsw %ax', 'and $0x4700,%ax',
  `mov %ax,${OUT(0) + 2 * j}`, 'fstp %st(0)']), { inputs: EDGE.slice(12) });
add('fxam', EDGE.slice(0, 12).flatMap((_, j) => [`fldl ${IN(j)}`, 'fxam', 'fnstsw %ax', 'and $0x4700,%ax',
  `mov %ax,${OUT(0) + 2 * j}`, 'fstp %st(0)']), { inputs: EDGE.slice(0, 12) });
add('fxam 2', EDGE.slice(12).flatMap((_, j) => [`fldl ${IN(j)}`, 'fxam', 'fnstsw %ax', 'and $0x4700,%ax',
  `mov %ax,${OUT(0) + 2 * j}`, 'fstp %st(0)']), { inputs: EDGE.slice(12) });
// An empty ST(0) is classed empty, C1 the sign of what the register still holds.
add('fxam empty', [...Array.from({ length: 8 }, () => 'fld1'), 'fninit', 'fxam', ...sw(), 'mov %ax,%cx',
  ...Array.from({ length: 8 }, () => 'fld1'), 'fchs', 'fninit', 'fxam', ...sw()]);
for (const flags of [0n, 0x8d5n]) {
  for (const op of ['fcomi', 'fucomi', 'fcomip', 'fucomip']) {
    for (const [i, a] of CMP.entries()) {
      const body: string[] = [];
      for (const [j] of CMP.entries()) {
        const at = OUT(j);
        body.push(`fldl ${IN(j)}`, `fldl ${IN(i)}`, `${op} %st(1),%st`, `setz ${at}`, `setp ${at + 1}`, `setc ${at + 2}`,
          `sets ${at + 3}`, `seto ${at + 4}`);
        body.push(op.endsWith('p') ? 'fstp %st(0)' : 'fcompp');
      }
      body.push(`fldl ${IN(1)}`, `fldl ${IN(0)}`, `${op} %st(1),%st`); // the flags themselves at the end
      add(`${op} ${hex(a)} flags ${hex(flags)}`, body, { inputs: CMP, rflags: flags });
    }
  }
}

// ---- control and status words, environment
for (const rc of [0, 1, 2, 3]) {
  add('fnstcw/fstcw', [`fnstcw ${OUT(0)}`, `fstcw ${OUT(1)}`, 'fwait', 'fnclex', 'fnop', 'fld1', 'fstsw %ax', `fnstsw ${OUT(2)}`,
    `fstsw ${OUT(3)}`], { rc });
}
add('fldcw round trip', [`movw $0x0f7f,${OUT(0)}`, `fldcw ${OUT(0)}`, `fnstcw ${OUT(1)}`, `movw $0x077f,${OUT(2)}`,
  `fldcw ${OUT(2)}`, `fnstcw ${OUT(3)}`]);
/** fnstenv's instruction and operand pointers (image bytes 12..23) are not kept: cleared
 *  on both sides. */
const clearPointers = (env: number) => [`movq $0,${env + 12}`, `movl $0,${env + 20}`];
add('fnstenv', [`fldl ${IN(0)}`, `fldl ${IN(1)}`, `fldl ${IN(2)}`, `fldl ${IN(3)}`, 'fld1', 'ffree %st(1)', 'fcom %st(4)',
  `fnstenv ${OUT(0)}`, ...clearPointers(OUT(0))], { inputs: [d(0), INF, QNAN, d(-5)], rc: 2 });
add('fldenv', [...Array.from({ length: 8 }, () => `fldl ${IN(1)}`), 'fninit', `fnstenv ${OUT(0)}`, `movw $0x0b7f,${OUT(0)}`, `movw $0x4100,${OUT(0) + 4}`, `movw $0xfff0,${OUT(1)}`,
  `fldenv ${OUT(0)}`, `fnstcw ${OUT(4)}`, ...sw(), 'mov %ax,%cx', `fldl ${IN(0)}`, `fstpl ${OUT(5)}`, 'fincstp',
  `fstpl ${OUT(6)}`, ...sw()], { inputs: [d(3), d(-7)] });
// What glibc's feholdexcept / fesetenv / feupdateenv / fegetround / fesetround do.
add('glibc fenv', [`fnstenv ${OUT(0)}`, 'fnclex', `fnstcw ${OUT(4)}`, `andw $0xf3ff,${OUT(4)}`, `orw $0x0400,${OUT(4)}`,
  `fldcw ${OUT(4)}`, `fldl ${IN(0)}`, `fdivl ${IN(1)}`, `fstpl ${OUT(5)}`, 'fnstsw %ax', 'and $0x3800,%ax', 'mov %ax,%cx',
  `fldenv ${OUT(0)}`, `fldl ${IN(0)}`, `fdivl ${IN(1)}`, `fstpl ${OUT(6)}`, `fnstcw ${OUT(7)}`, ...clearPointers(OUT(0))],
{ inputs: [d(1), d(3)] });
add('fninit', [`fldl ${IN(0)}`, 'fld1', 'fcom', `movw $0x0c7f,${OUT(0)}`, `fldcw ${OUT(0)}`, 'fninit', ...sw(), `fnstcw ${OUT(1)}`,
  `fnstenv ${OUT(2)}`, ...clearPointers(OUT(2))], { inputs: [d(2)] });
add('fnstsw keeps the rest of rax', ['fld1', 'fldz', 'fcom', 'fnstsw %ax', 'and $0x7f00,%ax'], { rax: 0xfedcba9876543210n });

// ---------------------------------------------------------------- the checks

const view = (st: CpuState) => stateView(st, 8);

describe('x87 against the CPU', () => {
  let native: CpuState[] = [];
  beforeAll(() => { native = runNative(cases); }, 120_000);

  it.each(cases.map((c, i) => [c.name, i] as const))('%s', (_name, i) => {
    const c = cases[i]!;
    for (const backend of BACKEND_KINDS) {
      const got = runSnippet(c.asm, c.init, { backend });
      expect(view(got), backend).toEqual(view(native[i]!));
    }
  });
});

/** Results the interpreter computes with the JS library (sin, 2^x, log2, atan) may differ
 *  from the CPU's in the last places: these compare the doubles within a few ulps, which
 *  still catches a wrong operand or a wrong stack effect. */
describe('x87 transcendentals against the CPU, to a few ulps', () => {
  const approx: OracleCase[] = [];
  // The first five are in the domain of f2xm1 and fyl2xp1 (|x| < 1 - sqrt(2)/2).
  const inputs = [d(0.25), d(-0.2), d(1e-5), d(0.125), d(-0.1), d(1.25), d(3), d(-2), d(100), d(0.7853981633974483)];
  const mk = (name: string, body: string[]) => {
    const init = zeroState();
    const dv = new DataView(init.scratch.buffer);
    inputs.forEach((v, i) => dv.setBigUint64(8 * i, v, true));
    approx.push({ name, asm: ['fninit', ...body, 'fninit'].join('; '), init });
  };
  mk('f2xm1', inputs.slice(0, 5).flatMap((_, j) => [`fldl ${IN(j)}`, 'f2xm1', `fstpl ${OUT(j)}`]));
  for (const op of ['fsin', 'fcos']) mk(op, inputs.flatMap((_, j) => [`fldl ${IN(j)}`, op, `fstpl ${OUT(j)}`]));
  mk('fptan', inputs.slice(0, 7).flatMap((_, j) => [`fldl ${IN(j)}`, 'fptan', 'fstp %st(0)', `fstpl ${OUT(j)}`]));
  mk('fsincos', inputs.slice(0, 7).flatMap((_, j) => [`fldl ${IN(j)}`, 'fsincos', `fstpl ${OUT(2 * j)}`, `fstpl ${OUT(2 * j + 1)}`]).slice(0, 28));
  mk('fyl2x', inputs.slice(0, 8).flatMap((_, j) => ['fld1', `fldl ${IN(j)}`, 'fabs', 'fyl2x', `fstpl ${OUT(j)}`]));
  mk('fyl2xp1', inputs.slice(0, 5).flatMap((_, j) => [`fldl ${IN(6)}`, `fldl ${IN(j)}`, 'fyl2xp1', `fstpl ${OUT(j)}`]));
  mk('fpatan', inputs.slice(0, 8).flatMap((_, j) => [`fldl ${IN(j)}`, `fldl ${IN(j + 1)}`, 'fpatan', `fstpl ${OUT(j)}`]));
  mk('fldl2e f2xm1 (expl)', ['fldl2e', `fmull ${IN(0)}`, 'f2xm1', 'fld1', 'faddp', `fstpl ${OUT(0)}`]);

  let native: CpuState[] = [];
  beforeAll(() => { native = runNative(approx); }, 120_000);

  it.each(approx.map((c, i) => [c.name, i] as const))('%s', (_name, i) => {
    const c = approx[i]!;
    const want = native[i]!;
    const slot = (s: CpuState, j: number) => new DataView(s.scratch.buffer, s.scratch.byteOffset).getBigInt64(128 + 8 * j, true);
    for (const backend of BACKEND_KINDS) {
      const got = runSnippet(c.asm, c.init, { backend });
      for (let j = 0; j < 16; j++) {
        const [a, b] = [slot(got, j), slot(want, j)];
        const diff = a > b ? a - b : b - a;
        expect(diff <= 4n, `${c.name} slot ${j} (${backend}): ours ${hex(BigInt.asUintN(64, a))}, CPU ${hex(BigInt.asUintN(64, b))}`).toBe(true);
      }
    }
  });
});

// ---------------------------------------------------------------- IR

const BASE = 0x400000;

function liftAll(asm: string) {
  const bytes = assembleSnippet(asm);
  const code = { fetch: (a: number, max: number) => bytes.slice(a - BASE, a - BASE + max) };
  const blocks = [];
  let pc = BASE;
  while (pc < BASE + bytes.length) {
    const lifted = liftSuperblock(code, pc);
    blocks.push(lifted);
    if (lifted.noDecode) break;
    const last = lifted.instrs.at(-1)!;
    pc = last.addr + last.len;
  }
  return blocks;
}

describe('x87 lifted IR', () => {
  it('lifts every snippet completely into sane IR', () => {
    // One assembly of all snippets: every instruction of every case gets lifted and checked.
    const all = [...new Set(cases.map((c) => c.asm))].join('; ');
    for (const { sb, noDecode, instrs } of liftAll(all)) {
      expect(noDecode, `${noDecode?.reason} at ${noDecode && hex(BigInt(noDecode.addr))}`).toBeUndefined();
      expect(checkIRSB(sb, { guestStateSize: GUEST_STATE_SIZE }), instrs.map((i) => i.mnemonic).join(' ')).toEqual([]);
    }
  }, 120_000);

  it('lifts the x87 instructions glibc and musl reach', () => {
    const asm = ['fldt (%rdi)', 'fstpt 16(%rsp)', 'fld %st(2)', 'fstp %st(1)', 'fxch %st(3)', 'flds 4(%rax)', 'fldl 8(%rax)',
      'faddp %st,%st(1)', 'fmul %st(1),%st', 'fadd %st(2),%st', 'fucomip %st(1),%st', 'fucomi %st(1),%st', 'fcomip %st(2),%st',
      'fchs', 'fabs', 'fldz', 'fld1', 'fldcw (%rsp)', 'fnstcw 2(%rsp)', 'fnstsw %ax', 'fxam', 'fmulp', 'fsubrp', 'fsubp',
      'fsub %st(1),%st', 'fwait', 'fnstenv (%rdi)', 'fldenv (%rdi)', 'fmuls (%rax)', 'fildl (%rax)', 'fistpll (%rax)',
      'fildll (%rax)', 'fcomi %st(1),%st', 'fistpl (%rax)', 'fdivrp', 'fsubr %st(1),%st', 'fsqrt', 'fdivp', 'fyl2xp1',
      'frndint', 'fprem', 'ffreep %st(0)', 'fcompl (%rax)', 'fsubl (%rax)', 'fstcw (%rax)', 'fscale', 'fldln2', 'fdivl (%rax)',
      'fadds (%rax)', 'f2xm1', 'fyl2x', 'fucompp', 'fstsw %ax', 'fldl2e', 'fdivrs (%rax)', 'fdivrl (%rax)', 'fdivr %st(1),%st',
      'fdiv %st(1),%st', 'fstps (%rax)', 'fistps (%rax)', 'fisttpll (%rax)', 'fninit', 'fnclex'].join('; ');
    for (const { noDecode, sb } of liftAll(asm)) {
      expect(noDecode).toBeUndefined();
      expect(checkIRSB(sb, { guestStateSize: GUEST_STATE_SIZE })).toEqual([]);
    }
  });

  it('calls the 80-bit helpers with their memory effects declared', () => {
    const [{ sb }] = liftAll('fldt 8(%rax); fstpt (%rbx)');
    const dirty = sb!.stmts.filter((s) => s.tag === 'Dirty');
    expect(dirty.map((s) => [s.callee.name, s.mem?.fx, s.mem?.size])).toEqual([
      ['amd64g_dirtyhelper_loadF80le', 'Read', 10], ['amd64g_dirtyhelper_storeF80le', 'Write', 10],
    ]);
  });

  it('reports an unsupported control word as an emulation warning', () => {
    const [{ sb }] = liftAll('fldcw (%rax); fld1');
    expect(sb!.stmts.some((s) => s.tag === 'Put' && s.offset === OFFSET_EMNOTE)).toBe(true);
    expect(sb!.stmts.some((s) => s.tag === 'Exit' && s.jk === 'EmWarn')).toBe(true);
  });

  it('leaves the 16-bit environment forms and the BCD forms unlifted', () => {
    for (const asm of ['fnstenvs (%rax)', 'fbld (%rax)', 'fnsave (%rax)']) {
      expect(liftAll(asm)[0]!.noDecode?.reason, asm).toBe('not lifted');
    }
  });
});

// ---------------------------------------------------------------- the 80-bit format

describe('x87-format conversions', () => {
  const bytes = (hexStr: string) => Uint8Array.from(hexStr.match(/../g)!.map((b) => parseInt(b, 16))).reverse();
  /** Written big-endian as the SDM shows them: sign+exponent, then the significand. */
  const KNOWN: [string, bigint][] = [
    ['3fff8000000000000000', d(1)], ['bfff8000000000000000', d(-1)], ['40008000000000000000', d(2)],
    ['3ffdaaaaaaaaaaaaa800', d(1 / 3)], ['00000000000000000000', d(0)], ['80000000000000000000', d(-0)],
    ['7fff8000000000000000', INF], ['ffff8000000000000000', NINF], ['7fffc000000000000000', 0x7ff8000000000000n],
    ['3bcd8000000000000000', DENORM], ['3c00fffffffffffff000', MAX_DENORM], ['43fefffffffffffff800', DBL_MAX],
    ['4000c90fdaa22168c000', d(Math.PI)], ['7fffc000000000091800', QNAN],
  ];

  it.each(KNOWN)('%s is the double %s', (ext, dbl) => {
    expect(loadF80le(bytes(ext))).toBe(dbl);
    expect(storeF80le(dbl)).toEqual(bytes(ext));
  });

  it('rounds to nearest-even, and per rounding mode', () => {
    const one = 0x3ff0000000000000n;
    expect(f80ToF64({ se: 0x3fff, mant: 0x8000000000000400n })).toBe(one); // a tie, to even
    expect(f80ToF64({ se: 0x3fff, mant: 0x8000000000000c00n })).toBe(one + 2n); // a tie, to even (up)
    expect(f80ToF64({ se: 0x3fff, mant: 0x8000000000000401n })).toBe(one + 1n);
    expect(f80ToF64({ se: 0x3fff, mant: 0x80000000000007ffn }, RoundingMode.Zero)).toBe(one);
    expect(f80ToF64({ se: 0x3fff, mant: 0x8000000000000001n }, RoundingMode.Up)).toBe(one + 1n);
    expect(f80ToF64({ se: 0xbfff, mant: 0x8000000000000001n }, RoundingMode.Down)).toBe(0xbff0000000000001n);
    expect(f80ToF64({ se: 0x3fff, mant: 0xfffffffffffffc00n })).toBe(0x4000000000000000n); // carries into the exponent
  });

  it('rounds into and out of the subnormals, and overflows per mode', () => {
    expect(f80ToF64({ se: 0x3bcc, mant: 0x8000000000000000n })).toBe(0n); // 2^-1075: a tie, to even zero
    expect(f80ToF64({ se: 0x3bcc, mant: 0xc000000000000000n })).toBe(1n); // 1.5 * 2^-1075
    expect(f80ToF64({ se: 0x3c00, mant: 0xfffffffffffffc00n })).toBe(0x0010000000000000n); // up into the normals
    expect(f80ToF64({ se: 0x0001, mant: 0x8000000000000000n }, RoundingMode.Up)).toBe(1n);
    expect(f80ToF64({ se: 0x7ffe, mant: 0x8000000000000000n })).toBe(INF);
    expect(f80ToF64({ se: 0x7ffe, mant: 0x8000000000000000n }, RoundingMode.Zero)).toBe(DBL_MAX);
    expect(f80ToF64({ se: 0xfffe, mant: 0x8000000000000000n }, RoundingMode.Up)).toBe(DBL_MAX | (1n << 63n));
    expect(roundToF64(false, 3n, -1076)).toBe(1n); // 0.75 ulp of the smallest subnormal
  });

  it('quietens signalling NaNs, keeps payloads, and makes odd encodings the indefinite', () => {
    expect(f80ToF64({ se: 0x7fff, mant: 0x8000000000000001n })).toBe(0x7ff8000000000000n); // SNaN, payload below 53 bits
    expect(f80ToF64({ se: 0xffff, mant: 0xa000000000000800n })).toBe(0xfffc000000000001n);
    expect(f80ToF64({ se: 0x7fff, mant: 0n })).toBe(F64_INDEFINITE); // pseudo-infinity
    expect(f80ToF64({ se: 0x7fff, mant: 0x4000000000000000n })).toBe(F64_INDEFINITE); // pseudo-NaN
    expect(f80ToF64({ se: 0x3fff, mant: 0x4000000000000000n })).toBe(F64_INDEFINITE); // unnormal
    expect(f80ToF64({ se: 0x0000, mant: 0x8000000000000000n }, RoundingMode.Up)).toBe(1n); // pseudo-denormal 2^-16382
    expect(f64ToF80(0x7ff0000000000001n)).toEqual({ se: 0x7fff, mant: 0x8000000000000800n }); // exact, SNaN kept
  });

  it('round-trips every double exactly', () => {
    let x = 0x243f6a8885a308d3n;
    for (let i = 0; i < 2000; i++) {
      x = BigInt.asUintN(64, x * 6364136223846793005n + 1442695040888963407n);
      const isSNaN = (x & 0x7ff0000000000000n) === 0x7ff0000000000000n && (x & 0x000fffffffffffffn) !== 0n && !(x & 0x0008000000000000n);
      if (!isSNaN) expect(f80ToF64(f64ToF80(x))).toBe(x);
      expect(readF80(writeF80(f64ToF80(x)))).toEqual(f64ToF80(x));
    }
  });

  it('reads and writes guest memory as the dirty helpers', () => {
    const mem = new DataView(new ArrayBuffer(32));
    const port = {
      load16: (a: number) => mem.getUint16(a, true), load64: (a: number) => mem.getBigUint64(a, true),
      store16: (a: number, v: number) => mem.setUint16(a, v, true), store64: (a: number, v: bigint) => mem.setBigUint64(a, v, true),
    };
    dirtyStoreF80le(port, 6, d(-2.5));
    expect(new Uint8Array(mem.buffer, 6, 10)).toEqual(bytes('c000a000000000000000'));
    expect(dirtyLoadF80le(port, 6)).toBe(d(-2.5));
  });
});
