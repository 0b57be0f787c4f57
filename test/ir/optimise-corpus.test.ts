// Does the optimiser keep the meaning of real code? Blocks of the corpus (corpus.ts: glibc,
// libstdc++ and musl, from the committed static samples) run in the reference interpreter
// twice from the same random registers and memory: unoptimised, which is the oracle, and
// optimised. The two runs must end the same way (exit kind, jump kind, next; for a fault
// its address, kind and instruction) and leave every byte of guest state and of writable
// memory the same. Where a block stops at a fault (or a division trap), the guest state
// compared is only what the optimiser promises to keep exact there, rip, rsp and rbp
// (PRECISE_AT_MEMORY_ACCESS): other registers may lag, as under valgrind.
//
// The same for memcheck, as the Machine translates: the optimised block instrumented and
// run unoptimised is the oracle for it optimised again. Besides guest state and memory,
// its shadow state, shadow memory (A and V bits), the errors it reports (with the rip, rsp
// and rbp an error's stack trace would be unwound from) and, with --track-origins=yes on
// every third block, its origin state and every write to origin memory must agree.
//
// The registers point into a few mapped pages of seeded random bytes (many of them
// pointers back into those pages) and the binary's segments are mapped as the loader maps
// them, so most blocks run to their end or a side exit rather than faulting at their first
// load; the test counts how many do and requires a minimum.
import { describe, expect, it } from 'vitest';
import type { BlockExit } from '../../src/engine/backend/backend.ts';
import { HelperSet } from '../../src/engine/backend/helpers.ts';
import { compile } from '../../src/engine/backend/interp/index.ts';
import { CheckedMemory } from '../../src/engine/core/memory-port.ts';
import { CC_OP_NUMBER } from '../../src/engine/guest/amd64/flags.ts';
import { amd64Helpers } from '../../src/engine/guest/amd64/helpers.ts';
import { liftSuperblock } from '../../src/engine/guest/amd64/lift/block.ts';
import {
  GUEST_STATE_SIZE, OFFSET_ACFLAG, OFFSET_CC_OP, OFFSET_DFLAG, OFFSET_EMNOTE, OFFSET_FC3210, OFFSET_FPREG,
  OFFSET_FPROUND, OFFSET_FPTAG, OFFSET_FS_BASE, OFFSET_FTOP, OFFSET_GPR, OFFSET_GS_BASE, OFFSET_IDFLAG, OFFSET_RIP,
  OFFSET_RSP, OFFSET_SSEROUND, PRECISE_AT_MEMORY_ACCESS,
} from '../../src/engine/guest/amd64/state.ts';
import { assertSaneIRSB, optimise, ppIRSB } from '../../src/engine/ir/index.ts';
import type { IRSB } from '../../src/engine/ir/types.ts';
import { AddressSpace, MemoryFault, PERM_R, PERM_RW, PERM_X, type Perm } from '../../src/engine/memory/index.ts';
import { THREAD_STATES, TOOL_AREA } from '../../src/engine/memory/reserved.ts';
import { OriginMemory } from '../../src/engine/tools/memcheck/origin-memory.ts';
import { memcheckHelpers } from '../../src/engine/tools/memcheck/shadow-helpers.ts';
import { CHUNK_BITS, SECONDARY_SIZE, SM_DIST_NOACCESS, type ShadowMemory } from '../../src/engine/tools/memcheck/shadow-memory.ts';
import {
  MEMCHECK_ORIGIN_STATE_SIZE, MEMCHECK_STATE_SIZE, ORIGIN_STATE_OFFSET, SHADOW_STATE_OFFSET,
} from '../../src/engine/tools/memcheck/shadow-state.ts';
import { Random } from '../backend/random.ts';
import { shadowMemory } from '../tools/memcheck/shadow-support.ts';
import { CORPUS_BINARIES, type CorpusSegment, GUEST_OPTIONS, corpusCode, instrument, memcheckOptions } from './corpus.ts';

/** Every SAMPLE_EVERY-th block of a binary's corpus (more of a small one: at least
 *  MIN_BLOCKS), each run from every seed. */
const SAMPLE_EVERY = 10;
const MIN_BLOCKS = 100;
const SEEDS = [1, 2];
/** With --track-origins=yes too: every ORIGINS_EVERY-th sampled block. */
const ORIGINS_EVERY = 3;
/** Of the runs of unoptimised blocks (NoDecode ones aside), at least this share must reach
 *  the block's end or a side exit: a test where every block faults at once checks little. */
