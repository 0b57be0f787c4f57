// `npm run bench [-- options]`: grindlab's speed, measured rather than asserted in tests.
// For each CPU-bound workload (scripts/bench-workloads.ts: the three parts of the bench
// sample and the string-heavy C++ sample cxxbench), the wall time natively, under
// valgrind --tool=none and --tool=memcheck, under qemu-x86_64 (if installed), and under
// grindlab's JIT and IR interpreter with both tools, in Node (the CLI) and in headless
// Chromium (the page); each as a slowdown over native and as a ratio to valgrind's time
// with the same tool on the same binary at the same scale, every run's stdout checked.
// Then what the JIT does (translation speed, wasm compile time, calls into JavaScript),
// the translation cache's memory, start-up, and a CPU profile of the worst case.
// docs/performance.md explains the figures and records a run.
//
// Options: --quick (small scales, one run a cell: checks that everything works),
// --only=hash,sort,nbody,strings, --build=dynamic|static|musl (default dynamic),
// --cap=SECONDS (a grindlab run is stopped after this; default 180), --port=N (vite
// preview, default 4327), --no-browser, --no-profile, --no-memory, --no-startup.
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { parseElf, sectionBytes } from '../src/engine/elf/index.ts';
import { formatAtt } from '../src/engine/guest/amd64/att.ts';
import { decode } from '../src/engine/guest/amd64/decoder.ts';
import { BrowserBench, type PageResult } from './bench-browser.ts';
import { cacheMemory, prepareCacheMemory } from './bench-memory.ts';
import {
  type GrindlabStats, type Timed, type Verdict, firstDifference, grindlabSnapshot, parseStats, timeCommand, verdict,
} from './bench-process.ts';
import { type Profile, profileGrindlab } from './bench-profile.ts';
import { WORKLOADS, type Workload, buildOf, exeOf, workloadArgs } from './bench-workloads.ts';

const root = join(import.meta.dirname, '..');
const { values: opt } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    build: { type: 'string', default: 'dynamic' },
    cap: { type: 'string', default: '180' },
    port: { type: 'string', default: '4327' },
    'no-browser': { type: 'boolean', default: false },
    'no-profile': { type: 'boolean', default: false },
    'no-memory': { type: 'boolean', default: false },
    'no-startup': { type: 'boolean', default: false },
  },
});
if (!['dynamic', 'static', 'musl'].includes(opt.build!)) throw new Error(`--build=${opt.build}: dynamic, static or musl`);
const CAP = Number(opt.cap);
const workloads = WORKLOADS
  .filter((w) => !opt.only || opt.only.split(',').includes(w.key))
  .map((w) => (opt.quick ? { ...w, scale: 2, small: 1 } : w));
if (workloads.length === 0) throw new Error(`--only=${opt.only}: none of ${WORKLOADS.map((w) => w.key).join(', ')}`);

type Tool = 'none' | 'memcheck';
type Backend = 'wasm' | 'interp';
const TOOLS: Tool[] = ['none', 'memcheck'];

// ---------------------------------------------------------------- printing

const out = (line = '') => console.log(line);
const progress = (line: string) => process.stderr.write(`  ... ${line}\n`);
const secs = (s: number) => (s < 1 ? s.toFixed(3) : s < 10 ? s.toFixed(2) : s.toFixed(1));
const ratio = (r: number) => (r < 10 ? r.toFixed(2) : r < 100 ? r.toFixed(1) : r.toFixed(0));
const pad = (s: string, n: number) => s.padEnd(n);
const lpad = (s: string, n: number) => s.padStart(n);
const rel = (p: string) => relative(root, p);
const kib = (b: number) => `${(b / 1024).toFixed(0)} KiB`;
const mib = (b: number) => `${(b / (1 << 20)).toFixed(1)} MiB`;

function version(cmd: string, args: string[]): string | undefined {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0 ? (r.stdout || r.stderr).split('\n')[0]!.trim() : undefined;
}

/** Problems found along the way (output mismatches, failed runs), repeated at the end. */
const problems: string[] = [];

// ---------------------------------------------------------------- the header

