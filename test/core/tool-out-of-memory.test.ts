// A tool whose own memory runs out (memcheck's shadow maps, past ~2 GiB of guest memory
// with mixed states) ends the run as Valgrind ends one that runs out of memory: a message,
// status 1, no final report; under either backend, from inside compiled code too.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BACKEND_KINDS } from '../../src/engine/backend/backend.ts';
import { dirtyHelper } from '../../src/engine/backend/helpers.ts';
import { Machine } from '../../src/engine/core/machine.ts';
import { NONE_BANNER } from '../../src/engine/core/output.ts';
import { type ToolDescriptor, ToolOutOfMemory } from '../../src/engine/core/tool.ts';
import { GUEST_STATE_SIZE } from '../../src/engine/guest/amd64/state.ts';
import { IRSBBuilder, constant } from '../../src/engine/ir/index.ts';

/** A tool that counts blocks with a helper, which gives up after `limit` calls. */
function exhaustingTool(limit: number, finished: string[]): ToolDescriptor {
  let calls = 0;
  return {
    name: 'exhausting', stateSize: GUEST_STATE_SIZE,
    create: () => ({
      banner: NONE_BANNER,
      helpers: [dirtyHelper('test_count', '-> none', {}, () => {
        if (++calls > limit) throw new ToolOutOfMemory('test: out of counters');
        return undefined;
      })],
      instrument: (sb) => {
        const b = new IRSBBuilder({ offsIP: sb.offsIP, tyenv: sb.tyenv });
        b.dirty({ callee: { name: 'test_count' }, args: [], guard: constant('I1', 1) });
        for (const s of sb.stmts) b.add(s);
        return b.finish(sb.next, sb.jumpkind);
      },
      fini: () => { finished.push('fini'); return undefined; },
    }),
  };
}

describe('a tool out of memory', () => {
  for (const backend of BACKEND_KINDS) {
    it(`stops the run with Valgrind's message and status 1 (${backend})`, () => {
      const log: string[] = [];
      const finished: string[] = [];
      const program = new Uint8Array(readFileSync(join(import.meta.dirname, '../../public/samples/loop/loop-static')));
      const m = new Machine({
        program, path: 'loop', args: ['2'], env: [], seed: 1, log: (t) => log.push(t), backend,
        terminal: { write: () => {}, read: () => new Uint8Array(0), isatty: () => false, windowSize: () => ({ rows: 24, cols: 80 }) },
        tool: exhaustingTool(200_000, finished),
      });
      const end = m.run();
      expect(end).toEqual({ kind: 'exited', status: 1 });
      expect(m.finish(end)).toBeUndefined();
      expect(finished).toEqual([]);
      expect(log.join('').split('\n').filter((l) => /memory|counters|Sorry/.test(l)).map((l) => l.replace(/^==\d+== /, ''))).toEqual([
        "    grindlab's memory management: out of memory:",
        '       test: out of counters',
        '    Whatever the reason, grindlab cannot continue.  Sorry.',
      ]);
    });
  }
});
