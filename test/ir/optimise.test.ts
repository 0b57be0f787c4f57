// The optimiser on real code: every block valgrind's front end and optimiser produced in
// test/ir/fixtures goes through all passes with the verifier after each one, reaches a
// fixpoint, and never grows.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GUEST_STATE_SIZE } from '../../src/engine/guest/amd64/state.ts';
import { optimise, parseIRSB, ppIRSB } from '../../src/engine/ir/index.ts';

const fixtures = join(import.meta.dirname, 'fixtures');
// Memcheck's shadow state is two more copies of the guest state after it.
const SIZES: Record<string, number> = { 'frontend.txt': GUEST_STATE_SIZE, 'optimised.txt': GUEST_STATE_SIZE, 'memcheck.txt': 3 * GUEST_STATE_SIZE };

describe('optimise on valgrind-generated blocks', () => {
  for (const [file, guestStateSize] of Object.entries(SIZES)) {
    it(file, () => {
      const blocks = [...readFileSync(join(fixtures, file), 'utf8').matchAll(/^IRSB \{\n[\s\S]*?^\}\n/gm)].map((m) => parseIRSB(m[0]));
      for (const sb of blocks) {
        const once = optimise(sb, { guestStateSize, verify: true });
        expect(ppIRSB(optimise(once, { guestStateSize }))).toBe(ppIRSB(once));
        expect(once.stmts.length).toBeLessThanOrEqual(sb.stmts.length);
        expect(once.tyenv).toEqual(sb.tyenv);
      }
    });
  }

  it('leaves its input alone', () => {
    const text = readFileSync(join(fixtures, 'frontend.txt'), 'utf8').match(/^IRSB \{\n[\s\S]*?^\}\n/m)![0];
    const sb = parseIRSB(text);
    optimise(sb, { guestStateSize: GUEST_STATE_SIZE });
    expect(sb).toStrictEqual(parseIRSB(text));
  });

  it('produces blocks that survive structuredClone, as postMessage to the UI does', () => {
    const text = readFileSync(join(fixtures, 'memcheck.txt'), 'utf8').match(/^IRSB \{\n[\s\S]*?^\}\n/m)![0];
    const sb = optimise(parseIRSB(text), { guestStateSize: 3 * GUEST_STATE_SIZE });
    expect(structuredClone(sb)).toStrictEqual(sb);
  });
});