const load = os.loadavg();
const qemuVersion = version('qemu-x86_64', ['--version']);
const valgrindVersion = version('valgrind', ['--version']);
out(`grindlab benchmark, ${new Date().toISOString()}`);
out(`machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${mib(os.totalmem())} RAM; load average at start `
  + `${load.map((l) => l.toFixed(2)).join(' ')} (1, 5, 15 min)${load[0]! > os.cpus().length * 0.5 ? ' -- the machine is busy: wall times include waiting for a core' : ''}`);
out(`node ${process.version}, ${valgrindVersion}, qemu-x86_64: ${qemuVersion ?? 'not installed'}`);
out(`builds: the ${opt.build} ones (public/samples/NAME/NAME-${opt.build}${opt.build === 'musl' ? '; C++ has no musl build: static' : ''})${opt.quick ? '; --quick: small scales, one run a cell, not figures to quote' : ''}`);
out();
out('How each cell is run (PROG ARGS as in each table\'s heading; all from the repository root):');
out('  native                 PROG ARGS');
out('  valgrind --tool=T      valgrind --tool=T -q PROG ARGS');
out('  qemu-x86_64            qemu-x86_64 PROG ARGS');
out('  node   B T             node bin/grindlab.js --tool=T --backend=B -q --stats=yes PROG ARGS');
out('                         (run from one bundle of src/cli made at the start, which is what bin/grindlab.js');
out('                         runs, so that every cell measures the same engine while the sources change)');
out('  chromium B T           the page (vite build; vite preview) opened on a share link that runs the bundled');
out('                         sample with that tool, engine and -q; timed from the status line saying');
out('                         "starting" to "exited with status 0"; the terminal must show the expected stdout');
out('Time: wall clock, best of the runs made (column "runs"; fewer for slow cells); cpu: user+system time of');
out('that run (not for Chromium). "x native": slowdown over native at the same scale. "x valgrind": the ratio');
out('to valgrind\'s time with the same tool at the same scale (qemu: to --tool=none). The interpreter\'s cells');
out('run at a smaller scale, with native and valgrind measured again at that scale.');
out('Output: "same" = stdout equals native\'s; "as valgrind" = equals valgrind\'s (VEX\'s x87 is double');
out('precision, which musl\'s long double printf shows); anything else is a bug and is marked loudly.');
out();

const grindlab = await grindlabSnapshot(root);
if (!opt['no-memory']) prepareCacheMemory();
const budget = opt.quick ? { maxRuns: 1, budget: 0 } : undefined;
/** Native runs: many and short. valgrind, qemu, grindlab: up to 3, fewer once 30 s are spent. */
const NATIVE = { maxRuns: 5, budget: 10, cap: 60, ...budget };
const SLOW = { maxRuns: 3, budget: 30, cap: CAP, ...budget };

let browser: BrowserBench | undefined;
if (!opt['no-browser']) {
  try {
    browser = await BrowserBench.start(Number(opt.port), progress);
    out(`browser: ${browser.version} (headless, /usr/bin/chromium), page at ${browser.url} (its own build and port: e2e's dist/ and 4317 are left alone)`);
  } catch (e) {
    out(`browser: NOT MEASURED: ${(e as Error).message.split('\n').slice(0, 6).join(' | ')}`);
    problems.push(`the browser could not be measured: ${(e as Error).message.split('\n')[0]}`);
  }
  out();
}

// ---------------------------------------------------------------- cells

interface Cell {
  label: string;
  group: 'reference' | 'grindlab';
  tool?: Tool;
  backend?: Backend;
  host?: 'node' | 'chromium';
  scale: number;
  secs?: number;
  cpu?: number;
  runs?: number;
  capped?: boolean;
  failed?: string;
  verdict?: Verdict | 'differs from native' | 'differs from native (VEX\'s x87)';
  stats?: GrindlabStats;
  /** The ratio's denominators. */
  native?: number;
  valgrind?: number;
}

interface Refs {
  native: Timed;
  valgrind: Record<Tool, Timed | undefined>;
}

interface WorkloadResult {
  w: Workload;
  cells: Cell[];
}

function commandLine(cmd: string, args: string[]): string {
  return [cmd, ...args].map((a) => (/^[\w./=:,+-]+$/.test(a) ? a : `'${a}'`)).join(' ');
}

/** A reference run (native, valgrind, qemu): a failure ends the benchmark, since every ratio needs it. */
function reference(label: string, cmd: string, args: string[], o: typeof SLOW): Timed {
  progress(`${label}: ${commandLine(cmd, args)}`);
  return timeCommand(cmd, args, o);
}

