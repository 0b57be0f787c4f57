// The amd64-linux syscall table: every entry from the family modules, indexed by number.
import { Errno } from '../vfs/errno.ts';
import { CLONE_SYSCALLS } from './clone.ts';
import { FUTEX_SYSCALLS } from './futex.ts';
import { MEMORY_SYSCALLS } from './memory.ts';
import { PROCESS_SYSCALLS } from './process.ts';
import { SIGNAL_SYSCALLS } from './signals.ts';
import type { SyscallContext, SyscallOutcome, SyscallSpec } from './spec.ts';
import { TIME_SYSCALLS } from './time.ts';

export class SyscallTable {
  private readonly byNr = new Map<number, SyscallSpec>();

  constructor(specs: readonly SyscallSpec[]) {
    for (const s of specs) {
      if (this.byNr.has(s.nr)) throw new Error(`syscall table: ${s.name} reuses number ${s.nr}`);
      this.byNr.set(s.nr, s);
    }
  }

  lookup(nr: number): SyscallSpec | undefined {
    return this.byNr.get(nr);
  }

  /** Run syscall `nr`; an unknown one warns as Valgrind does and fails with ENOSYS. */
  dispatch(nr: number, ctx: SyscallContext): SyscallOutcome {
    const spec = this.byNr.get(nr);
    if (!spec) {
      ctx.warn(`WARNING: unhandled amd64-linux syscall: ${nr}`);
      ctx.warn('You may be able to write your own handler.');
      ctx.warn('Read the file README_MISSING_SYSCALL_OR_IOCTL.');
      ctx.warn('Nevertheless we consider this a bug.  Please report');
      ctx.warn('it at http://valgrind.org/support/bug_reports.html.');
      return -Errno.ENOSYS;
    }
    return spec.run(ctx);
  }
}

export function linuxSyscalls(extra: readonly SyscallSpec[] = []): SyscallTable {
  return new SyscallTable([...PROCESS_SYSCALLS, ...MEMORY_SYSCALLS, ...TIME_SYSCALLS, ...SIGNAL_SYSCALLS, ...FUTEX_SYSCALLS, ...CLONE_SYSCALLS, ...extra]);
}
