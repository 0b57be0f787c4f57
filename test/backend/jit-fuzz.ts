// The random-IR differential fuzzer: well-typed blocks over every op of the op table, with
// edge-value constants, guest state and memory reads and writes (some of them faulting),
// side exits, helper calls and compare-and-swaps, run by the interpreter and by the wasm
// JIT from the same state; every byte of guest state, every byte of the memory area and
// the exit must agree. The test runs it at a fixed seed and size; `npm run fuzz:jit` runs
// it longer. FUZZ_JIT_FOCUS=vector makes the blocks mostly vector code (see IRGen).
import { type BlockExit, isPlainJump } from '../../src/engine/backend/backend.ts';
import type { Translation } from '../../src/engine/backend/cache.ts';
import { HelperSet, dirtyHelper, pureHelper } from '../../src/engine/backend/helpers.ts';
import { InterpBackend } from '../../src/engine/backend/interp/index.ts';
import { RunCounters } from '../../src/engine/backend/run-area.ts';
import { WasmBackend } from '../../src/engine/backend/wasm/index.ts';
import { CheckedMemory } from '../../src/engine/core/memory-port.ts';
import { amd64Helpers } from '../../src/engine/guest/amd64/helpers.ts';
import { GUEST_STATE_SIZE } from '../../src/engine/guest/amd64/state.ts';
import {
  ALL_OPS, IRSBBuilder, TYPE_BITS, assertSaneIRSB, binop, ccall, constant, get, load, opSignature, qop, triop, unop,
  type IRExpr, type IROp, type IRSB, type IRType, type RdTmp,
} from '../../src/engine/ir/index.ts';
import { AddressSpace, PERM_RW } from '../../src/engine/memory/index.ts';
import { THREAD_STATES } from '../../src/engine/memory/reserved.ts';
import { Random } from './random.ts';

const RIP = 184;
/** A looping block's iteration count (clear of what the blocks write). */
const LOOP_COUNTER = 200;
/** Where the blocks are. */
const BLOCK_ADDR = 0x1000;
/** Guest state the blocks read and write: clear of the IP. */
const STATE_LO = 256;
const STATE_HI = 896;
/** Two mapped pages; the page after them is not mapped, so accesses near the end fault. */
export const MEM_BASE = 0x1000_0000;
export const MEM_SIZE = 0x2000;

const TYPES: readonly IRType[] = ['I1', 'I8', 'I16', 'I32', 'I64', 'I128', 'F32', 'F64', 'V128', 'V256'];

const OPS_BY_RESULT = new Map<IRType, IROp[]>();
for (const op of ALL_OPS) {
  const { res } = opSignature(op);
  OPS_BY_RESULT.set(res, [...(OPS_BY_RESULT.get(res) ?? []), op]);
}

const F64_EDGES: readonly bigint[] = [
  0n, 1n << 63n, 0x3ff0000000000000n, 0xbff0000000000000n, 0x3fe0000000000000n, 0x3ff8000000000000n,
  0x4004000000000000n, 0xc004000000000000n, 0x4330000000000000n, 0x4330000000000001n, 0x43e0000000000000n,
  0xc3e0000000000000n, 0x43f0000000000000n, 0x41e0000000000000n, 0xc1e0000000200000n,
  0x7ff0000000000000n, 0xfff0000000000000n, 0x7ff8000000000000n, 0xfff8000000000000n, 0x7ff4000000000123n,
  0xfff0000000000001n, 0x0000000000000001n, 0x000fffffffffffffn, 0x7fefffffffffffffn, 0x3fdfffffffffffffn,
];
const F32_EDGES: readonly number[] = [
  0, 0x80000000, 0x3f800000, 0xbf800000, 0x3f000000, 0x3fc00000, 0x40200000, 0xc0200000, 0x4b000000, 0x4b000001,
  0x5f000000, 0xdf000000, 0x4f000000, 0xcf000000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000, 0x7fa00123,
  0xff800001, 1, 0x7fffff, 0x7f7fffff,
];