const MIN_COMPLETED = 0.6;

/** The random pages the registers point into: 64 KiB, one chunk of shadow memory. */
const REGION = 0x1000_0000;
const REGION_SIZE = 0x1_0000;
const PAGE = 0x1000;
/** Shadow memory's chunk: the span of guest memory one secondary map covers. */
const CHUNK_SIZE = 2 ** CHUNK_BITS;
/** 256 entries of shadow memory's primary map that all say "unaddressable". */
const NO_ACCESS_RUN = Buffer.from(new Uint32Array(256).fill(SM_DIST_NOACCESS).buffer);

const pageDown = (a: number) => a - (a % PAGE);
const pageUp = (a: number) => pageDown(a + PAGE - 1);
const hex = (a: number | bigint) => `0x${a.toString(16)}`;

/** A pointer into the region, a page clear of its ends; now and then unaligned. */
function pointer(rng: Random): bigint {
  const p = REGION + PAGE + 8 * rng.int((REGION_SIZE - 2 * PAGE) / 8);
  return BigInt(rng.int(8) === 0 ? p + rng.int(8) : p);
}

function randomValue(rng: Random): bigint {
  switch (rng.int(8)) {
    case 0: case 1: case 2: return pointer(rng);
    case 3: return BigInt(rng.int(256));
    case 4: return BigInt(rng.int(0x10000));
    case 5: return rng.pick([0n, 1n, 2n, 0xffffffffffffffffn, 0x8000000000000000n, 0xffffffffn, 0x80000000n]);
    default: return rng.bits(64);
  }
}

/** The region's bytes for a seed: 8-byte slots of pointers back into it, small numbers
 *  and random bits. */
function regionImage(seed: number): Uint8Array {
  const rng = new Random(seed * 7919 + 1);
  const bytes = new Uint8Array(REGION_SIZE);
  const dv = new DataView(bytes.buffer);
  for (let off = 0; off < REGION_SIZE; off += 8) dv.setBigUint64(off, randomValue(rng), true);
  return bytes;
}

/** Guest state, memcheck's shadow state and origin state for one block and seed: random,
 *  with the fields the helpers rely on kept in range. */
function initialState(seed: number, block: number, addr: number): Uint8Array {
  const rng = new Random((seed * 0x9e3779b1) ^ (block * 0x85ebca6b) ^ 0x5bd1e995);
  const bytes = new Uint8Array(MEMCHECK_ORIGIN_STATE_SIZE);
  for (let i = 0; i < GUEST_STATE_SIZE; i++) bytes[i] = rng.int(256);
  const dv = new DataView(bytes.buffer);
  const set = (off: number, v: bigint | number) => dv.setBigUint64(off, BigInt.asUintN(64, BigInt(v)), true);
  for (let r = 0; r < 16; r++) set(OFFSET_GPR(r), randomValue(rng));
  // The stack and frame pointers in the middle of the region, as a function sees them.
  set(OFFSET_RSP, REGION + 0x8000 + 8 * rng.int(0x200));
  if (rng.int(2)) set(OFFSET_GPR(5), REGION + 0x8000 + 8 * rng.int(0x400));
  set(OFFSET_CC_OP, rng.int(CC_OP_NUMBER));
  for (let i = 1; i <= 3; i++) set(OFFSET_CC_OP + 8 * i, randomValue(rng));
  set(OFFSET_DFLAG, rng.int(4) === 0 ? -1 : 1);
  set(OFFSET_RIP, addr);
  set(OFFSET_ACFLAG, rng.int(2));
  set(OFFSET_IDFLAG, rng.int(2));
  // TLS: glibc reads its stack guard at %fs:0x28 and thread variables below %fs.
  set(OFFSET_FS_BASE, REGION + 0xc000);
  set(OFFSET_SSEROUND, rng.int(4));
  dv.setUint32(OFFSET_FTOP, rng.int(8), true);
  for (let i = 0; i < 8; i++) {
    // Ordinary doubles mostly; now and then any bits (NaNs, infinities, denormals).
    if (rng.int(3) === 0) set(OFFSET_FPREG + 8 * i, rng.bits(64));
    else dv.setFloat64(OFFSET_FPREG + 8 * i, (rng.next() - 2 ** 31) / 256, true);
    bytes[OFFSET_FPTAG + i] = rng.int(2);
  }
  set(OFFSET_FPROUND, rng.int(4));
  set(OFFSET_FC3210, rng.bits(64) & 0x4700n);
  set(OFFSET_EMNOTE, 0);
  set(OFFSET_GS_BASE, 0);
  // V bits: mostly defined, some registers wholly or partly undefined; otags: mostly none.
  for (let off = SHADOW_STATE_OFFSET; off < ORIGIN_STATE_OFFSET; off += 8) {
    const k = rng.int(16);
    set(off, k < 13 ? 0n : k < 14 ? 0xffffffffffffffffn : rng.bits(64) & rng.bits(64));
  }
  for (let off = ORIGIN_STATE_OFFSET; off < MEMCHECK_ORIGIN_STATE_SIZE; off += 4) {
    if (rng.int(4) === 0) dv.setUint32(off, 1 + rng.int(64), true);
  }
  return bytes;
}

