// The instruction oracle's native half: run short instruction sequences on the real CPU
// from a chosen register/flag/memory state and report the state afterwards. The engine's
// half runs the same bytes from the same state; the two must agree (issue: instruction oracle).
//
// Each case becomes an assembly routine that loads every GPR (but rsp), xmm0-15, rflags
// and a 256-byte scratch block at a fixed address, runs the snippet, and stores it all
// back through %rip-relative globals, so the snippet may use any register but %rsp.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where the scratch block lives, natively and in the engine. */
export const SCRATCH_ADDR = 0x10000000;
export const SCRATCH_SIZE = 256;
/** rflags bits a snippet may set from the initial state: CF PF AF ZF SF DF OF. */
export const SETTABLE_FLAGS = 0x0cd5n;

export interface CpuState {
  /** rax rcx rdx rbx rsp rbp rsi rdi r8..r15 (rsp is ignored on input). */
  gpr: bigint[];
  rflags: bigint;
  /** xmm0..15 as [low 64, high 64]. */
  xmm: [bigint, bigint][];
  scratch: Uint8Array;
}

export interface OracleCase {
  name: string;
  /** AT&T assembly, lines separated by newlines or `;`. */
  asm: string;
  init: CpuState;
}

export function zeroState(): CpuState {
  return {
    gpr: Array.from({ length: 16 }, () => 0n),
    rflags: 0n,
    xmm: Array.from({ length: 16 }, () => [0n, 0n] as [bigint, bigint]),
    scratch: new Uint8Array(SCRATCH_SIZE),
  };
}

const GPR_NAMES = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'];

function routine(i: number, asm: string): string {
  const load = GPR_NAMES.map((r, n) => (r === 'rsp' ? '' : `  mov in_gpr+${8 * n}(%rip),%${r}`)).filter(Boolean);
  const store = GPR_NAMES.map((r, n) => (r === 'rsp' ? '' : `  mov %${r},out_gpr+${8 * n}(%rip)`)).filter(Boolean);
  const xin = Array.from({ length: 16 }, (_, n) => `  movdqu in_xmm+${16 * n}(%rip),%xmm${n}`);
  const xout = Array.from({ length: 16 }, (_, n) => `  movdqu %xmm${n},out_xmm+${16 * n}(%rip)`);
  return [
    `.globl case_${i}`, `case_${i}:`,
    '  push %rbx', '  push %rbp', '  push %r12', '  push %r13', '  push %r14', '  push %r15',
    '  mov %rsp,saved_rsp(%rip)',
    ...xin,
    '  pushq in_rflags(%rip)', '  popfq',
    ...load,
    ...asm.split(/[\n;]/).map((l) => '  ' + l.trim()).filter((l) => l.trim()),
    '  pushfq', '  popq out_rflags(%rip)',
    ...store, ...xout,
    '  mov saved_rsp(%rip),%rsp',
    '  cld',
    '  pop %r15', '  pop %r14', '  pop %r13', '  pop %r12', '  pop %rbp', '  pop %rbx',
    '  ret',
  ].join('\n');
}

const DRIVER = `
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
uint64_t in_gpr[16], out_gpr[16], in_rflags, out_rflags, saved_rsp;
uint64_t in_xmm[32], out_xmm[32];
extern void (*const cases[])(void);
extern const int ncases;
int main(void) {
  unsigned char *scratch = mmap((void *)${SCRATCH_ADDR}, ${SCRATCH_SIZE}, PROT_READ | PROT_WRITE,
                                MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  if (scratch == MAP_FAILED) { perror("mmap"); return 2; }
  char line[4096];
  for (int i = 0; i < ncases; i++) {
    if (!fgets(line, sizeof line, stdin)) return 3;
    char *p = line;
    int used;
    for (int r = 0; r < 16; r++) { sscanf(p, "%lx%n", &in_gpr[r], &used); p += used; }
    sscanf(p, "%lx%n", &in_rflags, &used); p += used;
    for (int x = 0; x < 32; x++) { sscanf(p, "%lx%n", &in_xmm[x], &used); p += used; }
    for (int b = 0; b < ${SCRATCH_SIZE}; b++) { unsigned v; sscanf(p, "%2x%n", &v, &used); p += used; scratch[b] = v; }
    cases[i]();
    for (int r = 0; r < 16; r++) printf("%lx ", out_gpr[r]);
    printf("%lx", out_rflags);
    for (int x = 0; x < 32; x++) printf(" %lx", out_xmm[x]);
    printf(" ");
    for (int b = 0; b < ${SCRATCH_SIZE}; b++) printf("%02x", scratch[b]);
    printf("\\n");
  }
  return 0;
}
`;

