// The page's handle on the engine worker.
import * as Comlink from 'comlink';
import type { Engine, OutputSink, RunRequest } from '../workers/engine.worker.ts';

let worker: Comlink.Remote<Engine> | undefined;

function engine(): Comlink.Remote<Engine> {
  worker ??= Comlink.wrap<Engine>(new Worker(new URL('../workers/engine.worker.ts', import.meta.url), { type: 'module' }));
  return worker;
}

/** Runs a guest program in the worker, streaming its output to `out`. */
export async function runInWorker(req: RunRequest, out: OutputSink) {
  return engine().run(Comlink.transfer(req, [req.program.buffer as ArrayBuffer]), Comlink.proxy(out));
}