/** How a run ended, in the terms that must agree (not the statement index, which the
 *  optimiser changes). */
function exitText(e: BlockExit): string {
  switch (e.kind) {
    case 'exit': return `exit ${e.jk} ${hex(e.next)}`;
    case 'trap': return `trap ${e.jk} at ${hex(e.guestAddr ?? 0)}`;
    case 'fault': {
      const f = e.fault;
      const what = f instanceof MemoryFault ? `${f.access} ${hex(f.addr)} ${f.cause}` : String(f);
      return `fault ${what} at ${hex(e.guestAddr ?? 0)}`;
    }
  }
}

function firstDifference(a: Uint8Array, b: Uint8Array, from = 0, to = a.length): number {
  if (Buffer.compare(a.subarray(from, to), b.subarray(from, to)) === 0) return -1;
  for (let i = from; i < to; i++) if (a[i] !== b[i]) return i;
  return -1;
}

const GPR_NAMES = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'];

function stateName(off: number): string {
  const copy = Math.floor(off / SHADOW_STATE_OFFSET);
  const g = off - copy * SHADOW_STATE_OFFSET;
  const what = ['', 'V bits of ', 'otag of '][copy];
  if (g >= 16 && g < 144) return `${what}${GPR_NAMES[(g - 16) >> 3]}+${(g - 16) & 7}`;
  if (g >= 224 && g < 768) return `${what}ymm${(g - 224) >> 5}+${(g - 224) & 31}`;
  return `${what}offset ${g}`;
}

/** What runs a block: the guest alone, or under memcheck (without or with origins). */
interface Mode {
  name: string;
  stateSize: number;
  helpers: HelperSet;
  memcheck: boolean;
}

interface Outcome {
  exit: BlockExit;
  state: Uint8Array;
  memory: Uint8Array[];
  /** Memcheck's: the VA codes of each chunk not wholly unaddressable, the V bits of the
   *  partly defined bytes, its errors and the writes to origin memory. */
  shadow?: { chunks: Map<number, Uint8Array>; partial: string; errors: string; origins: string };
}

/** Origin memory that logs what is written to it. */
class LoggedOriginMemory extends OriginMemory {
  readonly log: string[] = [];
  override setRange(addr: number, len: number, otag: number): void {
    this.log.push(`${hex(addr)}+${len}:${otag}`);
    super.setRange(addr, len, otag);
  }
}

/** One binary's world: its segments mapped as the loader maps them, the random region,
 *  the guest's helpers, and memcheck's shadow memory, origin memory and helpers. */
class World {
  readonly as = new AddressSpace();
  private readonly state: DataView;
  private readonly env;
  private readonly writable: { addr: number; initial: Uint8Array; view: Uint8Array }[] = [];
  private readonly shadow: ShadowMemory;
  /** Shadow memory's primary map (shadow-memory.ts): the secondary of each chunk. */
  private readonly primary: Uint32Array;
  private readonly origins = new LoggedOriginMemory();
  private nextOtag = 0;
  private readonly errors: string[] = [];
  private readonly regions = new Map<number, Uint8Array>();
  readonly guest: Mode;
  readonly memcheck: Mode;
  readonly memcheckOrigins: Mode;

