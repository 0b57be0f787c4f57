// Inputs parseElf must refuse, each with a specific one-line ElfError.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ElfError, PT_DYNAMIC, PT_LOAD, parseElf, sectionByName } from '../../src/engine/elf/index.ts';
import { MINIMAL, buildMinimalElf, compileC, makeTempDir, putLe, seededRandom } from '../support/elf-tools.ts';

const PHDR_SIZE = 56;
const SHDR_SIZE = 64;

let dir: ReturnType<typeof makeTempDir>;
let realBytes: Uint8Array;
beforeAll(() => {
  dir = makeTempDir();
  realBytes = new Uint8Array(readFileSync(compileC(dir.path, 'hello', 'int main(void) { return 0; }', 'gcc', ['-O1'])));
});
afterAll(() => dir.remove());

/** A fresh copy of the compiled PIE, its parse, and a patcher for it. */
function real() {
  const bytes = realBytes.slice();
  const elf = parseElf(bytes);
  const phdr = (i: number) => elf.header.phoff + i * PHDR_SIZE;
  return { bytes, elf, phdr, loads: elf.segments.flatMap((s, i) => (s.type === PT_LOAD ? [i] : [])) };
}

function expectElfError(bytes: Uint8Array, message: RegExp): void {
  let caught: unknown;
  try {
    parseElf(bytes);
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(ElfError);
  expect((caught as Error).message).toMatch(message);
}

/** A patched copy of the minimal ELF. */
function minimal(patch: (bytes: Uint8Array) => void): Uint8Array {
  const bytes = buildMinimalElf();
  patch(bytes);
  return bytes;
}
const minimalShdr = (i: number) => MINIMAL.shoff + i * SHDR_SIZE;

describe('not ELF at all', () => {
  it('empty file', () => expectElfError(new Uint8Array(0), /^not an ELF file \(empty file\)$/));
  it('3 bytes of magic', () => expectElfError(new Uint8Array([0x7f, 0x45, 0x4c]), /^not an ELF file \(bad magic\)$/));
  it('random bytes', () => {
    const random = seededRandom(7);
    expectElfError(Uint8Array.from({ length: 4096 }, () => random() * 256), /^not an ELF file \(bad magic\)$/);
  });
});

describe('ELF that grindlab does not run', () => {
  it('32-bit ELF', () => {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(compileC(dir.path, 'elf32.o', 'int f(void) { return 1; }', 'gcc', ['-m32', '-c']));
    } catch {
      // No 32-bit gcc support: hand-craft an ELFCLASS32 header (52 bytes, EM_386).
      bytes = new Uint8Array(52);
      bytes.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1]);
      putLe(bytes, 16, 2, 1);
      putLe(bytes, 18, 2, 3);
      putLe(bytes, 20, 4, 1);
      putLe(bytes, 40, 2, 52);
    }
    expectElfError(bytes, /^32-bit ELF is not supported \(ELFCLASS32\)$/);
  });

  it('big-endian', () => {
    const { bytes } = real();
    bytes[5] = 2;
    expectElfError(bytes, /^big-endian ELF is not supported \(ELFDATA2MSB\)$/);
  });

  it('invalid class, data encoding and version', () => {
    for (const [at, value, message] of [
      [4, 3, /^invalid ELF class 3 /],
      [5, 0, /^invalid ELF data encoding 0 /],
      [6, 2, /^unsupported ELF version 2 \(EI_VERSION\)$/],
      [20, 0, /^unsupported ELF version 0 \(e_version\)$/],
    ] as const) {
      const { bytes } = real();
      bytes[at] = value;
      expectElfError(bytes, message);
    }
  });

  it('other machines, named when well known', () => {
    for (const [machine, message] of [
      [183, /^ELF for machine AArch64 \(183\), grindlab runs x86-64 only$/],
      [3, /^ELF for machine i386 \(3\), grindlab runs x86-64 only$/],
      [243, /^ELF for machine RISC-V \(243\), /],
      [9999, /^ELF for machine 9999, grindlab runs x86-64 only$/],
    ] as const) {
      const { bytes } = real();
      putLe(bytes, 18, 2, machine);
      expectElfError(bytes, message);
    }
  });
});

