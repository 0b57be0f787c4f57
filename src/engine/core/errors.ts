// The error manager (Valgrind's m_errormgr): a tool reports an error with its stack; the
// manager folds repeats of the same kind at the same stack into one context, applies
// suppressions, prints the first of each context as it happens, and keeps the counts for
// "ERROR SUMMARY: N errors from M contexts (suppressed: S from T)".
import type { ValgrindLog } from './output.ts';
import { type FrameInfo, formatFrame } from './symbolize.ts';
import type { XmlOutput } from './xml.ts';
import { type Suppression, matchSuppression, suppressionText } from './suppressions.ts';

/** A line after the error's stack (" Address 0x.. is ..."), with its own stack if any. */
export interface AuxWhat {
  text: string;
  ips?: number[];
}

export interface ToolError {
  /** The suppression kind after "Memcheck:" (Addr4, Cond, Value8, Param, Free, Leak ...). */
  supp: string;
  /** A suppression's extra line (a Param error's "write(buf)"). */
  suppExtra?: string;
  /** XML <kind> (InvalidWrite, UninitCondition ...). */
  xmlKind: string;
  /** Besides kind and stack, what makes two errors the same context (an access size). */
  key: string;
  what: string;
  ips: number[];
  aux: AuxWhat[];
  /** A loss record's bytes (direct and indirect) and blocks: XML's <leakedbytes>. */
  leak?: { bytes: number; blocks: number };
  /** Valgrind's number of the thread it happened in (the manager fills it in). */
  tid?: number;
}

/** How frames are named: the symbolizer's text, and the names suppressions match. */
export interface FrameNames {
  /** The function at ip (as suppressions' fun: lines match it), or undefined. */
  fnName(ip: number): string | undefined;
  objPath(ip: number): string | undefined;
  /** The frames of one code address (more than one when it is in inlined code). */
  frameInfo(ip: number): FrameInfo[];
}

export interface ErrorOptions {
  genSuppressions: 'no' | 'all';
  /** --error-limit=yes: stop showing errors after 1000 contexts / 10,000,000 errors. */
  errorLimit: boolean;
  suppressions: Suppression[];
  /** `-s`: list the contexts at exit. */
  listErrors: boolean;
  /** --xml=yes: errors go to the XML output instead of the text report. */
  xml?: XmlOutput;
}

interface Context {
  error: ToolError;
  count: number;
  /** Valgrind's error number (XML <unique>): every error recorded takes one, repeats and
   *  suppressed ones included. */
  unique: number;
}

const MAX_CONTEXTS_SHOWN = 1000;
const MAX_ERRORS_SHOWN = 10_000_000;

export class ErrorManager {
  /** Contexts in the order they were found. */
  private readonly contexts: Context[] = [];
  private readonly byKey = new Map<string, Context>();
  private errors = 0;
  private suppressedErrors = 0;
  private readonly suppressedBy = new Map<Suppression, number>();
  private stoppedShowing = false;
  private unique = 0;
  /** The thread of the last error printed: Valgrind heads an error from another with
   *  `Thread N:`, the main thread (1) included. */
  private lastTid = 1;

  constructor(
    private readonly log: ValgrindLog, private readonly frames: FrameNames, private readonly o: ErrorOptions,
    /** The running thread's number. */
    private readonly thread: () => number = () => 1,
  ) {}

  /** `   at 0x..: fn (file:line)` then `   by ...`. */
  formatFrames(ips: number[]): string[] {
    return ips.flatMap((ip) => this.frames.frameInfo(ip)).map((f, i) => `   ${i === 0 ? 'at' : 'by'} ${formatFrame(f)}`);
  }

  /** Records an error; prints it if it starts a new context that is not suppressed. */
  report(e: ToolError): void {
    e.tid ??= this.thread();
    const unique = this.unique++;
    if (this.suppressed(e)) return;
    const key = `${e.supp}\u0000${e.key}\u0000${e.ips.join(',')}`;
    const known = this.byKey.get(key);
    this.errors++;
    if (known) { known.count++; return; }
    if (this.stoppedShowing) return;
    if (this.o.errorLimit && (this.contexts.length >= MAX_CONTEXTS_SHOWN || this.errors >= MAX_ERRORS_SHOWN)) {
      this.stoppedShowing = true;
      this.log.line();
      this.log.line(`More than ${this.contexts.length >= MAX_CONTEXTS_SHOWN ? MAX_CONTEXTS_SHOWN : MAX_ERRORS_SHOWN} different errors detected.  I'm not reporting any more.`);
      this.log.line('Final error counts will be inaccurate.  Go fix your program!');
      this.log.line('Rerun with --error-limit=no to disable this cutoff.  Note');
      this.log.line('that errors may occur in your program without prior warning from');
      this.log.line('Valgrind, because errors are no longer being displayed.');
      this.log.line();
      return;
    }
    const c = { error: e, count: 1, unique };
    this.contexts.push(c);
    this.byKey.set(key, c);
    if (this.o.xml) this.o.xml.error(e, unique, (ip) => this.frames.frameInfo(ip));
    else this.print(e);
  }

