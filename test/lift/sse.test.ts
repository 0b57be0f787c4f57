// SSE/SSE2 lifting against the real CPU: every case runs natively (native-oracle.ts) and
// under the lifter + IR interpreter (run-snippet.ts) from the same state, and the final
// registers, arithmetic flags and scratch memory must agree bit for bit. Operand values
// walk edge lists (saturation boundaries, all-ones lanes, signed zeros, infinities, NaNs
// with payloads, signalling NaNs, denormals, conversion limits) through register and
// memory forms; rounding-mode cases switch MXCSR.RC with ldmxcsr around the instruction.
// Every snippet's block must also lift completely and pass checkIRSB.
import { beforeAll, describe, expect, it } from 'vitest';
import { liftSuperblock } from '../../src/engine/guest/amd64/lift/block.ts';
import { GUEST_STATE_SIZE, OFFSET_YMM } from '../../src/engine/guest/amd64/state.ts';
import { checkIRSB } from '../../src/engine/ir/sanity.ts';
import {
  type CpuState, type OracleCase, SCRATCH_ADDR, SCRATCH_SIZE, assembleSnippet, runNative, stateView } from '../support/native-oracle.ts';
import { BACKEND_KINDS } from '../../src/engine/backend/backend.ts';
import { runSnippet } from '../support/run-snippet.ts';

// ---------------------------------------------------------------- values

const scratchView = new DataView(new ArrayBuffer(8));
const f64 = (x: number): bigint => { scratchView.setFloat64(0, x, true); return scratchView.getBigUint64(0, true); };
const f32 = (x: number): bigint => { scratchView.setFloat32(0, x, true); return BigInt(scratchView.getUint32(0, true)); };

/** Doubles worth combining: zeros, normal and denormal limits, infinities, quiet NaNs (one
 *  negative with a payload), a signalling NaN. */
const F64S: bigint[] = [
  f64(0), f64(-0), f64(1), f64(-1.5), f64(1 / 3), f64(1e300), f64(-1e-300), 1n, f64(2.2250738585072014e-308),
  f64(1.7976931348623157e308), f64(Infinity), f64(-Infinity), 0x7ff8000000000000n, 0xfff8000000000abcn,
  0x7ff0000000000001n, f64(3),
];
const F32S: bigint[] = [
  f32(0), f32(-0), f32(1), f32(-1.5), f32(1 / 3), f32(1e30), f32(-1e-30), 1n, 0x00800000n, 0x7f7fffffn,
  0x7f800000n, 0xff800000n, 0x7fc00000n, 0xffc00abcn, 0x7f800001n, f32(3),
];
/** A smaller set for the compare predicates. */
const F64_CMP: bigint[] = [f64(0), f64(-0), f64(1), f64(-1), f64(Infinity), f64(-Infinity), 0x7ff8000000000000n, 1n];
const F32_CMP: bigint[] = [f32(0), f32(-0), f32(1), f32(-1), 0x7f800000n, 0xff800000n, 0x7fc00000n, 1n];

const EDGES: Record<number, bigint[]> = {
  8: [0x00n, 0x01n, 0x02n, 0x7en, 0x7fn, 0x80n, 0x81n, 0xfen, 0xffn, 0x40n, 0xc0n, 0x55n, 0xaan, 0x0fn, 0xf0n, 0x3fn],
  16: [0n, 1n, 2n, 0x7ffen, 0x7fffn, 0x8000n, 0x8001n, 0xfffen, 0xffffn, 0x00ffn, 0xff00n, 0x0080n, 0xff7fn, 0x1234n,
    0xedcbn, 0x4000n],
  32: [0n, 1n, 2n, 0x7ffffffen, 0x7fffffffn, 0x80000000n, 0x80000001n, 0xfffffffen, 0xffffffffn, 0xffffn,
    0xffff0000n, 0x8000n, 0xffff7fffn, 0x12345678n, 0xedcba987n, 0x40000000n],
  64: [0n, 1n, 2n, 0x7ffffffffffffffen, 0x7fffffffffffffffn, 0x8000000000000000n, 0x8000000000000001n,
    0xfffffffffffffffen, 0xffffffffffffffffn, 0xffffffffn, 0xffffffff00000000n, 0x80000000n, 0xffffffff7fffffffn,
    0x123456789abcdef0n, 0xedcba9876543210fn, 0x4000000000000000n],
};

/** A deterministic generator (xorshift64*), so failures reproduce. */
function rng(seed: number): () => bigint {
  let x = BigInt(seed) * 0x9e3779b97f4a7c15n + 1n;
  return () => {
    x ^= x >> 12n; x ^= BigInt.asUintN(64, x << 25n); x ^= x >> 27n;
    x = BigInt.asUintN(64, x);
    return BigInt.asUintN(64, x * 0x2545f4914f6cdd1dn);
  };
}

/** Lanes (lane 0 first) of `bits` each into a [lo, hi] xmm value. */
function vec(lanes: bigint[], bits: number): [bigint, bigint] {
  let v = 0n;
  lanes.forEach((x, i) => { v |= BigInt.asUintN(bits, x) << BigInt(i * bits); });
  return [BigInt.asUintN(64, v), v >> 64n];
}

// ---------------------------------------------------------------- states

