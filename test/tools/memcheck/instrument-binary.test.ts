// Instruments the lifted blocks of a real static binary: every block must pass the IR
// sanity checker at memcheck's guest state size, survive the second optimisation, and
// compile and run against the guest's and memcheck's helpers without a missing helper —
// without and with origin tracking.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HelperSet } from '../../../src/engine/backend/helpers.ts';
import { compile } from '../../../src/engine/backend/interp/index.ts';
import type { MemoryPort } from '../../../src/engine/memory/index.ts';
import { parseElf } from '../../../src/engine/elf/elf.ts';
import { sectionByName, sectionBytes } from '../../../src/engine/elf/sections.ts';
import { amd64Helpers } from '../../../src/engine/guest/amd64/helpers.ts';
import { liftSuperblock } from '../../../src/engine/guest/amd64/lift/block.ts';
import { specialiseFlagHelpers } from '../../../src/engine/guest/amd64/spechelper.ts';
import { GUEST_STATE_SIZE, OFFSET_RSP } from '../../../src/engine/guest/amd64/state.ts';
import { assertSaneIRSB, optimise, ppIRSB } from '../../../src/engine/ir/index.ts';
import { instrumentMemcheck } from '../../../src/engine/tools/memcheck/instrument.ts';
import { OriginMemory } from '../../../src/engine/tools/memcheck/origin-memory.ts';
import { memcheckHelpers } from '../../../src/engine/tools/memcheck/shadow-helpers.ts';
import {
  MEMCHECK_ORIGIN_STATE_SIZE, MEMCHECK_STATE_SIZE, ORIGIN_STATE_OFFSET, SHADOW_STATE_OFFSET,
} from '../../../src/engine/tools/memcheck/shadow-state.ts';
import { shadowMemory } from './shadow-support.ts';

const BINARY = 'public/samples/read-defined/read-defined-static';

/** Memory that is all zeros and never faults: enough to run any block once. */
const zeros: MemoryPort = {
  load8: () => 0, load16: () => 0, load32: () => 0, load64: () => 0n,
  loadVec: (_a, words) => new Array<number>(words).fill(0),
  store8() {}, store16() {}, store32() {}, store64() {}, storeVec() {},
  cas: () => 0n,
};

describe('memcheck instrumentation of a real binary', () => {
  it.each([false, true])('keeps every block of .text sane, optimisable and runnable (trackOrigins: %s)', (trackOrigins) => {
    const stateSize = trackOrigins ? MEMCHECK_ORIGIN_STATE_SIZE : MEMCHECK_STATE_SIZE;
    const elf = parseElf(new Uint8Array(readFileSync(BINARY)));
    const text = sectionByName(elf, '.text')!;
    const bytes = sectionBytes(elf, text);
    const fetch = (addr: number, max: number) => {
      const off = addr - text.addr;
      return off >= 0 && off < bytes.length ? bytes.subarray(off, Math.min(bytes.length, off + max)) : new Uint8Array(0);
    };
    const shadow = shadowMemory();
    const errors: string[] = [];
    const helpers = amd64Helpers(() => 0n);
    const origins = new OriginMemory();
    let nOrigins = 0;
    const source = { newOrigin: () => 0x1000 + 4 * nOrigins++ };
    const otags: number[] = [];
    const mc = memcheckHelpers(shadow, {
      addrError: (pc, addr, size, w) => errors.push(`addr ${pc} ${addr} ${size} ${w}`),
      condError: (pc, otag) => { errors.push(`cond ${pc}`); otags.push(otag ?? 0); },
      valueError: (pc, size, otag) => { errors.push(`value ${pc} ${size}`); otags.push(otag ?? 0); },
    }, trackOrigins ? { memory: origins, source } : undefined);
    const all = new HelperSet([...helpers, ...mc]);
    shadow.makeUndefined(0x7000000, 0x10000);

    let blocks = 0;
    let addr = text.addr;
    const end = text.addr + Math.min(bytes.length, 0x8000);
    while (addr < end) {
      const lifted = liftSuperblock({ fetch }, addr, 20);
      const last = lifted.instrs.at(-1);
      addr = last ? last.addr + last.len : addr + 1;
      if (lifted.noDecode) continue;
      const sb = optimise(lifted.sb, { guestStateSize: GUEST_STATE_SIZE, specialise: specialiseFlagHelpers });
      const inst = instrumentMemcheck(sb, { trackOrigins });
      const where = `block at 0x${lifted.instrs[0]!.addr.toString(16)}`;
      assertSaneIRSB(inst, { guestStateSize: stateSize }, where);
      const again = optimise(inst, { guestStateSize: stateSize });
      assertSaneIRSB(again, { guestStateSize: stateSize, helpers: all.signature }, `${where}, optimised`);
      expect(ppIRSB(again)).toContain('IRSB');
      if (!trackOrigins) expect(ppIRSB(inst)).not.toMatch(/_w_o|b_load|b_store/);
      const state = new DataView(new ArrayBuffer(stateSize));
      state.setBigUint64(OFFSET_RSP, 0x7008000n, true);
      state.setBigUint64(OFFSET_RSP + SHADOW_STATE_OFFSET, 0n, true);
      // Every register undefined from one origin: whatever a block reports comes from it.
      if (trackOrigins) for (let off = 16; off < 144; off += 8) state.setUint32(off + ORIGIN_STATE_OFFSET, 0x4, true);
      compile(again, all).run({ state, mem: zeros });
      blocks++;
    }
    expect(blocks).toBeGreaterThan(300);
    // Zeroed registers give addresses in unmapped memory: the helpers do report.
    expect(errors.some((e) => e.startsWith('addr'))).toBe(true);
    if (trackOrigins) {
      // The stack under %rsp starts undefined with no origin; the blocks' SP moves and
      // calls give parts of it stack origins.
      expect(nOrigins).toBeGreaterThan(0);
      expect(otags.every((o) => o === 0 || o === 0x4 || (o >= 0x1000 && o < 0x1000 + 4 * nOrigins))).toBe(true);
    }
  });
});
