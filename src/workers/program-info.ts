// What the page needs to know of a guest binary before it starts a run: whether it is an
// executable ELF at all (with the parser's reason when not) and whether it needs the
// glibc sysroot. The page reads this here, in the adapter layer, not from the engine.
import { ElfError, parseElf } from '../engine/elf/index.ts';

export type ProgramInfo =
  | { ok: true; dynamic: boolean }
  /** `reason` reads like "not an ELF file (bad magic)" or "ELF type REL is not an executable". */
  | { ok: false; reason: string };

export function inspectProgram(bytes: Uint8Array): ProgramInfo {
  try {
    const elf = parseElf(bytes);
    if (elf.header.type !== 'EXEC' && elf.header.type !== 'DYN') return { ok: false, reason: `not an executable (ELF type ${elf.header.type})` };
    return { ok: true, dynamic: elf.interp !== undefined };
  } catch (e) {
    if (!(e instanceof ElfError)) throw e;
    return { ok: false, reason: e.message };
  }
}
