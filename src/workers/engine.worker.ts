// The engine in a Web Worker, behind Comlink (the contract: protocol.ts). The page starts
// one run per worker and stops it by terminating the worker.
import * as Comlink from 'comlink';
import { EngineSession } from './session.ts';
import type { EngineApi, RunEvents, SharedViews, StartRequest } from './protocol.ts';

let session: EngineSession | undefined;

const api: EngineApi = {
  start(req: StartRequest, events: RunEvents): Promise<SharedViews> {
    session = new EngineSession(req, events);
    return Promise.resolve(session.views);
  },
  pause: () => session?.pause(),
  resume: () => session?.resume(),
  stepInstruction: () => session?.step('insn'),
  stepBlock: () => session?.step('block'),
  kdb: async (line) => session?.kdb(line) ?? 'kdb: no program is loaded',
  blocks: async () => session?.blocks() ?? [],
  block: async (addr) => session?.block(addr),
  irStep: async () => session?.irStep(),
  maps: async () => session?.maps() ?? '',
  resolve: async (expr) => session?.resolve(expr),
  shadow: async (addr, len) => session?.shadow(addr, len),
  errors: async () => session?.errors() ?? [],
  heapBlocks: async () => session?.heapBlocks() ?? [],
  heapBlockStacks: async (addr) => session?.heapBlockStacks(addr),
  threads: async (from) => session?.threads(from) ?? { blocks: 0, mainTid: 0, threads: [], events: [] },
};

Comlink.expose(api);
