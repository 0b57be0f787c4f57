// Memcheck's command-line options (valgrind --help, "user options for Memcheck").

export type LeakKind = 'definite' | 'indirect' | 'possible' | 'reachable';

export interface MemcheckOptions {
  leakCheck: 'no' | 'summary' | 'full';
  showLeakKinds: Set<LeakKind>;
  errorsForLeakKinds: Set<LeakKind>;
  /** Bytes of freed blocks held back from reuse. */
  freelistVol: number;
  /** Freed blocks this big or bigger are given back before the others. */
  freelistBigBlocks: number;
  undefValueErrors: boolean;
  trackOrigins: boolean;
}

export const DEFAULT_MEMCHECK_OPTIONS: MemcheckOptions = {
  leakCheck: 'summary',
  showLeakKinds: new Set(['definite', 'possible']),
  errorsForLeakKinds: new Set(['definite', 'possible']),
  freelistVol: 20_000_000,
  freelistBigBlocks: 1_000_000,
  undefValueErrors: true,
  trackOrigins: false,
};

const ALL_KINDS: LeakKind[] = ['definite', 'indirect', 'possible', 'reachable'];

/** "definite,possible", "all", "none" as --show-leak-kinds takes them; undefined if bad. */
export function parseLeakKinds(v: string): Set<LeakKind> | undefined {
  if (v === 'all') return new Set(ALL_KINDS);
  if (v === 'none') return new Set();
  const kinds = v.split(',');
  return kinds.every((k) => (ALL_KINDS as string[]).includes(k)) ? new Set(kinds as LeakKind[]) : undefined;
}
