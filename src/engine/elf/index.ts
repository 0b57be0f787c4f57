// ELF64 reader: the public surface of src/engine/elf.
export { ElfError } from './errors.ts';
export { parseElf, type ElfFile } from './elf.ts';
export type { ElfHeader, ElfType } from './header.ts';
export { PF_R, PF_W, PF_X, PT_DYNAMIC, PT_INTERP, PT_LOAD, PT_NOTE, fileOffsetOfVaddr, type ProgramHeader } from './segments.ts';
export { sectionByName, sectionBytes, type Section } from './sections.ts';
export type { ElfSymbol, SymbolBind, SymbolType } from './symbols.ts';
export type { DynamicEntry } from './dynamic.ts';
export type { ElfNote } from './notes.ts';
export * from './dwarf/index.ts';
