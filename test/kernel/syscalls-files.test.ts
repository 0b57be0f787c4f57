// The file syscalls as the guest sees them: the table driven with register values
// and buffers in a real AddressSpace, through a Kernel, checking the bytes that come
// back in guest memory.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NodeHostDirectory } from '../../src/cli/host-fs.ts';
import { SeededRandom, VirtualClock } from '../../src/engine/core/determinism.ts';
import { Kernel, type KernelOptions } from '../../src/engine/kernel/kernel.ts';
import { Process } from '../../src/engine/kernel/process.ts';
import { SyscallArgs, type SyscallOutcome } from '../../src/engine/kernel/syscalls/spec.ts';
import {
  AT_FDCWD, AT_REMOVEDIR, Errno, O_CLOEXEC, O_CREAT, O_DIRECTORY, O_NONBLOCK, O_RDONLY, O_RDWR, O_WRONLY, POLLIN,
  S_IFDIR, S_IFREG, STAT_OFFSETS, STATX_OFFSETS, TCGETS, TERMIOS_SIZE, TIOCGWINSZ, UTIME_NOW, UTIME_OMIT,
} from '../../src/engine/kernel/vfs/index.ts';
import { AddressSpace, PAGE_SIZE, PERM_R, PERM_RW } from '../../src/engine/memory/index.ts';
import { FakeTerminal, oneThread } from './support.ts';

const NR = {
  read: 0, write: 1, open: 2, close: 3, stat: 4, fstat: 5, lstat: 6, poll: 7, lseek: 8, mmap: 9, ioctl: 16,
  pread64: 17, pwrite64: 18, readv: 19, writev: 20, access: 21, pipe: 22, dup: 32, dup2: 33, fcntl: 72,
  truncate: 76, ftruncate: 77, getcwd: 79, chdir: 80, fchdir: 81, rename: 82, mkdir: 83, rmdir: 84, link: 86,
  unlink: 87, symlink: 88, readlink: 89, chmod: 90, fchmod: 91, umask: 95, getdents64: 217, fadvise64: 221,
  openat: 257, mkdirat: 258, newfstatat: 262, unlinkat: 263, renameat: 264, linkat: 265, symlinkat: 266,
  readlinkat: 267, fchmodat: 268, faccessat: 269, utimensat: 280, dup3: 292, pipe2: 293, preadv: 295,
  pwritev: 296, renameat2: 316, statx: 332, close_range: 436, faccessat2: 439, flock: 73, fsync: 74, fdatasync: 75,
  creat: 85,
} as const;

const SEEK_SET = 0;
const SEEK_CUR = 1;
const F_GETFD = 1;
const F_GETLK = 5;
const F_SETLK = 6;
const F_GETPIPE_SZ = 1032;
const MAP_PRIVATE = 2;
const SIGPIPE = 13;
/** A page nothing is mapped at. */
const BAD = 0x1000;
const enc = new TextEncoder();
const dec = new TextDecoder();

/** One process: an address space with a scratch arena, a Kernel, and a fake terminal. */
class Guest {
  readonly as = new AddressSpace();
  readonly proc = new Process({ pid: 4242, uid: 1000, gid: 1000, exePath: '/home/user/prog', random: new SeededRandom(7), clock: new VirtualClock(7) });
  readonly terminal: FakeTerminal;
  readonly threads = oneThread(this.proc);
  readonly kernel: Kernel;
  readonly arena: number;
  private next: number;
  readonly warnings: string[] = [];

  constructor(options: Partial<KernelOptions> & { ttys?: readonly (0 | 1 | 2)[] } = {}) {
    this.terminal = new FakeTerminal(options.ttys);
    this.kernel = new Kernel({
      as: this.as, proc: this.proc, threads: this.threads, terminal: this.terminal, programPath: '/home/user/prog',
      programBytes: enc.encode('\x7fELF not really'), ...options,
    });
    this.arena = this.as.mmap({ addr: 0, length: 16 * PAGE_SIZE, perm: PERM_RW });
    this.next = this.arena;
  }

  call(name: keyof typeof NR, ...args: (number | bigint)[]): SyscallOutcome {
    const raw = args.map((a) => BigInt.asUintN(64, BigInt(a)));
    return this.kernel.syscalls.dispatch(NR[name], {
      args: new SyscallArgs(raw), proc: this.proc, threads: this.threads, mem: this.as, state: new DataView(new ArrayBuffer(8)),
      warn: (m) => this.warnings.push(m), mapFile: this.kernel.mapFile,
    });
  }

  /** A call expected to return a plain number. */
  num(name: keyof typeof NR, ...args: (number | bigint)[]): number {
    const r = this.call(name, ...args);
    if (typeof r !== 'number') throw new Error(`${name} returned ${JSON.stringify(r)}`);
    return r;
  }

