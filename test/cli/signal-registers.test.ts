// The registers a SIGSEGV handler sees are the CPU's: every guest register is exact where
// an access may fault (PRECISE_AT_MEMORY_ACCESS), in a block's first runs (interpreted,
// and in the CLI unoptimised) and once it is compiled (optimised). The program sets rbx and
// rcx, faults, and overwrites both later in the same block, which is what lets an optimiser
// drop the first writes (valgrind's default, unwindregs-at-mem-access, does: its handler sees
// the old values). Checked against native execution, on both backends, 300 faults in a row
// so that the block is compiled part way through.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BACKEND_KINDS } from '../../src/engine/backend/backend.ts';
import { bin, run } from '../support/oracles.ts';

const dir = mkdtempSync(join(tmpdir(), 'grindlab-sigregs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SOURCE = String.raw`#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <ucontext.h>

static sigjmp_buf env;
static volatile long seen_rbx, seen_rcx;

static void handler(int sig, siginfo_t *si, void *ctx) {
  ucontext_t *uc = ctx;
  seen_rbx = uc->uc_mcontext.gregs[REG_RBX];
  seen_rcx = uc->uc_mcontext.gregs[REG_RCX];
  siglongjmp(env, 1);
}

int main(void) {
  struct sigaction sa = {0};
  sa.sa_sigaction = handler;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGSEGV, &sa, 0);
  long *volatile bad = 0;
  int wrong = 0;
  for (volatile long i = 0; i < 300; i++) {
    if (sigsetjmp(env, 1) == 0) {
      __asm__ volatile(
        "mov %0, %%rbx\n\t"
        "lea 1(%0), %%rcx\n\t"
        "mov (%1), %%rax\n\t"
        "xor %%ebx, %%ebx\n\t"
        "xor %%ecx, %%ecx\n\t"
        :: "r"((long)i), "r"(bad) : "rax", "rbx", "rcx", "memory");
    }
    if (seen_rbx != i || seen_rcx != i + 1) wrong++;
    if (i < 2 || i == 299) printf("fault %ld: rbx %ld rcx %ld\n", (long)i, seen_rbx, seen_rcx);
  }
  printf("%d faults showed other registers\n", wrong);
  return 0;
}
`;

describe('registers at a fault', () => {
  it('a SIGSEGV handler sees what the CPU shows it, before and after the block is compiled', () => {
    const src = join(dir, 'sigregs.c');
    const exe = join(dir, 'sigregs');
    writeFileSync(src, SOURCE);
    execFileSync('gcc', ['-O1', '-o', exe, src]);
    const native = run(exe, [], null);
    expect(native.stdout).toContain('0 faults showed other registers');
    for (const backend of BACKEND_KINDS) {
      const ours = run(process.execPath, [bin, '--tool=none', '-q', `--backend=${backend}`, exe], null);
      expect(ours.stdout, `--backend=${backend}`).toBe(native.stdout);
      expect(ours.status).toBe(native.status);
    }
  }, 120_000);
});
