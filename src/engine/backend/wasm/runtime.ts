// The JIT's runtime module, one per machine: the dispatcher that runs compiled blocks one
// after another through the fast lookup cache, the helpers as wasm functions (a helper's
// fast path, or a trampoline into its JavaScript implementation through the scratch
// area), and the arithmetic that lowered ops share (128-bit products, x86 NaN results,
// rounding in a mode). Block modules import all of these.
import type { HelperDecl, HelperSet } from '../helpers.ts';
import { irTypeOf } from '../../ir/helpers.ts';
import { type FuncRef, FunctionBuilder, ModuleBuilder, type ValType } from '../../wasm/index.ts';
import { EXIT_SLOT, FAST_CACHE, FAST_ENTRIES, MAX_SLOTS, RUN_BUDGET, RUN_COUNTS, RUN_INSNS } from '../run-area.ts';
import { STOP_BUDGET, STOP_MISS } from './exits.ts';
import { RESULT_SLOT, argSlot } from './scratch.ts';
import { accessOps, wasmTypes } from './values.ts';

/** A block function: (guest state address) -> exit code. */
export const BLOCK_PARAMS: readonly ValType[] = ['i32'];
export const BLOCK_RESULTS: readonly ValType[] = ['i32'];

/** The wasm signature of a helper (a Word is an i64). */
export function helperSignature(d: HelperDecl): { params: ValType[]; results: ValType[] } {
  return {
    params: d.params.flatMap((p) => wasmTypes(irTypeOf(p))),
    results: d.result === undefined ? [] : [...wasmTypes(irTypeOf(d.result))],
  };
}

export const helperExportName = (i: number): string => `h${i}`;
/** The JavaScript implementation of helper i as a wasm function (for inlined fast paths). */
export const slowExportName = (i: number): string => `s${i}`;

export interface RuntimeOptions {
  helpers: readonly HelperDecl[];
  /** Where rip lives in the guest state. */
  ripOffset: number;
  /** The running thread's guest state, for helpers' fast paths. */
  stateAddr: number;
}

export function buildRuntime(o: RuntimeOptions): Uint8Array<ArrayBuffer> {
  const m = new ModuleBuilder();
  m.importMemory({ module: 'e', name: 'mem', min: 0x1_0000, max: 0x1_0000, shared: true });
  m.importTable({ module: 'e', name: 'table', min: MAX_SLOTS });
  const helperJs = m.importFunction('e', 'helper', ['i32'], []);
  const blockType = m.type(BLOCK_PARAMS, BLOCK_RESULTS);

  const exp = (f: FunctionBuilder) => m.exportFunction(f.name, m.addFunction(f));
  exp(dispatcher(blockType, o.ripOffset));
  exp(missFunction());
  exp(chain(blockType));
  exp(leave());
  arithmetic(m);
  o.helpers.forEach((d, i) => {
    const sig = helperSignature(d);
    const slowRef = m.addFunction(trampoline(slowExportName(i), d, i, helperJs));
    if (!d.wasm) {
      m.exportFunction(helperExportName(i), slowRef);
      return;
    }
    if (d.inline) m.exportFunction(slowExportName(i), slowRef);
    const f = new FunctionBuilder(helperExportName(i), sig.params, sig.results);
    const params = sig.params.map((_, p) => p);
    d.wasm({
      f, params,
      slow: () => { for (const p of params) f.get(p); f.call(slowRef).op('return'); },
      done: () => { f.op('return'); },
    }, { state: o.stateAddr });
    exp(f);
  });
  return m.encode();
}

/**
 * run(st, first): calls the block in slot `first`, then, while blocks go on (return 0)
 * and the block budget lasts, the block the fast lookup cache has for rip. Returns the
 * exit code of the block that stopped, STOP_BUDGET or STOP_MISS.
 */
