// `node --import tsx scripts/bench-translate.ts`: what translating a block costs, in ms per
// block for each stage of the Machine's pipeline (lift, optimise, memcheck's
// instrumentation, optimise again), cold (the first 300 blocks of a fresh process) and
// warm, each stage the best of 5 processes (the wall clock only ever adds what other
// processes take from us). The code is measured from an esbuild bundle, as
// bin/grindlab.js runs it: tsx's loader wraps every closure in a naming helper that
// distorts allocation-heavy code. To compare two versions, run it in a checkout of each.
// `--runs N` takes the best of N processes instead of 5, for a machine busy with other work.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildSync } from 'esbuild';
import type { StageTimes } from './translate-timing.ts';

/** Processes per figure; `--runs N` for more where the machine is noisy. */
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg >= 0 ? Number(process.argv[runsArg + 1]) : 5;

const bundle = join(import.meta.dirname, '..', 'node_modules', '.cache', 'grindlab', 'translate-timing.mjs');
mkdirSync(dirname(bundle), { recursive: true });
buildSync({
  entryPoints: [join(import.meta.dirname, 'translate-timing.ts')], bundle: true, platform: 'node', format: 'esm',
  target: 'node20', outfile: bundle, logLevel: 'error',
});

function run(mode: string): StageTimes {
  const r = spawnSync(process.execPath, [bundle, mode], {
    encoding: 'utf8', maxBuffer: 1 << 24, env: { ...process.env, GRINDLAB_ROOT: join(import.meta.dirname, '..') },
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as StageTimes;
}

function best(runs: StageTimes[]): StageTimes {
  const min = (k: keyof StageTimes) => Math.min(...runs.map((r) => r[k]));
  return { lift: min('lift'), optimise: min('optimise'), instrument: min('instrument'), optimise2: min('optimise2') };
}

const row = (label: string, t: StageTimes) => `${label}  lift ${t.lift.toFixed(4)}  optimise ${t.optimise.toFixed(4)}  `
  + `instrument ${t.instrument.toFixed(4)}  optimise after memcheck ${t.optimise2.toFixed(4)}  `
  + `all ${(t.lift + t.optimise + t.instrument + t.optimise2).toFixed(4)} ms/block`;

for (const mode of ['cold', 'warm']) console.log(row(mode, best(Array.from({ length: RUNS }, () => run(`--${mode}`)))));
