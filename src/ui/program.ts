// The program a run loads: a sample's build or a file the user dropped. An upload is
// parsed in the page first, so a file that is not an x86-64 ELF is refused with the
// parser's reason before anything about the current run changes.
import { ElfError, parseElf } from '../engine/elf/index.ts';

export type Program =
  | { kind: 'sample'; sample: string; build: string }
  | { kind: 'upload'; name: string; bytes: Uint8Array; dynamic: boolean };

/** The uploaded file as a Program, or the one-line reason it cannot be one. */
export function checkUpload(name: string, bytes: Uint8Array): Program | string {
  try {
    const elf = parseElf(bytes);
    if (elf.header.type !== 'EXEC' && elf.header.type !== 'DYN') return `${name} is not an executable (ELF type ${elf.header.type})`;
    return { kind: 'upload', name, bytes, dynamic: elf.interp !== undefined };
  } catch (e) {
    if (!(e instanceof ElfError)) throw e;
    // The parser's reasons read "not an ELF file (bad magic)", "32-bit ELF is not supported …".
    return e.message.startsWith('not ') ? `${name} is ${e.message}` : `${name}: ${e.message}`;
  }
}
