// Symbol and line resolution as stack traces use it: for the samples' main programs (a
// PIE loaded at Valgrind's 0x108000 and a static executable), addresses in main resolve
// to the function and file:line `addr2line -f -i -e` gives. Without inline information
// (Valgrind reads none for --tool=none) a frame is named for the outermost function, at
// the innermost source line: the last name and the first location of addr2line's chain.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Symbolizer } from '../../src/engine/core/symbolize.ts';
import { parseElf } from '../../src/engine/elf/index.ts';
import { PIE_BASE } from '../../src/engine/memory/index.ts';

const root = join(import.meta.dirname, '../..');

function addr2line(file: string, addr: number): { fn: string; loc: string } {
  const out = execFileSync('addr2line', ['-f', '-i', '-e', file, `0x${addr.toString(16)}`], { encoding: 'utf8' }).trim().split('\n');
  const loc = out[1]!.replace(/ \(discriminator \d+\)$/, '').replace(/^.*\//, '');
  return { fn: out[out.length - 2]!, loc };
}

describe('code addresses resolve as addr2line resolves them', () => {
  for (const [sample, pie] of [['segv/segv-dynamic', true], ['printf/printf-static', false], ['bench/bench-dynamic', true]] as const) {
    it(sample, () => {
      const file = join(root, 'public/samples', sample);
      const elf = parseElf(readFileSync(file));
      const bias = pie ? PIE_BASE : 0;
      const s = new Symbolizer();
      s.addObject(file, elf, bias, bias + 0x1000000, bias);
      const main = elf.symbols.find((x) => x.name === 'main')!;
      // main's first byte, and every 5th byte of it (line boundaries, mid-instruction).
      const addrs = Array.from({ length: Math.ceil(main.size / 5) }, (_, i) => main.value + 5 * i);
      for (const a of addrs) {
        const want = addr2line(file, a);
        const hex = (a + bias).toString(16).toUpperCase();
        expect(s.describe(a + bias), `0x${a.toString(16)}`).toBe(`0x${hex}: ${want.fn} (${want.loc})`);
      }
    });
  }
});
