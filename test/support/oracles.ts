// The fidelity oracles for a program run: native execution and native valgrind. Under
// `grindlab --tool=none` a program must print what it prints natively (or, where
// Valgrind's own model differs from the CPU — x87 long double — what it prints under
// valgrind), exit the same way, and write valgrind's report once PIDs, the banner and
// addresses are normalised away. Every block's IR is verified (--check-ir).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'vitest';
import { BACKEND_KINDS } from '../../src/engine/backend/backend.ts';

export const bin = join(import.meta.dirname, '../../bin/grindlab.js');

export interface LineRule { pattern: string; replace?: string }

/** The same small environment for every run, so envp-printing samples agree. */
const ENV = { PATH: '/usr/bin:/bin', HOME: '/root', LANG: 'C' };

export interface Outcome { stdout: string; stderr: string; status: number }

export function run(cmd: string, args: string[], stdin: string | null): Outcome {
  const r = spawnSync(cmd, args, { input: stdin ?? '', env: ENV, encoding: 'utf8', maxBuffer: 1 << 26, timeout: 120_000 });
  const status = r.status ?? 128 + (r.signal ? ({ SIGSEGV: 11, SIGILL: 4, SIGFPE: 8, SIGABRT: 6, SIGTRAP: 5 } as Record<string, number>)[r.signal]! : 0);
  return { stdout: r.stdout, stderr: r.stderr, status };
}

/** Valgrind's report without what differs by design: PIDs, the banner, addresses. The
 *  client's own lines (VALGRIND_PRINTF's `**PID**`) are kept, marked `** `. */
export function normaliseReport(stderr: string): string[] {
  return stderr.split('\n')
    .filter((l) => l.startsWith('==') || /^\*\*\d+\*\*/.test(l))
    .map((l) => l.replace(/^==\d+== ?/, '').replace(/^\*\*\d+\*\* ?/, '** '))
    .filter((_, i) => i >= 4) // tool, copyright, version, command
    .map((l) => l.replace(/0x[0-9A-Fa-f]+/g, '0x…'));
}

/** Lines the engine decides: AT_RANDOM's bytes come from the run's seed, AT_HWCAP
 *  (which musl passes through) describes the virtual CPU of the CPUID model, and a PIE's
 *  AT_PHDR/AT_ENTRY are where it is loaded: randomised natively, 0x108000 as under Valgrind
 *  (whose own lines here are shifted by the variables it adds to the environment). */
const ENGINE_LINES = /^AT_(RANDOM|HWCAP|PHDR|ENTRY) /;

export interface OracleOptions {
  normalize?: LineRule[];
  /** Valgrind's stdout and status are not an oracle for this program (the reason): it
   *  runs stale code after the program rewrites file-backed code (--smc-check). */
  valgrindRunsStaleCode?: string;
}

export function compareWithOracles(label: string, exe: string, args: string[], stdin: string | null, o: OracleOptions = {}): void {
  const norm = (s: string) => (o.normalize ?? []).reduce((acc, r) => acc.replace(new RegExp(r.pattern, 'g'), r.replace ?? ''), s);
  const native = run(exe, args, stdin);
  const vg = run('valgrind', ['--tool=none', exe, ...args], stdin);
  if (!o.valgrindRunsStaleCode) expect(vg.status).toBe(native.status);
  // Both backends, each against the oracles (and so against each other).
  for (const backend of BACKEND_KINDS) {
    const ours = run(process.execPath, [bin, '--tool=none', '--check-ir', `--backend=${backend}`, exe, ...args], stdin);
    const what = `${label} (--backend=${backend})`;
    expect(ours.status, `${what}: exit status (stderr: ${ours.stderr.slice(-800)})`).toBe(native.status);
    const [n, v, out] = [native, vg, ours].map((r) => norm(r.stdout).split('\n'));
    const bad: string[] = [];
    out!.forEach((line, i) => {
      const valgrindSays = !o.valgrindRunsStaleCode && line === v![i];
      if (line !== n![i] && !valgrindSays && !ENGINE_LINES.test(line)) bad.push(`line ${i + 1}: ours '${line}' native '${n![i]}' valgrind '${v![i]}'`);
    });
    expect(bad, `${what}: stdout`).toEqual([]);
    expect(out!.length, `${what}: stdout lines`).toBe(n!.length);
    expect(normaliseReport(ours.stderr), `${what}: report`).toEqual(normaliseReport(vg.stderr));
  }
}


/**
 * One program under native `valgrind --tool=memcheck` and grindlab's, same options and
 * stdin. grindlab runs it with each backend; the interpreter's run must say exactly what
 * the JIT's does (report, stdout, status), and `ours` is the JIT's.
 */
export function runMemcheck(exe: string, options: string[], stdin: string | null = null): { vg: Outcome; ours: Outcome } {
  const [interp, wasm] = BACKEND_KINDS.map((b) => run(process.execPath, [bin, '--tool=memcheck', `--backend=${b}`, ...options, exe], stdin));
  expect(wasm, `${exe} ${options.join(' ')}: --backend=wasm against --backend=interp`).toEqual(interp);
  return { vg: run('valgrind', ['--tool=memcheck', ...options, exe], stdin), ours: wasm! };
}

/** Memcheck's fidelity: the same report (normalised), stdout and exit status as native
 *  `valgrind --tool=memcheck` with the same options, under both backends. */
export function compareMemcheck(label: string, exe: string, options: string[], stdin: string | null = null): void {
  const { vg, ours } = runMemcheck(exe, options, stdin);
  expect(normaliseReport(ours.stderr), `${label}: report`).toEqual(normaliseReport(vg.stderr));
  expect(ours.stdout, `${label}: stdout`).toBe(vg.stdout);
  expect(ours.status, `${label}: exit status`).toBe(vg.status);
}

/** A normalised report cut into its errors: each from its headline to the blank line
 *  that ends it (the lines before the first error and after the last are left out). */
export function reportErrors(report: string[]): string[][] {
  const errors: string[][] = [];
  let current: string[] | undefined;
  for (const l of report) {
    if (current) {
      if (l === '') { errors.push(current); current = undefined; } else current.push(l);
    } else if (/^(Invalid|Conditional|Use of|Syscall param|Mismatched|Source and|Argument|Uninitialised|Unaddressable|Process terminating)/.test(l)) {
      current = [l];
    }
  }
  return errors;
}
