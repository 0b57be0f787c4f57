// One run of a guest program in the engine worker: the Machine, its debugger and kdb
// console, the terminal it reads and writes, and the run loop. The loop runs the guest in
// slices of a few milliseconds and returns to the worker's event loop between them, so
// pause, kdb and the block views are served while the guest runs.
import { BACKEND_KINDS } from '../engine/backend/backend.ts';
import { type BlockSummary, type BlockText, Debugger, type IRStepState, type Outcome, type StopReason } from '../engine/core/debugger.ts';
import { Machine, type RunState } from '../engine/core/machine.ts';
import { printBanner } from '../engine/core/output.ts';
import type { ToolDescriptor } from '../engine/core/tool.ts';
import { type ToolCommandOptions, parseToolOptions, toolRunOptions } from '../engine/core/tool-options.ts';
import { memcheckTool } from '../engine/tools/memcheck/index.ts';
import { SHADOW_STATE_OFFSET } from '../engine/tools/memcheck/shadow-state.ts';
import { Kdb, resolveAddress } from '../engine/debug/kdb.ts';
import type { OutputStream, StdStream, TerminalHost } from '../engine/kernel/vfs/index.ts';
import { OFFSET_RIP } from '../engine/guest/amd64/state.ts';
import type {
  ErrorRecord, HeapBlockInfo, HeapBlockStacks, RunEvents, RunStatus, ShadowBits, SharedViews, StackFrame, StartRequest, ThreadsView,
} from './protocol.ts';
import { StdinReader, createStdinRing } from './stdin-ring.ts';

/** How long a slice runs before the worker looks at its messages: short enough that
 *  Pause feels immediate, long enough that the message round trip costs little. */
const SLICE_MS = 15;
/** Blocks between looks at the clock within a slice. */
const BLOCKS_PER_CHECK = 500;

const DEFAULT_ENV = ['HOME=/home/user', 'PATH=/usr/bin:/bin', 'LANG=C.UTF-8', 'TERM=xterm-256color'];

type Mode = 'running' | 'reading' | 'paused' | 'ended';

/** Guest output, merged per stream in order, sent to the page once per slice rather
 *  than once per write(2). */
class OutputBatch {
  private chunks: { stream: 'stdout' | 'stderr' | 'report'; text: string }[] = [];

  constructor(private readonly events: RunEvents) {}

  add(stream: 'stdout' | 'stderr' | 'report', text: string): void {
    const last = this.chunks[this.chunks.length - 1];
    if (last?.stream === stream) last.text += text;
    else if (text) this.chunks.push({ stream, text });
  }

  flush(): void {
    for (const c of this.chunks) this.events.output(c.stream, c.text);
    this.chunks = [];
  }
}

/**
 * The guest's terminal is the page's xterm: a tty on 0, 1 and 2, so glibc line-buffers
 * stdout as in any interactive terminal (docs/playground.md). Input is the run's given
 * stdin first, then what the user types, through the stdin ring; the tty does not echo
 * (the page echoes as it collects a line).
 */
class PageTerminal implements TerminalHost {
  private given: Uint8Array;
  private readonly decoders = { 1: new TextDecoder(), 2: new TextDecoder() };
  /** The ring's write count when a read last found nothing: what to wait on. */
  emptyAt = 0;

  constructor(stdin: string, readonly ring: StdinReader, private readonly out: OutputBatch) {
    this.given = new TextEncoder().encode(stdin);
  }

  write(stream: OutputStream, bytes: Uint8Array): void {
    this.out.add(stream === 1 ? 'stdout' : 'stderr', this.decoders[stream].decode(bytes, { stream: true }));
  }

  read(max: number): Uint8Array | null {
    if (this.given.length) {
      const chunk = this.given.subarray(0, max);
      this.given = this.given.subarray(chunk.length);
      return chunk;
    }
    // Read the sequence first: a write landing after it changes it, so the wait that
    // follows cannot sleep through that write.
    this.emptyAt = this.ring.seq;
    const got = this.ring.read(max);
    return got;
  }