  constructor(private readonly segments: readonly CorpusSegment[]) {
    const { as } = this;
    const map = (addr: number, length: number) => {
      if (as.mmap({ addr, length, perm: PERM_RW, fixed: 'replace' }) < 0) throw new Error(`cannot map ${hex(addr)}`);
    };
    const pages = (s: CorpusSegment) => [pageDown(s.addr), pageUp(s.addr + s.bytes.length) - pageDown(s.addr)] as const;
    for (const s of segments) {
      map(...pages(s));
      as.memory.view(s.addr, s.bytes.length).set(s.bytes);
    }
    for (const s of segments) {
      as.mprotect(...pages(s), (PERM_R | (s.writable ? PERM_RW : 0) | (s.executable ? PERM_X : 0)) as Perm);
      if (s.writable) this.track(...pages(s));
    }
    map(REGION, REGION_SIZE);
    this.track(REGION, REGION_SIZE);
    this.state = new DataView(as.memory.wasmMemory.buffer, THREAD_STATES, MEMCHECK_ORIGIN_STATE_SIZE);
    this.env = { state: this.state, mem: new CheckedMemory(as) };
    this.shadow = shadowMemory(as);
    this.primary = new Uint32Array(as.memory.wasmMemory.buffer, TOOL_AREA, 2 ** 32 / CHUNK_SIZE);

    const guestHelpers = amd64Helpers(() => 0x1234_5678n);
    // An error's stack trace would be unwound from rip, rsp and rbp (the helpers declare
    // that they read them): those must be exact when it is reported.
    const report = (text: string) => {
      const reg = (off: number) => hex(this.state.getBigUint64(off, true));
      this.errors.push(`${text} (rip ${reg(OFFSET_RIP)} rsp ${reg(OFFSET_RSP)} rbp ${reg(OFFSET_GPR(5))})`);
    };
    const sink = {
      addrError: (pc: number, addr: number, size: number, w: boolean) => report(`invalid ${w ? 'write' : 'read'} of ${size} at ${hex(addr)} pc ${hex(pc)}`),
      condError: (pc: number, otag?: number) => report(`conditional jump pc ${hex(pc)} otag ${otag ?? '-'}`),
      valueError: (pc: number, size: number, otag?: number) => report(`uninitialised value of ${size} pc ${hex(pc)} otag ${otag ?? '-'}`),
    };
    const source = { newOrigin: () => 0x1000 + 4 * this.nextOtag++ };
    this.guest = { name: 'optimised', stateSize: GUEST_STATE_SIZE, helpers: new HelperSet(guestHelpers), memcheck: false };
    this.memcheck = {
      name: 'memcheck, optimised', stateSize: MEMCHECK_STATE_SIZE, memcheck: true,
      helpers: new HelperSet([...guestHelpers, ...memcheckHelpers(this.shadow, sink)]),
    };
    this.memcheckOrigins = {
      name: 'memcheck with origins, optimised', stateSize: MEMCHECK_ORIGIN_STATE_SIZE, memcheck: true,
      helpers: new HelperSet([...guestHelpers, ...memcheckHelpers(this.shadow, sink, { memory: this.origins, source })]),
    };
  }

  private track(addr: number, length: number): void {
    const view = this.as.memory.view(addr, length);
    this.writable.push({ addr, initial: view.slice(), view });
  }

  /** The chunks of shadow memory that are not wholly unaddressable. */
  private liveChunks(): number[] {
    const { primary } = this;
    const live: number[] = [];
    // A run of entries at a time (a native memcmp): reading each of the 65536 entries of
    // the shared memory from JavaScript costs more than the blocks being checked.
    const bytes = Buffer.from(primary.buffer, primary.byteOffset, primary.byteLength);
    const step = NO_ACCESS_RUN.length / 4;
    for (let i = 0; i < primary.length; i += step) {
      if (Buffer.compare(bytes.subarray(4 * i, 4 * (i + step)), NO_ACCESS_RUN) === 0) continue;
      for (let j = i; j < i + step; j++) if (primary[j] !== SM_DIST_NOACCESS) live.push(j);
    }
    return live;
  }