  alloc(n: number): number {
    const at = this.next;
    this.next += (n + 15) & ~15;
    return at;
  }

  put(bytes: Uint8Array): number {
    const at = this.alloc(bytes.length);
    this.as.memory.writeBytes(at, bytes);
    return at;
  }

  str(s: string): number {
    return this.put(enc.encode(`${s}\0`));
  }

  bytes(addr: number, n: number): Uint8Array {
    return this.as.memory.readBytes(addr, n);
  }

  text(addr: number, n: number): string {
    return dec.decode(this.bytes(addr, n));
  }

  view(addr: number, n: number): DataView {
    const b = this.bytes(addr, n);
    return new DataView(b.buffer, b.byteOffset, n);
  }

  /** open + write + close through the table. */
  writeFile(path: string, contents: string | Uint8Array): void {
    const fd = this.num('open', this.str(path), O_CREAT | O_WRONLY, 0o644);
    const data = typeof contents === 'string' ? enc.encode(contents) : contents;
    expect(this.num('write', fd, this.put(data), data.length)).toBe(data.length);
    expect(this.num('close', fd)).toBe(0);
  }

  /** Everything a descriptor reads until end of file, through read(2). */
  readAll(fd: number): string {
    let out = '';
    const buf = this.alloc(4096);
    for (let n; (n = this.num('read', fd, buf, 4096)) > 0;) out += this.text(buf, n);
    return out;
  }
}

/** struct iovec entries pointing at buffers, laid out in guest memory. */
function iovecs(g: Guest, bufs: { addr: number; len: number }[]): number {
  const raw = new Uint8Array(16 * bufs.length);
  const dv = new DataView(raw.buffer);
  bufs.forEach((b, i) => {
    dv.setBigUint64(16 * i, BigInt(b.addr), true);
    dv.setBigUint64(16 * i + 8, BigInt(b.len), true);
  });
  return g.put(raw);
}

/** linux_dirent64 records: name, type, reclen. */
function dirents(g: Guest, buf: number, n: number): { name: string; type: number; reclen: number }[] {
  const dv = g.view(buf, n);
  const out = [];
  for (let at = 0; at < n;) {
    const reclen = dv.getUint16(at + 16, true);
    const nameBytes = g.bytes(buf + at + 19, reclen - 19);
    out.push({ name: dec.decode(nameBytes.subarray(0, nameBytes.indexOf(0))), type: dv.getUint8(at + 18), reclen });
    at += reclen;
  }
  return out;
}

