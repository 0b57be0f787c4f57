// The optimiser's output on real code, pinned: every block of the corpus (corpus.ts: blocks
// of glibc and of the static CPU benchmark) goes through the Machine's pipeline — lift,
// optimise, memcheck's instrumentation, optimise again — and the printed blocks of each
// stage are hashed and compared with hashes recorded from a known-good optimiser. Making
// the optimiser faster must leave every one of them unchanged.
//
// The stages are hashed separately so that a failure says where the text first differs:
// `lifted` is the lifter's (or the binary's), `instrumented` memcheck's (its input is the
// optimised block), `optimised`, `memcheck` and `origins` the optimiser's. After a
// deliberate change to the lifter, memcheck or the optimiser's rules, re-record with
// IR_CORPUS_BLESS=1 (which prints the new values), in a change that does not also make the
// optimiser faster.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { liftSuperblock } from '../../src/engine/guest/amd64/lift/block.ts';
import { optimise, ppIRSB } from '../../src/engine/ir/index.ts';
import { CORPUS_BINARIES, GUEST_OPTIONS, corpusCode, instrument, memcheckOptions } from './corpus.ts';

interface Hashes {
  /** sha256 of the binary, so a different glibc skips instead of failing. */
  binary: string;
  blocks: number;
  lifted: string;
  optimised: string;
  instrumented: string;
  memcheck: string;
  /** Every third block, instrumented with origin tracking and optimised. */
  origins: string;
}

const GOLDEN: Record<string, Hashes> = {
  'libc.so.6': {
    binary: '6b4a45352fd0c540a9c7c718f35ce8c8e46a4e482f9d3885a910c32d1a0e1421',
    blocks: 6715,
    lifted: '7d74606c89412e1f721f8a7a67f30568ed35e98fe4c046f561d324edcd841338',
    optimised: '4d9f9afabf66ad2455f77ac457cfb070ab4e6754b92424eee7eec6e5133fea51',
    instrumented: 'bc49de9fb3a8d83a175d320ef5900641b724c66ebc0a6facb8136dbf0b42e5f0',
    memcheck: '4deed84c8e844a0e8da1f48da0d5fe51c87d8091ee77eceada33267799c0b63d',
    origins: 'a25316edbc3b3e4100d7290196505763765f8d2d4414b2a3580459ad18942475',
  },
  'bench-static': {
    binary: 'e8879fa7f574c7539831c021232d7edbb1f4c2c85c10f2b71c91772746a8e98b',
    blocks: 2339,
    lifted: 'bfb896527b4a980840565a23cb66601df9af218b29f5fd1a36753908f78bf30c',
    optimised: '5e20be79217e236af96c4abc5bdd15e5f4e2c8898f8ea712e1ab63f8459aece2',
    instrumented: '7d4c081ac9a5cd21b53d171622699b280e49b628d7a383d95279033923f14a91',
    memcheck: '6d54acadafd3d029d7ddeb5a8b737f961372614dcaa316ae7d726e24bf2b5b09',
    origins: 'd3bdda59e61753f97e7f8c1d7aef86d2923c55c9ffc09457a4ecf65ea48bf6df',
  },
};

const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

function corpusHashes(path: string): Hashes {
  const { code, starts } = corpusCode(path);
  const h = {
    lifted: createHash('sha256'), optimised: createHash('sha256'), instrumented: createHash('sha256'),
    memcheck: createHash('sha256'), origins: createHash('sha256'),
  };
  const memcheck = memcheckOptions(false);
  const origins = memcheckOptions(true);
  starts.forEach((addr, i) => {
    const lifted = liftSuperblock(code, addr).sb;
    h.lifted.update(ppIRSB(lifted));
    const sb = optimise(lifted, GUEST_OPTIONS);
    h.optimised.update(ppIRSB(sb));
    const inst = instrument(sb, false);
    h.instrumented.update(ppIRSB(inst));
    h.memcheck.update(ppIRSB(optimise(inst, memcheck)));
    if (i % 3 === 0) h.origins.update(ppIRSB(optimise(instrument(sb, true), origins)));
  });
  return {
    binary: sha256(readFileSync(path)), blocks: starts.length,
    lifted: h.lifted.digest('hex'), optimised: h.optimised.digest('hex'), instrumented: h.instrumented.digest('hex'),
    memcheck: h.memcheck.digest('hex'), origins: h.origins.digest('hex'),
  };
}

describe('optimise on a corpus of real blocks', () => {
  for (const path of CORPUS_BINARIES) {
    const name = basename(path);
    const golden = GOLDEN[name];
    const same = golden !== undefined && existsSync(path) && sha256(readFileSync(path)) === golden.binary;
    it.skipIf(!same && !process.env.IR_CORPUS_BLESS)(`prints every block of ${name} as recorded`, () => {
      const actual = corpusHashes(path);
      if (process.env.IR_CORPUS_BLESS) console.log(`'${name}': ${JSON.stringify(actual, null, 2)},`);
      else expect(actual).toEqual(golden);
    }, 120_000);
  }
});
