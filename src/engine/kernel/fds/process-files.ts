// One process's files: its descriptor table, working directory and umask, and the
// file syscalls over them, one method per syscall, taking and returning plain values
// (paths as strings, buffers as Uint8Array views of guest memory, results as counts,
// descriptors or -errno). Nothing here throws for what a guest does.
//
// Only the *at forms exist: open(p) is openat(AT_FDCWD, p), stat is fstatat with 0,
// lstat is fstatat with AT_SYMLINK_NOFOLLOW, rmdir is unlinkat with AT_REMOVEDIR,
// rename is renameat2 with 0, and so on.

import { Errno, type NegErrno } from '../vfs/errno.ts';
import { POLLNVAL } from '../vfs/file-ops.ts';
import {
  AT_EACCESS, AT_EMPTY_PATH, AT_FDCWD, AT_NO_AUTOMOUNT, AT_REMOVEDIR, AT_STATX_SYNC_TYPE, AT_SYMLINK_FOLLOW,
  AT_SYMLINK_NOFOLLOW, F_OK, O_CLOEXEC, O_NONBLOCK, O_RDONLY, O_SETFL_MASK, O_WRONLY, SEEK_HOLE,
  SEEK_SET, UTIME_NOW, UTIME_OMIT,
} from '../vfs/flags.ts';
import type { Caller, DirectoryInode, FdTarget, Inode, Stat } from '../vfs/inode.ts';
import { FIOCLEX, FIONBIO, FIONCLEX, FIONREAD, IOCTL_ARGS, type IoctlArg } from '../vfs/ioctl.ts';
import type { IoctlCall } from '../vfs/file-ops.ts';
import { DEV_ZERO } from '../vfs/devices.ts';
import { S_IALLUGO, S_IFCHR, S_IFIFO, S_IFMT, S_ISVTX } from '../vfs/mode.ts';
import { type Credentials, DEFAULT_CREDENTIALS, MAY_EXEC, permits } from '../vfs/permission.ts';
import type { Timespec } from '../vfs/services.ts';
import { STATX__RESERVED } from '../vfs/stat-layout.ts';
import { HOME } from '../vfs/standard-tree.ts';
import type { TerminalDevice } from '../vfs/terminal.ts';
import type { TimeUpdate, Vfs } from '../vfs/vfs.ts';
import { type Fd, FdTable } from './fd-table.ts';
import { OpenFileDescription } from './open-file.ts';
import { Pipe } from './pipe.ts';

// fcntl(2) commands and the descriptor flag (asm-generic/fcntl.h, linux/fcntl.h).
export const F_DUPFD = 0;
export const F_GETFD = 1;
export const F_SETFD = 2;
export const F_GETFL = 3;
export const F_SETFL = 4;
export const F_DUPFD_CLOEXEC = 1030;
export const FD_CLOEXEC = 1;

/** Most buffers one readv or writev takes (UIO_MAXIOV). */
export const IOV_MAX = 1024;

export interface ProcessFilesOptions {
  pid: number;
  cred?: Credentials;
  /** The starting working directory; the home directory unless given. */
  cwd?: string;
}

/**
 * What mmap(2) of a descriptor maps: a file whose bytes are copied in at mapping
 * time, or /dev/zero, whose mappings are anonymous memory.
 */
export type MmapSource =
  | { readonly kind: 'file'; read(dst: Uint8Array, pos: number): number }
  | { readonly kind: 'anonymous' };

const utf8 = new TextEncoder();

export class ProcessFiles implements Caller {
  readonly table: FdTable;
  readonly cred: Credentials;
  readonly pid: number;
  /** The program's path, set by the loader at execve: /proc/self/exe's target. */
  exe = '';
  cwd: DirectoryInode;
  private creationMask = 0o022;

  private constructor(private readonly vfs: Vfs, table: FdTable, cwd: DirectoryInode, cred: Credentials, pid: number) {
    this.table = table;
    this.cwd = cwd;
    this.cred = cred;
    this.pid = pid;
  }

