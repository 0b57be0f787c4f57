// Valgrind's command line: core options first, then the program and its arguments.
import { BACKEND_KINDS, type BackendKind } from '../engine/backend/backend.ts';
import { ToolOptionError, type ToolCommandOptions, applyToolOption, defaultToolCommandOptions } from '../engine/core/tool-options.ts';

/** The tool options (shared with the playground) and the core's own. */
export interface RunOptions extends ToolCommandOptions {
  tool: (typeof TOOLS)[number];
  traceIR?: 'before' | 'after' | 'both';
  traceNotBelow: number;
  seed: number;
  sandbox: boolean;
  logFile?: string;
  /** --xml=yes: the report in Valgrind's XML protocol 4, to --xml-file. */
  xml: boolean;
  xmlFile?: string;
  mainStackSize?: number;
  /** --check-ir: verify every block's IR after lifting and after each optimiser pass. */
  checkIR: boolean;
  /** --stats=yes: translation and execution counts at exit. */
  stats: boolean;
  /** --trace-symtab=yes: which objects' symbols and debug information were read. */
  traceSymtab: boolean;
  /** --backend=interp|wasm: what runs the translated blocks. */
  backend: BackendKind;
  /** --fair-sched=yes: threads take turns in order rather than as the seed picks. */
  fairSched: boolean;
  /** --sched-slice=N: blocks a thread runs before the scheduler picks again (varied by the seed). */
  schedSlice?: number;
  /** --trace-sched=yes: every thread creation, switch, wait, wake and exit. */
  traceSched: boolean;
  program: string;
  args: string[];
}

export type Command =
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'disassemble'; file: string; wide: boolean; sections: string[] }
  | { kind: 'run'; options: RunOptions };

export class UsageError extends Error {}

const TOOLS = ['none', 'memcheck'] as const;

function intValue(name: string, v: string): number {
  if (!/^(0x[0-9a-f]+|\d+)$/i.test(v)) throw new UsageError(`Bad option: ${name}=${v}`);
  return Number(v);
}

function yesNo(option: string, v: string | undefined): boolean {
  if (v !== 'yes' && v !== 'no') throw new UsageError(`Bad option: ${option} (use yes or no)`);
  return v === 'yes';
}

export function parseCommandLine(argv: string[]): Command {
  let disassemble: string | undefined;
  let wide = false;
  const sections: string[] = [];
  const o: Omit<RunOptions, 'program' | 'args'> = {
    tool: 'memcheck', xml: false, traceNotBelow: 0, seed: 1, sandbox: false, checkIR: false, stats: false, traceSymtab: false,
    backend: 'wasm', fairSched: false, traceSched: false,
    ...defaultToolCommandOptions(),
  };
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('-')) break;
    const eq = a.indexOf('=');
    const [name, value] = eq < 0 ? [a, undefined] : [a.slice(0, eq), a.slice(eq + 1)];
    switch (name) {
      case '-h': case '--help': return { kind: 'help' };
      case '--version': return { kind: 'version' };
      case '-q': case '--quiet': o.quiet = true; break;
      case '-w': case '--wide': wide = true; break;
      case '-d': case '--disassemble':
        disassemble = value ?? argv[++i];
        if (disassemble === undefined) throw new UsageError('--disassemble needs a FILE');
        break;
      case '--section': sections.push(value ?? ''); break;
      case '--tool':
        if (!TOOLS.includes(value as never)) throw new UsageError(`tool '${value}' is not available yet (available: ${TOOLS.join(', ')})`);
        o.tool = value as RunOptions['tool'];
        break;
      case '--trace-ir':
        if (value !== 'before' && value !== 'after' && value !== 'both') throw new UsageError(`Bad option: ${a} (use before, after or both)`);
        o.traceIR = value;
        break;
      case '--trace-notbelow': o.traceNotBelow = intValue(name, value ?? ''); break;
      case '--seed': o.seed = intValue(name, value ?? ''); break;
      case '--sandbox': o.sandbox = true; break;
      case '--log-file': o.logFile = value; break;
      case '--xml': o.xml = yesNo(a, value); break;
      case '--xml-file': o.xmlFile = value; break;
      case '--main-stacksize': o.mainStackSize = intValue(name, value ?? ''); break;
      case '--check-ir': o.checkIR = true; break;
      case '--stats': o.stats = yesNo(a, value); break;
      case '--trace-symtab': o.traceSymtab = yesNo(a, value); break;
      case '--fair-sched': o.fairSched = yesNo(a, value); break;
      case '--trace-sched': o.traceSched = yesNo(a, value); break;
      case '--sched-slice':
        o.schedSlice = intValue(name, value ?? '');
        if (o.schedSlice < 2) throw new UsageError(`Bad option: ${a} (at least 2 blocks)`);
        break;
      case '--backend':
        if (!BACKEND_KINDS.includes(value as BackendKind)) throw new UsageError(`Bad option: ${a} (use ${BACKEND_KINDS.join(' or ')})`);
        o.backend = value as BackendKind;
        break;
      default:
        try {
          if (applyToolOption(o, a)) break;
        } catch (e) {
          if (e instanceof ToolOptionError) throw new UsageError(e.message);
          throw e;
        }
        throw new UsageError(`Unknown option: ${a}`);
    }
  }
  if (o.xml && !o.xmlFile) throw new UsageError('Bad option: --xml=yes, but no XML destination specified (use --xml-file=FILE)');
  if (disassemble !== undefined) return { kind: 'disassemble', file: disassemble, wide, sections };
  const program = argv[i];
  if (program === undefined) throw new UsageError('no program specified');
  return { kind: 'run', options: { ...o, program, args: argv.slice(i + 1) } };
}
