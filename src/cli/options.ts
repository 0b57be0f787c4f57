// Valgrind's command line: core options first, then the program and its arguments.
import { DEFAULT_MEMCHECK_OPTIONS, type MemcheckOptions, parseLeakKinds } from '../engine/tools/memcheck/options.ts';

export interface RunOptions {
  tool: (typeof TOOLS)[number];
  memcheck: MemcheckOptions;
  /** --num-callers: frames in each stack trace. */
  numCallers: number;
  /** --error-limit=no shows every error context. */
  errorLimit: boolean;
  /** --error-exitcode: the exit status when errors were found (0: the program's own). */
  errorExitcode: number;
  /** -s / --show-error-list=yes */
  listErrors: boolean;
  suppressionFiles: string[];
  genSuppressions: 'no' | 'all';
  quiet: boolean;
  traceIR?: 'before' | 'after' | 'both';
  traceNotBelow: number;
  seed: number;
  sandbox: boolean;
  logFile?: string;
  mainStackSize?: number;
  /** --check-ir: verify every block's IR after lifting and after each optimiser pass. */
  checkIR: boolean;
  /** --stats=yes: translation and execution counts at exit. */
  stats: boolean;
  /** --trace-symtab=yes: which objects' symbols and debug information were read. */
  traceSymtab: boolean;
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
    tool: 'none', quiet: false, traceNotBelow: 0, seed: 1, sandbox: false, checkIR: false, stats: false, traceSymtab: false,
    memcheck: { ...DEFAULT_MEMCHECK_OPTIONS }, numCallers: 12, errorLimit: true, errorExitcode: 0, listErrors: false,
    suppressionFiles: [], genSuppressions: 'no',
  };
  const leakKinds = (v: string | undefined) => {
    const k = parseLeakKinds(v ?? '');
    if (!k) throw new UsageError(`Bad option: ${v} (use definite,indirect,possible,reachable, all or none)`);
    return k;
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
      case '--main-stacksize': o.mainStackSize = intValue(name, value ?? ''); break;
      case '--check-ir': o.checkIR = true; break;
      case '--stats': o.stats = yesNo(a, value); break;
      case '--trace-symtab': o.traceSymtab = yesNo(a, value); break;
      case '--num-callers': o.numCallers = Math.min(500, Math.max(1, intValue(name, value ?? ''))); break;
      case '--error-limit': o.errorLimit = yesNo(a, value); break;
      case '--error-exitcode': o.errorExitcode = intValue(name, value ?? ''); break;
      case '-s': o.listErrors = true; break;
      case '--show-error-list': o.listErrors = yesNo(a, value); break;
      case '--suppressions': o.suppressionFiles.push(value ?? ''); break;
      case '--gen-suppressions':
        if (value !== 'no' && value !== 'all') throw new UsageError(`Bad option: ${a} (grindlab supports no and all)`);
        o.genSuppressions = value;
        break;
      case '--leak-check':
        if (value === 'yes') o.memcheck.leakCheck = 'full';
        else if (value === 'no' || value === 'summary' || value === 'full') o.memcheck.leakCheck = value;
        else throw new UsageError(`Bad option: ${a}`);
        break;
      case '--show-leak-kinds': o.memcheck.showLeakKinds = leakKinds(value); break;
      case '--errors-for-leak-kinds': o.memcheck.errorsForLeakKinds = leakKinds(value); break;
      case '--show-reachable': if (yesNo(a, value)) o.memcheck.showLeakKinds = leakKinds('all'); break;
      case '--freelist-vol': o.memcheck.freelistVol = intValue(name, value ?? ''); break;
      case '--undef-value-errors': o.memcheck.undefValueErrors = yesNo(a, value); break;
      case '--track-origins':
        if (yesNo(a, value)) throw new UsageError('--track-origins=yes is not available yet');
        break;
      default: throw new UsageError(`Unknown option: ${a}`);
    }
  }
  if (disassemble !== undefined) return { kind: 'disassemble', file: disassemble, wide, sections };
  const program = argv[i];
  if (program === undefined) throw new UsageError('no program specified');
  return { kind: 'run', options: { ...o, program, args: argv.slice(i + 1) } };
}
