// The descriptor table (Linux's files_struct): small integers naming open file
// descriptions, each with its close-on-exec flag. New descriptors take the lowest
// free number, below RLIMIT_NOFILE.

import { Errno, type NegErrno } from '../vfs/errno.ts';
import type { OpenFileDescription } from './open-file.ts';

/** A file descriptor number. */
export type Fd = number;

/** RLIMIT_NOFILE's usual soft limit. */
export const DEFAULT_FD_LIMIT = 1024;

export interface FdEntry {
  readonly ofd: OpenFileDescription;
  cloexec: boolean;
}

export class FdTable {
  /** RLIMIT_NOFILE: every descriptor is below it. */
  limit = DEFAULT_FD_LIMIT;
  private readonly slots: (FdEntry | undefined)[] = [];

  get(fd: Fd): FdEntry | undefined {
    return Number.isInteger(fd) && fd >= 0 ? this.slots[fd] : undefined;
  }

  /** The lowest free descriptor at or above `min`; EMFILE when none is below the limit. */
  lowestFree(min = 0): Fd | NegErrno {
    for (let fd = min; fd < this.limit; fd++) if (this.slots[fd] === undefined) return fd;
    return -Errno.EMFILE;
  }

  /** Points `fd` at `ofd`, closing whatever `fd` referred to before (dup2's replacement). */
  set(fd: Fd, ofd: OpenFileDescription, cloexec: boolean): void {
    const previous = this.slots[fd];
    ofd.retain();
    this.slots[fd] = { ofd, cloexec };
    previous?.ofd.release();
  }

  close(fd: Fd): 0 | NegErrno {
    const entry = this.get(fd);
    if (entry === undefined) return -Errno.EBADF;
    this.slots[fd] = undefined;
    entry.ofd.release();
    return 0;
  }

  /** The open descriptors, in increasing order. */
  fds(): Fd[] {
    const open: Fd[] = [];
    this.slots.forEach((entry, fd) => entry && open.push(fd));
    return open;
  }

  /** fork's copy: the same descriptions, shared, under the same numbers. */
  clone(): FdTable {
    const copy = new FdTable();
    copy.limit = this.limit;
    this.slots.forEach((entry, fd) => entry && copy.set(fd, entry.ofd, entry.cloexec));
    return copy;
  }

  /** execve closes the descriptors marked close-on-exec. */
  closeOnExec(): void {
    this.slots.forEach((entry, fd) => entry?.cloexec && this.close(fd));
  }
}