describe('truncation and tables past the end of the file', () => {
  it('truncated real file at several lengths', () => {
    const { bytes, elf } = real();
    expectElfError(bytes.slice(0, 10), /^truncated ELF: file is 10 bytes, shorter than the 64-byte ELF header$/);
    expectElfError(bytes.slice(0, 64), /^truncated ELF: program header 0 lies past end of file \(offset 0x40, file size 0x40\)$/);
    expectElfError(bytes.slice(0, 100), /^truncated ELF: program header 0 lies past end of file \(offset 0x40, file size 0x64\)$/);
    expectElfError(bytes.slice(0, bytes.length >> 1), /^truncated ELF: program header \d+ \(\w+\) data lies past end of file/);
    expectElfError(bytes.slice(0, bytes.length - 1),
      new RegExp(`^truncated ELF: section header ${elf.header.shnum - 1} lies past end of file`));
  });

  it('program header table past EOF', () => {
    const { bytes } = real();
    putLe(bytes, 32, 8, bytes.length - 10);
    expectElfError(bytes, /^truncated ELF: program header 0 lies past end of file/);
  });

  it('section header table past EOF', () => {
    const { bytes } = real();
    putLe(bytes, 40, 8, bytes.length - 10);
    expectElfError(bytes, /^truncated ELF: section header 0 lies past end of file/);
  });

  it('huge claimed counts are refused without being looped over', () => {
    // 1e9 symbols in a 768-byte file.
    expectElfError(minimal((b) => putLe(b, minimalShdr(3) + 32, 8, 24e9)),
      /^truncated ELF: section 3 \(\.symtab\) lies past end of file/);
    // Extended numbering claiming 2^40 sections: 6 fit.
    expectElfError(minimal((b) => {
      putLe(b, 60, 2, 0);
      putLe(b, minimalShdr(0) + 32, 8, 2 ** 40);
    }), /^truncated ELF: section header 6 lies past end of file/);
    // PN_XNUM claiming 1e9 program headers.
    expectElfError(minimal((b) => {
      putLe(b, 56, 2, 0xffff);
      putLe(b, minimalShdr(0) + 44, 4, 1e9);
    }), /^truncated ELF: program header \d+ lies past end of file/);
  });
});

describe('inputs crafted to make parsing quadratic', () => {
  /** The minimal ELF with .strtab replaced by one long name and .symtab by `count` symbols naming `nameOffset(i)`. */
  function manyLongNames(count: number, nameOffset: (i: number) => number): Uint8Array {
    const nameLength = 200_000;
    const strtab = MINIMAL.size;
    const symtab = strtab + nameLength + 8;
    const bytes = new Uint8Array(symtab + count * 24);
    bytes.set(buildMinimalElf());
    bytes.fill(0x61, strtab + 1, strtab + 1 + nameLength);
    for (let i = 1; i < count; i++) putLe(bytes, symtab + i * 24, 4, nameOffset(i));
    putLe(bytes, minimalShdr(4) + 24, 8, strtab);
    putLe(bytes, minimalShdr(4) + 32, 8, nameLength + 2);
    putLe(bytes, minimalShdr(3) + 24, 8, symtab);
    putLe(bytes, minimalShdr(3) + 32, 8, count * 24);
    return bytes;
  }

  it('many symbols naming different suffixes of one long string', () => {
    expectElfError(manyLongNames(20_000, (i) => i), /^string table \.strtab: names overlap far more than a linker makes them$/);
  });

  it('many symbols sharing one long name still parse', () => {
    const elf = parseElf(manyLongNames(20_000, () => 1));
    expect(elf.symbols).toHaveLength(20_000);
    expect(elf.symbols[19_999].name).toHaveLength(200_000);
  });

  it('overlapping note segments', () => {
    expectElfError(minimal((b) => {
      putLe(b, 40, 8, 0); // no section headers: notes come from PT_NOTE
      putLe(b, 60, 2, 0);
      putLe(b, 62, 2, 0);
      b.copyWithin(MINIMAL.phoff + 2 * PHDR_SIZE, MINIMAL.phoff + PHDR_SIZE, MINIMAL.phoff + 2 * PHDR_SIZE);
    }), /^note regions program header 1 \(NOTE\) and program header 2 \(NOTE\) overlap$/);
  });
});