function dispatcher(blockType: number, ripOffset: number): FunctionBuilder {
  const f = new FunctionBuilder('run', ['i32', 'i32'], ['i32']);
  const [st, first] = [0, 1];
  const rip = f.local('i64');
  const e = f.local('i32');
  const code = f.local('i32');
  f.get(st).get(first).callIndirect(blockType).tee(code).op('if').get(code).op('return').op('end');
  f.op('loop');
  f.i32(0).op('i32.load', RUN_BUDGET).i32(0).op('i32.le_s');
  f.op('if').i32(STOP_BUDGET).op('return').op('end');
  f.get(st).op('i64.load', ripOffset).set(rip);
  // fastIndex (run-area.ts): (a ^ (a >>> 16)) & (FAST_ENTRIES - 1), 16 bytes an entry.
  f.get(rip).op('i32.wrap_i64').tee(e).get(e).i32(16).op('i32.shr_u').op('i32.xor');
  f.i32(FAST_ENTRIES - 1).op('i32.and').i32(4).op('i32.shl').set(e);
  f.get(e).op('i64.load', FAST_CACHE).get(rip).op('i64.ne');
  f.op('if').i32(STOP_MISS).op('return').op('end');
  f.get(st).get(e).op('i32.load', FAST_CACHE + 8).callIndirect(blockType).tee(code);
  f.op('i32.eqz').op('br_if', 0);
  f.op('end');
  f.get(code);
  return f;
}

/** Counts one run of the block in the slot `slot` pushes, which began the guest
 *  instructions `insns` pushes (an f64), as RunCounters.count does for the interpreter,
 *  and takes the block from the budget, leaving what remains in the local `left`. Inline
 *  wherever a block ends: a call per block would cost what the counting does. */
export function countRun(f: FunctionBuilder, slot: () => void, insns: () => void, left: number): void {
  f.i32(0).i32(0).op('f64.load', RUN_INSNS);
  insns();
  f.op('f64.add').op('f64.store', RUN_INSNS);
  const at = f.local('i32');
  slot();
  f.i32(2).op('i32.shl').tee(at).get(at).op('i32.load', RUN_COUNTS).i32(1).op('i32.add').op('i32.store', RUN_COUNTS);
  f.i32(0).i32(0).op('i32.load', RUN_BUDGET).i32(1).op('i32.sub').tee(left).op('i32.store', RUN_BUDGET);
}

/**
 * chain(st, slot, insns, target): a block in `slot` ends with a plain jump to a target
 * it computed (a return, an indirect jump or call; rip already written). Counts the run,
 * then, while the block budget lasts and the fast lookup cache has compiled code for the
 * target, tail-calls it; else back to the dispatcher, which stops (budget) or misses.
 */
function chain(blockType: number): FunctionBuilder {
  const f = new FunctionBuilder('chain', ['i32', 'i32', 'i32', 'i64'], ['i32']);
  const [st, slot, insns, target] = [0, 1, 2, 3];
  const e = f.local('i32');
  const left = f.local('i32');
  countRun(f, () => f.get(slot), () => f.get(insns).op('f64.convert_i32_u'), left);
  f.get(left).i32(0).op('i32.gt_s').op('if');
  // fastIndex (run-area.ts): (a ^ (a >>> 16)) & (FAST_ENTRIES - 1), 16 bytes an entry.
  f.get(target).op('i32.wrap_i64').tee(e).get(e).i32(16).op('i32.shr_u').op('i32.xor');
  f.i32(FAST_ENTRIES - 1).op('i32.and').i32(4).op('i32.shl').tee(e);
  f.op('i64.load', FAST_CACHE).get(target).op('i64.eq').op('if');
  f.get(st).get(e).op('i32.load', FAST_CACHE + 8).callIndirect(blockType, true);
  f.op('end').op('end');
  f.i32(STOP_BUDGET);
  return f;
}

/** leave(slot, insns, code): a block in `slot` stops with `code` for the run loop. */
function leave(): FunctionBuilder {
  const f = new FunctionBuilder('leave', ['i32', 'i32', 'i32'], ['i32']);
  countRun(f, () => f.get(0), () => f.get(1).op('f64.convert_i32_u'), f.local('i32'));
  f.i32(0).get(0).op('i32.store', EXIT_SLOT);
  f.get(2);
  return f;
}

/** Slot 0 and every empty slot: a "block" that sends the dispatcher back to JavaScript. */
function missFunction(): FunctionBuilder {
  const f = new FunctionBuilder('miss', BLOCK_PARAMS, BLOCK_RESULTS);
  f.i32(STOP_MISS);
  return f;
}

/** A helper's JavaScript implementation as a wasm function: its arguments to the scratch
 *  area, the call, its result back. */
