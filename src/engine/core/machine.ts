// The virtual machine: one guest process, its address space, its threads (sched/), a
// translation cache, and the run loop that executes blocks of the running thread and
// turns their exits into syscalls, signals, thread switches and the end of the run —
// Valgrind's scheduler loop.
import { type Backend, type BackendKind, type BlockExit } from '../backend/backend.ts';
import { type Translation as CachedTranslation, TranslationCache } from '../backend/cache.ts';
import { HelperSet } from '../backend/helpers.ts';
import { type ExecEnv, IRStepper, InterpBackend } from '../backend/interp/index.ts';
import { RunCounters } from '../backend/run-area.ts';
import { WasmBackend } from '../backend/wasm/index.ts';
import type { TextLine } from '../wasm/index.ts';
import { ElfError, type ElfFile, PT_LOAD, debugFileCandidates, parseElf } from '../elf/index.ts';
import type { FileMapped } from '../kernel/syscalls/files.ts';
import { amd64Helpers } from '../guest/amd64/helpers.ts';
import { specialiseFlagHelpers } from '../guest/amd64/spechelper.ts';
import { cpuid } from '../guest/amd64/cpuid.ts';
import { type ChasePolicy, type CodeSource, type LiftedBlock, MAX_INSNS_PER_BLOCK, liftSuperblock } from '../guest/amd64/lift/block.ts';
import {
  GUEST_STATE_SIZE, OFFSET_DFLAG, OFFSET_FC3210,
  OFFSET_FPROUND, OFFSET_FTOP, OFFSET_GPR, OFFSET_IP_AT_SYSCALL, OFFSET_RIP, OFFSET_RSP, OFFSET_SSEROUND, PRECISE_AT_MEMORY_ACCESS,
} from '../guest/amd64/state.ts';
import { readRflags, writeRflags } from '../guest/amd64/rflags.ts';
import { type SigInfo, popSignalFrame, pushSignalFrame } from './signal-frame.ts';
import { type IRSB, type OptimiseOptions, assertSaneIRSB, optimise } from '../ir/index.ts';
import { traceFrontEnd, traceHeader, traceOptimised } from './trace.ts';
import { loadExecutable, loadExtent } from '../kernel/loader.ts';
import { Process, SIG, SIG_DFL, SIG_IGN, type SigAction } from '../kernel/process.ts';
import { Kernel, type KernelOptions } from '../kernel/kernel.ts';
import { SyscallArgs, type SyscallOutcome } from '../kernel/syscalls/spec.ts';
import type { TerminalHost } from '../kernel/vfs/index.ts';
import { AddressSpace, MemoryFault, PAGE_SIZE, PERM_W, PERM_X, pageDown, pageUp } from '../memory/index.ts';
import { THREAD_STATES, THREAD_STATES_SIZE, THREAD_STATE_SLOT } from '../memory/reserved.ts';
import { formatSchedEvent } from '../sched/events.ts';
import { DEFAULT_QUANTUM, Scheduler } from '../sched/scheduler.ts';
import type { GuestThread } from '../sched/thread.ts';
import { SeededRandom, VirtualClock } from './determinism.ts';
import { CheckedMemory } from './memory-port.ts';
import { type Sink, ValgrindLog } from './output.ts';
import { type FatalSignal, describeFatalSignal } from './signals.ts';
import { Symbolizer } from './symbolize.ts';
import { type ThreadStack, type ToolDescriptor, ToolOutOfMemory } from './tool.ts';
import { DEFAULT_TOOL_RUN_OPTIONS, ToolRuntime, type ToolRunOptions } from './tool-runtime.ts';
import { NONE_TOOL } from '../tools/none.ts';

export interface TraceOptions {
  /** Print each new block's IR before and/or after instrumentation and optimisation. */
  ir?: 'before' | 'after' | 'both';
  /** Only blocks from this translation number on (Valgrind's --trace-notbelow). */
  notBelow?: number;
}

export interface MachineOptions {
  program: Uint8Array;
  /** The program's path as given (argv[0], AT_EXECFN, /proc/self/exe). */
  path: string;
  args: string[];
  env: string[];
  seed: number;
  /** The tool's report and the core's messages (stderr or --log-file). */
  log: Sink;
  trace?: TraceOptions;
  /** The terminal the guest's stdio is attached to. */
  terminal: TerminalHost;
  /** The working directory the program starts in (default /home/user). */
  cwd?: string;
  /** Mounts host directories into the guest's namespace (the CLI's view of the host). */
  mountHost?: KernelOptions['mounts'];
  /** An uncompressed sysroot image (kernel/sysroot.ts) unpacked into the namespace: what
   *  dynamically linked programs need where the host's libraries are not visible. */
  sysroot?: Uint8Array;
  mainStackSize?: number;
  /** Log each object whose symbols are read, as `valgrind -v` does (--trace-symtab). */
  traceSymtab?: boolean;
  /** Check every block's IR (lifted, and after each optimiser pass): tests and debugging. */
  checkIR?: boolean;
  /** The tool (default none) and its error-reporting options. */
  tool?: ToolDescriptor;
  toolOptions?: ToolRunOptions;
  /** The guest's user and group ids (default 1000, a plain user). */
  uid?: number;
  gid?: number;
  /** What runs the translated blocks (default wasm). */
  backend?: BackendKind;
  /** The JIT's tiering (default: WasmBackend's), for measuring other choices. */
  jit?: { threshold?: number; batch?: number };
  /** With the JIT: the interpreter runs a new block before its last optimisation (of the
   *  tool's instrumentation; with no tool instrumenting, the only one), which the block
   *  gets when it is compiled, or when a debugger view shows or steps it (`optimised`).
   *  Most blocks run a few times (ld.so's start-up), and optimising them costs more than
   *  it saves; as every guest register is exact where an access may fault, nobody can
   *  tell the tiers apart. */
  optimiseWhenHot?: boolean;
  /** The scheduler: blocks per slice (default Valgrind's 100,000), --fair-sched=yes, and
   *  --trace-sched=yes's log of every scheduling event. */
  sched?: { quantum?: number; fair?: boolean; trace?: boolean };
}