/** Every register and scratch byte random, rbx pointing at the scratch block. */
function baseState(seed: number): CpuState {
  const r = rng(seed);
  const gpr = Array.from({ length: 16 }, () => r());
  gpr[3] = BigInt(SCRATCH_ADDR);
  const xmm = Array.from({ length: 16 }, () => [r(), r()] as [bigint, bigint]);
  const scratch = new Uint8Array(SCRATCH_SIZE);
  for (let i = 0; i < SCRATCH_SIZE; i += 8) {
    const v = r();
    for (let b = 0; b < 8; b++) scratch[i + b] = Number((v >> BigInt(8 * b)) & 0xffn);
  }
  return { gpr, rflags: 0n, xmm, scratch };
}

function poke(s: CpuState, offset: number, value: bigint, size: number): void {
  for (let b = 0; b < size; b++) s.scratch[offset + b] = Number((value >> BigInt(8 * b)) & 0xffn);
}

function pokeX(s: CpuState, offset: number, [lo, hi]: [bigint, bigint]): void {
  poke(s, offset, lo, 8);
  poke(s, offset + 8, hi, 8);
}

const cases: OracleCase[] = [];
let seed = 1;

function add(name: string, asm: string | string[], init: CpuState): void {
  cases.push({ name, asm: Array.isArray(asm) ? asm.join('; ') : asm, init });
}

/** Run `body` with MXCSR.RC = rc (0 nearest, 1 down, 2 up, 3 toward zero); scratch bytes
 *  240..247 hold the two MXCSR words, and the default is restored for the host after. */
function withRounding(s: CpuState, rc: number, body: string[]): string[] {
  poke(s, 240, BigInt(0x1f80 | (rc << 13)), 4);
  poke(s, 244, 0x1f80n, 4);
  return ['ldmxcsr 240(%rbx)', ...body, 'ldmxcsr 244(%rbx)'];
}

const x = (n: number) => `%xmm${n}`;
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

// ---------------------------------------------------------------- integer ops

/** Binary integer op: register pairs (xmm2i+1 into xmm2i), memory sources (16 bytes at
 *  16i into xmmi) and a random case; lanes walk every ordered pair of edge values. */
function intBinary(mnem: string, bits: number): void {
  const edges = EDGES[bits]!;
  const n = edges.length;
  const lanes = 128 / bits;
  let p = 0;
  const nextVec = (): [[bigint, bigint], [bigint, bigint]] => {
    const a: bigint[] = [];
    const b: bigint[] = [];
    for (let j = 0; j < lanes; j++, p++) {
      a.push(edges[p % n]!);
      b.push(edges[Math.floor(p / n) % n]!);
    }
    return [vec(a, bits), vec(b, bits)];
  };
  const mem = baseState(seed++);
  for (const i of range(16)) {
    const [a, b] = nextVec();
    mem.xmm[i] = a;
    pokeX(mem, 16 * i, b);
  }
  add(`${mnem} m128 edges`, range(16).map((i) => `${mnem} ${16 * i}(%rbx),${x(i)}`), mem);
  const reg = baseState(seed++);
  for (const i of range(8)) [reg.xmm[2 * i], reg.xmm[2 * i + 1]] = nextVec();
  const regAsm = range(8).map((i) => `${mnem} ${x(2 * i + 1)},${x(2 * i)}`);
  add(`${mnem} xmm edges`, regAsm, reg);
  add(`${mnem} xmm random`, [...regAsm, `${mnem} ${x(3)},${x(3)}`], baseState(seed++));
}

const INT_BINARY: [string, number][] = [
  ['pxor', 64], ['por', 64], ['pand', 64], ['pandn', 64],
  ['xorps', 32], ['xorpd', 64], ['orps', 32], ['orpd', 64], ['andps', 32], ['andpd', 64], ['andnps', 32], ['andnpd', 64],
  ['paddb', 8], ['paddw', 16], ['paddd', 32], ['paddq', 64], ['psubb', 8], ['psubw', 16], ['psubd', 32], ['psubq', 64],
  ['paddusb', 8], ['paddusw', 16], ['paddsb', 8], ['paddsw', 16],
  ['psubusb', 8], ['psubusw', 16], ['psubsb', 8], ['psubsw', 16],
  ['pcmpeqb', 8], ['pcmpeqw', 16], ['pcmpeqd', 32], ['pcmpgtb', 8], ['pcmpgtw', 16], ['pcmpgtd', 32],
  ['pminub', 8], ['pmaxub', 8], ['pminsw', 16], ['pmaxsw', 16], ['pavgb', 8], ['pavgw', 16],
  ['pmullw', 16], ['pmulhw', 16], ['pmulhuw', 16], ['pmuludq', 32], ['pmaddwd', 16], ['psadbw', 8],
  ['punpcklbw', 8], ['punpcklwd', 16], ['punpckldq', 32], ['punpcklqdq', 64],
  ['punpckhbw', 8], ['punpckhwd', 16], ['punpckhdq', 32], ['punpckhqdq', 64],
  ['unpcklps', 32], ['unpcklpd', 64], ['unpckhps', 32], ['unpckhpd', 64],
  ['packsswb', 16], ['packuswb', 16], ['packssdw', 32],
];
for (const [mnem, bits] of INT_BINARY) intBinary(mnem, bits);

