// EVEX (AVX-512) prefix 62: decoded for length and mnemonic (filled in by the EVEX work).
import type { Instruction } from './instruction.ts';
import { DECODE_BAD } from './decoder.ts';
import type { DecodeState } from './decoder.ts';

export function decodeEvex(_st: DecodeState): Instruction {
  throw DECODE_BAD;
}
