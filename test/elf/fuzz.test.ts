// Mutation fuzzing: whatever the bytes, parseElf returns or throws ElfError.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ElfError, fileOffsetOfVaddr, parseElf, sectionByName, sectionBytes, type ElfFile,
} from '../../src/engine/elf/index.ts';
import { buildMinimalElf, compileC, makeTempDir, seededRandom, type FieldSize } from '../support/elf-tools.ts';

const MUTANTS_PER_INPUT = 2500;
const SOURCE = '#include <stdio.h>\nint main(int argc, char **argv) { printf("%s\\n", argv[argc - 1]); return 0; }\n';

interface Region {
  offset: number;
  size: number;
}

/** Where parsing decisions are made: headers, tables and the data they point to. */
function regionsOf(elf: ElfFile): Region[] {
  const { header } = elf;
  return [
    { offset: 0, size: 64 },
    { offset: header.phoff, size: header.phnum * 56 },
    { offset: header.shoff, size: header.shnum * 64 },
    // Not PROGBITS (1) or NOBITS (8): code and data hold nothing the parser reads.
    ...elf.sections.filter((s) => s.type !== 1 && s.type !== 8).map((s) => ({ offset: s.offset, size: Math.min(s.size, 512) })),
    ...elf.segments.filter((s) => s.typeName !== 'LOAD').map((s) => ({ offset: s.offset, size: Math.min(s.filesz, 512) })),
  ].filter((r) => r.size > 0);
}

/** Field values that sit on the parser's boundaries. */
function interestingValue(random: () => number, fileSize: number): bigint {
  const values = [
    0n, 1n, 0x7fn, 0xffn, 0xffffn, 0x7fffffffn, 0x80000000n, 0xffffffffn, 1n << 32n,
    BigInt(Number.MAX_SAFE_INTEGER), 1n << 53n, 1n << 63n, (1n << 64n) - 1n,
    BigInt(fileSize), BigInt(fileSize - 1), BigInt(fileSize + 1), BigInt(Math.floor(random() * fileSize)),
    BigInt(Math.floor(random() * 0x100000000)),
  ];
  return values[Math.floor(random() * values.length)];
}

function mutate(original: Uint8Array, regions: Region[], random: () => number): Uint8Array {
  let bytes = original.slice();
  const pick = (n: number) => Math.floor(random() * n);
  const offsetIn = (align: number) => {
    const r = regions[pick(regions.length)];
    return r.offset + Math.floor(pick(r.size) / align) * align;
  };
  for (let ops = 1 + pick(3); ops > 0; ops--) {
    switch (pick(5)) {
      case 0: { // flip bits
        const at = offsetIn(1);
        if (at < bytes.length) bytes[at] ^= 1 + pick(255);
        break;
      }
      case 1: { // overwrite a field with a boundary value
        const size = ([2, 4, 8] as FieldSize[])[pick(3)];
        const at = offsetIn(size);
        const value = interestingValue(random, bytes.length) & ((1n << BigInt(size * 8)) - 1n);
        for (let i = 0; i < size && at + i < bytes.length; i++) bytes[at + i] = Number((value >> BigInt(8 * i)) & 0xffn);
        break;
      }
      case 2: { // truncate, usually at a region boundary
        const r = regions[pick(regions.length)];
        bytes = bytes.slice(0, random() < 0.5 ? r.offset + pick(r.size + 1) : pick(bytes.length + 1));
        break;
      }
      case 3: { // duplicate a table entry over another place (same entry twice, shifted tables)
        const size = [16, 24, 56, 64][pick(4)];
        const from = offsetIn(8);
        const to = offsetIn(8);
        bytes.copyWithin(to, from, from + size);
        break;
      }
      default: { // append a copy of a region, growing the file past where tables point
        const r = regions[pick(regions.length)];
        const grown = new Uint8Array(bytes.length + r.size);
        grown.set(bytes);
        grown.set(original.subarray(r.offset, r.offset + r.size), bytes.length);
        bytes = grown;
      }
    }
  }
  return bytes;
}

/** Touches every accessor, which must not throw for a file that parsed. */
function exercise(elf: ElfFile): void {
  for (const s of elf.sections) sectionBytes(elf, s);
  sectionByName(elf, '.text');
  fileOffsetOfVaddr(elf, elf.header.entry);
}

let dir: ReturnType<typeof makeTempDir>;
beforeAll(() => {
  dir = makeTempDir();
});
afterAll(() => dir.remove());

describe('parseElf under mutation', () => {
  const inputs: [string, number, () => Uint8Array][] = [
    ['compiled dynamic PIE', 1, () => new Uint8Array(readFileSync(compileC(dir.path, 'fuzz', SOURCE, 'gcc', ['-O1'])))],
    ['minimal hand-made ELF', 2, () => buildMinimalElf()],
    ['minimal ELF with extended numbering', 3, () => buildMinimalElf({ extendedNumbering: true })],
  ];

  it.each(inputs)('%s: only ElfError escapes (seed %i)', (_name, seed, load) => {
    const original = load();
    const regions = regionsOf(parseElf(original));
    const random = seededRandom(seed);
    const unexpected: string[] = [];
    const rejections = new Set<string>();
    let parsed = 0;
    for (let i = 0; i < MUTANTS_PER_INPUT; i++) {
      const mutant = mutate(original, regions, random);
      try {
        exercise(parseElf(mutant));
        parsed++;
      } catch (e) {
        if (e instanceof ElfError) rejections.add(e.message.replace(/\b(0x[0-9a-f]+|\d+)\b/g, 'N'));
        else unexpected.push(`mutant ${i} (seed ${seed}): ${e instanceof Error ? e.stack : String(e)}`);
      }
    }
    expect(unexpected).toEqual([]);
    // The mutants reach both outcomes and many distinct checks, so the run is not vacuous.
    expect(parsed).toBeGreaterThan(MUTANTS_PER_INPUT / 20);
    expect(parsed).toBeLessThan(MUTANTS_PER_INPUT);
    expect(rejections.size).toBeGreaterThan(10);
  });
});