/** Where fz_peek reads the guest state (declaring it in fxState, as memcheck's helpers
 *  declare the registers they unwind from). */
const PEEK = STATE_LO + 64;

/** Helpers the generated blocks call: pure and dirty, scalar and vector, one that touches
 *  memory (and may fault), one that reads a register its call names, one that reads the
 *  clock (`blocks`: the blocks run so far), and the amd64 flag helpers with their wasm
 *  fast paths. */
export function fuzzHelpers(blocks: () => number = () => 0): HelperSet {
  const mix = (...xs: bigint[]) => xs.reduce((h, x) => BigInt.asUintN(64, (h ^ x) * 0x100000001b3n), 0xcbf29ce484222325n);
  return new HelperSet([
    ...amd64Helpers(() => 123456789n),
    pureHelper('fz_mix', 'I64 I64 -> I64', (a: bigint, b: bigint) => mix(a, b)),
    pureHelper('fz_mix32', 'I32 Word -> I32', (a: number, w: number) => Number(mix(BigInt(a), BigInt(w)) & 0xffffffffn)),
    pureHelper('fz_flt', 'F64 F32 -> F64', (a: number, b: number) => a * 2 - b),
    pureHelper('fz_bit', 'I8 I8 -> I16', (a: number, b: number) => (a ? b * 3 : b + 7) & 0xffff),
    dirtyHelper('fz_probe', 'Word I64 -> I64', { state: true }, (env, w: number, x: bigint) => {
      env.state.setBigUint64(STATE_LO, BigInt.asUintN(64, x + BigInt(w)), true);
      return mix(x, BigInt(w));
    }),
    dirtyHelper('fz_vec', 'V128 I32 -> V128', {}, (_env, v: readonly number[], k: number) => v.map((w, i) => (w ^ (k * (i + 1))) | 0)),
    dirtyHelper('fz_mem', 'Word -> I64', { memory: true }, (env, addr: number) => env.mem.load64(addr)),
    dirtyHelper('fz_peek', 'Word -> I64', {}, (env, w: number) => mix(env.state.getBigUint64(PEEK, true), BigInt(w))),
    dirtyHelper('fz_clock', '-> I64', { clock: true }, () => BigInt(blocks())),
  ]);
}

/**
 * What the blocks are made of. 'all': every type and op alike (the test's mode). 'vector':
 * mostly V128 and MMX values and the ops on them, lanes built from float and integer edge
 * values (NaNs, signed zeros, infinities, out-of-range conversions, saturation bounds),
 * and shift and slice counts around the lane width, in whole bytes, and not constant.
 */
export type FuzzFocus = 'all' | 'vector';

const defaultFocus = (): FuzzFocus => (process.env.FUZZ_JIT_FOCUS === 'vector' ? 'vector' : 'all');

const VECTOR_FOCUS_TYPES: readonly IRType[] = ['V128', 'V128', 'V128', 'V128', 'I64', 'I64', 'I32', 'I16', 'I8', 'I1', 'V256', 'F64'];
const isVectorOp = (op: IROp) => /x\d+$|V128|V256/.test(op);
/** 64-bit lane patterns: integer lane bounds in every width. */
const INT_LANE_EDGES: readonly bigint[] = [
  0x8080808080808080n, 0x7f7f7f7f7f7f7f7fn, 0x00ff00ff00ff00ffn, 0xff00ff00ff00ff00n, 0x8000800080008000n,
  0x7fff7fff7fff7fffn, 0xffff0000ffff0000n, 0x8000000080000000n, 0x7fffffff7fffffffn, 0x0000ffff0000ffffn,
  0x0102030405060708n, 0x8f8e8d8c0f0e0d0cn, 0xffffffffffffffffn, 0x8000000000000000n, 0n, 1n,
];

export class IRGen {
  private readonly b = new IRSBBuilder({ offsIP: RIP });
  private readonly temps = new Map<IRType, RdTmp[]>();
  /** In a block that loops to itself: the iteration (I64), for addresses that move. */
  private iteration?: RdTmp;

  constructor(private readonly rng: Random, private readonly focus: FuzzFocus = defaultFocus()) {}

