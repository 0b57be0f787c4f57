// The file syscalls that move data: read, write and their positioned and vectored
// forms, lseek, ioctl, poll, fadvise64, getdents64. Also the guest-memory half every
// file syscall shares: paths, buffers and iovecs copied between guest memory and the
// plain values ProcessFiles takes (docs/syscalls.md).
import { PERM_R, PERM_W, WINDOW_END, type AddressSpace, type Perm } from '../../memory/index.ts';
import { IOV_MAX, type ProcessFiles } from '../fds/index.ts';
import { SIG } from '../process.ts';
import { BLOCKED, Errno, type NegErrno } from '../vfs/errno.ts';
import { POLLERR, POLLHUP, POLLNVAL } from '../vfs/file-ops.ts';
import { PATH_MAX } from '../vfs/flags.ts';
import { FIONBIO, FIONREAD, IOCTL_ARGS, IOC_READ, IOC_WRITE, TCGETS, TCSETS, TCSETSF, TCSETSW, TIOCGWINSZ, TIOCSWINSZ, iocDir, iocSize } from '../vfs/ioctl.ts';
import { S_IFIFO, S_IFMT } from '../vfs/mode.ts';
import type { FileSyscallSpec, GuestReader, PlacedBuffer } from './files.ts';
import { type BufferSpec, type SyscallArgs, type SyscallContext, type SyscallOutcome, argLen, resultLen } from './spec.ts';

// ------------------------------------------------------------------ guest memory

/** Linux's MAX_RW_COUNT: one read or write moves at most INT_MAX rounded down to a page. */
export const MAX_RW_COUNT = 0x7ffff000;
/** struct iovec: iov_base, iov_len. */
const IOVEC_SIZE = 16;
/** struct pollfd: fd (i32), events (i16), revents (i16). */
const POLLFD_SIZE = 8;
/** Scratch for one read from something that is not a regular file; more is a short read. */
const STREAM_READ_CAP = 16 << 20;
/** At least this much from a regular file: /proc files report size 0 but have contents. */
const MIN_FILE_READ_CAP = 64 << 10;

const utf8 = new TextDecoder(); // non-fatal: bytes that are not UTF-8 become U+FFFD (docs/vfs.md)
const SSIZE_MAX = (1n << 63n) - 1n;

/**
 * The NUL-terminated path that argument `i` points to, as getname() takes it:
 * EFAULT for a bad pointer, ENAMETOOLONG when no NUL comes within PATH_MAX bytes.
 */
export function pathArg(c: SyscallContext, i: number): string | NegErrno {
  const bytes = c.mem.readCString(c.args.num(i), PATH_MAX);
  if (bytes === null) return -Errno.ENAMETOOLONG;
  return bytes instanceof Uint8Array ? utf8.decode(bytes) : -Errno.EFAULT;
}

/** How many bytes from `addr` on the guest may access with `perm` (stopping at the window's end). */
export function accessiblePrefix(mem: AddressSpace, addr: number, len: number, perm: Perm): number {
  const n = Math.min(len, Math.max(0, WINDOW_END - addr));
  if (n <= 0) return 0;
  const fault = mem.check(addr, n, perm);
  return fault ? Math.max(0, fault.addr - addr) : n;
}

/** Writes a buffer the kernel filled; EFAULT (and nothing written) when the guest cannot write it. */
export function copyOut(c: SyscallContext, addr: number, bytes: Uint8Array): 0 | NegErrno {
  return c.mem.writeBytes(addr, bytes) ? -Errno.EFAULT : 0;
}

/**
 * A transfer into guest memory (read, pread, getdents): `fill` runs on scratch as large
 * as the writable start of the buffer (at most `cap`), and the bytes it reports are
 * copied out. As in Linux, a buffer that faults part-way gives a short count; one that
 * is not writable at all gives EFAULT, after the call's own checks (EBADF, EISDIR),
 * which `probe` makes on an empty buffer, consuming nothing.
 */
export function intoGuest(c: SyscallContext, addr: number, len: number, cap: number, fill: (dst: Uint8Array) => number, probe = fill): number {
  const n = Math.min(accessiblePrefix(c.mem, addr, len, PERM_W), cap);
  if (len > 0 && n === 0) return failAfter(probe(new Uint8Array(0)), -Errno.EFAULT);
  const scratch = new Uint8Array(n);
  const r = fill(scratch);
  if (r > 0) c.mem.writeBytes(addr, scratch.subarray(0, r)); // writable: checked above
  return r;
}

