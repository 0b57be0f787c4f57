// The three-byte map 0F 3A xx (legacy SSSE3/SSE4 and VEX map 3).
import type { OpcodeMap } from '../forms.ts';

export const MAP_0F3A: OpcodeMap = {};
