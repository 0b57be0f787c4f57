// One measurement for scripts/bench-memory.ts, run from an esbuild bundle under
// `node --expose-gc`: PROGRAM TOOL BACKEND [ARGS...] is run to its exit in this process,
// and the JavaScript heap is read (after full collections) before the run, after it, and
// after every translation has been dropped from the cache. The last difference is what
// the translation cache holds on the heap: the lifted and the instrumented IR of each
// block, its interpreter closure, its bookkeeping. Prints one JSON line.
import { readFileSync } from 'node:fs';
import { mountHostView } from '../src/cli/host-fs.ts';
import type { BackendKind } from '../src/engine/backend/backend.ts';
import { Machine } from '../src/engine/core/machine.ts';
import { defaultToolCommandOptions } from '../src/engine/core/tool-options.ts';
import { memcheckTool } from '../src/engine/tools/memcheck/index.ts';

export interface CacheMemory {
  /** Heap in use (bytes) after construction, after the run, after dropping every translation. */
  before: number;
  after: number;
  dropped: number;
  translations: number;
  stdout: string;
  /** What --stats=yes prints for the run (Machine.printStats). */
  stats: string;
  /** How many of the backends' private slot lists were found and cleared (of 2 under the
   *  JIT, which has both; the interpreter alone has one of them). */
  reachedInternals: number;
}

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const heap = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

const [prog, tool, backend, ...args] = process.argv.slice(2);
let stdout = '';
let log = '';
const m = new Machine({
  program: new Uint8Array(readFileSync(prog!)), path: prog!, args, seed: 1, log: (text) => { log += text; },
  env: Object.entries(process.env).map(([k, v]) => `${k}=${v}`),
  terminal: {
    write: (stream, bytes) => { if (stream === 1) stdout += Buffer.from(bytes).toString('utf8'); },
    read: () => new Uint8Array(0), isatty: () => false, windowSize: () => ({ rows: 24, cols: 80 }),
  },
  mountHost: (s) => mountHostView(s, process.cwd()), cwd: process.cwd(),
  tool: tool === 'memcheck' ? memcheckTool(defaultToolCommandOptions().memcheck) : undefined, backend: backend as BackendKind,
});
const before = heap();
const end = m.run();
if (end.kind !== 'exited' || end.status !== 0) throw new Error(`${prog}: ${JSON.stringify(end)}`);
const translations = [...m.translated()].length;
m.printStats();
const stats = log;
const after = heap();
// discardThrough drops each translation that runs through an address: every block's own
// start drops them all.
for (const t of [...m.translated()]) m.discardThrough(t.addr);
if ([...m.translated()].length !== 0) throw new Error('translations left after dropping them all');
// The backends keep a dropped translation's closures (interpreter) and the translation
// itself (JIT, for exits of a block dropped while it ran) until its slot is taken again:
// let those go too, or nothing would be freed. Private fields, read only here.
const internals = m as unknown as { backend?: { bySlot?: unknown[] }; interp?: { code?: unknown[] } };
const held = [internals.backend?.bySlot, internals.interp?.code];
for (const list of held) if (Array.isArray(list)) list.length = 0;
const dropped = heap();
const result: CacheMemory = { before, after, dropped, translations, stdout, stats, reachedInternals: held.filter(Array.isArray).length };
console.log(JSON.stringify(result));
