// The standard nodes: /dev's devices and terminal, the stdio descriptors, /proc, and
// the mounts of the standard tree.

import { describe, expect, it } from 'vitest';
import {
  AT_FDCWD, AT_SYMLINK_NOFOLLOW, BLOCKED, Errno, F_OK, FIOCLEX, FIONBIO, HOME, IOCTL_ARGS, major, minor,
  O_CREAT, O_DIRECTORY, O_RDONLY, O_RDWR, O_WRONLY, POLLIN, POLLOUT, S_IFCHR, S_IFIFO, S_IFMT, SEEK_SET,
  TCGETS, TCSETS, TIOCGWINSZ,
} from '../../src/engine/kernel/vfs/index.ts';
import { F_GETFD, F_GETFL, F_SETFL } from '../../src/engine/kernel/fds/index.ts';
import { op, runNative, runVfs } from './differential.ts';
import { bytes, makeProcess, ok, readAll, text } from './support.ts';

describe('memory devices against the kernel', () => {
  it('match', () => {
    const ops = [
      op.stat('/dev/null'), op.stat('/dev/zero'), op.stat('/dev/full'), op.stat('/dev/urandom'),
      op.open('/dev/null', 'O_RDWR'), op.read('a', 10), op.write('a', 'gone'), op.lseek('a', 5, 'SEEK_SET'),
      op.lseek('a', 0, 'SEEK_CUR'), op.fcntl('a', 'F_GETFL'), op.close('a'),
      op.open('/dev/zero', 'O_RDWR'), op.read('a', 6), op.write('a', 'x'), op.pread('a', 2, 100), op.lseek('a', 9, 'SEEK_END'), op.close('a'),
      op.open('/dev/full', 'O_RDWR'), op.write('a', 'x'), op.read('a', 3), op.close('a'),
      op.open('/dev/urandom', 'O_RDONLY'), op.lseek('a', 0, 'SEEK_CUR'), op.close('a'),
      op.open('/dev/null', 'O_RDONLY|O_DIRECTORY'), op.open('/dev/null', 'O_WRONLY|O_TRUNC'), op.close('a'),
      op.readlink('/dev/fd'), op.readlink('/dev/stdin'), op.readlink('/dev/stderr'),
      op.access('/dev/null', 'R_OK|W_OK'), op.access('/proc/cpuinfo', 'W_OK'), op.unlink('/dev/null'),
    ];
    expect(runVfs(ops)).toEqual(runNative(ops));
  });
});

describe('random devices', () => {
  it('give the seeded bytes, the same in every run', () => {
    const draw = () => {
      const { files } = makeProcess();
      const fd = ok(files.openat(AT_FDCWD, '/dev/urandom', O_RDONLY, 0));
      const buf = new Uint8Array(16);
      expect(files.read(fd, buf)).toBe(16);
      return Array.from(buf);
    };
    const first = draw();
    expect(draw()).toEqual(first);
    expect(new Set(first).size).toBeGreaterThan(8);
  });
});

