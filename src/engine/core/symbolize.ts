// Code addresses as Valgrind names them, and stack traces as it walks them:
// `at 0x40161E: main (f.c:1)` with line information, `main (in /tmp/f)` without,
// `???` outside any known function; caller frames are shown at return address - 1,
// and a trace ends at main or at a below-main function.
import type { ElfFile } from '../elf/index.ts';
import {
  type InlineIndex, type LineIndex, type SymbolIndex, type Unwinder, type UnwindRegs, type ReadU64,
  buildInlineIndex, buildLineIndex, buildSymbolIndex, buildUnwinder, demangle, fnNameKind,
} from '../elf/index.ts';

interface LoadedObject {
  path: string;
  start: number;
  end: number;
  bias: number;
  elf: ElfFile;
  /** The object's own file, when `elf` is its separate debug file. */
  stripped?: ElfFile;
  /** Built on first use: a run that prints no stack never needs them, and reading a
   *  library's symbols costs more than starting it. */
  symbols?: SymbolIndex;
  unwinder?: Unwinder;
  lines?: LineIndex;
  inlines?: InlineIndex;
}

/** One frame's parts, as Valgrind's XML output gives them. */
export interface FrameInfo {
  ip: number;
  obj?: string;
  fn?: string;
  dir?: string;
  file?: string;
  line?: number;
}

/** One frame as Valgrind prints it: `0xADDR: name (file.c:12)`, `0xADDR: name (in /path)`,
 *  or `0xADDR: ???`. */
export function formatFrame(f: FrameInfo): string {
  const where = f.file !== undefined && f.line !== undefined ? ` (${f.file}:${f.line})` : f.obj !== undefined ? ` (in ${f.obj})` : '';
  return `0x${f.ip.toString(16).toUpperCase()}: ${f.fn ?? '???'}${where}`;
}

/** Valgrind's default --num-callers. */
export const NUM_CALLERS = 12;

export class Symbolizer {
  private readonly objects: LoadedObject[] = [];
  /** --read-inline-info: Valgrind's default for memcheck, not for none. When set, an
   *  address in inlined code is shown as one frame per inlined call (frames()). */
  readInlineInfo = false;

  /** Register an ELF object mapped at [start, end) with load bias `bias`, and its
   *  separate debug file if there is one (symbols and line tables come from both). */
  addObject(path: string, elf: ElfFile, start: number, end: number, bias: number, debug?: ElfFile): void {
    this.objects.push({ path, start, end, bias, elf: debug ?? elf, ...(debug && { stripped: elf }) });
  }

  private symbolsOf(o: LoadedObject): SymbolIndex {
    o.symbols ??= o.stripped ? buildSymbolIndex(o.stripped, o.elf) : buildSymbolIndex(o.elf);
    return o.symbols;
  }

  private unwinderOf(o: LoadedObject): Unwinder {
    o.unwinder ??= o.stripped ? buildUnwinder(o.stripped, o.bias, o.elf) : buildUnwinder(o.elf, o.bias);
    return o.unwinder;
  }

  hasObjectAt(addr: number): boolean {
    return this.objectAt(addr) !== undefined;
  }

  private objectAt(addr: number): LoadedObject | undefined {
    return this.objects.find((o) => addr >= o.start && addr < o.end);
  }

  private lines(o: LoadedObject): LineIndex {
    o.lines ??= buildLineIndex(o.elf);
    return o.lines;
  }

  /** The function at addr (its name demangled) and addr's offset into it. */
  private functionAt(addr: number): { name: string; offset: number } | undefined {
    const o = this.objectAt(addr);
    const hit = o && this.symbolsOf(o).lookup(addr - o.bias);
    return hit && { name: this.demangled(hit.symbol.name), offset: hit.offset };
  }

  /** Demangled symbol names, as they are asked for: memcheck unwinds the stack at every
   *  malloc and free, and the unwinder looks at each frame's function name. */
  private readonly names = new Map<string, string>();

  private demangled(symbol: string): string {
    let name = this.names.get(symbol);
    if (name === undefined) this.names.set(symbol, name = demangle(symbol) ?? symbol);
    return name;
  }

  /** `name+0xoff` as debuggers spell an address (kdb, gdb), or undefined outside any
   *  known function. */
  symbolOffset(addr: number): string | undefined {
    const f = this.functionAt(addr);
    return f && `${f.name}+0x${f.offset.toString(16)}`;
  }

  /** A function's address by its symbol name, in the first object that has it (the
   *  program before its libraries, as they were loaded). */
  addressOf(name: string): number | undefined {
    for (const o of this.objects) {
      const s = this.symbolsOf(o).byName(name);
      if (s) return s.addr + o.bias;
    }
    return undefined;
  }