/** Where a run stands after `run()` returns. */
export type RunState =
  /** Stopped at the block budget, or (blocked) in a syscall waiting for input. */
  | { kind: 'running'; blocked: boolean }
  | { kind: 'exited'; status: number }
  | { kind: 'killed'; signal: number };

/** The running thread's guest state sits in the engine's reserved region of the shared
 *  memory, where generated code finds it and the UI reads it straight from the
 *  SharedArrayBuffer; the other threads' are in the slots after it (sched/). */
const STATE_ADDR = THREAD_STATES;

export class Machine {
  readonly as: AddressSpace;
  readonly proc: Process;
  /** The guest's threads, and which one runs. */
  readonly sched: Scheduler;
  readonly log: ValgrindLog;
  readonly symbols = new Symbolizer();
  private readonly mem: CheckedMemory;
  readonly kernel: Kernel;
  private readonly counters: RunCounters;
  private readonly cache: TranslationCache;
  private readonly helpers: HelperSet;
  /** The reference interpreter: the backend, or the JIT's companion for single steps. */
  private readonly interp: InterpBackend;
  private readonly backend: Backend;
  private translations = 0;
  private translatedInsns = 0;
  private translateMs = 0;
  private state: DataView;
  private readonly env: ExecEnv;
  /** Addresses a debugger (core/debugger.ts) stops before: run() returns when rip reaches
   *  one (except at its first block, so that resuming moves off it), and blocks are cut
   *  to end before them, so each one starts a block. */
  readonly breakAt = new Set<number>();
  private readonly trace: TraceOptions;
  private readonly stackMax: number;
  /** The blocks run when the virtual clock was last brought up to date. */
  private clockBlocks = 0;
  /** Counts when the main program's entry was first reached (a dynamic program's ld.so start-up). */
  atEntry?: { blocks: number; insns: number };
  private readonly programEntry: number;
  /** The tool, its redirections and the error manager. */
  readonly tools: ToolRuntime;
  /** Guest state bytes per thread: the register file and the tool's shadow of it. */
  private readonly stateSize: number;

