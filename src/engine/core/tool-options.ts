// The tool options of Valgrind's command line (error reporting and memcheck's own), parsed
// one word at a time by the CLI (src/cli/options.ts) and the playground's worker alike, so
// `--leak-check=full` means the same in both.
import { DEFAULT_MEMCHECK_OPTIONS, type MemcheckOptions, parseLeakKinds } from '../tools/memcheck/options.ts';
import type { ToolRunOptions } from './tool-runtime.ts';
import type { Suppression } from './suppressions.ts';

export interface ToolCommandOptions {
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
  /** -q: errors only, no banner or summaries. */
  quiet: boolean;
}

/** A tool option with a bad value; the message is the CLI's usage error. */
export class ToolOptionError extends Error {}

export function defaultToolCommandOptions(): ToolCommandOptions {
  return {
    memcheck: { ...DEFAULT_MEMCHECK_OPTIONS }, numCallers: 12, errorLimit: true, errorExitcode: 0, listErrors: false,
    suppressionFiles: [], genSuppressions: 'no', quiet: false,
  };
}

function intValue(name: string, v: string): number {
  if (!/^(0x[0-9a-f]+|\d+)$/i.test(v)) throw new ToolOptionError(`Bad option: ${name}=${v}`);
  return Number(v);
}

function yesNo(option: string, v: string | undefined): boolean {
  if (v !== 'yes' && v !== 'no') throw new ToolOptionError(`Bad option: ${option} (use yes or no)`);
  return v === 'yes';
}

function leakKinds(v: string | undefined) {
  const k = parseLeakKinds(v ?? '');
  if (!k) throw new ToolOptionError(`Bad option: ${v} (use definite,indirect,possible,reachable, all or none)`);
  return k;
}

/** Applies one command-line word to `o` if it is a tool option: true if it was one, false
 *  if not (the caller's own option, or unknown); ToolOptionError for a bad value. */
export function applyToolOption(o: ToolCommandOptions, a: string): boolean {
  const eq = a.indexOf('=');
  const [name, value] = eq < 0 ? [a, undefined] : [a.slice(0, eq), a.slice(eq + 1)];
  switch (name) {
    case '-q': case '--quiet': o.quiet = true; break;
    case '--num-callers': o.numCallers = Math.min(500, Math.max(1, intValue(name, value ?? ''))); break;
    case '--error-limit': o.errorLimit = yesNo(a, value); break;
    case '--error-exitcode': o.errorExitcode = intValue(name, value ?? ''); break;
    case '-s': o.listErrors = true; break;
    case '--show-error-list': o.listErrors = yesNo(a, value); break;
    case '--suppressions': o.suppressionFiles.push(value ?? ''); break;
    case '--gen-suppressions':
      if (value !== 'no' && value !== 'all') throw new ToolOptionError(`Bad option: ${a} (grindlab supports no and all)`);
      o.genSuppressions = value;
      break;
    case '--leak-check':
      if (value === 'yes') o.memcheck.leakCheck = 'full';
      else if (value === 'no' || value === 'summary' || value === 'full') o.memcheck.leakCheck = value;
      else throw new ToolOptionError(`Bad option: ${a}`);
      break;
    case '--show-leak-kinds': o.memcheck.showLeakKinds = leakKinds(value); break;
    case '--errors-for-leak-kinds': o.memcheck.errorsForLeakKinds = leakKinds(value); break;
    case '--show-reachable': if (yesNo(a, value)) o.memcheck.showLeakKinds = leakKinds('all'); break;
    case '--freelist-vol': o.memcheck.freelistVol = intValue(name, value ?? ''); break;
    case '--freelist-big-blocks': o.memcheck.freelistBigBlocks = intValue(name, value ?? ''); break;
    case '--undef-value-errors': o.memcheck.undefValueErrors = yesNo(a, value); break;
    case '--track-origins': o.memcheck.trackOrigins = yesNo(a, value); break;
    default: return false;
  }
  return true;
}

/** A whole list of tool options (the playground's field): unknown words are errors. */
export function parseToolOptions(words: readonly string[]): ToolCommandOptions {
  const o = defaultToolCommandOptions();
  for (const w of words) if (!applyToolOption(o, w)) throw new ToolOptionError(`Unknown option: ${w}`);
  return o;
}

/** The core's run options from the parsed ones, with the suppression files already read. */
export function toolRunOptions(o: ToolCommandOptions, suppressions: Suppression[]): ToolRunOptions {
  return {
    numCallers: o.numCallers, quiet: o.quiet,
    errors: { genSuppressions: o.genSuppressions, errorLimit: o.errorLimit, suppressions, listErrors: o.listErrors },
  };
}