describe('corrupt structure', () => {
  it('overlapping PT_LOAD segments', () => {
    const { bytes, elf, phdr, loads } = real();
    const [a, b] = loads;
    putLe(bytes, phdr(b) + 16, 8, elf.segments[a].vaddr);
    expectElfError(bytes, new RegExp(`^overlapping PT_LOAD segments ${a} and ${b}$`));
  });

  it('PT_LOAD with p_filesz > p_memsz', () => {
    const { bytes, elf, phdr, loads } = real();
    const load = loads.find((i) => elf.segments[i].filesz === elf.segments[i].memsz)!;
    putLe(bytes, phdr(load) + 40, 8, elf.segments[load].filesz - 1);
    expectElfError(bytes, new RegExp(`^program header ${load} \\(LOAD\\) has p_filesz 0x[0-9a-f]+ > p_memsz 0x[0-9a-f]+$`));
  });

  it('64-bit field beyond 2^53', () => {
    expectElfError(minimal((b) => putLe(b, 24, 8, 1n << 63n)), /^e_entry 0x8000000000000000 is too large \(above 2\^53\)$/);
    expectElfError(minimal((b) => putLe(b, MINIMAL.phoff + 16, 8, 1n << 60n)),
      /^program header 0 \(LOAD\) p_vaddr 0x1000000000000000 is too large/);
  });

  it('bad header sizes and indexes', () => {
    expectElfError(minimal((b) => putLe(b, 54, 2, 32)), /^unexpected e_phentsize 32 \(ELF64 program headers are 56 bytes\)$/);
    expectElfError(minimal((b) => putLe(b, 58, 2, 40)), /^unexpected e_shentsize 40 /);
    expectElfError(minimal((b) => putLe(b, 62, 2, 9)), /^e_shstrndx 9 is out of range \(6 sections\)$/);
    expectElfError(minimal((b) => putLe(b, 62, 2, 1)), /^e_shstrndx 1 is not a string table section$/);
  });

  it('bad string table references', () => {
    expectElfError(minimal((b) => putLe(b, MINIMAL.symtab + 24, 4, 0x1000)),
      /^string table \.strtab: string offset 0x1000 is past its end \(size 0x8\)$/);
    expectElfError(minimal((b) => putLe(b, minimalShdr(4) + 32, 8, 7)),
      /^string table \.strtab: string at offset 0x1 is not NUL-terminated$/);
    expectElfError(minimal((b) => putLe(b, minimalShdr(3) + 40, 4, 1)), /^\.symtab: sh_link 1 is not a string table$/);
  });

  it('note running past its section', () => {
    expectElfError(minimal((b) => putLe(b, MINIMAL.note + 4, 4, 100)),
      /^\.note\.gnu\.build-id: note 0 runs past the end of its region$/);
  });

  it('DT_STRTAB outside every PT_LOAD', () => {
    const { bytes, elf } = real();
    const dynamic = elf.segments.find((s) => s.type === PT_DYNAMIC)!;
    const strtab = elf.dynamic.findIndex((e) => e.tagName === 'STRTAB');
    putLe(bytes, dynamic.offset + strtab * 16 + 8, 8, 0xdead0000);
    expectElfError(bytes, /^DT_STRTAB 0xdead0000 is not in any PT_LOAD segment's file data$/);
  });

  it('symbol version index with no definition or need', () => {
    const { bytes, elf } = real();
    putLe(bytes, sectionByName(elf, '.gnu.version')!.offset + 2, 2, 77);
    expectElfError(bytes, /^\.dynsym symbol 1 has undefined version index 77$/);
  });
});