  constructor(private readonly o: MachineOptions) {
    const elf = parseElf(o.program);
    const pid = 1000 + Number(BigInt.asUintN(16, BigInt(o.seed)) % 30000n);
    this.log = new ValgrindLog(o.log, pid);
    this.as = new AddressSpace({ warn: (m) => this.log.core(m), codeChanged: (start, end) => this.cache.dropPages(start, end) });
    this.counters = new RunCounters(this.as.memory.wasmMemory.buffer);
    this.cache = new TranslationCache(this.counters, this.as, (t) => this.backend.drop(t));
    const random = new SeededRandom(o.seed);
    const uid = o.uid ?? 1000;
    const gid = o.gid ?? 1000;
    this.proc = new Process({ pid, uid, gid, exePath: o.path, random, clock: new VirtualClock(o.seed) });
    const tool = o.tool ?? NONE_TOOL;
    this.sched = new Scheduler({
      memory: new Uint8Array(this.as.memory.wasmMemory.buffer), cpu: STATE_ADDR, slotSize: THREAD_STATE_SLOT,
      slots: THREAD_STATES_SIZE / THREAD_STATE_SLOT - 1, stateSize: tool.stateSize, mainTid: pid, clock: this.proc.clock,
      seed: o.seed, quantum: o.sched?.quantum ?? DEFAULT_QUANTUM, fair: o.sched?.fair ?? false,
      write32: (addr, value) => {
        const word = new Uint8Array(4);
        new DataView(word.buffer).setUint32(0, value, true);
        return !this.as.writeBytes(addr, word);
      },
      blocks: () => this.counters.blocks,
    });
    if (o.sched?.trace) this.sched.log.onEvent = (e) => this.log.core(formatSchedEvent(e));
    this.kernel = new Kernel({
      as: this.as, proc: this.proc, threads: this.sched, terminal: o.terminal, programPath: o.path, programBytes: o.program,
      mounts: o.mountHost, cwd: o.cwd, onFileMapped: (m) => this.fileMapped(m),
    });
    if (o.sysroot) this.kernel.installSysroot(o.sysroot);
    this.stateSize = tool.stateSize;
    this.symbols.readInlineInfo = tool.readInlineInfo ?? false;
    this.tools = new ToolRuntime(tool, {
      log: this.log, as: this.as, symbols: this.symbols, state: () => this.state,
      threadStates: () => this.sched.all().map((t) => this.registersOf(t)),
      threadStacks: () => this.threadStacks(),
      callGuest: (addr, args) => this.callGuest(addr, args), discardTranslations: (addr, len) => this.discardRange(addr, len),
      thread: () => this.sched.current.num,
    }, o.toolOptions ?? DEFAULT_TOOL_RUN_OPTIONS);
    const image = loadExecutable(this.as, elf, {
      path: o.path, argv: [o.path, ...o.args], envp: o.env, random: random.bytes(16),
      uid, gid, hwcap: cpuid(1, 0).edx, mainStackSize: o.mainStackSize,
    }, { readFile: (path) => this.kernel.readFile(path) });
    this.stackMax = image.stackTop - image.stackLimit;
    this.addObject(o.path, elf, image.start, image.end, image.bias);
    if (image.interp) this.addObject(image.interp.path, image.interp.elf, image.interp.start, image.interp.end, image.interp.bias);
    this.state = this.stateView();
    this.resetState(image.entry, image.rsp);
    this.programEntry = elf.header.entry + image.bias;
    this.mem = new CheckedMemory(this.as);
    this.trace = o.trace ?? {};
    this.tools.startup();
    this.helpers = new HelperSet([...amd64Helpers(() => { this.syncClock(); return this.proc.clock.ticks(); }), ...this.tools.helpers()]);
    this.env = { state: this.state, mem: this.mem };
    this.interp = new InterpBackend(this.helpers, this.env, this.counters);
    this.backend = (o.backend ?? 'wasm') === 'wasm'
      ? new WasmBackend({
        memory: this.as.memory.wasmMemory, helpers: this.helpers, env: this.env, counters: this.counters, interp: this.interp,
        ...o.jit, stateAddr: STATE_ADDR, ripOffset: OFFSET_RIP, as: this.as, linkable: (t: CachedTranslation) => !this.breakAt.has(t.addr) && (t.addr !== this.programEntry || this.atEntry !== undefined),
        optimised: (t) => this.optimised(t as Translation),
      })
      : this.interp;
  }

  /** Blocks and guest instructions executed, for --stats and the benchmark. */
  get blocksRun(): number {
    return this.counters.blocks;
  }

  get insnsRun(): number {
    return this.counters.insns;
  }

  get backendKind(): BackendKind {
    return this.backend.kind;
  }

  /** Virtual time passes with guest work: a microsecond per block, whichever backend ran it. */
  private syncClock(): void {
    const blocks = this.counters.blocks;
    this.proc.clock.advance(1000 * (blocks - this.clockBlocks));
    this.clockBlocks = blocks;
  }

  /** Register a mapped ELF object with the symbolizer, with its separate debug file if
   *  one is installed (found by build-id or .gnu_debuglink, as Valgrind finds them). */
  private addObject(path: string, elf: ElfFile, start: number, end: number, bias: number): void {
    const trace = this.o.traceSymtab ? (m: string) => this.log.core(m) : () => {};
    trace(`Reading syms from ${path}`);
    trace(`   mapped at 0x${start.toString(16)}-0x${end.toString(16)}, bias 0x${bias.toString(16)}`);
    let debug: ElfFile | undefined;
    for (const candidate of debugFileCandidates(elf, path)) {
      const bytes = this.kernel.readFile(candidate);
      if (!bytes) continue;
      try {
        debug = parseElf(bytes);
        trace(`   Considering ${candidate} .. found`);
        break;
      } catch (e) {
        if (!(e instanceof ElfError)) throw e;
      }
    }
    this.symbols.addObject(path, elf, start, end, bias, debug);
    this.tools.objectLoaded(path, debug ? [elf, debug] : [elf], bias, path === this.o.path && elf.interp === undefined);
    if (!this.o.traceSymtab) return;
    const funcs = [...elf.symbols, ...elf.dynamicSymbols, ...(debug?.symbols ?? [])].filter((s) => s.type === 'FUNC').length;
    trace(`   ${funcs} function symbols${debug ? ', debug information from the separate file' : elf.sections.some((s) => s.name === '.debug_line') ? ', with line tables' : ', no line tables'}`);
  }

  /** ld.so mapping the code of a library: read its symbols and line tables. */
  private fileMapped(m: FileMapped): void {
    if (!(m.perm & PERM_X) || this.symbols.hasObjectAt(m.addr)) return;
    const bytes = this.kernel.readFile(m.path);
    if (!bytes) return;
    let elf: ElfFile;
    try {
      elf = parseElf(bytes);
    } catch (e) {
      if (e instanceof ElfError) return;
      throw e;
    }
    // The segment this mapping holds tells the load bias; the object spans all of them.
    const seg = elf.segments.find((p) => p.type === PT_LOAD && pageDown(p.offset) === m.offset);
    if (!seg) return;
    const bias = m.addr - pageDown(seg.vaddr);
    const { lo, hi } = loadExtent(elf);
    this.addObject(m.path, elf, lo + bias, hi + bias, bias);
  }

