// Timing one command line for `npm run bench` (scripts/bench.ts): wall-clock time, best of
// a few runs, with a time cap, and the CPU time the run took (user + system, from our own
// process's count of reaped children), which shows how much of the wall time a loaded
// machine took away. Also what grindlab's --stats=yes lines say.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCli, writeCliRunner } from '../bin/cli-bundle.js';

export interface Timed {
  /** Best wall-clock time in seconds (of the runs that finished). */
  secs: number;
  /** CPU time (user + system) of that run, in seconds (10 ms resolution). */
  cpu: number;
  /** Runs made; `capped` when the first one was stopped at the cap. */
  runs: number;
  capped: boolean;
  /** stdout of every finished run (to check them all), and the best run's stderr. */
  stdouts: string[];
  stderr: string;
  status: number | null;
}

/** Clock ticks of CPU time spent by our reaped children (/proc/self/stat cutime + cstime). */
function childTicks(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  // Fields after the command name (which may hold spaces) start at state, field 3.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[16 - 3]) + Number(f[17 - 3]);
}
const TICKS_PER_SEC = 100;

export interface TimeOptions {
  /** At most this many runs. */
  maxRuns: number;
  /** No further run once the runs so far took this many seconds in all. */
  budget: number;
  /** A run is stopped after this many seconds. */
  cap: number;
  cwd?: string;
}

/**
 * Runs `cmd args` up to maxRuns times (fewer once the budget is spent, so slow cells get
 * one or two runs) and keeps the fastest. A run that fails is an error (with its stderr);
 * a run that reaches the cap is stopped and reported as capped.
 */
export function timeCommand(cmd: string, args: string[], o: TimeOptions): Timed {
  let best: Timed | undefined;
  let spent = 0;
  const stdouts: string[] = [];
  for (let i = 0; i < o.maxRuns && (i === 0 || spent < o.budget); i++) {
    const ticks0 = childTicks();
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28, timeout: o.cap * 1000, killSignal: 'SIGKILL', cwd: o.cwd });
    const secs = (performance.now() - t0) / 1000;
    const cpu = (childTicks() - ticks0) / TICKS_PER_SEC;
    spent += secs;
    if (r.error && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT' || r.signal === 'SIGKILL') {
      if (best) break;
      return { secs, cpu, runs: 1, capped: true, stdouts: [], stderr: r.stderr ?? '', status: null };
    }
    if (r.error) throw new Error(`${cmd} ${args.join(' ')}: ${r.error.message}`);
    if (r.status !== 0) throw new Error(`exited with ${r.status ?? r.signal}: ${errorLine(r.stderr)}`);
    stdouts.push(r.stdout);
    if (!best || secs < best.secs) best = { secs, cpu, runs: 0, capped: false, stdouts, stderr: r.stderr, status: r.status };
  }
  best!.runs = stdouts.length;
  return best!;
}

/** What `grindlab --stats=yes` prints at exit (Machine.printStats). */
export interface GrindlabStats {
  translations: number;
  translatedInsns: number;
  translateMs: number;
  blocksRun: number;
  insnsRun: number;
  /** translation cache line (when the engine prints it). */
  held?: number;
  irStmts?: number;
  wasm?: { blocks: number; modules: number; bytes: number; ms: number; jsCalls: number; perK: number };
  startup?: { blocks: number; insns: number };
}

export function parseStats(stderr: string): GrindlabStats | undefined {
  const tr = /translations: (\d+) superblocks, (\d+) guest instructions in (\d+) ms/.exec(stderr);
  const ex = /executed: (\d+) blocks, (\d+) guest instructions/.exec(stderr);
  if (!tr || !ex) return undefined;
  const cache = /translation cache: (\d+) of \d+ translations held, (\d+) IR statements/.exec(stderr);
  const w = /wasm: (\d+) blocks compiled in (\d+) modules, (\d+) bytes, (\d+) ms; (\d+) calls into JavaScript \(([\d.]+) per 1000/.exec(stderr);
  const su = /ld\.so start-up\): (\d+) blocks, (\d+) guest instructions/.exec(stderr);
  return {
    translations: Number(tr[1]), translatedInsns: Number(tr[2]), translateMs: Number(tr[3]),
    blocksRun: Number(ex[1]), insnsRun: Number(ex[2]),
    ...(cache && { held: Number(cache[1]), irStmts: Number(cache[2]) }),
    ...(w && { wasm: { blocks: Number(w[1]), modules: Number(w[2]), bytes: Number(w[3]), ms: Number(w[4]), jsCalls: Number(w[5]), perK: Number(w[6]) } }),
    ...(su && { startup: { blocks: Number(su[1]), insns: Number(su[2]) } }),
  };
}

/** How a run's stdout compares with the references. */
export type Verdict = 'same' | 'as valgrind' | 'DIFFERS';

/**
 * Native stdout is the reference; valgrind's (same tool) is accepted in its place, since
 * VEX's x87 is double precision and musl's printf computes in long double (docs/design.md).
 */
export function verdict(stdout: string, native: string, valgrind: string | undefined): Verdict {
  if (stdout === native) return 'same';
  if (valgrind !== undefined && stdout === valgrind) return 'as valgrind';
  return 'DIFFERS';
}

/** The first line where two outputs part, for the report of a mismatch. */
export function firstDifference(got: string, want: string): string {
  const a = got.split('\n');
  const b = want.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return `line ${i + 1}: got ${JSON.stringify(a[i] ?? '(end of output)')}, expected ${JSON.stringify(b[i] ?? '(end of output)')}`;
  }
  return 'outputs equal';
}

/**
 * The CLI as bin/grindlab.js runs it (bin/cli-bundle.js: src/cli/main.ts bundled by
 * esbuild, run through V8's code cache), bundled once into a file of our own: every cell
 * of a benchmark then runs the same engine, even while the sources change under it, and
 * no cell pays for a rebuild. Returns the script to run with node.
 */
export async function grindlabSnapshot(root: string): Promise<string> {
  const dir = join(root, 'node_modules', '.cache', 'grindlab');
  const bundle = join(dir, 'bench-cli.cjs');
  await buildCli(root, bundle);
  const runner = join(dir, 'bench-cli.mjs');
  writeCliRunner(runner, bundle);
  return runner;
}

/** The line of a Node crash that says what went wrong (not the source line above it). */
export function errorLine(stderr: string): string {
  const lines = stderr.split('\n');
  return lines.find((l) => /^\w*(Error|Exception)\b/.test(l)) ?? lines.find((l) => l.trim() !== '') ?? '(no message)';
}
