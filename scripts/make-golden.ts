// Turn an assembly file into golden decoder lines, with objdump as the oracle:
//   node --import tsx scripts/make-golden.ts family.s > test/decoder/golden/family.txt
// Each output line is `ADDR: BYTES | TEXT` (objdump's text, `# comment` dropped).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const src = process.argv[2];
const dir = mkdtempSync(join(tmpdir(), 'golden-'));
try {
  const obj = join(dir, 'g.o');
  execFileSync('as', ['--64', '-o', obj, src], { stdio: ['ignore', 'ignore', 'inherit'] });
  const out = execFileSync('objdump', ['-d', '-w', '-z', obj], { encoding: 'utf8' });
  console.log(`# generated from ${src.split('/').pop()} by scripts/make-golden.ts (objdump is the oracle)`);
  for (const l of out.split('\n')) {
    const m = /^\s*([0-9a-f]+):\t((?:[0-9a-f]{2} )+)\s*\t(.*)$/.exec(l);
    if (m) console.log(`${m[1].padStart(4)}: ${m[2].trim()} | ${m[3].replace(/\s+#.*$/, '').replace(/\s+/g, ' ').trim()}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