// Shifts: by imm8 (including counts of the lane width and more), by an xmm count (the
// whole low quadword counts), and by an m128 count.
const SHIFTS: [string, number][] = [
  ['psllw', 16], ['pslld', 32], ['psllq', 64], ['psrlw', 16], ['psrld', 32], ['psrlq', 64], ['psraw', 16], ['psrad', 32],
];
for (const [mnem, bits] of SHIFTS) {
  const imms = [0, 1, bits / 2 - 1, bits - 1, bits, bits + 1, 127, 255];
  const s = baseState(seed++);
  for (const i of range(8)) s.xmm[i] = vec(EDGES[bits]!.slice(i, i + 128 / bits).concat(EDGES[bits]!), bits);
  add(`${mnem} imm`, imms.map((n, i) => `${mnem} $${n},${x(i)}`), s);
  const counts = [0n, 1n, BigInt(bits - 1), BigInt(bits), BigInt(bits + 1), 1n << 32n, (1n << 32n) + 1n, 1n << 63n];
  const c = baseState(seed++);
  counts.forEach((n, i) => { c.xmm[8 + i] = [n, c.xmm[8 + i]![1]]; });
  add(`${mnem} xmm count`, range(8).map((i) => `${mnem} ${x(8 + i)},${x(i)}`), c);
  const m = baseState(seed++);
  counts.forEach((n, i) => pokeX(m, 16 * i, [n, 0xffffn]));
  add(`${mnem} m128 count`, range(8).map((i) => `${mnem} ${16 * i}(%rbx),${x(i)}`), m);
}
for (const mnem of ['pslldq', 'psrldq']) {
  add(mnem, [0, 1, 3, 7, 8, 15, 16, 200].map((n, i) => `${mnem} $${n},${x(i)}`), baseState(seed++));
}

// Shuffles with an imm8.
for (const mnem of ['pshufd', 'pshuflw', 'pshufhw', 'shufps']) {
  const imms = [0x00, 0x1b, 0xe4, 0xff, 0x4e, 0xb1, 0x39, 0x93];
  add(`${mnem} xmm`, imms.map((n, i) => `${mnem} $${n},${x(8 + i)},${x(i)}`), baseState(seed++));
  add(`${mnem} m128`, imms.map((n, i) => `${mnem} $${n},${16 * i}(%rbx),${x(i)}`), baseState(seed++));
}
add('shufpd xmm', [0, 1, 2, 3, 4, 7].map((n, i) => `shufpd $${n},${x(8 + i)},${x(i)}`), baseState(seed++));
add('shufpd m128', [0, 1, 2, 3].map((n, i) => `shufpd $${n},${16 * i}(%rbx),${x(i)}`), baseState(seed++));

// Sign masks, word insert/extract.
{
  const s = baseState(seed++);
  s.xmm[0] = [0x8000000080000000n, 0x0000000080000000n];
  s.xmm[1] = [0x7f80ff0001800000n, 0xffffffffffffffffn];
  add('pmovmskb/movmskps/movmskpd', [
    'pmovmskb %xmm0,%eax', 'pmovmskb %xmm1,%ecx', 'pmovmskb %xmm2,%rdx', 'movmskps %xmm0,%esi', 'movmskps %xmm3,%rdi',
    'movmskpd %xmm1,%r8d', 'movmskpd %xmm4,%r9', 'movmskps %xmm1,%r10d', 'movmskpd %xmm0,%r11d',
  ], s);
  add('pinsrw', ['pinsrw $0,%eax,%xmm0', 'pinsrw $7,%ecx,%xmm1', 'pinsrw $3,(%rbx),%xmm2', 'pinsrw $13,%edx,%xmm3',
    'pinsrw $5,%r9d,%xmm9', 'pinsrw $6,6(%rbx),%xmm12'], baseState(seed++));
  add('pextrw', ['pextrw $0,%xmm0,%eax', 'pextrw $7,%xmm1,%ecx', 'pextrw $3,%xmm2,%edx', 'pextrw $9,%xmm3,%esi',
    'pextrw $4,%xmm12,%r10d'], baseState(seed++));
}

// ---------------------------------------------------------------- moves

add('movd/movq gpr and memory', [
  'movd %eax,%xmm0', 'movd 8(%rbx),%xmm1', 'movd %xmm2,%ecx', 'movd %xmm3,16(%rbx)', 'movq %rdx,%xmm4',
  'movq 24(%rbx),%xmm5', 'movq %xmm6,%rsi', 'movq %xmm7,32(%rbx)', 'movd %r12d,%xmm12', 'movq %xmm13,%r13',
], baseState(seed++));
add('movq xmm to xmm', ['movq %xmm8,%xmm9', '{store} movq %xmm10,%xmm11', 'movq %xmm12,%xmm12'], baseState(seed++));
add('movq m64 66 REX.W 0F 6E', ['.byte 0x66,0x48,0x0f,0x6e,0x4b,0x08', '.byte 0x66,0x48,0x0f,0x7e,0x53,0x20'],
  baseState(seed++));