  /** Counters for --stats, in Valgrind's `--PID--` lines. */
  printStats(): void {
    const ms = (x: number) => `${x.toFixed(0)} ms`;
    this.log.core(`translations: ${this.translations} superblocks, ${this.translatedInsns} guest instructions in ${ms(this.translateMs)}`);
    this.log.core(`executed: ${this.blocksRun} blocks, ${this.insnsRun} guest instructions`);
    const live = [...this.cache.all()];
    const stmts = live.reduce((n, t) => n + t.sb.stmts.length + t.lifted.sb.stmts.length, 0);
    this.log.core(`translation cache: ${live.length} of ${this.cache.capacity} translations held, ${stmts} IR statements `
      + `(lifted and run), ${this.cache.dropped} dropped because their code changed or for room`);
    if (this.backend instanceof WasmBackend) {
      const w = this.backend.stats;
      const perK = this.insnsRun > 0 ? (1000 * w.jsCalls) / this.insnsRun : 0;
      this.log.core(`wasm: ${w.blocks} blocks compiled in ${w.modules} modules, ${w.bytes} bytes, ${ms(w.compileMs)}; `
        + `${w.jsCalls} calls into JavaScript (${perK.toFixed(2)} per 1000 guest instructions)`);
    }
    if (this.atEntry && this.atEntry.blocks > 0) {
      this.log.core(`before the program's entry (ld.so start-up): ${this.atEntry.blocks} blocks, ${this.atEntry.insns} guest instructions`);
    }
  }

  private stateView(): DataView {
    return new DataView(this.as.memory.wasmMemory.buffer, STATE_ADDR, this.stateSize);
  }

  /** The register file at process start: the System V ABI's initial state. */
  private resetState(entry: number, rsp: number): void {
    const s = this.state;
    for (let i = 0; i < GUEST_STATE_SIZE; i += 8) s.setBigUint64(i, 0n, true);
    s.setBigUint64(OFFSET_RIP, BigInt(entry), true);
    s.setBigUint64(OFFSET_RSP, BigInt(rsp), true);
    s.setBigInt64(OFFSET_DFLAG, 1n, true);
    s.setBigUint64(OFFSET_SSEROUND, 0n, true);
    s.setBigUint64(OFFSET_FPROUND, 0n, true);
    s.setUint32(OFFSET_FTOP, 0, true);
  }

  get rip(): number {
    return Number(this.state.getBigUint64(OFFSET_RIP, true));
  }

  private readonly code: CodeSource = {
    fetch: (addr, max) => {
      let n = 0;
      while (n < max && !this.as.check(addr + n, 1, PERM_X)) {
        n = Math.min(max, (Math.floor((addr + n) / PAGE_SIZE) + 1) * PAGE_SIZE - addr);
      }
      return n > 0 ? this.as.memory.readBytes(addr, n) : new Uint8Array(0);
    },
  };

  /** A block goes on through a direct jump or call unless the target is a replaced
   *  function (its block is the replacement), the program's entry (reaching it is an event
   *  for the debugger, seen at block starts) or on a writable page: a store there must not
   *  change code further on in the block that made it. (mprotect of a page with code drops
   *  its translations, so a page that becomes writable takes its chasers with it.) */
  private readonly mayChase: ChasePolicy = (target) =>
    target !== this.programEntry && !this.tools.isRedirected(target) && this.as.check(target, 1, PERM_W) !== null;

  /** Translates the block at addr; with `maxInsns`, a short one that is not cached (single-stepping). */
  private translate(addr: number, maxInsns?: number): Translation {
    const t0 = performance.now();
    const t = this.translateBlock(addr, maxInsns);
    this.translateMs += performance.now() - t0;
    this.translatedInsns += t.lifted.instrs.length;
    return t;
  }

  private translateBlock(addr: number, maxInsns?: number): Translation {
    const redirected = this.tools.redirectedBlock(addr);
    const lifted = redirected ? { sb: redirected, instrs: [] } : liftSuperblock(this.code, addr, maxInsns ?? MAX_INSNS_PER_BLOCK, this.breakAt, this.mayChase);
    const n = this.translations++;
    const tracing = this.trace.ir && n >= (this.trace.notBelow ?? 0);
    if (tracing) this.o.log(traceHeader(n, addr, this.symbols.whereIs(addr)));
    if (tracing && this.trace.ir !== 'after') this.o.log(traceFrontEnd(lifted));
    if (this.o.checkIR) assertSaneIRSB(lifted.sb, { guestStateSize: GUEST_STATE_SIZE }, `lifted at 0x${addr.toString(16)}`);
    const cached = maxInsns === undefined;
    // As in Valgrind: optimise, hand the block to the tool, optimise its instrumentation.
    // The last optimisation (the only one when no tool instruments) may wait until the
    // block is compiled: optimiseWhenHot.
    const finishLater = cached && this.o.optimiseWhenHot && this.backend !== this.interp && !tracing && !this.o.checkIR;
    let sb = finishLater && !this.tools.instruments ? lifted.sb : optimise(lifted.sb, { ...this.optimiseOptions, guestStateSize: GUEST_STATE_SIZE });
    const instrumented = this.tools.instrument(sb);
    if (instrumented) sb = finishLater ? instrumented : optimise(instrumented, this.optimiseOptions);
    if (tracing && this.trace.ir !== 'before') this.o.log(traceOptimised(sb));
    if (this.o.checkIR) assertSaneIRSB(sb, { guestStateSize: this.stateSize, helpers: this.helpers.signature }, `translated at 0x${addr.toString(16)}`);
    const t: Translation = { addr, lifted, sb, insns: insnsBegun(sb), slot: cached ? this.cache.takeSlot() : 0 };
    if (lifted.noDecode) this.noDecode.set(addr, lifted.noDecode.report);
    if (cached) this.cache.add(t);
    if (finishLater) this.unoptimised.add(t);
    return t;
  }

