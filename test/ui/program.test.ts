import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkUpload } from '../../src/ui/program.ts';

const sample = (p: string) => new Uint8Array(readFileSync(new URL(`../../public/samples/${p}`, import.meta.url)));

describe('checkUpload', () => {
  it('accepts a static and a dynamic x86-64 executable', () => {
    expect(checkUpload('hello', sample('hello/hello-static'))).toMatchObject({ kind: 'upload', name: 'hello', dynamic: false });
    expect(checkUpload('hello', sample('hello/hello-dynamic'))).toMatchObject({ kind: 'upload', dynamic: true });
  });

  it('refuses other files with a one-line reason', () => {
    expect(checkUpload('notes.txt', new TextEncoder().encode('just some notes\n'))).toBe('notes.txt is not an ELF file (bad magic)');
    expect(checkUpload('empty', new Uint8Array(0))).toBe('empty is not an ELF file (empty file)');
    const cut = checkUpload('cut', sample('hello/hello-static').subarray(0, 100));
    expect(cut).toMatch(/^cut: /);
    expect(cut).not.toMatch(/\n/);
  });
});