  /** 64 bits of vector lanes for the vector focus: float or integer edges, or random. */
  private laneBits64(): bigint {
    const { rng } = this;
    switch (rng.int(5)) {
      case 0: case 1: return rng.pick(F64_EDGES);
      case 2: return (BigInt(rng.pick(F32_EDGES)) << 32n) | BigInt(rng.pick(F32_EDGES));
      case 3: return rng.pick(INT_LANE_EDGES);
      default: return rng.bits(64);
    }
  }

  /** A shift or slice count for the vector focus: around the lane width, whole bytes for
   *  the whole-vector shifts, and half the time computed (not a constant). */
  private vectorCount(op: IROp, laneWidth: number): IRExpr {
    const { rng } = this;
    const whole = /V128$/.test(op);
    const slice = op === 'SliceV128';
    if (rng.int(2) === 0) {
      const mask = slice ? 0x3f : whole ? rng.pick([0xf8, 0xff]) : Math.min(2 * laneWidth - 1, 0xff);
      return binop('And8', this.leaf('I8'), constant('I8', mask));
    }
    if (slice) return constant('I8', rng.int(8) === 0 ? 255 : rng.int(34));
    if (whole) return constant('I8', rng.int(4) === 0 ? rng.int(256) : 8 * rng.int(17));
    return constant('I8', rng.pick([0, 1, laneWidth - 1, laneWidth, laneWidth + 1, 255, rng.int(laneWidth)]));
  }

  private stateOffset(ty: IRType): number {
    if (ty === 'I64' && this.rng.int(8) === 0) return PEEK;
    const size = Math.max(1, TYPE_BITS[ty] / 8);
    const align = Math.min(size, 16);
    const slots = Math.floor((STATE_HI - STATE_LO - size) / align);
    return STATE_LO + align * this.rng.int(slots);
  }

  /** An address in the memory area, now and then beyond it (a fault). */
  private address(size: number): IRExpr {
    const { rng } = this;
    if (this.iteration && rng.int(6) === 0) {
      // Moving on by `size` an iteration, from near the end: a later iteration faults.
      const from = MEM_SIZE - size * (1 + rng.int(12));
      return binop('Add64', constant('I64', MEM_BASE + from), binop('Mul64', this.iteration, constant('I64', size)));
    }
    const off = rng.int(40) === 0 ? MEM_SIZE - size + rng.int(2 * size) : rng.int(MEM_SIZE - size + 1);
    return constant('I64', MEM_BASE + off);
  }

  leaf(ty: IRType): IRExpr {
    const { rng } = this;
    const pool = this.temps.get(ty) ?? [];
    const k = rng.int(10);
    if (k < 3 && pool.length > 0) return rng.pick(pool);
    switch (ty) {
      case 'I1': return k < 6 ? constant('I1', rng.int(2)) : binop('CmpLT64U', this.leaf('I64'), this.leaf('I64'));
      case 'F64': if (k < 6) return constant('F64', rng.int(3) ? rng.pick(F64_EDGES) : rng.bits(64)); break;
      case 'F32': if (k < 6) return constant('F32', BigInt(rng.int(3) ? rng.pick(F32_EDGES) : rng.next())); break;
      case 'V128':
        if (k < 4) return constant('V128', BigInt(rng.int(0x10000)));
        if (this.focus === 'vector' && k < 8) return binop('64HLtoV128', constant('I64', this.laneBits64()), constant('I64', this.laneBits64()));
        break;
      case 'V256': if (k < 4) return constant('V256', rng.bits(32)); break;
      case 'I128': if (k < 6) return binop('64HLto128', this.leaf('I64'), this.leaf('I64')); break;
      default: {
        const w = TYPE_BITS[ty];
        if (this.focus === 'vector' && ty === 'I64' && k >= 6 && k < 8) return constant('I64', this.laneBits64());
        if (k < 6) {
          const edges = [0n, 1n, (1n << BigInt(w)) - 1n, 1n << BigInt(w - 1), (1n << BigInt(w - 1)) - 1n];
          return constant(ty, rng.int(2) ? rng.pick(edges) : rng.bits(w));
        }
      }
    }
    if (rng.int(4) === 0) return load(ty, this.address(TYPE_BITS[ty] / 8));
    return get(this.stateOffset(ty), ty);
  }

