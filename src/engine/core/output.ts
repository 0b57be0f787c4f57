// Valgrind's text output: every line of the tool's report starts with `==PID== `, and
// the core's own warnings with `--PID-- `. A Sink receives finished text (the CLI writes
// it to stderr or --log-file, the worker to the terminal panel).

export type Sink = (text: string) => void;

export class ValgrindLog {
  /** A client message (VALGRIND_PRINTF) left its line open: Valgrind's one message
   *  buffer then continues that line with the next message, prefix-less. */
  private open = false;

  constructor(private readonly sink: Sink, private readonly pid: number) {}

  /** `==PID== text` (an empty text gives Valgrind's `==PID== ` separator line). */
  line(text = ''): void {
    this.sink(`${this.prefix(`==${this.pid}== `)}${text}\n`);
  }

  /** The client's text (VALGRIND_PRINTF): `**PID** ` starts each line. */
  client(text: string): void {
    let out = '';
    for (const ch of text) {
      out += this.prefix(`**${this.pid}** `) + ch;
      this.open = ch !== '\n';
    }
    if (out) this.sink(out);
  }

  private prefix(p: string): string {
    if (!this.open) return p;
    this.open = false;
    return '';
  }

  lines(texts: string[]): void {
    for (const t of texts) this.line(t);
  }

  /** Text without the `==PID==` prefix (the suppressions --gen-suppressions prints). */
  raw(text: string): void {
    this.sink(text);
  }

  /** `--PID-- text`: the core's messages (unhandled syscalls, warnings). */
  core(text: string): void {
    this.sink(`${this.prefix(`--${this.pid}-- `)}${text}\n`);
  }
}

export interface ToolBanner {
  /** "Nulgrind", "Memcheck" ... */
  name: string;
  description: string;
  copyright: string;
  /** What the tool says about its options once the banner is out (Valgrind's
   *  post-command-line warnings). */
  notes?: string[];
}

export const NONE_BANNER: ToolBanner = {
  name: 'Nulgrind',
  description: 'the minimal Valgrind tool',
  copyright: 'A grindlab tool after Nulgrind by Nicholas Nethercote.',
};

export const GRINDLAB_VERSION = '0.1.0';

/** The preamble, in the layout Valgrind 3.19 prints before the program starts (our own
 *  words: the fidelity contract normalises the banner away). */
export function printBanner(log: ValgrindLog, tool: ToolBanner, command: string[]): void {
  log.lines(bannerLines(tool, command));
  log.line();
  log.lines(tool.notes ?? []);
}

/** The banner's lines (also the XML output's <preamble>). */
export function bannerLines(tool: ToolBanner, command: string[]): string[] {
  return [
    `${tool.name}, ${tool.description}`,
    tool.copyright,
    `Using grindlab-${GRINDLAB_VERSION}, a TypeScript engine in Valgrind 3.19's image; rerun with -h for copyright info`,
    `Command: ${command.join(' ')}`,
  ];
}