  private get optimiseOptions(): OptimiseOptions {
    return { guestStateSize: this.stateSize, specialise: specialiseFlagHelpers, verify: this.o.checkIR, preciseOffsets: PRECISE_AT_MEMORY_ACCESS };
  }

  /** Translations whose last optimisation waits until they are compiled. */
  private readonly unoptimised = new WeakSet<Translation>();

  /** Whether `t` has had all its optimisation (see optimiseWhenHot). */
  isOptimised(t: Translation): boolean {
    return !this.unoptimised.has(t);
  }

  /** `t` with all its optimisation: itself, or a translation that replaces it in the cache
   *  (same slot) with the optimised IR. */
  optimised(t: Translation): Translation {
    if (!this.unoptimised.has(t)) return t;
    const t0 = performance.now();
    const sb = optimise(t.sb, this.optimiseOptions);
    const done: Translation = { ...t, sb, insns: insnsBegun(sb) };
    this.cache.replace(t, done);
    this.translateMs += performance.now() - t0;
    return done;
  }

  /** VEX's report lines for blocks that are one untranslatable instruction. */
  private readonly noDecode = new Map<number, string[]>();

  /** Run up to `maxBlocks` blocks (so a host can stay responsive); returns where the run stands. */
  run(maxBlocks = Infinity): RunState {
    try {
      return this.runBlocks(maxBlocks);
    } catch (e) {
      if (!(e instanceof ToolOutOfMemory)) throw e;
      // As Valgrind does when its own memory runs out: say so and stop, with no final report.
      this.aborted = true;
      this.log.line();
      this.log.line("    grindlab's memory management: out of memory:");
      this.log.line(`       ${e.what}`);
      this.log.line('    Whatever the reason, grindlab cannot continue.  Sorry.');
      return { kind: 'exited', status: 1 };
    }
  }

  private runBlocks(maxBlocks: number): RunState {
    for (let left = maxBlocks; left > 0;) {
      const rip = this.rip;
      if (left < maxBlocks && this.breakAt.has(rip)) break;
      this.noteEntry(rip);
      const ran = this.backend.run(this.cache.get(rip) ?? this.translate(rip), Math.min(left, this.sched.budget));
      left -= ran.blocks;
      const outcome = this.afterRun(ran.exit) ?? this.schedule(ran.blocks);
      if (outcome) return outcome;
    }
    return { kind: 'running', blocked: false };
  }

  private noteEntry(rip: number): void {
    if (rip === this.programEntry && !this.atEntry) this.atEntry = { blocks: this.blocksRun, insns: this.insnsRun };
  }

  private afterRun(exit: BlockExit): RunState | undefined {
    this.syncClock();
    return this.handleExit(exit);
  }

  /** After `blocks` blocks of the running thread: the scheduler may pick another. */
  private schedule(blocks: number): RunState | undefined {
    this.sched.ran(blocks);
    return this.sched.due ? this.reschedule() : undefined;
  }

  /** Runs `t`, the translation of the block at rip, in the interpreter, with the run
   *  loop's accounting and exit handling; `exec` stands in for its code (a debugger's IR
   *  stepper). */
  runBlock(t: Translation, exec?: (env: ExecEnv) => BlockExit): RunState | undefined {
    this.noteEntry(this.rip);
    if (!exec) return this.afterRun(this.interp.run(t).exit) ?? this.schedule(1);
    const exit = exec(this.env);
    this.counters.count(t.slot, t.insns[exit.stmtIndex]!);
    return this.afterRun(exit) ?? this.schedule(1);
  }

  // Debugging (core/debugger.ts): the translations, and blocks run other ways.

  /** Every cached translation, in the order they were made. */
  translated(): IterableIterator<Translation> {
    return this.cache.all() as IterableIterator<Translation>;
  }

  /** How many times `t` has run. */
  runsOf(t: Translation): number {
    return t.slot ? this.counters.runsOf(t.slot) : 0;
  }

  /** The block at addr's translation, made (and cached) if there is none, optimised. */
  translation(addr: number): Translation {
    return this.optimised((this.cache.get(addr) as Translation | undefined) ?? this.translate(addr));
  }

  /** The one instruction at addr as a block of its own, not cached. */
  translateInsn(addr: number): Translation {
    return this.translate(addr, 1);
  }