function checkOutputs(cell: Cell, stdouts: string[], native: string, vg: string | undefined, command: string): void {
  for (const s of stdouts) {
    const v = verdict(s, native, vg);
    if (v === 'DIFFERS') {
      cell.verdict = 'DIFFERS';
      problems.push(`OUTPUT MISMATCH: ${command}\n    ${firstDifference(s, native)}`);
      return;
    }
    cell.verdict = cell.verdict === 'as valgrind' ? 'as valgrind' : v;
  }
}

function refsAt(w: Workload, exe: string, scale: number): Refs {
  const args = workloadArgs(w, scale);
  const native = reference(`native, scale ${scale}`, exe, args, NATIVE);
  const valgrind = {} as Record<Tool, Timed | undefined>;
  for (const tool of TOOLS) valgrind[tool] = reference(`valgrind --tool=${tool}, scale ${scale}`, 'valgrind', [`--tool=${tool}`, '-q', exe, ...args], SLOW);
  return { native, valgrind };
}

function referenceCells(refs: Refs, scale: number): Cell[] {
  const native = refs.native.stdouts[0]!;
  const cells: Cell[] = [{ label: 'native', group: 'reference', scale, secs: refs.native.secs, cpu: refs.native.cpu, runs: refs.native.runs, native: refs.native.secs, verdict: 'same' }];
  for (const tool of TOOLS) {
    const t = refs.valgrind[tool]!;
    cells.push({
      label: `valgrind --tool=${tool}`, group: 'reference', tool, scale, secs: t.secs, cpu: t.cpu, runs: t.runs, native: refs.native.secs, valgrind: t.secs,
      verdict: t.stdouts.every((s) => s === native) ? 'same' : 'differs from native (VEX\'s x87)',
    });
  }
  return cells;
}

async function grindlabCell(w: Workload, exe: string, refs: Refs, scale: number, host: 'node' | 'chromium', backend: Backend, tool: Tool): Promise<Cell> {
  const args = workloadArgs(w, scale);
  const vg = refs.valgrind[tool]!;
  const cell: Cell = { label: `${host} ${backend} ${tool}`, group: 'grindlab', tool, backend, host, scale, native: refs.native.secs, valgrind: vg.secs };
  const nativeOut = refs.native.stdouts[0]!;
  const shown = commandLine('node', ['bin/grindlab.js', `--tool=${tool}`, `--backend=${backend}`, '-q', rel(exe), ...args]);
  if (host === 'node') {
    progress(`grindlab ${shown}`);
    try {
      const t = timeCommand(process.execPath, [grindlab, `--tool=${tool}`, `--backend=${backend}`, '-q', '--stats=yes', exe, ...args],
        backend === 'interp' ? { ...SLOW, maxRuns: 1 } : SLOW);
      Object.assign(cell, { secs: t.secs, cpu: t.cpu, runs: t.runs, capped: t.capped, stats: parseStats(t.stderr) });
      if (!t.capped) checkOutputs(cell, t.stdouts, nativeOut, vg.stdouts[0], shown);
    } catch (e) {
      cell.failed = (e as Error).message.split('\n')[0];
      problems.push(`FAILED: ${shown}: ${cell.failed}`);
    }
    return cell;
  }
  if (!browser) return { ...cell, failed: `not measured${opt['no-browser'] ? ' (--no-browser)' : ': no browser'}` };
  const page = `chromium: share link for ${w.sample} (${buildOf(w, opt.build!)}) ${args.join(' ')}, tool ${tool}, engine ${backend}, -q`;
  progress(page);
  try {
    let best: PageResult | undefined;
    let runs = 0;
    let spent = 0;
    const maxRuns = opt.quick || backend === 'interp' ? 1 : 2;
    while (runs < maxRuns && spent < 30) {
      const r = await browser.run({
        sample: w.sample, build: buildOf(w, opt.build!), args, tool, backend, expect: nativeOut, expectValgrind: vg.stdouts[0], cap: CAP,
      });
      runs++;
      spent += r.secs;
      if (r.failure || r.verdict === 'DIFFERS') {
        problems.push(`${r.failure ? `FAILED (${r.failure})` : 'OUTPUT MISMATCH (the terminal does not show native\'s or valgrind\'s stdout)'}: ${page}`);
        best = r;
        break;
      }
      if (!best || r.secs < best.secs) best = r;
      if (r.capped) break;
    }
    Object.assign(cell, { secs: best!.secs, runs, capped: best!.capped, verdict: best!.capped ? undefined : best!.verdict });
    if (best!.failure) cell.failed = best!.failure;
  } catch (e) {
    cell.failed = (e as Error).message.split('\n')[0];
    problems.push(`FAILED: ${page}: ${cell.failed}`);
  }
  return cell;
}

