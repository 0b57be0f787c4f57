// Monarch grammars for the block view's languages: our IR as ppIRSB prints it (VEX's
// --trace-flags style), AT&T assembly as the disassembler prints it, and WebAssembly
// instructions as the JIT's encoder prints them (the text format's names).
import type { languages } from 'monaco-editor/editor/editor.api';

export const IR_LANGUAGE = 'vex-ir';
export const ASM_LANGUAGE = 'att-asm';
export const WASM_LANGUAGE = 'wasm-text';

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

export const wasmGrammar: languages.IMonarchLanguage = {
  defaultToken: '',
  tokenizer: {
    root: [
      [/;;.*$/, 'comment'],
      [/\$[\w.]+/, 'predefined'],
      // Control flow first: it shapes the block.
      [/\b(block|loop|if|else|end|br|br_if|br_table|return|return_call|return_call_indirect|call|call_indirect|unreachable|select|select_t|nop|drop)\b/, 'keyword'],
      [/\bmemory\.[a-z]+/, 'keyword.state'],
      [/\b(local|global)\.(get|set|tee)\b/, 'variable'],
      [/\b(i32|i64|f32|f64|v128|i8x16|i16x8|i32x4|i64x2|f32x4|f64x2)\.[a-z0-9_]+/, 'keyword.state'],
      [/\b(offset)=/, 'type'],
      [/-?0x[0-9a-f]+|-?\d+/, 'number'],
      [/\((result|type) [^)]*\)|\(bits\)/, 'type'],
    ],
  },
};
