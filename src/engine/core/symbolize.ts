// Code addresses as Valgrind names them in stack traces: `0x40161E: main (f.c:1)` with
// line information, `0x40161E: main (in /tmp/f)` without, `0x40161E: ???` outside any
// known object.
import type { ElfFile, ElfSymbol } from '../elf/index.ts';

interface LoadedObject {
  path: string;
  start: number;
  end: number;
  bias: number;
  /** Function symbols sorted by address. */
  funcs: ElfSymbol[];
}

export class Symbolizer {
  private readonly objects: LoadedObject[] = [];

  /** Register an ELF object mapped at [start, end) with load bias `bias`. */
  addObject(path: string, elf: ElfFile, start: number, end: number, bias: number): void {
    const funcs = [...elf.symbols, ...elf.dynamicSymbols]
      .filter((s) => (s.type === 'FUNC' || s.type === 'GNU_IFUNC') && s.shndx !== 0 && s.name)
      .sort((a, b) => a.value - b.value || rank(b) - rank(a));
    this.objects.push({ path, start, end, bias, funcs });
  }

  /** The function containing addr, if any symbol covers it. */
  functionAt(addr: number): { name: string; object: string } | undefined {
    const obj = this.objects.find((o) => addr >= o.start && addr < o.end);
    if (!obj) return undefined;
    const rel = addr - obj.bias;
    let lo = 0;
    let hi = obj.funcs.length - 1;
    let best: ElfSymbol | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (obj.funcs[mid]!.value <= rel) { best = obj.funcs[mid]; lo = mid + 1; } else hi = mid - 1;
    }
    if (best && (rel < best.value + Math.max(best.size, 1))) return { name: best.name, object: obj.path };
    return { name: '???', object: obj.path };
  }

  /** `0xADDR: name (in /path)` — the text after `at ` / `by ` in a stack trace. */
  describe(addr: number): string {
    const hex = `0x${addr.toString(16).toUpperCase()}`;
    const f = this.functionAt(addr);
    if (!f) return `${hex}: ???`;
    return `${hex}: ${f.name} (in ${f.object})`;
  }

  /** Frames as Valgrind prints them: `   at ...` then `   by ...`. */
  frames(addrs: number[]): string[] {
    return addrs.map((a, i) => `   ${i === 0 ? 'at' : 'by'} ${this.describe(a)}`);
  }
}

function rank(s: ElfSymbol): number {
  return s.bind === 'GLOBAL' ? 2 : s.bind === 'WEAK' ? 1 : 0;
}
