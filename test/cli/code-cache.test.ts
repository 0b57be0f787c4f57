// The CLI's bundle runs through V8's code cache (bin/cli-bundle.js): one cache per tool,
// written after that tool's first run of a program, and a cache that is stale (even of a
// bundle of the same length) or damaged costs nothing but its use: the run's output is the
// CPU's and the current bundle's, and the cache is written anew.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, writeCliRunner } from '../../bin/cli-bundle.js';

const root = join(import.meta.dirname, '../..');
const hello = join(root, 'public/samples/hello/hello-static');
const dir = mkdtempSync(join(tmpdir(), 'grindlab-code-cache-'));
// In a folder not made yet, as node_modules/.cache/grindlab is not in a fresh clone.
const bundle = join(dir, 'cache', 'cli.cjs');
const runner = join(dir, 'run.mjs');

function run(...args: string[]) {
  return spawnSync(process.execPath, [runner, ...args], { encoding: 'utf8' });
}

describe('the code cache of the CLI bundle', () => {
  beforeAll(async () => {
    await buildCli(root, bundle);
    writeCliRunner(runner, bundle);
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const native = spawnSync(hello, { encoding: 'utf8' }).stdout;

  it('is written per tool after a run of a program, not after --help, and then used as it is', () => {
    expect(run('--help').status).toBe(0);
    expect(() => statSync(`${bundle}.memcheck.v8cache`)).toThrow();
    const first = run('--tool=none', '-q', hello);
    expect(first.stdout).toBe(native);
    const cache = `${bundle}.none.v8cache`;
    const written = readFileSync(cache);
    expect(written.length).toBeGreaterThan(100_000); // the functions the run compiled, not only the top level
    const second = run('--tool=none', '-q', hello);
    expect(second.stdout).toBe(native);
    expect(readFileSync(cache).equals(written)).toBe(true);
    expect(() => statSync(`${bundle}.memcheck.v8cache`)).toThrow();
  });

  it("a bundle changed without changing its length runs its new code, not the old bundle's cache", () => {
    expect(run('--tool=none', '-q', hello).stdout).toBe(native);
    const cache = `${bundle}.none.v8cache`;
    const before = readFileSync(cache);
    // One word of the usage text, same length: V8 alone takes the old cache for this source.
    const text = readFileSync(bundle, 'utf8');
    expect(text).toContain('prog-and-args');
    writeFileSync(bundle, text.replace('prog-and-args', 'PROG-AND-ARGS'));
    expect(run('--tool=none', '--help').stdout).toContain('usage: grindlab [options] PROG-AND-ARGS');
    expect(run('--tool=none', '-q', hello).stdout).toBe(native);
    expect(readFileSync(cache).equals(before)).toBe(false);
    writeFileSync(bundle, text);
  });

  it('runs as well with a damaged cache, and replaces it', () => {
    const cache = `${bundle}.memcheck.v8cache`;
    writeFileSync(cache, Buffer.from('not a code cache at all'));
    const r = run('-q', hello);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(native);
    expect(readFileSync(cache).length).toBeGreaterThan(100_000);
  });
});
