// Oracles for the debug-info tests: the system toolchain (gcc, addr2line,
// objdump, nm, c++filt), gdb for backtraces, and native Valgrind (through
// vgdb's `v.info location`) for what a Valgrind report would say.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseElf, type ElfFile } from '../../src/engine/elf/index.ts';

export const LIBC = '/usr/lib/x86_64-linux-gnu/libc.so.6';
export const LIBSTDCXX = '/usr/lib/x86_64-linux-gnu/libstdc++.so.6';
export const PROGRAMS = join(import.meta.dirname, 'programs');

export const have = (tool: string): boolean => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

export function loadElf(path: string): ElfFile {
  return parseElf(new Uint8Array(readFileSync(path)));
}

/** Compiles C sources with gcc into `dir/name`; `flags` go before the sources, `-l` libraries after. */
export function gcc(dir: string, name: string, sources: string[], flags: string[]): string {
  const out = join(dir, name);
  const libs = flags.filter((f) => f.startsWith('-l'));
  const rest = flags.filter((f) => !f.startsWith('-l'));
  execFileSync('gcc', [...rest, ...sources, ...libs, '-o', out], { stdio: 'pipe' });
  return out;
}

export interface Insn {
  addr: number;
  fn: string;
}

/** Every instruction start of `functions` (all functions if empty), from objdump -d. */
export function instructions(path: string, functions: readonly string[] = []): Insn[] {
  const text = execFileSync('objdump', ['-d', '--no-show-raw-insn', path], { maxBuffer: 1 << 28 }).toString();
  const want = new Set(functions);
  const out: Insn[] = [];
  let fn = '';
  for (const line of text.split('\n')) {
    const head = /^[0-9a-f]+ <(.+)>:$/.exec(line);
    if (head) {
      fn = head[1];
      continue;
    }
    const m = /^\s+([0-9a-f]+):\t/.exec(line);
    if (m && (want.size === 0 || want.has(fn))) out.push({ addr: parseInt(m[1], 16), fn });
  }
  return out;
}

export interface Addr2Line {
  /** Function name (with -f), as addr2line prints it. */
  fn?: string;
  /** File basename, or undefined for no line information. */
  file?: string;
  line?: number;
}

/** `addr2line [-f] -e path` for many addresses at once; discriminators stripped. */
export function addr2line(path: string, addrs: readonly number[], functions = false): Addr2Line[] {
  const input = `${addrs.map((a) => a.toString(16)).join('\n')}\n`;
  const args = functions ? ['-f', '-e', path] : ['-e', path];
  const lines = execFileSync('addr2line', args, { input, maxBuffer: 1 << 28 }).toString().split('\n');
  const out: Addr2Line[] = [];
  let i = 0;
  for (let k = 0; k < addrs.length; k++) {
    const fn = functions ? lines[i++] : undefined;
    const loc = lines[i++].replace(/ \(discriminator \d+\)$/, '');
    const m = /^(.*):(\d+|\?)$/.exec(loc);
    const file = m && m[2] !== '?' && m[2] !== '0' && m[1] !== '??' ? m[1].replace(/^.*\//, '') : undefined;
    out.push({ fn, file, line: file ? Number(m![2]) : undefined });
  }
  return out;
}

/** gdb's `info line *ADDR` for each address: "file:line" (basename), or undefined. */
export function gdbInfoLine(path: string, addrs: readonly number[]): Array<string | undefined> {
  if (addrs.length === 0) return [];
  const args = ['-batch', '-nx', ...addrs.flatMap((a) => ['-ex', `info line *0x${a.toString(16)}`]), path];
  const text = execFileSync('gdb', args, { maxBuffer: 1 << 26 }).toString();
  const out: Array<string | undefined> = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('Line ')) {
      const m = /^Line (\d+) of "([^"]+)"/.exec(line);
      out.push(m ? `${m[2].replace(/^.*\//, '')}:${m[1]}` : undefined);
    } else if (line.startsWith('No line number information')) {
      out.push(undefined);
    }
  }
  return out;
}

/** Defined function symbols from `nm -S`: name, address, size. */
export function nmFunctions(path: string): Array<{ name: string; addr: number; size: number; type: string }> {
  const text = execFileSync('nm', ['-S', '--defined-only', path], { maxBuffer: 1 << 26 }).toString();
  const out: Array<{ name: string; addr: number; size: number; type: string }> = [];
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]+) ([0-9a-f]+) ([TtWwi]) (\S+)$/.exec(line);
    if (m) out.push({ addr: parseInt(m[1], 16), size: parseInt(m[2], 16), type: m[3], name: m[4] });
  }
  return out;
}

