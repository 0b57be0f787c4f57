// The instruction oracle's engine half: run an assembled snippet under our lifter,
// optimiser and a backend (the IR interpreter or the wasm JIT) from a CpuState, and return
// the state afterwards, in the same shape as native-oracle.ts's runNative, so the two can
// be compared field by field.
import type { BackendKind } from '../../src/engine/backend/backend.ts';
import type { Translation } from '../../src/engine/backend/cache.ts';
import { InterpBackend } from '../../src/engine/backend/interp/index.ts';
import { RunCounters } from '../../src/engine/backend/run-area.ts';
import { WasmBackend } from '../../src/engine/backend/wasm/index.ts';
import { CheckedMemory } from '../../src/engine/core/memory-port.ts';
import { HelperSet } from '../../src/engine/backend/helpers.ts';
import { amd64Helpers } from '../../src/engine/guest/amd64/helpers.ts';
import { liftSuperblock } from '../../src/engine/guest/amd64/lift/block.ts';
import { readRflags, writeRflags } from '../../src/engine/guest/amd64/rflags.ts';
import { specialiseFlagHelpers } from '../../src/engine/guest/amd64/spechelper.ts';
import {
  GUEST_STATE_SIZE, OFFSET_GPR, OFFSET_RIP, OFFSET_YMM,
} from '../../src/engine/guest/amd64/state.ts';
import { checkIRSB, formatProblem, optimise } from '../../src/engine/ir/index.ts';
import { AddressSpace, PERM_R, PERM_RW, PERM_X, type Perm } from '../../src/engine/memory/index.ts';
import { THREAD_STATES } from '../../src/engine/memory/reserved.ts';
import { type CpuState, SCRATCH_ADDR, SCRATCH_SIZE, assembleSnippet } from './native-oracle.ts';

const CODE_ADDR = 0x20000000;
const PERM_RX = (PERM_R | PERM_X) as Perm;
const STACK_TOP = 0x30100000;

export interface SnippetOptions {
  /** Skip the optimiser (check the lifter's raw IR alone). */
  raw?: boolean;
  /** What runs the blocks (default the interpreter). */
  backend?: BackendKind;
}

const assembled = new Map<string, Uint8Array>();

export function runSnippet(asm: string, init: CpuState, opts: SnippetOptions = {}): CpuState {
  let code = assembled.get(asm);
  if (!code) { code = assembleSnippet(asm); assembled.set(asm, code); }
  const as = new AddressSpace();
  const map = (addr: number, length: number) => {
    const r = as.mmap({ addr, length, perm: PERM_RW, fixed: 'replace' });
    if (r < 0) throw new Error(`runSnippet: cannot map 0x${addr.toString(16)}`);
  };
  map(CODE_ADDR, Math.max(code.length, 1));
  as.memory.writeBytes(CODE_ADDR, code);
  as.mprotect(CODE_ADDR, Math.max(code.length, 1), PERM_RX);
  map(SCRATCH_ADDR, SCRATCH_SIZE);
  as.memory.writeBytes(SCRATCH_ADDR, init.scratch);
  map(STACK_TOP - 0x10000, 0x10000);

  const state = new DataView(as.memory.wasmMemory.buffer, THREAD_STATES, GUEST_STATE_SIZE);
  init.gpr.forEach((v, i) => state.setBigUint64(OFFSET_GPR(i), BigInt.asUintN(64, v), true));
  state.setBigUint64(OFFSET_GPR(4), BigInt(STACK_TOP - 0x100), true);
  writeRflags(state, init.rflags);
  init.xmm.forEach(([lo, hi], i) => {
    state.setBigUint64(OFFSET_YMM(i), lo, true);
    state.setBigUint64(OFFSET_YMM(i) + 8, hi, true);
  });
  state.setBigUint64(OFFSET_RIP, BigInt(CODE_ADDR), true);

  const env = { state, mem: new CheckedMemory(as) };
  const helpers = new HelperSet(amd64Helpers(() => 0n));
  const counters = new RunCounters(as.memory.wasmMemory.buffer);
  const interp = new InterpBackend(helpers, env, counters);
  const wasm = opts.backend === 'wasm' ? new WasmBackend({
    memory: as.memory.wasmMemory, helpers, env, counters, interp, stateAddr: THREAD_STATES, ripOffset: OFFSET_RIP, as, linkable: () => false,
  }) : undefined;
  const end = CODE_ADDR + code.length;
  const fetch = (addr: number, max: number) =>
    addr >= CODE_ADDR && addr < end ? code.subarray(addr - CODE_ADDR, Math.min(end, addr - CODE_ADDR + max)) : new Uint8Array(0);
  const translations = new Map<number, Translation>();
  const translate = (rip: number): Translation => {
    const lifted = liftSuperblock({ fetch }, rip);
    if (lifted.noDecode) throw new Error(`runSnippet: cannot lift ${lifted.noDecode.reason} at 0x${rip.toString(16)} in '${asm}'`);
    const problems = checkIRSB(lifted.sb, { guestStateSize: GUEST_STATE_SIZE });
    if (problems.length) throw new Error(`runSnippet: lifted IR is not sane:\n${problems.map(formatProblem).join('\n')}`);
    const sb = opts.raw ? lifted.sb : optimise(lifted.sb, { guestStateSize: GUEST_STATE_SIZE, specialise: specialiseFlagHelpers });
    const t: Translation = { addr: rip, lifted, sb, insns: new Int32Array(sb.stmts.length + 1), slot: translations.size + 1 };
    wasm?.compileNow([t]);
    translations.set(rip, t);
    return t;
  };
  for (let blocks = 0; ; blocks++) {
    const rip = Number(state.getBigUint64(OFFSET_RIP, true));
    if (rip === end) break;
    if (blocks > 100000) throw new Error(`runSnippet: '${asm}' did not finish`);
    const { exit } = (wasm ?? interp).run(translations.get(rip) ?? translate(rip), 1);
    if (exit.kind !== 'exit') throw new Error(`runSnippet: '${asm}' stopped with ${exit.kind} at 0x${(exit.guestAddr ?? 0).toString(16)}`);
  }

  const out: CpuState = {
    gpr: Array.from({ length: 16 }, (_, i) => state.getBigUint64(OFFSET_GPR(i), true)),
    rflags: readRflags(state),
    xmm: Array.from({ length: 16 }, (_, i) => [state.getBigUint64(OFFSET_YMM(i), true), state.getBigUint64(OFFSET_YMM(i) + 8, true)] as [bigint, bigint]),
    scratch: as.memory.readBytes(SCRATCH_ADDR, SCRATCH_SIZE),
  };
  return out;
}