describe('file data through the syscall table', () => {
  it('open, write, lseek, read and fstat round trip', () => {
    const g = new Guest();
    const fd = g.num('open', g.str('/tmp/notes.txt'), O_CREAT | O_RDWR, 0o640);
    expect(fd).toBe(3);
    expect(g.num('write', fd, g.put(enc.encode('hello, world')), 12)).toBe(12);
    expect(g.num('lseek', fd, 7, SEEK_SET)).toBe(7);
    const buf = g.alloc(64);
    expect(g.num('read', fd, buf, 64)).toBe(5);
    expect(g.text(buf, 5)).toBe('world');
    expect(g.num('read', fd, buf, 64)).toBe(0);

    const st = g.alloc(144);
    expect(g.num('fstat', fd, st)).toBe(0);
    const v = g.view(st, 144);
    expect(v.getBigUint64(STAT_OFFSETS.st_size, true)).toBe(12n);
    expect(v.getUint32(STAT_OFFSETS.st_mode, true)).toBe(S_IFREG | 0o640);
    expect(v.getBigUint64(STAT_OFFSETS.st_nlink, true)).toBe(1n);
    expect(v.getUint32(STAT_OFFSETS.st_uid, true)).toBe(1000);
    expect(v.getUint32(STAT_OFFSETS.st_gid, true)).toBe(1000);
    expect(v.getBigUint64(STAT_OFFSETS.st_blksize, true)).toBe(4096n);

    // stat by name agrees with fstat on the descriptor, inode and device included.
    const st2 = g.alloc(144);
    expect(g.num('stat', g.str('/tmp/notes.txt'), st2)).toBe(0);
    expect(g.bytes(st2, 144)).toEqual(g.bytes(st, 144));
    expect(v.getBigUint64(STAT_OFFSETS.st_ino, true)).toBeGreaterThan(0n);

    // pread and pwrite leave the offset alone.
    expect(g.num('pwrite64', fd, g.put(enc.encode('H')), 1, 0)).toBe(1);
    expect(g.num('pread64', fd, buf, 5, 0)).toBe(5);
    expect(g.text(buf, 5)).toBe('Hello');
    expect(g.num('lseek', fd, 0, SEEK_CUR)).toBe(12);
    expect(g.num('close', fd)).toBe(0);
    expect(g.num('close', fd)).toBe(-Errno.EBADF);
  });

  it('statx fills struct statx with the mask set', () => {
    const g = new Guest();
    g.writeFile('/tmp/x', 'abc');
    const buf = g.alloc(256);
    expect(g.num('statx', AT_FDCWD, g.str('/tmp/x'), 0, 0x7ff, buf)).toBe(0);
    const v = g.view(buf, 256);
    expect(v.getUint32(STATX_OFFSETS.stx_mask, true) & 0x7ff).toBe(0x7ff);
    expect(v.getBigUint64(STATX_OFFSETS.stx_size, true)).toBe(3n);
    expect(v.getUint16(STATX_OFFSETS.stx_mode, true)).toBe(S_IFREG | 0o644);
  });

  it('writev gathers and readv scatters across several iovecs', () => {
    const g = new Guest();
    const fd = g.num('open', g.str('/tmp/v'), O_CREAT | O_RDWR, 0o600);
    const out = iovecs(g, [
      { addr: g.put(enc.encode('ab')), len: 2 }, { addr: g.arena, len: 0 }, { addr: g.put(enc.encode('cdefg')), len: 4 },
    ]);
    expect(g.num('writev', fd, out, 3)).toBe(6);
    expect(g.num('lseek', fd, 0, SEEK_SET)).toBe(0);
    const [a, b, c] = [g.alloc(1), g.alloc(3), g.alloc(10)];
    const inv = iovecs(g, [{ addr: a, len: 1 }, { addr: b, len: 3 }, { addr: c, len: 10 }]);
    expect(g.num('readv', fd, inv, 3)).toBe(6);
    expect([g.text(a, 1), g.text(b, 3), g.text(c, 2)]).toEqual(['a', 'bcd', 'ef']);

    // The positioned forms, at an offset and without moving the file position.
    expect(g.num('pwritev', fd, iovecs(g, [{ addr: g.put(enc.encode('XY')), len: 2 }]), 1, 2)).toBe(2);
    expect(g.num('preadv', fd, inv, 3, 1)).toBe(5);
    expect([g.text(a, 1), g.text(b, 3), g.text(c, 1)]).toEqual(['b', 'XYe', 'f']);
    expect(g.num('lseek', fd, 0, SEEK_CUR)).toBe(6);

    expect(g.num('writev', fd, out, 1025)).toBe(-Errno.EINVAL); // IOV_MAX is 1024
    expect(g.num('readv', fd, BAD, 2)).toBe(-Errno.EFAULT);
    expect(g.num('readv', 99, BAD, 2)).toBe(-Errno.EBADF); // the descriptor is checked first
  });

  it('getdents64 lists a directory as linux_dirent64 records, and unlink removes a name', () => {
    const g = new Guest();
    expect(g.num('mkdir', g.str('/tmp/d'), 0o755)).toBe(0);
    g.writeFile('/tmp/d/a', 'A');
    g.writeFile('/tmp/d/bb', 'B');
    expect(g.num('mkdir', g.str('/tmp/d/sub'), 0o755)).toBe(0);
    const dir = g.num('open', g.str('/tmp/d'), O_RDONLY | O_DIRECTORY, 0);
    const buf = g.alloc(1024);
    const n = g.num('getdents64', dir, buf, 1024);
    const list = dirents(g, buf, n);
    expect(list.map((e) => e.name)).toEqual(['.', '..', 'a', 'bb', 'sub']);
    expect(list.map((e) => e.type)).toEqual([4, 4, 8, 8, 4]); // DT_DIR, DT_REG
    expect(list.every((e) => e.reclen % 8 === 0)).toBe(true);
    expect(g.num('getdents64', dir, buf, 1024)).toBe(0);
    expect(g.num('getdents64', dir, buf, 4)).toBe(0); // at the end even a tiny buffer is fine
    expect(g.num('lseek', dir, 0, SEEK_SET)).toBe(0);
    expect(g.num('getdents64', dir, buf, 8)).toBe(-Errno.EINVAL); // not even "." fits

    expect(g.num('unlink', g.str('/tmp/d/a'))).toBe(0);
    expect(g.num('stat', g.str('/tmp/d/a'), g.alloc(144))).toBe(-Errno.ENOENT);
    expect(g.num('rmdir', g.str('/tmp/d'))).toBe(-Errno.ENOTEMPTY);
    expect(g.num('unlinkat', AT_FDCWD, g.str('/tmp/d/sub'), AT_REMOVEDIR)).toBe(0);
    expect(g.num('getdents64', g.num('open', g.str('/tmp/d/bb'), O_RDONLY, 0), buf, 1024)).toBe(-Errno.ENOTDIR);
  });

  it('a bad pointer is EFAULT and changes nothing', () => {
    const g = new Guest();
    g.writeFile('/tmp/f', '0123456789');
    const fd = g.num('open', g.str('/tmp/f'), O_RDWR, 0);
    const st = g.alloc(144);
    expect(g.num('write', fd, BAD, 4)).toBe(-Errno.EFAULT);
    expect(g.num('read', fd, BAD, 4)).toBe(-Errno.EFAULT);
    expect(g.num('lseek', fd, 0, SEEK_CUR)).toBe(0); // nothing was consumed
    expect(g.num('fstat', fd, st)).toBe(0);
    expect(g.view(st, 144).getBigUint64(STAT_OFFSETS.st_size, true)).toBe(10n);
    expect(g.num('read', 77, BAD, 4)).toBe(-Errno.EBADF); // EBADF comes before EFAULT
    expect(g.num('fstat', fd, BAD)).toBe(-Errno.EFAULT);
    expect(g.num('open', BAD, O_RDONLY, 0)).toBe(-Errno.EFAULT);
    expect(g.num('rename', g.str('/tmp/f'), BAD)).toBe(-Errno.EFAULT);
    expect(g.num('stat', g.str('/tmp/f'), st)).toBe(0); // the rename did not happen
    expect(g.num('pipe', BAD)).toBe(-Errno.EFAULT);
    expect(g.num('dup', 0)).toBe(4); // the pipe's descriptors were closed again
    expect(g.num('getcwd', BAD, 100)).toBe(-Errno.EFAULT);
    expect(g.num('ioctl', 0, TCGETS, BAD)).toBe(-Errno.EFAULT);
    // Zero-length transfers touch no memory, wherever they point.
    expect(g.num('write', fd, 0xfffff000, 0)).toBe(0);
    expect(g.num('read', fd, 0xfffff000, 0)).toBe(0);
    expect(g.num('writev', fd, iovecs(g, [{ addr: 0xfffff000, len: 0 }]), 1)).toBe(0);

    // A buffer that ends in an unmapped page: a short transfer, as Linux makes.
    const lastPage = g.arena + 15 * PAGE_SIZE;
    expect(g.as.munmap(lastPage + PAGE_SIZE, PAGE_SIZE)).toBe(0);
    expect(g.num('lseek', fd, 0, SEEK_SET)).toBe(0);
    expect(g.num('read', fd, lastPage + PAGE_SIZE - 3, 10)).toBe(3);
    expect(g.text(lastPage + PAGE_SIZE - 3, 3)).toBe('012');
    expect(g.num('lseek', fd, 0, SEEK_CUR)).toBe(3);
  });

  it('paths are read up to PATH_MAX: 4095 bytes and a NUL resolve, 4096 without one are ENAMETOOLONG', () => {
    const g = new Guest();
    const fits = `/tmp/${'./'.repeat(2044)}x`; // 4094 bytes: short names, many of them
    expect(enc.encode(fits).length).toBeLessThan(4096);
    expect(g.num('open', g.str(fits), O_RDONLY, 0)).toBe(-Errno.ENOENT);
    const tooLong = g.put(enc.encode('/'.repeat(4096)));
    expect(g.num('open', tooLong, O_RDONLY, 0)).toBe(-Errno.ENAMETOOLONG);
    expect(g.num('stat', g.str('/'.repeat(4100)), g.alloc(144))).toBe(-Errno.ENAMETOOLONG);
    // Non-UTF-8 bytes do not throw: they are a name like any other.
    expect(g.num('open', g.put(new Uint8Array([0x2f, 0x74, 0x6d, 0x70, 0x2f, 0xff, 0xfe, 0])), O_CREAT | O_WRONLY, 0o600)).toBe(3);
  });

  it('the names: rename, link, symlink, readlink, chmod, access, truncate, utimensat', () => {
    const g = new Guest();
    g.writeFile('/tmp/a', 'abcdef');
    expect(g.num('rename', g.str('/tmp/a'), g.str('/tmp/b'))).toBe(0);
    expect(g.num('link', g.str('/tmp/b'), g.str('/tmp/c'))).toBe(0);
    expect(g.num('symlink', g.str('b'), g.str('/tmp/s'))).toBe(0);
    const buf = g.alloc(64);
    expect(g.num('readlink', g.str('/tmp/s'), buf, 64)).toBe(1);
    expect(g.text(buf, 1)).toBe('b');
    expect(g.num('readlink', g.str('/tmp/s'), buf, 0)).toBe(-Errno.EINVAL);
    expect(g.num('readlink', g.str('/tmp/b'), buf, 64)).toBe(-Errno.EINVAL);
    const st = g.alloc(144);
    expect(g.num('lstat', g.str('/tmp/s'), st)).toBe(0);
    expect(g.view(st, 144).getUint32(STAT_OFFSETS.st_mode, true) >>> 12).toBe(0o12); // S_IFLNK
    expect(g.num('stat', g.str('/tmp/s'), st)).toBe(0);
    expect(g.view(st, 144).getBigUint64(STAT_OFFSETS.st_nlink, true)).toBe(2n);
    expect(g.num('chmod', g.str('/tmp/b'), 0o400)).toBe(0);
    expect(g.num('access', g.str('/tmp/b'), 2)).toBe(-Errno.EACCES);
    expect(g.num('faccessat2', AT_FDCWD, g.str('/tmp/b'), 4, 0)).toBe(0);
    expect(g.num('truncate', g.str('/tmp/b'), 2)).toBe(-Errno.EACCES);
    expect(g.num('fchmodat', AT_FDCWD, g.str('/tmp/b'), 0o600)).toBe(0);
    expect(g.num('truncate', g.str('/tmp/b'), 2)).toBe(0);
    const created = g.num('creat', g.str('/tmp/b'), 0o600); // creat truncates an existing file
    expect(g.num('fstat', created, st)).toBe(0);
    expect(g.view(st, 144).getBigUint64(STAT_OFFSETS.st_size, true)).toBe(0n);
    expect(g.num('read', created, st, 1)).toBe(-Errno.EBADF); // write-only
    expect(g.num('renameat2', AT_FDCWD, g.str('/tmp/b'), AT_FDCWD, g.str('/tmp/c'), 1)).toBe(-Errno.EEXIST); // RENAME_NOREPLACE

    const times = new Uint8Array(32);
    const tv = new DataView(times.buffer);
    tv.setBigInt64(0, 1000n, true);
    tv.setBigInt64(8, 5n, true);
    tv.setBigInt64(24, BigInt(UTIME_OMIT), true);
    expect(g.num('utimensat', AT_FDCWD, g.str('/tmp/c'), g.put(times), 0)).toBe(0);
    expect(g.num('stat', g.str('/tmp/c'), st)).toBe(0);
    expect(g.view(st, 144).getBigInt64(STAT_OFFSETS.st_atime, true)).toBe(1000n);
    expect(g.view(st, 144).getBigUint64(STAT_OFFSETS.st_atime_nsec, true)).toBe(5n);
    tv.setBigInt64(8, BigInt(UTIME_NOW), true);
    const fd = g.num('open', g.str('/tmp/c'), O_RDONLY, 0);
    expect(g.num('utimensat', fd, 0, g.put(times), 0)).toBe(0); // futimens
    expect(g.num('utimensat', AT_FDCWD, 0, 0, 0)).toBe(-Errno.EFAULT);
  });

  it('the working directory: chdir, getcwd, fchdir, relative *at calls', () => {
    const g = new Guest();
    const buf = g.alloc(256);
    expect(g.num('getcwd', buf, 256)).toBe(11);
    expect(g.text(buf, 11)).toBe('/home/user\0');
    expect(g.num('getcwd', buf, 5)).toBe(-Errno.ERANGE);
    expect(g.num('mkdirat', AT_FDCWD, g.str('proj'), 0o700)).toBe(0);
    expect(g.num('chdir', g.str('proj'))).toBe(0);
    expect(g.num('getcwd', buf, 256)).toBe(16);
    expect(g.text(buf, 15)).toBe('/home/user/proj');
    const tmp = g.num('open', g.str('/tmp'), O_RDONLY | O_DIRECTORY, 0);
    expect(g.num('fchdir', tmp)).toBe(0);
    expect(g.num('openat', AT_FDCWD, g.str('here'), O_CREAT | O_WRONLY, 0o666)).toBeGreaterThan(0);
    const st = g.alloc(144);
    expect(g.num('newfstatat', tmp, g.str('here'), st, 0)).toBe(0);
    expect(g.view(st, 144).getUint32(STAT_OFFSETS.st_mode, true)).toBe(S_IFREG | 0o644); // umask 022
    expect(g.num('umask', 0o077)).toBe(0o022);
    expect(g.num('openat', tmp, g.str('private'), O_CREAT | O_WRONLY, 0o666)).toBeGreaterThan(0);
    expect(g.num('newfstatat', tmp, g.str('private'), st, 0)).toBe(0);
    expect(g.view(st, 144).getUint32(STAT_OFFSETS.st_mode, true)).toBe(S_IFREG | 0o600);
    expect(g.num('faccessat', tmp, g.str('nothing'), 0)).toBe(-Errno.ENOENT);
    expect(g.num('stat', g.str('/home/user/proj'), st)).toBe(0);
    expect(g.view(st, 144).getUint32(STAT_OFFSETS.st_mode, true)).toBe(S_IFDIR | 0o700);
  });
});