/** c++filt over many names at once (it demangles line by line). */
export function cxxfilt(names: readonly string[]): string[] {
  return execFileSync('c++filt', [], { input: `${names.join('\n')}\n`, maxBuffer: 1 << 28 }).toString().split('\n').slice(0, names.length);
}

/** The separate debug file of an installed library, by build-id, if the -dbg package is installed. */
export function installedDebugFile(elf: ElfFile): string | undefined {
  if (!elf.buildId) return undefined;
  const path = `/usr/lib/debug/.build-id/${elf.buildId.slice(0, 2)}/${elf.buildId.slice(2)}.debug`;
  return existsSync(path) ? path : undefined;
}

export interface GdbFrame {
  /** Undefined for `<signal handler called>`. */
  pc?: number;
  signal: boolean;
}

/**
 * Runs `prog args` under gdb to a breakpoint at `breakAt` and returns the
 * backtrace. gdb reads no separate debug files, so that it shows neither
 * inlined frames nor the tail-call frames it reconstructs from call-site
 * information: a CFI unwinder sees neither.
 */
export function gdbBacktrace(prog: string, args: string[], breakAt: string): GdbFrame[] {
  const text = execFileSync('gdb', [
    '-batch', '-nx',
    '-ex', 'set debug-file-directory /nonexistent',
    '-ex', 'handle SIGUSR1 nostop noprint pass',
    '-ex', 'set backtrace past-main on',
    '-ex', 'set print frame-info location-and-address',
    '-ex', `break ${breakAt}`,
    '-ex', 'run',
    '-ex', 'bt',
    '--args', prog, ...args,
  ], { maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  const frames: GdbFrame[] = [];
  for (const line of text.split('\n')) {
    const m = /^#\d+\s+(?:(0x[0-9a-f]+) in |(<signal handler called>))/.exec(line);
    if (m) frames.push(m[2] ? { signal: true } : { pc: parseInt(m[1], 16), signal: false });
  }
  return frames;
}

/**
 * A program stopped under native Valgrind with --vgdb=yes, answering
 * `v.info location ADDR`: Valgrind's own description of a code address,
 * the innermost (possibly inlined) frame first.
 */
export class ValgrindOracle {
  private constructor(
    readonly pid: number,
    private readonly prefix: string,
    private readonly child: ReturnType<typeof spawn>,
  ) {}

  /**
   * Starts `prog` under `valgrind --tool=none --read-inline-info=yes --vgdb=yes`. The program must
   * print a line to stdout once it is ready (its libraries loaded) and then
   * block reading stdin, where vgdb can reach it.
   */
  static async start(prog: string, args: string[], dir: string): Promise<ValgrindOracle> {
    const prefix = join(dir, 'vgdb-pipe');
    // --tool=none reads no inline info unless asked; memcheck, which reports use, reads it.
    const child = spawn('valgrind', ['--tool=none', '--read-inline-info=yes', '--vgdb=yes', `--vgdb-prefix=${prefix}`, prog, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    for (let i = 0; i < 300 && !stdout.includes('\n'); i++) await new Promise((r) => setTimeout(r, 100));
    if (!stdout.includes('\n')) {
      child.kill();
      throw new Error(`valgrind did not come up: ${stderr}`);
    }
    return new ValgrindOracle(child.pid!, prefix, child);
  }

  /** The "at"/"by" lines Valgrind prints for `addr`, as [function, "file:line" or "(in obj)"] pairs. */
  query(addr: number): Array<{ fn: string; where: string }> {
    const r = spawnSync('vgdb', [`--vgdb-prefix=${this.prefix}`, `--pid=${this.pid}`, `v.info location 0x${addr.toString(16)}`], { timeout: 10_000 });
    const out: Array<{ fn: string; where: string }> = [];
    for (const line of `${r.stdout}${r.stderr}`.split('\n')) {
      const m = /^==\d+==\s+(?:at|by) 0x[0-9A-F]+: (.*) \((.*)\)$/.exec(line);
      if (m) out.push({ fn: m[1], where: m[2] });
    }
    return out;
  }

  stop(): void {
    this.child.stdin?.end();
    this.child.kill();
  }
}

export function tempDir(name: string): { path: string; remove(): void } {
  const path = join(execFileSync('mktemp', ['-d', `/tmp/grindlab-${name}-XXXXXX`]).toString().trim());
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
