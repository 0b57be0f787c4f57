// `objdump -d` for a whole ELF file: every executable section, `<symbol>:` headers,
// branch targets and %rip-relative comments annotated with `<symbol+0xoff>`.
import type { ElfFile, ElfSymbol, Section } from '../elf/index.ts';
import { sectionBytes } from '../elf/index.ts';
import { listRegion } from '../guest/amd64/listing.ts';

const SHT_PROGBITS = 1;
const SHF_EXECINSTR = 0x4;

export interface DisassembleOptions {
  /** Only these sections (default: every executable section, as objdump -d). */
  sections?: string[];
  /** objdump -w: one line per instruction. */
  wide?: boolean;
  /** Shown in the `file format` line. */
  fileName?: string;
}

/** Sorted function-like symbols with their names, for labels and address lookups. */
class SymbolIndex {
  private readonly addrs: number[] = [];
  private readonly names: string[] = [];
  readonly labels = new Map<number, string>();

  constructor(symbols: ElfSymbol[]) {
    const usable = symbols
      .filter((s) => s.name !== '' && s.shndx !== 0 && s.type !== 'SECTION' && s.type !== 'FILE')
      .sort((a, b) => a.value - b.value || rank(b) - rank(a));
    for (const s of usable) {
      if (this.labels.has(s.value)) continue; // the highest-ranked symbol names the address
      this.labels.set(s.value, s.name);
      this.addrs.push(s.value);
      this.names.push(s.name);
    }
  }

  /** `name` or `name+0xoff` for the closest symbol at or below addr. */
  lookup = (addr: number): string | undefined => {
    let lo = 0;
    let hi = this.addrs.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.addrs[mid] <= addr) { found = mid; lo = mid + 1; } else hi = mid - 1;
    }
    if (found < 0) return undefined;
    const off = addr - this.addrs[found];
    return off ? `${this.names[found]}+0x${off.toString(16)}` : this.names[found];
  };
}

/** Prefer typed symbols, then global over weak over local, as objdump's choice mostly does. */
function rank(s: ElfSymbol): number {
  const typed = s.type === 'FUNC' || s.type === 'GNU_IFUNC' || s.type === 'OBJECT';
  return (typed ? 4 : 0) + (s.bind === 'GLOBAL' ? 2 : s.bind === 'WEAK' ? 1 : 0);
}

function isCode(s: Section): boolean {
  return s.type === SHT_PROGBITS && (s.flags & SHF_EXECINSTR) !== 0 && s.size > 0;
}

export function* disassembleElf(elf: ElfFile, opts: DisassembleOptions = {}): Generator<string> {
  const index = new SymbolIndex(elf.symbols.length ? elf.symbols : elf.dynamicSymbols);
  yield '';
  yield `${opts.fileName ?? ''}:     file format elf64-x86-64`;
  yield '';
  const wanted = elf.sections.filter((s) => (opts.sections ? opts.sections.includes(s.name) : isCode(s)));
  for (const sec of wanted) {
    yield '';
    yield `Disassembly of section ${sec.name}:`;
    const labels = new Map(index.labels);
    if (!labels.has(sec.addr)) labels.set(sec.addr, sec.name);
    yield* listRegion({ bytes: sectionBytes(elf, sec), addr: sec.addr },
      { labels, symbolize: index.lookup, wide: opts.wide });
  }
}
