// `npm run bench`: performance figures, measured rather than asserted in tests.
// Today: decoder throughput on the largest sample binary (all executable sections).
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

const d = rate(false);
const p = rate(true);
const m = (x: number) => (x / 1e6).toFixed(2) + 'M';
console.log(`decoder: ${largest.slice(root.length + 1)}: ${d.n} instructions`);
console.log(`  decode only          ${m(d.perSec)} instructions/s`);
console.log(`  decode + AT&T print  ${m(p.perSec)} instructions/s`);