for (const [mnem, aligned] of [['movdqa', true], ['movdqu', false], ['movaps', true], ['movups', false],
  ['movapd', true], ['movupd', false]] as const) {
  const asm = [`${mnem} ${x(1)},${x(0)}`, `${mnem} 16(%rbx),${x(2)}`, `${mnem} ${x(3)},32(%rbx)`, `${mnem} ${x(9)},${x(15)}`];
  if (!aligned) asm.push(`${mnem} 51(%rbx),${x(4)}`, `${mnem} ${x(5)},73(%rbx)`);
  add(mnem, asm, baseState(seed++));
}
add('movnt*', ['movntdq %xmm1,48(%rbx)', 'movntps %xmm2,64(%rbx)', 'movntpd %xmm3,80(%rbx)', 'movnti %eax,96(%rbx)',
  'movnti %rcx,104(%rbx)', 'movnti %r9d,110(%rbx)'], baseState(seed++));
add('movss', ['movss 8(%rbx),%xmm0', 'movss %xmm2,%xmm1', 'movss %xmm3,16(%rbx)', 'movss %xmm4,%xmm4',
  'movss 1(%rbx),%xmm10', 'movss %xmm11,%xmm12'], baseState(seed++));
add('movsd', ['movsd 8(%rbx),%xmm0', 'movsd %xmm2,%xmm1', 'movsd %xmm3,16(%rbx)', 'movsd %xmm4,%xmm4',
  'movsd 3(%rbx),%xmm10', 'movsd %xmm11,%xmm12'], baseState(seed++));
add('movlps/movhps/movlpd/movhpd', [
  'movlps 8(%rbx),%xmm0', 'movhps 16(%rbx),%xmm1', 'movlpd 24(%rbx),%xmm2', 'movhpd 35(%rbx),%xmm3',
  'movlps %xmm4,40(%rbx)', 'movhps %xmm5,48(%rbx)', 'movlpd %xmm6,56(%rbx)', 'movhpd %xmm7,65(%rbx)',
], baseState(seed++));
add('movhlps/movlhps', ['movhlps %xmm1,%xmm0', 'movlhps %xmm3,%xmm2', 'movhlps %xmm4,%xmm4', 'movlhps %xmm5,%xmm5',
  'movhlps %xmm9,%xmm14', 'movlhps %xmm10,%xmm13'], baseState(seed++));
{
  const s = baseState(seed++);
  for (let rc = 0; rc < 4; rc++) poke(s, 16 * rc, BigInt(0x1f80 | (rc << 13)), 4);
  poke(s, 100, 0x1f80n, 4);
  add('ldmxcsr/stmxcsr', [0, 1, 2, 3].flatMap((rc) => [`ldmxcsr ${16 * rc}(%rbx)`, `stmxcsr ${16 * rc + 4}(%rbx)`])
    .concat('ldmxcsr 100(%rbx)', 'stmxcsr 104(%rbx)'), s);
}
add('emms', ['emms', 'movq %rax,%xmm0'], baseState(seed++));

// ---------------------------------------------------------------- floating point

type FpKind = 'sd' | 'ss' | 'pd' | 'ps';
const LANE_BITS: Record<FpKind, number> = { sd: 64, ss: 32, pd: 64, ps: 32 };
const VALUES: Record<FpKind, bigint[]> = { sd: F64S, ss: F32S, pd: F64S, ps: F32S };

/** Every ordered pair of `values`, `perCase` at a time. */
function pairChunks(values: bigint[], perCase: number): [bigint, bigint][][] {
  const pairs: [bigint, bigint][] = values.flatMap((a) => values.map((b) => [a, b] as [bigint, bigint]));
  const chunks: [bigint, bigint][][] = [];
  for (let i = 0; i < pairs.length; i += perCase) chunks.push(pairs.slice(i, i + perCase));
  return chunks;
}

/** Place the first operands of `pairs` in the lanes of xmm0..15 (scalar kinds: lane 0,
 *  the upper lanes random) and the second operands at scratch 16i (scalars: at 8i or 4i,
 *  the operand width). */
function fpMemState(kind: FpKind, pairs: [bigint, bigint][]): CpuState {
  const s = baseState(seed++);
  const bits = LANE_BITS[kind];
  const scalar = kind === 'sd' || kind === 'ss';
  const perReg = scalar ? 1 : 128 / bits;
  for (const i of range(16)) {
    const mine = pairs.slice(i * perReg, (i + 1) * perReg);
    if (mine.length === 0) break;
    const old = vec([s.xmm[i]![0], s.xmm[i]![1]], 64);
    const a = mine.map(([p]) => p);
    const b = mine.map(([, q]) => q);
    if (scalar) {
      s.xmm[i] = bits === 64 ? [a[0]!, old[1]] : [(old[0] & ~0xffffffffn) | a[0]!, old[1]];
      poke(s, (bits / 8) * i, b[0]!, bits / 8);
    } else {
      s.xmm[i] = vec(a.concat(Array(perReg - a.length).fill(0n)), bits);
      pokeX(s, 16 * i, vec(b.concat(Array(perReg - b.length).fill(0n)), bits));
    }
  }
  return s;
}

const memOperand = (kind: FpKind, i: number) => `${(kind === 'sd' ? 8 : kind === 'ss' ? 4 : 16) * i}(%rbx)`;

/** A binary FP op over every ordered pair of edge values, memory second operands; plus a
 *  register-register case. */
