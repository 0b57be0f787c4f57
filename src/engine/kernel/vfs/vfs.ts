// The namespace: mounted filesystems and the path operations over them, with the
// checks and error precedence of Linux's fs/namei.c and fs/open.c (which error wins
// when several apply was checked against the real kernel; see test/kernel).

import { Errno, type NegErrno } from './errno.ts';
import type { FileOps } from './file-ops.ts';
import {
  O_ACCMODE, O_CREAT, O_CREATION_FLAGS, O_DIRECTORY, O_EXCL, O_LARGEFILE, O_NOFOLLOW, O_PATH,
  O_PATH_FLAGS, O_RDONLY, O_RDWR, O_TRUNC, O_WRONLY, O__TMPFILE, RENAME_NOREPLACE,
} from './flags.ts';
import type { Access, Caller, DirectoryInode, FileSystem, Inode } from './inode.ts';
import type { MemFs } from './memfs.ts';
import { MountTable } from './mounts.ts';
import { isInode, type LastComponent, PathWalk } from './namei.ts';
import { type Credentials, MAY_EXEC, MAY_READ, MAY_WRITE, permits, ROOT_CREDENTIALS } from './permission.ts';
import type { Clock, Timespec } from './services.ts';

/** What open(2) produced, before it gets a descriptor. */
export interface OpenedFile {
  readonly inode: Inode;
  /** null for directories and O_PATH descriptors, which are neither read nor written. */
  readonly ops: FileOps | null;
  /** The file status flags F_GETFL reports. */
  readonly flags: number;
  /** The name /proc/self/fd shows. */
  readonly path: string;
}

/** A utimensat timestamp: a time, the clock's now, or unchanged. */
export type TimeUpdate = Timespec | 'now' | 'omit';

/** The kernel itself: mounts and preloading act as root and own no descriptors. */
export const KERNEL_CALLER: Caller = {
  cred: ROOT_CREDENTIALS,
  pid: 0,
  exe: '',
  openFds: () => [],
  fdTarget: () => undefined,
};

export interface VfsOptions {
  root: FileSystem;
  clock: Clock;
  /** Where inodes with no name live: pipes, the stdio streams (Linux's pipefs). */
  anon: MemFs;
}

export class Vfs {
  readonly mounts: MountTable;
  readonly anon: MemFs;
  private readonly clock: Clock;

  constructor(options: VfsOptions) {
    this.mounts = new MountTable(options.root.root);
    this.anon = options.anon;
    this.clock = options.clock;
  }

  get root(): DirectoryInode {
    return this.mounts.root;
  }

  /** One lookup's walker; its symlink budget covers one path. */
  walk(caller: Caller): PathWalk {
    return new PathWalk(this.mounts, caller);
  }

  /** Mounts `fs` over the directory at `path`, as the kernel: no permission checks. */
  mount(path: string, fs: FileSystem): 0 | NegErrno {
    const dir = this.walk(KERNEL_CALLER).resolve(this.root, path, true);
    if (typeof dir === 'number') return dir;
    if (dir.kind !== 'directory') return -Errno.ENOTDIR;
    this.mounts.mount(dir, fs);
    return 0;
  }