// ---------------------------------------------------------------- one table per workload

const COLS = `  ${pad('', 34)}${lpad('scale', 6)}${lpad('wall s', 10)}${lpad('runs', 6)}${lpad('cpu s', 8)}${lpad('x native', 10)}${lpad('x valgrind', 12)}   output`;

function row(c: Cell): string {
  const label = c.group === 'grindlab' ? `grindlab ${c.label}` : c.label;
  const head = `  ${pad(label, 34)}${lpad(String(c.scale), 6)}`;
  if (c.failed) return `${head}   ${c.failed === 'not installed' || c.failed.startsWith('not measured') ? c.failed : `FAILED: ${c.failed}`}`;
  const wall = c.capped ? `> ${secs(c.secs!)}` : secs(c.secs!);
  const bound = c.capped ? '> ' : '';
  const xn = c.native !== undefined && c.label !== 'native' ? `${bound}${ratio(c.secs! / c.native)}` : '';
  const xv = c.valgrind !== undefined && !c.label.startsWith('valgrind') ? `${bound}${ratio(c.secs! / c.valgrind)}` : '';
  const output = c.capped ? `stopped at the ${secs(c.secs!)} s cap` : c.verdict === 'DIFFERS' ? '!!! OUTPUT DIFFERS FROM NATIVE AND VALGRIND !!!' : (c.verdict ?? '');
  return `${head}${lpad(wall, 10)}${lpad(String(c.runs ?? ''), 6)}${lpad(c.cpu !== undefined ? secs(c.cpu) : '', 8)}${lpad(xn, 10)}${lpad(xv, 12)}   ${output}`;
}

const results: WorkloadResult[] = [];
for (const w of workloads) {
  const exe = exeOf(root, w, opt.build!);
  out(`== ${w.key}: ${w.title}`);
  out(`   PROG ARGS = ${rel(exe)} ${workloadArgs(w, w.scale).join(' ')}   (interpreter: ${rel(exe)} ${workloadArgs(w, w.small).join(' ')})`);
  const cells: Cell[] = [];
  const big = refsAt(w, exe, w.scale);
  cells.push(...referenceCells(big, w.scale));
  if (qemuVersion) {
    const args = workloadArgs(w, w.scale);
    const q = reference('qemu-x86_64', 'qemu-x86_64', [exe, ...args], SLOW);
    const cell: Cell = { label: 'qemu-x86_64', group: 'reference', scale: w.scale, secs: q.secs, cpu: q.cpu, runs: q.runs, native: big.native.secs, valgrind: big.valgrind.none!.secs };
    checkOutputs(cell, q.stdouts, big.native.stdouts[0]!, undefined, commandLine('qemu-x86_64', [rel(exe), ...args]));
    if (cell.verdict === 'DIFFERS') cell.verdict = 'differs from native';
    cells.push(cell);
  } else {
    cells.push({ label: 'qemu-x86_64', group: 'reference', scale: w.scale, failed: 'not installed' });
  }
  for (const host of ['node', 'chromium'] as const) {
    for (const tool of TOOLS) cells.push(await grindlabCell(w, exe, big, w.scale, host, 'wasm', tool));
  }
  const small = w.small === w.scale ? big : refsAt(w, exe, w.small);
  if (small !== big) {
    cells.push(...referenceCells(small, w.small));
    // The JIT at the small scale too: the difference from its full-scale time is the cost
    // of the extra work alone, start-up excluded (the steady-state summary).
    for (const tool of TOOLS) cells.push(await grindlabCell(w, exe, small, w.small, 'node', 'wasm', tool));
  }
  for (const host of ['node', 'chromium'] as const) {
    for (const tool of TOOLS) cells.push(await grindlabCell(w, exe, small, w.small, host, 'interp', tool));
  }
  out(COLS);
  for (const c of cells) out(row(c));
  // The page runs the same engine as the CLI: much slower there is a bug of the page's.
  for (const c of cells.filter((x) => x.host === 'chromium' && !x.failed)) {
    const cli = cells.find((x) => x.host === 'node' && x.backend === c.backend && x.tool === c.tool && x.scale === c.scale);
    if (!cli || cli.failed || cli.capped) continue;
    if (c.capped || c.secs! > 2 * cli.secs!) {
      problems.push(`SLOW IN THE PAGE: ${w.key}, ${c.backend} ${c.tool}, scale ${c.scale}: Chromium ${c.capped ? '> ' : ''}${secs(c.secs!)} s, `
        + `the CLI ${secs(cli.secs!)} s (node bin/grindlab.js --tool=${c.tool} --backend=${c.backend} -q ${rel(exe)} ${workloadArgs(w, c.scale).join(' ')})`);
    }
  }
  for (const c of cells.filter((x) => x.backend === 'wasm' && x.capped)) problems.push(`STOPPED AT THE CAP: ${w.key}, ${c.label}, scale ${c.scale} (> ${secs(c.secs!)} s)`);
  out();
  results.push({ w, cells });
}

