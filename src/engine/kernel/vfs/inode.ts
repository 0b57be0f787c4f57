// The inode model every filesystem implements: the in-memory one (memfs.ts), host
// directories (hostfs.ts) and the generated /proc (procfs.ts). The path walk, the
// open file descriptions and the syscalls see only these interfaces.

import type { NegErrno } from './errno.ts';
import type { FileOps } from './file-ops.ts';
import type { DeviceNumber, DirentType } from './mode.ts';
import type { Credentials } from './permission.ts';
import type { Timespec } from './services.ts';

/** What stat(2) and statx(2) report: Linux's struct kstat. */
export interface Stat {
  dev: DeviceNumber;
  ino: number;
  mode: number;
  nlink: number;
  uid: number;
  gid: number;
  rdev: DeviceNumber;
  size: number;
  blksize: number;
  /** 512-byte units, as st_blocks counts. */
  blocks: number;
  atime: Timespec;
  mtime: Timespec;
  ctime: Timespec;
  /** Creation time, when the filesystem records one (statx's STATX_BTIME). */
  btime: Timespec | null;
}

/** A mounted filesystem's identity: Linux's super_block, reduced. */
export interface FileSystem {
  /** Its name in /proc/mounts: "tmpfs", "proc", "hostfs". */
  readonly type: string;
  readonly dev: DeviceNumber;
  readonly root: DirectoryInode;
  /** Every change to names, data or attributes fails with EROFS. */
  readonly readOnly: boolean;
}

/**
 * The process a lookup or open runs for: its credentials for permission checks and
 * ownership of new files, and what /proc/self shows.
 */
export interface Caller {
  readonly cred: Credentials;
  readonly pid: number;
  /** The running program's path: the target of /proc/self/exe. */
  readonly exe: string;
  /** The caller's descriptors, listed in /proc/self/fd. */
  openFds(): number[];
  /** What descriptor `fd` refers to; undefined when it is not open. */
  fdTarget(fd: number): FdTarget | undefined;
}

export interface FdTarget {
  readonly inode: Inode;
  /** The name /proc/self/fd/N shows: a path, or "pipe:[ino]" for an anonymous inode. */
  readonly path: string;
}

/** The access an open asks for, from the open flags' O_ACCMODE. */
export interface Access {
  readonly read: boolean;
  readonly write: boolean;
}

/** chmod, chown and utimensat in one: only the fields present change. */
export interface AttrChange {
  mode?: number;
  uid?: number;
  gid?: number;
  atime?: Timespec;
  mtime?: Timespec;
}

interface InodeCommon {
  readonly fs: FileSystem;
  stat(): Stat;
  /** Applies the change and sets ctime; permission checks are the caller's. */
  setattr(change: AttrChange): 0 | NegErrno;
}

/**
 * One name in a directory, as getdents64 reports it. `cookie` is the d_off that
 * resumes listing after this entry: increasing along the listing and greater than 2,
 * since 1 and 2 are the positions after "." and "..".
 */
export interface DirEntry {
  readonly name: string;
  readonly ino: number;
  readonly type: DirentType;
  readonly cookie: number;
}

/**
 * A directory. The namespace operations assume the path walk's checks (permission,
 * existence, kinds, same filesystem) were made; they do the change.
 */
export interface DirectoryInode extends InodeCommon {
  readonly kind: 'directory';
  /** Where this directory sits in its filesystem; null for the filesystem's root. */
  location(): { parent: DirectoryInode; name: string } | null;
  /** The child called `name` ("." and ".." are the walk's business), or ENOENT. */
  lookup(name: string, caller: Caller): Inode | NegErrno;
  /** The children, without "." and ".."; ENOENT once the directory is removed. */
  entries(caller: Caller): DirEntry[] | NegErrno;
  create(name: string, perm: number, caller: Caller): RegularInode | NegErrno;
  mkdir(name: string, perm: number, caller: Caller): DirectoryInode | NegErrno;
  symlink(name: string, target: string, caller: Caller): 0 | NegErrno;
  /** A new name for `target`, which lives in this filesystem and is no directory. */
  link(name: string, target: Inode): 0 | NegErrno;
  /** Removes a name that is not a directory. */
  unlink(name: string): 0 | NegErrno;
  /** Removes an empty directory. */
  rmdir(name: string): 0 | NegErrno;
  /** Moves `name` to `newName` in `newDir` (same filesystem), replacing what is there. */
  rename(name: string, newDir: DirectoryInode, newName: string): 0 | NegErrno;
}

/** A regular file: O_TRUNC and truncate(2) apply. */
export interface RegularInode extends InodeCommon {
  readonly kind: 'file';
  open(access: Access, caller: Caller): FileOps | NegErrno;
  truncate(size: number): 0 | NegErrno;
}

/** Devices, pipes and the stdio streams: open() hands out the driver's behaviour. */
export interface SpecialInode extends InodeCommon {
  readonly kind: 'special';
  open(access: Access, caller: Caller): FileOps | NegErrno;
}

export interface SymlinkInode extends InodeCommon {
  readonly kind: 'symlink';
  readlink(caller: Caller): string | NegErrno;
  /**
   * A magic link (/proc/self/fd/N) leads straight to an inode rather than to a path,
   * so it reaches unlinked files and pipes. Ordinary symlinks have none.
   */
  jump?(caller: Caller): Inode | NegErrno;
}

export type Inode = DirectoryInode | RegularInode | SpecialInode | SymlinkInode;