  /** A process with no descriptors; ENOENT or ENOTDIR when `cwd` is no directory. */
  static create(vfs: Vfs, options: ProcessFilesOptions): ProcessFiles | NegErrno {
    const cred = options.cred ?? DEFAULT_CREDENTIALS;
    const files = new ProcessFiles(vfs, new FdTable(), vfs.root, cred, options.pid);
    const cwd = vfs.walk(files).resolve(vfs.root, options.cwd ?? HOME, true);
    if (typeof cwd === 'number') return cwd;
    if (cwd.kind !== 'directory') return -Errno.ENOTDIR;
    files.cwd = cwd;
    return files;
  }

  /** Descriptors 0, 1 and 2 on the terminal (see TerminalDevice.stdio). */
  installStdio(terminal: TerminalDevice): void {
    for (const stream of [0, 1, 2] as const) {
      const { inode, ops, flags, path } = terminal.stdio(stream);
      this.table.set(stream, new OpenFileDescription(inode, ops, flags, path), false);
    }
  }

  /** fork(2) (clone without CLONE_FILES or CLONE_FS): shared descriptions, copied table. */
  fork(pid: number): ProcessFiles {
    const child = new ProcessFiles(this.vfs, this.table.clone(), this.cwd, this.cred, pid);
    child.creationMask = this.creationMask;
    child.exe = this.exe;
    return child;
  }

  /** execve(2)'s part: close-on-exec descriptors go. */
  closeOnExec(): void {
    this.table.closeOnExec();
  }

  // ---------------------------------------------------------------- Caller (/proc/self)

  openFds(): number[] {
    return this.table.fds();
  }

  fdTarget(fd: number): FdTarget | undefined {
    return this.table.get(fd)?.ofd;
  }

  // ---------------------------------------------------------------- opening and closing

  openat(dirfd: Fd, path: string, flags: number, mode: number): Fd | NegErrno {
    if (path.length === 0) return -Errno.ENOENT;
    const fd = this.table.lowestFree(); // taken before the lookup, as Linux does: EMFILE wins
    if (fd < 0) return fd;
    const start = this.startAt(dirfd, path);
    if (typeof start === 'number') return start;
    const opened = this.vfs.open(this, start, path, flags, mode & S_IALLUGO & ~this.creationMask);
    if (typeof opened === 'number') return opened;
    this.table.set(fd, new OpenFileDescription(opened.inode, opened.ops, opened.flags, opened.path), (flags & O_CLOEXEC) !== 0);
    return fd;
  }

  close(fd: Fd): 0 | NegErrno {
    return this.table.close(fd);
  }

  /** pipe2(2): [read end, write end]. */
  pipe2(flags: number): [Fd, Fd] | NegErrno {
    if (flags & ~(O_CLOEXEC | O_NONBLOCK)) return -Errno.EINVAL; // O_DIRECT's packet mode included
    const readFd = this.table.lowestFree();
    if (readFd < 0) return readFd;
    const writeFd = this.table.lowestFree(readFd + 1);
    if (writeFd < 0) return writeFd;
    const pipe = new Pipe();
    const inode = this.vfs.anon.special(S_IFIFO | 0o600, 0, pipe, this.cred);
    const path = `pipe:[${inode.ino}]`;
    const cloexec = (flags & O_CLOEXEC) !== 0;
    const end = (read: boolean) =>
      new OpenFileDescription(inode, pipe.open({ read, write: !read }), (read ? O_RDONLY : O_WRONLY) | (flags & O_NONBLOCK), path);
    this.table.set(readFd, end(true), cloexec);
    this.table.set(writeFd, end(false), cloexec);
    return [readFd, writeFd];
  }

  dup(fd: Fd): Fd | NegErrno {
    const entry = this.table.get(fd);
    if (entry === undefined) return -Errno.EBADF;
    const copy = this.table.lowestFree();
    if (copy >= 0) this.table.set(copy, entry.ofd, false);
    return copy;
  }

  dup2(fd: Fd, target: Fd): Fd | NegErrno {
    if (fd === target) return this.table.get(fd) === undefined ? -Errno.EBADF : target;
    return this.dup3(fd, target, 0);
  }

