// The fidelity contract on the static samples and on programs compiled here: under
// `grindlab --tool=none` a program prints what it prints natively (or, where Valgrind's
// own model differs from the CPU — x87 long double — what it prints under valgrind),
// exits with the same status, and the report on stderr is valgrind's once PIDs,
// addresses and the banner are normalised away. Every block's IR is verified (--check-ir).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const bin = join(root, 'bin/grindlab.js');
const manifest = JSON.parse(readFileSync(join(root, 'public/samples/manifest.json'), 'utf8')) as {
  samples: { name: string; args: string[]; stdin: string | null; builds: { kind: string; path: string }[] }[];
};
interface LineRule { pattern: string; replace?: string }
const meta = JSON.parse(readFileSync(join(root, 'samples/samples.json'), 'utf8')).samples as
  { name: string; test: { args?: string[]; normalize?: LineRule[] } }[];

/** The same small environment for every run, so envp-printing samples agree. */
const ENV = { PATH: '/usr/bin:/bin', HOME: '/root', LANG: 'C' };

interface Outcome { stdout: string; stderr: string; status: number }

function run(cmd: string, args: string[], stdin: string | null): Outcome {
  const r = spawnSync(cmd, args, { input: stdin ?? '', env: ENV, encoding: 'utf8', maxBuffer: 1 << 26, timeout: 120_000 });
  const status = r.status ?? 128 + (r.signal ? ({ SIGSEGV: 11, SIGILL: 4, SIGFPE: 8, SIGABRT: 6, SIGTRAP: 5 } as Record<string, number>)[r.signal]! : 0);
  return { stdout: r.stdout, stderr: r.stderr, status };
}

/** Valgrind's report without what differs by design: PIDs, the banner, addresses. */
function normaliseReport(stderr: string): string[] {
  return stderr.split('\n')
    .filter((l) => l.startsWith('=='))
    .map((l) => l.replace(/^==\d+== ?/, ''))
    .filter((_, i) => i >= 4) // tool, copyright, version, command
    .map((l) => l.replace(/0x[0-9A-Fa-f]+/g, '0x…'));
}

/** Lines the engine decides: AT_RANDOM's bytes come from the run's seed, and AT_HWCAP
 *  (which musl passes through) describes the virtual CPU of the CPUID model. */
const ENGINE_LINES = /^AT_(RANDOM|HWCAP) /;

function compareWithOracles(label: string, exe: string, args: string[], stdin: string | null, normalize: LineRule[] = []): void {
  const norm = (s: string) => normalize.reduce((acc, r) => acc.replace(new RegExp(r.pattern, 'g'), r.replace ?? ''), s);
  const native = run(exe, args, stdin);
  const vg = run('valgrind', ['--tool=none', exe, ...args], stdin);
  const ours = run(process.execPath, [bin, '--tool=none', '--check-ir', exe, ...args], stdin);
  expect(ours.status, `${label}: exit status (stderr: ${ours.stderr.slice(-800)})`).toBe(native.status);
  expect(vg.status).toBe(native.status);
  const [n, v, o] = [native, vg, ours].map((r) => norm(r.stdout).split('\n'));
  const bad: string[] = [];
  o!.forEach((line, i) => {
    if (line !== n![i] && line !== v![i] && !ENGINE_LINES.test(line)) bad.push(`line ${i + 1}: ours '${line}' native '${n![i]}' valgrind '${v![i]}'`);
  });
  expect(bad, `${label}: stdout`).toEqual([]);
  expect(o!.length, `${label}: stdout lines`).toBe(n!.length);
  expect(normaliseReport(ours.stderr), `${label}: report`).toEqual(normaliseReport(vg.stderr));
}

describe('static samples under grindlab --tool=none', () => {
  for (const s of manifest.samples) {
    const m = meta.find((x) => x.name === s.name)!;
    const args = m.test.args ?? s.args;
    for (const b of s.builds.filter((x) => x.kind !== 'dynamic')) {
      it(b.path, () => compareWithOracles(b.path, join(root, 'public/samples', b.path), args, s.stdin, m.test.normalize));
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
    const ours = run(process.execPath, [bin, '-q', '--sandbox', exe], null);
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
