// SSE/AVX forms of the 0F map (filled in by the SSE work).
import type { OpcodeMap } from '../forms.ts';

export const SSE_0F: OpcodeMap = {};
