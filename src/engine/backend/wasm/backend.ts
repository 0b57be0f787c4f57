// The WebAssembly JIT as a Backend. A new translation runs in the interpreter; once it has
// run `threshold` times it is queued, and queued translations are compiled together, one
// wasm module per batch, when the batch is full or one of them is hot. Compiled blocks go
// into a shared function table at their translation's slot and into the fast lookup
// cache, and from then on the runtime's dispatcher runs them one after another without
// coming back here, until a block exits to the run loop, the budget is spent, or the next
// block has no compiled code. See docs/jit.md.
import { ALL_OPS, type IROp, opSignature } from '../../ir/ops.ts';
import type { IRSB } from '../../ir/types.ts';
import { GuestFault } from '../../memory/port.ts';
import type { AddressSpace } from '../../memory/address-space.ts';
import { ModuleBuilder, FunctionBuilder, type FuncRef, type TextLine } from '../../wasm/index.ts';
import type { Backend, BlockExit, Ran } from '../backend.ts';
import type { Translation } from '../cache.ts';
import type { HelperDecl, HelperEnv, HelperSet } from '../helpers.ts';
import type { InterpBackend } from '../interp/backend.ts';
import { OpTrap } from '../interp/env.ts';
import { opFn } from '../interp/ops.ts';
import {
  EXIT_FAULT, EXIT_OP, EXIT_SLOT, FAST_CACHE, FAST_ENTRY_SIZE, MAX_SLOTS, type RunCounters, fastIndex,
} from '../run-area.ts';
import { STOP_BUDGET, STOP_MISS, decodeExit } from './exits.ts';
import { BlockGen, type GenContext, type RuntimeFn, type Sibling } from './gen.ts';
import { BLOCK_PARAMS, BLOCK_RESULTS, buildRuntime, helperExportName, helperSignature, slowExportName } from './runtime.ts';
import { RESULT_SLOT, argSlot, readScratch, writeScratch } from './scratch.ts';

export interface WasmBackendOptions {
  memory: WebAssembly.Memory;
  helpers: HelperSet;
  /** The running thread's state and checked memory, for helpers and the interpreter. */
  env: HelperEnv;
  counters: RunCounters;
  /** The interpreter, which runs a translation until it is compiled. */
  interp: InterpBackend;
  /** Where the running thread's guest state is. */
  stateAddr: number;
  /** Where rip lives in the guest state. */
  ripOffset: number;
  as: AddressSpace;
  /** Whether compiled code may go on into `t` by itself (not at a breakpoint). */
  linkable: (t: Translation) => boolean;
  /** Runs in the interpreter before compiling (default 5: docs/design.md); 0 compiles on
   *  the first run. */
  threshold?: number;
  /** Translations per module (default 64). */
  batch?: number;
  /** The translation to compile for `t` once it is hot: `t` with its IR fully optimised
   *  (see MachineOptions.optimiseWhenHot), or `t` itself. */
  optimised?: (t: Translation) => Translation;
}

/** Runs after which a queued translation is compiled without waiting for a full batch. */
const HOT = 100;

export class WasmBackend implements Backend {
  readonly kind = 'wasm';
  private readonly table: WebAssembly.Table;
  private readonly runtime: WebAssembly.Instance;
  private readonly run$: (st: number, first: number) => number;
  private readonly miss: Function;
  private readonly helperList: HelperDecl[];
  private readonly helperIndex = new Map<string, number>();
  private readonly dv: DataView;
  private readonly fast: DataView;
  /** The translation in each slot that has compiled code (kept after a drop until the
   *  slot is taken again, so that a block dropped while it ran still maps its exit). */
  private readonly bySlot: (Translation | undefined)[] = [];
  private readonly compiled = new Set<Translation>();
  /** Each compiled translation's serial number (for the fast lookup cache), and the last. */
  private readonly serials = new WeakMap<Translation, number>();
  private serial = 0;
  private readonly queue = new Set<Translation>();
  private pendingFault: unknown;
  private readonly threshold: number;
  private readonly batch: number;
  /** Compile statistics, for --stats and the benchmark. */
  readonly stats = { modules: 0, blocks: 0, bytes: 0, compileMs: 0, jsCalls: 0 };