  /** Forgets the translations that run through addr (a breakpoint was set at addr: blocks
   *  must now end before it, and compiled code must not run on into it). */
  discardThrough(addr: number): void {
    for (const t of [...this.cache.all()]) {
      if (t.addr === addr || t.lifted.instrs.some((ins) => ins.addr === addr)) this.cache.drop(t);
    }
  }

  /** The WebAssembly `t` compiles to, each line tagged with its IR statement, and whether
   *  it is compiled yet (it runs in the interpreter until it is hot); undefined when the
   *  machine runs the interpreter alone. */
  wasmCode(t: Translation): { lines: readonly TextLine[]; compiled: boolean } | undefined {
    if (!(this.backend instanceof WasmBackend)) return undefined;
    return { lines: this.backend.describe(t), compiled: this.backend.isCompiled(t) };
  }

  /** An IR stepper over `t`, against the live guest state and memory. */
  stepper(t: Translation): IRStepper {
    return new IRStepper(t.sb, this.helpers, this.env);
  }

  /** The register file (VEX layout), a view onto the shared memory. */
  get guestState(): DataView {
    return this.state;
  }

  /** Each live thread's stack as Valgrind registers it: the main thread's reservation;
   *  a clone's, the mapping its first stack pointer is in, up to the page above it. */
  private threadStacks(): ThreadStack[] {
    const main = this.as.mainStack;
    return this.sched.all().flatMap((t) => {
      const sp = Number(this.registersOf(t).getBigUint64(OFFSET_RSP, true));
      const running = t === this.sched.current;
      if (t.firstSp === undefined) return main ? [{ num: t.num, low: main.limit, high: main.top, sp, running }] : [];
      const seg = this.as.mappingAt(t.firstSp);
      return seg ? [{ num: t.num, low: seg.start, high: Math.min(seg.end, pageUp(t.firstSp)), sp, running }] : [];
    });
  }

  /** A thread's register file, wherever it is now (the running thread's is guestState). */
  registersOf(t: GuestThread): DataView {
    return new DataView(this.state.buffer, this.sched.registersOf(t), this.stateSize);
  }

  /** Where the register file lives in the shared memory. */
  static readonly STATE_ADDR = STATE_ADDR;

  private handleExit(exit: BlockExit): RunState | undefined {
    if (exit.kind === 'fault') {
      this.setRip(exit.guestAddr ?? this.rip);
      const f = exit.fault as MemoryFault;
      return this.signal({ signo: SIG.SEGV, fault: f, addr: exit.guestAddr ?? this.rip });
    }
    if (exit.kind === 'trap') {
      this.setRip(exit.guestAddr ?? this.rip);
      return this.signal({ signo: SIG.FPE, code: 'intdiv', addr: exit.guestAddr ?? this.rip });
    }
    switch (exit.jk) {
      case 'Boring': case 'Call': case 'Ret': case 'Yield': case 'EmWarn':
        return undefined;
      case 'Sys_syscall':
        return this.syscall();
      case 'ClientReq':
        this.tools.clientRequest(exit.next);
        return undefined;
      case 'NoDecode': {
        const addr = exit.next;
        this.reportUnrecognised(addr);
        return this.signal({ signo: SIG.ILL, code: 'illopc', addr });
      }
      case 'SigSEGV':
        return this.signal({ signo: SIG.SEGV, addr: exit.next, general: true });
      case 'SigILL':
        return this.signal({ signo: SIG.ILL, code: 'illopc', addr: exit.next });
      case 'SigTRAP':
        return this.signal({ signo: SIG.TRAP, addr: exit.next });
      default:
        this.log.core(`grindlab: unsupported block exit ${exit.jk} at 0x${exit.next.toString(16)}`);
        return this.signal({ signo: SIG.ILL, code: 'illopc', addr: exit.next });
    }
  }

  /** The tool's final report, once the run has ended; an exit status that replaces the
   *  program's (--error-exitcode), or undefined. */
  finish(end: RunState): number | undefined {
    return this.aborted ? undefined : this.tools.fini(end.kind === 'exited');
  }

  /** The engine could not go on (ToolOutOfMemory): the run ended without the tool's report. */
  private aborted = false;

  /** Runs the guest function at addr with integer arguments until it returns to a sentinel
   *  return address (memcheck's __libc_freeres at exit). As Valgrind's final_tidyup, it
   *  runs on the guest's stack at its current %rsp, and the registers stay as the call
   *  left them: the leak check after it scans these, and only the stack above %rsp. */
  private callGuest(addr: number, args: bigint[]): boolean {
    const s = this.state;
    const sp = Number(s.getBigUint64(OFFSET_RSP, true) & ~15n) - 8;
    const ret = new Uint8Array(8);
    new DataView(ret.buffer).setBigUint64(0, BigInt(CALL_GUEST_RETURN), true);
    if (this.as.writeBytes(sp, ret)) return false;
    // Only the pushed return address: the red zone it sits in keeps its stale A/V bits.
    this.tools.memDefined(sp, 8);
    s.setBigUint64(OFFSET_RSP, BigInt(sp), true);
    args.forEach((a, i) => s.setBigUint64(OFFSET_GPR([7, 6, 2, 1, 8, 9][i]!), a, true));
    this.setRip(addr);
    while (this.rip !== CALL_GUEST_RETURN) {
      const ran = this.backend.run(this.cache.get(this.rip) ?? this.translate(this.rip), Infinity);
      if (this.afterRun(ran.exit)) return false;
    }
    return true;
  }