  /** A leak is reported once, at the leak check: as an error (`countAsError`) it counts
   *  as its own context; `print` shows it (undefined: not shown). Returns whether it was
   *  not suppressed. */
  reportUnique(e: ToolError, print: (() => void) | undefined, countAsError = true): boolean {
    const unique = this.unique++;
    if (this.suppressed(e)) return false;
    if (countAsError) {
      this.errors++;
      this.contexts.push({ error: e, count: 1, unique });
    }
    if (this.o.xml) {
      if (print) this.o.xml.error(e, unique, (ip) => this.frames.frameInfo(ip));
    } else {
      print?.();
      if (countAsError) this.printSuppression(e);
    }
    return true;
  }

  /** --xml=yes, at the very end: each context's count (newest first, as valgrind keeps
   *  them; leaks are not among them), the suppressions used, the closing tag. */
  finishXml(): void {
    const counts = this.contexts.filter((c) => c.error.supp !== 'Leak').reverse().map((c) => ({ count: c.count, unique: c.unique }));
    this.o.xml?.finish(counts, [...this.suppressedBy].map(([s, count]) => ({ count, name: s.name })));
  }

  /** False, counting it, when a suppression matches e (a leak shown but not an error). */
  notSuppressed(e: ToolError): boolean {
    return !this.suppressed(e);
  }

  /** Whether a suppression matches e (it then counts as suppressed). */
  private suppressed(e: ToolError): boolean {
    const s = this.o.suppressions.find((sup) => matchSuppression(sup, e, this.frames));
    if (!s) return false;
    this.suppressedErrors++;
    this.suppressedBy.set(s, (this.suppressedBy.get(s) ?? 0) + 1);
    return true;
  }

  private print(e: ToolError): void {
    const tid = e.tid ?? 1;
    if (tid !== this.lastTid) this.log.line(`Thread ${tid}:`);
    this.lastTid = tid;
    this.log.line(e.what);
    this.log.lines(this.formatFrames(e.ips));
    for (const a of e.aux) {
      this.log.line(` ${a.text}`);
      if (a.ips) this.log.lines(this.formatFrames(a.ips));
    }
    this.log.line();
    this.printSuppression(e);
  }

  private printSuppression(e: ToolError): void {
    if (this.o.genSuppressions === 'all') this.log.raw(suppressionText(e, this.frames));
  }

  /** The contexts shown so far, in the order found, with their counts (the playground's
   *  errors panel). */
  get shown(): readonly { readonly error: ToolError; readonly count: number }[] {
    return this.contexts;
  }

  /** Errors counted so far (VALGRIND_COUNT_ERRORS, --error-exitcode). */
  get count(): number {
    return this.errors;
  }

  /** The `-s` listing (fewest first, as Valgrind shows them) and the summary line. */
  printSummary(): void {
    if (this.o.listErrors) {
      this.printSummaryLine();
      // Valgrind keeps its list newest first and repeatedly shows the least frequent.
      const shown = this.contexts.filter((c) => c.error.supp !== 'Leak').reverse();
      const order = shown.map((c, i) => ({ c, i })).sort((a, b) => a.c.count - b.c.count || a.i - b.i);
      order.forEach(({ c }, i) => {
        this.log.line();
        this.log.line(`${c.count} errors in context ${i + 1} of ${this.contexts.length}:`);
        this.print(c.error);
      });
      if (this.suppressedBy.size > 0) {
        this.log.line();
        for (const [s, n] of this.suppressedBy) this.log.line(`used_suppression: ${n.toString().padStart(6)} ${s.name} ${s.source}`);
        this.log.line();
      }
    } else {
      this.log.line('For lists of detected and suppressed errors, rerun with: -s');
    }
    this.printSummaryLine();
  }

  private printSummaryLine(): void {
    const suppressedContexts = this.suppressedBy.size;
    this.log.line(`ERROR SUMMARY: ${this.errors} errors from ${this.contexts.length} contexts (suppressed: ${this.suppressedErrors} from ${suppressedContexts})`);
  }
}
