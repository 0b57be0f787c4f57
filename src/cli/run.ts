// `grindlab [options] prog [args]`: run a program under the engine, Valgrind-style.
import { appendFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { Machine } from '../engine/core/machine.ts';
import { bannerLines, printBanner } from '../engine/core/output.ts';
import { XmlOutput } from '../engine/core/xml.ts';
import { SuppressionSyntaxError, parseSuppressions } from '../engine/core/suppressions.ts';
import type { ToolDescriptor } from '../engine/core/tool.ts';
import type { ToolRunOptions } from '../engine/core/tool-runtime.ts';
import { NONE_TOOL } from '../engine/tools/none.ts';
import { memcheckTool } from '../engine/tools/memcheck/index.ts';
import { ElfError, parseElf } from '../engine/elf/index.ts';
import { ExecError } from '../engine/kernel/loader.ts';
import { mountHostView } from './host-fs.ts';
import type { RunOptions } from './options.ts';
import { NodeTerminal } from './terminal.ts';
import { UsageError } from './options.ts';

/** Find the program as a shell would: a name without a slash is looked up in PATH. */
function resolveProgram(name: string): string {
  if (name.includes('/')) return name;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const p = join(dir, name);
    if (statSync(p, { throwIfNoEntry: false })?.isFile()) return p;
  }
  throw new UsageError(`${name}: command not found`);
}

function readProgram(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `${path}: No such file or directory` : `${path}: cannot read (${code})`);
  }
}

/** The bundled glibc runtime, unpacked in the sandbox as the browser unpacks it. */
function sandboxSysroot(): Uint8Array {
  // The project root holds public/; this module runs from src/cli or from the bundle in
  // node_modules/.cache, so look upward for it.
  let root = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(root, 'public/sysroot/manifest.json'))) {
    if (dirname(root) === root) throw new UsageError('the bundled sysroot (public/sysroot) is missing: run npm run sysroot');
    root = dirname(root);
  }
  const manifest = JSON.parse(readFileSync(join(root, 'public/sysroot/manifest.json'), 'utf8')) as { image: string };
  return gunzipSync(readFileSync(join(root, 'public/sysroot', manifest.image)));
}

/** Runs the program; returns the exit status a shell would see. */
export function runProgram(o: RunOptions): number {
  const path = resolveProgram(o.program);
  const bytes = readProgram(path);
  // --xml=yes: the report goes to --xml-file in XML, and, as under valgrind, none of the
  // text report is written.
  const xml = o.xml && o.xmlFile ? (writeFileSync(o.xmlFile, ''), new XmlOutput((t) => appendFileSync(o.xmlFile!, t), (p) => (o.sandbox ? p : resolve(p)))) : undefined;
  const logSink = xml ? () => {}
    : o.logFile ? (writeFileSync(o.logFile, ''), (t: string) => appendFileSync(o.logFile!, t))
    : (t: string) => process.stderr.write(t);
  let machine: Machine;
  try {
    machine = new Machine({
      program: bytes, path, args: o.args, env: guestEnvironment(o.sandbox), seed: o.seed, log: logSink,
      trace: o.traceIR ? { ir: o.traceIR, notBelow: o.traceNotBelow } : undefined,
      mainStackSize: o.mainStackSize, terminal: new NodeTerminal(), checkIR: o.checkIR, traceSymtab: o.traceSymtab,
      // Outside the sandbox the guest is the user running the CLI, as under valgrind.
      ...(!o.sandbox && { uid: process.getuid?.() ?? 1000, gid: process.getgid?.() ?? 1000 }),
      cwd: o.sandbox ? undefined : resolve('.'),
      mountHost: o.sandbox ? undefined : (system) => mountHostView(system, resolve('.')),
      sysroot: o.sandbox && isDynamic(bytes) ? sandboxSysroot() : undefined,
      tool: selectTool(o), toolOptions: toolRunOptions(o, xml), backend: o.backend, optimiseWhenHot: true,
      sched: { quantum: o.schedSlice, fair: o.fairSched, trace: o.traceSched },
    });
  } catch (e) {
    if (e instanceof ElfError || e instanceof ExecError) {
      process.stderr.write(`grindlab: ${path}: ${e.message}\n`);
      return 126;
    }
    throw e;
  }
  const log = machine.log;
  if (xml) {
    // valgrind's own command line: its executable and the options before the program.
    const options = process.argv.slice(2, Math.max(2, process.argv.length - 1 - o.args.length));
    xml.preamble({
      tool: o.tool, banner: bannerLines(machine.tools.tool.banner, [o.program, ...o.args]), pid: machine.proc.pid, ppid: process.pid,
      vargv: [process.argv[1] ?? 'grindlab', ...options], argv: [o.program, ...o.args],
    });
  } else if (!o.quiet) printBanner(log, machine.tools.tool.banner, [o.program, ...o.args]);
  // Unbounded, run() comes back only at the end or when a syscall blocks; the CLI's
  // terminal reads block in the host, so a block here is a wait nothing can end (an
  // empty pipe with this one thread as its only writer).
  const result = machine.run();
  if (o.stats) machine.printStats();
  if (result.kind === 'exited' && !o.quiet) log.line();
  if (result.kind !== 'running') machine.finish(result);
  const errorStatus = o.errorExitcode !== 0 && machine.tools.errors.count > 0 ? o.errorExitcode : undefined;
  if (result.kind === 'exited') return errorStatus ?? result.status;
  if (result.kind === 'killed') return 128 + result.signal;
  log.line('grindlab: the program blocked waiting for input that can never arrive.');
  return 1;
}

function selectTool(o: RunOptions): ToolDescriptor {
  return o.tool === 'memcheck' ? memcheckTool(o.memcheck) : NONE_TOOL;
}

function toolRunOptions(o: RunOptions, xml: XmlOutput | undefined): ToolRunOptions {
  const suppressions = o.suppressionFiles.flatMap((f) => {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      throw new UsageError(`FATAL: can't open suppressions file "${f}"`);
    }
    try {
      return parseSuppressions(text, f);
    } catch (e) {
      if (e instanceof SuppressionSyntaxError) throw new UsageError(e.message);
      throw e;
    }
  });
  return {
    numCallers: o.numCallers, quiet: o.quiet,
    errors: { genSuppressions: o.genSuppressions, errorLimit: o.errorLimit, suppressions, listErrors: o.listErrors, xml },
  };
}

/** Whether the program asks for an ELF interpreter (PT_INTERP), i.e. needs shared libraries. */
function isDynamic(bytes: Uint8Array): boolean {
  try {
    return parseElf(bytes).interp !== undefined;
  } catch {
    return false; // the Machine reports the bad ELF
  }
}

/** The guest's environment: the host's, or in the sandbox a small fixed one. */
function guestEnvironment(sandbox: boolean): string[] {
  if (sandbox) return ['HOME=/home/user', 'PATH=/usr/local/bin:/usr/bin:/bin', 'LANG=C.UTF-8', 'TERM=xterm-256color', 'USER=user'];
  return Object.entries(process.env).map(([k, v]) => `${k}=${v}`);
}
