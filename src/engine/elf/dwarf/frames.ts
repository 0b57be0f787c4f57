// What Valgrind prints for one code address: a frame per inlined call
// (innermost first, all at the same address), then the function the
// symbol table names. m_debuginfo's VG_(describe_IP) with inline info.

import type { InlineIndex } from './inline.ts';
import type { LineIndex, SourceLocation } from './line-index.ts';
import type { SymbolIndex } from './symbol-index.ts';

export interface SourceFrame {
  /** Function name, raw (mangled C++ names still mangled); undefined prints as `???`. */
  fn?: string;
  /** Undefined when there is no line information: the frame prints `(in /path/to/object)`. */
  where?: SourceLocation;
}

export interface DebugInfo {
  symbols: SymbolIndex;
  lines: LineIndex;
  /** Omit for --read-inline-info=no. */
  inlines?: InlineIndex;
}

/** The frames for file address `addr` (subtract the load bias from a guest address first). */
export function framesAt(addr: number, info: DebugInfo): SourceFrame[] {
  const frames: SourceFrame[] = [];
  let where = info.lines.lookup(addr);
  for (const call of info.inlines?.lookup(addr) ?? []) {
    frames.push({ fn: call.fn, where });
    where = { file: call.callFile, dir: call.callDir, line: call.callLine };
  }
  frames.push({ fn: info.symbols.lookup(addr)?.symbol.name, where });
  return frames;
}
