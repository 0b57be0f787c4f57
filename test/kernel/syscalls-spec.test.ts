// The syscall table's declarations: argument names, memory effects and their
// consistency, checked against what valgrind 3.19's memcheck prints for the same
// calls ("Syscall param NAME(PARAM) ..."). The golden lists below were taken from
// memcheck-amd64-linux 3.19.0 on programs that call each syscall with undefined
// registers, undefined input buffers and unaddressable output buffers.

import { describe, expect, it } from 'vitest';
import { SeededRandom, VirtualClock } from '../../src/engine/core/determinism.ts';
import { Kernel } from '../../src/engine/kernel/kernel.ts';
import { Process } from '../../src/engine/kernel/process.ts';
import type { FileSyscallSpec, PlacedBuffer } from '../../src/engine/kernel/syscalls/files.ts';
import { SyscallArgs } from '../../src/engine/kernel/syscalls/spec.ts';
import { FIONBIO, FIONREAD, TCGETS, TCSETS, TCSETSW, TIOCGWINSZ, TIOCSWINSZ, UTIME_NOW } from '../../src/engine/kernel/vfs/index.ts';
import { AddressSpace, PAGE_SIZE, PERM_RW } from '../../src/engine/memory/index.ts';
import { FakeTerminal, oneThread } from './support.ts';

function makeKernel() {
  const as = new AddressSpace();
  const proc = new Process({ pid: 7, uid: 1000, gid: 1000, exePath: '/p', random: new SeededRandom(1), clock: new VirtualClock(1) });
  return { as, kernel: new Kernel({ as, proc, threads: oneThread(proc), terminal: new FakeTerminal(), programPath: '/p', programBytes: new Uint8Array(4) }) };
}

const { as, kernel } = makeKernel();
const specs = Array.from({ length: 600 }, (_, nr) => kernel.syscalls.lookup(nr)).filter((s) => s !== undefined) as FileSyscallSpec[];
const byName = new Map(specs.map((s) => [s.name, s]));
const argsOf = (...v: (number | bigint)[]) => new SyscallArgs(v.map((x) => BigInt.asUintN(64, BigInt(x))));
const label = (s: FileSyscallSpec) => s.label ?? s.name;

/** The file syscalls the kernel provides, by Linux x86-64 number. */
const FILE_SYSCALLS: Record<number, string> = {
  0: 'read', 1: 'write', 2: 'open', 3: 'close', 4: 'stat', 5: 'fstat', 6: 'lstat', 7: 'poll', 8: 'lseek', 16: 'ioctl',
  73: 'flock', 74: 'fsync', 75: 'fdatasync', 85: 'creat', 17: 'pread64', 18: 'pwrite64', 19: 'readv', 20: 'writev', 21: 'access', 22: 'pipe', 32: 'dup', 33: 'dup2', 72: 'fcntl',
  76: 'truncate', 77: 'ftruncate', 79: 'getcwd', 80: 'chdir', 81: 'fchdir', 82: 'rename', 83: 'mkdir', 84: 'rmdir',
  86: 'link', 87: 'unlink', 88: 'symlink', 89: 'readlink', 90: 'chmod', 91: 'fchmod', 95: 'umask', 217: 'getdents64',
  221: 'fadvise64', 257: 'openat', 258: 'mkdirat', 262: 'newfstatat', 263: 'unlinkat', 264: 'renameat', 265: 'linkat',
  266: 'symlinkat', 267: 'readlinkat', 268: 'fchmodat', 269: 'faccessat', 280: 'utimensat', 292: 'dup3', 293: 'pipe2',
  295: 'preadv', 296: 'pwritev', 316: 'renameat2', 332: 'statx', 436: 'close_range', 439: 'faccessat2',
};

