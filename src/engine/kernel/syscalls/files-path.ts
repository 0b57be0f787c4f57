// The file syscalls that take paths: opening, the stat family, access, the namespace
// changes (mkdir, unlink, rename, link, symlink), readlink, chmod, utimensat, truncate,
// and the working directory. Each old form is its *at form with AT_FDCWD, as in
// ProcessFiles; the argument names are Valgrind's for each form.
import type { ProcessFiles } from '../fds/index.ts';
import { Errno, type NegErrno } from '../vfs/errno.ts';
import {
  AT_FDCWD, AT_REMOVEDIR, AT_SYMLINK_NOFOLLOW, O_CREAT, O_TRUNC, O_WRONLY, PATH_MAX, UTIME_NOW, UTIME_OMIT,
} from '../vfs/flags.ts';
import type { Stat } from '../vfs/inode.ts';
import type { Timespec } from '../vfs/services.ts';
import { STATX_SIZE, STAT_SIZE, encodeStat, encodeStatx } from '../vfs/stat-layout.ts';
import type { FileSyscallSpec, GuestReader, PlacedBuffer } from './files.ts';
import { copyOut, offsetArg, pathArg } from './files-io.ts';
import { type SyscallArgs, type SyscallContext, argLen, fixedLen, resultLen } from './spec.ts';

/** Runs `f` on path argument `i`, or fails as getname() does. */
function withPath(c: SyscallContext, i: number, f: (path: string) => number): number {
  const path = pathArg(c, i);
  return typeof path === 'number' ? path : f(path);
}

/** Two path arguments, read in order before anything is looked up (rename, link, symlink). */
function withPaths(c: SyscallContext, i: number, j: number, f: (first: string, second: string) => number): number {
  return withPath(c, i, (first) => withPath(c, j, (second) => f(first, second)));
}

/** Copies a stat result out as struct stat (or struct statx); the lookup's error comes first. */
function statOut(c: SyscallContext, ptr: number, st: Stat | NegErrno, statx = false): number {
  if (typeof st === 'number') return st;
  const bytes = new Uint8Array(statx ? STATX_SIZE : STAT_SIZE);
  (statx ? encodeStatx : encodeStat)(new DataView(bytes.buffer), 0, st);
  return copyOut(c, ptr, bytes);
}

/** readlink and readlinkat: bufsiz is checked before the path is read, as do_readlinkat does. */
function readlink(c: SyscallContext, files: ProcessFiles, dirfd: number, path: number, buf: number): number {
  const size = c.args.int(buf + 1);
  if (size <= 0) return -Errno.EINVAL;
  return withPath(c, path, (p) => {
    const scratch = new Uint8Array(Math.min(size, PATH_MAX)); // a target is shorter than PATH_MAX
    const r = files.readlinkat(dirfd, p, scratch);
    return r > 0 ? copyOut(c, c.args.num(buf), scratch.subarray(0, r)) || r : r;
  });
}

/** utimensat's struct timespec times[2], or null for "both now". */
function timesArg(c: SyscallContext, i: number): [Timespec, Timespec] | null | NegErrno {
  const ptr = c.args.num(i);
  if (ptr === 0) return null;
  const raw = c.mem.readBytes(ptr, 32);
  if (!(raw instanceof Uint8Array)) return -Errno.EFAULT;
  const dv = new DataView(raw.buffer, raw.byteOffset, 32);
  const at = (k: number): Timespec => ({ sec: Number(dv.getBigInt64(16 * k, true)), nsec: Number(dv.getBigInt64(16 * k + 8, true)) });
  return [at(0), at(1)];
}

/**
 * utimensat's reads as Valgrind makes them: both tv_nsec, then each tv_sec whose
 * tv_nsec is neither UTIME_NOW nor UTIME_OMIT (only when the array is readable).
 */
