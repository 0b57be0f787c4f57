// Memcheck's replacements of memcmp, memmove/memcpy and strlen with their wasm fast paths
// (string-wasm.ts) against the JavaScript replacements alone (string-replacements.ts,
// whose reports the valgrind comparisons in test/cli/memcheck.test.ts check): random
// calls over memory holding every kind of shadow state (unaddressable, defined,
// undefined and partially defined bytes; distinguished and real chunks), at aligned and
// unaligned addresses, of short and chunk-crossing lengths, overlapping or not, run by
// the interpreter (the JavaScript) on one copy and compiled (the fast path, and the
// JavaScript where it gives up) on another. The result, the guest and shadow registers,
// memory, shadow memory and the errors reported must be the same.
import { describe, expect, it } from 'vitest';
import type { Translation } from '../../../src/engine/backend/cache.ts';
import { HelperSet } from '../../../src/engine/backend/helpers.ts';
import { InterpBackend } from '../../../src/engine/backend/interp/index.ts';
import { RunCounters } from '../../../src/engine/backend/run-area.ts';
import { WasmBackend } from '../../../src/engine/backend/wasm/index.ts';
import { CheckedMemory } from '../../../src/engine/core/memory-port.ts';
import { Redirector } from '../../../src/engine/core/redirect.ts';
import type { ElfFile } from '../../../src/engine/elf/index.ts';
import { OFFSET_GPR, OFFSET_RIP, OFFSET_RSP } from '../../../src/engine/guest/amd64/state.ts';
import { AddressSpace, PERM_RW } from '../../../src/engine/memory/index.ts';
import { THREAD_STATES } from '../../../src/engine/memory/reserved.ts';
import type { MemcheckContext } from '../../../src/engine/tools/memcheck/context.ts';
import type { ShadowMemory } from '../../../src/engine/tools/memcheck/shadow-memory.ts';
import { MEMCHECK_STATE_SIZE, SHADOW_STATE_OFFSET } from '../../../src/engine/tools/memcheck/shadow-state.ts';
import { stringReplacements } from '../../../src/engine/tools/memcheck/string-replacements.ts';
import { Random } from '../../backend/random.ts';
import { shadowMemory } from './shadow-support.ts';

/** Two chunks of test memory, the first left uniform part of the time; then the stack. */
const BASE = 0x2000_0000;
const SPAN = 0x2_0000;
const STACK = BASE + SPAN;
const LIBC = 0x4000_0000;
const FUNCTIONS = ['memcmp', 'bcmp', 'memmove', 'memcpy', 'strlen'];
const [RDI, RSI, RDX] = [7, 6, 2].map(OFFSET_GPR);

function prepare(as: AddressSpace, shadow: ShadowMemory, seed: number): void {
  const rng = new Random(seed);
  // Few distinct byte values, so that compares run on, and NULs now and then.
  const bytes = new Uint8Array(SPAN);
  for (let i = 0; i < SPAN; i++) bytes[i] = rng.int(8) === 0 ? 0 : 0x61 + rng.int(2);
  as.memory.writeBytes(BASE, bytes);
  [() => shadow.makeDefined(BASE, 0x1_0000), () => shadow.makeUndefined(BASE, 0x1_0000), () => shadow.makeNoAccess(BASE, 0x1_0000)][rng.int(3)]!();
  shadow.makeDefined(BASE + 0x1_0000, 0x1_0000);
  for (let i = 0; i < 30; i++) {
    const at = BASE + rng.int(SPAN - 64);
    const len = 1 + rng.int(rng.int(4) === 0 ? 64 : 6);
    [() => shadow.makeUndefined(at, len), () => shadow.makeNoAccess(at, len)][rng.int(2)]!();
  }
  for (let i = 0; i < 20; i++) shadow.setVbyte(BASE + rng.int(SPAN), 1 << rng.int(8));
  shadow.makeDefined(STACK, 0x1000);
}

interface Call {
  fn: string;
  args: [number, number, number];
}

function randomCall(rng: Random): Call {
  const fn = rng.pick(FUNCTIONS);
  // Mostly near the chunk boundary (where the mixed states and the crossing are), mostly short.
  const addr = () => BASE + 0x1_0000 - 0x400 + rng.int(0x800);
  const x = addr();
  const y = rng.int(4) === 0 ? x + rng.int(32) - 16 : addr();
  const n = rng.int(6) === 0 ? rng.int(0x900) : rng.int(40);
  return { fn, args: [x, y, n] };
}

