// The translation cache's memory, for `npm run bench`: scripts/bench-memory-run.ts in a
// process of its own (an esbuild bundle, as the CLI runs the engine; --expose-gc so that
// heap figures are after full collections).
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildSync } from 'esbuild';
import type { CacheMemory } from './bench-memory-run.ts';
import { errorLine } from './bench-process.ts';

const root = join(import.meta.dirname, '..');
const bundle = join(root, 'node_modules', '.cache', 'grindlab', 'bench-memory-run.mjs');

/** Bundles the runner: call it when the CLI's snapshot is made, so both measure the same sources. */
export function prepareCacheMemory(): void {
  mkdirSync(dirname(bundle), { recursive: true });
  buildSync({
    entryPoints: [join(import.meta.dirname, 'bench-memory-run.ts')], bundle: true, platform: 'node', format: 'esm',
    target: 'node20', outfile: bundle, logLevel: 'error',
  });
}

export function cacheMemory(prog: string, tool: string, backend: string, args: string[], capSecs: number): CacheMemory {
  const r = spawnSync(process.execPath, ['--expose-gc', bundle, prog, tool, backend, ...args], {
    encoding: 'utf8', maxBuffer: 1 << 26, timeout: capSecs * 1000, killSignal: 'SIGKILL',
  });
  if (r.status !== 0) throw new Error(r.error?.message ?? errorLine(r.stderr));
  return JSON.parse(r.stdout) as CacheMemory;
}