  dup3(fd: Fd, target: Fd, flags: number): Fd | NegErrno {
    if (flags & ~O_CLOEXEC) return -Errno.EINVAL;
    if (fd === target) return -Errno.EINVAL;
    if (!Number.isInteger(target) || target < 0 || target >= this.table.limit) return -Errno.EBADF;
    const entry = this.table.get(fd);
    if (entry === undefined) return -Errno.EBADF;
    this.table.set(target, entry.ofd, (flags & O_CLOEXEC) !== 0);
    return target;
  }

  fcntl(fd: Fd, cmd: number, arg: number): number {
    const entry = this.table.get(fd);
    if (entry === undefined) return -Errno.EBADF;
    switch (cmd) {
      case F_DUPFD:
      case F_DUPFD_CLOEXEC: {
        if (arg < 0 || arg >= this.table.limit) return -Errno.EINVAL;
        const copy = this.table.lowestFree(arg);
        if (copy >= 0) this.table.set(copy, entry.ofd, cmd === F_DUPFD_CLOEXEC);
        return copy;
      }
      case F_GETFD:
        return entry.cloexec ? FD_CLOEXEC : 0;
      case F_SETFD:
        entry.cloexec = (arg & FD_CLOEXEC) !== 0;
        return 0;
      case F_GETFL:
        return entry.ofd.flags;
      case F_SETFL:
        if (entry.ofd.isPath) return -Errno.EBADF;
        entry.ofd.flags = (entry.ofd.flags & ~O_SETFL_MASK) | (arg & O_SETFL_MASK);
        return 0;
      default:
        return -Errno.EINVAL;
    }
  }

  // ---------------------------------------------------------------- data

  read(fd: Fd, buf: Uint8Array): number {
    return this.withFile(fd, (ofd) => ofd.read(buf));
  }

  write(fd: Fd, buf: Uint8Array): number {
    return this.withFile(fd, (ofd) => ofd.write(buf));
  }

  pread64(fd: Fd, buf: Uint8Array, pos: number): number {
    return pos < 0 ? -Errno.EINVAL : this.withFile(fd, (ofd) => ofd.read(buf, pos));
  }

  pwrite64(fd: Fd, buf: Uint8Array, pos: number): number {
    return pos < 0 ? -Errno.EINVAL : this.withFile(fd, (ofd) => ofd.write(buf, pos));
  }

  /** readv(2): one read into the buffers in turn, so a pipe or terminal is read once. */
  readv(fd: Fd, iov: Uint8Array[]): number {
    return this.vectored(iov, (all) => this.read(fd, all), true);
  }

  writev(fd: Fd, iov: Uint8Array[]): number {
    return this.vectored(iov, (all) => this.write(fd, all), false);
  }

  preadv(fd: Fd, iov: Uint8Array[], pos: number): number {
    return this.vectored(iov, (all) => this.pread64(fd, all, pos), true);
  }

  pwritev(fd: Fd, iov: Uint8Array[], pos: number): number {
    return this.vectored(iov, (all) => this.pwrite64(fd, all, pos), false);
  }

  lseek(fd: Fd, offset: number, whence: number): number {
    return this.withFile(fd, (ofd) => (whence < SEEK_SET || whence > SEEK_HOLE ? -Errno.EINVAL : ofd.seek(offset, whence)));
  }

  getdents64(fd: Fd, buf: Uint8Array): number {
    return this.withFile(fd, (ofd) => ofd.getdents64(buf, this));
  }

  ftruncate(fd: Fd, length: number): 0 | NegErrno {
    if (length < 0) return -Errno.EINVAL;
    const ofd = this.table.get(fd)?.ofd;
    if (ofd === undefined || ofd.isPath) return -Errno.EBADF;
    return ofd.inode.kind === 'file' && ofd.writable ? ofd.inode.truncate(length) : -Errno.EINVAL;
  }

  truncate(path: string, length: number): 0 | NegErrno {
    if (length < 0) return -Errno.EINVAL;
    const inode = this.lookupAt(AT_FDCWD, path, true, false);
    return typeof inode === 'number' ? inode : this.vfs.truncate(this, inode, length);
  }