  /** Forgets the translations made from any byte of [addr, addr+len) (the guest changed
   *  its code: VALGRIND_DISCARD_TRANSLATIONS). */
  private discardRange(addr: number, len: number): void {
    this.cache.dropRange(addr, addr + len);
  }

  private setRip(addr: number): void {
    this.state.setBigUint64(OFFSET_RIP, BigInt(addr), true);
  }

  private syscall(): RunState | undefined {
    const s = this.state;
    const reg = (n: number) => s.getBigUint64(OFFSET_GPR(n), true);
    const nr = Number(reg(0));
    if (nr === NR_RT_SIGRETURN) return this.sigreturn();
    const args = new SyscallArgs([reg(7), reg(6), reg(2), reg(10), reg(8), reg(9)]);
    const spec = this.kernel.syscalls.lookup(nr);
    // The guest's rip is already past the syscall instruction, and Valgrind's errors about
    // its arguments are reported there (the line after it, in a stack trace).
    this.tools.preSyscall(spec, args, this.rip);
    const outcome: SyscallOutcome = this.kernel.syscalls.dispatch(nr, {
      args, proc: this.proc, threads: this.sched, mem: this.as, state: s, warn: (m) => this.log.core(m), mapFile: this.kernel.mapFile,
    });
    const setResult = (r: number) => s.setBigUint64(OFFSET_GPR(0), BigInt.asUintN(64, BigInt(r)), true);
    if (typeof outcome === 'number') { setResult(outcome); this.tools.postSyscall(spec, args, outcome); return undefined; }
    switch (outcome.kind) {
      case 'exit':
        // exit ends the thread, and the process with its last thread.
        if (outcome.scope === 'process' || !this.sched.exitCurrent(outcome.status)) return { kind: 'exited', status: outcome.status };
        return undefined;
      case 'signal': setResult(outcome.result); return this.signal({ signo: outcome.signo, addr: this.rip, sent: true });
      case 'wait':
        return undefined;
      case 'blocked':
        // Run the syscall instruction again: after the other threads (one may fill the
        // pipe), or, with nobody else to run, when the host has input (the caller runs us
        // again).
        this.setRip(Number(s.getBigUint64(OFFSET_IP_AT_SYSCALL, true)));
        if (this.sched.othersRunnable) { this.sched.yieldSlice(); return undefined; }
        return { kind: 'running', blocked: true };
    }
  }

  /** The scheduler picks the thread to run next, which takes a signal sent to it while it
   *  did not run; the run ends if every thread waits for something nothing can end. */
  private reschedule(): RunState | undefined {
    if (this.sched.reschedule()) {
      const t = this.sched.current;
      const deliverable = t.pending & ~t.sigmask;
      if (deliverable === 0n) return undefined;
      let signo = 1;
      while (!((deliverable >> BigInt(signo - 1)) & 1n)) signo++;
      t.pending &= ~(1n << BigInt(signo - 1));
      return this.signal({ signo, addr: this.rip, sent: true });
    }
    this.log.line();
    const threads = this.sched.all();
    if (threads.length === 1) {
      this.log.line(`Process deadlocked: its only thread blocks in a ${threads[0]!.waitsFor} that nothing can end.`);
    } else {
      this.log.line('Process deadlocked: every thread waits for something no thread can do:');
      for (const t of threads) this.log.line(`   thread ${t.num} (tid ${t.tid}): ${t.waitsFor}`);
    }
    this.log.line();
    return { kind: 'killed', signal: SIG.KILL };
  }

  /** Raise a signal in the running thread: run its handler, ignore it, or take the
   *  default action, which for most signals ends the run with Valgrind's report. */
  private signal(sig: FatalSignal): RunState | undefined {
    const act = this.proc.sigactions.get(sig.signo);
    const bit = 1n << BigInt(sig.signo - 1);
    // A fault the thread blocks or ignores cannot be delivered: the kernel forces the default.
    const forced = !sig.sent && ((this.sched.current.sigmask & bit) !== 0n || act?.handler === SIG_IGN);
    if (act && act.handler !== SIG_DFL && act.handler !== SIG_IGN && !forced) {
      if (this.deliver(sig, act)) return undefined;
    } else if (act?.handler === SIG_IGN && !forced) {
      return undefined;
    } else if (!forced && IGNORED_BY_DEFAULT.has(sig.signo)) {
      return undefined;
    }
    this.log.line();
    for (const l of describeFatalSignal(sig, this.backtrace(sig.addr), this.stackMax)) this.log.line(l);
    this.log.line();
    return { kind: 'killed', signal: sig.signo };
  }

