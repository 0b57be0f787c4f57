// A hand-built minimal ELF: exact field values, extended numbering, a missing
// section header table, and byte views that do not start at offset 0.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PF_R, PF_X, fileOffsetOfVaddr, parseElf, sectionByName, sectionBytes,
} from '../../src/engine/elf/index.ts';
import { MINIMAL, buildMinimalElf, expectMatchesReadelf, makeTempDir, putLe, readelf } from '../support/elf-tools.ts';

let dir: ReturnType<typeof makeTempDir>;
beforeAll(() => {
  dir = makeTempDir();
});
afterAll(() => dir.remove());

function withReadelf(name: string, bytes: Uint8Array) {
  const path = join(dir.path, name);
  writeFileSync(path, bytes);
  return readelf(path);
}

describe('minimal hand-made ELF', () => {
  it('parses every field', () => {
    const elf = parseElf(buildMinimalElf());
    expect(elf.header).toMatchObject({
      type: 'EXEC', machine: 62, entry: MINIMAL.base + MINIMAL.text, phoff: MINIMAL.phoff, shoff: MINIMAL.shoff,
      phnum: 3, shnum: 6, shstrndx: 5, osabi: 0,
    });
    expect(elf.segments.map((s) => s.typeName)).toEqual(['LOAD', 'NOTE', 'GNU_STACK']);
    expect(elf.segments[0]).toMatchObject({ flags: PF_R | PF_X, offset: 0, vaddr: MINIMAL.base, align: 0x1000 });
    expect(elf.sections.map((s) => s.name)).toEqual(['', '.text', '.note.gnu.build-id', '.symtab', '.strtab', '.shstrtab']);
    expect(elf.symbols).toEqual([
      { name: '', value: 0, size: 0, type: 'NOTYPE', bind: 'LOCAL', visibility: 0, shndx: 0 },
      { name: '_start', value: elf.header.entry, size: MINIMAL.textSize, type: 'FUNC', bind: 'GLOBAL', visibility: 0, shndx: 1 },
    ]);
    expect(elf.dynamicSymbols).toEqual([]);
    expect(elf.buildId).toBe(MINIMAL.buildId);
    expect(elf.notes).toHaveLength(1);
  });

  it('agrees with readelf', () => {
    const bytes = buildMinimalElf();
    expectMatchesReadelf(parseElf(bytes), withReadelf('minimal', bytes));
  });

  it('exposes section bytes and maps vaddrs through PT_LOAD', () => {
    const elf = parseElf(buildMinimalElf());
    const text = sectionByName(elf, '.text')!;
    expect(Array.from(sectionBytes(elf, text))).toEqual(MINIMAL.code);
    expect(sectionBytes(elf, elf.sections[0])).toHaveLength(0);
    expect(sectionByName(elf, '.data')).toBeUndefined();
    expect(fileOffsetOfVaddr(elf, elf.header.entry)).toBe(MINIMAL.text);
    expect(fileOffsetOfVaddr(elf, MINIMAL.base + MINIMAL.text + MINIMAL.textSize)).toBeUndefined();
    expect(fileOffsetOfVaddr(elf, 0)).toBeUndefined();
  });

  it('reads extended numbering (counts in section header 0) as readelf does', () => {
    const plain = parseElf(buildMinimalElf());
    const bytes = buildMinimalElf({ extendedNumbering: true });
    const extended = parseElf(bytes);
    expect(extended.header).toMatchObject({ phnum: 3, shnum: 6, shstrndx: 5 });
    expect(extended.segments).toEqual(plain.segments);
    expect(extended.sections.slice(1)).toEqual(plain.sections.slice(1));
    expect(extended.symbols).toEqual(plain.symbols);
    expectMatchesReadelf(extended, withReadelf('extended', bytes));
  });

  it('resolves SHN_XINDEX symbol section indexes through SHT_SYMTAB_SHNDX', () => {
    // Section header 6 goes where the table ends; its data (one u32 per symbol) follows it.
    const bytes = new Uint8Array(MINIMAL.size + 64 + 8);
    bytes.set(buildMinimalElf());
    const shdr = MINIMAL.size;
    putLe(bytes, 60, 2, 7);
    putLe(bytes, shdr + 4, 4, 18); // SHT_SYMTAB_SHNDX
    putLe(bytes, shdr + 24, 8, shdr + 64);
    putLe(bytes, shdr + 32, 8, 8);
    putLe(bytes, shdr + 40, 4, 3); // sh_link: .symtab
    putLe(bytes, shdr + 48, 8, 4);
    putLe(bytes, shdr + 56, 8, 4);
    putLe(bytes, shdr + 64 + 4, 4, 1); // symbol 1 lives in section 1
    putLe(bytes, MINIMAL.symtab + 24 + 6, 2, 0xffff);
    const elf = parseElf(bytes);
    expect(elf.symbols[1]).toMatchObject({ name: '_start', shndx: 1 });
    expect(elf.sections[6].type).toBe(18);
  });

  it('drops a symbol whose value does not fit a number exactly', () => {
    const bytes = buildMinimalElf();
    putLe(bytes, MINIMAL.symtab + 24 + 8, 8, 1n << 63n);
    expect(parseElf(bytes).symbols.map((s) => s.name)).toEqual(['']);
  });

  it('parses segments and PT_NOTE notes without a section header table', () => {
    const bytes = buildMinimalElf();
    putLe(bytes, 40, 8, 0); // e_shoff
    putLe(bytes, 60, 2, 0); // e_shnum
    putLe(bytes, 62, 2, 0); // e_shstrndx
    const elf = parseElf(bytes);
    expect(elf.sections).toEqual([]);
    expect(elf.symbols).toEqual([]);
    expect(elf.segments).toHaveLength(3);
    expect(elf.buildId).toBe(MINIMAL.buildId);
  });

  it('accepts a subarray at a non-zero byteOffset and SharedArrayBuffer-backed bytes', () => {
    const original = buildMinimalElf();
    const padded = new Uint8Array(original.length + 13);
    padded.set(original, 13);
    const shared = new Uint8Array(new SharedArrayBuffer(original.length));
    shared.set(original);
    const expected = parseElf(original);
    for (const bytes of [padded.subarray(13), shared]) {
      const elf = parseElf(bytes);
      expect(elf.symbols).toEqual(expected.symbols);
      expect(elf.sections).toEqual(expected.sections);
      expect(Array.from(sectionBytes(elf, sectionByName(elf, '.text')!))).toEqual(MINIMAL.code);
    }
  });
});