/** The fake context the replacements report through: errors as lines. */
function context(as: AddressSpace, shadow: ShadowMemory, errors: string[]): MemcheckContext {
  const c = {
    core: { as },
    shadow,
    valueErrorSeen: false,
    stack: (pc: number) => [pc],
    describe: (addr: number) => [`0x${addr.toString(16)}`],
    report: (e: unknown) => errors.push(JSON.stringify(e)),
    read: (addr: number, len: number) => {
      const b = as.readBytes(addr, len);
      return b instanceof Uint8Array ? b : undefined;
    },
  };
  return c as unknown as MemcheckContext;
}

function run(call: Call, seed: number, backend: 'interp' | 'wasm') {
  const as = new AddressSpace();
  as.mmap({ addr: BASE, length: SPAN + 0x1000, perm: PERM_RW, fixed: 'replace' });
  const shadow = shadowMemory(as);
  prepare(as, shadow, seed);
  const errors: string[] = [];
  const redirector = new Redirector(stringReplacements(context(as, shadow, errors)), 'preload',
    (state) => state.setBigUint64(SHADOW_STATE_OFFSET + OFFSET_GPR(0), 0n, true));
  const symbols = FUNCTIONS.map((name, i) => ({ name, value: 0x100 * (i + 1), size: 16, type: 'FUNC', bind: 'GLOBAL', visibility: 0, shndx: 1 }));
  redirector.objectLoaded('/lib/libc.so.6', [{ dynamicSymbols: symbols, symbols: [] } as unknown as ElfFile], LIBC, false);
  const pc = LIBC + 0x100 * (FUNCTIONS.indexOf(call.fn) + 1);
  const sb = redirector.block(pc);
  const helpers = new HelperSet(redirector.helpers());
  const state = new DataView(as.memory.wasmMemory.buffer, THREAD_STATES, MEMCHECK_STATE_SIZE);
  [RDI, RSI, RDX].forEach((r, i) => state.setBigUint64(r, BigInt(call.args[i]!), true));
  state.setBigUint64(OFFSET_RSP, BigInt(STACK), true);
  state.setBigUint64(SHADOW_STATE_OFFSET + OFFSET_GPR(0), ~0n, true);
  as.memory.writeU64(STACK, 0x1234n);
  const env = { state, mem: new CheckedMemory(as) };
  const counters = new RunCounters(as.memory.wasmMemory.buffer);
  const interp = new InterpBackend(helpers, env, counters);
  const t: Translation = { addr: pc, lifted: { sb, instrs: [] }, sb, insns: new Int32Array(sb.stmts.length + 1), slot: 1 };
  let jsCalls = 0;
  if (backend === 'wasm') {
    const wasm = new WasmBackend({ memory: as.memory.wasmMemory, helpers, env, counters, interp, stateAddr: THREAD_STATES, ripOffset: OFFSET_RIP, as, linkable: () => false });
    wasm.compileNow([t]);
    expect(wasm.isCompiled(t)).toBe(true);
    wasm.run(t, 1);
    jsCalls = wasm.stats.jsCalls;
  } else {
    interp.run(t);
  }
  const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
  return {
    errors, jsCalls,
    state: hex(new Uint8Array(state.buffer, THREAD_STATES, MEMCHECK_STATE_SIZE).slice()),
    memory: hex(as.memory.readBytes(BASE, SPAN)),
    shadow: shadow.snapshot(BASE, SPAN),
  };
}

describe('memcheck string replacements in wasm', () => {
  it('compute, copy and report exactly as the JavaScript does', () => {
    const rng = new Random(11);
    let [reported, inWasm] = [0, 0];
    for (let i = 0; i < 150; i++) {
      const call = randomCall(rng);
      const what = `call ${i}: ${call.fn}(${call.args.map((a) => `0x${a.toString(16)}`).join(', ')})`;
      const a = run(call, i, 'interp');
      const b = run(call, i, 'wasm');
      expect(b.errors, `${what}: errors`).toEqual(a.errors);
      expect(b.state, `${what}: registers and their V bits`).toBe(a.state);
      expect(b.memory === a.memory, `${what}: memory`).toBe(true);
      expect(Buffer.from(b.shadow.a).equals(Buffer.from(a.shadow.a)), `${what}: A bits`).toBe(true);
      expect(Buffer.from(b.shadow.v).equals(Buffer.from(a.shadow.v)), `${what}: V bits`).toBe(true);
      if (a.errors.length > 0) reported++;
      if (b.jsCalls === 0) inWasm++;
    }
    // Both kinds of call happened: ones the fast path finishes, ones with errors it
    // leaves to the JavaScript.
    expect(reported).toBeGreaterThan(10);
    expect(inWasm).toBeGreaterThan(40);
  });
});