// ---------------------------------------------------------------- summaries

const GRID: { host: 'node' | 'chromium'; backend: Backend; tool: Tool; head: string }[] = [];
for (const backend of ['wasm', 'interp'] as const) {
  for (const host of ['node', 'chromium'] as const) {
    for (const tool of TOOLS) GRID.push({ host, backend, tool, head: `${host === 'node' ? 'node' : 'chr'} ${backend === 'wasm' ? 'jit' : 'int'} ${tool === 'none' ? 'none' : 'mc'}` });
  }
}
/** The summary's cell: the JIT's at the full scale, the interpreter's at the small one. */
const cellOf = (r: WorkloadResult, g: { host: string; backend: Backend; tool: Tool }, scale = g.backend === 'wasm' ? r.w.scale : r.w.small) =>
  r.cells.find((c) => c.host === g.host && c.backend === g.backend && c.tool === g.tool && c.scale === scale);

function summary(title: string, value: (c: Cell) => string, refs: (r: WorkloadResult) => string[], refHeads: string[]): void {
  out(title);
  out(`  ${pad('', 9)}${refHeads.map((h) => lpad(h, 10)).join('')}  |${GRID.map((g) => lpad(g.head, 14)).join('')}`);
  for (const r of results) {
    const cells = GRID.map((g) => {
      const c = cellOf(r, g);
      return lpad(!c || c.failed ? '-' : value(c), 14);
    });
    out(`  ${pad(r.w.key, 9)}${refs(r).map((v) => lpad(v, 10)).join('')}  |${cells.join('')}`);
  }
  out();
}

const vgOf = (r: WorkloadResult, tool: Tool) => r.cells.find((c) => c.label === `valgrind --tool=${tool}` && c.scale === r.w.scale)!;
const qemuOf = (r: WorkloadResult) => r.cells.find((c) => c.label === 'qemu-x86_64')!;
const mark = (c: Cell) => {
  const x = c.secs! / c.valgrind!;
  return c.capped ? `> ${ratio(x)}` : `${ratio(x)}${x <= 1 ? ' ok' : x > 3 ? ' !!' : '   '}`;
};
out('== Summary (node = the CLI, chr = Chromium; jit = --backend=wasm at the full scale, int = --backend=interp at the');
out('   small scale; none, mc = --tool=none, --tool=memcheck; vg = valgrind)');
out();
summary('Slowdown over native (wall time):', (c) => `${c.capped ? '> ' : ''}${ratio(c.secs! / c.native!)}`,
  (r) => [vgOf(r, 'none'), vgOf(r, 'memcheck'), qemuOf(r)].map((c) => (c.failed ? '-' : ratio(c.secs! / c.native!))), ['vg none', 'vg mc', 'qemu']);
summary('Ratio to valgrind\'s time, same tool, same scale (the goal: at or below 1 = "ok"; above 3 = "!!", not done):', mark,
  (r) => [qemuOf(r)].map((c) => (c.failed ? '-' : ratio(c.secs! / c.valgrind!))), ['qemu/none']);

