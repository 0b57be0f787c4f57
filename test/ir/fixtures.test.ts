// The printer's format, proved against the real thing: every IRSB in test/ir/fixtures (valgrind
// 3.19's own --trace-flags output) parses, passes the verifier, and prints back identically —
// up to the two documented differences: a helper's host address `{0x58111d20}` prints `{}`,
// and VEX's `F64{..}`/`F32{..}` constant spelling prints as the bit-pattern form `F64i{..}`.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GUEST_STATE_SIZE } from '../../src/engine/guest/amd64/state.ts';
import { checkIRSB, formatProblem, parseIRSB, ppIRSB } from '../../src/engine/ir/index.ts';

const dir = join(import.meta.dirname, 'fixtures');

function irsbBlocks(text: string): string[] {
  return [...text.matchAll(/^IRSB \{\n[\s\S]*?^\}\n/gm)].map((m) => m[0]);
}

const normalise = (vex: string) => vex.replace(/\{0x[0-9a-f]+\}(?=\()/g, '{}').replace(/\b(F32|F64)\{/g, '$1i{');

for (const file of readdirSync(dir).filter((f) => f.endsWith('.txt')).sort()) {
  describe(`fixtures/${file}`, () => {
    const blocks = irsbBlocks(readFileSync(join(dir, file), 'utf8'));
    // Memcheck's shadow registers live past the guest state proper.
    const guestStateSize = file.startsWith('memcheck') ? undefined : GUEST_STATE_SIZE;

    it('holds blocks', () => expect(blocks.length).toBeGreaterThan(3));

    blocks.forEach((text, i) => {
      const firstMark = /IMark\((0x[0-9A-F]+)/.exec(text)?.[1] ?? 'no IMark';
      it(`block ${i} (${firstMark}) prints back as valgrind printed it`, () => {
        const sb = parseIRSB(text);
        expect(ppIRSB(sb)).toBe(normalise(text));
        expect(checkIRSB(sb, { guestStateSize }).map(formatProblem)).toEqual([]);
        expect(parseIRSB(ppIRSB(sb))).toStrictEqual(sb);
      });
    });
  });
}