/** Each syscall called with every register undefined (and zero): the registers memcheck checks. */
const VALGRIND_REGS: Record<string, string> = {
  read: 'read(fd) read(buf) read(count)', write: 'write(fd) write(buf) write(count)', open: 'open(filename) open(flags)',
  close: 'close(fd)', stat: 'stat(file_name) stat(buf)', fstat: 'fstat(fd) fstat(buf)', lstat: 'lstat(file_name) lstat(buf)',
  poll: 'poll(ufds) poll(nfds) poll(timeout)', lseek: 'lseek(fd) lseek(offset) lseek(whence)',
  ioctl: 'ioctl(fd) ioctl(request) ioctl(arg)', pread64: 'pread64(fd) pread64(buf) pread64(count) pread64(offset)',
  pwrite64: 'pwrite64(fd) pwrite64(buf) pwrite64(count) pwrite64(offset)', readv: 'readv(fd) readv(vector) readv(count)',
  writev: 'writev(fd) writev(vector) writev(count)', access: 'access(pathname) access(mode)', pipe: 'pipe(filedes)',
  dup: 'dup(oldfd)', dup2: 'dup2(oldfd) dup2(newfd)', fcntl: 'fcntl(fd) fcntl(cmd) fcntl(arg)',
  truncate: 'truncate(path) truncate(length)', ftruncate: 'ftruncate(fd) ftruncate(length)', getcwd: 'getcwd(buf) getcwd(size)',
  chdir: 'chdir(path)', fchdir: 'fchdir(fd)', rename: 'rename(oldpath) rename(newpath)', mkdir: 'mkdir(pathname) mkdir(mode)',
  rmdir: 'rmdir(pathname)', link: 'link(oldpath) link(newpath)', unlink: 'unlink(pathname)', symlink: 'symlink(oldpath) symlink(newpath)',
  readlink: 'readlink(path) readlink(buf) readlink(bufsiz)', chmod: 'chmod(path) chmod(mode)', fchmod: 'fchmod(fildes) fchmod(mode)',
  umask: 'umask(mask)', getdents64: 'getdents64(fd) getdents64(dirp) getdents64(count)',
  fadvise64: 'fadvise64(fd) fadvise64(offset) fadvise64(len) fadvise64(advice)',
  openat: 'openat(dfd) openat(filename) openat(flags)', mkdirat: 'mkdirat(dfd) mkdirat(pathname) mkdirat(mode)',
  newfstatat: 'fstatat(dfd) fstatat(file_name) fstatat(buf)', unlinkat: 'unlinkat(dfd) unlinkat(pathname)',
  renameat: 'renameat(olddfd) renameat(oldpath) renameat(newdfd) renameat(newpath)',
  linkat: 'linkat(olddfd) linkat(oldpath) linkat(newdfd) linkat(newpath) linkat(flags)',
  symlinkat: 'symlinkat(oldpath) symlinkat(newdfd) symlinkat(newpath)',
  readlinkat: 'readlinkat(dfd) readlinkat(path) readlinkat(buf) readlinkat(bufsiz)',
  fchmodat: 'fchmodat(dfd) fchmodat(path) fchmodat(mode)', faccessat: 'faccessat(dfd) faccessat(pathname) faccessat(mode)',
  utimensat: 'utimensat(dfd) utimensat(filename) utimensat(utimes) utimensat(flags)', dup3: 'dup3(oldfd) dup3(newfd) dup3(flags)',
  pipe2: 'pipe(filedes) pipe(flags)',
  preadv: 'preadv(fd) preadv(vector) preadv(count) preadv(offset)', pwritev: 'pwritev(fd) pwritev(vector) pwritev(count) pwritev(offset)',
  renameat2: 'renameat2(olddfd) renameat2(oldpath) renameat2(newdfd) renameat2(newpath) renameat2(flags)',
  statx: 'statx(dirfd) statx(filename) statx(flags) statx(mask) statx(buf)', close_range: 'close_range(first) close_range(last) close_range(flags)',
  faccessat2: 'faccessat2(dfd) faccessat2(pathname) faccessat2(mode) faccessat2(flags)',
  creat: 'creat(pathname) creat(mode)', fsync: 'fsync(fd)', fdatasync: 'fdatasync(fd)', flock: 'flock(fd) flock(operation)',
};

/**
 * Where the table knowingly differs: Valgrind's register check calls pipe2 "pipe"
 * (its memory check says pipe2), and one label per entry cannot say both.
 */
const KNOWN_REG_DIFFERENCES: Record<string, string> = { pipe2: 'pipe2(filedes) pipe2(flags)' };