{
  out('Steady state: the extra work from the small scale to the full one, start-up excluded: (time at full scale - time');
  out('at small scale) of grindlab\'s JIT in Node, over the same difference natively and under valgrind:');
  out(`  ${pad('', 9)}${TOOLS.map((t) => `${lpad(`vg ${t === 'none' ? 'none' : 'mc'} x nat`, 15)}${lpad(`jit ${t === 'none' ? 'none' : 'mc'} x nat`, 15)}${lpad('x valgrind', 14)}`).join('')}`);
  for (const r of results) {
    if (r.w.small === r.w.scale) continue;
    const at = (label: string, scale: number) => r.cells.find((c) => c.label === label && c.scale === scale && !c.failed && !c.capped);
    const d = (label: string) => {
      const a = at(label, r.w.scale);
      const b = at(label, r.w.small);
      return a && b ? a.secs! - b.secs! : undefined;
    };
    const native = d('native');
    const cols = TOOLS.map((tool) => {
      const vg = d(`valgrind --tool=${tool}`);
      const jit = d(`node wasm ${tool}`);
      const f = (x: number | undefined, y: number | undefined) => (x !== undefined && y !== undefined && y > 0 ? ratio(x / y) : '-');
      const xv = jit !== undefined && vg !== undefined && vg > 0 ? jit / vg : undefined;
      return `${lpad(f(vg, native), 15)}${lpad(f(jit, native), 15)}${lpad(xv === undefined ? '-' : `${ratio(xv)}${xv <= 1 ? ' ok' : xv > 3 ? ' !!' : '   '}`, 14)}`;
    });
    out(`  ${pad(r.w.key, 9)}${cols.join('')}`);
  }
  out('  (differences of best-of-N wall times: noisier than the figures above, and meaningless where native\'s difference');
  out('  is a few milliseconds)');
  out();
}

// ---------------------------------------------------------------- what the JIT does

out('== Translation and the JIT (from --stats=yes of the Node runs above: jit at the full scale, int at the small one)');
out(`  ${pad('workload', 9)}${pad('run', 14)}${lpad('blocks', 8)}${lpad('insns', 8)}${lpad('ms', 7)}${lpad('blocks/s', 10)}${lpad('insns/s', 10)}`
  + `  |${lpad('modules', 8)}${lpad('blocks', 8)}${lpad('compile', 9)}${lpad('ms/mod', 8)}${lpad('ms/blk', 8)}${lpad('size', 10)}  |${lpad('executed', 14)}${lpad('JS calls', 11)}${lpad('/1000 insns', 12)}`);
for (const r of results) {
  for (const c of r.cells.filter((x) => x.host === 'node' && x.stats && x === cellOf(r, { host: 'node', backend: x.backend!, tool: x.tool! }))) {
    const s = c.stats!;
    const perSec = (n: number) => (s.translateMs > 0 ? `${((n * 1000) / s.translateMs / 1000).toFixed(1)}k` : '-');
    const w = s.wasm;
    const jit = w
      ? `${lpad(String(w.modules), 8)}${lpad(String(w.blocks), 8)}${lpad(`${w.ms} ms`, 9)}${lpad((w.ms / Math.max(1, w.modules)).toFixed(1), 8)}${lpad((w.ms / Math.max(1, w.blocks)).toFixed(2), 8)}${lpad(kib(w.bytes), 10)}`
      : pad('   (interpreter: nothing compiled)', 51);
    const calls = w ? `${lpad(String(w.jsCalls), 11)}${lpad(w.perK.toFixed(2), 12)}` : '';
    out(`  ${pad(r.w.key, 9)}${pad(`${c.backend === 'wasm' ? 'jit' : 'int'} ${c.tool}`, 14)}${lpad(String(s.translations), 8)}${lpad(String(s.translatedInsns), 8)}`
      + `${lpad(String(s.translateMs), 7)}${lpad(perSec(s.translations), 10)}${lpad(perSec(s.translatedInsns), 10)}  |${jit}  |${lpad(String(s.insnsRun), 14)}${calls}`);
  }
}
out('  blocks/insns/ms: superblocks and guest instructions translated (decode, lift, optimise, instrument, optimise) and the');
out('  time it took; compile: wasm modules built (encode + WebAssembly.Module + Instance), their blocks, time and size;');
out('  executed: guest instructions run; JS calls: calls from compiled code into JavaScript (helpers without a wasm');
out('  fast path, ops without a lowering, slow memory accesses).');
out();