  /** Memory, state and (for memcheck) shadow and origin memory as they are before a run. */
  private prepare(seed: number, state: Uint8Array, memcheck: boolean): void {
    for (const w of this.writable) w.view.set(w.initial);
    let region = this.regions.get(seed);
    if (!region) this.regions.set(seed, region = regionImage(seed));
    this.as.memory.view(REGION, REGION_SIZE).set(region);
    new Uint8Array(this.state.buffer, THREAD_STATES, state.length).set(state);
    this.errors.length = 0;
    if (!memcheck) return;
    const sh = this.shadow;
    for (const chunk of this.liveChunks()) sh.makeNoAccess(chunk * CHUNK_SIZE, CHUNK_SIZE);
    // The binary's segments defined, in whole chunks (a partial one costs a real secondary
    // and a write per byte, each run): bytes beyond them are unmapped and fault anyway.
    for (const s of this.segments) {
      const lo = s.addr - (s.addr % CHUNK_SIZE);
      sh.makeDefined(lo, Math.ceil((s.addr + s.bytes.length - lo) / CHUNK_SIZE) * CHUNK_SIZE);
    }
    sh.makeDefined(REGION, REGION_SIZE);
    this.origins.setRange(0, 2 ** 32, 0);
    // Undefined runs (some with an origin), partly defined bytes and unaddressable holes
    // (redzones), by seed.
    const rng = new Random(seed * 104729 + 7);
    const somewhere = () => REGION + rng.int(REGION_SIZE - 64);
    for (let i = 0; i < 48; i++) {
      const [addr, len] = [somewhere(), 1 + rng.int(24)];
      sh.makeUndefined(addr, len);
      if (i % 2) this.origins.setRange(addr, len, 0x100 + i);
    }
    for (let i = 0; i < 48; i++) sh.setVbyte(somewhere(), 1 + rng.int(254));
    for (let i = 0; i < 6; i++) sh.makeNoAccess(somewhere(), 8 + rng.int(24));
    this.origins.log.length = 0;
    this.nextOtag = 0;
  }

  run(sb: IRSB, mode: Mode, seed: number, state: Uint8Array): Outcome {
    this.prepare(seed, state.subarray(0, mode.stateSize), mode.memcheck);
    const exit = compile(sb, mode.helpers).run(this.env);
    return {
      exit,
      state: new Uint8Array(this.state.buffer, THREAD_STATES, mode.stateSize).slice(),
      memory: this.writable.map((w) => w.view.slice()),
      shadow: mode.memcheck ? this.shadowImage() : undefined,
    };
  }

  private shadowImage(): NonNullable<Outcome['shadow']> {
    const chunks = new Map<number, Uint8Array>();
    for (const chunk of this.liveChunks()) chunks.set(chunk, this.as.memory.view(this.primary[chunk]!, SECONDARY_SIZE).slice());
    const partial: string[] = [];
    for (const addr of [...this.shadow.secVBits.keys()].sort((a, b) => a - b)) {
      const v = this.shadow.vbyte(addr);
      if (v !== 0 && v !== 0xff) partial.push(`${addr.toString(16)}:${v.toString(16)}`);
    }
    return { chunks, partial: partial.join(' '), errors: this.errors.join('\n'), origins: this.origins.log.join(' ') };
  }

  /** Where `b` differs from the oracle `a`, or undefined. */
  compare(a: Outcome, b: Outcome): string | undefined {
    const ea = exitText(a.exit);
    const eb = exitText(b.exit);
    if (ea !== eb) return `exit: ${eb}, expected ${ea}`;
    for (let i = 0; i < a.memory.length; i++) {
      const d = firstDifference(a.memory[i]!, b.memory[i]!);
      if (d >= 0) return `memory at ${hex(this.writable[i]!.addr + d)}: ${hex(b.memory[i]![d]!)}, expected ${hex(a.memory[i]![d]!)}`;
    }
    if (a.shadow && b.shadow) {
      const [x, y] = [a.shadow, b.shadow];
      if (x.errors !== y.errors) return `memcheck's errors:\n${y.errors}\nexpected\n${x.errors}`;
      for (const chunk of new Set([...x.chunks.keys(), ...y.chunks.keys()])) {
        const [p, q] = [x.chunks.get(chunk), y.chunks.get(chunk)];
        const d = p && q ? firstDifference(p, q) : 0;
        if (d >= 0) return `A or V bits at ${hex(chunk * CHUNK_SIZE + 4 * d)}..+3 (${q ? '' : 'no '}chunk, expected ${p ? '' : 'none'})`;
      }
      if (x.partial !== y.partial) return `partly defined bytes: ${y.partial}, expected ${x.partial}`;
      if (x.origins !== y.origins) return `writes to origin memory: ${y.origins}, expected ${x.origins}`;
    }
    const ranges = a.exit.kind === 'exit' ? [{ offset: 0, size: a.state.length }] : PRECISE_AT_MEMORY_ACCESS;
    for (const { offset, size } of ranges) {
      const d = firstDifference(a.state, b.state, offset, offset + size);
      if (d >= 0) {
        const at = d - (d % 8);
        const word = (s: Uint8Array) => hex(new DataView(s.buffer).getBigUint64(at, true));
        return `guest state ${stateName(d)}: ${word(b.state)}, expected ${word(a.state)} (after ${ea})`;
      }
    }
    return undefined;
  }
}

