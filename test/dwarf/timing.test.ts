// How long the indexes take to build for a static glibc program (debug info
// for the sample only) and for libc.so.6 with its separate debug file. The
// bounds are loose: they catch a quadratic slip, not a slow machine.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildInlineIndex, buildLineIndex, buildSymbolIndex, buildUnwinder, parseElf, type ElfFile,
} from '../../src/engine/elf/index.ts';
import { installedDebugFile, LIBC } from './support.ts';
import { lacking } from '../support/requires.ts';

const PRINTF_STATIC = join(import.meta.dirname, '../../public/samples/printf/printf-static');

function time<T>(f: () => T): [number, T] {
  const t0 = performance.now();
  const v = f();
  return [performance.now() - t0, v];
}

function measure(label: string, elf: ElfFile, debug?: ElfFile): number {
  // The first round pays for JIT warm-up and decompression; report it and a warm one.
  const rounds: string[] = [];
  let total = 0;
  for (let round = 0; round < 2; round++) {
    const source = round === 0 ? (debug ?? elf) : parseElf((debug ?? elf).bytes);
    const [tl, lines] = time(() => buildLineIndex(source));
    const [ti, inl] = time(() => buildInlineIndex(source));
    const [ts, syms] = time(() => buildSymbolIndex(elf, debug));
    const [tu, unwinder] = time(() => buildUnwinder(elf, 0, debug));
    if (round === 0) total = tl + ti + ts + tu;
    rounds.push(
      `${round === 0 ? 'cold' : 'warm'}: lines ${tl.toFixed(1)} ms (${lines.size} ranges), inline ${ti.toFixed(1)} ms (${inl.size}), ` +
        `symbols ${ts.toFixed(1)} ms (${syms.symbols.length}), unwinder ${tu.toFixed(1)} ms (${unwinder.fdeCount} FDEs)`,
    );
  }
  console.log(`${label}\n  ${rounds.join('\n  ')}`);
  return total;
}

describe('index build times', () => {
  it.skipIf(lacking(existsSync(PRINTF_STATIC)))('public/samples/printf/printf-static', () => {
    const elf = parseElf(new Uint8Array(readFileSync(PRINTF_STATIC)));
    expect(measure('printf-static', elf)).toBeLessThan(5000);
  });

  it('libc.so.6 (with its -dbg debug file when installed)', () => {
    const elf = parseElf(new Uint8Array(readFileSync(LIBC)));
    const debugPath = installedDebugFile(elf);
    const debug = debugPath ? parseElf(new Uint8Array(readFileSync(debugPath))) : undefined;
    expect(measure(`libc.so.6${debug ? ` + ${debugPath}` : ''}`, elf, debug)).toBeLessThan(10000);
  });
});