/** A transfer out of guest memory (write, pwrite): the readable start of the buffer, as intoGuest. */
export function fromGuest(c: SyscallContext, addr: number, len: number, drain: (src: Uint8Array) => number): number {
  const n = accessiblePrefix(c.mem, addr, len, PERM_R);
  if (n === 0) return failAfter(drain(new Uint8Array(0)), len > 0 ? -Errno.EFAULT : 0);
  return drain(c.mem.readBytes(addr, n) as Uint8Array); // readable: checked above
}

/** The error a probe found first, or `error`. */
function failAfter(probe: number, error: NegErrno): number {
  return probe < 0 ? probe : error;
}

/**
 * What a ProcessFiles result means to the thread: BLOCKED parks it until the call can
 * be made again, and EPIPE (only a pipe write returns it) also raises SIGPIPE.
 */
export function outcome(r: number): SyscallOutcome {
  if (r === BLOCKED) return { kind: 'blocked' };
  if (r === -Errno.EPIPE) return { kind: 'signal', signo: SIG.PIPE, result: r };
  return r;
}

export interface GuestIovec {
  readonly base: number;
  readonly len: number;
}

/**
 * The iovec array argument `ptr` with `count` entries, as import_iovec reads it: EINVAL
 * beyond IOV_MAX or for a length above SSIZE_MAX, EFAULT when the array is unreadable.
 * The total is cut to MAX_RW_COUNT, as Linux cuts it.
 */
export function iovecArg(c: SyscallContext, ptr: number, count: number): GuestIovec[] | NegErrno {
  const n = c.args.num(count);
  if (n > IOV_MAX) return -Errno.EINVAL;
  const raw = n === 0 ? new Uint8Array(0) : c.mem.readBytes(c.args.num(ptr), n * IOVEC_SIZE);
  if (!(raw instanceof Uint8Array)) return -Errno.EFAULT;
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const iov: GuestIovec[] = [];
  let room = MAX_RW_COUNT;
  for (let i = 0; i < n; i++) {
    const len = dv.getBigUint64(i * IOVEC_SIZE + 8, true);
    if (len > SSIZE_MAX) return -Errno.EINVAL;
    const take = Math.min(Number(len), room);
    room -= take;
    iov.push({ base: Number(dv.getBigUint64(i * IOVEC_SIZE, true)), len: take });
  }
  return iov;
}

/**
 * The accessible start of the buffers, in order, up to the first that is not wholly
 * accessible (the point where Linux's copy would fault) and at most `cap` bytes.
 */
function accessibleSegments(c: SyscallContext, iov: GuestIovec[], perm: Perm, cap: number): { segs: GuestIovec[]; wanted: number } {
  const segs: GuestIovec[] = [];
  let wanted = 0;
  let room = cap;
  for (const v of iov) {
    wanted += v.len;
    const n = Math.min(accessiblePrefix(c.mem, v.base, v.len, perm), room);
    if (n > 0) segs.push({ base: v.base, len: n });
    room -= n;
    if (n < v.len) break;
  }
  return { segs, wanted };
}

/** readv and preadv: scratch per buffer, scattered back into guest memory by the count read. */
function vectoredInto(c: SyscallContext, iov: GuestIovec[], cap: number, transfer: (views: Uint8Array[]) => number): number {
  const { segs, wanted } = accessibleSegments(c, iov, PERM_W, cap);
  if (wanted > 0 && segs.length === 0) return failAfter(transfer([]), -Errno.EFAULT);
  const views = segs.map((s) => new Uint8Array(s.len));
  const r = transfer(views);
  for (let i = 0, left = r; i < segs.length && left > 0; left -= views[i]!.length, i++) {
    c.mem.writeBytes(segs[i]!.base, views[i]!.subarray(0, Math.min(left, views[i]!.length)));
  }
  return r;
}

/** writev and pwritev: the buffers' readable start, gathered. */
function vectoredFrom(c: SyscallContext, iov: GuestIovec[], transfer: (views: Uint8Array[]) => number): number {
  const { segs, wanted } = accessibleSegments(c, iov, PERM_R, MAX_RW_COUNT);
  if (wanted > 0 && segs.length === 0) return failAfter(transfer([]), -Errno.EFAULT);
  return transfer(segs.map((s) => c.mem.readBytes(s.base, s.len) as Uint8Array));
}

/**
 * The most one read of `fd` can return, so that scratch follows the data rather than
 * the count asked for: a regular file's bytes after the position, other files a cap
 * (a larger read comes back short, which streams and devices may do).
 */
