// The worker's session under memcheck: the same report as the CLI (errors, heap and leak
// summaries, ERROR SUMMARY), and the calls the playground's memcheck views use: the error
// records with their stacks taken apart, the heap's blocks, the A/V bits of memory and the
// shadow registers in the shared memory.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { OFFSET_GPR } from '../../src/engine/guest/amd64/state.ts';
import type { RunStatus, StartRequest } from '../../src/workers/protocol.ts';
import { EngineSession, parseFrame } from '../../src/workers/session.ts';

const SAMPLES = join(import.meta.dirname, '../../public/samples');
const SYSROOT_DIR = join(import.meta.dirname, '../../public/sysroot');
let sysroot: Uint8Array | undefined;
/** The bundled glibc, as the page unpacks it: memcheck's stories run the dynamic builds. */
function loadSysroot(): Uint8Array {
  const manifest = JSON.parse(readFileSync(join(SYSROOT_DIR, 'manifest.json'), 'utf8')) as { image: string };
  return (sysroot ??= gunzipSync(readFileSync(join(SYSROOT_DIR, manifest.image))));
}

function session(sample: string, over: Partial<StartRequest> = {}) {
  const statuses: RunStatus[] = [];
  let report = '';
  let stdout = '';
  const waiters: { kind: RunStatus['kind']; resolve: (s: RunStatus) => void }[] = [];
  const s = new EngineSession({
    program: readFileSync(join(SAMPLES, sample)), path: `/home/user/${sample.split('/')[1]}`, args: [], env: [], stdin: '',
    tool: 'memcheck', toolOptions: [], seed: 1, breakpoints: [], backend: 'wasm', ...(sample.endsWith('-dynamic') && { sysroot: loadSysroot() }), ...over,
  }, {
    output: (stream, text) => { if (stream === 'report') report += text; else if (stream === 'stdout') stdout += text; },
    status: (st) => {
      statuses.push(st);
      for (const w of waiters.splice(0)) if (w.kind === st.kind) w.resolve(st); else waiters.push(w);
    },
  });
  const until = (kind: RunStatus['kind']) => new Promise<RunStatus>((resolve) => {
    const seen = statuses.find((x) => x.kind === kind);
    if (seen) resolve(seen);
    else waiters.push({ kind, resolve });
  });
  return { s, until, report: () => report, stdout: () => stdout };
}

describe('engine session under memcheck', () => {
  it('prints the report the CLI prints and lists the error with its stacks', async () => {
    const r = session('use-after-free/use-after-free-dynamic');
    expect(await r.until('exited')).toEqual({ kind: 'exited', status: 0 });
    const report = r.report();
    expect(report).toMatch(/^==\d+== Memcheck, a memory error detector/);
    expect(report).toContain('Invalid read of size 4');
    expect(report).toContain('HEAP SUMMARY:');
    expect(report).toMatch(/ERROR SUMMARY: 1 errors from 1 contexts/);
    const [e, ...rest] = r.s.errors();
    expect(rest).toEqual([]);
    expect(e).toMatchObject({ kind: 'InvalidRead', what: 'Invalid read of size 4', count: 1 });
    expect(e!.frames[0]).toMatchObject({ fn: 'main', file: 'use-after-free.c', line: expect.any(Number) });
    expect(report).toContain(e!.frames[0]!.text);
    expect(e!.aux.map((a) => a.text)).toEqual([
      expect.stringMatching(/^Address 0x[0-9a-f]+ is 16 bytes inside a block of size 24 free'd$/), "Block was alloc'd at",
    ]);
    expect(e!.aux[0]!.frames[0]!.fn).toBe('free');
    expect(e!.aux[1]!.frames.map((f) => f.fn)).toEqual(expect.arrayContaining(['malloc', 'login', 'main']));
  });

  it('--error-exitcode replaces the exit status; a bad tool option fails the start', async () => {
    const r = session('use-after-free/use-after-free-dynamic', { toolOptions: ['--error-exitcode=3', '--leak-check=full'] });
    expect(await r.until('exited')).toEqual({ kind: 'exited', status: 3 });
    const bad = session('use-after-free/use-after-free-dynamic', { toolOptions: ['--leak-check=maybe'] });
    expect(await bad.until('failed')).toEqual({ kind: 'failed', message: 'Bad option: --leak-check=maybe' });
  });

  it('after the malloc in login: the fresh block is undefined, its redzones noaccess; the heap lists it', async () => {
    // login+0x18 is the first block after `call malloc` and the NULL check (logout is
    // inlined at -O1, so it cannot be a breakpoint).
    const r = session('use-after-free/use-after-free-dynamic', { breakpoints: ['login+0x18'] });
    await r.until('paused');
    const regs = () => new DataView(r.s.views.memory.buffer, r.s.views.stateAddr);
    const rax = Number(regs().getBigUint64(OFFSET_GPR(0), true));
    const sh = r.s.shadow(rax - 16, 16 + 24 + 8)!;
    expect([...sh.a]).toEqual([...Array(16).fill(0), ...Array(24).fill(1), ...Array(8).fill(0)]);
    expect([...sh.v.subarray(16, 40)]).toEqual(Array(24).fill(0xff));
    const blocks = r.s.heapBlocks();
    const mine = blocks.find((b) => b.addr === rax)!;
    expect(mine).toEqual({ addr: rax, state: 'live', size: 24 });
    expect(r.s.heapBlockStacks(rax)!.allocStack.map((f) => f.fn)).toEqual(expect.arrayContaining(['malloc', 'login', 'main']));
    // The shadow registers live in the shared memory: rax, malloc's result, is defined.
    const shadow = new DataView(r.s.views.memory.buffer, r.s.views.shadowStateAddr!);
    expect(shadow.getBigUint64(OFFSET_GPR(0), true)).toBe(0n);
    r.s.kdb('bc 0'); // login runs twice
    r.s.resume();
    await r.until('exited');
    const blocks2 = r.s.heapBlocks().filter((b) => b.state === 'freed' && b.size === 24);
    expect(blocks2).toHaveLength(2);
    expect(r.s.heapBlockStacks(blocks2[0]!.addr)!.freeStack!.map((f) => f.fn)).toContain('main');
    expect(r.s.heapBlockStacks(0x1000)).toBeUndefined();
    expect([...r.s.shadow(blocks2[0]!.addr, 24)!.a]).toEqual(Array(24).fill(0));
  });

  it('with tool none there is no shadow, no errors and no heap', async () => {
    const r = session('hello/hello-static', { tool: 'none' });
    await r.until('exited');
    expect(r.s.shadow(0x400000, 16)).toBeUndefined();
    expect(r.s.errors()).toEqual([]);
    expect(r.s.heapBlocks()).toEqual([]);
    expect(r.s.views.shadowStateAddr).toBeUndefined();
  });

  it('takes frames apart', () => {
    expect(parseFrame('   at 0x401D4B: main (use-after-free.c:50)')).toEqual({ addr: 0x401d4b, fn: 'main', file: 'use-after-free.c', line: 50, text: '0x401D4B: main (use-after-free.c:50)' });
    expect(parseFrame('   by 0x4849D4B: free (in /usr/libexec/valgrind/vgpreload_memcheck-amd64-linux.so)'))
      .toMatchObject({ fn: 'free', obj: '/usr/libexec/valgrind/vgpreload_memcheck-amd64-linux.so' });
    expect(parseFrame('   by 0x1: ???')).toMatchObject({ addr: 1, fn: '???' });
  });
});
