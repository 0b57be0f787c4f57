// The file syscalls on the descriptor table and on descriptors' own state: close,
// close_range, dup/dup2/dup3, fcntl, flock, pipe/pipe2, fsync/fdatasync, and fchdir,
// fchmod, ftruncate, umask.
import {
  F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_GETFL, F_SETFD, F_SETFL, PIPE_CAPACITY, type ProcessFiles,
} from '../fds/index.ts';
import { Errno, type NegErrno } from '../vfs/errno.ts';
import { S_IFIFO, S_IFMT } from '../vfs/mode.ts';
import type { FileSyscallSpec, PlacedBuffer } from './files.ts';
import { copyOut, offsetArg } from './files-io.ts';
import { type SyscallArgs, type SyscallContext, fixedLen } from './spec.ts';

// fcntl commands beyond ProcessFiles' own (asm-generic/fcntl.h, linux/fcntl.h).
const F_GETLK = 5;
const F_SETLK = 6;
const F_SETLKW = 7;
const F_SETOWN = 8;
const F_GETOWN = 9;
const F_SETSIG = 10;
const F_GETSIG = 11;
const F_OFD_GETLK = 36;
const F_OFD_SETLK = 37;
const F_OFD_SETLKW = 38;
const F_SETLEASE = 1024;
const F_GETLEASE = 1025;
const F_NOTIFY = 1026;
const F_SETPIPE_SZ = 1031;
const F_GETPIPE_SZ = 1032;
const F_ADD_SEALS = 1033;
const F_GET_SEALS = 1034;
const F_RDLCK = 0;
const F_WRLCK = 1;
const F_UNLCK = 2;
/** struct flock: l_type (i16), l_whence (i16), l_start (i64 at 8), l_len (i64 at 16), l_pid (i32 at 24). */
const FLOCK_SIZE = 32;
const LOCK_SH = 1;
const LOCK_EX = 2;
const LOCK_NB = 4;
const LOCK_UN = 8;
const CLOSE_RANGE_UNSHARE = 2;
const CLOSE_RANGE_CLOEXEC = 4;

// How Valgrind's fcntl wrapper reads the third argument, by command.
const FCNTL_NO_ARG = [F_GETFD, F_GETFL, F_GETOWN, F_GETSIG, F_GETLEASE, F_GETPIPE_SZ, F_GET_SEALS];
const FCNTL_LONG_ARG = [F_DUPFD, F_DUPFD_CLOEXEC, F_SETFD, F_SETFL, F_SETLEASE, F_NOTIFY, F_SETOWN, F_SETSIG, F_SETPIPE_SZ, F_ADD_SEALS];
const FCNTL_LOCKS = [F_GETLK, F_SETLK, F_SETLKW, F_OFD_GETLK, F_OFD_SETLK, F_OFD_SETLKW];
const FCNTL_GETLK = [F_GETLK, F_OFD_GETLK];

function fcntlRegs(a: SyscallArgs): readonly string[] {
  const cmd = a.int(1);
  if (FCNTL_NO_ARG.includes(cmd)) return ['fd', 'cmd'];
  if (FCNTL_LONG_ARG.includes(cmd)) return ['fd', 'cmd', 'arg'];
  if (FCNTL_LOCKS.includes(cmd)) return ['fd', 'cmd', 'lock'];
  return []; // Valgrind fails a command it does not know with EINVAL, reading nothing
}

/** The struct flock fields Valgrind's PRE_FIELD_READ/WRITE name. */
function flockPieces(a: SyscallArgs, kind: 'reads' | 'writes'): PlacedBuffer[] {
  const cmd = a.int(1);
  const base = a.num(2);
  if (!FCNTL_LOCKS.includes(cmd)) return [];
  if (kind === 'writes') return FCNTL_GETLK.includes(cmd) ? [{ param: 'lock->l_pid', addr: base + 24, len: 4 }] : [];
  return ([['l_type', 0, 2], ['l_whence', 2, 2], ['l_start', 8, 8], ['l_len', 16, 8]] as const)
    .map(([field, at, len]) => ({ param: `lock->${field}`, addr: base + at, len }));
}

