// An open file description (Linux's struct file): what open(2) creates and dup(2)
// and fork share. It holds the file position and the status flags; the descriptors
// pointing at it are counted, and the last close releases the file.

import { encodeDirent64 } from '../vfs/dirent.ts';
import { BLOCKED, Errno } from '../vfs/errno.ts';
import { ALWAYS_READY, type FileOps, type IoctlCall } from '../vfs/file-ops.ts';
import type { IoctlArg } from '../vfs/ioctl.ts';
import {
  O_ACCMODE, O_APPEND, O_NONBLOCK, O_PATH, O_RDONLY, O_RDWR, O_WRONLY, SEEK_CUR, SEEK_DATA, SEEK_END,
  SEEK_HOLE, SEEK_SET,
} from '../vfs/flags.ts';
import type { Caller, DirEntry, Inode } from '../vfs/inode.ts';
import { MAX_FILE_SIZE } from '../vfs/memfs.ts';
import { dtype } from '../vfs/mode.ts';

export class OpenFileDescription {
  /** The file position: a byte offset, or for a directory the cookie of the last entry listed. */
  offset = 0;
  private references = 0;

  /**
   * `ops` is null for directories and O_PATH descriptions; `flags` are the status
   * flags F_GETFL reports; `path` is the name /proc/self/fd shows.
   */
  constructor(readonly inode: Inode, private readonly ops: FileOps | null, public flags: number, readonly path: string) {}

  /** An O_PATH description only names a file: reading, writing, seeking it is EBADF. */
  get isPath(): boolean {
    return (this.flags & O_PATH) !== 0;
  }

  get readable(): boolean {
    const mode = this.flags & O_ACCMODE;
    return !this.isPath && (mode === O_RDONLY || mode === O_RDWR);
  }

  get writable(): boolean {
    const mode = this.flags & O_ACCMODE;
    return !this.isPath && (mode === O_WRONLY || mode === O_RDWR);
  }

  /** read(2), or pread(2) when `at` is given. */
  read(dst: Uint8Array, at?: number): number {
    if (this.isPath) return -Errno.EBADF;
    if (at !== undefined && this.ops?.positioning === 'stream') return -Errno.ESPIPE;
    if (!this.readable) return -Errno.EBADF;
    if (this.ops === null) return -Errno.EISDIR;
    if (dst.length === 0) return 0;
    const seekable = this.ops.positioning === 'seekable';
    const n = this.nonblocking(this.ops.read(dst, at ?? (seekable ? this.offset : 0)));
    if (n > 0 && at === undefined && seekable) this.offset += n;
    return n;
  }

  /**
   * write(2), or pwrite(2) when `at` is given. With O_APPEND every write goes to the
   * end, pwrite's too (a Linux quirk pwrite(2) documents).
   */
  write(src: Uint8Array, at?: number): number {
    if (this.isPath) return -Errno.EBADF;
    if (at !== undefined && this.ops?.positioning === 'stream') return -Errno.ESPIPE;
    if (!this.writable || this.ops === null) return -Errno.EBADF;
    if (src.length === 0) return 0;
    const seekable = this.ops.positioning === 'seekable';
    const pos = !seekable ? 0 : this.flags & O_APPEND ? this.inode.stat().size : (at ?? this.offset);
    const n = this.nonblocking(this.ops.write(src, pos));
    if (n > 0 && at === undefined && seekable) this.offset = pos + n;
    return n;
  }

  /** lseek(2); `whence` is already known to be SEEK_SET..SEEK_HOLE. */
  seek(offset: number, whence: number): number {
    if (this.isPath) return -Errno.EBADF;
    if (this.ops === null) {
      // Directory positions are cookies: only SEEK_SET and SEEK_CUR make sense (dcache_dir_lseek).
      const to = whence === SEEK_SET ? offset : whence === SEEK_CUR ? this.offset + offset : -1;
      return to < 0 ? -Errno.EINVAL : (this.offset = to);
    }
    if (this.ops.positioning === 'stream') return -Errno.ESPIPE;
    if (this.ops.positioning === 'pinned') return 0;
    const size = this.inode.stat().size;
    let to: number;
    switch (whence) {
      case SEEK_SET: to = offset; break;
      case SEEK_CUR: to = this.offset + offset; break;
      case SEEK_END: to = size + offset; break;
      // No holes: all of [0, size) is data, and the only hole is the end.
      case SEEK_DATA:
      case SEEK_HOLE:
        if (offset < 0 || offset >= size) return -Errno.ENXIO;
        to = whence === SEEK_DATA ? offset : size;
        break;
      default: return -Errno.EINVAL;
    }
    if (to < 0 || to > MAX_FILE_SIZE) return -Errno.EINVAL;
    return (this.offset = to);
  }

  /**
   * getdents64(2): fills `buf` with linux_dirent64 records from the current position
   * and returns the bytes used; EINVAL when not even the next record fits.
   */
  getdents64(buf: Uint8Array, caller: Caller): number {
    if (this.isPath) return -Errno.EBADF;
    const dir = this.inode;
    if (dir.kind !== 'directory') return -Errno.ENOTDIR;
    const children = dir.entries(caller);
    if (typeof children === 'number') return children;
    const parent = dir.location()?.parent ?? dir;
    const here = dir.stat();
    const up = parent.stat();
    const listing: DirEntry[] = [
      { name: '.', ino: here.ino, type: dtype(here.mode), cookie: 1 },
      { name: '..', ino: up.ino, type: dtype(up.mode), cookie: 2 },
      ...children,
    ];
    let used = 0;
    for (const entry of listing) {
      if (entry.cookie <= this.offset) continue;
      const size = encodeDirent64(buf, used, entry);
      if (size === 0) return used === 0 ? -Errno.EINVAL : used;
      used += size;
      this.offset = entry.cookie;
    }
    return used;
  }

  poll(): number {
    return this.ops?.poll?.() ?? ALWAYS_READY;
  }

  ioctl(request: number, arg: Uint8Array, call?: IoctlCall): number {
    if (this.isPath) return -Errno.EBADF;
    return this.ops?.ioctl?.(request, arg, call) ?? -Errno.ENOTTY;
  }

  /** The argument of one of the device's own requests, if it has that request. */
  ioctlArg(request: number): IoctlArg | undefined {
    return this.ops?.ioctlArgs?.get(request);
  }

  /** A descriptor now refers to this description. */
  retain(): void {
    this.references++;
  }

  /** A descriptor stopped referring to it; the last one releases the file. */
  release(): void {
    if (--this.references === 0) this.ops?.release?.();
  }

  private nonblocking(result: number): number {
    return result === BLOCKED && (this.flags & O_NONBLOCK) ? -Errno.EAGAIN : result;
  }
}