/** Buffers memcheck named for undefined inputs and unaddressable outputs, with the arguments that made it. */
const ARENA = as.mmap({ addr: 0, length: 4 * PAGE_SIZE, perm: PERM_RW });
const O_CREAT = 0o100;
const VALGRIND_MEMORY: [string, (number | bigint)[], string[]][] = [
  ['read', [3, ARENA, 4], ['read(buf)']],
  ['write', [3, ARENA, 4], ['write(buf)']],
  ['pread64', [3, ARENA, 4, 0], ['pread64(buf)']],
  ['pwrite64', [3, ARENA, 4, 0], ['pwrite64(buf)']],
  ['readv', [3, ARENA, 2], ['readv(vector)', 'readv(vector[...])']],
  ['writev', [3, ARENA, 2], ['writev(vector)', 'writev(vector[...])']],
  ['preadv', [3, ARENA, 2, 0], ['preadv(vector)', 'preadv(vector[0])', 'preadv(vector[1])']],
  ['pwritev', [3, ARENA, 2, 0], ['pwritev(vector)', 'pwritev(vector[0])', 'pwritev(vector[1])']],
  ['getdents64', [3, ARENA, 4096], ['getdents64(dirp)']],
  ['getcwd', [ARENA, 4096], ['getcwd(buf)']],
  ['readlink', [ARENA, ARENA, 100], ['readlink(path)', 'readlink(buf)']],
  ['readlinkat', [3, ARENA, ARENA, 100], ['readlinkat(path)', 'readlinkat(buf)']],
  ['ioctl', [0, TCGETS, ARENA], ['ioctl(TCGETS)']],
  ['ioctl', [0, TCSETS, ARENA], ['ioctl(TCSET{S,SW,SF})']],
  ['ioctl', [0, TCSETSW, ARENA], ['ioctl(TCSET{S,SW,SF})']],
  ['ioctl', [0, TIOCGWINSZ, ARENA], ['ioctl(TIOCGWINSZ)']],
  ['ioctl', [0, TIOCSWINSZ, ARENA], ['ioctl(TIOCSWINSZ)']],
  ['ioctl', [3, FIONREAD, ARENA], ['ioctl(FIONREAD)']],
  ['ioctl', [3, FIONBIO, ARENA], ['ioctl(FIONBIO)']],
  ['ioctl', [3, 0x80047801 /* _IOR('x', 1, int) */, ARENA], ['ioctl(generic)']],
  ['ioctl', [3, 0x40047802 /* _IOW('x', 2, int) */, ARENA], ['ioctl(generic)']],
  ['poll', [ARENA, 1, 0], ['poll(ufds.fd)', 'poll(ufds.events)', 'poll(ufds.revents)']],
  ['stat', [ARENA, ARENA], ['stat(file_name)', 'stat(buf)']],
  ['lstat', [ARENA, ARENA], ['lstat(file_name)', 'lstat(buf)']],
  ['fstat', [3, ARENA], ['fstat(buf)']],
  ['newfstatat', [3, ARENA, ARENA, 0], ['fstatat(file_name)', 'fstatat(buf)']],
  ['statx', [3, ARENA, 0, 0x7ff, ARENA], ['statx(filename)', 'statx(buf)']],
  ['utimensat', [3, ARENA, ARENA, 0], ['utimensat(filename)', 'utimensat(times[0].tv_nsec)', 'utimensat(times[1].tv_nsec)', 'utimensat(times[0].tv_sec)', 'utimensat(times[1].tv_sec)']],
  ['pipe', [ARENA], ['pipe(filedes)']],
  ['pipe2', [ARENA, 0], ['pipe2(filedes)']],
  ['open', [ARENA, 0], ['open(filename)']],
  ['openat', [3, ARENA, O_CREAT, 0], ['openat(filename)']],
  ['fcntl', [3, 6 /* F_SETLK */, ARENA], ['fcntl(lock->l_type)', 'fcntl(lock->l_whence)', 'fcntl(lock->l_start)', 'fcntl(lock->l_len)']],
  ['fcntl', [3, 36 /* F_OFD_GETLK */, ARENA], ['fcntl(lock->l_type)', 'fcntl(lock->l_whence)', 'fcntl(lock->l_start)', 'fcntl(lock->l_len)', 'fcntl(lock->l_pid)']],
  ['access', [ARENA, 0], ['access(pathname)']],
  ['creat', [ARENA, 0], ['creat(pathname)']],
  ['rename', [ARENA, ARENA], ['rename(oldpath)', 'rename(newpath)']],
  ['linkat', [3, ARENA, 3, ARENA, 0], ['linkat(oldpath)', 'linkat(newpath)']],
  ['symlinkat', [ARENA, 3, ARENA], ['symlinkat(oldpath)', 'symlinkat(newpath)']],
];