describe('the terminal', () => {
  it('carries stdout and stderr to the host streams, and /dev/tty to stdout', () => {
    const { files, terminal } = makeProcess();
    expect(files.write(1, bytes('out\n'))).toBe(4);
    expect(files.write(2, bytes('err\n'))).toBe(4);
    const tty = ok(files.openat(AT_FDCWD, '/dev/tty', O_WRONLY, 0));
    files.write(tty, bytes('tty\n'));
    const viaLink = ok(files.openat(AT_FDCWD, '/dev/stderr', O_WRONLY, 0));
    files.write(viaLink, bytes('link\n'));
    expect(terminal.text(1)).toBe('out\ntty\n');
    expect(terminal.text(2)).toBe('err\nlink\n');
  });

  it('blocks a read until input arrives, returns end of input, and honours O_NONBLOCK', () => {
    const { files, terminal } = makeProcess();
    const buf = new Uint8Array(8);
    expect(files.read(0, buf)).toBe(BLOCKED);
    expect(files.poll(0)).toBe(POLLOUT | 0x100);
    terminal.type('hello world\n');
    expect(files.poll(0) & POLLIN).toBe(POLLIN);
    expect(text(buf.subarray(0, files.read(0, buf)))).toBe('hello wo');
    expect(text(buf.subarray(0, files.read(0, buf)))).toBe('rld\n');
    terminal.input.push(new Uint8Array(0));
    expect(files.read(0, buf)).toBe(0);
    ok(files.fcntl(0, F_SETFL, ok(files.fcntl(0, F_GETFL, 0)) | 0o4000));
    expect(files.read(0, buf)).toBe(-Errno.EAGAIN);
    // A tty's stdio descriptors are all read-write, but here each stream has its own
    // open file, so O_NONBLOCK on stdin leaves stdout blocking.
    expect(files.read(1, buf)).toBe(BLOCKED);
  });

  it('answers TCGETS and TIOCGWINSZ like a fresh pseudo-terminal', () => {
    const { files } = makeProcess();
    const termios = new Uint8Array(IOCTL_ARGS.get(TCGETS)!.size);
    expect(files.ioctl(1, TCGETS, termios)).toBe(0);
    const view = new DataView(termios.buffer);
    expect([0, 4, 8, 12].map((at) => view.getUint32(at, true))).toEqual([0x500, 0x5, 0xbf, 0x8a3b]);
    expect(Array.from(termios.subarray(17, 24))).toEqual([0x03, 0x1c, 0x7f, 0x15, 0x04, 0x00, 0x01]);
    view.setUint32(12, 0, true); // raw mode
    expect(files.ioctl(0, TCSETS, termios)).toBe(0);
    const again = new Uint8Array(36);
    files.ioctl(2, TCGETS, again);
    expect(new DataView(again.buffer).getUint32(12, true)).toBe(0);
    const winsize = new Uint8Array(8);
    expect(files.ioctl(1, TIOCGWINSZ, winsize)).toBe(0);
    expect(Array.from(new Uint16Array(winsize.buffer))).toEqual([24, 80, 0, 0]);
    expect(files.ioctl(1, 0x1234, winsize)).toBe(-Errno.ENOTTY);
  });

  it('looks like /dev/pts/0 when the host streams are terminals', () => {
    const { files } = makeProcess();
    const st = ok(files.fstat(1));
    expect([st.mode, major(st.rdev), minor(st.rdev), st.uid, st.gid]).toEqual([S_IFCHR | 0o620, 136, 0, 1000, 5]);
    expect(files.fcntl(1, F_GETFL, 0)).toBe(O_RDWR);
    const buf = new Uint8Array(64);
    expect(text(buf.subarray(0, files.readlinkat(AT_FDCWD, '/proc/self/fd/1', buf)))).toBe('/dev/pts/0');
  });

  it('looks like pipes when they are not, and refuses terminal ioctls', () => {
    const { files, terminal } = makeProcess({ ttys: [] });
    for (const fd of [0, 1, 2]) expect(ok(files.fstat(fd)).mode & S_IFMT).toBe(S_IFIFO);
    expect([0, 1, 2].map((fd) => files.fcntl(fd, F_GETFL, 0))).toEqual([O_RDONLY, O_WRONLY, O_WRONLY]);
    expect(files.ioctl(1, TCGETS, new Uint8Array(36))).toBe(-Errno.ENOTTY);
    expect(files.write(0, bytes('x'))).toBe(-Errno.EBADF);
    expect(files.lseek(1, 0, SEEK_SET)).toBe(-Errno.ESPIPE);
    expect(files.openat(AT_FDCWD, '/dev/tty', O_RDWR, 0)).toBe(-Errno.ENXIO);
    terminal.type('piped');
    terminal.input.push(new Uint8Array(0));
    expect(readAll(files, 0)).toBe('piped');
    const buf = new Uint8Array(64);
    expect(text(buf.subarray(0, files.readlinkat(AT_FDCWD, '/proc/self/fd/2', buf)))).toMatch(/^pipe:\[\d+\]$/);
  });
});

