// x87 escape opcodes D8-DF (filled in by the x87 work).
import type { Entry } from '../forms.ts';

export const X87: Record<number, Entry> = {};
