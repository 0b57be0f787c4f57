import { ElfError } from './errors.ts';
import { hex, type ByteReader } from './reader.ts';
import { SHT_NOTE, type Section } from './sections.ts';
import { PT_NOTE, type ProgramHeader } from './segments.ts';
import { decodeString } from './strings.ts';

export interface ElfNote {
  /** Owner, e.g. 'GNU'. */
  name: string;
  type: number;
  desc: Uint8Array;
}

const NT_GNU_BUILD_ID = 3;

interface NoteRegion {
  offset: number;
  size: number;
  align: number;
  what: string;
}

/**
 * Notes from SHT_NOTE sections when the file has section headers (one region
 * per section, as readelf -n shows them), else from PT_NOTE segments.
 */
export function parseNotes(r: ByteReader, sections: Section[], segments: ProgramHeader[]): ElfNote[] {
  const regions: NoteRegion[] = sections.length > 0
    ? sections.flatMap((s, i) => s.type !== SHT_NOTE ? [] : [
      { offset: s.offset, size: s.size, align: s.addralign, what: s.name || `section ${i}` },
    ])
    : segments.flatMap((s, i) => s.type !== PT_NOTE ? [] : [
      { offset: s.offset, size: s.filesz, align: s.align, what: `program header ${i} (NOTE)` },
    ]);
  // Overlapping regions would be parsed twice: reject them so the work stays linear in the file size.
  const sorted = [...regions].sort((a, b) => a.offset - b.offset);
  for (let i = 1; i < sorted.length; i++) {
    const [prev, next] = [sorted[i - 1], sorted[i]];
    if (prev.size > 0 && next.size > 0 && prev.offset + prev.size > next.offset) {
      throw new ElfError(`note regions ${prev.what} and ${next.what} overlap`);
    }
  }
  return regions.flatMap((region) => notesIn(r, region));
}

function notesIn(r: ByteReader, { offset, size, align, what }: NoteRegion): ElfNote[] {
  // Descriptor and next note start 4-aligned from the note's start, or
  // 8-aligned in an 8-aligned region (.note.gnu.property in ELF64).
  const pad = align === 8 ? 8 : 4;
  const padded = (n: number) => Math.ceil(n / pad) * pad;
  const end = offset + size;
  const notes: ElfNote[] = [];
  for (let pos = offset; pos < end;) {
    if (end - pos < 12) throw new ElfError(`${what}: note ${notes.length} header is cut short at ${hex(pos)}`);
    const namesz = r.u32(pos);
    const descsz = r.u32(pos + 4);
    const nameStart = pos + 12;
    const descStart = pos + padded(12 + namesz);
    if (namesz > end - nameStart || descsz > end - descStart) {
      throw new ElfError(`${what}: note ${notes.length} runs past the end of its region`);
    }
    notes.push({
      name: decodeString(r.bytes.subarray(nameStart, nameStart + namesz)),
      type: r.u32(pos + 8),
      desc: r.bytes.subarray(descStart, descStart + descsz),
    });
    pos += padded(descStart - pos + descsz);
  }
  return notes;
}

/** NT_GNU_BUILD_ID as lowercase hex, the form debuginfod and readelf use. */
export function buildIdOf(notes: ElfNote[]): string | undefined {
  const note = notes.find((n) => n.name === 'GNU' && n.type === NT_GNU_BUILD_ID);
  return note && Array.from(note.desc, (b) => b.toString(16).padStart(2, '0')).join('');
}