describe('/proc', () => {
  it('renders files at open time for the process that opens them', () => {
    const { system, files } = makeProcess();
    let renders = 0;
    system.proc.define('self/status', (caller) => `Name:\tprog\nPid:\t${caller.pid}\nRenders:\t${++renders}\n`);
    const fd = ok(files.openat(AT_FDCWD, '/proc/self/status', O_RDONLY, 0));
    expect(readAll(files, fd)).toBe('Name:\tprog\nPid:\t42\nRenders:\t1\n');
    expect(files.lseek(fd, 0, SEEK_SET)).toBe(0);
    expect(readAll(files, fd)).toBe('Name:\tprog\nPid:\t42\nRenders:\t1\n'); // the snapshot, not a new render
    const child = files.fork(43);
    expect(readAll(child, ok(child.openat(AT_FDCWD, '/proc/self/status', O_RDONLY, 0)))).toContain('Pid:\t43\nRenders:\t2');
    const st = ok(files.fstat(fd));
    expect([st.size, st.mode.toString(8), st.blksize]).toEqual([0, '100444', 1024]);
  });

  it('has cpuinfo and meminfo, read-only', () => {
    const { files } = makeProcess();
    expect(readAll(files, ok(files.openat(AT_FDCWD, '/proc/cpuinfo', O_RDONLY, 0)))).toMatch(/^processor\t: 0\n[^]*flags\t\t: .*sse2/);
    expect(readAll(files, ok(files.openat(AT_FDCWD, '/proc/meminfo', O_RDONLY, 0)))).toMatch(/^MemTotal: {8}4194304 kB\n/);
    expect(files.openat(AT_FDCWD, '/proc/cpuinfo', O_WRONLY, 0)).toBe(-Errno.EACCES);
    expect(files.mkdirat(AT_FDCWD, '/proc/x', 0o755)).toBe(-Errno.EACCES);
    expect(files.openat(AT_FDCWD, '/proc/self/maps', O_RDONLY, 0)).toBe(-Errno.ENOENT);
  });

  it('links /proc/self/exe to the program', () => {
    const { files } = makeProcess();
    files.exe = '/home/user/a.out';
    const buf = new Uint8Array(64);
    expect(text(buf.subarray(0, files.readlinkat(AT_FDCWD, '/proc/self/exe', buf)))).toBe('/home/user/a.out');
  });

  it('lists the open descriptors in /proc/self/fd, whose links reach even unlinked files', () => {
    const { files } = makeProcess();
    const fd = ok(files.openat(AT_FDCWD, 'doomed', O_CREAT | O_RDWR, 0o600));
    files.write(fd, bytes('still here'));
    files.unlinkat(AT_FDCWD, 'doomed', 0);
    const dir = ok(files.openat(AT_FDCWD, '/proc/self/fd', O_RDONLY | O_DIRECTORY, 0));
    const buf = new Uint8Array(1024);
    const n = ok(files.getdents64(dir, buf));
    const names: string[] = [];
    for (let at = 0; at < n; at += buf[at + 16]!) names.push(text(buf.subarray(at + 19, buf.indexOf(0, at + 19))));
    expect(names).toEqual(['.', '..', '0', '1', '2', String(fd), String(dir)]);
    expect(ok(files.fstatat(AT_FDCWD, `/proc/self/fd/${fd}`, AT_SYMLINK_NOFOLLOW)).mode.toString(8)).toBe('120777');
    expect(text(buf.subarray(0, files.readlinkat(AT_FDCWD, `/proc/self/fd/${fd}`, buf)))).toBe(`${HOME}/doomed`);
    const again = ok(files.openat(AT_FDCWD, `/proc/self/fd/${fd}`, O_RDONLY, 0));
    expect(readAll(files, again)).toBe('still here');
    expect(files.faccessat(AT_FDCWD, '/proc/self/fd/99', F_OK, 0)).toBe(-Errno.ENOENT);
  });
});

describe('the standard tree', () => {
  it('gives every mount its own device, so renames between them fail with EXDEV', () => {
    const { files } = makeProcess();
    files.close(ok(files.openat(AT_FDCWD, '/tmp/x', O_CREAT | O_WRONLY, 0o644)));
    expect(files.renameat2(AT_FDCWD, '/tmp/x', AT_FDCWD, 'x', 0)).toBe(-Errno.EXDEV);
    expect(files.linkat(AT_FDCWD, '/tmp/x', AT_FDCWD, 'x', 0)).toBe(-Errno.EXDEV);
    const devs = ['/', '/dev', '/proc', '/tmp', HOME].map((p) => ok(files.fstatat(AT_FDCWD, p, 0)).dev);
    expect(new Set(devs).size).toBe(4); // the home directory is on the root filesystem
    expect(files.unlinkat(AT_FDCWD, '/tmp', 0x200)).toBe(-Errno.EACCES);
  });

  it('has /tmp sticky and world-writable, and the home directory owned by the user', () => {
    const { files } = makeProcess();
    expect(ok(files.fstatat(AT_FDCWD, '/tmp', 0)).mode.toString(8)).toBe('41777');
    const home = ok(files.fstatat(AT_FDCWD, HOME, 0));
    expect([home.uid, home.gid, home.mode.toString(8)]).toEqual([1000, 1000, '40755']);
    const buf = new Uint8Array(64);
    expect(text(buf.subarray(0, files.getcwd(buf) - 1))).toBe(HOME);
    expect(files.mkdirat(AT_FDCWD, '/etc', 0o755)).toBe(-Errno.EACCES);
  });

  it('keeps descriptor flags per descriptor and status flags per open file', () => {
    const { files } = makeProcess();
    const fd = ok(files.openat(AT_FDCWD, '/dev/null', O_RDWR, 0));
    const copy = ok(files.dup(fd));
    expect(files.ioctl(fd, FIOCLEX, new Uint8Array(0))).toBe(0);
    expect([files.fcntl(fd, F_GETFD, 0), files.fcntl(copy, F_GETFD, 0)]).toEqual([1, 0]);
    const on = new Uint8Array([1, 0, 0, 0]);
    expect(files.ioctl(copy, FIONBIO, on)).toBe(0);
    expect(files.fcntl(fd, F_GETFL, 0) & 0o4000).toBe(0o4000);
  });
});