/**
 * Record locks. There is one process, so no lock ever conflicts: setting one succeeds
 * once the request is valid, and F_GETLK answers F_UNLCK, as Linux does when no other
 * process holds a lock.
 */
function fcntlLock(c: SyscallContext, files: ProcessFiles, fd: number, cmd: number): number {
  const ofd = files.table.get(fd)?.ofd;
  if (ofd === undefined || ofd.isPath) return -Errno.EBADF;
  const ptr = c.args.num(2);
  const raw = c.mem.readBytes(ptr, FLOCK_SIZE);
  if (!(raw instanceof Uint8Array)) return -Errno.EFAULT;
  const dv = new DataView(raw.buffer, raw.byteOffset, FLOCK_SIZE);
  const type = dv.getInt16(0, true);
  const whence = dv.getInt16(2, true);
  const ofdLock = cmd === F_OFD_GETLK || cmd === F_OFD_SETLK || cmd === F_OFD_SETLKW;
  if ((ofdLock && dv.getInt32(24, true) !== 0) || whence < 0 || whence > 2) return -Errno.EINVAL;
  if (FCNTL_GETLK.includes(cmd)) {
    if (type !== F_RDLCK && type !== F_WRLCK) return -Errno.EINVAL;
    dv.setInt16(0, F_UNLCK, true);
    return copyOut(c, ptr, raw);
  }
  if (type === F_RDLCK) return ofd.readable ? 0 : -Errno.EBADF;
  if (type === F_WRLCK) return ofd.writable ? 0 : -Errno.EBADF;
  return type === F_UNLCK ? 0 : -Errno.EINVAL;
}

function fcntl(c: SyscallContext, files: ProcessFiles): number {
  const fd = c.args.int(0);
  const cmd = c.args.int(1);
  if (FCNTL_LOCKS.includes(cmd)) return fcntlLock(c, files, fd, cmd);
  const ofd = files.table.get(fd)?.ofd;
  switch (cmd) {
    // No signal-driven I/O: the owner and signal are accepted and reported as unset.
    case F_GETOWN: case F_GETSIG: case F_SETOWN:
      return ofd === undefined || ofd.isPath ? -Errno.EBADF : 0;
    case F_SETSIG: {
      if (ofd === undefined || ofd.isPath) return -Errno.EBADF;
      const sig = c.args.int(2);
      return sig < 0 || sig > 64 ? -Errno.EINVAL : 0;
    }
    // Pipes keep Linux's default 16 pages; a request for more fails as beyond pipe-max-size.
    case F_GETPIPE_SZ: case F_SETPIPE_SZ:
      if (ofd === undefined || ofd.isPath || (ofd.inode.stat().mode & S_IFMT) !== S_IFIFO) return -Errno.EBADF;
      return cmd === F_SETPIPE_SZ && c.args.num(2) > PIPE_CAPACITY ? -Errno.EPERM : PIPE_CAPACITY;
  }
  return files.fcntl(fd, cmd, c.args.int(2));
}

/** flock(2): as with record locks, no other process can hold a conflicting lock. */
function flock(files: ProcessFiles, fd: number, operation: number): 0 | NegErrno {
  const ofd = files.table.get(fd)?.ofd;
  if (ofd === undefined || ofd.isPath) return -Errno.EBADF;
  const op = operation & ~LOCK_NB;
  return op === LOCK_SH || op === LOCK_EX || op === LOCK_UN ? 0 : -Errno.EINVAL;
}

/** fsync and fdatasync: everything is already where it goes; files without an fsync (pipes, terminals) say EINVAL. */
function fsync(files: ProcessFiles, fd: number): 0 | NegErrno {
  const ofd = files.table.get(fd)?.ofd;
  if (ofd === undefined || ofd.isPath) return -Errno.EBADF;
  return ofd.inode.kind === 'file' || ofd.inode.kind === 'directory' ? 0 : -Errno.EINVAL;
}