// ---------------------------------------------------------------- the translation cache's memory

if (!opt['no-memory']) {
  out('== The translation cache\'s memory (JIT, small scale: the same code is translated as at full scale; one process each,');
  out('   heap after full collections: before the run, after it, and after dropping every translation)');
  out(`  ${pad('program', 28)}${pad('tool', 10)}${lpad('held', 7)}${lpad('IR stmts', 10)}${lpad('heap before', 13)}${lpad('after run', 11)}${lpad('freed by drop', 15)}${lpad('per block', 11)}${lpad('wasm code', 11)}`);
  const samples = [...new Map(workloads.map((w) => [w.sample, w])).values()];
  for (const w of samples) {
    const exe = exeOf(root, w, opt.build!);
    const args = [String(w.small)];
    for (const tool of TOOLS) {
      progress(`translation cache memory: ${rel(exe)} ${args.join(' ')} under ${tool}`);
      try {
        const m = cacheMemory(exe, tool, 'wasm', args, CAP * 2);
        const s = parseStats(m.stats);
        const freed = m.after - m.dropped;
        const note = m.reachedInternals < 2 ? '  (backends\' slot lists not found: figure too low)' : '';
        out(`  ${pad(`${rel(exe).replace('public/samples/', '')} ${args.join(' ')}`, 28)}${pad(tool, 10)}${lpad(String(m.translations), 7)}${lpad(String(s?.irStmts ?? '-'), 10)}`
          + `${lpad(mib(m.before), 13)}${lpad(mib(m.after), 11)}${lpad(mib(freed), 15)}${lpad(`${(freed / Math.max(1, m.translations) / 1024).toFixed(1)} KiB`, 11)}`
          + `${lpad(s?.wasm ? kib(s.wasm.bytes) : '-', 11)}${note}`);
      } catch (e) {
        out(`  ${pad(`${rel(exe).replace('public/samples/', '')} ${args.join(' ')}`, 28)}${pad(tool, 10)}FAILED: ${(e as Error).message.split('\n')[0]}`);
        problems.push(`translation cache memory of ${rel(exe)} under ${tool}: ${(e as Error).message.split('\n')[0]}`);
      }
    }
  }
  out('  held: translations in the cache at exit; freed by drop: JavaScript heap released when they are all dropped (their');
  out('  lifted and instrumented IR, interpreter closures, bookkeeping); per block: that over "held"; wasm code: bytes of the');
  out('  modules compiled (the compiled code V8 makes of them lies outside the JavaScript heap and is not counted above).');
  out();
}

// ---------------------------------------------------------------- start-up

if (!opt['no-startup']) {
  const exe = join(root, `public/samples/hello/hello-${opt.build}`);
  out(`== Start-up: ${rel(exe)} (a hello world: what every cell above pays before main${opt.build === 'dynamic' ? ', ld.so included' : ''})`);
  const native = reference('hello native', exe, [], NATIVE);
  const line = (label: string, t: Timed, extra = '') => out(`  ${pad(label, 26)}${lpad(secs(t.secs), 8)} s${extra}`);
  line('native', native);
  for (const tool of TOOLS) line(`valgrind --tool=${tool}`, reference(`hello valgrind ${tool}`, 'valgrind', [`--tool=${tool}`, '-q', exe], SLOW));
  for (const tool of TOOLS) {
    const t = reference(`hello grindlab ${tool}`, process.execPath, [grindlab, `--tool=${tool}`, '-q', '--stats=yes', exe], SLOW);
    const s = parseStats(t.stderr);
    line(`grindlab node jit ${tool}`, t, s?.startup
      ? `   (ld.so start-up: ${s.startup.insns} guest instructions in ${s.startup.blocks} blocks, of ${s.insnsRun} in all; ${s.translations} blocks translated in ${s.translateMs} ms)`
      : s ? `   (${s.insnsRun} guest instructions; ${s.translations} blocks translated in ${s.translateMs} ms)` : '');
    if (t.stdouts.some((o) => o !== native.stdouts[0])) problems.push(`OUTPUT MISMATCH: node bin/grindlab.js --tool=${tool} -q ${rel(exe)}`);
  }
  out();
}

