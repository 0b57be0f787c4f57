import { Errno } from '../../errno.ts';

export { Errno };

/**
 * A failure as the syscall layer returns it: a negated Errno. Operations that yield
 * an object return `T | NegErrno`, so `typeof r === 'number'` separates the two.
 */
export type NegErrno = number;

/**
 * Result of a read or write on a blocking file that cannot make progress yet (an
 * empty pipe with writers, a terminal without input, a full pipe). It is never
 * returned to the guest: the caller parks the thread and retries the same call after
 * another thread ran or the host delivered input (see docs/vfs.md). The value is
 * Linux's kernel-internal ERESTARTSYS, outside the errno range, for the same reason.
 */
export const BLOCKED = -512;

/** "ENOENT" for -2 or 2; "BLOCKED"; otherwise the number as text. */
export function errnoName(result: number): string {
  if (result === BLOCKED) return 'BLOCKED';
  return Errno[Math.abs(result)] ?? String(result);
}
