// The decoder against GNU objdump, instruction by instruction, on every sample binary
// (dynamic, glibc static, musl static) and on programs compiled here at test time.
// EVEX (AVX-512) instructions are counted apart; everything else must agree >= 99.5%.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compare } from '../support/objdump.ts';

const root = join(import.meta.dirname, '../..');
const manifest = JSON.parse(readFileSync(join(root, 'public/samples/manifest.json'), 'utf8')) as {
  samples: { name: string; builds: { kind: string; path: string }[] }[];
};
const THRESHOLD = 0.995;

function check(file: string, label: string): void {
  const r = compare(file);
  const pct = (100 * r.agree) / r.total;
  const evex = r.evexTotal ? `, EVEX ${r.evexAgree}/${r.evexTotal} apart` : '';
  console.log(`objdump agreement ${label}: ${r.agree}/${r.total} (${pct.toFixed(3)}%)${evex}`);
  const worst = r.mismatches.slice(0, 5).map((m) => `${m.addr.toString(16)}: ${m.bytes}: objdump '${m.objdump}' ours '${m.ours}'`);
  expect(r.agree / r.total, `${label}\n${worst.join('\n')}`).toBeGreaterThanOrEqual(THRESHOLD);
}

describe('disassembly agrees with objdump -d on the samples', () => {
  for (const s of manifest.samples) {
    for (const b of s.builds) {
      it(`${b.path}`, () => check(join(root, 'public/samples', b.path), b.path));
    }
  }
});

describe('disassembly agrees with objdump -d on programs compiled now', () => {
  const dir = mkdtempSync(join(tmpdir(), 'grindlab-objdump-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const src = join(dir, 'prog.c');
  writeFileSync(src, `
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static double dot(const double *a, const double *b, int n) { double s = 0; for (int i = 0; i < n; i++) s += a[i] * b[i]; return s; }
static unsigned popcount_all(const unsigned *v, int n) { unsigned c = 0; for (int i = 0; i < n; i++) c += __builtin_popcount(v[i]); return c; }
int main(int argc, char **argv) {
  double a[64], b[64]; unsigned u[64]; long double ld = argc;
  for (int i = 0; i < 64; i++) { a[i] = sin(i) * argc; b[i] = sqrt(i + 1.0); u[i] = (unsigned)i * 2654435761u; ld = ld * 1.0001L + i; }
  char buf[64]; strncpy(buf, argv[0], sizeof buf - 1); buf[63] = 0;
  printf("%f %u %Lf %zu %d\\n", dot(a, b, 64), popcount_all(u, 64), ld, strlen(buf), abs(argc - 5));
  return 0;
}
`);
  const builds: [string, string[]][] = [
    ['gcc -O0', ['-O0']],
    ['gcc -O2', ['-O2']],
    ['gcc -O3 -march=x86-64-v3', ['-O3', '-march=x86-64-v3']],
    ['gcc -Os -static', ['-Os', '-static']],
  ];
  for (const [label, flags] of builds) {
    it(label, () => {
      const out = join(dir, label.replace(/\W+/g, '_'));
      execFileSync('gcc', [...flags, '-g', src, '-o', out, '-lm']);
      check(out, label);
    });
  }
});