function utimensatReads(a: SyscallArgs, mem: GuestReader): PlacedBuffer[] {
  const ptr = a.num(2);
  if (ptr === 0) return [];
  const pieces: PlacedBuffer[] = [0, 1].map((k) => ({ param: `times[${k}].tv_nsec`, addr: ptr + 16 * k + 8, len: 8 }));
  const raw = mem.readBytes(ptr, 32);
  if (!(raw instanceof Uint8Array)) return pieces;
  const dv = new DataView(raw.buffer, raw.byteOffset, 32);
  for (const k of [0, 1]) {
    const nsec = dv.getBigInt64(16 * k + 8, true);
    if (nsec !== BigInt(UTIME_NOW) && nsec !== BigInt(UTIME_OMIT)) pieces.push({ param: `times[${k}].tv_sec`, addr: ptr + 16 * k, len: 8 });
  }
  return pieces;
}

const path = (param: string, ptr: number) => ({ param, ptr });
const statBuf = (ptr: number, size = STAT_SIZE) => ({
  writes: [{ param: 'buf', ptr, len: fixedLen(size) }],
  written: [{ param: 'buf', ptr, len: fixedLen(size) }],
});
const linkBuf = (ptr: number) => ({
  writes: [{ param: 'buf', ptr, len: argLen(ptr + 1) }],
  written: [{ param: 'buf', ptr, len: resultLen }],
});

