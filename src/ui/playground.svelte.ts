// The playground's state: the program and run settings the toolbar edits, the run's
// status, and what the panels show of it (blocks, the selected block, kdb history, maps).
// Panels read it and call its actions; only this module talks to the engine client.
import * as engine from './engine.ts';
import type {
  BackendKind, BlockDetail, BlockInfo, ErrorRecord, HeapBlockInfo, HeapBlockStacks, IRStepView, RegisterVBits, RunConfig, RunStatus, SharedViews, StackFrame, ThreadsView,
} from './engine.ts';
import { joinWords, splitWords } from './argv.ts';
import { type Program, checkUpload } from './program.ts';
import { loadCatalogue, type Catalogue, type Sample } from './samples.ts';
import { holdMonaco } from './lazy-monaco.ts';
import { loadSysroot, type SysrootState } from './sysroot.ts';
import { ShareError, decodeShare, encodeShare } from './share.ts';
import { inspectProgram } from '../workers/program-info.ts';

/** What the status line shows: the worker's status, or the page's own states around it. */
export type PageStatus = RunStatus | { kind: 'idle' } | { kind: 'starting' } | { kind: 'stopped' };

/** Where guest output goes: the terminal panel registers itself. */
export interface TerminalSink {
  write(stream: 'stdout' | 'stderr' | 'report', text: string): void;
  clear(): void;
}

export interface Banner {
  kind: 'error' | 'note';
  text: string;
}

/** Runs Shuffle tries before it gives up. */
const SHUFFLE_TRIES = 20;
/** How often the block list and maps refresh while the guest runs. */
const POLL_MS = 500;

class Playground {
  catalogue = $state<Catalogue>({ status: 'loading' });
  sysroot = $state<SysrootState>({ status: 'loading' });
  program = $state.raw<Program | undefined>();
  /** The selected sample's C source, for the source tab. */
  source = $state<{ name: string; text: string } | undefined>();

  // The run settings as the toolbar's fields hold them (words in shell quoting).
  args = $state('');
  env = $state('');
  stdin = $state('');
  tool = $state('none');
  toolOptions = $state('');
  seed = $state(1);
  /** What runs the blocks: the JIT (the default), or the reference interpreter. */
  backend = $state<BackendKind>('wasm');
  breakpoints = $state('');

  status = $state.raw<PageStatus>({ kind: 'idle' });
  banner = $state.raw<Banner | undefined>();
  /** Bumped on every run: panels drop what they showed of the last one. */
  runId = $state(0);
  views = $state.raw<SharedViews | undefined>();

  blocks = $state.raw<BlockInfo[]>([]);
  selected = $state<number | undefined>();
  detail = $state.raw<BlockDetail | undefined>();
  irStep = $state.raw<IRStepView | undefined>();
  centre = $state<'source' | 'ir'>('source');
  registerDump = $state('');
  kdbHistory = $state.raw<{ command: string; output: string }[]>([]);
  maps = $state('');
  /** The right pane's tab. */
  side = $state<'kdb' | 'errors' | 'heap' | 'threads'>('kdb');
  /** The guest's threads and the scheduler's events so far, refreshed with the blocks. */
  threads = $state.raw<ThreadsView>({ blocks: 0, mainTid: 0, threads: [], events: [] });
  /** The tool's error contexts and heap blocks (memcheck), refreshed with the blocks. */
  errors = $state.raw<ErrorRecord[]>([]);
  heap = $state.raw<HeapBlockInfo[]>([]);
  selectedHeap = $state<number | undefined>();
  /** The selected heap block's stacks, fetched when it is picked (and on each refresh). */
  heapStacks = $state.raw<HeapBlockStacks | undefined>();
  /** The registers' V bits at the last stop (memcheck), undefined without a shadow. */
  registerVBits = $state.raw<RegisterVBits | undefined>();
  /** A request to the memory view to follow an address (a heap block); `seq` tells repeats apart. */
  memoryJump = $state.raw<{ addr: number; seq: number } | undefined>();
  /** A request to the source view to show a line (a clicked stack frame). */
  sourceLine = $state.raw<{ line: number; seq: number } | undefined>();
  private seq = 0;

