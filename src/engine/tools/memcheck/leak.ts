// Memcheck's leak checker (mc_leakcheck.c's algorithm, our code). From the roots — every
// thread's registers and every readable mapping that is not the heap itself — every defined,
// aligned word that points at a live block marks it: at its start, still reachable; only
// inside it, possibly lost. Marked blocks are scanned in turn. Then each block still
// unreached leads a clique: the unreached blocks it points to (directly or not) are
// indirectly lost, it is definitely lost. Blocks with the same state and allocation stack
// make one loss record; records are numbered smallest first.
import { PERM_R } from '../../memory/index.ts';
import { OFFSET_GPR } from '../../guest/amd64/state.ts';
import type { MemcheckContext } from './context.ts';
import type { HeapBlock } from './heap.ts';
import type { LeakKind } from './options.ts';

type State = 'unreached' | 'reachable' | 'possible' | 'indirect';

interface Marked {
  block: HeapBlock;
  state: State;
  /** A clique leader: the bytes it keeps indirectly lost. */
  indirectBytes: number;
}

export interface LossRecord {
  kind: LeakKind;
  ips: number[];
  bytes: number;
  indirectBytes: number;
  blocks: number;
}

export interface LeakResult {
  records: LossRecord[];
  totals: Record<LeakKind, { bytes: number; blocks: number }>;
}

export function findLeaks(c: MemcheckContext): LeakResult {
  const blocks = [...c.heap.live.values()].sort((a, b) => a.addr - b.addr).map((block): Marked => ({ block, state: 'unreached', indirectBytes: 0 }));
  const find = (p: number): Marked | undefined => {
    let lo = 0, hi = blocks.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const b = blocks[mid]!.block;
      if (p < b.addr) hi = mid - 1;
      else if (p >= b.addr + Math.max(b.size, 1)) lo = mid + 1;
      else return blocks[mid];
    }
    return undefined;
  };
  const mem = c.core.as.memory;
  /** Each defined, 8-aligned word of [start, end) that points into a block. */
  const pointersIn = (start: number, end: number, each: (m: Marked, atStart: boolean) => void) => {
    // The value first (most words point nowhere), then its A and V bits.
    for (let a = Math.ceil(start / 8) * 8; a + 8 <= end; a += 8) {
      if (mem.readU32(a + 4) !== 0) continue;
      const v = mem.readU32(a);
      const m = find(v);
      if (!m || c.shadow.firstUnaddressable(a, 8) >= 0 || c.shadow.loadV(a, 8) !== 0n) continue;
      each(m, v === m.block.addr);
    }
  };

  // Phase 1: from the roots.
  const work: Marked[] = [];
  const reach = (m: Marked, atStart: boolean) => {
    if (m.state === 'reachable' || (m.state === 'possible' && !atStart)) return;
    m.state = atStart ? 'reachable' : 'possible';
    work.push(m);
  };
  const drain = (each: (m: Marked, atStart: boolean) => void) => {
    while (work.length > 0) {
      const m = work.pop()!;
      pointersIn(m.block.addr, m.block.addr + m.block.size, each);
    }
  };
  for (const state of c.core.threadStates()) {
    for (let r = 0; r < 16; r++) {
      const v = state.getBigUint64(OFFSET_GPR(r), true);
      const m = v <= 0xffff_ffffn ? find(Number(v)) : undefined;
      if (m) reach(m, Number(v) === m.block.addr);
    }
  }
  for (const seg of c.core.as.mappings) {
    if (seg.kind === 'reserved' || !(seg.perm & PERM_R)) continue;
    // The heap's arenas may share a mapping with the guest's own anonymous memory.
    for (const [start, end] of c.heap.outsideArenas(seg.start, seg.end)) {
      pointersIn(start, end, reach);
      drain(reach);
    }
  }
  drain(reach);

  // Phase 2: cliques of the unreached.
  for (const leader of blocks) {
    if (leader.state !== 'unreached') continue;
    const take = (m: Marked) => {
      if (m === leader || m.state !== 'unreached') return;
      m.state = 'indirect';
      leader.indirectBytes += m.block.size + m.indirectBytes;
      m.indirectBytes = 0;
      work.push(m);
    };
    work.push(leader);
    drain(take);
  }

  const kindOf: Record<State, LeakKind> = { unreached: 'definite', indirect: 'indirect', possible: 'possible', reachable: 'reachable' };
  const totals = { definite: { bytes: 0, blocks: 0 }, indirect: { bytes: 0, blocks: 0 }, possible: { bytes: 0, blocks: 0 }, reachable: { bytes: 0, blocks: 0 } };
  const byKey = new Map<string, LossRecord>();
  for (const m of blocks) {
    const kind = kindOf[m.state];
    totals[kind].bytes += m.block.size;
    totals[kind].blocks++;
    const key = `${kind} ${m.block.allocIps.join(',')}`;
    const r = byKey.get(key) ?? { kind, ips: m.block.allocIps, bytes: 0, indirectBytes: 0, blocks: 0 };
    r.bytes += m.block.size;
    r.indirectBytes += m.indirectBytes;
    r.blocks++;
    byKey.set(key, r);
  }
  const records = [...byKey.values()].sort((a, b) => a.bytes + a.indirectBytes - (b.bytes + b.indirectBytes) || a.blocks - b.blocks);
  return { records, totals };
}