  constructor(private readonly o: WasmBackendOptions) {
    this.threshold = o.threshold ?? 5;
    this.batch = o.batch ?? 64;
    this.helperList = [...o.helpers.all()];
    this.helperList.forEach((d, i) => this.helperIndex.set(d.name, i));
    this.dv = new DataView(o.memory.buffer);
    this.fast = new DataView(o.memory.buffer, FAST_CACHE);
    this.table = new WebAssembly.Table({ element: 'anyfunc', initial: MAX_SLOTS });
    const module = new WebAssembly.Module(buildRuntime({ helpers: this.helperList, ripOffset: o.ripOffset, stateAddr: o.stateAddr }));
    this.runtime = new WebAssembly.Instance(module, {
      e: { mem: o.memory, table: this.table, helper: (i: number) => this.callHelper(i) },
    });
    const ex = this.runtime.exports as Record<string, Function>;
    this.run$ = ex.run as (st: number, first: number) => number;
    this.miss = ex.miss!;
    for (let s = 0; s < MAX_SLOTS; s++) this.table.set(s, this.miss as never);
  }

  // ------------------------------------------------------------------ running

  run(t: Translation, budget: number): Ran {
    if (!this.compiled.has(t) && this.threshold === 0 && t.slot) {
      t = this.hot(t);
      this.compileNow([t]);
    }
    if (!this.compiled.has(t)) {
      const ran = this.o.interp.run(t);
      if (t.slot && this.o.counters.runsOf(t.slot) >= this.threshold) this.enqueue(this.hot(t));
      return ran;
    }
    const counters = this.o.counters;
    counters.startDispatch(Math.max(1, Math.min(budget, 2 ** 30)));
    if (this.o.linkable(t)) this.link(t);
    let code = 0;
    let blocks = 0;
    try {
      code = this.run$(this.o.stateAddr, t.slot);
    } finally {
      // A helper may throw (the tool ran out of memory): the blocks before it still ran.
      blocks = counters.endDispatch();
    }
    return { blocks, last: t, exit: this.exitOf(code) };
  }

  private exitOf(code: number): BlockExit {
    if (code === STOP_BUDGET || code === STOP_MISS) {
      // The last block ended with a plain jump: nothing for the run loop to do.
      return { kind: 'exit', jk: 'Boring', next: this.rip(), stmtIndex: -1 };
    }
    const t = this.bySlot[this.dv.getInt32(EXIT_SLOT, true)]!;
    const e = decodeExit(code);
    const guestAddr = imarkAddress(t.sb, e.stmtIndex);
    switch (e.kind) {
      case 'fault': {
        this.dv.setInt32(EXIT_FAULT, 0, true);
        const fault = this.pendingFault;
        this.pendingFault = undefined;
        return { kind: 'fault', fault, stmtIndex: e.stmtIndex, guestAddr };
      }
      case 'trap': return { kind: 'trap', jk: 'SigFPE_IntDiv', op: ALL_OPS[this.dv.getInt32(EXIT_OP, true)]!, stmtIndex: e.stmtIndex, guestAddr };
      case 'jump': return { kind: 'exit', jk: e.jk!, next: this.rip(), stmtIndex: e.stmtIndex };
    }
  }

  private rip(): number {
    return Number(this.dv.getBigUint64(this.o.stateAddr + this.o.ripOffset, true));
  }