function fpBinary(mnem: string, kind: FpKind, values = VALUES[kind]): void {
  const perCase = kind === 'sd' || kind === 'ss' ? 16 : 16 * (128 / LANE_BITS[kind]);
  pairChunks(values, perCase).forEach((pairs, c) => {
    const regs = Math.ceil(pairs.length / (perCase / 16));
    add(`${mnem} m ${c}`, range(regs).map((i) => `${mnem} ${memOperand(kind, i)},${x(i)}`), fpMemState(kind, pairs));
  });
  const chunks = pairChunks(values, perCase);
  const s = fpMemState(kind, chunks[Math.min(1, chunks.length - 1)]!);
  add(`${mnem} xmm`, range(8).map((i) => `${mnem} ${x(2 * i + 1)},${x(2 * i)}`), s);
}

for (const kind of ['sd', 'ss', 'pd', 'ps'] as const) {
  for (const op of ['add', 'sub', 'mul', 'div', 'min', 'max']) fpBinary(`${op}${kind}`, kind);
  // sqrt of each value (the first operand is only a merge source for the scalar forms).
  const s = fpMemState(kind, VALUES[kind].map((v) => [v, v]));
  add(`sqrt${kind} m`, range(16).map((i) => `sqrt${kind} ${memOperand(kind, i)},${x(i)}`), s);
  add(`sqrt${kind} xmm`, range(15).map((i) => `sqrt${kind} ${x(i)},${x(i + 1)}`), fpMemState(kind, VALUES[kind].map((v) => [v, v])));
}

// The compare predicates, by name (imm8 folded into the mnemonic) and one by imm8 >= 8.
const PREDICATES = ['eq', 'lt', 'le', 'unord', 'neq', 'nlt', 'nle', 'ord'];
for (const kind of ['sd', 'ss', 'pd', 'ps'] as const) {
  for (const p of PREDICATES) fpBinary(`cmp${p}${kind}`, kind, kind === 'sd' || kind === 'pd' ? F64_CMP : F32_CMP);
  const s = fpMemState(kind, pairChunks(kind === 'sd' || kind === 'pd' ? F64_CMP : F32_CMP, 16)[2]!);
  add(`cmp${kind} imm8`, [0, 3, 5, 7, 9, 12].map((n, i) => `cmp${kind} $${n},${x(i + 8)},${x(i)}`), s);
}

// ucomis/comis: each compare's Z P C S O via setcc into scratch 128+i ... 192+i; all of
// the last one's flags (A too) with every flag set beforehand.
for (const mnem of ['ucomisd', 'comisd', 'ucomiss', 'comiss']) {
  const kind = mnem.endsWith('sd') ? 'sd' : 'ss';
  pairChunks(VALUES[kind], 16).forEach((pairs, c) => {
    const s = fpMemState(kind, pairs);
    s.rflags = 0x8d5n;
    add(`${mnem} ${c}`, range(16).flatMap((i) => [`${mnem} ${memOperand(kind, i)},${x(i)}`,
      ...['z', 'p', 'c', 's', 'o'].map((f, j) => `set${f} ${128 + 16 * j + i}(%rbx)`)]), s);
  });
  const s = fpMemState(kind, pairChunks(VALUES[kind], 16)[3]!);
  s.rflags = 0x8d5n;
  add(`${mnem} xmm`, [`${mnem} %xmm1,%xmm0`], s);
}

// ---------------------------------------------------------------- conversions

const F64_TO_INT: bigint[] = [
  f64(0), f64(-0), f64(1.5), f64(-1.5), f64(2.5), f64(-2.5), f64(0.5), f64(-0.5), f64(2147483647), f64(2147483647.5),
  f64(2147483648), f64(-2147483648), f64(-2147483648.5), f64(-2147483649), f64(2 ** 63), f64(-(2 ** 63)),
  f64(9223372036854774784), f64(-9223372036854774784), 0x7ff8000000000000n, 0xfff8000000000001n, f64(Infinity),
  f64(-Infinity), f64(1e300), 1n, f64(-1e-310), f64(4503599627370497), f64(-4503599627370495.5), f64(3.75),
];
const F32_TO_INT: bigint[] = [
  f32(0), f32(-0), f32(1.5), f32(-1.5), f32(2.5), f32(-2.5), f32(0.5), f32(-0.5), f32(2147483520), f32(2147483648),
  f32(-2147483648), f32(-2147483904), f32(2 ** 63), f32(-(2 ** 63)), f32(9223371487098961920), 0x7fc00000n,
  0xffc00001n, 0x7f800000n, 0xff800000n, f32(1e30), 1n, f32(8388609), f32(-8388607.5), f32(3.75),
];

