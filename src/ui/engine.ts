// The page's handle on the engine worker (src/workers/protocol.ts is the contract). One
// run at a time, each in a fresh worker: the engine runs the guest inside the worker in
// slices, so the page stays responsive whatever the guest does, and stop() ends a run by
// terminating the worker, which works even while it waits for terminal input.
import * as Comlink from 'comlink';
import type {
  BlockDetail, BlockInfo, EngineApi, ErrorRecord, HeapBlockInfo, HeapBlockStacks, IRStepView, RunEvents, ShadowBits, SharedViews,
  StartRequest, ThreadsView,
} from '../workers/protocol.ts';
import { StdinWriter } from '../workers/stdin-ring.ts';
import { type GuestRegisters, type RegisterVBits, liveBytes, liveRegisters, liveRegisterVBits } from '../workers/guest-views.ts';

export type {
  BackendKind, BlockDetail, BlockInfo, ErrorRecord, HeapBlockInfo, HeapBlockStacks, IRStepView, SchedEvent, ShadowBits, StackFrame, RunConfig,
  RunEvents, RunStatus, SharedViews, StartRequest, StopReason, ThreadInfo, ThreadsView,
} from '../workers/protocol.ts';
export { GPR_NAMES, USER_SELECTORS, flagNames, type GprName, type GuestRegisters, type RegisterVBits } from '../workers/guest-views.ts';

interface Run {
  worker: Worker;
  api: Comlink.Remote<EngineApi>;
  views?: SharedViews;
  stdin?: StdinWriter;
}

let current: Run | undefined;

/** The next run's worker, made ahead (prepare): it loads and compiles the engine while the
 *  page does other things, such as fetching the sample and the sysroot. */
let spare: Worker | undefined;

const newWorker = () => new Worker(new URL('../workers/engine.worker.ts', import.meta.url), { type: 'module' });

/** Makes the next run's worker now, if there is none waiting: at page load, and once a run
 *  has ended. */
export function prepare(): void {
  spare ??= newWorker();
}

/**
 * Starts a run in a fresh worker, ending the current one. Resolves with the shared views
 * once the program is loaded; everything after (output, status changes, a program that
 * fails to load: status 'failed') arrives through `events`.
 */
export async function start(req: StartRequest, events: RunEvents): Promise<SharedViews> {
  stop();
  const worker = spare ?? newWorker();
  spare = undefined;
  const run: Run = { worker, api: Comlink.wrap<EngineApi>(worker) };
  current = run;
  // Plain copies: Svelte state proxies cannot be posted.
  const plain: StartRequest = {
    ...req, args: [...req.args], env: [...req.env], toolOptions: [...req.toolOptions], breakpoints: [...req.breakpoints],
    program: req.program.slice(), sysroot: req.sysroot?.slice(),
  };
  const transfer = [plain.program.buffer, ...(plain.sysroot ? [plain.sysroot.buffer] : [])] as ArrayBuffer[];
  const views = await run.api.start(Comlink.transfer(plain, transfer), Comlink.proxy(events));
  if (current === run) {
    run.views = views;
    run.stdin = new StdinWriter(views.stdin);
  }
  return views;
}

/** Ends the current run at once, whatever the guest is doing. */
export function stop(): void {
  current?.worker.terminate();
  current = undefined;
}

/** Whether a run's worker is alive (started and not stopped). */
export function running(): boolean {
  return current !== undefined;
}

// Controls. Without a run they do nothing; the worker never throws back (a bad kdb line
// answers with kdb's error text), so these only reject if the worker itself died.
export const pause = (): Promise<void> => call((api) => api.pause(), undefined);
export const resume = (): Promise<void> => call((api) => api.resume(), undefined);
export const stepInstruction = (): Promise<void> => call((api) => api.stepInstruction(), undefined);
export const stepBlock = (): Promise<void> => call((api) => api.stepBlock(), undefined);
/** One kdb command line; its output (several lines, no trailing newline). */
export const kdb = (line: string): Promise<string> => call((api) => api.kdb(line), '');
export const blocks = (): Promise<BlockInfo[]> => call((api) => api.blocks(), []);
export const block = (addr: number): Promise<BlockDetail | undefined> => call((api) => api.block(addr), undefined);
/** One IR statement of the block at rip (paused only); undefined when not paused. */
export const irStep = (): Promise<IRStepView | undefined> => call((api) => api.irStep(), undefined);
/** The guest's /proc/self/maps. */
export const maps = (): Promise<string> => call((api) => api.maps(), '');
/** A symbol (`main`, `main+0x10`) or hex address → address; undefined if unknown. */
export const resolve = (expr: string): Promise<number | undefined> => call((api) => api.resolve(expr), undefined);

/** The tool's A/V bits of [addr, addr+len) (memcheck); undefined with tool none. */
export const shadow = (addr: number, len: number): Promise<ShadowBits | undefined> => call((api) => api.shadow(addr, len), undefined);
/** The tool's error contexts so far. */
export const errors = (): Promise<ErrorRecord[]> => call((api) => api.errors(), []);
/** The tool's client heap: live blocks, then freed ones still queued. */
export const heapBlocks = (): Promise<HeapBlockInfo[]> => call((api) => api.heapBlocks(), []);
export const heapBlockStacks = (addr: number): Promise<HeapBlockStacks | undefined> => call((api) => api.heapBlockStacks(addr), undefined);
/** The guest's threads, and the scheduler's events from index `from` on. */
export const threads = (from: number): Promise<ThreadsView> => call((api) => api.threads(from), { blocks: 0, mainTid: 0, threads: [], events: [] });

async function call<T>(f: (api: Comlink.Remote<EngineApi>) => Promise<T> | T, none: T): Promise<T> {
  return current ? await f(current.api) : none;
}

/** The guest's terminal input: typed text (the page echoes it; the guest's tty does not). */
export function typeInput(text: string): void {
  const stdin = current?.stdin;
  if (!stdin || stdin.write(new TextEncoder().encode(text)) === 0) return;
  // A paste larger than the ring: move the rest in as the guest reads.
  const timer = setInterval(() => { if (current?.stdin !== stdin || stdin.flush() === 0) clearInterval(timer); }, 20);
}

/** End of input (Ctrl-D): the guest's reads return what is left, then EOF. */
export function closeInput(): void {
  current?.stdin?.close();
}

/** The shared views of the current run (after start resolved). */
export function views(): SharedViews | undefined {
  return current?.views;
}

/** The guest's registers, read from shared memory now (consistent while paused). */
export function registers(): GuestRegisters | undefined {
  return current?.views && liveRegisters(current.views);
}

/** The registers' V bits (memcheck's shadow registers, read from shared memory now), or
 *  undefined when the run has no shadow state (tool none). */
export function registerVBits(): RegisterVBits | undefined {
  return current?.views && liveRegisterVBits(current.views);
}

/** A copy of guest memory [addr, addr + length), for the memory view. */
export function memory(addr: number, length: number): Uint8Array {
  return current?.views ? liveBytes(current.views, addr, length) : new Uint8Array(0);
}