  drop(t: Translation): void {
    this.queue.delete(t);
    if (!this.compiled.delete(t)) return;
    const e = fastIndex(t.addr) * FAST_ENTRY_SIZE;
    if (this.fast.getInt32(e + 8, true) === t.slot) {
      this.fast.setBigUint64(e, 0n, true);
      this.fast.setInt32(e + 8, 0, true);
    }
    this.table.set(t.slot, this.miss as never);
  }

  /** Puts t in the fast lookup cache, so that compiled code goes on into it. */
  private link(t: Translation): void {
    const e = fastIndex(t.addr) * FAST_ENTRY_SIZE;
    this.fast.setBigUint64(e, BigInt(t.addr), true);
    this.fast.setInt32(e + 8, t.slot, true);
    this.fast.setInt32(e + 12, this.serials.get(t)!, true);
  }

  // ------------------------------------------------------------------ compiling

  /** What to compile for `t`. */
  private hot(t: Translation): Translation {
    return this.o.optimised?.(t) ?? t;
  }

  private enqueue(t: Translation): void {
    this.queue.add(t);
    if (this.queue.size >= this.batch || this.o.counters.runsOf(t.slot) >= HOT) this.flush();
  }

  /** Compiles `ts` now, with whatever is queued, into one module. */
  compileNow(ts: Iterable<Translation>): void {
    for (const t of ts) if (!this.compiled.has(t)) this.queue.add(t);
    this.flush();
  }

