// Memcheck's client requests (memcheck.h) and the heap requests of valgrind.h
// (MALLOCLIKE_BLOCK, FREELIKE_BLOCK): the program tells memcheck about memory it manages.
import type { ClientRequestHandler } from '../../core/tool.ts';
import type { MemcheckContext } from './context.ts';
import type { LeakResult } from './leak.ts';
import { clientCheckError } from './reports.ts';
import { guestString } from '../../core/client-printf.ts';

const MC_BASE = 0x4d43_0000; // VG_USERREQ_TOOL_BASE('M','C')
const MAKE_MEM_NOACCESS = MC_BASE + 0;
const MAKE_MEM_UNDEFINED = MC_BASE + 1;
const MAKE_MEM_DEFINED = MC_BASE + 2;
const DISCARD = MC_BASE + 3;
const CHECK_MEM_IS_ADDRESSABLE = MC_BASE + 4;
const CHECK_MEM_IS_DEFINED = MC_BASE + 5;
const DO_LEAK_CHECK = MC_BASE + 6;
const COUNT_LEAKS = MC_BASE + 7;
const CREATE_BLOCK = MC_BASE + 10;
const MAKE_MEM_DEFINED_IF_ADDRESSABLE = MC_BASE + 11;
const COUNT_LEAK_BLOCKS = MC_BASE + 12;
const MALLOCLIKE_BLOCK = 0x1301;
const FREELIKE_BLOCK = 0x1302;

export function clientRequests(c: MemcheckContext, leakCheck: (mode: 'summary' | 'full') => LeakResult): ClientRequestHandler {
  const shadow = c.shadow;
  let lastLeaks: LeakResult | undefined;
  /** COUNT_LEAKS writes four longs through its pointer arguments. */
  const writeCounts = (args: bigint[], pick: (t: LeakResult['totals'][keyof LeakResult['totals']]) => number) => {
    if (!lastLeaks) return;
    const t = lastLeaks.totals;
    [t.definite, t.possible, t.reachable, t.reachable].forEach((k, i) => {
      // valgrind.h's order: leaked (definite+indirect), dubious, reachable, suppressed.
      const v = i === 0 ? pick(t.definite) + pick(t.indirect) : i === 3 ? 0 : pick(k);
      const out = new Uint8Array(8);
      new DataView(out.buffer).setBigUint64(0, BigInt(v), true);
      c.core.as.writeBytes(Number(args[i + 1]), out);
      shadow.makeDefined(Number(args[i + 1]), 8);
    });
  };
  return (args, pc) => {
    const [req, a1, a2] = [Number(args[0]), Number(args[1]), Number(args[2])];
    switch (req) {
      case MAKE_MEM_NOACCESS: shadow.makeNoAccess(a1, a2); return 1n;
      case MAKE_MEM_UNDEFINED:
        shadow.makeUndefined(a1, a2);
        c.origins?.made(a1, a2, 'client-request', c.stack(pc));
        return 1n;
      case MAKE_MEM_DEFINED: shadow.makeDefined(a1, a2); return 1n;
      case MAKE_MEM_DEFINED_IF_ADDRESSABLE:
        for (let i = 0; i < a2; i++) if (shadow.addressable(a1 + i)) shadow.setVbyte(a1 + i, 0);
        return 1n;
      case CHECK_MEM_IS_ADDRESSABLE: {
        const bad = shadow.firstUnaddressable(a1, a2);
        if (bad < 0) return 0n;
        c.report(clientCheckError(c.stack(pc), 'unaddressable', c.describe(bad)));
        return BigInt(bad);
      }
      case CHECK_MEM_IS_DEFINED: {
        const bad = shadow.checkDefined(a1, a2);
        if (!bad) return 0n;
        if (bad.kind === 'undefined') c.valueErrorSeen = true;
        const origin = bad.kind === 'undefined' ? c.origins?.auxAt(bad.addr) ?? [] : [];
        c.report(clientCheckError(c.stack(pc), bad.kind, [...c.describe(bad.addr), ...origin]));
        return BigInt(bad.addr);
      }
      case DO_LEAK_CHECK: lastLeaks = leakCheck(a1 === 0 ? 'full' : 'summary'); return 0n;
      case COUNT_LEAKS: writeCounts(args, (t) => t.bytes); return 0n;
      case COUNT_LEAK_BLOCKS: writeCounts(args, (t) => t.blocks); return 0n;
      case CREATE_BLOCK: {
        // As memcheck: the first free handle; no block for a zero address or size.
        if (a1 === 0 || a2 === 0) return -1n;
        const blocks = c.clientBlocks;
        let h = blocks.indexOf(undefined);
        if (h < 0) h = blocks.length;
        blocks[h] = { addr: a1, size: a2, desc: guestString(c.core.as, args[3]!), ips: c.stack(pc) };
        return BigInt(h);
      }
      case DISCARD: {
        // The handle is the second argument; 1 for one that is not in use.
        const h = args[2]!;
        if (h >= BigInt(c.clientBlocks.length) || !c.clientBlocks[Number(h)]) return 1n;
        c.clientBlocks[Number(h)] = undefined;
        return 0n;
      }
      case MALLOCLIKE_BLOCK: {
        const b = { addr: a1, size: a2, kind: 'custom' as const, allocIps: c.stack(pc) };
        c.heap.live.set(a1, b);
        c.heap.allocs++;
        c.heap.bytesAllocated += a2;
        if (args[4] !== 0n) shadow.makeDefined(a1, a2);
        else { shadow.makeUndefined(a1, a2); c.origins?.made(a1, a2, 'heap', b.allocIps); }
        return 0n;
      }
      case FREELIKE_BLOCK: {
        const b = c.heap.live.get(a1);
        if (b) { c.heap.live.delete(a1); c.heap.frees++; shadow.makeNoAccess(a1, b.size); }
        return 0n;
      }
      default: return undefined;
    }
  };
}