function encodeState(s: CpuState): string {
  const h = (v: bigint) => BigInt.asUintN(64, v).toString(16);
  return [...s.gpr.map(h), h(s.rflags & SETTABLE_FLAGS | 0x202n), ...s.xmm.flatMap(([lo, hi]) => [h(lo), h(hi)]),
    Array.from(s.scratch, (b) => b.toString(16).padStart(2, '0')).join('')].join(' ');
}

function decodeState(line: string): CpuState {
  const f = line.trim().split(' ');
  const n = (i: number) => BigInt('0x' + f[i]);
  const bytes = f[49];
  return {
    gpr: Array.from({ length: 16 }, (_, i) => n(i)),
    rflags: n(16),
    xmm: Array.from({ length: 16 }, (_, i) => [n(17 + 2 * i), n(18 + 2 * i)] as [bigint, bigint]),
    scratch: Uint8Array.from({ length: SCRATCH_SIZE }, (_, i) => parseInt(bytes.slice(2 * i, 2 * i + 2), 16)),
  };
}

/** Run every case natively; returns the final states in order. */
export function runNative(cases: OracleCase[]): CpuState[] {
  const dir = mkdtempSync(join(tmpdir(), 'grindlab-oracle-'));
  try {
    const asm = ['.text', ...cases.map((c, i) => routine(i, c.asm)),
      '.section .data.rel.ro,"aw"', '.globl cases', 'cases:', ...cases.map((_, i) => `  .quad case_${i}`),
      '.globl ncases', 'ncases:', `  .long ${cases.length}`, '.section .note.GNU-stack,"",@progbits'].join('\n');
    writeFileSync(join(dir, 'cases.s'), asm + '\n');
    writeFileSync(join(dir, 'driver.c'), DRIVER);
    execFileSync('gcc', ['-O1', '-no-pie', join(dir, 'driver.c'), join(dir, 'cases.s'), '-o', join(dir, 'oracle')]);
    const input = cases.map((c) => encodeState(c.init)).join('\n') + '\n';
    const out = execFileSync(join(dir, 'oracle'), { input, encoding: 'utf8', maxBuffer: 1 << 28 });
    return out.trim().split('\n').map(decodeState);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The snippet's machine code alone, assembled at address 0 (for the engine's half). */
export function assembleSnippet(asm: string): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'grindlab-snippet-'));
  try {
    writeFileSync(join(dir, 's.s'), '.text\n' + asm.split(/[\n;]/).map((l) => l.trim()).join('\n') + '\n');
    execFileSync('as', ['--64', '-o', join(dir, 's.o'), join(dir, 's.s')]);
    execFileSync('objcopy', ['-O', 'binary', '--only-section=.text', join(dir, 's.o'), join(dir, 's.bin')]);
    return new Uint8Array(execFileSync('cat', [join(dir, 's.bin')]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const ARITH_FLAGS = 0x8d5n;

/** A state as named hex strings (rsp left out: the two worlds' stacks differ), so that a
 *  mismatch in a test shows which register, flag or scratch bytes differ. */
export function stateView(s: CpuState, scratchChunk = 16): Record<string, string> {
  const h = (v: bigint) => BigInt.asUintN(64, v).toString(16).padStart(16, '0');
  const o: Record<string, string> = {};
  GPR_NAMES.forEach((n, i) => { if (n !== 'rsp') o[n] = h(s.gpr[i]!); });
  o.flags = h(s.rflags & ARITH_FLAGS);
  s.xmm.forEach(([lo, hi], i) => { o[`xmm${i}`] = `${h(hi)}:${h(lo)}`; });
  for (let i = 0; i < SCRATCH_SIZE; i += scratchChunk) {
    o[`scratch+${i}`] = Array.from(s.scratch.slice(i, i + scratchChunk), (b) => b.toString(16).padStart(2, '0')).join('');
  }
  return o;
}
