// A corpus of real blocks for the optimiser: superblocks lifted from every `every`-th
// instruction start of the .text of committed sample binaries (glibc's code with the CPU
// benchmark and with libstdc++, and musl's), to be put through the translation pipeline
// as the Machine runs it (core/machine.ts translateBlock): optimise, instrument with
// memcheck, optimise again at memcheck's guest state size. Shared by
// optimise-corpus.test.ts (the semantic check) and scripts/translate-timing.ts (timings).
// Only binaries in the repository: the host's libraries differ from machine to machine.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ElfFile, parseElf } from '../../src/engine/elf/elf.ts';
import { sectionByName, sectionBytes } from '../../src/engine/elf/sections.ts';
import { PF_W, PF_X, PT_LOAD } from '../../src/engine/elf/segments.ts';
import { decode } from '../../src/engine/guest/amd64/decoder.ts';
import type { CodeSource } from '../../src/engine/guest/amd64/lift/block.ts';
import { specialiseFlagHelpers } from '../../src/engine/guest/amd64/spechelper.ts';
import { GUEST_STATE_SIZE, PRECISE_AT_MEMORY_ACCESS } from '../../src/engine/guest/amd64/state.ts';
import type { OptimiseOptions } from '../../src/engine/ir/opt/index.ts';
import type { IRSB } from '../../src/engine/ir/types.ts';
import { instrumentMemcheck } from '../../src/engine/tools/memcheck/instrument.ts';
import { MEMCHECK_ORIGIN_STATE_SIZE, MEMCHECK_STATE_SIZE } from '../../src/engine/tools/memcheck/shadow-state.ts';

/** The repository's samples; GRINDLAB_ROOT names the checkout where this module runs from
 *  a bundle elsewhere (scripts/bench-translate.ts). */
const SAMPLES = join(process.env.GRINDLAB_ROOT ?? join(import.meta.dirname, '../..'), 'public/samples');

/** Static builds (no loader, no host libraries): glibc with the CPU benchmark, glibc with
 *  libstdc++, and musl. */
export const CORPUS_BINARIES = [
  join(SAMPLES, 'bench/bench-static'),
  join(SAMPLES, 'cxx/cxx-static'),
  join(SAMPLES, 'bench/bench-musl'),
];

/** A PT_LOAD segment as the loader maps it: its bytes (zero-filled past filesz). */
export interface CorpusSegment {
  addr: number;
  bytes: Uint8Array;
  writable: boolean;
  executable: boolean;
}

export interface CorpusCode {
  elf: ElfFile;
  /** The executable segments' bytes. */
  code: CodeSource;
  /** Where blocks start: every `every`-th instruction start of a linear sweep of .text. */
  starts: number[];
  segments: CorpusSegment[];
}

export function loadSegments(elf: ElfFile): CorpusSegment[] {
  return elf.segments.filter((s) => s.type === PT_LOAD).map((s) => {
    const bytes = new Uint8Array(s.memsz);
    bytes.set(elf.bytes.subarray(s.offset, s.offset + s.filesz));
    return { addr: s.vaddr, bytes, writable: (s.flags & PF_W) !== 0, executable: (s.flags & PF_X) !== 0 };
  });
}

/** The bytes of the executable segments, as the Machine's code source fetches them. */
export function codeSource(segments: readonly CorpusSegment[]): CodeSource {
  const exec = segments.filter((s) => s.executable);
  return {
    fetch(addr: number, max: number) {
      for (const s of exec) {
        const off = addr - s.addr;
        if (off >= 0 && off < s.bytes.length) return s.bytes.subarray(off, Math.min(s.bytes.length, off + max));
      }
      return new Uint8Array(0);
    },
  };
}

export function corpusCode(path: string, every = 50): CorpusCode {
  const elf = parseElf(new Uint8Array(readFileSync(path)));
  const text = sectionByName(elf, '.text')!;
  const bytes = sectionBytes(elf, text);
  const starts: number[] = [];
  for (let off = 0, n = 0; off < bytes.length; n++) {
    if (n % every === 0) starts.push(text.addr + off);
    off += decode(bytes, off, text.addr + off).len;
  }
  const segments = loadSegments(elf);
  return { elf, code: codeSource(segments), starts, segments };
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
