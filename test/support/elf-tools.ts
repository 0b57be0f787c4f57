// Test helpers for the ELF reader: compile C with the system toolchain, parse
// `readelf -W` output as the oracle, hand-build a minimal ELF, patch fields,
// and a seeded PRNG for mutation tests.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { ElfFile } from '../../src/engine/elf/index.ts';

// --- temp dirs and compilers ------------------------------------------------

export function makeTempDir(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'grindlab-elf-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Compiles `source` with `compiler` (gcc, musl-gcc) and returns the output's path. */
export function compileC(dir: string, name: string, source: string, compiler: string, flags: string[]): string {
  const src = join(dir, `${name}.c`);
  const out = join(dir, name);
  writeFileSync(src, source);
  // Libraries (-l) must follow the source on the command line.
  const [libs, rest] = [flags.filter((f) => f.startsWith('-l')), flags.filter((f) => !f.startsWith('-l'))];
  execFileSync(compiler, [...rest, src, ...libs, '-o', out], { stdio: 'pipe' });
  return out;
}

// --- byte patching and PRNG -------------------------------------------------

export type FieldSize = 1 | 2 | 4 | 8;

/** Writes a little-endian field in place. */
export function putLe(bytes: Uint8Array, offset: number, size: FieldSize, value: number | bigint): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (size === 8) view.setBigUint64(offset, BigInt(value), true);
  else if (size === 4) view.setUint32(offset, Number(value), true);
  else if (size === 2) view.setUint16(offset, Number(value), true);
  else view.setUint8(offset, Number(value));
}

/** mulberry32: small, fast, and the same sequence on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// --- a hand-made minimal ELF --------------------------------------------------

/** Layout of `buildMinimalElf`, for tests that assert on or patch it. */
export const MINIMAL = {
  base: 0x400000,
  phoff: 0x40,
  note: 0xe8,
  text: 0x100,
  textSize: 9,
  shstrtab: 0x110,
  strtab: 0x148,
  symtab: 0x150,
  shoff: 0x180,
  size: 0x300,
  buildId: '0102030405060708',
  /** exit(0): mov eax, 60; xor edi, edi; syscall */
  code: [0xb8, 0x3c, 0x00, 0x00, 0x00, 0x31, 0xff, 0x0f, 0x05],
} as const;

const SHSTR = '\0.text\0.note.gnu.build-id\0.symtab\0.strtab\0.shstrtab\0';
const STR = '\0_start\0';

/**
 * A static x86-64 executable that exits 0: three program headers (LOAD, NOTE,
 * GNU_STACK), six sections (.text, a build-id note, .symtab, .strtab,
 * .shstrtab). With `extendedNumbering` the counts and e_shstrndx live in
 * section header 0, as when there are more than 0xfeff sections.
 */