interface Coverage {
  runs: number; end: number; sideExit: number; fault: number; trap: number; noDecode: number;
  /** Memcheck's runs that reported an error, and that wrote origin memory. */
  errors: number; originWrites: number;
}

const coverage = (): Coverage => ({ runs: 0, end: 0, sideExit: 0, fault: 0, trap: 0, noDecode: 0, errors: 0, originWrites: 0 });

function count(c: Coverage, sb: IRSB, o: Outcome): void {
  const e = o.exit;
  c.runs++;
  if (sb.jumpkind === 'NoDecode') c.noDecode++;
  else if (e.kind === 'fault') c.fault++;
  else if (e.kind === 'trap') c.trap++;
  else if (e.stmtIndex < sb.stmts.length) c.sideExit++;
  else c.end++;
  if (o.shadow?.errors) c.errors++;
  if (o.shadow?.origins) c.originWrites++;
}

const coverageLine = (c: Coverage) => `${c.runs} runs: ${c.end} to the end, ${c.sideExit} at a side exit, `
  + `${c.fault} faulted, ${c.trap} trapped, ${c.noDecode} NoDecode; ${c.errors} reported errors, ${c.originWrites} wrote origins`;

describe('optimise keeps the meaning of real blocks', () => {
  for (const path of CORPUS_BINARIES) {
    const name = path.split('/').at(-1)!;
    it(`${name}: optimised blocks (and memcheck's, optimised again) run as the unoptimised ones`, () => {
      const { code, starts, segments } = corpusCode(path);
      const world = new World(segments);
      const failures: string[] = [];
      const cov = { guest: coverage(), memcheck: coverage(), origins: coverage() };
      let changed = 0;
      const every = Math.max(1, Math.min(SAMPLE_EVERY, Math.floor(starts.length / MIN_BLOCKS)));
      const sampled = starts.filter((_, i) => i % every === 0);
      sampled.forEach((addr, block) => {
        const lifted = liftSuperblock(code, addr).sb;
        const opt = optimise(lifted, GUEST_OPTIONS);
        if (opt !== lifted) changed++;
        const pairs: [IRSB, IRSB, Mode, Coverage][] = [[lifted, opt, world.guest, cov.guest]];
        const inst = instrument(opt, false);
        pairs.push([inst, optimise(inst, memcheckOptions(false)), world.memcheck, cov.memcheck]);
        if (block % ORIGINS_EVERY === 0) {
          const withOrigins = instrument(opt, true);
          pairs.push([withOrigins, optimise(withOrigins, memcheckOptions(true)), world.memcheckOrigins, cov.origins]);
        }
        for (const [, sb, mode] of pairs) {
          assertSaneIRSB(sb, { guestStateSize: mode.stateSize, helpers: mode.helpers.signature });
        }
        for (const seed of SEEDS) {
          const state = initialState(seed, block, addr);
          for (const [oracle, sb, mode, c] of pairs) {
            const want = world.run(oracle, mode, seed, state);
            const got = world.run(sb, mode, seed, state);
            count(c, oracle, want);
            const diff = world.compare(want, got);
            if (!diff) continue;
            const where = `block ${hex(addr)} seed ${seed}, ${mode.name}: ${diff}`;
            failures.push(failures.length > 0 ? where : `${where}\n--- unoptimised\n${ppIRSB(oracle)}--- optimised\n${ppIRSB(sb)}`);
          }
        }
      });
      console.log(`${name}: ${sampled.length} blocks (${changed} changed by the optimiser), ${SEEDS.length} seeds\n`
        + `  guest:    ${coverageLine(cov.guest)}\n  memcheck: ${coverageLine(cov.memcheck)}\n  origins:  ${coverageLine(cov.origins)}`);
      expect(failures.slice(0, 8).join('\n'), `${failures.length} runs differ`).toBe('');
      expect(changed, 'blocks the optimiser changed').toBeGreaterThan(sampled.length / 2);
      const g = cov.guest;
      expect((g.end + g.sideExit) / (g.runs - g.noDecode), coverageLine(g)).toBeGreaterThanOrEqual(MIN_COMPLETED);
    }, 120_000);
  }
});
