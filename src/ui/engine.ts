// The page's handle on the engine worker. The engine runs a guest synchronously inside
// the worker, so the page stays responsive whatever the guest does, and Stop ends a run
// by terminating the worker (a fresh one serves the next run).
import * as Comlink from 'comlink';
import type { Engine, OutputSink, RunRequest } from '../workers/engine.worker.ts';

let current: { worker: Worker; engine: Comlink.Remote<Engine> } | undefined;

function engine(): Comlink.Remote<Engine> {
  if (!current) {
    const worker = new Worker(new URL('../workers/engine.worker.ts', import.meta.url), { type: 'module' });
    current = { worker, engine: Comlink.wrap<Engine>(worker) };
  }
  return current.engine;
}

/** Thrown (as the rejection of runInWorker) when a run was stopped. */
export class Stopped extends Error {}

let stopRun: (() => void) | undefined;

/** Runs a guest program in the worker, streaming its output to `out`. */
export async function runInWorker(req: RunRequest, out: OutputSink) {
  const stopped = new Promise<never>((_, reject) => { stopRun = () => reject(new Stopped('stopped')); });
  try {
    return await Promise.race([engine().run(Comlink.transfer(req, [req.program.buffer as ArrayBuffer]), Comlink.proxy(out)), stopped]);
  } finally {
    stopRun = undefined;
  }
}

/** Ends the current run at once, whatever the guest is doing. */
export function stopWorker(): void {
  current?.worker.terminate();
  current = undefined;
  stopRun?.();
}
