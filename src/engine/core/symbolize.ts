// Code addresses as Valgrind names them, and stack traces as it walks them:
// `at 0x40161E: main (f.c:1)` with line information, `main (in /tmp/f)` without,
// `???` outside any known function; caller frames are shown at return address - 1,
// and a trace ends at main or at a below-main function.
import type { ElfFile } from '../elf/index.ts';
import {
  type LineIndex, type SymbolIndex, type Unwinder, type UnwindRegs, type ReadU64,
  buildLineIndex, buildSymbolIndex, buildUnwinder, demangle, fnNameKind,
} from '../elf/index.ts';

interface LoadedObject {
  path: string;
  start: number;
  end: number;
  bias: number;
  elf: ElfFile;
  symbols: SymbolIndex;
  unwinder: Unwinder;
  /** Built on first use: most runs never print a source location. */
  lines?: LineIndex;
}

/** Valgrind's default --num-callers. */
export const NUM_CALLERS = 12;

export class Symbolizer {
  private readonly objects: LoadedObject[] = [];

  /** Register an ELF object mapped at [start, end) with load bias `bias`, and its
   *  separate debug file if there is one (symbols and line tables come from both). */
  addObject(path: string, elf: ElfFile, start: number, end: number, bias: number, debug?: ElfFile): void {
    this.objects.push({
      path, start, end, bias, elf: debug ?? elf, symbols: buildSymbolIndex(elf, debug), unwinder: buildUnwinder(elf, bias, debug),
    });
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
    const hit = o?.symbols.lookup(addr - o.bias);
    return hit && { name: demangle(hit.symbol.name) ?? hit.symbol.name, offset: hit.offset };
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
      const s = o.symbols.byName(name);
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

  /** `0xADDR: name (file.c:12)`, `0xADDR: name (in /path)`, or `0xADDR: ???`. */
  describe(addr: number): string {
    const hex = `0x${addr.toString(16).toUpperCase()}`;
    const o = this.objectAt(addr);
    if (!o) return `${hex}: ???`;
    const name = this.functionName(addr);
    const kind = name ? fnNameKind(name) : 'normal';
    const shown = kind === 'below-main' ? '(below main)' : name ?? '???';
    const loc = this.lines(o).lookup(addr - o.bias);
    return loc ? `${hex}: ${shown} (${loc.file}:${loc.line})` : `${hex}: ${shown} (in ${o.path})`;
  }

  /** The addresses of a stack trace: pc, then each caller's return address - 1. Valgrind's
   *  traces end at main or below it; a debugger's (`endAtMain` false) go on while they can. */
  stackTrace(regs: UnwindRegs, read: ReadU64, max = NUM_CALLERS, endAtMain = true): number[] {
    const ips = [regs.rip];
    let r = regs;
    while (ips.length < max) {
      const name = this.functionName(ips[ips.length - 1]!);
      if (endAtMain && name && fnNameKind(name) !== 'normal') break;
      const o = this.objectAt(r.rip);
      const step = o?.unwinder.unwindStep({ ...r, rip: ips.length === 1 ? r.rip : r.rip - 1 }, read);
      if (!step || step.rip <= 1) break;
      r = { rip: step.rip, rsp: step.rsp, rbp: step.rbp };
      ips.push(step.rip - 1);
    }
    return ips;
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
    return addrs.map((a, i) => `   ${i === 0 ? 'at' : 'by'} ${this.describe(a)}`);
  }
}
