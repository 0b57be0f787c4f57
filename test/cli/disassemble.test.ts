// `grindlab --disassemble` as a user runs it: objdump's layout, and one-line errors.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const bin = join(root, 'bin/grindlab.js');
const hello = join(root, 'public/samples/hello/hello-dynamic');

function grindlab(...args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
}

describe('grindlab --disassemble', () => {
  it('prints the same lines as objdump -d, once symbol notes are set aside', () => {
    const ours = grindlab('--disassemble', hello);
    expect(ours.status).toBe(0);
    const theirs = execFileSync('objdump', ['-d', hello], { encoding: 'utf8' });
    // objdump names PLT stubs and GOT slots from relocations (<puts@plt>); we do not yet,
    // so symbol notes and the labels of PLT stubs are set aside.
    const strip = (s: string) => s.split('\n')
      .filter((l) => l.trim() !== '' && !l.includes('file format') && !/^[0-9a-f]{16} <.*>:$/.test(l))
      .map((l) => l.replace(/<[^>]*>/g, '<>'));
    expect(strip(ours.stdout)).toEqual(strip(theirs));
  });

  it('labels main with its symbol and address', () => {
    const out = grindlab('--disassemble', hello, '--section=.text').stdout;
    const nm = execFileSync('nm', [hello], { encoding: 'utf8' });
    const main = /^([0-9a-f]+) T main$/m.exec(nm)![1];
    expect(out).toContain(`${main} <main>:`);
  });

  const dir = mkdtempSync(join(tmpdir(), 'grindlab-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const cases: [string, Uint8Array, RegExp][] = [
    ['random bytes', Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) & 0xff), /^grindlab: not an ELF file/],
    ['an empty file', new Uint8Array(0), /^grindlab: .*(truncated|not an ELF)/],
    ['a truncated ELF', readFileSync(hello).subarray(0, 200), /^grindlab: truncated ELF/],
  ];
  for (const [what, bytes, message] of cases) {
    it(`rejects ${what} with one line and status 1`, () => {
      const f = join(dir, what.replace(/\W+/g, '_'));
      writeFileSync(f, bytes);
      const r = grindlab('--disassemble', f);
      expect(r.status).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    });
  }

  it('rejects a missing file and an unknown option clearly', () => {
    const missing = grindlab('--disassemble', join(dir, 'nope'));
    expect(missing.status).toBe(1);
    expect(missing.stderr.trim()).toMatch(/^grindlab: '.*nope': No such file$/);
    const bad = grindlab('--frobnicate');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/Unknown option: --frobnicate/);
  });
});