function trampoline(name: string, d: HelperDecl, index: number, js: FuncRef): FunctionBuilder {
  const sig = helperSignature(d);
  const f = new FunctionBuilder(name, sig.params, sig.results);
  let local = 0;
  d.params.forEach((p, k) => {
    const ty = irTypeOf(p);
    const { store, size } = ty === 'I1' ? { store: 'i32.store8', size: 1 } : accessOps(ty);
    wasmTypes(ty).forEach((_, part) => {
      f.i32(0).get(local++).op(store, argSlot(k) + part * size);
    });
  });
  f.i32(index).call(js);
  if (d.result !== undefined) {
    const ty = irTypeOf(d.result);
    const { load, size } = ty === 'I1' ? { load: 'i32.load8_u', size: 1 } : accessOps(ty);
    wasmTypes(ty).forEach((_, part) => f.i32(0).op(load, RESULT_SLOT + part * size));
  }
  return f;
}

/** The functions lowered ops call (gen.ts RuntimeFn), added to m and exported. */
function arithmetic(m: ModuleBuilder): void {
  const add = (name: string, params: ValType[], results: ValType[]) => {
    const f = new FunctionBuilder(name, params, results);
    const ref = m.addFunction(f);
    m.exportFunction(name, ref);
    return { f, ref };
  };
  // 64x64 -> 128-bit products from 32-bit halves: (lo, hi).
  const umul = add('umul128', ['i64', 'i64'], ['i64', 'i64']);
  {
    const f = umul.f;
    const [a, b] = [0, 1];
    const [p0, p1, p2, mid] = [f.local('i64'), f.local('i64'), f.local('i64'), f.local('i64')];
    const lo = (x: number) => f.get(x).i64(0xffffffffn).op('i64.and');
    const hi = (x: number) => f.get(x).i64(32n).op('i64.shr_u');
    lo(a); lo(b); f.op('i64.mul').set(p0);
    lo(a); hi(b); f.op('i64.mul').set(p1);
    hi(a); lo(b); f.op('i64.mul').set(p2);
    hi(p0); lo(p1); f.op('i64.add'); lo(p2); f.op('i64.add').set(mid);
    lo(p0); f.get(mid).i64(32n).op('i64.shl').op('i64.or');
    hi(a); hi(b); f.op('i64.mul'); hi(p1); f.op('i64.add'); hi(p2); f.op('i64.add'); hi(mid); f.op('i64.add');
  }
  // Signed: the unsigned high half, less b if a < 0 and less a if b < 0.
  {
    const f = add('smul128', ['i64', 'i64'], ['i64', 'i64']).f;
    const [a, b] = [0, 1];
    const h = f.local('i64');
    f.get(a).get(b).call(umul.ref).set(h);
    f.get(h);
    f.get(b).i64(0n).get(a).i64(0n).op('i64.lt_s').op('select').op('i64.sub');
    f.get(a).i64(0n).get(b).i64(0n).op('i64.lt_s').op('select').op('i64.sub');
  }
  for (const t of ['f64', 'f32'] as const) {
    const T = t === 'f64' ? 'F64' : 'F32';
    const it = t === 'f64' ? 'i64' : 'i32';
    // The first NaN operand, quietened; the default NaN for an invalid operation.
    const nan = add(`nan${T}`, [t, t], [t]);
    {
      const f = nan.f;
      const quiet = (x: number) => {
        f.get(x).op(`${it}.reinterpret_${t}`);
        if (t === 'f64') f.i64(0x0008000000000000n); else f.i32(0x00400000);
        f.op(`${it}.or`).op(`${t}.reinterpret_${it}`).op('return');
      };
      f.get(0).get(0).op(`${t}.ne`).op('if'); quiet(0); f.op('end');
      f.get(1).get(1).op(`${t}.ne`).op('if'); quiet(1); f.op('end');
      if (t === 'f64') f.i64(0xfff8000000000000n).op('f64.reinterpret_i64'); else f.i32(0xffc00000).op('f32.reinterpret_i32');
    }
    // x rounded to an integral value in mode rm (nearest, down, up, toward zero).
    const f = add(`round${T}`, [t, 'i32'], [t]).f;
    f.get(0).get(0).op(`${t}.ne`).op('if');
    f.get(0).get(0).call(nan.ref).op('return');
    f.op('end');
    f.op('block').op('block').op('block').op('block');
    f.get(1).i32(3).op('i32.and').op('br_table', [0, 1, 2], 3);
    f.op('end').get(0).op(`${t}.nearest`).op('return');
    f.op('end').get(0).op(`${t}.floor`).op('return');
    f.op('end').get(0).op(`${t}.ceil`).op('return');
    f.op('end').get(0).op(`${t}.trunc`);
  }
}

/** The helpers in the order buildRuntime numbers them. */
export function helperList(helpers: HelperSet): HelperDecl[] {
  return [...helpers.all()];
}
