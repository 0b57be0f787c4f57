// The three-byte map 0F 38 xx (legacy SSSE3/SSE4 and VEX map 2).
import type { OpcodeMap } from '../forms.ts';

export const MAP_0F38: OpcodeMap = {};
