// One run for scripts/jit-tiers.ts: PROGRAM THRESHOLD BATCH TOOL [ARGS...] under the JIT
// with that tiering; prints the milliseconds from machine creation to the end.
import { readFileSync } from 'node:fs';
import { mountHostView } from '../src/cli/host-fs.ts';
import { Machine } from '../src/engine/core/machine.ts';
import { defaultToolCommandOptions } from '../src/engine/core/tool-options.ts';
import { memcheckTool } from '../src/engine/tools/memcheck/index.ts';

const [prog, threshold, batch, tool, ...args] = process.argv.slice(2);
const root = process.env.GRINDLAB_ROOT!;
const t0 = performance.now();
const m = new Machine({
  program: new Uint8Array(readFileSync(prog!)), path: prog!, args, env: [], seed: 1, log: () => {},
  terminal: { write: () => {}, read: () => new Uint8Array(0), isatty: () => false, windowSize: () => ({ rows: 24, cols: 80 }) },
  mountHost: (s) => mountHostView(s, root), cwd: root, jit: { threshold: Number(threshold), batch: Number(batch) },
  tool: tool === 'memcheck' ? memcheckTool(defaultToolCommandOptions().memcheck) : undefined,
});
m.run();
console.log((performance.now() - t0).toFixed(0));