  /** An operand of `ty` for argument i of `op`: shift amounts and rounding modes in range. */
  private operand(op: IROp, i: number, ty: IRType, depth: number): IRExpr {
    const { rng } = this;
    const sig = opSignature(op);
    if (ty === 'I8' && i === sig.args.length - 1 && /Sh|Sar|Slice/.test(op)) {
      const width = /x(\d+)$/.test(op) ? TYPE_BITS[sig.args[0]!] / Number(/x(\d+)$/.exec(op)![1]) : TYPE_BITS[sig.args[0]!];
      if (this.focus === 'vector' && isVectorOp(op)) return this.vectorCount(op, width);
      if (rng.int(4) !== 0) return constant('I8', rng.int(Math.min(width + 2, 256)));
    }
    if (i === 0 && ty === 'I32' && sig.args.length > 1 && /F|I\d+[SU]to|Round|Sqrt|Scale|Yl2x|Atan|PRem|2xm1|Sin|Cos|Tan/.test(op)) {
      return rng.int(4) === 0 ? binop('And32', this.leaf('I32'), constant('I32', 3)) : constant('I32', rng.int(6) === 0 ? 1 + rng.int(3) : 0);
    }
    return this.expr(ty, depth - 1);
  }

  expr(ty: IRType, depth: number): IRExpr {
    const { rng } = this;
    if (depth === 0 || rng.int(3) === 0) return this.leaf(ty);
    let ops = OPS_BY_RESULT.get(ty) ?? [];
    if (rng.int(20) !== 0) ops = ops.filter((op) => !/^Div(Mod)?[US]/.test(op));
    if (this.focus === 'vector' && rng.int(4) !== 0 && ops.some(isVectorOp)) ops = ops.filter(isVectorOp);
    if (ops.length === 0) return this.leaf(ty);
    const op = rng.pick(ops);
    const xs = opSignature(op).args.map((t, i) => this.operand(op, i, t, depth));
    switch (xs.length) {
      case 1: return unop(op as never, xs[0]!);
      case 2: return binop(op as never, xs[0]!, xs[1]!);
      case 3: return triop(op as never, xs[0]!, xs[1]!, xs[2]!);
      default: return qop(op as never, xs[0]!, xs[1]!, xs[2]!, xs[3]!);
    }
  }

  private remember(t: RdTmp, ty: IRType): void {
    this.temps.set(ty, [...(this.temps.get(ty) ?? []), t]);
  }