  terminal: TerminalSink | undefined;
  private readonly binaries = new Map<string, Uint8Array>();
  private readonly sysrootReady: Promise<SysrootState>;
  private readonly catalogueReady: Promise<void>;
  private poll: ReturnType<typeof setInterval> | undefined;
  /** Called when the latest run stops running (it exits, fails or pauses). */
  private runSettled: () => void = () => {};
  /** Told of the run's end (shuffle waits for it). */
  private runEnded: (s: PageStatus) => void = () => {};
  /** While Shuffle reruns the program: the try and the seed. */
  shuffling = $state.raw<{ run: number; of: number; seed: number } | undefined>();

  constructor() {
    this.catalogueReady = loadCatalogue().then((c) => {
      this.catalogue = c;
      if (c.status === 'loaded' && !this.program && !location.hash) {
        const hello = c.samples.find((s) => s.name === 'hello') ?? c.samples[0];
        if (hello) this.selectSample(hello.name, hello.builds.find((b) => b.kind === 'static')?.kind ?? hello.builds[0]!.kind);
      }
    });
    this.sysrootReady = loadSysroot().then((s) => (this.sysroot = s));
    engine.prepare();
  }

  get live(): boolean {
    const k = this.status.kind;
    return k === 'running' || k === 'reading' || k === 'paused' || k === 'starting';
  }

  get paused(): boolean {
    return this.status.kind === 'paused';
  }

  /** The selected sample's bug story (memcheck's samples), shown above the source. */
  get story(): string | undefined {
    return this.program?.kind === 'sample' ? this.sample(this.program.sample)?.story : undefined;
  }

  sample(name: string): Sample | undefined {
    return this.catalogue.status === 'loaded' ? this.catalogue.samples.find((s) => s.name === name) : undefined;
  }

  /** Picks a sample's build, with the sample's own arguments and input. */
  selectSample(name: string, build: string): void {
    const s = this.sample(name);
    if (!s || !s.builds.some((b) => b.kind === build)) return;
    const sameSample = this.program?.kind === 'sample' && this.program.sample === name;
    this.program = { kind: 'sample', sample: name, build };
    if (sameSample) return;
    this.args = joinWords(s.args ?? []);
    this.stdin = s.stdin ?? '';
    // A memcheck story runs under memcheck with its options; other samples keep the tool.
    if (s.tool) {
      this.tool = s.tool;
      this.toolOptions = joinWords(s.toolOptions ?? []);
    }
    this.source = undefined;
    if (s.source && this.catalogue.status === 'loaded') {
      void fetch(new URL(s.source, this.catalogue.base))
        .then((r) => (r.ok ? r.text() : `/* ${s.source}: HTTP ${r.status} */`))
        .then((text) => {
          if (this.program?.kind === 'sample' && this.program.sample === name) this.source = { name: s.source, text };
        });
    }
  }

  /** An uploaded or dropped file: refused with a one-line reason unless it is an x86-64 ELF
   *  executable, in which case it becomes the program (settings kept, source cleared). */
  async upload(file: File): Promise<void> {
    const checked = checkUpload(file.name, new Uint8Array(await file.arrayBuffer()));
    if (typeof checked === 'string') {
      this.banner = { kind: 'error', text: checked };
      return;
    }
    this.banner = undefined;
    this.program = checked;
    this.source = undefined;
    this.centre = 'ir';
  }

  config(): RunConfig {
    const p = this.program;
    const name = p?.kind === 'sample' ? p.sample : (p?.name ?? 'a.out');
    return {
      path: `/home/user/${name}`, args: splitWords(this.args), env: splitWords(this.env), stdin: this.stdin,
      tool: this.tool, toolOptions: splitWords(this.toolOptions), seed: this.seed >>> 0, breakpoints: splitWords(this.breakpoints),
      backend: this.backend,
    };
  }