  /** open(2) up to the descriptor: lookup, creation, checks, truncation. `perm` is umasked. */
  open(caller: Caller, start: DirectoryInode, path: string, openFlags: number, perm: number): OpenedFile | NegErrno {
    if (openFlags & O__TMPFILE) return -Errno.EOPNOTSUPP;
    if ((openFlags & O_CREAT) && (openFlags & O_DIRECTORY)) return -Errno.EINVAL; // since Linux 6.4
    const flags = openFlags & O_PATH ? openFlags & O_PATH_FLAGS : openFlags;
    const walk = this.walk(caller);
    const last = walk.parent(start, path);
    if (typeof last === 'number') return last;
    const found = flags & O_CREAT
      ? this.openCreating(caller, walk, last, flags, perm)
      : { inode: walk.resolveLast(last, !(flags & O_NOFOLLOW)), created: false };
    if (typeof found === 'number') return found;
    const { inode, created } = found;
    if (typeof inode === 'number') return inode;

    if ((flags & O_CREAT) && inode.kind === 'directory') return -Errno.EISDIR;
    if ((flags & O_DIRECTORY) && inode.kind !== 'directory') return -Errno.ENOTDIR;
    const shown = inode.kind === 'directory' ? this.mounts.pathOf(inode) : walk.finalPath();
    const opened = (ops: FileOps | null, kept: number): OpenedFile => ({
      inode, ops, flags: kept, path: typeof shown === 'string' ? shown : path,
    });
    if (flags & O_PATH) return opened(null, flags & ~O_CREATION_FLAGS);

    if (inode.kind === 'symlink') return -Errno.ELOOP;
    const accmode = flags & O_ACCMODE;
    const access: Access = { read: accmode === O_RDONLY || accmode === O_RDWR, write: accmode === O_WRONLY || accmode === O_RDWR };
    // O_ACCMODE itself grants neither access but needs both permissions, as in Linux.
    const wantsWrite = accmode !== O_RDONLY || (flags & O_TRUNC) !== 0;
    if (inode.kind === 'directory' && wantsWrite) return -Errno.EISDIR;
    if (!created) {
      const checked = this.mayAccess(caller, inode, (accmode === O_WRONLY ? 0 : MAY_READ) | (wantsWrite ? MAY_WRITE : 0));
      if (checked !== 0) return checked;
      if ((flags & O_TRUNC) && inode.kind === 'file') {
        const truncated = inode.truncate(0);
        if (truncated !== 0) return truncated;
      }
    }
    const kept = (flags & ~O_CREATION_FLAGS) | O_LARGEFILE;
    if (inode.kind === 'directory') return opened(null, kept);
    const ops = inode.open(access, caller);
    return typeof ops === 'number' ? ops : opened(ops, kept);
  }

  /** mkdir(2); `perm` is umasked. */
  mkdir(caller: Caller, start: DirectoryInode, path: string, perm: number): 0 | NegErrno {
    const last = this.newEntry(this.walk(caller), start, path, true);
    if (typeof last === 'number') return last;
    const checked = this.mayCreate(caller, last.dir);
    if (checked !== 0) return checked;
    const made = last.dir.mkdir(last.name, perm, caller);
    return typeof made === 'number' ? made : 0;
  }

  symlink(caller: Caller, target: string, start: DirectoryInode, path: string): 0 | NegErrno {
    if (target.length === 0) return -Errno.ENOENT;
    const last = this.newEntry(this.walk(caller), start, path, false);
    if (typeof last === 'number') return last;
    const checked = this.mayCreate(caller, last.dir);
    return checked !== 0 ? checked : last.dir.symlink(last.name, target, caller);
  }

  /** link(2): a new name for `target`, which the caller resolved. */
  link(caller: Caller, target: Inode, start: DirectoryInode, path: string): 0 | NegErrno {
    const last = this.newEntry(this.walk(caller), start, path, false);
    if (typeof last === 'number') return last;
    if (last.dir.fs.readOnly) return -Errno.EROFS;
    if (target.fs !== last.dir.fs) return -Errno.EXDEV;
    const checked = this.mayCreate(caller, last.dir);
    if (checked !== 0) return checked;
    if (target.kind === 'directory') return -Errno.EPERM;
    if (target.stat().nlink === 0) return -Errno.ENOENT; // an unlinked file reached through /proc/self/fd
    return last.dir.link(last.name, target);
  }

  unlink(caller: Caller, start: DirectoryInode, path: string): 0 | NegErrno {
    const walk = this.walk(caller);
    const last = walk.parent(start, path);
    if (typeof last === 'number') return last;
    if (last.lastType !== 'normal') return -Errno.EISDIR;
    if (last.dir.fs.readOnly) return -Errno.EROFS;
    const victim = walk.child(last.dir, last.name);
    if (typeof victim === 'number') return victim;
    if (last.trailingSlash) return victim.kind === 'directory' ? -Errno.EISDIR : -Errno.ENOTDIR;
    const checked = this.mayDelete(caller, last.dir);
    if (checked !== 0) return checked;
    if (victim.kind === 'directory') return -Errno.EISDIR;
    return last.dir.unlink(last.name);
  }