  /**
   * ioctl(2). `arg` holds the bytes the argument pointer covers (IOCTL_ARGS gives
   * the size and direction per request); the caller copies 'out' bytes back.
   */
  ioctl(fd: Fd, request: number, arg: Uint8Array, call?: IoctlCall): number {
    const entry = this.table.get(fd);
    if (entry === undefined || entry.ofd.isPath) return -Errno.EBADF;
    const { ofd } = entry;
    const view = new DataView(arg.buffer, arg.byteOffset, arg.byteLength);
    switch (request) {
      case FIOCLEX:
      case FIONCLEX:
        entry.cloexec = request === FIOCLEX;
        return 0;
      case FIONBIO:
        ofd.flags = view.getInt32(0, true) !== 0 ? ofd.flags | O_NONBLOCK : ofd.flags & ~O_NONBLOCK;
        return 0;
      case FIONREAD:
        if (ofd.inode.kind !== 'file') break;
        view.setInt32(0, Math.max(0, ofd.inode.stat().size - ofd.offset), true);
        return 0;
    }
    return ofd.ioctl(request, arg, call);
  }

  /** Size and direction of request's argument: a common request's, or the device's own. */
  ioctlArg(fd: Fd, request: number): IoctlArg | undefined {
    return IOCTL_ARGS.get(request) ?? this.table.get(fd)?.ofd.ioctlArg(request);
  }

  /**
   * mmap(2)'s checks on `fd`, in its order: EBADF, EACCES (PROT_WRITE on MAP_SHARED
   * needs a writable descriptor; every mapping a readable one), ENODEV for what
   * cannot be mapped (directories, pipes, terminals, most devices). Shared mappings
   * are copies too: stores to them do not reach the file.
   */
  mmapSource(fd: Fd, shared: boolean, writable: boolean): MmapSource | NegErrno {
    const ofd = this.table.get(fd)?.ofd;
    if (ofd === undefined || ofd.isPath) return -Errno.EBADF;
    if (shared && writable && !ofd.writable) return -Errno.EACCES;
    if (!ofd.readable) return -Errno.EACCES;
    const { inode } = ofd;
    const st = inode.stat();
    if ((st.mode & S_IFMT) === S_IFCHR && st.rdev === DEV_ZERO) return { kind: 'anonymous' };
    if (inode.kind !== 'file') return -Errno.ENODEV;
    return { kind: 'file', read: (dst, pos) => ofd.read(dst, pos) };
  }

  /** Readiness of one descriptor as poll(2) reports it; POLLNVAL when it is not open. */
  poll(fd: Fd): number {
    return this.table.get(fd)?.ofd.poll() ?? POLLNVAL;
  }

  // ---------------------------------------------------------------- metadata

  fstat(fd: Fd): Stat | NegErrno {
    const entry = this.table.get(fd);
    return entry === undefined ? -Errno.EBADF : entry.ofd.inode.stat();
  }

