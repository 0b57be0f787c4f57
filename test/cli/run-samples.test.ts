// Samples (static, musl and dynamic builds) and programs compiled here, under
// `grindlab --tool=none`, against native execution and native valgrind (oracles.ts).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BACKEND_KINDS } from '../../src/engine/backend/backend.ts';
import { bin, compareWithOracles, normaliseReport, run } from '../support/oracles.ts';

const root = join(import.meta.dirname, '../..');
const manifest = JSON.parse(readFileSync(join(root, 'public/samples/manifest.json'), 'utf8')) as {
  samples: { name: string; args: string[]; stdin: string | null; builds: { kind: string; path: string }[] }[];
};
const meta = JSON.parse(readFileSync(join(root, 'samples/samples.json'), 'utf8')).samples as
  { name: string; test: { args?: string[]; normalize?: { pattern: string; replace?: string }[]; teachingDevice?: { stdout: string }; valgrindRunsStaleCode?: string } }[];

describe('samples (static, musl and dynamic) under grindlab --tool=none, with each backend', () => {
  for (const s of manifest.samples) {
    const m = meta.find((x) => x.name === s.name)!;
    const args = m.test.args ?? s.args;
    for (const b of s.builds) {
      const exe = join(root, 'public/samples', b.path);
      // A teaching device exists only in the engine: its transcript is the oracle, and valgrind's report (none) the report's.
      const device = m.test.teachingDevice;
      if (device) {
        it(b.path, () => {
          for (const backend of BACKEND_KINDS) {
            const ours = run(process.execPath, [bin, '--tool=none', '--check-ir', `--backend=${backend}`, exe, ...args], s.stdin);
            expect(ours.stdout, backend).toBe(device.stdout);
            expect(ours.status, backend).toBe(0);
            expect(normaliseReport(ours.stderr), backend).toEqual(normaliseReport(run('valgrind', ['--tool=none', '/bin/true'], null).stderr));
          }
        });
      } else {
        it(b.path, () => compareWithOracles(b.path, exe, args, s.stdin, { normalize: m.test.normalize, valgrindRunsStaleCode: m.test.valgrindRunsStaleCode }));
      }
    }
  }
});

describe('programs compiled -static now, under grindlab --tool=none', () => {
  const dir = mkdtempSync(join(tmpdir(), 'grindlab-run-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const programs: Record<string, string> = {
    strings: `#include <stdio.h>
#include <string.h>
#include <stdlib.h>
int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }
int main(int argc, char **argv) {
  char buf[256]; const char *w[] = { "pear", "apple", "fig", "banana", "cherry" };
  qsort(w, 5, sizeof w[0], cmp);
  for (int i = 0; i < 5; i++) { strcat(strcpy(buf, w[i]), "!"); printf("%zu %s %d\\n", strlen(buf), buf, atoi("42") + i); }
  char *d = strdup("hello"); memmove(d + 1, d, 4); puts(d); free(d);
  printf("%s %ld %.3f\\n", strchr("abc:def", ':'), strtol("-123", 0, 10), strtod("2.5e3", 0));
  return argc - 1;
}`,
    handlers: `#include <signal.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
static sigjmp_buf env;
static void on_segv(int sig, siginfo_t *si, void *uc) { (void)uc; printf("caught %d at %p\\n", sig, si->si_addr); siglongjmp(env, 1); }
static void on_fpe(int sig) { printf("caught SIGFPE %d\\n", sig); siglongjmp(env, 2); }
int main(void) {
  struct sigaction sa; memset(&sa, 0, sizeof sa); sa.sa_sigaction = on_segv; sa.sa_flags = SA_SIGINFO;
  sigaction(SIGSEGV, &sa, 0); signal(SIGFPE, on_fpe);
  if (!sigsetjmp(env, 1)) *(volatile int *)0x1234 = 1;
  volatile int zero = 0;
  if (!sigsetjmp(env, 1)) printf("%d\\n", 7 / zero);
  puts("survived");
  return 3;
}`,
    abort: `#include <stdio.h>
#include <stdlib.h>
int main(void) { puts("about to abort"); fflush(stdout); abort(); }`,
    ud2: `#include <stdio.h>
int main(void) { puts("executing ud2"); fflush(stdout); __asm__ volatile("ud2"); return 0; }`,
    divide: `#include <stdio.h>
int main(int argc, char **argv) { (void)argv; printf("dividing\\n"); fflush(stdout); return 10 / (argc - 1); }`,
  };
  for (const [name, src] of Object.entries(programs)) {
    it(name, () => {
      const c = join(dir, `${name}.c`);
      const exe = join(dir, name);
      writeFileSync(c, src);
      execFileSync('gcc', ['-static', '-O1', '-o', exe, c]);
      compareWithOracles(name, exe, [], null);
    });
  }
  it('a static PIE', () => {
    const c = join(dir, 'pie.c');
    writeFileSync(c, programs.strings!);
    execFileSync('gcc', ['-static-pie', '-O2', '-o', join(dir, 'pie'), c]);
    compareWithOracles('static-pie', join(dir, 'pie'), ['x'], null);
  });
});

describe('--sandbox', () => {
  it('runs the file I/O sample against the in-memory filesystem only', () => {
    const exe = join(root, 'public/samples/fileio/fileio-static');
    const native = run(exe, [], null);
    const ours = run(process.execPath, [bin, '--tool=none', '-q', '--sandbox', exe], null);
    const pidFree = (s: string) => s.replace(/grindlab-fileio-\d+/g, 'grindlab-fileio-PID');
    expect(ours.status).toBe(0);
    expect(pidFree(ours.stdout)).toBe(pidFree(native.stdout));
    expect(ours.stderr).toBe('');
  });
});

describe('an instruction the lifter does not handle', () => {
  it('gets VEX\'s report and SIGILL, as under valgrind', () => {
    const dir = mkdtempSync(join(tmpdir(), 'grindlab-unhandled-'));
    try {
      // An AVX-512 add: valgrind 3.19 does not translate EVEX, and neither do we.
      writeFileSync(join(dir, 'evex.s'), '.globl _start\n_start:\n .byte 0x62,0xf1,0x7c,0x48,0x58,0xc1\n');
      execFileSync('gcc', ['-nostdlib', '-static', '-o', join(dir, 'evex'), join(dir, 'evex.s')]);
      const vg = run('valgrind', ['--tool=none', join(dir, 'evex')], null);
      const ours = run(process.execPath, [bin, '--tool=none', join(dir, 'evex')], null);
      expect(ours.status).toBe(vg.status);
      expect(ours.status).toBe(128 + 4);
      const vexLines = (s: string) => s.split('\n').filter((l) => l.startsWith('vex amd64->IR'));
      expect(vexLines(ours.stderr)).toEqual(vexLines(vg.stderr));
      expect(vexLines(ours.stderr)).toHaveLength(4);
      expect(normaliseReport(ours.stderr)).toEqual(normaliseReport(vg.stderr));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
