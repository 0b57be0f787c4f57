// Debug information for Valgrind-style reports (docs/debuginfo.md): source
// lines, inlined calls, function names, C++ demangling, CFI stack unwinding.
export { DwarfError } from './reader.ts';
export { debugSection } from './sections.ts';
export { crc32, debugFileCandidates, gnuDebuglink, type DebugLink } from './debug-link.ts';
export { buildLineIndex, type LineIndex, type SourceLocation } from './line-index.ts';
export type { SourceFile } from './line.ts';
export { buildInlineIndex, type InlinedCall, type InlineIndex } from './inline.ts';
export {
  buildSymbolIndex, fnNameKind, preferName, type FnNameKind, type FunctionSymbol, type SymbolIndex, type SymbolLookup,
} from './symbol-index.ts';
export { demangle, type DemangleOptions } from './demangle.ts';
export { framesAt, type DebugInfo, type SourceFrame } from './frames.ts';
export {
  buildUnwinder, combineUnwinders, type ReadU64, type StackBounds, type UnwindFrame, type Unwinder, type UnwindRegs,
} from './unwind.ts';
