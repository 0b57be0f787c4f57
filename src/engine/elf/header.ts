import { ElfError } from './errors.ts';
import type { ByteReader } from './reader.ts';

export type ElfType = 'REL' | 'EXEC' | 'DYN' | 'CORE' | number;

/**
 * The ELF64 file header. `phnum`, `shnum` and `shstrndx` are the real values:
 * when they overflow 16 bits the file keeps them in section header 0
 * (extended numbering), and they are read from there.
 */
export interface ElfHeader {
  type: ElfType;
  machine: number;
  entry: number;
  phoff: number;
  shoff: number;
  flags: number;
  ehsize: number;
  phentsize: number;
  phnum: number;
  shentsize: number;
  shnum: number;
  shstrndx: number;
  osabi: number;
}

const EI_NIDENT = 16;
const EHDR_SIZE = 64;
export const PHDR_SIZE = 56;
export const SHDR_SIZE = 64;

const EM_X86_64 = 62;
const PN_XNUM = 0xffff;
const SHN_XINDEX = 0xffff;

const TYPES: Record<number, ElfType> = { 1: 'REL', 2: 'EXEC', 3: 'DYN', 4: 'CORE' };

// Machines a user is likely to hand us by mistake, named in the refusal.
const MACHINES: Record<number, string> = {
  2: 'SPARC', 3: 'i386', 8: 'MIPS', 20: 'PowerPC', 21: 'PowerPC64', 22: 'S/390', 40: 'ARM',
  43: 'SPARC V9', 50: 'IA-64', 183: 'AArch64', 243: 'RISC-V', 258: 'LoongArch',
};

export function parseHeader(r: ByteReader): ElfHeader {
  if (r.size === 0) throw new ElfError('not an ELF file (empty file)');
  if (r.size < 4 || r.u32(0) !== 0x464c457f) throw new ElfError('not an ELF file (bad magic)');
  const tooShort = () =>
    new ElfError(`truncated ELF: file is ${r.size} bytes, shorter than the ${EHDR_SIZE}-byte ELF header`);
  // e_ident is checked before the full header so that a (shorter) ELF32 header is named as such.
  if (r.size < EI_NIDENT) throw tooShort();

  const elfClass = r.u8(4);
  if (elfClass === 1) throw new ElfError('32-bit ELF is not supported (ELFCLASS32)');
  if (elfClass !== 2) throw new ElfError(`invalid ELF class ${elfClass} (expected ELFCLASS64)`);
  const data = r.u8(5);
  if (data === 2) throw new ElfError('big-endian ELF is not supported (ELFDATA2MSB)');
  if (data !== 1) throw new ElfError(`invalid ELF data encoding ${data} (expected ELFDATA2LSB)`);
  const identVersion = r.u8(6);
  if (identVersion !== 1) throw new ElfError(`unsupported ELF version ${identVersion} (EI_VERSION)`);
  if (r.size < EHDR_SIZE) throw tooShort();

  const machine = r.u16(18);
  if (machine !== EM_X86_64) {
    const name = MACHINES[machine];
    throw new ElfError(`ELF for machine ${name ? `${name} (${machine})` : machine}, grindlab runs x86-64 only`);
  }
  const version = r.u32(20);
  if (version !== 1) throw new ElfError(`unsupported ELF version ${version} (e_version)`);

  const rawType = r.u16(16);
  const phoff = r.u64(32, 'e_phoff');
  const shoff = r.u64(40, 'e_shoff');
  const phentsize = r.u16(54);
  const shentsize = r.u16(58);
  let phnum = r.u16(56);
  let shnum = r.u16(60);
  let shstrndx = r.u16(62);

  if (shoff === 0) {
    if (shnum !== 0) throw new ElfError(`e_shnum is ${shnum} but there is no section header table (e_shoff 0)`);
    if (phnum === PN_XNUM) throw new ElfError('e_phnum is PN_XNUM but there is no section header 0 to hold the count');
  } else {
    if (shentsize !== SHDR_SIZE) {
      throw new ElfError(`unexpected e_shentsize ${shentsize} (ELF64 section headers are ${SHDR_SIZE} bytes)`);
    }
    if (shnum === 0 || phnum === PN_XNUM || shstrndx === SHN_XINDEX) {
      r.requireTable(shoff, 1, SHDR_SIZE, 'section header');
      if (shnum === 0) shnum = r.u64(shoff + 32, 'section 0 sh_size (extended e_shnum)');
      if (phnum === PN_XNUM) phnum = r.u32(shoff + 44);
      if (shstrndx === SHN_XINDEX) shstrndx = r.u32(shoff + 40);
    }
  }
  if (phnum !== 0 && phentsize !== PHDR_SIZE) {
    throw new ElfError(`unexpected e_phentsize ${phentsize} (ELF64 program headers are ${PHDR_SIZE} bytes)`);
  }

  return {
    type: TYPES[rawType] ?? rawType,
    machine,
    entry: r.u64(24, 'e_entry'),
    phoff,
    shoff,
    flags: r.u32(48),
    ehsize: r.u16(52),
    phentsize,
    phnum,
    shentsize,
    shnum,
    shstrndx,
    osabi: r.u8(7),
  };
}