  rmdir(caller: Caller, start: DirectoryInode, path: string): 0 | NegErrno {
    const walk = this.walk(caller);
    const last = walk.parent(start, path);
    if (typeof last === 'number') return last;
    if (last.lastType === 'dot') return -Errno.EINVAL;
    if (last.lastType === 'dotdot') return -Errno.ENOTEMPTY;
    if (last.lastType === 'root') return -Errno.EBUSY;
    if (last.dir.fs.readOnly) return -Errno.EROFS;
    const victim = walk.child(last.dir, last.name);
    if (typeof victim === 'number') return victim;
    const checked = this.mayDelete(caller, last.dir);
    if (checked !== 0) return checked;
    if (victim.kind !== 'directory') return -Errno.ENOTDIR;
    if (this.mounts.isMountRoot(victim)) return -Errno.EBUSY;
    return last.dir.rmdir(last.name);
  }

  /** renameat2(2). RENAME_EXCHANGE and RENAME_WHITEOUT are not supported (EINVAL). */
  rename(caller: Caller, oldStart: DirectoryInode, oldPath: string, newStart: DirectoryInode, newPath: string, flags: number): 0 | NegErrno {
    if (flags & ~RENAME_NOREPLACE) return -Errno.EINVAL;
    const walk = this.walk(caller);
    const from = walk.parent(oldStart, oldPath);
    if (typeof from === 'number') return from;
    const to = this.walk(caller).parent(newStart, newPath);
    if (typeof to === 'number') return to;
    if (from.dir.fs !== to.dir.fs) return -Errno.EXDEV;
    if (from.lastType !== 'normal') return -Errno.EBUSY;
    if (to.lastType !== 'normal') return flags & RENAME_NOREPLACE ? -Errno.EEXIST : -Errno.EBUSY;
    if (from.dir.fs.readOnly) return -Errno.EROFS;
    const source = walk.child(from.dir, from.name);
    if (typeof source === 'number') return source;
    const found = walk.child(to.dir, to.name);
    if (typeof found === 'number' && found !== -Errno.ENOENT) return found;
    const target = typeof found === 'number' ? null : found;
    if (target !== null && (flags & RENAME_NOREPLACE)) return -Errno.EEXIST;
    const isDir = source.kind === 'directory';
    if (!isDir && (from.trailingSlash || to.trailingSlash)) return -Errno.ENOTDIR;
    if (isDir && this.isWithin(to.dir, source)) return -Errno.EINVAL;
    if (target?.kind === 'directory' && this.isWithin(from.dir, target)) return -Errno.ENOTEMPTY;
    if (source === target) return 0;

    let checked = this.mayDelete(caller, from.dir);
    if (checked !== 0) return checked;
    if (isDir && this.mounts.isMountRoot(source)) return -Errno.EBUSY;
    if (target === null) {
      checked = this.mayCreate(caller, to.dir);
    } else {
      checked = this.mayDelete(caller, to.dir);
      if (checked === 0 && isDir && target.kind !== 'directory') checked = -Errno.ENOTDIR;
      if (checked === 0 && !isDir && target.kind === 'directory') checked = -Errno.EISDIR;
      if (checked === 0 && target.kind === 'directory' && this.mounts.isMountRoot(target)) checked = -Errno.EBUSY;
    }
    if (checked !== 0) return checked;
    // A directory that changes parent rewrites its "..": it must be writable.
    if (isDir && from.dir !== to.dir && !permits(source.stat(), caller.cred, MAY_WRITE)) return -Errno.EACCES;
    return from.dir.rename(from.name, to.dir, to.name);
  }

  /** access(2)'s check, and open's: EROFS for writing a file of a read-only filesystem, else EACCES. */
  mayAccess(caller: Caller, inode: Inode, want: number): 0 | NegErrno {
    if ((want & MAY_WRITE) && inode.kind !== 'special' && inode.fs.readOnly) return -Errno.EROFS;
    return permits(inode.stat(), caller.cred, want) ? 0 : -Errno.EACCES;
  }

  /** truncate(2) on a resolved inode. */
  truncate(caller: Caller, inode: Inode, size: number): 0 | NegErrno {
    if (inode.kind === 'directory') return -Errno.EISDIR;
    if (inode.kind !== 'file') return -Errno.EINVAL;
    const checked = this.mayAccess(caller, inode, MAY_WRITE);
    return checked !== 0 ? checked : inode.truncate(size);
  }

