// The translation cache: bounded (the oldest translations go when slots run out), indexed
// by page (the page table's has-code bits follow it), and dropping exactly what a code
// change overlaps; then, end to end under both backends, code replaced by munmap and a
// new mapping, code rewritten by memcheck's memcpy and memset replacements, and
// VALGRIND_DISCARD_TRANSLATIONS over a range inside a hot function.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BACKEND_KINDS } from '../../src/engine/backend/backend.ts';
import { type Translation, TranslationCache } from '../../src/engine/backend/cache.ts';
import { RunCounters } from '../../src/engine/backend/run-area.ts';
import { Machine } from '../../src/engine/core/machine.ts';
import { IRSBBuilder, constant } from '../../src/engine/ir/index.ts';
import { AddressSpace, PERM_RWX } from '../../src/engine/memory/index.ts';
import { PAGE_TABLE } from '../../src/engine/memory/reserved.ts';
import { compareMemcheck, compareWithOracles, runMemcheck } from '../support/oracles.ts';

function fakeTranslation(addr: number, len: number, slot: number): Translation {
  const sb = new IRSBBuilder({ offsIP: 184 }).finish(constant('I64', addr + len), 'Boring');
  return { addr, lifted: { sb, instrs: [{ addr, len }] }, sb, insns: new Int32Array(1), slot };
}

describe('the translation cache', () => {
  const as = new AddressSpace();
  const pageBits = (addr: number) => as.memory.readU8(PAGE_TABLE + (addr >>> 12));
  as.mmap({ addr: 0x40_0000, length: 0x10_0000, perm: PERM_RWX, fixed: 'replace' });

  it('evicts the oldest eighth when its slots run out, and recycles their slots', () => {
    const dropped: number[] = [];
    const cache = new TranslationCache(new RunCounters(as.memory.wasmMemory.buffer), as, (t) => dropped.push(t.addr), 16);
    const made = Array.from({ length: 20 }, (_, i) => {
      const t = fakeTranslation(0x40_0000 + 0x100 * i, 4, cache.takeSlot());
      cache.add(t);
      return t;
    });
    expect(dropped).toEqual([0x40_0000, 0x40_0100, 0x40_0200, 0x40_0300]);
    expect(cache.size).toBe(16);
    expect(new Set(made.slice(4).map((t) => t.slot)).size).toBe(16);
    expect(made.every((t) => t.slot >= 1 && t.slot <= 16)).toBe(true);
  });

  it('marks the pages holding code, and drops exactly the translations a range overlaps', () => {
    const dropped: number[] = [];
    const cache = new TranslationCache(new RunCounters(as.memory.wasmMemory.buffer), as, (t) => dropped.push(t.addr));
    // One translation straddles a page boundary.
    for (const [addr, len] of [[0x41_0ff8, 12], [0x41_1100, 4], [0x41_3000, 4]] as const) cache.add(fakeTranslation(addr, len, cache.takeSlot()));
    expect([0x41_0000, 0x41_1000, 0x41_2000, 0x41_3000].map((p) => (pageBits(p) & 32) !== 0)).toEqual([true, true, false, true]);
    cache.dropRange(0x41_1004, 0x41_1100); // touches nothing: ends right before 0x411100
    expect(dropped).toEqual([]);
    cache.dropRange(0x41_1003, 0x41_1004); // the last byte of the straddling one
    expect(dropped).toEqual([0x41_0ff8]);
    expect((pageBits(0x41_0000) & 32) !== 0).toBe(false);
    expect((pageBits(0x41_1000) & 32) !== 0).toBe(true);
    cache.dropPages(0x41_1000, 0x41_4000);
    expect(dropped).toEqual([0x41_0ff8, 0x41_1100, 0x41_3000]);
    expect([0x41_1000, 0x41_3000].map((p) => pageBits(p) & 32)).toEqual([0, 0]);
  });
});

