// Sample builds under --tool=none and --tool=memcheck, run by the interpreter and by the
// wasm JIT: the same stdout, the same report, the same way of ending and the same final
// guest state (registers and, under memcheck, their shadows), compared, not assumed.
// (test/cli/run-samples.test.ts holds both backends to native execution and valgrind.)
// Two test files share this, so that the benchmark's long interpreted runs go in parallel
// with the rest.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BackendKind } from '../../src/engine/backend/backend.ts';
import { Machine } from '../../src/engine/core/machine.ts';
import { defaultToolCommandOptions } from '../../src/engine/core/tool-options.ts';
import type { TerminalHost } from '../../src/engine/kernel/vfs/index.ts';
import { NONE_TOOL } from '../../src/engine/tools/none.ts';
import { memcheckTool } from '../../src/engine/tools/memcheck/index.ts';
import { mountHostView } from '../../src/cli/host-fs.ts';

const root = join(import.meta.dirname, '../..');
const manifest = JSON.parse(readFileSync(join(root, 'public/samples/manifest.json'), 'utf8')) as {
  samples: { name: string; args: string[]; stdin: string | null; builds: { path: string }[] }[];
};
const meta = JSON.parse(readFileSync(join(root, 'samples/samples.json'), 'utf8')).samples as { name: string; test: { args?: string[] } }[];

interface Run { stdout: string; report: string; end: unknown; state: string; blocks: number; insns: number }

function runOn(backend: BackendKind, tool: 'none' | 'memcheck', exe: string, args: string[], stdin: string | null): Run {
  let stdout = '';
  let report = '';
  let input = new TextEncoder().encode(stdin ?? '');
  const decoder = new TextDecoder();
  const terminal: TerminalHost = {
    write: (stream, bytes) => { if (stream === 1) stdout += decoder.decode(bytes, { stream: true }); else report += decoder.decode(bytes); },
    read: (max) => { const chunk = input.subarray(0, max); input = input.subarray(chunk.length); return chunk; },
    isatty: () => false,
    windowSize: () => ({ rows: 24, cols: 80 }),
  };
  const m = new Machine({
    program: new Uint8Array(readFileSync(exe)), path: exe, args, env: ['PATH=/usr/bin:/bin', 'LANG=C'], seed: 1,
    log: (t) => { report += t; }, terminal, cwd: root, mountHost: (system) => mountHostView(system, root),
    tool: tool === 'memcheck' ? memcheckTool(defaultToolCommandOptions().memcheck) : NONE_TOOL, backend,
    // Every block that runs is queued for compiling, so that the JIT runs all it can; its
    // first run is in the interpreter as lifted and instrumented, not yet optimised (as
    // the CLI runs), the interpreter backend's on optimised IR.
    jit: { threshold: 1 }, optimiseWhenHot: true,
  });
  const end = m.run();
  if (end.kind !== 'running') m.finish(end);
  return {
    stdout, report, end, blocks: m.blocksRun, insns: m.insnsRun,
    state: Buffer.from(new Uint8Array(m.guestState.buffer, m.guestState.byteOffset, m.guestState.byteLength)).toString('hex'),
  };
}

/** A describe() comparing the backends on every build of the samples `which` accepts. */
export function compareSamples(title: string, which: (name: string) => boolean): void {
  describe(title, () => {
    for (const s of manifest.samples.filter((x) => which(x.name))) {
      const args = meta.find((x) => x.name === s.name)!.test.args ?? s.args;
      for (const b of s.builds) {
        for (const tool of ['none', 'memcheck'] as const) {
          it(`${b.path} --tool=${tool}`, () => {
            const exe = join(root, 'public/samples', b.path);
            const interp = runOn('interp', tool, exe, args, s.stdin);
            const wasm = runOn('wasm', tool, exe, args, s.stdin);
            expect(wasm.stdout).toBe(interp.stdout);
            expect(wasm.report).toBe(interp.report);
            expect(wasm.end).toEqual(interp.end);
            expect(wasm.state, 'final guest state').toBe(interp.state);
            expect([wasm.blocks, wasm.insns]).toEqual([interp.blocks, interp.insns]);
          }, 600_000);
        }
      }
    }
  });
}
