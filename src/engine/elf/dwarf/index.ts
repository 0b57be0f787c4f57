// Debug information for reports: line tables, symbols, demangling, CFI unwinding.
export { DwarfError } from './reader.ts';
export { debugSection } from './sections.ts';
export { buildLineIndex, type LineIndex, type LineIndexOptions, type SourceLocation } from './line-index.ts';
export { demangle, type DemangleOptions } from './demangle.ts';
export { buildSymbolIndex, fnNameKind, preferName, type FnNameKind, type FunctionSymbol, type SymbolIndex, type SymbolLookup } from './symbol-index.ts';
export { buildUnwinder, combineUnwinders, type ReadU64, type StackBounds, type UnwindFrame, type Unwinder, type UnwindRegs } from './unwind.ts';
export { crc32, debugFileCandidates, gnuDebuglink, type DebugLink } from './debug-link.ts';
export { buildInlineIndex, type InlinedCall, type InlineIndex } from './inline.ts';
export { framesAt, type DebugInfo, type SourceFrame } from './frames.ts';