describe('code changes reach compiled code', () => {
  const dir = mkdtempSync(join(tmpdir(), 'grindlab-inval-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const build = (name: string, src: string) => {
    writeFileSync(join(dir, `${name}.c`), src);
    execFileSync('gcc', ['-static', '-O1', '-o', join(dir, name), join(dir, `${name}.c`)]);
    return join(dir, name);
  };

  it('new code mapped where old code was unmapped runs, natively and under both backends', () => {
    const exe = build('remap', `#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#define AT ((void *)0x30000000)
int main(void) {
  long total = 0;
  for (int round = 1; round <= 3; round++) {
    unsigned char *p = mmap(AT, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    unsigned char code[] = { 0xb8, (unsigned char)(round * 7), 0, 0, 0, 0xc3 }; /* mov $round*7,%eax; ret */
    memcpy(p, code, sizeof code);
    long sum = 0;
    for (int i = 0; i < 300; i++) sum += ((int (*)(void))p)();
    printf("round %d: %ld\\n", round, sum);
    total += sum;
    munmap(p, 4096);
  }
  return total == 300 * 7 * 6 ? 0 : 1;
}
`);
    compareWithOracles('remap', exe, [], null);
  });

  it("memcheck's memcpy and memset, which write for the guest, drop the translations they overwrite", () => {
    // Dynamic, so that memcheck's replacements run instead of libc's functions: the
    // JavaScript ones, and memcpy's wasm fast path once its block is compiled.
    const src = join(dir, 'replaced.c');
    writeFileSync(src, `#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
int main(void) {
  unsigned char *p = mmap(0, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  int (*f)(void) = (int (*)(void))p;
  volatile size_t six = 6, one = 1; /* calls, not inlined stores */
  long sum = 0;
  for (int round = 1; round <= 40; round++) {
    unsigned char code[] = { 0xb8, (unsigned char)round, 0, 0, 0, 0xc3 }; /* mov $round,%eax; ret */
    memcpy(p, code, six);
    for (int i = 0; i < 20; i++) sum += f();
    memset(p + 1, round + 100, one);
    sum += f();
  }
  printf("%ld\\n", sum);
  return 0;
}
`);
    const exe = join(dir, 'replaced');
    execFileSync('gcc', ['-O1', '-o', exe, src]);
    compareMemcheck('replaced', exe, ['-q']);
    expect(runMemcheck(exe, ['-q']).ours.stdout).toBe(execFileSync(exe, { encoding: 'utf8' }));
  });

  it('VALGRIND_DISCARD_TRANSLATIONS over one byte inside a hot function drops its translation', () => {
    const exe = build('discard', `#include <stdio.h>
#include <valgrind/valgrind.h>
__attribute__((noinline)) int f(int x) { return x * 3 + 1; }
int main(void) {
  long s = 0;
  for (int i = 0; i < 1000; i++) s += f(i);
  VALGRIND_DISCARD_TRANSLATIONS((char *)f + 1, 1);
  for (int i = 0; i < 700; i++) s += f(i);
  printf("%ld\\n", s);
  return 0;
}
`);
    const f = Number.parseInt(execFileSync('nm', [exe], { encoding: 'utf8' }).split('\n').find((l) => l.endsWith(' T f'))!.split(' ')[0]!, 16);
    for (const backend of BACKEND_KINDS) {
      let out = '';
      const m = new Machine({
        program: new Uint8Array(readFileSync(exe)), path: exe, args: [], env: [], seed: 1, log: () => {}, backend,
        terminal: { write: (_s, b) => { out += new TextDecoder().decode(b); }, read: () => new Uint8Array(0), isatty: () => false, windowSize: () => ({ rows: 24, cols: 80 }) },
      });
      expect(m.run(), backend).toEqual({ kind: 'exited', status: 0 });
      expect(out).toBe(`${1000 * 999 / 2 * 3 + 1000 + 700 * 699 / 2 * 3 + 700}\n`);
      // The translations holding f's code now (blocks go on into f at its call) are those
      // made after the discard: they have run 700 times; the first loop's went with it.
      const holding = [...m.translated()].filter((x) => x.lifted.instrs.some((i) => i.addr === f));
      expect(holding.length, backend).toBeGreaterThan(0);
      expect(holding.reduce((n, x) => n + m.runsOf(x), 0), backend).toBe(700);
    }
  });
});
