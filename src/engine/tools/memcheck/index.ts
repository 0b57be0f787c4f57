// Memcheck: the tool. Shadow memory and the instrumentation pass (shadow-memory.ts,
// instrument.ts) find the errors as blocks run; this module wires them to the core's
// events — new and dead memory, syscalls, redirected allocation and string functions,
// client requests — and prints the final report: HEAP SUMMARY, the leak check, and the
// ERROR SUMMARY.
import type { ToolDescriptor } from '../../core/tool.ts';
import { OFFSET_GPR } from '../../guest/amd64/state.ts';
import { TOOL_AREA, TOOL_AREA_SIZE } from '../../memory/reserved.ts';
import { clientRequests } from './client-requests.ts';
import { MemcheckContext } from './context.ts';
import { Heap } from './heap.ts';
import { instrumentMemcheck } from './instrument.ts';
import { type LeakResult, findLeaks } from './leak.ts';
import { mallocReplacements } from './malloc-replacements.ts';
import { DEFAULT_MEMCHECK_OPTIONS, type LeakKind, type MemcheckOptions } from './options.ts';
import { printLeakReport } from './leak-report.ts';
import { addrError, condError, valueError } from './reports.ts';
import { memcheckHelpers } from './shadow-helpers.ts';
import { ShadowMemory } from './shadow-memory.ts';
import { MEMCHECK_ORIGIN_STATE_SIZE, MEMCHECK_STATE_SIZE, SHADOW_STATE_OFFSET } from './shadow-state.ts';
import { OriginTracker } from './origin-tracker.ts';
import { stringReplacements } from './string-replacements.ts';
import { SyscallChecks, memoryEvents } from './syscalls.ts';

export const PRELOAD = '/usr/libexec/valgrind/vgpreload_memcheck-amd64-linux.so';

export const MEMCHECK_BANNER = {
  name: 'Memcheck',
  description: 'a memory error detector',
  copyright: "Copyright (C) 2002-2022, and GNU GPL'd, by Julian Seward et al.",
};

export function memcheckTool(o: MemcheckOptions = DEFAULT_MEMCHECK_OPTIONS): ToolDescriptor {
  return {
    name: 'memcheck',
    // --track-origins=yes: a third copy of the registers, their otags.
    stateSize: o.trackOrigins ? MEMCHECK_ORIGIN_STATE_SIZE : MEMCHECK_STATE_SIZE,
    readInlineInfo: true,
    create(core) {
      const shadow = new ShadowMemory(core.as.memory.view(TOOL_AREA, TOOL_AREA_SIZE));
      const c = new MemcheckContext(core, shadow, new Heap(core.as, shadow, o.freelistVol, o.freelistBigBlocks), o);
      if (o.trackOrigins) c.origins = new OriginTracker((pc) => c.stack(pc));
      const origins = c.origins;
      const syscalls = new SyscallChecks(c);
      const originAux = (otag?: number) => origins?.aux(otag) ?? [];
      const helpers = memcheckHelpers(shadow, {
        addrError: (pc, addr, size, isWrite) => c.report(addrError(c.stack(pc), size, isWrite, c.describe(addr))),
        condError: (pc, otag) => { c.valueErrorSeen = true; c.report(condError(c.stack(pc), originAux(otag))); },
        valueError: (pc, size, otag) => { c.valueErrorSeen = true; c.report(valueError(c.stack(pc), size, originAux(otag))); },
      }, origins && { memory: origins.memory, source: origins });
      const leakCheck = (mode: 'summary' | 'full'): LeakResult => {
        const leaks = findLeaks(c);
        printLeakReport(c, leaks, mode);
        return leaks;
      };
      return {
        banner: { ...MEMCHECK_BANNER, notes: optionNotes(o) },
        helpers,
        inspect: {
          shadow: (addr, len) => shadow.snapshot(addr, len),
          heapBlocks: () => [
            ...[...c.heap.live.values()].map((b) => ({ addr: b.addr, size: b.size, state: 'live' as const, allocIps: b.allocIps })),
            ...c.heap.freed.map((b) => ({ addr: b.addr, size: b.size, state: 'freed' as const, allocIps: b.allocIps, freeIps: b.freeIps })),
          ],
        },
        replacements: {
          preload: PRELOAD, functions: [...mallocReplacements(c), ...stringReplacements(c)],
          // A replacement's result is defined, whatever its arguments were.
          returned: (state) => state.setBigUint64(SHADOW_STATE_OFFSET + OFFSET_GPR(0), 0n, true),
        },
        instrument: (sb) => instrumentMemcheck(sb, { undefValueErrors: o.undefValueErrors, trackOrigins: o.trackOrigins }),
        memDefined: (addr, len) => shadow.makeDefined(addr, len),
        memory: memoryEvents(c),
        preSyscall: (spec, args, pc) => syscalls.pre(spec, args, pc),
        postSyscall: (spec, args, result) => syscalls.post(spec, args, result),
        clientRequest: clientRequests(c, leakCheck),
        fini(exited) {
          if (exited) runFreeres(c);
          // -q: errors only, as Valgrind at verbosity 0 — loss records are errors, summaries are not.
          if (!core.quiet) printHeapSummary(c);
          if (o.leakCheck !== 'no') leakCheck(o.leakCheck);
          if (core.quiet) return undefined;
          if (c.valueErrorSeen && !o.trackOrigins) core.log.line('Use --track-origins=yes to see where uninitialised values come from');
          core.errors.printSummary();
          return undefined;
        },
      };
    },
  };
}

/** mc_main.c's warnings about option values, printed after the banner. */
function optionNotes(o: MemcheckOptions): string[] {
  if (o.freelistBigBlocks < o.freelistVol) return [];
  return [
    `Warning: --freelist-big-blocks value ${o.freelistBigBlocks} has no effect`,
    `as it is >= to --freelist-vol value ${o.freelistVol}`,
  ];
}

/** Valgrind runs glibc's __libc_freeres (and libstdc++'s __gnu_cxx::__freeres) before
 *  the final report, so the buffers they keep for the life of the process are not leaks. */
function runFreeres(c: MemcheckContext): void {
  for (const name of ['_ZN9__gnu_cxx9__freeresEv', '__libc_freeres']) {
    const addr = c.core.addressOf(name);
    if (addr !== undefined) c.core.callGuest(addr, []);
  }
}

export const thousands = (n: number) => n.toLocaleString('en-US');

function printHeapSummary(c: MemcheckContext): void {
  const h = c.heap;
  let bytes = 0;
  for (const b of h.live.values()) bytes += b.size;
  const log = c.core.log;
  log.line('HEAP SUMMARY:');
  log.line(`    in use at exit: ${thousands(bytes)} bytes in ${thousands(h.live.size)} blocks`);
  log.line(`  total heap usage: ${thousands(h.allocs)} allocs, ${thousands(h.frees)} frees, ${thousands(h.bytesAllocated)} bytes allocated`);
  log.line();
}

export type { LeakKind };
