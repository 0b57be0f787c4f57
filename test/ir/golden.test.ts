// Golden optimiser tests in the spirit of Cranelift's filetests: each test/ir/golden/<pass>/*.ir
// file holds an input block and the block the pass must turn it into, in printed IR
// separated by a `==== expected ====` line (format: docs/ir.md). The runner verifies both
// blocks, applies the pass named by the folder, and compares text.
//
// To (re)write the expected blocks after a deliberate change: IR_GOLDEN_BLESS=1 npx vitest
// run test/ir/golden.test.ts, then review the diff like any other code change.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GUEST_STATE_SIZE } from '../../src/engine/guest/amd64/state.ts';
import {
  assertSaneIRSB, foldConstants, forwardGuestState, optimise, parseIRSB, ppIRSB, propagateCopies, removeDeadCode,
  type GuestRange, type IRSB,
} from '../../src/engine/ir/index.ts';

const dir = join(import.meta.dirname, 'golden');
const MARKER = '==== expected ====';
const bless = process.env.IR_GOLDEN_BLESS === '1';

interface Directives {
  precise?: GuestRange[];
  guestStateSize: number;
}

const PASSES: Record<string, (sb: IRSB, d: Directives) => IRSB> = {
  fold: (sb) => foldConstants(sb),
  forward: (sb, d) => forwardGuestState(sb, { preciseOffsets: d.precise }),
  copyprop: (sb) => propagateCopies(sb),
  dce: (sb) => removeDeadCode(sb),
  optimise: (sb, d) => optimise(sb, { guestStateSize: d.guestStateSize, preciseOffsets: d.precise, verify: true }),
};

/** `#! precise: 48+8 184+8` and `#! guest-state-size: 928` lines; other `#` lines are comments. */
function directives(text: string): Directives {
  const d: Directives = { guestStateSize: GUEST_STATE_SIZE };
  for (const [, key, value] of text.matchAll(/^#!\s*([\w-]+):\s*(.*)$/gm)) {
    if (key === 'precise') {
      d.precise = value!.trim().split(/\s+/).filter(Boolean).map((r) => {
        const [offset, size] = r.split('+').map(Number);
        return { offset: offset!, size: size! };
      });
    } else if (key === 'guest-state-size') {
      d.guestStateSize = Number(value);
    } else {
      throw new Error(`unknown directive '${key}'`);
    }
  }
  return d;
}

const blockOf = (text: string) => text.replace(/^#.*\n/gm, '').trim() + '\n';

for (const pass of readdirSync(dir).sort()) {
  const run = PASSES[pass];
  describe(`golden/${pass}`, () => {
    it('names a pass', () => expect(run, `no pass called '${pass}'`).toBeDefined());
    for (const file of readdirSync(join(dir, pass)).filter((f) => f.endsWith('.ir')).sort()) {
      it(file, () => {
        const path = join(dir, pass, file);
        const text = readFileSync(path, 'utf8');
        const [input, expected = ''] = text.split(`\n${MARKER}\n`);
        const d = directives(input!);
        const sb = parseIRSB(blockOf(input!));
        assertSaneIRSB(sb, { guestStateSize: d.guestStateSize }, `${file}, input`);
        const out = run!(sb, d);
        assertSaneIRSB(out, { guestStateSize: d.guestStateSize }, `${file}, after ${pass}`);
        const got = ppIRSB(out);
        if (bless) {
          writeFileSync(path, `${input!.trimEnd()}\n${MARKER}\n${got}`);
          return;
        }
        expect(text, `${file} has no '${MARKER}' line`).toContain(`\n${MARKER}\n`);
        expect(got).toBe(expected);
      });
    }
  });
}