describe('descriptors through the syscall table', () => {
  it('pipe2 carries bytes from the write end to the read end', () => {
    const g = new Guest();
    const fds = g.alloc(8);
    expect(g.num('pipe2', fds, O_CLOEXEC)).toBe(0);
    const [r, w] = [g.view(fds, 8).getInt32(0, true), g.view(fds, 8).getInt32(4, true)];
    expect([r, w]).toEqual([3, 4]);
    expect(g.num('write', w, g.put(enc.encode('ping')), 4)).toBe(4);
    const buf = g.alloc(16);
    expect(g.num('read', r, buf, 16)).toBe(4);
    expect(g.text(buf, 4)).toBe('ping');
    expect(g.num('fcntl', r, F_GETFD, 0)).toBe(1); // FD_CLOEXEC
    expect(g.num('fcntl', r, F_GETPIPE_SZ, 0)).toBe(65536);
    expect(g.num('pipe2', fds, 0o40000)).toBe(-Errno.EINVAL); // O_DIRECT packet pipes are not modelled
    expect(g.call('read', r, buf, 16)).toEqual({ kind: 'blocked' });
    expect(g.num('close', w)).toBe(0);
    expect(g.num('read', r, buf, 16)).toBe(0);
  });

  it('a write to a pipe without readers fails EPIPE and raises SIGPIPE', () => {
    const g = new Guest();
    const fds = g.alloc(8);
    expect(g.num('pipe', fds)).toBe(0);
    const [r, w] = [g.view(fds, 8).getInt32(0, true), g.view(fds, 8).getInt32(4, true)];
    expect(g.num('close', r)).toBe(0);
    expect(g.call('write', w, g.put(enc.encode('x')), 1)).toEqual({ kind: 'signal', signo: SIGPIPE, result: -Errno.EPIPE });
    expect(g.call('writev', w, iovecs(g, [{ addr: g.arena, len: 1 }]), 1)).toEqual({ kind: 'signal', signo: SIGPIPE, result: -Errno.EPIPE });
  });

  it('a read of the terminal with no input blocks, and completes once input arrives', () => {
    const g = new Guest();
    const buf = g.alloc(64);
    expect(g.call('read', 0, buf, 64)).toEqual({ kind: 'blocked' });
    g.terminal.type('ls -l\n');
    expect(g.num('read', 0, buf, 64)).toBe(6);
    expect(g.text(buf, 6)).toBe('ls -l\n');
    expect(g.num('fcntl', 0, 4 /* F_SETFL */, O_NONBLOCK)).toBe(0);
    expect(g.num('read', 0, buf, 64)).toBe(-Errno.EAGAIN);
    expect(g.num('write', 1, g.put(enc.encode('out')), 3)).toBe(3);
    expect(g.terminal.text(1)).toBe('out');
  });

  it('ioctl TCGETS answers on a terminal and is ENOTTY on a file', () => {
    const g = new Guest();
    const termios = g.alloc(TERMIOS_SIZE);
    expect(g.num('ioctl', 1, TCGETS, termios)).toBe(0);
    expect(g.view(termios, TERMIOS_SIZE).getUint32(12, true)).toBe(0x8a3b); // c_lflag of a fresh pty
    const ws = g.alloc(8);
    expect(g.num('ioctl', 1, TIOCGWINSZ, ws)).toBe(0);
    expect([g.view(ws, 8).getUint16(0, true), g.view(ws, 8).getUint16(2, true)]).toEqual([24, 80]);

    g.writeFile('/tmp/f', 'data');
    const fd = g.num('open', g.str('/tmp/f'), O_RDONLY, 0);
    const untouched = g.put(new Uint8Array(TERMIOS_SIZE).fill(0xaa));
    expect(g.num('ioctl', fd, TCGETS, untouched)).toBe(-Errno.ENOTTY);
    expect(g.bytes(untouched, TERMIOS_SIZE).every((b) => b === 0xaa)).toBe(true);
    const nread = g.alloc(4);
    expect(g.num('ioctl', fd, 0x541b /* FIONREAD */, nread)).toBe(0);
    expect(g.view(nread, 4).getInt32(0, true)).toBe(4);
    expect(g.num('ioctl', fd, 0x80045432 /* an unknown _IOR */, BAD)).toBe(-Errno.ENOTTY);

    const piped = new Guest({ ttys: [] });
    expect(piped.num('ioctl', 1, TCGETS, piped.alloc(TERMIOS_SIZE))).toBe(-Errno.ENOTTY);
  });

  it('poll reports readiness, passes a timeout on the virtual clock, and blocks without one', () => {
    const g = new Guest();
    const fds = g.alloc(8);
    expect(g.num('pipe', fds)).toBe(0);
    const [r, w] = [g.view(fds, 8).getInt32(0, true), g.view(fds, 8).getInt32(4, true)];
    const pfd = new Uint8Array(16);
    const pv = new DataView(pfd.buffer);
    pv.setInt32(0, r, true);
    pv.setInt16(4, POLLIN, true);
    pv.setInt32(8, -1, true); // skipped
    const ufds = g.put(pfd);
    expect(g.num('poll', ufds, 2, 0)).toBe(0);
    const before = g.proc.clock.monotonic();
    expect(g.num('poll', ufds, 2, 250)).toBe(0);
    const after = g.proc.clock.monotonic();
    expect((after.sec - before.sec) * 1e9 + (after.nsec - before.nsec)).toBe(250e6);
    expect(g.call('poll', ufds, 2, -1)).toEqual({ kind: 'blocked' });
    expect(g.num('write', w, g.put(enc.encode('!')), 1)).toBe(1);
    expect(g.num('poll', ufds, 2, -1)).toBe(1);
    expect(g.view(ufds, 16).getInt16(6, true)).toBe(POLLIN);
    expect(g.view(ufds, 16).getInt16(14, true)).toBe(0);
    pv.setInt32(0, 55, true); // not open
    expect(g.num('poll', g.put(pfd), 1, 0)).toBe(1);
    expect(g.num('poll', BAD, 1, 0)).toBe(-Errno.EFAULT);
  });

  it('dup, dup2, dup3, fcntl locks, fadvise64 and close_range', () => {
    const g = new Guest();
    g.writeFile('/tmp/f', 'data');
    const fd = g.num('open', g.str('/tmp/f'), O_RDONLY, 0);
    expect(g.num('dup', fd)).toBe(4);
    expect(g.num('dup2', fd, 10)).toBe(10);
    expect(g.num('dup3', fd, 10, 0)).toBe(10);
    expect(g.num('dup3', fd, fd, 0)).toBe(-Errno.EINVAL);

    const lock = new Uint8Array(32);
    const lv = new DataView(lock.buffer);
    lv.setInt16(0, 1, true); // F_WRLCK
    expect(g.num('fcntl', fd, F_SETLK, g.put(lock))).toBe(-Errno.EBADF); // a write lock needs a writable descriptor
    lv.setInt16(0, 0, true); // F_RDLCK
    expect(g.num('fcntl', fd, F_SETLK, g.put(lock))).toBe(0);
    const query = g.put(lock);
    expect(g.num('fcntl', fd, F_GETLK, query)).toBe(0);
    expect(g.view(query, 32).getInt16(0, true)).toBe(2); // F_UNLCK: nothing conflicts

    expect(g.num('flock', fd, 2 | 4)).toBe(0); // LOCK_EX|LOCK_NB: nobody else holds it
    expect(g.num('flock', fd, 3)).toBe(-Errno.EINVAL);
    expect(g.num('fsync', fd)).toBe(0);
    expect(g.num('fdatasync', 1)).toBe(-Errno.EINVAL); // a terminal has nothing to sync
    expect(g.num('fadvise64', fd, 0, 0, 4)).toBe(0); // POSIX_FADV_DONTNEED
    expect(g.num('fadvise64', fd, 0, 0, 9)).toBe(-Errno.EINVAL);
    expect(g.num('fadvise64', 99, 0, 0, 0)).toBe(-Errno.EBADF);

    expect(g.num('close_range', 4, 10, 4 /* CLOSE_RANGE_CLOEXEC */)).toBe(0);
    expect(g.num('fcntl', 10, F_GETFD, 0)).toBe(1);
    expect(g.num('close_range', 4, 0xffffffff, 0)).toBe(0);
    expect(g.num('fcntl', 4, F_GETFD, 0)).toBe(-Errno.EBADF);
    expect(g.num('fcntl', fd, F_GETFD, 0)).toBe(0);
    expect(g.num('close_range', 5, 4, 0)).toBe(-Errno.EINVAL);
  });
});

