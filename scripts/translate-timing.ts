// The measuring half of scripts/bench-translate.ts, run from an esbuild bundle as the CLI
// runs the engine: `--cold` times the first 300 blocks of a fresh process (blocks at
// function entries of the static C++ sample, glibc's and libstdc++'s; no decoding sweep
// before them, so nothing is warm), `--warm` 3,000 blocks of its part of the optimise
// corpus (test/ir/corpus.ts) after one pass over all of it. Prints one JSON line of ms
// per block per stage of the Machine's pipeline.
import { readFileSync } from 'node:fs';
import { parseElf } from '../src/engine/elf/elf.ts';
import { sectionByName } from '../src/engine/elf/sections.ts';
import { type CodeSource, liftSuperblock } from '../src/engine/guest/amd64/lift/block.ts';
import { optimise } from '../src/engine/ir/opt/index.ts';
import { instrumentMemcheck } from '../src/engine/tools/memcheck/instrument.ts';
import { CORPUS_BINARIES, GUEST_OPTIONS, codeSource, corpusCode, loadSegments, memcheckOptions } from '../test/ir/corpus.ts';

const BINARY = CORPUS_BINARIES.find((p) => p.endsWith('cxx-static'))!;
const COLD_BLOCKS = 300;
const WARM_BLOCKS = 3000;

export interface StageTimes { lift: number; optimise: number; instrument: number; optimise2: number }

/** Each block through the stages in turn, as the Machine translates it. */
function translate(code: CodeSource, starts: readonly number[]): StageTimes {
  const t: StageTimes = { lift: 0, optimise: 0, instrument: 0, optimise2: 0 };
  const memcheck = memcheckOptions(false);
  for (const addr of starts) {
    const t0 = performance.now();
    const { sb } = liftSuperblock(code, addr);
    const t1 = performance.now();
    const opt = optimise(sb, GUEST_OPTIONS);
    const t2 = performance.now();
    const inst = instrumentMemcheck(opt, {});
    const t3 = performance.now();
    optimise(inst, memcheck);
    const t4 = performance.now();
    t.lift += t1 - t0; t.optimise += t2 - t1; t.instrument += t3 - t2; t.optimise2 += t4 - t3;
  }
  const n = starts.length;
  return { lift: t.lift / n, optimise: t.optimise / n, instrument: t.instrument / n, optimise2: t.optimise2 / n };
}

if (process.argv.includes('--cold')) {
  const elf = parseElf(new Uint8Array(readFileSync(BINARY)));
  const text = sectionByName(elf, '.text')!;
  const entries = [...new Set(elf.symbols
    .filter((s) => s.type === 'FUNC' && s.value >= text.addr && s.value < text.addr + text.size).map((s) => s.value))]
    .sort((a, b) => a - b);
  const step = Math.floor(entries.length / COLD_BLOCKS);
  const starts = Array.from({ length: COLD_BLOCKS }, (_, i) => entries[i * step]!);
  console.log(JSON.stringify(translate(codeSource(loadSegments(elf)), starts)));
} else if (process.argv.includes('--warm')) {
  const { code, starts } = corpusCode(BINARY);
  translate(code, starts);
  console.log(JSON.stringify(translate(code, starts.slice(0, WARM_BLOCKS))));
}