  /** chmod(2): the owner or root may change the permission bits. */
  chmod(caller: Caller, inode: Inode, mode: number): 0 | NegErrno {
    if (inode.fs.readOnly) return -Errno.EROFS;
    if (!isOwner(caller.cred, inode)) return -Errno.EPERM;
    return inode.setattr({ mode: mode & 0o7777 });
  }

  /**
   * utimensat(2): setting both times to now needs ownership or write permission;
   * setting an explicit time needs ownership.
   */
  utimens(caller: Caller, inode: Inode, atime: TimeUpdate, mtime: TimeUpdate): 0 | NegErrno {
    if (inode.fs.readOnly) return -Errno.EROFS;
    if (atime === 'omit' && mtime === 'omit') return 0;
    const explicit = typeof atime === 'object' || typeof mtime === 'object';
    if (!isOwner(caller.cred, inode)) {
      if (explicit) return -Errno.EPERM;
      if (!permits(inode.stat(), caller.cred, MAY_WRITE)) return -Errno.EACCES;
    }
    const now = this.clock.now();
    const pick = (t: TimeUpdate) => (t === 'omit' ? undefined : t === 'now' ? now : t);
    return inode.setattr({ atime: pick(atime), mtime: pick(mtime) });
  }

  /** Where a new name goes (Linux's filename_create): the name must be free. */
  private newEntry(walk: PathWalk, start: DirectoryInode, path: string, isDir: boolean): LastComponent | NegErrno {
    const last = walk.parent(start, path);
    if (typeof last === 'number') return last;
    if (last.lastType !== 'normal') return -Errno.EEXIST;
    const existing = walk.child(last.dir, last.name);
    if (typeof existing !== 'number') return -Errno.EEXIST;
    if (existing !== -Errno.ENOENT) return existing;
    // Only a directory's name may carry a trailing slash.
    if (last.trailingSlash && !isDir) return -Errno.ENOENT;
    return last;
  }

  /** open(O_CREAT)'s last step: follows symlinks to their targets, creating a missing one. */
  private openCreating(caller: Caller, walk: PathWalk, first: LastComponent, flags: number, perm: number):
    { inode: Inode; created: boolean } | NegErrno {
    for (let last = first; ;) {
      if (last.lastType !== 'normal' || last.trailingSlash) return -Errno.EISDIR;
      walk.reached(last);
      const found = walk.child(last.dir, last.name);
      if (found === -Errno.ENOENT) {
        const checked = this.mayCreate(caller, last.dir);
        if (checked !== 0) return checked;
        const file = last.dir.create(last.name, perm, caller);
        return typeof file === 'number' ? file : { inode: file, created: true };
      }
      if (typeof found === 'number') return found;
      if (flags & O_EXCL) return -Errno.EEXIST;
      if (found.kind !== 'symlink' || (flags & O_NOFOLLOW)) return { inode: found, created: false };
      const next = walk.linkTarget(found, last.dir);
      if (typeof next === 'number') return next;
      if (isInode(next)) return { inode: next, created: false };
      last = next;
    }
  }

  /** Linux's may_create: a live directory we may write and search. */
  private mayCreate(caller: Caller, dir: DirectoryInode): 0 | NegErrno {
    if (dir.fs.readOnly) return -Errno.EROFS;
    const st = dir.stat();
    if (st.nlink === 0) return -Errno.ENOENT;
    return permits(st, caller.cred, MAY_WRITE | MAY_EXEC) ? 0 : -Errno.EACCES;
  }

  /** Linux's may_delete, the part about the directory (no sticky-bit rule: one user). */
  private mayDelete(caller: Caller, dir: DirectoryInode): 0 | NegErrno {
    return permits(dir.stat(), caller.cred, MAY_WRITE | MAY_EXEC) ? 0 : -Errno.EACCES;
  }

  /** Whether `dir` is `ancestor` or lies below it, within one filesystem. */
  private isWithin(dir: DirectoryInode, ancestor: DirectoryInode): boolean {
    for (let d: DirectoryInode | undefined = dir; d !== undefined; d = d.location()?.parent) {
      if (d === ancestor) return true;
    }
    return false;
  }
}

function isOwner(cred: Credentials, inode: Inode): boolean {
  return cred.uid === 0 || cred.uid === inode.stat().uid;
}

