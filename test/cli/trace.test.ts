// --trace-ir shows each new block's IR, before and/or after optimisation, from the Nth on.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseIRSB } from '../../src/engine/ir/index.ts';

const root = join(import.meta.dirname, '../..');
const bin = join(root, 'bin/grindlab.js');
const hello = join(root, 'public/samples/hello/hello-static');

function trace(...opts: string[]) {
  return spawnSync(process.execPath, [bin, '--tool=none', ...opts, hello], { encoding: 'utf8', maxBuffer: 1 << 28 });
}

describe('grindlab --trace-ir', () => {
  it('prints the front end with each instruction above its IMark, and the optimised block', () => {
    const r = trace('--trace-ir=both');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Hello, world!');
    const first = r.stderr.slice(r.stderr.indexOf('==== SB 0 '), r.stderr.indexOf('==== SB 1 '));
    expect(first).toMatch(/^==== SB 0 \(evchecks 0\) \[tid 1\] 0x[0-9a-f]+ _start\+0x0 /);
    expect(first).toMatch(/\t0x[0-9A-F]+: {2}xor {4}%ebp,%ebp\n\n {14}------ IMark\(0x[0-9A-F]+, 2, 0\) ------\n/);
    // The optimised block is complete IR text: it parses back.
    const after = first.slice(first.indexOf('IRSB {'));
    expect(() => parseIRSB(after.slice(0, after.indexOf('\n}\n') + 2))).not.toThrow();
  });

  it('starts at --trace-notbelow and can show one side only', () => {
    const r = trace('--trace-ir=after', '--trace-notbelow=5');
    expect(r.stderr).not.toContain('==== SB 4 ');
    expect(r.stderr).toContain('==== SB 5 ');
    expect(r.stderr).not.toContain('Front end');
    expect(r.stderr).toContain('After instrumentation and optimisation');
  });
});
