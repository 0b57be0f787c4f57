// parseElf against readelf on binaries built by this machine's toolchain.
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseElf, type ElfFile } from '../../src/engine/elf/index.ts';
import { compileC, expectMatchesReadelf, makeTempDir, readelf } from '../support/elf-tools.ts';
import { lacking } from '../support/requires.ts';

const SOURCE = `
#include <math.h>
#include <stdio.h>
__thread int tls_counter = 1;
int global_table[64] = {1};
static int helper(int x) { return x * 3 + tls_counter++; }
int main(int argc, char **argv) {
  printf("%d %f %s\\n", helper(argc), cos(argc), argv[0]);
  return global_table[argc & 63];
}
`;
const LIBC = '/usr/lib/x86_64-linux-gnu/libc.so.6';
const MUSL_GCC = '/usr/bin/musl-gcc';
const RUNPATH = '/opt/grindlab-test/lib';

let dir: ReturnType<typeof makeTempDir>;
beforeAll(() => {
  dir = makeTempDir();
});
afterAll(() => dir.remove());

function parseAndCompare(path: string): ElfFile {
  const elf = parseElf(new Uint8Array(readFileSync(path)));
  expectMatchesReadelf(elf, readelf(path));
  return elf;
}

function expectMain(elf: ElfFile): void {
  const main = elf.symbols.find((s) => s.name === 'main');
  expect(main).toMatchObject({ type: 'FUNC', bind: 'GLOBAL', visibility: 0 });
  expect(main!.size).toBeGreaterThan(0);
  expect(elf.sections[main!.shndx].name).toBe('.text');
}

describe('parseElf on real binaries matches readelf', () => {
  it('gcc -g -O1 dynamic PIE', () => {
    const elf = parseAndCompare(compileC(dir.path, 'pie', SOURCE, 'gcc',
      ['-g', '-O1', `-Wl,--enable-new-dtags,-rpath,${RUNPATH}`, '-lm']));
    expect(elf.header.type).toBe('DYN');
    expect(elf.interp).toBe('/lib64/ld-linux-x86-64.so.2');
    expect(elf.needed).toEqual(['libm.so.6', 'libc.so.6']);
    expect(elf.runpath).toBe(RUNPATH);
    expect(elf.buildId).toMatch(/^[0-9a-f]{40}$/);
    expect(elf.segments.map((s) => s.typeName)).toContain('TLS');
    expect(elf.dynamicSymbols.find((s) => s.name === 'printf')).toMatchObject({ shndx: 0, version: 'GLIBC_2.2.5' });
    expectMain(elf);
  });

  it('gcc -static (glibc)', () => {
    const elf = parseAndCompare(compileC(dir.path, 'static', SOURCE, 'gcc', ['-O1', '-static', '-lm']));
    expect(elf.header.type).toBe('EXEC');
    expect(elf.interp).toBeUndefined();
    expect(elf.dynamic).toEqual([]);
    expect(elf.dynamicSymbols).toEqual([]);
    expect(elf.symbols.filter((s) => s.type === 'GNU_IFUNC').length).toBeGreaterThan(0);
    expectMain(elf);
  });

  it.skipIf(lacking(existsSync(MUSL_GCC)))(`musl-gcc -static (skipped when ${MUSL_GCC} is not installed)`, () => {
    const elf = parseAndCompare(compileC(dir.path, 'musl', SOURCE, MUSL_GCC, ['-O1', '-static', '-lm']));
    expect(elf.header.type).toBe('EXEC');
    expect(elf.needed).toEqual([]);
    expectMain(elf);
  });

  it('gcc -c relocatable object (no program headers)', () => {
    const elf = parseAndCompare(compileC(dir.path, 'object.o', SOURCE, 'gcc', ['-O1', '-c']));
    expect(elf.header.type).toBe('REL');
    expect(elf.segments).toEqual([]);
    expect(elf.symbols.some((s) => s.type === 'SECTION')).toBe(true);
    expectMain(elf);
  });

  it(`${LIBC} (stripped, versioned .dynsym)`, () => {
    const elf = parseAndCompare(LIBC);
    expect(elf.header.type).toBe('DYN');
    expect(elf.soname).toBe('libc.so.6');
    expect(elf.needed).toEqual(['ld-linux-x86-64.so.2']);
    expect(elf.symbols).toEqual([]);
    expect(elf.dynamicSymbols.length).toBeGreaterThan(2000);
    expect(elf.dynamicSymbols.find((s) => s.name === 'malloc')).toMatchObject({
      type: 'FUNC', bind: 'GLOBAL', version: 'GLIBC_2.2.5',
    });
    // Two memcpy definitions: the old compat one and the IFUNC default.
    expect(elf.dynamicSymbols.filter((s) => s.name === 'memcpy').map((s) => s.version).sort())
      .toEqual(['GLIBC_2.14', 'GLIBC_2.2.5']);
  });
});
