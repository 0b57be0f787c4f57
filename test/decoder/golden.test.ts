// Golden decoder tests in the spirit of Cranelift's filetests: each file under golden/
// holds `ADDR: BYTES | TEXT` lines for one instruction family; the decoder must print
// TEXT for BYTES placed at ADDR (whitespace folded, `# comments` ignored).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decode } from '../../src/engine/guest/amd64/decoder.ts';
import { formatAtt } from '../../src/engine/guest/amd64/att.ts';

const dir = join(import.meta.dirname, 'golden');
const fold = (s: string) => s.replace(/\s+#.*$/, '').replace(/\s+/g, ' ').trim();

for (const file of readdirSync(dir).filter((f) => f.endsWith('.txt')).sort()) {
  describe(`golden/${file}`, () => {
    const cases = readFileSync(join(dir, file), 'utf8').split('\n')
      .map((l, i) => ({ l, line: i + 1 }))
      .filter(({ l }) => l.trim() && !l.startsWith('#'));
    it(`decodes ${cases.length} instructions as objdump does`, () => {
      const failures: string[] = [];
      for (const { l, line } of cases) {
        const m = /^\s*([0-9a-f]+):\s*([0-9a-f ]+?)\s*\|\s*(.*)$/.exec(l);
        if (!m) { failures.push(`${file}:${line}: not an \`ADDR: BYTES | TEXT\` line`); continue; }
        const [, addr, hex, want] = m;
        const bytes = Uint8Array.from(hex.split(/\s+/).map((h) => parseInt(h, 16)));
        const ins = decode(bytes, 0, parseInt(addr, 16));
        const got = fold(formatAtt(ins));
        if (ins.len !== bytes.length || got !== fold(want)) {
          failures.push(`${file}:${line}: ${hex.trim()}\n    want ${fold(want)}\n    got  ${got} (length ${ins.len})`);
        }
      }
      expect(failures.join('\n')).toBe('');
    });
  });
}
