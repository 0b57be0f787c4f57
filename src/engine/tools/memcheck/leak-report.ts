// The leak check's report: loss records in Valgrind's wording (--leak-check=full), the
// LEAK SUMMARY, and the hints Valgrind prints after it (under -q, the records alone).
import type { ToolError } from '../../core/errors.ts';
import type { MemcheckContext } from './context.ts';
import type { LeakResult, LossRecord } from './leak.ts';
import type { LeakKind } from './options.ts';

const WORDS: Record<LeakKind, string> = {
  definite: 'definitely lost', indirect: 'indirectly lost', possible: 'possibly lost', reachable: 'still reachable',
};

/** memcheck's xml_leak_kind. */
const XML_KIND: Record<LeakKind, string> = {
  definite: 'Leak_DefinitelyLost', indirect: 'Leak_IndirectlyLost', possible: 'Leak_PossiblyLost', reachable: 'Leak_StillReachable',
};

const n = (x: number) => x.toLocaleString('en-US');

function headline(r: LossRecord, i: number, total: number): string {
  const bytes = r.indirectBytes > 0 ? `${n(r.bytes + r.indirectBytes)} (${n(r.bytes)} direct, ${n(r.indirectBytes)} indirect)` : n(r.bytes);
  return `${bytes} bytes in ${n(r.blocks)} blocks are ${WORDS[r.kind]} in loss record ${n(i)} of ${n(total)}`;
}

export function printLeakReport(c: MemcheckContext, leaks: LeakResult, mode: 'summary' | 'full'): void {
  const log = c.core.log;
  const { records, totals } = leaks;
  const quiet = c.core.quiet;
  if (records.length === 0) {
    if (quiet) return;
    log.line('All heap blocks were freed -- no leaks are possible');
    log.line();
    return;
  }
  let suppressed = { bytes: 0, blocks: 0 };
  const shownTotals = structuredClone(totals);
  records.forEach((r, i) => {
    const e: ToolError = {
      supp: 'Leak', suppExtra: r.kind, xmlKind: XML_KIND[r.kind], key: '', what: headline(r, i + 1, records.length), ips: r.ips, aux: [],
      leak: { bytes: r.bytes + r.indirectBytes, blocks: r.blocks },
    };
    const print = () => {
      log.line(e.what);
      log.lines(c.core.errors.formatFrames(r.ips));
      log.line();
    };
    const show = mode === 'full' && c.o.showLeakKinds.has(r.kind);
    const isError = mode === 'full' && c.o.errorsForLeakKinds.has(r.kind);
    if (isError || show) {
      const shown = c.core.errors.reportUnique(e, show ? print : undefined, isError);
      if (!shown) {
        suppressed = { bytes: suppressed.bytes + r.bytes, blocks: suppressed.blocks + r.blocks };
        shownTotals[r.kind].bytes -= r.bytes;
        shownTotals[r.kind].blocks -= r.blocks;
      }
    }
  });
  if (quiet) return;
  log.line('LEAK SUMMARY:');
  log.line(`   definitely lost: ${n(shownTotals.definite.bytes)} bytes in ${n(shownTotals.definite.blocks)} blocks`);
  log.line(`   indirectly lost: ${n(shownTotals.indirect.bytes)} bytes in ${n(shownTotals.indirect.blocks)} blocks`);
  log.line(`     possibly lost: ${n(shownTotals.possible.bytes)} bytes in ${n(shownTotals.possible.blocks)} blocks`);
  log.line(`   still reachable: ${n(shownTotals.reachable.bytes)} bytes in ${n(shownTotals.reachable.blocks)} blocks`);
  log.line(`        suppressed: ${n(suppressed.bytes)} bytes in ${n(suppressed.blocks)} blocks`);
  if (mode === 'summary') {
    log.line('Rerun with --leak-check=full to see details of leaked memory');
  } else if (!c.o.showLeakKinds.has('reachable') && totals.reachable.blocks > 0) {
    log.line('Reachable blocks (those to which a pointer was found) are not shown.');
    log.line('To see them, rerun with: --leak-check=full --show-leak-kinds=all');
  }
  log.line();
}