describe('the kernel around the file syscalls', () => {
  it('mmap of a file at an offset shows its bytes and a /proc/self/maps line with its path', () => {
    const g = new Guest();
    const contents = new Uint8Array(2 * PAGE_SIZE + 100);
    contents.fill(0x41, 0, PAGE_SIZE).fill(0x42, PAGE_SIZE, 2 * PAGE_SIZE).fill(0x43, 2 * PAGE_SIZE);
    g.writeFile('/tmp/data.bin', contents);
    const fd = g.num('open', g.str('/tmp/data.bin'), O_RDONLY, 0);
    const addr = g.num('mmap', 0, 2 * PAGE_SIZE, PERM_R, MAP_PRIVATE, fd, PAGE_SIZE);
    expect(addr).toBeGreaterThan(0);
    const mapped = g.bytes(addr, 2 * PAGE_SIZE);
    expect(mapped.subarray(0, PAGE_SIZE).every((b) => b === 0x42)).toBe(true);
    expect(mapped.subarray(PAGE_SIZE, PAGE_SIZE + 100).every((b) => b === 0x43)).toBe(true);
    expect(mapped.subarray(PAGE_SIZE + 100).every((b) => b === 0)).toBe(true); // past the end of the file

    const st = g.alloc(144);
    g.num('fstat', fd, st);
    const ino = g.view(st, 144).getBigUint64(STAT_OFFSETS.st_ino, true);
    const line = g.as.renderProcMaps().split('\n').find((l) => l.startsWith(addr.toString(16).padStart(8, '0')));
    expect(line).toMatch(new RegExp(`^[0-9a-f]{8}-[0-9a-f]{8} r--p 00001000 00:[0-9a-f]{2} ${ino} +/tmp/data.bin$`));

    // Read through open + read, /proc/self/maps shows the same.
    const maps = g.num('open', g.str('/proc/self/maps'), O_RDONLY, 0);
    expect(g.readAll(maps)).toBe(g.as.renderProcMaps());

    // Writing needs a writable descriptor for MAP_SHARED; pipes cannot be mapped; offsets are page-aligned.
    expect(g.num('mmap', 0, PAGE_SIZE, PERM_RW, 1 /* MAP_SHARED */, fd, 0)).toBe(-Errno.EACCES);
    expect(g.num('mmap', 0, PAGE_SIZE, PERM_R, MAP_PRIVATE, fd, 100)).toBe(-Errno.EINVAL);
    expect(g.num('mmap', 0, PAGE_SIZE, PERM_R, MAP_PRIVATE, 99, 0)).toBe(-Errno.EBADF);
    expect(g.num('mmap', 0, PAGE_SIZE, PERM_R, MAP_PRIVATE, 0, 0)).toBe(-Errno.ENODEV);
  });

  it('/proc/self/exe is the program, preloaded as an executable file; /proc/self/status describes the process', () => {
    const g = new Guest({ programPath: './tools/../prog', cwd: '/tmp' });
    const buf = g.alloc(256);
    const n = g.num('readlink', g.str('/proc/self/exe'), buf, 256);
    expect(g.text(buf, n)).toBe('/tmp/prog');
    const st = g.alloc(144);
    expect(g.num('stat', g.str('/proc/self/exe'), st)).toBe(0);
    expect(g.view(st, 144).getUint32(STAT_OFFSETS.st_mode, true)).toBe(S_IFREG | 0o755);
    expect(g.num('access', g.str('/tmp/prog'), 1)).toBe(0);

    const status = g.readAll(g.num('open', g.str('/proc/self/status'), O_RDONLY, 0));
    expect(status).toMatch(/^Name:\tprog\nUmask:\t0022\nState:\tR \(running\)\nTgid:\t4242\n/);
    expect(status).toContain('Uid:\t1000\t1000\t1000\t1000\n');
    expect(status).toContain('Threads:\t1\n');
  });

  it('/proc/cpuinfo follows the CPUID model', () => {
    const g = new Guest();
    const info = g.readAll(g.num('open', g.str('/proc/cpuinfo'), O_RDONLY, 0));
    expect(info).toContain('vendor_id\t: GenuineIntel\n');
    expect(info).toContain('model name\t: grindlab virtual x86-64 baseline CPU\n');
    expect(info).toContain('cpu family\t: 6\nmodel\t\t: 15\n');
    expect(info).toContain('flags\t\t: fpu tsc cx8 cmov mmx fxsr sse sse2 syscall nx lm lahf_lm\n');
    expect(info).toContain('address sizes\t: 40 bits physical, 48 bits virtual\n');
  });

  it('mounts host directories and leaves a program that is already there alone', () => {
    const host = mkdtempSync(join(tmpdir(), 'grindlab-kernel-'));
    try {
      writeFileSync(join(host, 'prog'), 'the host copy');
      writeFileSync(join(host, 'input.txt'), 'from the host');
      const g = new Guest({
        mounts: [{ guestPath: '/work', host: new NodeHostDirectory(host) }], cwd: '/work', programPath: 'prog',
        programBytes: enc.encode('the uploaded copy'),
      });
      expect(g.readAll(g.num('open', g.str('input.txt'), O_RDONLY, 0))).toBe('from the host');
      expect(readFileSync(join(host, 'prog'), 'utf8')).toBe('the host copy');
      g.writeFile('/work/out.txt', 'to the host');
      expect(readFileSync(join(host, 'out.txt'), 'utf8')).toBe('to the host');
      expect(() => new Guest({ mounts: [{ guestPath: '/x', host: new NodeHostDirectory(join(host, 'missing')) }] }))
        .toThrow(/mounting \/x failed: ENOENT/);
    } finally {
      rmSync(host, { recursive: true, force: true });
    }
  });

  it('preload puts files into the namespace, owned by the guest user', () => {
    const g = new Guest();
    expect(g.kernel.preload('/home/user/data/in.txt', enc.encode('preloaded'))).toBe(0);
    const fd = g.num('open', g.str('data/in.txt'), O_RDWR, 0);
    expect(g.readAll(fd)).toBe('preloaded');
    expect(g.num('fchmod', fd, 0o600)).toBe(0);
    expect(g.num('ftruncate', fd, 3)).toBe(0);
    expect(g.num('pread64', fd, g.arena, 10, 0)).toBe(3);
  });
});