/** pipe and pipe2. As in Linux, descriptors the guest cannot be told of are closed again. */
function pipe(c: SyscallContext, files: ProcessFiles, flags: number): number {
  const fds = files.pipe2(flags);
  if (typeof fds === 'number') return fds;
  const out = new Uint8Array(8);
  const dv = new DataView(out.buffer);
  dv.setInt32(0, fds[0], true);
  dv.setInt32(4, fds[1], true);
  if (copyOut(c, c.args.num(0), out) === 0) return 0;
  fds.forEach((fd) => files.close(fd));
  return -Errno.EFAULT;
}

function closeRange(c: SyscallContext, files: ProcessFiles): NegErrno | 0 {
  const first = c.args.u32(0);
  const last = c.args.u32(1);
  const flags = c.args.u32(2);
  if (flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC) || first > last) return -Errno.EINVAL;
  // CLOSE_RANGE_UNSHARE only matters to a table shared with another thread: none is.
  for (const fd of files.table.fds()) {
    if (fd < first || fd > last) continue;
    if (flags & CLOSE_RANGE_CLOEXEC) files.table.get(fd)!.cloexec = true;
    else files.close(fd);
  }
  return 0;
}

const filedes = { writes: [{ param: 'filedes', ptr: 0, len: fixedLen(8) }], written: [{ param: 'filedes', ptr: 0, len: fixedLen(8) }] };

export function fdSyscalls(files: ProcessFiles): FileSyscallSpec[] {
  return [
    { nr: 3, name: 'close', args: ['fd'], run: (c) => files.close(c.args.int(0)) },
    { nr: 436, name: 'close_range', args: ['first', 'last', 'flags'], run: (c) => closeRange(c, files) },
    { nr: 32, name: 'dup', args: ['oldfd'], run: (c) => files.dup(c.args.int(0)) },
    { nr: 33, name: 'dup2', args: ['oldfd', 'newfd'], run: (c) => files.dup2(c.args.int(0), c.args.int(1)) },
    { nr: 292, name: 'dup3', args: ['oldfd', 'newfd', 'flags'], run: (c) => files.dup3(c.args.int(0), c.args.int(1), c.args.int(2)) },
    {
      nr: 72, name: 'fcntl', args: ['fd', 'cmd', 'arg'], regsRead: fcntlRegs,
      mem: {
        indirect: {
          pre: (a) => ({ reads: flockPieces(a, 'reads'), writes: flockPieces(a, 'writes') }),
          post: (a) => (FCNTL_GETLK.includes(a.int(1)) ? [{ param: 'lock', addr: a.num(2), len: FLOCK_SIZE }] : []),
        },
      },
      run: (c) => fcntl(c, files),
    },
    { nr: 73, name: 'flock', args: ['fd', 'operation'], run: (c) => flock(files, c.args.int(0), c.args.int(1)) },
    { nr: 74, name: 'fsync', args: ['fd'], run: (c) => fsync(files, c.args.int(0)) },
    { nr: 75, name: 'fdatasync', args: ['fd'], run: (c) => fsync(files, c.args.int(0)) },
    { nr: 22, name: 'pipe', args: ['filedes'], mem: filedes, run: (c) => pipe(c, files, 0) },
    // Valgrind's register check calls this one "pipe" too; its memory check says pipe2.
    { nr: 293, name: 'pipe2', args: ['filedes', 'flags'], mem: filedes, run: (c) => pipe(c, files, c.args.int(1)) },
    { nr: 81, name: 'fchdir', args: ['fd'], run: (c) => files.fchdir(c.args.int(0)) },
    { nr: 91, name: 'fchmod', args: ['fildes', 'mode'], run: (c) => files.fchmod(c.args.int(0), c.args.u32(1)) },
    { nr: 77, name: 'ftruncate', args: ['fd', 'length'], run: (c) => files.ftruncate(c.args.int(0), offsetArg(c.args, 1)) },
    { nr: 95, name: 'umask', args: ['mask'], run: (c) => files.umask(c.args.u32(0)) },
  ];
}
