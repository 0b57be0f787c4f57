// `node --import tsx scripts/jit-tiers.ts`: when should a block be compiled? Runs the
// start-up-bound and CPU-bound samples under the JIT with several tiering settings (runs in
// the interpreter before a block is queued for compilation; blocks per module) and prints
// the time each takes, best of three, in one process per setting so that V8's own warm-up
// is part of it, as it is for a user. The figures behind WasmBackend's defaults
// (docs/design.md).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const programs: [string, string[]][] = [
  ['hello/hello-dynamic', []],
  ['cxx/cxx-dynamic', []],
  ['bench/bench-static', ['8']],
];
const settings: [number, number][] = [[0, 64], [1, 64], [2, 64], [5, 64], [20, 64], [100, 64], [2, 16], [2, 256]];

if (process.argv[2] === '--one') {
  const [, , , prog, threshold, batch, tool, ...args] = process.argv;
  const { Machine } = await import('../src/engine/core/machine.ts');
  const { readFileSync } = await import('node:fs');
  const { mountHostView } = await import('../src/cli/host-fs.ts');
  const { memcheckTool } = await import('../src/engine/tools/memcheck/index.ts');
  const { defaultToolCommandOptions } = await import('../src/engine/core/tool-options.ts');
  const t0 = performance.now();
  const m = new Machine({
    program: new Uint8Array(readFileSync(prog!)), path: prog!, args, env: [], seed: 1, log: () => {},
    terminal: { write: () => {}, read: () => new Uint8Array(0), isatty: () => false, windowSize: () => ({ rows: 24, cols: 80 }) },
    mountHost: (s) => mountHostView(s, root), cwd: root, jit: { threshold: Number(threshold), batch: Number(batch) },
    tool: tool === 'memcheck' ? memcheckTool(defaultToolCommandOptions().memcheck) : undefined,
  });
  m.run();
  console.log((performance.now() - t0).toFixed(0));
} else {
  for (const tool of ['none', 'memcheck']) {
    console.log(`--tool=${tool}: ms per run (best of 3) for threshold/batch`);
    console.log(`${'program'.padEnd(22)}${settings.map(([t, b]) => `${t}/${b}`.padStart(9)).join('')}`);
    for (const [prog, args] of programs) {
      const cells = settings.map(([t, b]) => {
        const times = [0, 1, 2].map(() => Number(spawnSync(process.execPath, ['--import', 'tsx', import.meta.filename, '--one', join(root, 'public/samples', prog), String(t), String(b), tool, ...args], { encoding: 'utf8' }).stdout.trim()));
        return String(Math.min(...times)).padStart(9);
      });
      console.log(`${prog.padEnd(22)}${cells.join('')}`);
    }
  }
}