  /** Starts the program afresh (ending any run): paused at its first instruction if asked.
   *  Whether it started (its end comes as a status). */
  async run(paused = false): Promise<boolean> {
    const p = this.program;
    if (!p) return false;
    let program: Uint8Array;
    try {
      program = p.kind === 'upload' ? p.bytes : await this.sampleBinary(p.sample, p.build);
    } catch (e) {
      this.banner = { kind: 'error', text: message(e) };
      return false;
    }
    const sampleInfo = p.kind === 'upload' ? undefined : inspectProgram(program);
    const dynamic = p.kind === 'upload' ? p.dynamic : sampleInfo?.ok === true && sampleInfo.dynamic;
    let sysroot: Uint8Array | undefined;
    if (dynamic) {
      const s = await this.sysrootReady;
      if (s.status !== 'ready') {
        this.banner = { kind: 'error', text: `this program is dynamically linked and the glibc sysroot is unavailable: ${s.status === 'error' ? s.message : 'loading'}` };
        return false;
      }
      sysroot = s.bytes;
    }
    const id = ++this.runId;
    this.reset();
    this.status = { kind: 'starting' };
    holdMonaco(new Promise<void>((settled) => (this.runSettled = settled)));
    const config = this.config();
    try {
      const views = await engine.start({ ...config, program, sysroot, paused }, {
        output: (stream, text) => { if (id === this.runId) this.terminal?.write(stream, text); },
        status: (s) => { if (id === this.runId) this.onStatus(s); },
      });
      if (id !== this.runId) return false;
      this.views = views;
      // Given stdin is the whole input, as with `prog < file`; with none, the terminal is.
      if (config.stdin) engine.closeInput();
      return true;
    } catch (e) {
      if (id === this.runId) this.status = { kind: 'failed', message: message(e) };
      this.runSettled();
      return false;
    }
  }

  /**
   * Shuffle: runs the program again with the next seeds, one after another, until a run
   * ends with an error from the tool or a fatal signal, or `tries` runs pass clean. The
   * seed that showed it stays set, so Run and Share replay that interleaving.
   */
  async shuffle(tries = SHUFFLE_TRIES): Promise<void> {
    const first = (this.seed >>> 0) + 1;
    for (let run = 1; run <= tries; run++) {
      this.seed = first + run - 1;
      this.shuffling = { run, of: tries, seed: this.seed };
      this.banner = { kind: 'note', text: `shuffle: run ${run} of ${tries}, seed ${this.seed}` };
      const ended = new Promise<PageStatus>((resolve) => (this.runEnded = resolve));
      if (!(await this.run())) {
        this.shuffling = undefined;
        return;
      }
      const end = await ended;
      if (!this.shuffling) return;
      const errors = await engine.errors();
      const found = errors.length > 0 ? `${this.tool} reported ${errors.length === 1 ? 'an error' : `${errors.length} errors`}`
        : end.kind === 'killed' ? `the program was killed by signal ${end.signal}`
        : end.kind === 'exited' ? undefined : `the run ended (${end.kind})`;
      if (found) {
        this.shuffling = undefined;
        this.banner = { kind: 'note', text: `shuffle: with seed ${this.seed} (run ${run} of ${tries}) ${found}` };
        return;
      }
    }
    this.shuffling = undefined;
    this.banner = { kind: 'note', text: `shuffle: ${tries} runs (seeds ${first}-${first + tries - 1}) ended without an error` };
  }

  stop(): void {
    this.shuffling = undefined;
    this.runEnded({ kind: 'stopped' });
    engine.stop();
    engine.prepare();
    this.stopPolling();
    if (this.live) this.status = { kind: 'stopped' };
  }

