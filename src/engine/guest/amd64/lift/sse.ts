// SSE and SSE2 (legacy encodings, and the VEX.128 encodings that behave the same but for
// zeroing bits 128..255): the handler table the superblock lifter merges in. The CPUID
// model advertises SSE2, so glibc's *_sse2 string routines and gcc's scalar double code
// are what runs; MMX is not lifted beyond emms.
import type { Handler } from './context.ts';
import { SSE_FP } from './sse-fp.ts';
import { SSE_INT } from './sse-int.ts';
import { SSE_MOVE } from './sse-move.ts';

export const SSE: Record<string, Handler> = { ...SSE_MOVE, ...SSE_INT, ...SSE_FP };