  /** The path of the object mapped at addr. */
  objectPath(addr: number): string | undefined {
    return this.objectAt(addr)?.path;
  }

  /** The function name at addr, demangled, or undefined. */
  functionName(addr: number): string | undefined {
    return this.functionAt(addr)?.name;
  }

  /** The frames Valgrind shows for one code address: with --read-inline-info, one per
   *  inlined call holding it (innermost first, each at the line it reached), then the
   *  function the symbol table names, at the line of the outermost call. */
  describeAll(addr: number): string[] {
    return this.frameInfo(addr).map(formatFrame);
  }

  /** The function the symbol table names at addr, at addr's own line, ignoring inlining. */
  describe(addr: number): string {
    return formatFrame(this.frameInfo(addr, false)[0]!);
  }

  /** describeAll's frames as fields (Valgrind's XML <frame>: ip, obj, fn, dir, file, line);
   *  what is unknown is left out. */
  frameInfo(addr: number, inline = this.readInlineInfo): FrameInfo[] {
    const o = this.objectAt(addr);
    if (!o) return [{ ip: addr }];
    const name = this.functionName(addr);
    const fn = name && fnNameKind(name) === 'below-main' ? '(below main)' : name;
    let loc: { file: string; dir: string; line: number } | undefined = this.lines(o).lookup(addr - o.bias);
    const out: FrameInfo[] = [];
    if (inline) {
      o.inlines ??= buildInlineIndex(o.elf);
      for (const call of o.inlines.lookup(addr - o.bias)) {
        out.push({ ip: addr, obj: o.path, fn: call.fn, ...loc });
        loc = { file: call.callFile, dir: call.callDir, line: call.callLine };
      }
    }
    out.push({ ip: addr, obj: o.path, fn, ...loc });
    return out;
  }

  /** The addresses of a stack trace: pc, then each caller's return address - 1. Valgrind's
   *  traces end at main or below it; a debugger's (`endAtMain` false) go on while they can. */
  stackTrace(regs: UnwindRegs, read: ReadU64, max = NUM_CALLERS, endAtMain = true): number[] {
    return this.stackFrames(regs, read, max, endAtMain).map((f) => f.ip);
  }

  /** stackTrace's frames, each with its %rsp (a frame's locals are in [sp, caller's sp)). */
  stackFrames(regs: UnwindRegs, read: ReadU64, max = NUM_CALLERS, endAtMain = true): { ip: number; sp: number }[] {
    const frames = [{ ip: regs.rip, sp: regs.rsp }];
    let r = regs;
    while (frames.length < max) {
      const name = this.functionName(frames[frames.length - 1]!.ip);
      if (endAtMain && name && fnNameKind(name) !== 'normal') break;
      const o = this.objectAt(r.rip);
      const step = o && this.unwinderOf(o).unwindStep({ ...r, rip: frames.length === 1 ? r.rip : r.rip - 1 }, read);
      if (!step || step.rip <= 1) break;
      r = { rip: step.rip, rsp: step.rsp, rbp: step.rbp };
      frames.push({ ip: step.rip - 1, sp: step.rsp });
    }
    return frames;
  }

  /** `fn (file:line)` naming the function at ip by the line of its first instruction, as
   *  Valgrind's "in frame #N, created by ..." does; undefined outside any known function. */
  functionCreatedAt(ip: number): string | undefined {
    const o = this.objectAt(ip);
    const f = this.functionAt(ip);
    if (!o || !f) return undefined;
    const file = this.lines(o).lookup(ip - o.bias)?.file;
    const line = file === undefined ? undefined : this.lines(o).lookup(ip - f.offset - o.bias)?.line;
    return `${f.name} (${file ?? '???'}:${line ?? ''})`;
  }

  /** `fn+0xoff /path+0xoff` for trace headers, as valgrind's SB lines show a block's place. */
  whereIs(addr: number): string {
    const o = this.objectAt(addr);
    if (!o) return '???';
    const f = this.functionAt(addr);
    const fn = f ? `${f.name}+0x${f.offset.toString(16)}` : '???';
    return `${fn} ${o.path}+0x${(addr - o.bias).toString(16)}`;
  }

  /** Frames as Valgrind prints them: `   at ...` then `   by ...`. */
  frames(addrs: number[]): string[] {
    return addrs.flatMap((a) => this.describeAll(a)).map((d, i) => `   ${i === 0 ? 'at' : 'by'} ${d}`);
  }
}