const GPR32 = ['eax', 'ecx', 'edx', 'esi', 'edi', 'r8d', 'r9d', 'r10d', 'r11d', 'r12d', 'r13d', 'r14d', 'r15d', 'ebp'];
const GPR64 = ['rax', 'rcx', 'rdx', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15', 'rbp'];

for (const [mnem, kind, values] of [
  ['cvttsd2si', 'sd', F64_TO_INT], ['cvtsd2si', 'sd', F64_TO_INT], ['cvttss2si', 'ss', F32_TO_INT], ['cvtss2si', 'ss', F32_TO_INT],
] as const) {
  for (const [width, gprs] of [[32, GPR32], [64, GPR64]] as const) {
    for (let start = 0; start < values.length; start += 14) {
      const chunk = values.slice(start, start + 14);
      const s = fpMemState(kind, chunk.map((v) => [v, v]));
      const asm = chunk.map((_, i) => (i % 2 === 0 ? `${mnem} ${x(i)},%${gprs[i]}` : `${mnem} ${memOperand(kind, i)},%${gprs[i]}`));
      add(`${mnem} r${width} ${start}`, asm, s);
      if (!mnem.startsWith('cvtt')) {
        for (const rc of [1, 2, 3]) {
          const r = fpMemState(kind, chunk.map((v) => [v, v]));
          add(`${mnem} r${width} ${start} rc${rc}`, withRounding(r, rc, chunk.map((_, i) => `${mnem} ${x(i)},%${gprs[i]}`)), r);
        }
      }
    }
  }
}
{
  const s = fpMemState('sd', F64_TO_INT.map((v) => [v, v]));
  add('cvttsd2si ignores rc', withRounding(s, 2, range(14).map((i) => `cvttsd2si ${x(i)},%${GPR64[i]}`)), s);
}

const INT32S = [0n, 1n, 0xffffffffn, 0x80000000n, 0x7fffffffn, 16777217n, BigInt.asUintN(32, -16777217n), 0x7ffffff1n,
  0x12345678n, 0xfedcba98n, 3n, 0x40000001n, 0x00ffffffn, 0xff000001n];
const INT64S = [0n, 1n, 0xffffffffffffffffn, 0x8000000000000000n, 0x7fffffffffffffffn, (1n << 53n) + 1n,
  BigInt.asUintN(64, -((1n << 53n) + 1n)), 0x7ffffffffffffdffn, 0x123456789abcdef1n, 0xfedcba9876543211n,
  0x0000000100000001n, 0x00000000ffffffffn, (1n << 24n) + 1n, 0x8000000000000401n];
for (const mnem of ['cvtsi2sd', 'cvtsi2ss']) {
  for (const rc of [0, 1, 2, 3]) {
    const s = baseState(seed++);
    const regs: string[] = [];
    GPR32.forEach((g, i) => {
      // Odd registers convert their low 32 bits (the upper half is junk), even ones all 64.
      s.gpr[regNumber(GPR64[i]!)] = i % 2 ? (0xdeadbeefn << 32n) | INT32S[i]! : INT64S[i]!;
      regs.push(i % 2 ? `%${g}` : `%${GPR64[i]}`);
    });
    INT64S.slice(0, 2).forEach((v, i) => poke(s, 8 * i, v, 8));
    poke(s, 16, 0x80000000n, 4);
    poke(s, 20, 0x7fffffffn, 4);
    const body = regs.map((r, i) => `${mnem} ${r},${x(i)}`)
      .concat(`${mnem}q 8(%rbx),%xmm14`, `${mnem}l 16(%rbx),%xmm15`);
    add(`${mnem} rc${rc}`, rc ? withRounding(s, rc, body) : body, s);
  }
}

function regNumber(name: string): number {
  return ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'].indexOf(name);
}

const NARROWING: bigint[] = [
  f64(1 + 2 ** -24), f64(1 + 3 * 2 ** -24), f64(-(1 + 2 ** -24)), f64(1e300), f64(-1e300), f64(1e-40), f64(1e-50),
  f64(-1e-50), 0x7ff8000000000abcn, 0x7ff0000000000001n, 0xfff0000020000000n, f64(3.4028235677973366e38),
  f64(3.4028234663852886e38), f64(1 / 3), f64(-0), f64(Infinity),
];
for (const rc of [0, 1, 2, 3]) {
  const s = fpMemState('sd', NARROWING.map((v) => [v, v]));
  const body = range(16).map((i) => (i % 2 ? `cvtsd2ss ${x(i)},${x(i)}` : `cvtsd2ss ${memOperand('sd', i)},${x(i)}`));
  add(`cvtsd2ss rc${rc}`, rc ? withRounding(s, rc, body) : body, s);
  const p = baseState(seed++);
  for (const i of range(8)) p.xmm[i] = [NARROWING[2 * i]!, NARROWING[2 * i + 1]!];
  for (const i of range(8)) pokeX(p, 16 * i, [NARROWING[15 - 2 * i]!, NARROWING[14 - 2 * i]!]);
  const pbody = range(8).flatMap((i) => [`cvtpd2ps ${x(i)},${x(i)}`, `cvtpd2ps ${16 * i}(%rbx),${x(8 + i)}`]);
  add(`cvtpd2ps rc${rc}`, rc ? withRounding(p, rc, pbody) : pbody, p);
}
{
  const s = fpMemState('ss', F32S.map((v) => [v, v]));
  add('cvtss2sd', range(16).map((i) => (i % 2 ? `cvtss2sd ${x(i)},${x(15 - i)}` : `cvtss2sd ${memOperand('ss', i)},${x(i)}`)), s);
  const p = baseState(seed++);
  for (const i of range(8)) p.xmm[i] = vec([F32S[2 * i]!, F32S[2 * i + 1]!, 0x12345678n, 0x9abcdef0n], 32);
  for (const i of range(8)) poke(p, 8 * i, vec([F32S[15 - 2 * i]!, F32S[14 - 2 * i]!], 32)[0], 8);
  add('cvtps2pd', range(8).flatMap((i) => [`cvtps2pd ${x(i)},${x(i)}`, `cvtps2pd ${8 * i}(%rbx),${x(8 + i)}`]), p);
}
for (const rc of [0, 1, 2, 3]) {
  // Integer lanes to float: int32 to double is exact, int32 to float rounds.
  const p = baseState(seed++);
  for (const i of range(8)) p.xmm[i] = vec(INT32S.slice(i, i + 4).concat(INT32S).slice(0, 4), 32);
  for (const i of range(4)) pokeX(p, 16 * i, vec(INT32S.slice(i + 5, i + 9), 32));
  const body = [
    ...range(4).map((i) => `cvtdq2ps ${x(i)},${x(i + 8)}`), ...range(4).map((i) => `cvtdq2ps ${16 * i}(%rbx),${x(i + 12)}`),
    ...range(4).map((i) => `cvtdq2pd ${x(i + 4)},${x(i)}`), 'cvtdq2pd 72(%rbx),%xmm4', 'cvtdq2pd %xmm5,%xmm5',
  ];
  add(`cvtdq2ps/cvtdq2pd rc${rc}`, rc ? withRounding(p, rc, body) : body, p);
  // Float lanes to int32: indefinite on NaN and overflow.
  const q = baseState(seed++);
  for (const i of range(6)) q.xmm[i] = vec(F32_TO_INT.slice(4 * i, 4 * i + 4), 32);
  for (const i of range(6)) pokeX(q, 16 * i, vec(F32_TO_INT.slice(4 * ((i + 1) % 6), 4 * ((i + 1) % 6) + 4), 32));
  for (const i of range(7)) q.xmm[8 + i] = [F64_TO_INT[4 * i]!, F64_TO_INT[4 * i + 1]!];
  for (const i of range(7)) pokeX(q, 96 + 16 * i, [F64_TO_INT[4 * i + 2]!, F64_TO_INT[4 * i + 3]!]);
  const body2 = [
    'cvtps2dq %xmm0,%xmm0', 'cvttps2dq %xmm1,%xmm1', 'cvtps2dq 32(%rbx),%xmm2', 'cvttps2dq 48(%rbx),%xmm3',
    'cvtps2dq %xmm4,%xmm6', 'cvttps2dq %xmm5,%xmm7', 'cvtpd2dq %xmm8,%xmm8', 'cvttpd2dq %xmm9,%xmm9',
    'cvtpd2dq 96(%rbx),%xmm10', 'cvttpd2dq 112(%rbx),%xmm11', 'cvtpd2dq %xmm12,%xmm4', 'cvttpd2dq %xmm13,%xmm5',
    'cvtpd2dq 128(%rbx),%xmm12', 'cvttpd2dq 144(%rbx),%xmm13', 'cvtpd2dq %xmm14,%xmm14', 'cvttpd2dq 160(%rbx),%xmm15',
  ];
  add(`cvtps2dq/cvtpd2dq rc${rc}`, rc ? withRounding(q, rc, body2) : body2, q);
}

// Arithmetic under each rounding mode, on operands whose results round.
{
  const D = [f64(1), f64(2 ** -60), f64(0.1), f64(0.2), f64(1 / 3), f64(-1e-17), f64(-1 / 3), f64(1e-17),
    f64(2 ** 1023), f64(2 ** 1023), f64(-3), f64(7), f64(1e-310), f64(0.7), f64(2), f64(-0)];
  const S = [f32(1), f32(2 ** -30), f32(0.1), f32(0.2), f32(1 / 3), f32(-1e-8), f32(-1 / 3), f32(1e-8),
    f32(2 ** 127), f32(2 ** 127), f32(-3), f32(7), 0x00000010n, f32(0.7), f32(2), f32(-0)];
  for (const rc of [1, 2, 3]) {
    for (const kind of ['sd', 'ss', 'pd', 'ps'] as const) {
      const vals = kind === 'sd' || kind === 'pd' ? D : S;
      for (const op of ['add', 'sub', 'mul', 'div', 'sqrt']) {
        const s = baseState(seed++);
        const bits = LANE_BITS[kind];
        for (const i of range(8)) {
          const a = vals[(2 * i) % 16]!;
          const b = vals[(2 * i + 1) % 16]!;
          const lanes = 128 / bits;
          s.xmm[2 * i] = vec(Array.from({ length: lanes }, (_, j) => (j % 2 ? b : a)), bits);
          s.xmm[2 * i + 1] = vec(Array.from({ length: lanes }, (_, j) => vals[(2 * i + 1 + 3 * j) % 16]!), bits);
        }
        add(`${op}${kind} rc${rc}`, withRounding(s, rc, range(8).map((i) => `${op}${kind} ${x(2 * i + 1)},${x(2 * i)}`)), s);
      }
    }
  }
}

// ---------------------------------------------------------------- VEX.128 forms that share the lifting

add('vex int', ['vpaddb %xmm1,%xmm2,%xmm3', 'vpxor 16(%rbx),%xmm4,%xmm5', 'vpunpcklbw %xmm6,%xmm7,%xmm8',
  'vpsllw $3,%xmm9,%xmm10', 'vpsrldq $5,%xmm11,%xmm12', 'vpshufd $0x1b,3(%rbx),%xmm13', 'vshufps $0x4e,%xmm14,%xmm15,%xmm0'],
baseState(seed++));
add('vex fp', ['vaddsd %xmm1,%xmm2,%xmm3', 'vmulpd 17(%rbx),%xmm4,%xmm5', 'vcmpltsd %xmm6,%xmm7,%xmm8',
  'vucomisd %xmm9,%xmm10', 'vcvtsi2sd %rax,%xmm11,%xmm12', 'vcvttsd2si %xmm13,%ecx', 'vsqrtsd %xmm14,%xmm15,%xmm0'],
fpMemState('sd', pairChunks(F64S, 16)[5]!));
add('vex moves', ['vmovsd %xmm1,%xmm2,%xmm3', 'vmovq %rax,%xmm4', 'vmovdqu 5(%rbx),%xmm5', 'vmovhps 8(%rbx),%xmm6,%xmm7',
  'vmovss 4(%rbx),%xmm8', 'vpmovmskb %xmm9,%edx'], baseState(seed++));

// ---------------------------------------------------------------- the checks

const view = (st: CpuState) => stateView(st, 16);

describe('SSE/SSE2 against the CPU', () => {
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

describe('SSE/SSE2 lifted IR', () => {
  const snippets = [...new Set(cases.map((c) => c.asm))];
  const BASE = 0x400000;

  // runSnippet checks each block it runs too; this also covers blocks the optimiser would
  // change, in one assembly of all the snippets, each ended by a ud2 (which ends a block).
  it('lifts every snippet completely into sane IR', () => {
    const bytes = assembleSnippet(snippets.map((asm) => `${asm}; ud2`).join('\n'));
    const code = { fetch: (a: number, max: number) => bytes.slice(a - BASE, a - BASE + max) };
    let snippet = 0;
    for (let pc = BASE; pc < BASE + bytes.length;) {
      const { sb, instrs, noDecode } = liftSuperblock(code, pc);
      const where = snippets[snippet];
      expect(noDecode, `${where}: ${noDecode?.reason} at 0x${pc.toString(16)}`).toBeUndefined();
      expect(checkIRSB(sb, { guestStateSize: GUEST_STATE_SIZE }), where).toEqual([]);
      if (sb.jumpkind === 'NoDecode') snippet++; // the ud2
      pc = instrs.at(-1)!.addr + instrs.at(-1)!.len;
    }
    expect(snippet).toBe(snippets.length);
  }, 60_000);

  it('leaves bits 128..255 alone in legacy encodings and zeroes them in VEX.128', () => {
    const upperPuts = (asm: string) => {
      const bytes = assembleSnippet(asm);
      const { sb } = liftSuperblock({ fetch: (a, max) => bytes.slice(a - BASE, a - BASE + max) }, BASE);
      return sb.stmts.filter((s) => s.tag === 'Put' && s.offset >= OFFSET_YMM(0) && (s.offset - OFFSET_YMM(0)) % 32 >= 16);
    };
    expect(upperPuts('paddb %xmm1,%xmm2; addsd %xmm1,%xmm2; movsd (%rax),%xmm3; cvtsi2sd %eax,%xmm4; movq %rax,%xmm5')).toEqual([]);
    expect(upperPuts('vpaddb %xmm1,%xmm2,%xmm3; vaddsd %xmm1,%xmm2,%xmm3; vmovq %rax,%xmm5')).toHaveLength(3);
  });

  // The oracle cannot run these (natively they kill the harness with SIGSEGV).
  it('faults on a misaligned m128 exactly where the CPU does', () => {
    const segvExits = (asm: string) => {
      const bytes = assembleSnippet(asm);
      const { sb, instrs } = liftSuperblock({ fetch: (a, max) => bytes.slice(a - BASE, a - BASE + max) }, BASE);
      expect(instrs.length).toBe(asm.split(';').length);
      return sb.stmts.filter((s) => s.tag === 'Exit' && s.jk === 'SigSEGV').length;
    };
    expect(segvExits('movdqa (%rax),%xmm0; movaps %xmm0,(%rax); paddb (%rax),%xmm1; pshufd $1,(%rax),%xmm2; '
      + 'cvtpd2ps (%rax),%xmm3; psllw (%rax),%xmm4; movntdq %xmm0,(%rax); addpd (%rax),%xmm5; vmovdqa (%rax),%xmm6')).toBe(9);
    expect(segvExits('movdqu (%rax),%xmm0; movups %xmm0,(%rax); movsd (%rax),%xmm1; addsd (%rax),%xmm1; '
      + 'movhps (%rax),%xmm2; cvtdq2pd (%rax),%xmm3; vpaddb (%rax),%xmm1,%xmm2; pinsrw $1,(%rax),%xmm0')).toBe(0);
  });

  it('leaves MMX and 256-bit forms unlifted (SIGILL), not mistranslated', () => {
    for (const asm of ['paddb %mm1,%mm0', 'movq %mm0,%rax', 'vpaddb %ymm1,%ymm2,%ymm3', 'vmovdqu (%rax),%ymm0']) {
      const bytes = assembleSnippet(asm);
      const { noDecode } = liftSuperblock({ fetch: (a, max) => bytes.slice(a - BASE, a - BASE + max) }, BASE);
      expect(noDecode?.reason, asm).toBe('not lifted');
    }
  });
});