export function buildMinimalElf({ extendedNumbering = false } = {}): Uint8Array {
  const m = MINIMAL;
  const out = new Uint8Array(m.size);
  const put = (offset: number, size: FieldSize, value: number | bigint) => putLe(out, offset, size, value);
  const putString = (offset: number, s: string) => out.set(Array.from(s, (c) => c.charCodeAt(0)), offset);
  const nameIn = (table: string, name: string) => table.indexOf(`\0${name}\0`) + 1;

  out.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0);
  put(16, 2, 2); // ET_EXEC
  put(18, 2, 62); // EM_X86_64
  put(20, 4, 1);
  put(24, 8, m.base + m.text);
  put(32, 8, m.phoff);
  put(40, 8, m.shoff);
  put(52, 2, 64);
  put(54, 2, 56);
  put(56, 2, extendedNumbering ? 0xffff : 3);
  put(58, 2, 64);
  put(60, 2, extendedNumbering ? 0 : 6);
  put(62, 2, extendedNumbering ? 0xffff : 5);

  const phdr = (i: number, type: number, flags: number, offset: number, vaddr: number, size: number, align: number) => {
    const p = m.phoff + i * 56;
    put(p, 4, type);
    put(p + 4, 4, flags);
    put(p + 8, 8, offset);
    put(p + 16, 8, vaddr);
    put(p + 24, 8, vaddr);
    put(p + 32, 8, size);
    put(p + 40, 8, size);
    put(p + 48, 8, align);
  };
  phdr(0, 1, 5, 0, m.base, m.text + m.textSize, 0x1000);
  phdr(1, 4, 4, m.note, m.base + m.note, 24, 4);
  phdr(2, 0x6474e551, 6, 0, 0, 0, 16);

  put(m.note, 4, 4);
  put(m.note + 4, 4, 8);
  put(m.note + 8, 4, 3); // NT_GNU_BUILD_ID
  putString(m.note + 12, 'GNU\0');
  out.set([1, 2, 3, 4, 5, 6, 7, 8], m.note + 16);
  out.set(m.code, m.text);
  putString(m.shstrtab, SHSTR);
  putString(m.strtab, STR);

  const sym = m.symtab + 24;
  put(sym, 4, nameIn(STR, '_start'));
  put(sym + 4, 1, 0x12); // STB_GLOBAL, STT_FUNC
  put(sym + 6, 2, 1);
  put(sym + 8, 8, m.base + m.text);
  put(sym + 16, 8, m.textSize);

  const shdr = (i: number, name: string, type: number, flags: number, addr: number, offset: number, size: number,
    link: number, info: number, align: number, entsize: number) => {
    const s = m.shoff + i * 64;
    put(s, 4, name ? nameIn(SHSTR, name) : 0);
    put(s + 4, 4, type);
    put(s + 8, 8, flags);
    put(s + 16, 8, addr);
    put(s + 24, 8, offset);
    put(s + 32, 8, size);
    put(s + 40, 4, link);
    put(s + 44, 4, info);
    put(s + 48, 8, align);
    put(s + 56, 8, entsize);
  };
  if (extendedNumbering) shdr(0, '', 0, 0, 0, 0, 6, 5, 3, 0, 0);
  shdr(1, '.text', 1, 6, m.base + m.text, m.text, m.textSize, 0, 0, 16, 0);
  shdr(2, '.note.gnu.build-id', 7, 2, m.base + m.note, m.note, 24, 0, 0, 4, 0);
  shdr(3, '.symtab', 2, 0, 0, m.symtab, 48, 4, 1, 8, 24);
  shdr(4, '.strtab', 3, 0, 0, m.strtab, STR.length, 0, 0, 1, 0);
  shdr(5, '.shstrtab', 3, 0, 0, m.shstrtab, SHSTR.length, 0, 0, 1, 0);
  return out;
}

// --- readelf as the oracle ----------------------------------------------------

export interface ReadelfSymbol {
  name: string;
  version?: string;
  value: number;
  size: number;
  type: string;
  bind: string;
  ndx: string;
}

export interface ReadelfReport {
  type: string;
  entry: number;
  segments: { type: string; offset: number; vaddr: number; filesz: number; memsz: number; flags: number }[];
  interp?: string;
  sections: { name: string; type: string; addr: number; offset: number; size: number }[];
  /** By table name ('.symtab', '.dynsym'): the announced count and the entries. */
  symbolTables: Map<string, { count: number; symbols: ReadelfSymbol[] }>;
  /** Entries before DT_NULL; `value` only where readelf prints a bare hex number. */
  dynamic: { tagName: string; tag: number; value?: number }[];
  needed: string[];
  soname?: string;
  runpath?: string;
  notes: { owner: string; size: number }[];
  buildId?: string;
}

const num = (s: string): number => Number(s.startsWith('0x') ? s : `0x${s}`);

