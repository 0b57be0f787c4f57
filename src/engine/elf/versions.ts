import { ElfError } from './errors.ts';
import { hex, type ByteReader } from './reader.ts';
import {
  SHT_GNU_VERDEF, SHT_GNU_VERNEED, SHT_GNU_VERSYM, linkedStrings, type Section,
} from './sections.ts';

// Elf64_Verdef / Elf64_Verdaux / Elf64_Verneed / Elf64_Vernaux sizes.
const VERDEF_SIZE = 20;
const VERDAUX_SIZE = 8;
const VERNEED_SIZE = 16;
const VERNAUX_SIZE = 16;
// Version indexes 0 (local) and 1 (global) mean "unversioned"; bit 15 marks a hidden version.
const FIRST_NAMED_VERSION = 2;
const VERSYM_HIDDEN = 0x8000;

/**
 * GNU symbol versioning for .dynsym: .gnu.version holds a version index per
 * symbol, named by .gnu.version_d (versions this file defines) and
 * .gnu.version_r (versions it needs from its libraries). Returns the version
 * name of symbol `i`, or undefined when the file has no .gnu.version.
 */
export function symbolVersions(
  r: ByteReader,
  sections: Section[],
  symbolCount: number,
): ((i: number) => string | undefined) | undefined {
  const versym = sections.find((s) => s.type === SHT_GNU_VERSYM);
  if (!versym) return undefined;
  if (versym.size < symbolCount * 2) {
    throw new ElfError(`${versym.name || '.gnu.version'}: has fewer entries than .dynsym`);
  }
  // A file has at most one of each; reading only the first keeps the work linear.
  const names = new Map<number, string>();
  const verdef = sections.find((s) => s.type === SHT_GNU_VERDEF);
  const verneed = sections.find((s) => s.type === SHT_GNU_VERNEED);
  if (verdef) readVerdefs(r, sections, verdef, names);
  if (verneed) readVerneeds(r, sections, verneed, names);
  return (i) => {
    const index = r.u16(versym.offset + i * 2) & ~VERSYM_HIDDEN;
    if (index < FIRST_NAMED_VERSION) return undefined;
    const name = names.get(index);
    if (name === undefined) throw new ElfError(`.dynsym symbol ${i} has undefined version index ${index}`);
    return name;
  };
}

/**
 * Entries are chained by byte offsets (vd_next, vna_next), so a crafted chain
 * can revisit itself: every entry must lie in the section, and the counts are
 * bounded by what the section can hold.
 */
function sectionBounds(s: Section) {
  const end = s.offset + s.size;
  const what = s.name || hex(s.type);
  return {
    at(offset: number, size: number, entry: string): number {
      if (offset < s.offset || offset + size > end) throw new ElfError(`${what}: ${entry} lies outside the section`);
      return offset;
    },
    limit(count: number, size: number, entries: string): void {
      if (count > s.size / size) throw new ElfError(`${what}: ${count} ${entries} cannot fit in ${hex(s.size)} bytes`);
    },
  };
}

function readVerdefs(r: ByteReader, sections: Section[], s: Section, names: Map<number, string>): void {
  const strings = linkedStrings(r.bytes, sections, s);
  const bounds = sectionBounds(s);
  bounds.limit(s.info, VERDEF_SIZE, 'version definitions');
  let def = s.offset;
  for (let i = 0; i < s.info; i++) {
    bounds.at(def, VERDEF_SIZE, `definition ${i}`);
    const ndx = r.u16(def + 4);
    // The first Verdaux names the version; later ones name its parents.
    if (r.u16(def + 6) > 0) {
      const aux = bounds.at(def + r.u32(def + 12), VERDAUX_SIZE, `definition ${i} name`);
      names.set(ndx, strings.get(r.u32(aux)));
    }
    def += r.u32(def + 16);
  }
}

function readVerneeds(r: ByteReader, sections: Section[], s: Section, names: Map<number, string>): void {
  const strings = linkedStrings(r.bytes, sections, s);
  const bounds = sectionBounds(s);
  bounds.limit(s.info, VERNEED_SIZE, 'version needs');
  let auxTotal = 0;
  let need = s.offset;
  for (let i = 0; i < s.info; i++) {
    bounds.at(need, VERNEED_SIZE, `need ${i}`);
    const auxCount = r.u16(need + 2);
    auxTotal += auxCount;
    bounds.limit(auxTotal, VERNAUX_SIZE, 'needed versions');
    let aux = need + r.u32(need + 8);
    for (let j = 0; j < auxCount; j++) {
      bounds.at(aux, VERNAUX_SIZE, `need ${i} version ${j}`);
      names.set(r.u16(aux + 6), strings.get(r.u32(aux + 8)));
      aux += r.u32(aux + 12);
    }
    need += r.u32(need + 12);
  }
}