  /** newfstatat(2), which stat and lstat are. */
  fstatat(dirfd: Fd, path: string, flags: number): Stat | NegErrno {
    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH)) return -Errno.EINVAL;
    const inode = this.lookupAt(dirfd, path, !(flags & AT_SYMLINK_NOFOLLOW), (flags & AT_EMPTY_PATH) !== 0);
    return typeof inode === 'number' ? inode : inode.stat();
  }

  /** statx(2): the Stat to encode with encodeStatx, which sets stx_mask. */
  statx(dirfd: Fd, path: string, flags: number, mask: number): Stat | NegErrno {
    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH | AT_STATX_SYNC_TYPE)) return -Errno.EINVAL;
    if ((flags & AT_STATX_SYNC_TYPE) === AT_STATX_SYNC_TYPE || (mask & STATX__RESERVED)) return -Errno.EINVAL;
    return this.fstatat(dirfd, path, flags & ~AT_STATX_SYNC_TYPE);
  }

  /** faccessat2(2); faccessat is this with flags 0. */
  faccessat(dirfd: Fd, path: string, mode: number, flags: number): 0 | NegErrno {
    if (mode & ~7) return -Errno.EINVAL;
    if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -Errno.EINVAL;
    const inode = this.lookupAt(dirfd, path, !(flags & AT_SYMLINK_NOFOLLOW), (flags & AT_EMPTY_PATH) !== 0);
    if (typeof inode === 'number') return inode;
    return mode === F_OK ? 0 : this.vfs.mayAccess(this, inode, mode);
  }

  fchmodat(dirfd: Fd, path: string, mode: number): 0 | NegErrno {
    const inode = this.lookupAt(dirfd, path, true, false);
    return typeof inode === 'number' ? inode : this.vfs.chmod(this, inode, mode);
  }

  fchmod(fd: Fd, mode: number): 0 | NegErrno {
    const entry = this.table.get(fd);
    if (entry === undefined || entry.ofd.isPath) return -Errno.EBADF;
    return this.vfs.chmod(this, entry.ofd.inode, mode);
  }

  /**
   * utimensat(2). `path` null is futimens on dirfd. Each time's nsec may be
   * UTIME_NOW or UTIME_OMIT; `times` null means both now.
   */
  utimensat(dirfd: Fd, path: string | null, times: [Timespec, Timespec] | null, flags: number): 0 | NegErrno {
    const updates = times === null ? (['now', 'now'] as const) : times.map(timeUpdate);
    if (updates.some((u) => u === null)) return -Errno.EINVAL;
    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -Errno.EINVAL;
    const inode = path === null
      ? (dirfd === AT_FDCWD ? -Errno.EFAULT : this.fileAt(dirfd))
      : this.lookupAt(dirfd, path, !(flags & AT_SYMLINK_NOFOLLOW), (flags & AT_EMPTY_PATH) !== 0);
    if (typeof inode === 'number') return inode;
    return this.vfs.utimens(this, inode, updates[0]!, updates[1]!);
  }

  // ---------------------------------------------------------------- names

  mkdirat(dirfd: Fd, path: string, mode: number): 0 | NegErrno {
    const start = this.startAt(dirfd, path);
    return typeof start === 'number' ? start : this.vfs.mkdir(this, start, path, mode & (0o777 | S_ISVTX) & ~this.creationMask);
  }

  /** unlinkat(2), which is rmdir with AT_REMOVEDIR. */
  unlinkat(dirfd: Fd, path: string, flags: number): 0 | NegErrno {
    if (flags & ~AT_REMOVEDIR) return -Errno.EINVAL;
    const start = this.startAt(dirfd, path);
    if (typeof start === 'number') return start;
    return flags & AT_REMOVEDIR ? this.vfs.rmdir(this, start, path) : this.vfs.unlink(this, start, path);
  }

  renameat2(oldDirfd: Fd, oldPath: string, newDirfd: Fd, newPath: string, flags: number): 0 | NegErrno {
    const from = this.startAt(oldDirfd, oldPath);
    if (typeof from === 'number') return from;
    const to = this.startAt(newDirfd, newPath);
    if (typeof to === 'number') return to;
    return this.vfs.rename(this, from, oldPath, to, newPath, flags);
  }

  linkat(oldDirfd: Fd, oldPath: string, newDirfd: Fd, newPath: string, flags: number): 0 | NegErrno {
    if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH)) return -Errno.EINVAL;
    const target = this.lookupAt(oldDirfd, oldPath, (flags & AT_SYMLINK_FOLLOW) !== 0, (flags & AT_EMPTY_PATH) !== 0);
    if (typeof target === 'number') return target;
    const start = this.startAt(newDirfd, newPath);
    return typeof start === 'number' ? start : this.vfs.link(this, target, start, newPath);
  }

  symlinkat(target: string, dirfd: Fd, path: string): 0 | NegErrno {
    const start = this.startAt(dirfd, path);
    return typeof start === 'number' ? start : this.vfs.symlink(this, target, start, path);
  }

  /** readlinkat(2): the target's bytes, cut to buf's size, without a NUL. "" reads dirfd's link. */
  readlinkat(dirfd: Fd, path: string, buf: Uint8Array): number {
    if (buf.length <= 0) return -Errno.EINVAL;
    const link = this.lookupAt(dirfd, path, false, path === '');
    if (typeof link === 'number') return link;
    if (link.kind !== 'symlink') return path === '' ? -Errno.ENOENT : -Errno.EINVAL;
    const target = link.readlink(this);
    if (typeof target === 'number') return target;
    const bytes = utf8.encode(target).subarray(0, buf.length);
    buf.set(bytes);
    return bytes.length;
  }

  // ---------------------------------------------------------------- working directory

  /** getcwd(2): the NUL-terminated path in buf; its length with the NUL, ERANGE if buf is short. */
  getcwd(buf: Uint8Array): number {
    const path = this.vfs.mounts.pathOf(this.cwd);
    if (typeof path === 'number') return path;
    const bytes = utf8.encode(`${path}\0`);
    if (bytes.length > buf.length) return -Errno.ERANGE;
    buf.set(bytes);
    return bytes.length;
  }

  chdir(path: string): 0 | NegErrno {
    const dir = this.lookupAt(AT_FDCWD, path, true, false);
    return typeof dir === 'number' ? dir : this.enter(dir);
  }

  fchdir(fd: Fd): 0 | NegErrno {
    const entry = this.table.get(fd);
    return entry === undefined ? -Errno.EBADF : this.enter(entry.ofd.inode);
  }

  /** umask(2): sets the mask, returns the previous one. */
  umask(mask: number): number {
    const previous = this.creationMask;
    this.creationMask = mask & 0o777;
    return previous;
  }

  // ---------------------------------------------------------------- helpers

  private enter(dir: Inode): 0 | NegErrno {
    if (dir.kind !== 'directory') return -Errno.ENOTDIR;
    if (!permits(dir.stat(), this.cred, MAY_EXEC)) return -Errno.EACCES;
    this.cwd = dir;
    return 0;
  }

  private withFile(fd: Fd, op: (ofd: OpenFileDescription) => number): number {
    const entry = this.table.get(fd);
    return entry === undefined ? -Errno.EBADF : op(entry.ofd);
  }

  /** One transfer over the buffers joined: scattered after a read, gathered before a write. */
  private vectored(iov: Uint8Array[], transfer: (all: Uint8Array) => number, reading: boolean): number {
    if (iov.length > IOV_MAX) return -Errno.EINVAL;
    const all = new Uint8Array(iov.reduce((n, b) => n + b.length, 0));
    if (!reading) iov.reduce((at, b) => (all.set(b, at), at + b.length), 0);
    const n = transfer(all);
    if (reading && n > 0) {
      for (let at = 0, i = 0; at < n; at += iov[i]!.length, i++) iov[i]!.set(all.subarray(at, Math.min(n, at + iov[i]!.length)));
    }
    return n;
  }

  /** The inode descriptor `fd` refers to, or the cwd for AT_FDCWD. */
  private fileAt(fd: Fd): Inode | NegErrno {
    if (fd === AT_FDCWD) return this.cwd;
    return this.table.get(fd)?.ofd.inode ?? -Errno.EBADF;
  }

  /** Where a relative path of an *at call starts: the cwd or dirfd's directory. */
  private startAt(dirfd: Fd, path: string): DirectoryInode | NegErrno {
    if (path.startsWith('/') || dirfd === AT_FDCWD) return this.cwd;
    const inode = this.fileAt(dirfd);
    if (typeof inode === 'number') return inode;
    return inode.kind === 'directory' ? inode : -Errno.ENOTDIR;
  }

  /** An *at call's path resolved; with AT_EMPTY_PATH, "" is dirfd's own file. */
  private lookupAt(dirfd: Fd, path: string, follow: boolean, emptyPath: boolean): Inode | NegErrno {
    if (path === '') return emptyPath ? this.fileAt(dirfd) : -Errno.ENOENT;
    const start = this.startAt(dirfd, path);
    return typeof start === 'number' ? start : this.vfs.walk(this).resolve(start, path, follow);
  }
}

/** A utimensat timespec: UTIME_NOW, UTIME_OMIT, or a time whose nsec is in range (else null). */
function timeUpdate(t: Timespec): TimeUpdate | null {
  if (t.nsec === UTIME_NOW) return 'now';
  if (t.nsec === UTIME_OMIT) return 'omit';
  return t.nsec >= 0 && t.nsec < 1e9 ? t : null;
}