  pause = (): Promise<void> => engine.pause();
  resume = (): Promise<void> => engine.resume();
  stepInstruction = (): Promise<void> => engine.stepInstruction();
  stepBlock = (): Promise<void> => engine.stepBlock();

  async kdb(command: string): Promise<void> {
    const output = await engine.kdb(command);
    this.kdbHistory = [...this.kdbHistory, { command, output }];
  }

  async selectBlock(addr: number): Promise<void> {
    this.selected = addr;
    this.centre = 'ir';
    const detail = await engine.block(addr);
    if (this.selected === addr) this.detail = detail;
  }

  /** One IR statement of the block at rip; shows that block if another was selected. */
  async stepIR(): Promise<void> {
    const view = await engine.irStep();
    if (!view) return;
    if (view.addr !== this.detail?.addr) {
      await this.refreshBlocks();
      await this.selectBlock(view.addr);
    }
    this.irStep = view;
  }

  /** The link to this run, put in the address bar; a note says what it carries. */
  async share(): Promise<void> {
    const p = this.program;
    if (!p) return;
    const { fragment, embedded } = await encodeShare({
      program: p.kind === 'sample' ? { kind: 'sample', sample: p.sample, build: p.build } : { kind: 'binary', name: p.name, bytes: p.bytes },
      config: this.config(),
    });
    history.replaceState(null, '', `#${fragment}`);
    let copied = false;
    try {
      await navigator.clipboard.writeText(location.href);
      copied = true;
    } catch {
      // No clipboard permission: the address bar holds the link anyway.
    }
    const where = copied ? 'copied to the clipboard and in the address bar' : 'in the address bar';
    this.banner = embedded
      ? { kind: 'note', text: `Link to this run ${where}.` }
      : { kind: 'note', text: `Link ${where}. ${p.kind === 'upload' ? p.name : 'The binary'} is too large to embed in a link: the link carries everything else, and whoever opens it uploads the binary.` };
  }

  /** Opens a share link: all of it or, if anything is wrong with it, none of it. */
  async open(fragment: string): Promise<void> {
    try {
      const { program, config } = await decodeShare(fragment);
      let next: Program | undefined;
      if (program.kind === 'sample') {
        await this.catalogueReady;
        if (!this.sample(program.sample)?.builds.some((b) => b.kind === program.build)) {
          throw new ShareError(`the link runs the sample ${program.sample} (${program.build}), which this page does not have`);
        }
        this.selectSample(program.sample, program.build);
      } else if (program.kind === 'binary') {
        const checked = checkUpload(program.name, program.bytes);
        if (typeof checked === 'string') throw new ShareError(`the link's binary: ${checked}`);
        next = checked;
      }
      if (next) {
        this.program = next;
        this.source = undefined;
      }
      this.args = joinWords(config.args);
      this.env = joinWords(config.env);
      this.stdin = config.stdin;
      this.tool = config.tool;
      this.toolOptions = joinWords(config.toolOptions);
      this.seed = config.seed;
      this.backend = config.backend;
      this.breakpoints = joinWords(config.breakpoints);
      if (program.kind === 'absent') {
        this.program = undefined;
        this.banner = { kind: 'note', text: `This link's program, ${program.name}, was too large to embed: upload it and press Run (the link set everything else).` };
        return;
      }
      await this.run();
    } catch (e) {
      if (!(e instanceof ShareError)) throw e;
      this.banner = { kind: 'error', text: `This link cannot be opened: ${e.message}.` };
    }
  }

  /** Whether a refresh is under way: polls wait for it rather than queue up behind the
   *  running guest (each is a round trip to the busy worker). */
  private refreshing = false;