  isatty(_stream: StdStream): boolean {
    return true;
  }

  windowSize(): { rows: number; cols: number } {
    return { rows: 24, cols: 80 };
  }
}

export class EngineSession {
  readonly views: SharedViews;
  private readonly out: OutputBatch;
  private readonly dbg?: Debugger;
  private readonly console?: Kdb;
  private readonly terminal?: PageTerminal;
  private mode: Mode = 'paused';
  /** The next slice comes after whatever else is queued. A browser queues a
   *  MessageChannel post behind the page's messages, without setTimeout's clamp of 4ms;
   *  Node (the tests) drains up to 1000 port messages before its timers, so there
   *  setImmediate. */
  private readonly tick = new MessageChannel();
  private readonly yieldThen = (globalThis as { setImmediate?: (f: () => void) => unknown }).setImmediate;
  private scheduled = false;
  /** Counts waits for input: only the latest one may go on (a pause and resume while
   *  waiting starts another). */
  private waits = 0;
  /** The tool options (-q, --error-exitcode ...), parsed as the CLI parses them. */
  private toolOptions?: ToolCommandOptions;

  constructor(req: StartRequest, private readonly events: RunEvents) {
    this.out = new OutputBatch(events);
    const stdin = createStdinRing();
    this.tick.port1.onmessage = () => this.slice();
    let machine: Machine;
    try {
      if (req.tool !== 'none' && req.tool !== 'memcheck') throw new Error(`the tool '${req.tool}' is not available (available: none, memcheck)`);
      if (!BACKEND_KINDS.includes(req.backend)) throw new Error(`the backend '${req.backend}' is not available (available: ${BACKEND_KINDS.join(', ')})`);
      const t = parseToolOptions(req.toolOptions);
      if (t.suppressionFiles.length) throw new Error('--suppressions: suppression files cannot be read in the playground');
      this.toolOptions = t;
      const tool: ToolDescriptor | undefined = req.tool === 'memcheck' ? memcheckTool(t.memcheck) : undefined;
      this.terminal = new PageTerminal(req.stdin, new StdinReader(stdin), this.out);
      machine = new Machine({
        program: req.program, path: req.path, args: req.args, env: [...DEFAULT_ENV, ...req.env], seed: req.seed,
        log: (t) => this.out.add('report', t), terminal: this.terminal, sysroot: req.sysroot,
        tool, toolOptions: toolRunOptions(t, []), backend: req.backend, optimiseWhenHot: true,
      });
    } catch (e) {
      // Nothing to run: the page still gets views (of an empty memory) and the reason.
      this.views = { memory: new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }), stateAddr: 0, stdin };
      this.fail(e);
      return;
    }
    this.views = {
      memory: machine.as.memory.wasmMemory, stateAddr: Machine.STATE_ADDR, stdin,
      ...(req.tool === 'memcheck' && { shadowStateAddr: Machine.STATE_ADDR + SHADOW_STATE_OFFSET }),
    };
    this.dbg = new Debugger(machine);
    const session = this;
    this.console = new Kdb(this.dbg, {
      get paused() { return session.mode === 'paused'; },
      resume: () => this.resume(),
      step: (kind) => { this.step(kind === 'into' ? 'insn' : 'over'); return this.mode === 'paused'; },
    });
    if (!this.toolOptions?.quiet) printBanner(machine.log, machine.tools.tool.banner, [req.path, ...req.args]);
    for (const b of req.breakpoints) {
      const addr = resolveAddress(this.dbg, b);
      if (addr === undefined) this.out.add('report', `grindlab: breakpoint '${b}': no such address or symbol\n`);
      else this.dbg.setBreakpoint(addr);
    }
    if (req.paused) this.stop({ kind: 'entry' });
    else this.resume();
  }

  pause(): void {
    if (this.mode !== 'running' && this.mode !== 'reading') return;
    this.dbg!.cancelStepOver();
    this.stop({ kind: 'pause' });
  }

  resume(): void {
    if (this.mode !== 'paused' || !this.dbg) return;
    this.setMode('running');
    this.schedule();
  }

  /** Step instruction, step block, or `ni` (which may run on through a call). */
  step(kind: 'insn' | 'block' | 'over'): void {
    if (this.mode !== 'paused' || !this.dbg) return;
    const dbg = this.dbg;
    this.perform(kind === 'insn' ? () => dbg.stepInstruction() : kind === 'block' ? () => dbg.stepBlock() : () => dbg.stepOverCall());
  }

  kdb(line: string): string {
    if (!this.console) return 'kdb: no program is loaded';
    try {
      return this.console.exec(line);
    } catch (e) {
      return `kdb: internal error: ${message(e)}`;
    } finally {
      this.out.flush();
    }
  }

  blocks(): BlockSummary[] {
    return this.dbg?.blocks() ?? [];
  }

  block(addr: number): BlockText | undefined {
    return this.dbg?.block(addr);
  }

  /** One IR statement of the block at rip; undefined unless paused. */
  irStep(): IRStepState | undefined {
    if (this.mode !== 'paused' || !this.dbg) return undefined;
    try {
      const { view, outcome } = this.dbg.irStep();
      if (outcome) this.settle(outcome, () => ({ kind: 'stopped', reason: { kind: 'step' } }), true);
      return view;
    } catch (e) {
      this.fail(e);
      return undefined;
    }
  }

  maps(): string {
    return this.dbg?.machine.as.renderProcMaps() ?? '';
  }

  resolve(expr: string): number | undefined {
    return this.dbg && resolveAddress(this.dbg, expr);
  }

  shadow(addr: number, len: number): ShadowBits | undefined {
    return this.dbg?.machine.tools.tool.inspect?.shadow?.(addr, Math.max(0, Math.min(len, 1 << 16)));
  }

  errors(): ErrorRecord[] {
    const m = this.dbg?.machine;
    if (!m) return [];
    const errors = m.tools.errors;
    const frames = (ips: number[]) => errors.formatFrames(ips).map(parseFrame);
    return errors.shown.map(({ error: e, count }) => ({
      kind: e.xmlKind, what: e.what, count, frames: frames(e.ips),
      aux: e.aux.map((a) => ({ text: a.text, frames: a.ips ? frames(a.ips) : [] })),
    }));
  }

  heapBlocks(): HeapBlockInfo[] {
    const blocks = this.dbg?.machine.tools.tool.inspect?.heapBlocks?.() ?? [];
    return blocks.map((b) => ({ addr: b.addr, size: b.size, state: b.state }));
  }

  threads(from: number): ThreadsView {
    const m = this.dbg?.machine;
    if (!m) return { blocks: 0, mainTid: 0, threads: [], events: [] };
    const threads = m.sched.all().map((t) => ({
      tid: t.tid, num: t.num, running: t === m.sched.current, rip: Number(m.registersOf(t).getBigUint64(OFFSET_RIP, true)),
      ...(t.waitsFor && { waits: t.waitsFor }),
    }));
    return { blocks: m.blocksRun, mainTid: m.proc.pid, threads, events: m.sched.log.events.slice(Math.max(0, from)) };
  }

  heapBlockStacks(addr: number): HeapBlockStacks | undefined {
    const m = this.dbg?.machine;
    const b = m?.tools.tool.inspect?.heapBlocks?.().find((x) => x.addr === addr);
    if (!b) return undefined;
    const frames = (ips: number[]) => m!.tools.errors.formatFrames(ips).map(parseFrame);
    return { allocStack: frames(b.allocIps), ...(b.freeIps && { freeStack: frames(b.freeIps) }) };
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    if (this.yieldThen) this.yieldThen(() => this.slice());
    else this.tick.port2.postMessage(null);
  }

  /** One slice of running, if still running. */
  private slice(): void {
    this.scheduled = false;
    if (this.mode !== 'running') return;
    const dbg = this.dbg!;
    this.perform(() => {
      const deadline = performance.now() + SLICE_MS;
      let o: Outcome;
      do o = dbg.run(BLOCKS_PER_CHECK); while (o.kind === 'running' && performance.now() < deadline);
      return o;
    });
  }

  /** Runs `action` (a slice or a step) and acts on where it leaves the guest. */
  private perform(action: () => Outcome): void {
    let o: Outcome;
    try {
      o = action();
    } catch (e) {
      this.fail(e);
      return;
    }
    this.settle(o, action, false);
  }

  /** `stepping`: the action was a step, so a guest that would run on stops instead. */
  private settle(o: Outcome, retry: () => Outcome, stepping: boolean): void {
    switch (o.kind) {
      case 'running':
        if (stepping) this.stop({ kind: 'step' });
        else {
          this.setMode('running');
          this.schedule();
        }
        break;
      case 'blocked':
        if (stepping) this.stop({ kind: 'step' });
        else void this.awaitInput(retry);
        break;
      case 'stopped':
        this.stop(o.reason);
        break;
      case 'ended':
        this.end(o.state);
        break;
    }
    this.out.flush();
  }

  /** The guest waits in read(2): tell the page, wait for it to write or close the ring
   *  (without blocking this event loop where the platform allows), then try again
   *  unless the user paused meanwhile. */
  private async awaitInput(retry: () => Outcome): Promise<void> {
    this.setMode('reading');
    this.out.flush();
    const t = this.terminal!;
    const token = ++this.waits;
    await t.ring.wait(t.emptyAt);
    if (this.mode !== 'reading' || token !== this.waits) return;
    this.setMode('running');
    this.perform(retry);
  }

  private stop(reason: StopReason): void {
    this.mode = 'paused';
    this.out.flush();
    this.events.status({ kind: 'paused', reason, rip: this.dbg!.rip });
  }

  /** The run ended: the tool's final report (freeres, heap and leak summaries, ERROR
   *  SUMMARY), as the CLI prints it, then the status, with --error-exitcode applied. */
  private end(state: Extract<RunState, { kind: 'exited' | 'killed' }>): void {
    const m = this.dbg!.machine;
    const t = this.toolOptions;
    if (state.kind === 'exited' && !t?.quiet) m.log.line();
    let override: number | undefined;
    try {
      override = m.finish(state);
    } catch (e) {
      m.log.line(`grindlab: internal error in the final report: ${message(e)}`);
    }
    const errorStatus = t && t.errorExitcode !== 0 && m.tools.errors.count > 0 ? t.errorExitcode : undefined;
    const status: RunStatus = state.kind === 'exited'
      ? { kind: 'exited', status: errorStatus ?? override ?? state.status }
      : { kind: 'killed', signal: state.signal };
    this.mode = 'ended';
    this.out.flush();
    this.tick.port1.close();
    this.events.status(status);
  }

  private fail(e: unknown): void {
    this.mode = 'ended';
    this.out.flush();
    this.tick.port1.close();
    this.events.status({ kind: 'failed', message: message(e) });
  }

  private setMode(mode: 'running' | 'reading'): void {
    if (this.mode === mode) return;
    this.mode = mode;
    this.events.status({ kind: mode });
  }
}

/** `   at 0x4849D4B: main (use-after-free.c:50)` (or `(in /lib/x.so)`, or `???`) taken apart. */
export function parseFrame(line: string): StackFrame {
  const text = line.replace(/^\s*(at|by)\s+/, '');
  const m = /^0x([0-9A-Fa-f]+): (.*?)(?: \((?:in (.+)|(.+):(\d+))\))?$/.exec(text);
  if (!m) return { addr: 0, fn: '???', text };
  return {
    addr: parseInt(m[1]!, 16), fn: m[2]!, text,
    ...(m[3] !== undefined && { obj: m[3] }),
    ...(m[4] !== undefined && { file: m[4], line: Number(m[5]) }),
  };
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
