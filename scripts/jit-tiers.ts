// `node --import tsx scripts/jit-tiers.ts`: when should a block be compiled? Runs the
// start-up-bound and CPU-bound samples under the JIT with several tiering settings (runs in
// the interpreter before a block is queued for compilation, 0 = compile on the first run;
// blocks per module) and prints the milliseconds each takes from machine creation to exit,
// best of three (one run for threshold 0), one process a run so that V8's own warm-up
// counts as it does for a user.
// The engine runs from an esbuild bundle, as bin/grindlab.js runs it (tsx's wrappers
// distort JavaScript-heavy work such as translation). The figures behind WasmBackend's
// defaults: docs/design.md.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildSync } from 'esbuild';

const root = join(import.meta.dirname, '..');
const bundle = join(root, 'node_modules', '.cache', 'grindlab', 'jit-tiers-run.mjs');
mkdirSync(dirname(bundle), { recursive: true });
buildSync({
  entryPoints: [join(import.meta.dirname, 'jit-tiers-run.ts')], bundle: true, platform: 'node', format: 'esm',
  target: 'node20', outfile: bundle, logLevel: 'error',
});

const programs: [string, string[]][] = [
  ['hello/hello-dynamic', []],
  ['cxx/cxx-dynamic', []],
  ['bench/bench-static', ['8']],
];
const settings: [number, number][] = [[0, 64], [1, 64], [2, 64], [5, 64], [20, 64], [100, 64], [20, 16], [20, 256]];

for (const tool of ['none', 'memcheck']) {
  console.log(`--tool=${tool}: ms from start to exit, by threshold/batch`);
  console.log(`${'program'.padEnd(22)}${settings.map(([t, b]) => `${t}/${b}`.padStart(9)).join('')}`);
  for (const [prog, args] of programs) {
    const cells = settings.map(([t, b]) => {
      // Compiling every block on its first run, a module each, takes tens of seconds: once.
      const times = Array.from({ length: t === 0 ? 1 : 3 }, () => {
        const r = spawnSync(process.execPath, [bundle, join(root, 'public/samples', prog), String(t), String(b), tool, ...args], {
          encoding: 'utf8', env: { ...process.env, GRINDLAB_ROOT: root },
        });
        if (r.status !== 0) throw new Error(r.stderr);
        return Number(r.stdout.trim());
      });
      return String(Math.min(...times)).padStart(9);
    });
    console.log(`${prog.padEnd(22)}${cells.join('')}`);
  }
}