export function readelf(path: string): ReadelfReport {
  const text = execFileSync('readelf', ['-W', '-h', '-l', '-S', '-s', '--dyn-syms', '-d', '-n', path], {
    encoding: 'utf8',
    maxBuffer: 256 << 20,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const report: ReadelfReport = {
    type: '', entry: -1, segments: [], sections: [], symbolTables: new Map(), dynamic: [], needed: [], notes: [],
  };
  let mode = '';
  let symbols: ReadelfSymbol[] = [];
  for (const line of text.split('\n')) {
    let m: RegExpMatchArray | null;
    if (/^(ELF Header|Section Headers|Program Headers):/.test(line)) mode = line.split(':')[0];
    else if (/^Dynamic section at/.test(line)) mode = 'dynamic';
    else if (/^Displaying notes found in/.test(line)) mode = 'notes';
    else if (/^( Section to Segment mapping|Key to Flags)/.test(line)) mode = '';
    else if ((m = line.match(/^Symbol table '(.+)' contains (\d+) entries:/))) {
      mode = 'symbols';
      symbols = [];
      report.symbolTables.set(m[1], { count: Number(m[2]), symbols });
    } else if (mode === 'ELF Header' && (m = line.match(/^\s+Type:\s+(\S+)/))) report.type = m[1];
    else if (mode === 'ELF Header' && (m = line.match(/^\s+Entry point address:\s+(0x[0-9a-f]+)/))) {
      report.entry = num(m[1]);
    } else if (mode === 'Section Headers'
      && (m = line.match(/^\s+\[\s*\d+\]\s+(\S*)\s+(\S+)\s+([0-9a-f]{16})\s+([0-9a-f]+)\s+([0-9a-f]+)\s/))) {
      report.sections.push({ name: m[1], type: m[2], addr: num(m[3]), offset: num(m[4]), size: num(m[5]) });
    } else if (mode === 'Program Headers' && (m = line.match(/\[Requesting program interpreter: (.*)\]/))) {
      report.interp = m[1];
    } else if (mode === 'Program Headers'
      && (m = line.match(/^\s+(\S+)\s+(0x\S+)\s+(0x\S+)\s+0x\S+\s+(0x\S+)\s+(0x\S+)\s([RWE ]{3})\s0x\S+$/))) {
      const flags = (m[6].includes('R') ? 4 : 0) | (m[6].includes('W') ? 2 : 0) | (m[6].includes('E') ? 1 : 0);
      report.segments.push({
        type: m[1], offset: num(m[2]), vaddr: num(m[3]), filesz: num(m[4]), memsz: num(m[5]), flags,
      });
    } else if (mode === 'dynamic' && (m = line.match(/^\s+0x([0-9a-f]+)\s+\((\S+)\)\s+(.*)$/))) {
      if (m[2] === 'NULL') {
        mode = '';
        continue;
      }
      const value = /^0x[0-9a-f]+$/.test(m[3]) ? num(m[3]) : undefined;
      report.dynamic.push({ tag: num(m[1]), tagName: m[2], value });
      const named = m[3].match(/^(Shared library|Library soname|Library runpath): \[(.*)\]$/);
      if (named?.[1] === 'Shared library') report.needed.push(named[2]);
      if (named?.[1] === 'Library soname') report.soname = named[2];
      if (named?.[1] === 'Library runpath') report.runpath = named[2];
    } else if (mode === 'symbols'
      && (m = line.match(/^\s*\d+:\s+([0-9a-f]+)\s+(\d+|0x[0-9a-f]+)\s+(\S+)\s+(\S+)\s+\S+\s+(\S+) ?(.*)$/))) {
      symbols.push({
        name: m[6], value: num(m[1]), size: Number(m[2]), type: m[3], bind: m[4], ndx: m[5],
      });
    } else if (mode === 'notes' && (m = line.match(/^\s+(\S+)\s+0x([0-9a-f]+)\s/))) {
      report.notes.push({ owner: m[1], size: num(m[2]) });
      const id = line.match(/Build ID: ([0-9a-f]+)/);
      if (id) report.buildId = id[1];
    }
  }
  // Only .dynsym names carry readelf's "@VERSION (n)" / "@@VERSION" suffix;
  // .symtab may hold such text literally in its string table.
  for (const s of report.symbolTables.get('.dynsym')?.symbols ?? []) {
    const v = s.name.match(/^(.*?)@@?([^@ ]+)(?: \(\d+\))?$/);
    if (v) [s.name, s.version] = [v[1], v[2]];
  }
  return report;
}

const SECTION_TYPES: Record<string, number> = {
  NULL: 0, PROGBITS: 1, SYMTAB: 2, STRTAB: 3, RELA: 4, HASH: 5, DYNAMIC: 6, NOTE: 7, NOBITS: 8, REL: 9,
  DYNSYM: 11, INIT_ARRAY: 14, FINI_ARRAY: 15, PREINIT_ARRAY: 16, GROUP: 17, RELR: 19,
  GNU_HASH: 0x6ffffff6, VERDEF: 0x6ffffffd, VERNEED: 0x6ffffffe, VERSYM: 0x6fffffff, X86_64_UNWIND: 0x70000001,
};
const SYMBOL_TYPES: Record<string, string | number> = {
  NOTYPE: 'NOTYPE', OBJECT: 'OBJECT', FUNC: 'FUNC', SECTION: 'SECTION', FILE: 'FILE', COMMON: 5, TLS: 'TLS',
  IFUNC: 'GNU_IFUNC',
};
const SYMBOL_BINDS: Record<string, string> = { LOCAL: 'LOCAL', GLOBAL: 'GLOBAL', WEAK: 'WEAK', UNIQUE: 'GNU_UNIQUE' };
const SPECIAL_NDX: Record<string, number> = { UND: 0, ABS: 0xfff1, COM: 0xfff2 };

/** Asserts that `elf` says what readelf says about the same file. */
export function expectMatchesReadelf(elf: ElfFile, report: ReadelfReport): void {
  expect(elf.header.type).toBe(report.type);
  expect(elf.header.entry).toBe(report.entry);

  expect(elf.segments.map(({ typeName, offset, vaddr, filesz, memsz, flags }) => ({
    type: typeName, offset, vaddr, filesz, memsz, flags,
  }))).toEqual(report.segments);
  expect(elf.interp).toBe(report.interp);

  expect(elf.sections.map(({ name, type, addr, offset, size }) => ({ name, type, addr, offset, size })))
    .toEqual(report.sections.map((s) => ({ ...s, type: SECTION_TYPES[s.type] ?? `unknown readelf type ${s.type}` })));

  for (const [table, ours] of [['.symtab', elf.symbols], ['.dynsym', elf.dynamicSymbols]] as const) {
    const theirs = report.symbolTables.get(table) ?? { count: 0, symbols: [] };
    expect(ours.length, `${table} symbol count`).toBe(theirs.count);
    expect(ours.map((s) => ({
      // readelf shows an unnamed STT_SECTION symbol under its section's name.
      name: s.type === 'SECTION' && s.name === '' ? elf.sections[s.shndx]?.name : s.name,
      // readelf leaves off the version of a version's own marker symbol (GLIBC_2.3.3@@GLIBC_2.3.3).
      version: s.version === s.name ? undefined : s.version,
      value: s.value,
      size: s.size,
      type: s.type,
      bind: s.bind,
      shndx: s.shndx,
    })), table).toEqual(theirs.symbols.map((s) => ({
      name: s.name,
      version: s.version,
      value: s.value,
      size: s.size,
      type: SYMBOL_TYPES[s.type] ?? `unknown readelf type ${s.type}`,
      bind: SYMBOL_BINDS[s.bind] ?? `unknown readelf bind ${s.bind}`,
      shndx: SPECIAL_NDX[s.ndx] ?? Number(s.ndx),
    })));
  }

  expect(elf.dynamic.map(({ tag, tagName, value }, i) => ({
    tag, tagName, value: report.dynamic[i]?.value === undefined ? undefined : value,
  }))).toEqual(report.dynamic);
  expect(elf.needed).toEqual(report.needed);
  expect(elf.soname).toBe(report.soname);
  expect(elf.runpath).toBe(report.runpath);

  expect(elf.notes.map((n) => ({ owner: n.name, size: n.desc.length }))).toEqual(report.notes);
  expect(elf.buildId).toBe(report.buildId);
}