function readCap(files: ProcessFiles, fd: number, pos?: number): number {
  const ofd = files.table.get(fd)?.ofd;
  if (ofd?.inode.kind !== 'file') return STREAM_READ_CAP;
  return Math.max(ofd.inode.stat().size - (pos ?? ofd.offset), MIN_FILE_READ_CAP);
}

/** A read or write count: size_t, cut to MAX_RW_COUNT. */
const countArg = (a: SyscallArgs, i: number) => Math.min(a.num(i), MAX_RW_COUNT);
/** A file offset (loff_t); beyond 2^53 it is inexact, and every such offset fails EINVAL anyway. */
export const offsetArg = (a: SyscallArgs, i: number) => Number(a.long(i));

// ------------------------------------------------------------- indirect buffers

/** The iovec array's elements, named as Valgrind names them ("vector[...]" or "vector[N]"). */
function iovecPieces(mem: GuestReader, a: SyscallArgs, indexed: boolean): PlacedBuffer[] {
  const n = a.num(2);
  if (n > IOV_MAX) return [];
  const raw = mem.readBytes(a.num(1), n * IOVEC_SIZE);
  if (!(raw instanceof Uint8Array)) return []; // Valgrind checks the elements only when safe to deref
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  return Array.from({ length: n }, (_, i) => ({
    param: indexed ? `vector[${i}]` : 'vector[...]',
    addr: Number(dv.getBigUint64(i * IOVEC_SIZE, true)),
    len: Number(dv.getBigUint64(i * IOVEC_SIZE + 8, true)),
  }));
}

/** readv's POST: the elements in turn, up to the count read. */
function iovecWritten(pieces: PlacedBuffer[], result: number): PlacedBuffer[] {
  const out: PlacedBuffer[] = [];
  for (let i = 0, left = result; i < pieces.length && left > 0; i++) {
    const len = Math.min(pieces[i]!.len, left);
    out.push({ ...pieces[i]!, len });
    left -= len;
  }
  return out;
}

const vectorArray: BufferSpec = { param: 'vector', ptr: 1, len: (a) => (a.num(2) < 2 ** 31 ? a.num(2) * IOVEC_SIZE : 0) };

function readvEffects(indexed: boolean) {
  return {
    reads: [vectorArray],
    indirect: {
      pre: (a: SyscallArgs, mem: GuestReader) => ({ reads: [], writes: iovecPieces(mem, a, indexed) }),
      post: (a: SyscallArgs, mem: GuestReader, result: number) => iovecWritten(iovecPieces(mem, a, indexed), result),
    },
  };
}

function writevEffects(indexed: boolean) {
  return {
    reads: [vectorArray],
    indirect: { pre: (a: SyscallArgs, mem: GuestReader) => ({ reads: iovecPieces(mem, a, indexed), writes: [] }) },
  };
}

/** Valgrind walks at most this many pollfds (nfds beyond RLIMIT_NOFILE fails EINVAL anyway). */
const MAX_POLLFD_PIECES = 1 << 16;

function pollfdPieces(a: SyscallArgs, field: 'fd' | 'events' | 'revents'): PlacedBuffer[] {
  const [offset, len] = field === 'fd' ? [0, 4] : field === 'events' ? [4, 2] : [6, 2];
  const base = a.num(0);
  return Array.from({ length: Math.min(a.u32(1), MAX_POLLFD_PIECES) }, (_, i) => ({
    param: `ufds.${field}`, addr: base + i * POLLFD_SIZE + offset, len,
  }));
}

// ------------------------------------------------------------------------ ioctl

/** The requests the file layer implements, under the name Valgrind's "ioctl(NAME)" gives their argument. */
const IOCTL_PARAMS: ReadonlyArray<readonly [string, readonly number[]]> = [
  ['TCGETS', [TCGETS]],
  ['TCSET{S,SW,SF}', [TCSETS, TCSETSW, TCSETSF]],
  ['TIOCGWINSZ', [TIOCGWINSZ]],
  ['TIOCSWINSZ', [TIOCSWINSZ]],
  ['FIONREAD', [FIONREAD]],
  ['FIONBIO', [FIONBIO]],
];

/** One BufferSpec per request, empty unless the call's request is that one. */
function ioctlBuffers(direction: 'in' | 'out'): BufferSpec[] {
  const specs: BufferSpec[] = [];
  for (const [param, requests] of IOCTL_PARAMS) {
    const arg = IOCTL_ARGS.get(requests[0]!)!;
    if (arg.direction === direction) specs.push({ param, ptr: 2, len: (a) => (requests.includes(a.u32(1)) ? arg.size : 0) });
  }
  // Valgrind's rule for requests it has no wrapper for: the _IOC direction and size.
  const bit = direction === 'in' ? IOC_WRITE : IOC_READ;
  specs.push({ param: 'generic', ptr: 2, len: (a) => (!IOCTL_ARGS.has(a.u32(1)) && iocDir(a.u32(1)) & bit ? iocSize(a.u32(1)) : 0) });
  return specs;
}