/** The guest memory memcheck would check for these arguments, as "label(param)". */
function checked(spec: FileSyscallSpec, a: SyscallArgs): Set<string> {
  const out = new Set<string>();
  const add = (param: string) => out.add(`${label(spec)}(${param})`);
  const m = spec.mem ?? {};
  for (const s of m.strings ?? []) if (s.when?.(a) ?? true) add(s.param);
  for (const b of [...(m.reads ?? []), ...(m.writes ?? [])]) if (b.len(a, 0) > 0) add(b.param);
  const pre = m.indirect?.pre(a, as);
  for (const p of [...(pre?.reads ?? []), ...(pre?.writes ?? [])]) if (p.len > 0) add(p.param);
  return out;
}

describe('the syscall table declarations', () => {
  it('has every file syscall under its Linux number', () => {
    for (const [nr, name] of Object.entries(FILE_SYSCALLS)) expect(kernel.syscalls.lookup(Number(nr))?.name, `syscall ${nr}`).toBe(name);
  });

  it('names memory effects after arguments, and points them at arguments that exist', () => {
    // ioctl's buffers are named after the request, as Valgrind's "ioctl(TCGETS)" is.
    const isRequest = (s: FileSyscallSpec, param: string) => s.name === 'ioctl' && /^([A-Z_{},]+|generic)$/.test(param);
    for (const s of specs) {
      const where = `${s.name}`;
      expect(new Set(s.args).size, `${where}: argument names are distinct`).toBe(s.args.length);
      const buffers = [...(s.mem?.reads ?? []), ...(s.mem?.writes ?? []), ...(s.mem?.written ?? []), ...(s.mem?.strings ?? [])];
      for (const b of buffers) {
        expect(b.ptr, `${where}(${b.param}) points at an argument`).toBeLessThan(s.args.length);
        expect(s.args.includes(b.param) || isRequest(s, b.param), `${where}(${b.param}) is one of ${s.args}`).toBe(true);
      }
    }
  });

  it('checks the registers valgrind checks', () => {
    for (const [name, expected] of Object.entries(VALGRIND_REGS)) {
      const s = byName.get(name)!;
      const regs = (s.regsRead?.(argsOf(0, 0, 0, 0, 0, 0)) ?? s.args).map((arg) => `${label(s)}(${arg})`);
      expect(regs.join(' '), name).toBe(KNOWN_REG_DIFFERENCES[name] ?? expected);
    }
    // Registers Valgrind reads only for some values: open's mode, fcntl's third argument.
    expect(byName.get('open')!.regsRead!(argsOf(0, O_CREAT))).toEqual(['filename', 'flags', 'mode']);
    expect(byName.get('openat')!.regsRead!(argsOf(0, 0, O_CREAT))).toEqual(['dfd', 'filename', 'flags', 'mode']);
    expect(byName.get('fcntl')!.regsRead!(argsOf(0, 1 /* F_GETFD */))).toEqual(['fd', 'cmd']);
    expect(byName.get('fcntl')!.regsRead!(argsOf(0, 5 /* F_GETLK */))).toEqual(['fd', 'cmd', 'lock']);
    expect(byName.get('fcntl')!.regsRead!(argsOf(0, 9999))).toEqual([]);
  });

  it('names the buffers valgrind names', () => {
    // Zeroed guest memory: iovecs of length 0 at address 0, utimensat nsec 0 (neither UTIME_NOW nor UTIME_OMIT).
    const lens = new Uint8Array(32);
    new DataView(lens.buffer).setBigUint64(8, 4n, true);
    new DataView(lens.buffer).setBigUint64(24, 4n, true);
    as.memory.writeBytes(ARENA, lens); // two iovecs of 4 bytes each at address 0
    for (const [name, raw, expected] of VALGRIND_MEMORY) {
      const s = byName.get(name)!;
      const got = checked(s, argsOf(...raw));
      for (const e of expected) expect(got, `${name}(${raw}) checks ${e}`).toContain(e);
    }
    // A NULL name is not checked where Valgrind skips it; elsewhere it is (and reported unaddressable).
    expect(checked(byName.get('utimensat')!, argsOf(3, 0, 0, 0))).not.toContain('utimensat(filename)');
    expect(checked(byName.get('newfstatat')!, argsOf(3, 0, ARENA, 0))).not.toContain('fstatat(file_name)');
    expect(checked(byName.get('statx')!, argsOf(3, 0, 0, 0, ARENA))).toContain('statx(filename)');
    // Requests are checked only for their own request.
    expect(checked(byName.get('ioctl')!, argsOf(0, TCGETS, ARENA))).not.toContain('ioctl(TIOCGWINSZ)');
    expect(checked(byName.get('ioctl')!, argsOf(0, 0x5401 + 0x1000, ARENA))).not.toContain('ioctl(generic)'); // no _IOC direction
  });

  it('places indirect buffers where the structures put them', () => {
    const iov = new Uint8Array(32);
    const dv = new DataView(iov.buffer);
    [[ARENA + 0x100, 3], [ARENA + 0x200, 5]].forEach(([base, len], i) => {
      dv.setBigUint64(16 * i, BigInt(base!), true);
      dv.setBigUint64(16 * i + 8, BigInt(len!), true);
    });
    as.memory.writeBytes(ARENA, iov);
    const at = (p: PlacedBuffer) => [p.param, p.addr - ARENA, p.len];
    const readv = byName.get('readv')!.mem!.indirect!;
    expect(readv.pre(argsOf(3, ARENA, 2), as).writes.map(at)).toEqual([['vector[...]', 0x100, 3], ['vector[...]', 0x200, 5]]);
    expect(readv.post!(argsOf(3, ARENA, 2), as, 4).map(at)).toEqual([['vector[...]', 0x100, 3], ['vector[...]', 0x200, 1]]);
    expect(byName.get('pwritev')!.mem!.indirect!.pre(argsOf(3, ARENA, 2, 0), as).reads.map((p) => p.param)).toEqual(['vector[0]', 'vector[1]']);

    const poll = byName.get('poll')!.mem!.indirect!;
    expect(poll.pre(argsOf(ARENA, 2, 0), as).reads.map(at)).toEqual([['ufds.fd', 0, 4], ['ufds.fd', 8, 4], ['ufds.events', 4, 2], ['ufds.events', 12, 2]]);
    expect(poll.post!(argsOf(ARENA, 2, 0), as, 1).map(at)).toEqual([['ufds.revents', 6, 2], ['ufds.revents', 14, 2]]);

    const fcntl = byName.get('fcntl')!.mem!.indirect!;
    expect(fcntl.pre(argsOf(3, 5, ARENA), as).writes.map(at)).toEqual([['lock->l_pid', 24, 4]]);
    expect(fcntl.pre(argsOf(3, 6, ARENA), as).writes).toEqual([]);
    expect(fcntl.post!(argsOf(3, 5, ARENA), as, 0).map(at)).toEqual([['lock', 0, 32]]);
    expect(fcntl.pre(argsOf(3, 1, ARENA), as).reads).toEqual([]);

    // utimensat skips tv_sec where tv_nsec is UTIME_NOW or UTIME_OMIT.
    const times = new Uint8Array(32);
    new DataView(times.buffer).setBigInt64(8, BigInt(UTIME_NOW), true);
    as.memory.writeBytes(ARENA, times);
    const utimensat = byName.get('utimensat')!.mem!.indirect!;
    expect(utimensat.pre(argsOf(3, 0, ARENA, 0), as).reads.map(at)).toEqual([
      ['times[0].tv_nsec', 8, 8], ['times[1].tv_nsec', 24, 8], ['times[1].tv_sec', 16, 8],
    ]);
  });

  it('declares written buffers for what the kernel fills', () => {
    const len = (name: string, a: SyscallArgs, result: number) =>
      byName.get(name)!.mem!.written!.reduce((n, b) => n + b.len(a, result), 0);
    expect(len('read', argsOf(3, ARENA, 100), 7)).toBe(7);
    expect(len('read', argsOf(3, ARENA, 100), -9)).toBe(0);
    expect(len('fstat', argsOf(3, ARENA), 0)).toBe(144);
    expect(len('statx', argsOf(3, ARENA, 0, 0, ARENA), 0)).toBe(256);
    expect(len('pipe2', argsOf(ARENA, 0), 0)).toBe(8);
    expect(len('readlink', argsOf(ARENA, ARENA, 100), 5)).toBe(5);
    expect(len('ioctl', argsOf(0, TCGETS, ARENA), 0)).toBe(36);
    expect(len('ioctl', argsOf(0, TCSETS, ARENA), 0)).toBe(0);
    expect(len('ioctl', argsOf(0, 0x80087801 /* _IOR('x', 1, long) */, ARENA), 0)).toBe(8);
  });
});