  async refreshBlocks(): Promise<void> {
    if (this.refreshing) return;
    this.refreshing = true;
    const id = this.runId;
    try {
      const [blocks, maps, errors, heap, threads] = await Promise.all([
        engine.blocks(), engine.maps(), engine.errors(), engine.heapBlocks(), engine.threads(this.threads.events.length),
      ]);
      if (id !== this.runId) return;
      this.blocks = blocks;
      this.maps = maps;
      this.errors = errors;
      this.heap = heap;
      this.threads = { ...threads, events: [...this.threads.events, ...threads.events] };
      if (this.selectedHeap !== undefined) this.heapStacks = await engine.heapBlockStacks(this.selectedHeap);
    } finally {
      this.refreshing = false;
    }
  }

  /** Whether a frame is in the source shown (same file name), so clicking it can open the line. */
  frameInSource(f: StackFrame): boolean {
    const name = this.source?.name;
    return !!name && f.file !== undefined && f.line !== undefined && name.split('/').pop() === f.file.split('/').pop();
  }

  /** A clicked stack frame: its line in the source view, if that file is the one shown. */
  openFrame(f: StackFrame): void {
    if (!this.frameInSource(f)) return;
    this.centre = 'source';
    this.sourceLine = { line: f.line!, seq: ++this.seq };
  }

  /** A heap block picked in the heap list: its stacks show, and memory follows it. */
  selectHeapBlock(addr: number): void {
    this.selectedHeap = addr;
    this.heapStacks = undefined;
    this.memoryJump = { addr, seq: ++this.seq };
    void engine.heapBlockStacks(addr).then((stacks) => { if (this.selectedHeap === addr) this.heapStacks = stacks; });
  }

  private onStatus(s: RunStatus): void {
    this.status = s;
    if (s.kind === 'running' || s.kind === 'reading') {
      this.irStep = undefined;
      this.poll ??= setInterval(() => void this.refreshBlocks(), POLL_MS);
      return;
    }
    this.runSettled();
    this.runEnded(s);
    this.stopPolling();
    void this.refreshBlocks().then(() => {
      if (this.selected !== undefined) void this.selectBlock(this.selected);
    });
    // The run is over (its worker stays for the views): the next one's worker loads now.
    if (s.kind !== 'paused') engine.prepare();
    if (s.kind === 'paused') {
      void engine.kdb('dr').then((dump) => {
        this.registerDump = dump;
        this.registerVBits = engine.registerVBits();
      });
      // Show the block the guest stopped at, once it is translated (a breakpoint stops
      // before its block has ever run).
      if (this.centre === 'ir' || s.reason.kind === 'breakpoint') void this.selectIfTranslated(s.rip);
    }
  }

  private async selectIfTranslated(addr: number): Promise<void> {
    if (await engine.block(addr)) await this.selectBlock(addr);
  }

  private reset(): void {
    this.stopPolling();
    this.banner = undefined;
    this.views = undefined;
    this.blocks = [];
    this.selected = undefined;
    this.detail = undefined;
    this.irStep = undefined;
    this.registerDump = '';
    this.kdbHistory = [];
    this.maps = '';
    this.errors = [];
    this.heap = [];
    this.threads = { blocks: 0, mainTid: 0, threads: [], events: [] };
    this.selectedHeap = undefined;
    this.heapStacks = undefined;
    this.registerVBits = undefined;
    this.terminal?.clear();
  }

  private stopPolling(): void {
    clearInterval(this.poll);
    this.poll = undefined;
  }

  private async sampleBinary(name: string, build: string): Promise<Uint8Array> {
    const b = this.sample(name)?.builds.find((x) => x.kind === build);
    if (!b || this.catalogue.status !== 'loaded') throw new Error(`no sample ${name} (${build})`);
    const cached = this.binaries.get(b.path);
    if (cached) return cached;
    const res = await fetch(new URL(b.path, this.catalogue.base));
    if (!res.ok) throw new Error(`${b.path}: HTTP ${res.status}`);
    const bytes = new Uint8Array(await res.arrayBuffer());
    this.binaries.set(b.path, bytes);
    return bytes;
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export const playground = new Playground();