// ------------------------------------------------------------------------ table

/** The highest posix_fadvise advice value. */
const POSIX_FADV_NOREUSE = 5;

export function ioSyscalls(files: ProcessFiles): FileSyscallSpec[] {
  const read = (fd: number, dst: Uint8Array) => files.read(fd, dst);
  return [
    {
      nr: 0, name: 'read', args: ['fd', 'buf', 'count'],
      mem: { writes: [{ param: 'buf', ptr: 1, len: argLen(2) }], written: [{ param: 'buf', ptr: 1, len: resultLen }] },
      run: (c) => {
        const fd = c.args.int(0);
        return outcome(intoGuest(c, c.args.num(1), countArg(c.args, 2), readCap(files, fd), (dst) => read(fd, dst)));
      },
    },
    {
      nr: 1, name: 'write', args: ['fd', 'buf', 'count'],
      mem: { reads: [{ param: 'buf', ptr: 1, len: argLen(2) }] },
      run: (c) => outcome(fromGuest(c, c.args.num(1), countArg(c.args, 2), (src) => files.write(c.args.int(0), src))),
    },
    {
      nr: 17, name: 'pread64', args: ['fd', 'buf', 'count', 'offset'],
      mem: { writes: [{ param: 'buf', ptr: 1, len: argLen(2) }], written: [{ param: 'buf', ptr: 1, len: resultLen }] },
      run: (c) => {
        const fd = c.args.int(0);
        const pos = offsetArg(c.args, 3);
        return outcome(intoGuest(c, c.args.num(1), countArg(c.args, 2), readCap(files, fd, pos), (dst) => files.pread64(fd, dst, pos)));
      },
    },
    {
      nr: 18, name: 'pwrite64', args: ['fd', 'buf', 'count', 'offset'],
      mem: { reads: [{ param: 'buf', ptr: 1, len: argLen(2) }] },
      run: (c) => outcome(fromGuest(c, c.args.num(1), countArg(c.args, 2), (src) => files.pwrite64(c.args.int(0), src, offsetArg(c.args, 3)))),
    },
    {
      nr: 19, name: 'readv', args: ['fd', 'vector', 'count'], mem: readvEffects(false),
      run: (c) => {
        const fd = c.args.int(0);
        const iov = iovecArg(c, 1, 2);
        if (typeof iov === 'number') return failAfter(files.readv(fd, []), iov);
        return outcome(vectoredInto(c, iov, readCap(files, fd), (views) => files.readv(fd, views)));
      },
    },
    {
      nr: 20, name: 'writev', args: ['fd', 'vector', 'count'], mem: writevEffects(false),
      run: (c) => {
        const fd = c.args.int(0);
        const iov = iovecArg(c, 1, 2);
        if (typeof iov === 'number') return failAfter(files.writev(fd, []), iov);
        return outcome(vectoredFrom(c, iov, (views) => files.writev(fd, views)));
      },
    },
    {
      nr: 295, name: 'preadv', args: ['fd', 'vector', 'count', 'offset'], mem: readvEffects(true),
      run: (c) => {
        const fd = c.args.int(0);
        const pos = offsetArg(c.args, 3); // pos_l carries all 64 bits on x86-64; pos_h is ignored
        const iov = iovecArg(c, 1, 2);
        if (typeof iov === 'number') return failAfter(files.preadv(fd, [], pos), iov);
        return outcome(vectoredInto(c, iov, readCap(files, fd, pos), (views) => files.preadv(fd, views, pos)));
      },
    },
    {
      nr: 296, name: 'pwritev', args: ['fd', 'vector', 'count', 'offset'], mem: writevEffects(true),
      run: (c) => {
        const fd = c.args.int(0);
        const pos = offsetArg(c.args, 3);
        const iov = iovecArg(c, 1, 2);
        if (typeof iov === 'number') return failAfter(files.pwritev(fd, [], pos), iov);
        return outcome(vectoredFrom(c, iov, (views) => files.pwritev(fd, views, pos)));
      },
    },
    {
      nr: 8, name: 'lseek', args: ['fd', 'offset', 'whence'],
      run: (c) => files.lseek(c.args.int(0), offsetArg(c.args, 1), c.args.u32(2)),
    },
    {
      nr: 217, name: 'getdents64', args: ['fd', 'dirp', 'count'],
      mem: { writes: [{ param: 'dirp', ptr: 1, len: argLen(2) }], written: [{ param: 'dirp', ptr: 1, len: resultLen }] },
      run: (c) => {
        const fd = c.args.int(0);
        // A listing is resumable, so a large count may come back short (the guest calls again).
        return intoGuest(c, c.args.num(1), c.args.u32(2), STREAM_READ_CAP, (dst) => files.getdents64(fd, dst), (empty) => {
          const r = files.getdents64(fd, empty);
          return r === -Errno.EINVAL ? 0 : r; // "nothing fits" is no earlier error than EFAULT
        });
      },
    },
    {
      nr: 16, name: 'ioctl', args: ['fd', 'request', 'arg'],
      mem: { reads: ioctlBuffers('in'), writes: ioctlBuffers('out'), written: ioctlBuffers('out') },
      run: (c) => {
        const fd = c.args.int(0);
        const request = c.args.u32(1);
        const ptr = c.args.num(2);
        // Requests neither the file layer nor the device knows fail ENOTTY without touching the argument.
        const { size, direction } = files.ioctlArg(fd, request) ?? { size: 0, direction: 'none' };
        const arg = new Uint8Array(size);
        if ((direction === 'in' || direction === 'inout') && size > 0) {
          const bytes = c.mem.readBytes(ptr, size);
          if (!(bytes instanceof Uint8Array)) return files.table.get(fd) ? -Errno.EFAULT : -Errno.EBADF;
          arg.set(bytes);
        }
        const call = { value: c.args.raw[2] ?? 0n, write: (addr: number, bytes: Uint8Array) => !c.mem.writeBytes(addr, bytes) };
        const r = files.ioctl(fd, request, arg, call);
        return r >= 0 && (direction === 'out' || direction === 'inout') && size > 0 ? copyOut(c, ptr, arg) || r : r;
      },
    },
    {
      nr: 7, name: 'poll', args: ['ufds', 'nfds', 'timeout'],
      mem: {
        indirect: {
          pre: (a) => ({ reads: [...pollfdPieces(a, 'fd'), ...pollfdPieces(a, 'events')], writes: pollfdPieces(a, 'revents') }),
          post: (a) => pollfdPieces(a, 'revents'),
        },
      },
      run: (c) => poll(c, files),
    },
    {
      nr: 221, name: 'fadvise64', args: ['fd', 'offset', 'len', 'advice'],
      run: (c) => {
        const ofd = files.table.get(c.args.int(0))?.ofd;
        if (ofd === undefined || ofd.isPath) return -Errno.EBADF;
        if ((ofd.inode.stat().mode & S_IFMT) === S_IFIFO) return -Errno.ESPIPE;
        const advice = c.args.int(3);
        // A hint: with every file in memory there is nothing to read ahead or drop.
        return advice < 0 || advice > POSIX_FADV_NOREUSE || c.args.long(2) < 0n ? -Errno.EINVAL : 0;
      },
    },
  ];
}