// ---------------------------------------------------------------- the decoder

{
  const manifest = JSON.parse(readFileSync(join(root, 'public/samples/manifest.json'), 'utf8')) as { samples: { builds: { path: string }[] }[] };
  const largest = manifest.samples.flatMap((s) => s.builds.map((b) => join(root, 'public/samples', b.path)))
    .sort((a, b) => statSync(b).size - statSync(a).size)[0]!;
  const elf = parseElf(readFileSync(largest));
  const code = elf.sections.filter((s) => s.type === 1 && (s.flags & 4) && s.size > 0).map((s) => ({ bytes: sectionBytes(elf, s), addr: s.addr }));
  const pass = (print: boolean) => {
    let n = 0;
    for (const { bytes, addr } of code) {
      for (let off = 0; off < bytes.length; n++) {
        const ins = decode(bytes, off, addr + off);
        if (print) formatAtt(ins);
        off += ins.len;
      }
    }
    return n;
  };
  const rate = (print: boolean) => {
    pass(print); // warm up V8's JIT
    const t0 = performance.now();
    const n = pass(print) + pass(print);
    return { n: n / 2, perSec: n / ((performance.now() - t0) / 1000) };
  };
  const d = rate(false);
  const p = rate(true);
  out(`== Decoder: ${rel(largest)}, ${d.n} instructions: ${(d.perSec / 1e6).toFixed(2)}M instructions/s decoded, `
    + `${(p.perSec / 1e6).toFixed(2)}M/s decoded and printed in AT&T syntax (in this process, run by tsx)`);
  out();
}

// ---------------------------------------------------------------- the profile

function printProfile(title: string, p: Profile): void {
  out(title);
  const pct = (ms: number) => `${((100 * ms) / p.totalMs).toFixed(1)}%`;
  out(`  self time by area (of ${(p.totalMs / 1000).toFixed(1)} s sampled):`);
  for (const a of p.areas.slice(0, 10)) out(`    ${lpad(pct(a.ms), 6)}  ${a.area}`);
  out('  top functions by self time:');
  for (const f of p.functions.slice(0, 15)) out(`    ${lpad(pct(f.ms), 6)}  ${pad(f.name, 34)} ${f.where}`);
}

if (!opt['no-profile']) {
  out('== Profile: the worst jit case of each tool (highest ratio to valgrind in Node), once under node --cpu-prof');
  for (const tool of TOOLS) {
    const worst = results.map((r) => ({ r, c: cellOf(r, GRID.find((g) => g.host === 'node' && g.backend === 'wasm' && g.tool === tool)!) }))
      .filter((x) => x.c && !x.c.failed && x.c.secs !== undefined)
      .sort((a, b) => b.c!.secs! / b.c!.valgrind! - a.c!.secs! / a.c!.valgrind!)[0];
    if (!worst) continue;
    const exe = exeOf(root, worst.r.w, opt.build!);
    const args = [`--tool=${tool}`, '--backend=wasm', '-q', exe, ...workloadArgs(worst.r.w, worst.r.w.scale)];
    progress(`profile: node --cpu-prof bin/grindlab.js ${args.map((a) => (a === exe ? rel(exe) : a)).join(' ')}`);
    try {
      const p = profileGrindlab(grindlab, args, CAP * 2);
      printProfile(`-- ${worst.r.w.key} under --tool=${tool} (${ratio(worst.c!.secs! / worst.c!.valgrind!)}x valgrind): `
        + `node --cpu-prof bin/grindlab.js ${args.slice(0, 3).join(' ')} ${rel(exe)} ${workloadArgs(worst.r.w, worst.r.w.scale).join(' ')}`, p);
    } catch (e) {
      out(`  profile FAILED: ${(e as Error).message.split('\n')[0]}`);
    }
    out();
  }
}

await browser?.close();

// ---------------------------------------------------------------- the end

out(`load average at the end: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
if (problems.length) {
  out();
  out(`!!! ${problems.length} PROBLEM${problems.length > 1 ? 'S' : ''} (each is a bug to report, with the command that shows it):`);
  for (const p of problems) out(`  ${p}`);
  process.exitCode = 1;
} else {
  out('every run\'s output matched native\'s (or valgrind\'s, where VEX\'s x87 differs from the CPU).');
}