  /** Compiles every queued translation into one module. */
  private flush(): void {
    if (this.queue.size === 0) return;
    const t0 = performance.now();
    const batch = [...this.queue];
    this.queue.clear();
    const m = new ModuleBuilder();
    const siblings = new Map<number, Sibling>();
    const fns = batch.map((t, i) => {
      const f = new FunctionBuilder(`b${i}`, BLOCK_PARAMS, BLOCK_RESULTS);
      const ref = m.addFunction(f);
      m.exportFunction(f.name, ref);
      this.serials.set(t, ++this.serial);
      siblings.set(t.addr, { ref, serial: this.serial });
      return f;
    });
    const ctx = this.context(m, siblings);
    batch.forEach((t, i) => new BlockGen(fns[i]!, t.sb, t.addr, t.slot, t.insns, ctx, this.o.linkable(t)).compile());
    const bytes = m.encode();
    const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
      e: { mem: this.o.memory, memslow: this.memSlow, opcall: this.opCall },
      rt: this.runtime.exports,
    });
    batch.forEach((t, i) => {
      this.table.set(t.slot, inst.exports[`b${i}`] as never);
      this.bySlot[t.slot] = t;
      this.compiled.add(t);
      this.o.interp.drop(t);
      if (this.o.linkable(t)) this.link(t);
    });
    this.stats.modules++;
    this.stats.blocks += batch.length;
    this.stats.bytes += bytes.length;
    this.stats.compileMs += performance.now() - t0;
  }

  /** The imports a block module may use, added to m as code asks for them. */
  private context(m: ModuleBuilder, siblings?: ReadonlyMap<number, Sibling>): GenContext {
    // No table: blocks reach other blocks through the runtime's chain (importing a table
    // of MAX_SLOTS entries costs every instance milliseconds).
    m.importMemory({ module: 'e', name: 'mem', min: 0x1_0000, max: 0x1_0000, shared: true });
    const memSlow = m.importFunction('e', 'memslow', ['f64', 'i32', 'i32'], ['i32']);
    const opCall = m.importFunction('e', 'opcall', ['i32'], ['i32']);
    const helpers = new Map<string, FuncRef>();
    const slows = new Map<string, FuncRef>();
    const runtime = new Map<RuntimeFn, FuncRef>();
    const RUNTIME_SIGS: Record<RuntimeFn, [('i32' | 'i64' | 'f32' | 'f64')[], ('i32' | 'i64' | 'f32' | 'f64')[]]> = {
      umul128: [['i64', 'i64'], ['i64', 'i64']], smul128: [['i64', 'i64'], ['i64', 'i64']],
      nanF64: [['f64', 'f64'], ['f64']], nanF32: [['f32', 'f32'], ['f32']],
      roundF64: [['f64', 'i32'], ['f64']], roundF32: [['f32', 'i32'], ['f32']],
      chain: [['i32', 'i32', 'i32', 'i64'], ['i32']], leave: [['i32', 'i32', 'i32'], ['i32']],
    };
    const importHelper = (refs: Map<string, FuncRef>, name: string, exportName: (i: number) => string) => {
      let ref = refs.get(name);
      if (!ref) {
        const i = this.helperIndex.get(name)!;
        const sig = helperSignature(this.helperList[i]!);
        refs.set(name, ref = m.importFunction('rt', exportName(i), sig.params, sig.results));
      }
      return ref;
    };
    return {
      helpers: this.o.helpers, memSlow, opCall,
      helper: (name) => importHelper(helpers, name, helperExportName),
      helperSlow: (name) => importHelper(slows, name, slowExportName),
      stateAddr: this.o.stateAddr,
      runtime: (name) => {
        let ref = runtime.get(name);
        if (!ref) runtime.set(name, ref = m.importFunction('rt', name, ...RUNTIME_SIGS[name]));
        return ref;
      },
      opIndex: (op) => OP_INDEX.get(op)!,
      sibling: (addr) => siblings?.get(addr),
    };
  }

  /** The code t compiles to, as text, each line with the IR statement it comes from. */
  describe(t: Translation): readonly TextLine[] {
    const m = new ModuleBuilder();
    const f = new FunctionBuilder(`block_${t.addr.toString(16)}`, BLOCK_PARAMS, BLOCK_RESULTS, true);
    new BlockGen(f, t.sb, t.addr, t.slot, t.insns, this.context(m), this.o.linkable(t)).compile();
    return f.text!;
  }

  isCompiled(t: Translation): boolean {
    return this.compiled.has(t);
  }

  // ------------------------------------------------------------------ calls from wasm

  private readonly memSlow = (addr: number, size: number, perm: number): number => {
    this.stats.jsCalls++;
    const fault = this.o.as.guestAccess(addr, size, perm);
    if (!fault) return 0;
    this.pendingFault = fault;
    return 1;
  };

  private readonly opCall = (index: number): number => {
    this.stats.jsCalls++;
    const op = ALL_OPS[index]!;
    const sig = opSignature(op);
    const args = sig.args.map((ty, i) => readScratch(this.dv, argSlot(i), ty));
    try {
      writeScratch(this.dv, RESULT_SLOT, sig.res, opFn(op)(...args));
      return 0;
    } catch (e) {
      if (e instanceof OpTrap) return 1;
      throw e;
    }
  };

  private callHelper(index: number): void {
    this.stats.jsCalls++;
    const d = this.helperList[index]!;
    const args = d.params.map((ty, i) => readScratch(this.dv, argSlot(i), ty));
    try {
      const impl = d.impl as (...a: unknown[]) => ReturnType<typeof readScratch> | undefined;
      const r = d.kind === 'dirty' ? impl(this.o.env, ...args) : impl(...args);
      if (d.result !== undefined) writeScratch(this.dv, RESULT_SLOT, d.result, r!);
    } catch (e) {
      if (!(e instanceof GuestFault) || !d.effects.memory) throw e;
      this.pendingFault = e.fault;
      this.dv.setInt32(EXIT_FAULT, 1, true);
    }
  }
}

const OP_INDEX = new Map<IROp, number>(ALL_OPS.map((op, i) => [op, i]));

/** The address of the IMark that statement i falls under. */
function imarkAddress(sb: IRSB, i: number): number | undefined {
  for (let k = Math.min(i, sb.stmts.length - 1); k >= 0; k--) {
    const s = sb.stmts[k]!;
    if (s.tag === 'IMark') return s.addr;
  }
  return undefined;
}