  private call(): void {
    const { b, rng } = this;
    const guard = rng.int(4) === 0 ? this.leaf('I1') : constant('I1', 1);
    switch (rng.int(10)) {
      case 0: this.remember(b.assign(ccall({ name: 'fz_mix' }, 'I64', [this.leaf('I64'), this.leaf('I64')])), 'I64'); break;
      case 1: this.remember(b.assign(ccall({ name: 'fz_mix32' }, 'I32', [this.leaf('I32'), this.leaf('I64')])), 'I32'); break;
      case 2: this.remember(b.assign(ccall({ name: 'fz_flt' }, 'F64', [this.leaf('F64'), this.leaf('F32')])), 'F64'); break;
      case 3: this.remember(b.assign(ccall({ name: 'fz_bit' }, 'I16', [this.leaf('I8'), this.leaf('I8')])), 'I16'); break;
      case 4: {
        const t = b.dirty({ callee: { name: 'fz_probe' }, args: [this.leaf('I64'), this.leaf('I64')], retTy: 'I64', guard, fxState: [{ fx: 'Write', offset: STATE_LO, size: 8 }] });
        this.remember(t, 'I64');
        break;
      }
      case 5: this.remember(b.dirty({ callee: { name: 'fz_vec' }, args: [this.leaf('V128'), this.leaf('I32'), { tag: 'VECRET' }], retTy: 'V128', guard }), 'V128'); break;
      case 6: {
        const addr = this.address(8);
        this.remember(b.dirty({ callee: { name: 'fz_mem' }, args: [addr], retTy: 'I64', guard, mem: { fx: 'Read', addr, size: 8 } }), 'I64');
        break;
      }
      case 7: {
        const fxState = [{ fx: 'Read' as const, offset: PEEK, size: 8 }];
        this.remember(b.dirty({ callee: { name: 'fz_peek' }, args: [this.leaf('I64')], retTy: 'I64', guard, fxState }), 'I64');
        break;
      }
      case 8: this.remember(b.dirty({ callee: { name: 'fz_clock' }, args: [], retTy: 'I64', guard }), 'I64'); break;
      default: {
        // A lazy-flags thunk: mostly COPY (every helper's fast path), else any CC_OP (the
        // carry's fast path covers the families up to the rotates).
        const op = constant('I64', rng.int(3) ? 0n : BigInt(rng.int(65)));
        const thunk = [op, this.leaf('I64'), this.leaf('I64'), this.leaf('I64')];
        const k = rng.int(3);
        const t = k === 0 ? ccall({ name: 'amd64g_calculate_condition' }, 'I64', [constant('I64', rng.int(17)), ...thunk])
          : ccall({ name: k === 1 ? 'amd64g_calculate_rflags_c' : 'amd64g_calculate_rflags_all' }, 'I64', thunk);
        this.remember(b.assign(t), 'I64');
      }
    }
  }

  /** A block of `insns` instructions; with `loop`, one that jumps back to its own start
   *  (counting its iterations at LOOP_COUNTER), as a hot loop does. */
  block(insns = 6, loop = false): IRSB {
    const { b, rng } = this;
    for (let insn = 0; insn < insns; insn++) {
      b.imark(BLOCK_ADDR + 4 * insn, 4);
      if (loop && insn === 0) {
        this.iteration = b.assign(get(LOOP_COUNTER, 'I64'));
        b.put(LOOP_COUNTER, binop('Add64', this.iteration, constant('I64', 1)));
      }
      for (let s = 0; s < 4; s++) {
        const ty = rng.pick(this.focus === 'vector' ? VECTOR_FOCUS_TYPES : TYPES);
        const t = b.assign(this.expr(ty, 3));
        this.remember(t, ty);
        if (ty === 'I1') continue;
        const k = rng.int(4);
        if (k === 0) b.store(this.address(TYPE_BITS[ty] / 8), t);
        else if (k === 1) b.put(this.stateOffset(ty), t);
      }
      if (rng.int(3) === 0) this.call();
      if (rng.int(8) === 0) {
        const ty = rng.pick(['I8', 'I16', 'I32', 'I64'] as const);
        this.remember(b.cas({ addr: this.address(TYPE_BITS[ty] / 8), expdLo: this.leaf(ty), dataLo: this.leaf(ty) }), ty);
      }
      if (rng.int(5) === 0) b.exit(this.leaf('I1'), rng.int(4) ? 'Boring' : 'Sys_syscall', loop && rng.int(3) === 0 ? BLOCK_ADDR : 0x8000 + insn);
    }
    return b.finish(constant('I64', loop ? BLOCK_ADDR : BLOCK_ADDR + 4 * insns), 'Boring');
  }
}

export interface Outcome {
  exit: BlockExit;
  state: Uint8Array;
  mem: Uint8Array;
  /** What the run counters gained: blocks, guest instructions, runs of the block. */
  counted: { blocks: number; insns: number; runs: number };
}

