// A corpus of real blocks for the optimiser: superblocks lifted from every `every`-th
// instruction start of the .text of glibc and of the static CPU benchmark, put through the
// translation pipeline as the Machine runs it (core/machine.ts translateBlock): optimise,
// instrument with memcheck, optimise again at memcheck's guest state size. Shared by
// optimise-corpus.test.ts (the golden hashes) and scripts/bench-translate.ts (timings).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseElf } from '../../src/engine/elf/elf.ts';
import { sectionByName, sectionBytes } from '../../src/engine/elf/sections.ts';
import { decode } from '../../src/engine/guest/amd64/decoder.ts';
import type { CodeSource } from '../../src/engine/guest/amd64/lift/block.ts';
import { specialiseFlagHelpers } from '../../src/engine/guest/amd64/spechelper.ts';
import { GUEST_STATE_SIZE, PRECISE_AT_MEMORY_ACCESS } from '../../src/engine/guest/amd64/state.ts';
import type { OptimiseOptions } from '../../src/engine/ir/opt/index.ts';
import type { IRSB } from '../../src/engine/ir/types.ts';
import { instrumentMemcheck } from '../../src/engine/tools/memcheck/instrument.ts';
import { MEMCHECK_ORIGIN_STATE_SIZE, MEMCHECK_STATE_SIZE } from '../../src/engine/tools/memcheck/shadow-state.ts';

export const CORPUS_BINARIES = [
  '/lib/x86_64-linux-gnu/libc.so.6',
  join(import.meta.dirname, '../../public/samples/bench/bench-static'),
];

export interface CorpusCode {
  code: CodeSource;
  /** Where blocks start: every `every`-th instruction start of a linear sweep of .text. */
  starts: number[];
}

export function corpusCode(path: string, every = 50): CorpusCode {
  const elf = parseElf(new Uint8Array(readFileSync(path)));
  const text = sectionByName(elf, '.text')!;
  const bytes = sectionBytes(elf, text);
  const fetch = (addr: number, max: number) => {
    const off = addr - text.addr;
    return off >= 0 && off < bytes.length ? bytes.subarray(off, Math.min(bytes.length, off + max)) : new Uint8Array(0);
  };
  const starts: number[] = [];
  for (let off = 0, n = 0; off < bytes.length; n++) {
    if (n % every === 0) starts.push(text.addr + off);
    off += decode(bytes, off, text.addr + off).len;
  }
  return { code: { fetch }, starts };
}

/** The Machine's options for the first optimisation (translateBlock). */
export const GUEST_OPTIONS: OptimiseOptions = {
  guestStateSize: GUEST_STATE_SIZE, specialise: specialiseFlagHelpers, preciseOffsets: PRECISE_AT_MEMORY_ACCESS,
};

/** The second optimisation, after memcheck: the same with memcheck's state size. */
export const memcheckOptions = (trackOrigins: boolean): OptimiseOptions =>
  ({ ...GUEST_OPTIONS, guestStateSize: trackOrigins ? MEMCHECK_ORIGIN_STATE_SIZE : MEMCHECK_STATE_SIZE });

/** Memcheck's instrumentation as the tool's `instrument` calls it with its defaults
 *  (and with --track-origins=yes). */
export const instrument = (sb: IRSB, trackOrigins: boolean): IRSB => instrumentMemcheck(sb, { trackOrigins });