export function pathSyscalls(files: ProcessFiles): FileSyscallSpec[] {
  return [
    // ------------------------------------------------------------- opening
    {
      nr: 2, name: 'open', args: ['filename', 'flags', 'mode'], mem: { strings: [path('filename', 0)] },
      // Valgrind reads mode only with O_CREAT (glibc passes garbage otherwise).
      regsRead: (a) => (a.int(1) & O_CREAT ? ['filename', 'flags', 'mode'] : ['filename', 'flags']),
      run: (c) => withPath(c, 0, (p) => files.openat(AT_FDCWD, p, c.args.int(1), c.args.u32(2))),
    },
    {
      nr: 257, name: 'openat', args: ['dfd', 'filename', 'flags', 'mode'], mem: { strings: [path('filename', 1)] },
      regsRead: (a) => (a.int(2) & O_CREAT ? ['dfd', 'filename', 'flags', 'mode'] : ['dfd', 'filename', 'flags']),
      run: (c) => withPath(c, 1, (p) => files.openat(c.args.int(0), p, c.args.int(2), c.args.u32(3))),
    },
    {
      nr: 85, name: 'creat', args: ['pathname', 'mode'], mem: { strings: [path('pathname', 0)] },
      run: (c) => withPath(c, 0, (p) => files.openat(AT_FDCWD, p, O_CREAT | O_WRONLY | O_TRUNC, c.args.u32(1))),
    },
    // ------------------------------------------------------------- metadata
    {
      nr: 4, name: 'stat', args: ['file_name', 'buf'], mem: { strings: [path('file_name', 0)], ...statBuf(1) },
      run: (c) => withPath(c, 0, (p) => statOut(c, c.args.num(1), files.fstatat(AT_FDCWD, p, 0))),
    },
    {
      nr: 6, name: 'lstat', args: ['file_name', 'buf'], mem: { strings: [path('file_name', 0)], ...statBuf(1) },
      run: (c) => withPath(c, 0, (p) => statOut(c, c.args.num(1), files.fstatat(AT_FDCWD, p, AT_SYMLINK_NOFOLLOW))),
    },
    {
      nr: 5, name: 'fstat', args: ['fd', 'buf'], mem: statBuf(1),
      run: (c) => statOut(c, c.args.num(1), files.fstat(c.args.int(0))),
    },
    {
      // Valgrind's wrapper calls it fstatat, reads three registers, and skips a NULL name.
      nr: 262, name: 'newfstatat', label: 'fstatat', args: ['dfd', 'file_name', 'buf', 'flag'],
      regsRead: () => ['dfd', 'file_name', 'buf'],
      mem: { strings: [{ param: 'file_name', ptr: 1, when: (a) => a.num(1) !== 0 }], ...statBuf(2) },
      run: (c) => withPath(c, 1, (p) => statOut(c, c.args.num(2), files.fstatat(c.args.int(0), p, c.args.int(3)))),
    },
    {
      nr: 332, name: 'statx', args: ['dirfd', 'filename', 'flags', 'mask', 'buf'],
      mem: { strings: [path('filename', 1)], ...statBuf(4, STATX_SIZE) },
      run: (c) => withPath(c, 1, (p) => statOut(c, c.args.num(4), files.statx(c.args.int(0), p, c.args.int(2), c.args.u32(3)), true)),
    },
    {
      nr: 21, name: 'access', args: ['pathname', 'mode'], mem: { strings: [path('pathname', 0)] },
      run: (c) => withPath(c, 0, (p) => files.faccessat(AT_FDCWD, p, c.args.int(1), 0)),
    },
    {
      nr: 269, name: 'faccessat', args: ['dfd', 'pathname', 'mode'], mem: { strings: [path('pathname', 1)] },
      run: (c) => withPath(c, 1, (p) => files.faccessat(c.args.int(0), p, c.args.int(2), 0)),
    },
    {
      nr: 439, name: 'faccessat2', args: ['dfd', 'pathname', 'mode', 'flags'], mem: { strings: [path('pathname', 1)] },
      run: (c) => withPath(c, 1, (p) => files.faccessat(c.args.int(0), p, c.args.int(2), c.args.int(3))),
    },
    {
      nr: 90, name: 'chmod', args: ['path', 'mode'], mem: { strings: [path('path', 0)] },
      run: (c) => withPath(c, 0, (p) => files.fchmodat(AT_FDCWD, p, c.args.u32(1))),
    },
    {
      nr: 268, name: 'fchmodat', args: ['dfd', 'path', 'mode'], mem: { strings: [path('path', 1)] },
      run: (c) => withPath(c, 1, (p) => files.fchmodat(c.args.int(0), p, c.args.u32(2))),
    },
    {
      // A NULL filename is futimens on dfd: Valgrind checks the name only when there is one.
      nr: 280, name: 'utimensat', args: ['dfd', 'filename', 'utimes', 'flags'],
      mem: {
        strings: [{ param: 'filename', ptr: 1, when: (a) => a.num(1) !== 0 }],
        indirect: { pre: (a, mem) => ({ reads: utimensatReads(a, mem), writes: [] }) },
      },
      run: (c) => {
        const times = timesArg(c, 2);
        if (typeof times === 'number') return times;
        const dirfd = c.args.int(0);
        if (c.args.num(1) === 0) return files.utimensat(dirfd, null, times, c.args.int(3));
        return withPath(c, 1, (p) => files.utimensat(dirfd, p, times, c.args.int(3)));
      },
    },
    {
      nr: 76, name: 'truncate', args: ['path', 'length'], mem: { strings: [path('path', 0)] },
      run: (c) => withPath(c, 0, (p) => files.truncate(p, offsetArg(c.args, 1))),
    },
    // ------------------------------------------------------------- names
    {
      nr: 83, name: 'mkdir', args: ['pathname', 'mode'], mem: { strings: [path('pathname', 0)] },
      run: (c) => withPath(c, 0, (p) => files.mkdirat(AT_FDCWD, p, c.args.u32(1))),
    },
    {
      nr: 258, name: 'mkdirat', args: ['dfd', 'pathname', 'mode'], mem: { strings: [path('pathname', 1)] },
      run: (c) => withPath(c, 1, (p) => files.mkdirat(c.args.int(0), p, c.args.u32(2))),
    },
    {
      nr: 84, name: 'rmdir', args: ['pathname'], mem: { strings: [path('pathname', 0)] },
      run: (c) => withPath(c, 0, (p) => files.unlinkat(AT_FDCWD, p, AT_REMOVEDIR)),
    },
    {
      nr: 87, name: 'unlink', args: ['pathname'], mem: { strings: [path('pathname', 0)] },
      run: (c) => withPath(c, 0, (p) => files.unlinkat(AT_FDCWD, p, 0)),
    },
    {
      nr: 263, name: 'unlinkat', args: ['dfd', 'pathname', 'flag'], mem: { strings: [path('pathname', 1)] },
      regsRead: () => ['dfd', 'pathname'], // Valgrind 3.19 does not check flag
      run: (c) => withPath(c, 1, (p) => files.unlinkat(c.args.int(0), p, c.args.int(2))),
    },
    {
      nr: 82, name: 'rename', args: ['oldpath', 'newpath'], mem: { strings: [path('oldpath', 0), path('newpath', 1)] },
      run: (c) => withPaths(c, 0, 1, (o, n) => files.renameat2(AT_FDCWD, o, AT_FDCWD, n, 0)),
    },
    {
      nr: 264, name: 'renameat', args: ['olddfd', 'oldpath', 'newdfd', 'newpath'],
      mem: { strings: [path('oldpath', 1), path('newpath', 3)] },
      run: (c) => withPaths(c, 1, 3, (o, n) => files.renameat2(c.args.int(0), o, c.args.int(2), n, 0)),
    },
    {
      nr: 316, name: 'renameat2', args: ['olddfd', 'oldpath', 'newdfd', 'newpath', 'flags'],
      mem: { strings: [path('oldpath', 1), path('newpath', 3)] },
      run: (c) => withPaths(c, 1, 3, (o, n) => files.renameat2(c.args.int(0), o, c.args.int(2), n, c.args.u32(4))),
    },
    {
      nr: 86, name: 'link', args: ['oldpath', 'newpath'], mem: { strings: [path('oldpath', 0), path('newpath', 1)] },
      run: (c) => withPaths(c, 0, 1, (o, n) => files.linkat(AT_FDCWD, o, AT_FDCWD, n, 0)),
    },
    {
      nr: 265, name: 'linkat', args: ['olddfd', 'oldpath', 'newdfd', 'newpath', 'flags'],
      mem: { strings: [path('oldpath', 1), path('newpath', 3)] },
      run: (c) => withPaths(c, 1, 3, (o, n) => files.linkat(c.args.int(0), o, c.args.int(2), n, c.args.int(4))),
    },
    {
      nr: 88, name: 'symlink', args: ['oldpath', 'newpath'], mem: { strings: [path('oldpath', 0), path('newpath', 1)] },
      run: (c) => withPaths(c, 0, 1, (target, p) => files.symlinkat(target, AT_FDCWD, p)),
    },
    {
      nr: 266, name: 'symlinkat', args: ['oldpath', 'newdfd', 'newpath'], mem: { strings: [path('oldpath', 0), path('newpath', 2)] },
      run: (c) => withPaths(c, 0, 2, (target, p) => files.symlinkat(target, c.args.int(1), p)),
    },
    {
      nr: 89, name: 'readlink', args: ['path', 'buf', 'bufsiz'], mem: { strings: [path('path', 0)], ...linkBuf(1) },
      run: (c) => readlink(c, files, AT_FDCWD, 0, 1),
    },
    {
      nr: 267, name: 'readlinkat', args: ['dfd', 'path', 'buf', 'bufsiz'], mem: { strings: [path('path', 1)], ...linkBuf(2) },
      run: (c) => readlink(c, files, c.args.int(0), 1, 2),
    },
    // ------------------------------------------------------------- working directory
    {
      nr: 79, name: 'getcwd', args: ['buf', 'size'],
      mem: { writes: [{ param: 'buf', ptr: 0, len: argLen(1) }], written: [{ param: 'buf', ptr: 0, len: resultLen }] },
      run: (c) => {
        const scratch = new Uint8Array(Math.min(c.args.num(1), PATH_MAX));
        const r = files.getcwd(scratch);
        return r > 0 ? copyOut(c, c.args.num(0), scratch.subarray(0, r)) || r : r;
      },
    },
    {
      nr: 80, name: 'chdir', args: ['path'], mem: { strings: [path('path', 0)] },
      run: (c) => withPath(c, 0, (p) => files.chdir(p)),
    },
  ];
}