/** One machine's worth of memory and both backends, reused block after block. */
export class Differ {
  private readonly as = new AddressSpace();
  private readonly counters = new RunCounters(this.as.memory.wasmMemory.buffer);
  /** fz_clock counts from the start of each backend's run. */
  private readonly helpers = fuzzHelpers(() => this.counters.blocks - this.clockBase);
  private clockBase = 0;
  private readonly state = new DataView(this.as.memory.wasmMemory.buffer, THREAD_STATES, GUEST_STATE_SIZE);
  private readonly env = { state: this.state, mem: new CheckedMemory(this.as) };
  private readonly interp = new InterpBackend(this.helpers, this.env, this.counters);
  private readonly wasm = new WasmBackend({
    memory: this.as.memory.wasmMemory, helpers: this.helpers, env: this.env, counters: this.counters, interp: this.interp,
    stateAddr: THREAD_STATES, ripOffset: RIP, as: this.as, linkable: () => this.linkable,
  });
  /** Whether compiled code may go on into the block by itself (a run of more than one). */
  private linkable = false;
  private slot = 0;
  private previous?: Translation;

  constructor() {
    this.as.mmap({ addr: MEM_BASE, length: MEM_SIZE, perm: PERM_RW, fixed: 'replace' });
  }

  /** Fills state and memory from `seed`: random bytes, with float edge values here and there. */
  private reset(seed: number): void {
    const rng = new Random(seed);
    const fill = (dv: DataView, n: number) => {
      for (let i = 0; i < n; i += 8) {
        const k = rng.int(6);
        if (k === 0) dv.setBigUint64(i, rng.pick(F64_EDGES), true);
        else if (k === 1) { dv.setUint32(i, rng.pick(F32_EDGES), true); dv.setUint32(i + 4, rng.pick(F32_EDGES), true); }
        else dv.setBigUint64(i, rng.bits(64), true);
      }
    };
    fill(this.state, GUEST_STATE_SIZE);
    fill(new DataView(this.as.memory.wasmMemory.buffer, MEM_BASE, MEM_SIZE), MEM_SIZE);
  }

  private outcome(exit: BlockExit, before: Outcome['counted'], slot: number): Outcome {
    const c = this.counters;
    return {
      exit,
      counted: { blocks: c.blocks - before.blocks, insns: c.insns - before.insns, runs: c.runsOf(slot) - before.runs },
      state: new Uint8Array(this.state.buffer, THREAD_STATES, GUEST_STATE_SIZE).slice(),
      mem: this.as.memory.readBytes(MEM_BASE, MEM_SIZE),
    };
  }

  private counts(slot: number): Outcome['counted'] {
    this.clockBase = this.counters.blocks;
    return { blocks: this.counters.blocks, insns: this.counters.insns, runs: this.counters.runsOf(slot) };
  }

  /** Runs sb from the state `seed` makes, in the interpreter and compiled, for up to
   *  `budget` blocks: the interpreter runs it again while it jumps to its own start. */
  run(sb: IRSB, seed: number, budget = 1): { interp: Outcome; wasm: Outcome } {
    assertSaneIRSB(sb, { guestStateSize: GUEST_STATE_SIZE, helpers: this.helpers.signature });
    if (this.previous) this.wasm.drop(this.previous);
    this.slot = (this.slot % 60000) + 1;
    const insns = new Int32Array(sb.stmts.length + 1);
    sb.stmts.forEach((st, i) => { insns[i + 1] = insns[i]! + (st.tag === 'IMark' ? 1 : 0); });
    const t: Translation = { addr: BLOCK_ADDR, lifted: { sb, instrs: [] }, sb, insns, slot: this.slot };
    this.previous = t;
    this.reset(seed);
    this.state.setBigUint64(LOOP_COUNTER, 0n, true);
    let before = this.counts(t.slot);
    let exit: BlockExit;
    let blocks = 0;
    do {
      exit = this.interp.run(t).exit;
    } while (++blocks < budget && exit.kind === 'exit' && isPlainJump(exit.jk) && exit.next === BLOCK_ADDR);
    const interp = this.outcome(exit, before, t.slot);
    this.reset(seed);
    this.state.setBigUint64(LOOP_COUNTER, 0n, true);
    this.linkable = budget > 1;
    this.wasm.compileNow([t]);
    before = this.counts(t.slot);
    const wasm = this.outcome(this.wasm.run(t, budget).exit, before, t.slot);
    return { interp, wasm };
  }
}
