import { ElfError } from './errors.ts';
import { hex, isSafe, type ByteReader } from './reader.ts';
import { SHT_DYNSYM, SHT_SYMTAB_SHNDX, linkedStrings, type Section } from './sections.ts';
import { symbolVersions } from './versions.ts';

export type SymbolType = 'NOTYPE' | 'OBJECT' | 'FUNC' | 'SECTION' | 'FILE' | 'TLS' | 'GNU_IFUNC' | number;
export type SymbolBind = 'LOCAL' | 'GLOBAL' | 'WEAK' | 'GNU_UNIQUE' | number;

export interface ElfSymbol {
  name: string;
  value: number;
  size: number;
  type: SymbolType;
  bind: SymbolBind;
  /** STV_DEFAULT 0, INTERNAL 1, HIDDEN 2, PROTECTED 3. */
  visibility: number;
  /** Section index, or SHN_UNDEF 0 / SHN_ABS 0xfff1 / SHN_COMMON 0xfff2. */
  shndx: number;
  /** Symbol version of a .dynsym entry, e.g. 'GLIBC_2.2.5'. */
  version?: string;
}

const SYM_SIZE = 24;
const SHN_XINDEX = 0xffff;

const TYPES: Record<number, SymbolType> = {
  0: 'NOTYPE', 1: 'OBJECT', 2: 'FUNC', 3: 'SECTION', 4: 'FILE', 6: 'TLS', 10: 'GNU_IFUNC',
};
const BINDS: Record<number, SymbolBind> = { 0: 'LOCAL', 1: 'GLOBAL', 2: 'WEAK', 10: 'GNU_UNIQUE' };

/**
 * Symbols of the first section of `type` (SHT_SYMTAB or SHT_DYNSYM), entry 0
 * included so that positions match symbol indexes. A symbol whose value or size
 * does not fit a number exactly is dropped (from then on positions shift).
 */
export function parseSymbols(r: ByteReader, sections: Section[], type: number): ElfSymbol[] {
  const index = sections.findIndex((s) => s.type === type);
  if (index < 0) return [];
  const table = sections[index];
  if (table.entsize !== SYM_SIZE || table.size % SYM_SIZE !== 0) {
    throw new ElfError(
      `${table.name}: sh_entsize ${table.entsize}, sh_size ${hex(table.size)} (symbols are ${SYM_SIZE} bytes each)`,
    );
  }
  const count = table.size / SYM_SIZE;
  const names = linkedStrings(r.bytes, sections, table);
  const extendedIndexes = extendedIndexesOf(r, sections, index, count);
  const versions = type === SHT_DYNSYM ? symbolVersions(r, sections, count) : undefined;

  const symbols: ElfSymbol[] = [];
  for (let i = 0; i < count; i++) {
    const base = table.offset + i * SYM_SIZE;
    const value = r.u64Big(base + 8);
    const size = r.u64Big(base + 16);
    if (!isSafe(value) || !isSafe(size)) continue;
    const info = r.u8(base + 4);
    const shndx = r.u16(base + 6);
    const symbol: ElfSymbol = {
      name: names.get(r.u32(base)),
      value: Number(value),
      size: Number(size),
      type: TYPES[info & 0xf] ?? info & 0xf,
      bind: BINDS[info >> 4] ?? info >> 4,
      visibility: r.u8(base + 5) & 3,
      shndx: shndx === SHN_XINDEX && extendedIndexes ? extendedIndexes(i) : shndx,
    };
    const version = versions?.(i);
    if (version !== undefined) symbol.version = version;
    symbols.push(symbol);
  }
  return symbols;
}

/** SHT_SYMTAB_SHNDX: full section indexes for symbols whose st_shndx is SHN_XINDEX. */
function extendedIndexesOf(
  r: ByteReader,
  sections: Section[],
  symtabIndex: number,
  count: number,
): ((symbol: number) => number) | undefined {
  const s = sections.find((x) => x.type === SHT_SYMTAB_SHNDX && x.link === symtabIndex);
  if (!s) return undefined;
  if (s.size < count * 4) throw new ElfError(`${s.name || 'SHT_SYMTAB_SHNDX'}: has fewer entries than its symbol table`);
  return (symbol) => r.u32(s.offset + symbol * 4);
}
