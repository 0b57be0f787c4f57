// Monarch grammars for the block view's two languages: our IR as ppIRSB prints it (VEX's
// --trace-flags style) and AT&T assembly as the disassembler prints it.
import type { languages } from 'monaco-editor/editor/editor.api';

export const IR_LANGUAGE = 'vex-ir';
export const ASM_LANGUAGE = 'att-asm';

export const irGrammar: languages.IMonarchLanguage = {
  defaultToken: '',
  tokenizer: {
    root: [
      // An IMark line separates one guest instruction's statements from the next.
      [/^\s*-+ IMark\(.*\) -+\s*$/, 'comment.imark'],
      [/\b(IRSB|if|goto|exit-[A-Za-z]+|DIRTY|RdFX|WrFX|ModFX|MEMFX|AbiHint|MBusEvent|CAS(le|be)?)\b/, 'keyword'],
      [/\b(GET|PUT|GETI|PUTI|STle|LDle|STbe|LDbe)\b/, 'keyword.state'],
      [/\bt\d+\b/, 'variable'],
      [/\b0x[0-9a-fA-F]+(?=:)/, 'number'],
      [/\b(I1|I8|I16|I32|I64|I128|F32|F64|V128|Ity_\w+)\b/, 'type'],
      [/\b0x[0-9a-fA-F]+\b|\b\d+\b/, 'number'],
      [/\b[A-Za-z_][\w]*(?=\s*[({])/, 'predefined'],
      [/[{}()[\]]/, '@brackets'],
      [/[=:,;]/, 'delimiter'],
    ],
  },
};

export const asmGrammar: languages.IMonarchLanguage = {
  defaultToken: '',
  tokenizer: {
    root: [
      // The address column, then the instruction.
      [/^\s*[0-9a-f]+:/, 'comment.addr'],
      { include: '@insn' },
    ],
    insn: [
      [/#.*$/, 'comment'],
      [/<[^>]*>/, 'string.symbol'],
      [/%[a-z0-9]+/, 'variable'],
      [/\$-?(0x[0-9a-f]+|\d+)/, 'number'],
      // Displacements (0x28), and branch targets objdump prints bare (40a04b).
      [/-?0x[0-9a-f]+|[0-9][0-9a-f]*\b/, 'number.hex'],
      // Mnemonics and prefixes (rep, lock): the only bare words once operands are taken.
      [/[a-z][a-z0-9.]*/, 'keyword'],
      [/[(),:]/, 'delimiter'],
    ],
  },
};