  /** The guest's stack trace from `pc` and the current rsp/rbp, as Valgrind prints it. */
  private backtrace(pc: number): string[] {
    const reg = (n: number) => Number(this.state.getBigUint64(OFFSET_GPR(n), true));
    const read = (addr: number) => {
      const b = this.as.readBytes(addr, 8);
      return b instanceof Uint8Array ? new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true) : undefined;
    };
    return this.symbols.frames(this.symbols.stackTrace({ rip: pc, rsp: reg(4), rbp: reg(5) }, read));
  }

  private deliver(sig: FatalSignal, act: SigAction): boolean {
    const thread = this.sched.current;
    const oldMask = thread.sigmask;
    const info: SigInfo = sig.sent
      ? { signo: sig.signo, code: SI_TKILL, pid: this.proc.pid, uid: this.proc.uid }
      : { signo: sig.signo, code: siCode(sig), addr: sig.fault ? sig.fault.siAddr : sig.addr };
    const ok = pushSignalFrame(this.as, this.state, info, {
      handler: act.handler, restorer: act.restorer, siginfo: (act.flags & SA_SIGINFO) !== 0n,
      oldMask, rflags: readRflags(this.state), trapno: TRAPNO[sig.signo] ?? 0,
    });
    if (!ok) return false;
    thread.fpStack.push(new Uint8Array(this.state.buffer, this.state.byteOffset + FP_STATE_START, FP_STATE_END - FP_STATE_START).slice());
    thread.sigmask = oldMask | act.mask | ((act.flags & SA_NODEFER) ? 0n : 1n << BigInt(sig.signo - 1));
    if (act.flags & SA_RESETHAND) this.proc.sigactions.delete(sig.signo);
    return true;
  }

  private sigreturn(): RunState | undefined {
    const r = popSignalFrame(this.as, this.state);
    if (!r) return this.signal({ signo: SIG.SEGV, addr: this.rip, general: true });
    const fp = this.sched.current.fpStack.pop();
    if (fp) new Uint8Array(this.state.buffer, this.state.byteOffset + FP_STATE_START, fp.length).set(fp);
    this.sched.current.sigmask = r.mask;
    writeRflags(this.state, r.rflags);
    return undefined;
  }

  private reportUnrecognised(addr: number): void {
    for (const l of this.noDecode.get(addr) ?? []) this.o.log(`${l}\n`);
    this.log.line(`valgrind: Unrecognised instruction at address 0x${addr.toString(16)}.`);
    this.log.lines(this.backtrace(addr));
    for (const l of UNRECOGNISED_EXPLANATION) this.log.line(l);
  }
}

/** A translated block, with the guest instructions it was lifted from. */
export interface Translation extends CachedTranslation {
  readonly lifted: LiftedBlock;
}

/** Guest instructions begun by the time statement i ends the block: its IMarks up to i
 *  (and all of them at i = stmts.length, the final jump). */
function insnsBegun(sb: IRSB): Int32Array {
  const insns = new Int32Array(sb.stmts.length + 1);
  sb.stmts.forEach((st, i) => { insns[i + 1] = insns[i]! + (st.tag === 'IMark' ? 1 : 0); });
  for (let i = 0; i < sb.stmts.length; i++) insns[i] = insns[i + 1]!;
  return insns;
}

const NR_RT_SIGRETURN = 15;
/** callGuest's return address: never mapped, so never translated. */
const CALL_GUEST_RETURN = 0x1000;
const SA_SIGINFO = 4n;
const SA_NODEFER = 0x40000000n;
const SA_RESETHAND = 0x80000000n;
/** si_code of a signal sent with tkill/tgkill. */
const SI_TKILL = -6;
/** Signals whose default action is to do nothing. */
const IGNORED_BY_DEFAULT = new Set([SIG.CHLD, SIG.CONT, 23 /* URG */, 28 /* WINCH */]);
/** The x86 exception vector the kernel reports in sigcontext.trapno. */
const TRAPNO: Record<number, number> = { [SIG.SEGV]: 14, [SIG.ILL]: 6, [SIG.FPE]: 0, [SIG.TRAP]: 3 };
/** The SSE and x87 part of the guest state (ymm0..16, ftop, fpregs, tags, rounding, C3210). */
const FP_STATE_START = OFFSET_SSEROUND;
const FP_STATE_END = OFFSET_FC3210 + 8;

function siCode(sig: FatalSignal): number {
  if (sig.fault) return sig.fault.siCode;
  if (sig.code === 'illopc') return 1; // ILL_ILLOPC
  if (sig.code === 'intdiv') return 1; // FPE_INTDIV
  return 0x80; // SI_KERNEL
}

const UNRECOGNISED_EXPLANATION = [
  'Your program just tried to execute an instruction that Valgrind',
  'did not recognise.  There are two possible reasons for this.',
  '1. Your program has a bug and erroneously jumped to a non-code',
  '   location.  If you are running Memcheck and you just saw a',
  "   warning about a bad jump, it's probably your program's fault.",
  "2. The instruction is legitimate but Valgrind doesn't handle it,",
  "   i.e. it's Valgrind's fault.  If you think this is the case or",
  "   you are not sure, please let us know and we'll try to fix it.",
  'Either way, Valgrind will now raise a SIGILL signal which will',
  'probably kill your program.',
];