/**
 * poll(2) over ProcessFiles.poll. Nothing waits in real time: with nothing ready, a
 * finite timeout passes on the virtual clock and reports 0; an infinite one parks the
 * thread until the call can be made again.
 */
function poll(c: SyscallContext, files: ProcessFiles): SyscallOutcome {
  const nfds = c.args.u32(1);
  if (nfds > files.table.limit) return -Errno.EINVAL;
  const ptr = c.args.num(0);
  const raw = nfds === 0 ? new Uint8Array(0) : c.mem.readBytes(ptr, nfds * POLLFD_SIZE);
  if (!(raw instanceof Uint8Array)) return -Errno.EFAULT;
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  let ready = 0;
  for (let i = 0; i < nfds; i++) {
    const fd = dv.getInt32(i * POLLFD_SIZE, true);
    const events = dv.getUint16(i * POLLFD_SIZE + 4, true);
    // A negative fd is skipped; errors and hang-ups are reported whether asked for or not.
    const revents = fd < 0 ? 0 : files.poll(fd) & (events | POLLERR | POLLHUP | POLLNVAL);
    dv.setUint16(i * POLLFD_SIZE + 6, revents, true);
    if (revents) ready++;
  }
  const timeout = c.args.int(2);
  if (ready === 0 && timeout < 0) return { kind: 'blocked' };
  if (ready === 0 && timeout > 0) c.proc.clock.advance(BigInt(timeout) * 1_000_000n);
  return copyOut(c, ptr, raw) || ready;
}
