// `npm run bench`: performance figures, measured rather than asserted in tests:
// the CPU benchmark sample natively, under valgrind and under grindlab with
// --tool=none and --tool=memcheck (times and slowdowns in one run), and decoder throughput.
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseElf, sectionBytes } from '../src/engine/elf/index.ts';
import { decode } from '../src/engine/guest/amd64/decoder.ts';
import { formatAtt } from '../src/engine/guest/amd64/att.ts';

const root = join(import.meta.dirname, '..');
const manifest = JSON.parse(readFileSync(join(root, 'public/samples/manifest.json'), 'utf8')) as {
  samples: { builds: { path: string }[] }[];
};
const largest = manifest.samples.flatMap((s) => s.builds.map((b) => join(root, 'public/samples', b.path)))
  .sort((a, b) => statSync(b).size - statSync(a).size)[0];
const elf = parseElf(readFileSync(largest));
const code = elf.sections.filter((s) => s.type === 1 && (s.flags & 4) && s.size > 0)
  .map((s) => ({ bytes: sectionBytes(elf, s), addr: s.addr }));

function pass(print: boolean): number {
  let n = 0;
  for (const { bytes, addr } of code) {
    for (let off = 0; off < bytes.length; n++) {
      const ins = decode(bytes, off, addr + off);
      if (print) formatAtt(ins);
      off += ins.len;
    }
  }
  return n;
}

function rate(print: boolean): { n: number; perSec: number } {
  pass(print); // warm up the JIT
  const runs = 5;
  const t0 = performance.now();
  let n = 0;
  for (let i = 0; i < runs; i++) n = pass(print);
  const secs = (performance.now() - t0) / 1000;
  return { n, perSec: (n * runs) / secs };
}

/** Wall time of one run, best of `reps`, in seconds; also its stdout, to check they agree. */
function timeRun(cmd: string, args: string[], reps: number): { secs: number; stdout: string } {
  let best = Infinity;
  let stdout = '';
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
    const secs = (performance.now() - t0) / 1000;
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
    best = Math.min(best, secs);
    stdout = r.stdout;
  }
  return { secs: best, stdout };
}

const grindlab = join(root, 'bin/grindlab.js');
for (const kind of ['static', 'musl']) {
  const exe = join(root, 'public/samples/bench', `bench-${kind}`);
  const native = timeRun(exe, [], 5);
  const vg = timeRun('valgrind', ['--tool=none', '-q', exe], 3);
  const ours = timeRun(process.execPath, [grindlab, '--tool=none', '-q', exe], 1);
  // Valgrind's x87 is double precision, and musl's printf computes in long double:
  // there, valgrind's output is the reference rather than the CPU's.
  const same = ours.stdout === native.stdout ? 'output as native' : ours.stdout === vg.stdout ? 'output as valgrind' : 'OUTPUT DIFFERS';
  console.log(`bench-${kind} (scale 1): native ${native.secs.toFixed(3)} s, valgrind --tool=none ${vg.secs.toFixed(2)} s `
    + `(${(vg.secs / native.secs).toFixed(0)}x), grindlab --tool=none ${ours.secs.toFixed(2)} s `
    + `(${(ours.secs / native.secs).toFixed(0)}x native, ${(ours.secs / vg.secs).toFixed(1)}x valgrind), ${same}`);
}

// Memcheck on the dynamic build, where malloc and the string functions are replaced in libc.
{
  const exe = join(root, 'public/samples/bench/bench-dynamic');
  const native = timeRun(exe, [], 5);
  const vg = timeRun('valgrind', ['--tool=memcheck', '-q', exe], 1);
  const ours = timeRun(process.execPath, [grindlab, '--tool=memcheck', '-q', exe], 1);
  const same = ours.stdout === native.stdout ? 'output as native' : ours.stdout === vg.stdout ? 'output as valgrind' : 'OUTPUT DIFFERS';
  console.log(`bench-dynamic (scale 1): native ${native.secs.toFixed(3)} s, valgrind --tool=memcheck ${vg.secs.toFixed(2)} s `
    + `(${(vg.secs / native.secs).toFixed(0)}x), grindlab --tool=memcheck ${ours.secs.toFixed(2)} s `
    + `(${(ours.secs / native.secs).toFixed(0)}x native, ${(ours.secs / vg.secs).toFixed(1)}x valgrind's memcheck), ${same}`);
}

// A dynamically linked hello world: the cost of ld.so's start-up under the engine.
{
  const exe = join(root, 'public/samples/hello/hello-dynamic');
  const native = timeRun(exe, [], 5);
  const vg = timeRun('valgrind', ['--tool=none', '-q', exe], 3);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [grindlab, '--tool=none', '-q', '--stats=yes', exe], { encoding: 'utf8' });
  const secs = (performance.now() - t0) / 1000;
  const startup = /ld\.so start-up\): (\d+) blocks, (\d+) guest instructions/.exec(r.stderr);
  const total = /executed: (\d+) blocks, (\d+) guest instructions/.exec(r.stderr);
  console.log(`hello-dynamic: native ${native.secs.toFixed(3)} s, valgrind --tool=none ${vg.secs.toFixed(2)} s, `
    + `grindlab ${secs.toFixed(2)} s from CLI start to exit; ld.so start-up ${startup?.[2]} instructions in ${startup?.[1]} blocks `
    + `(of ${total?.[2]} instructions, ${total?.[1]} blocks in all)`);
}

const d = rate(false);
const p = rate(true);
const m = (x: number) => (x / 1e6).toFixed(2) + 'M';
console.log(`decoder: ${largest.slice(root.length + 1)}: ${d.n} instructions`);
console.log(`  decode only          ${m(d.perSec)} instructions/s`);
console.log(`  decode + AT&T print  ${m(p.perSec)} instructions/s`);
