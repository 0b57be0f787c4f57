// Descriptor numbers: lowest-free allocation, dup's variants, fcntl, close-on-exec,
// the RLIMIT_NOFILE ceiling, fork.

import { describe, expect, it } from 'vitest';
import { F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD } from '../../src/engine/kernel/fds/index.ts';
import { AT_FDCWD, Errno, O_CLOEXEC, O_CREAT, O_RDONLY, O_RDWR, SEEK_CUR } from '../../src/engine/kernel/vfs/index.ts';
import { op, runNative, runVfs } from './differential.ts';
import { bytes, makeProcess, ok } from './support.ts';

describe('descriptors against the kernel', () => {
  it('match', () => {
    const ops = [
      op.open('f', 'O_CREAT|O_RDWR', 0o644, 'a'), op.open('f', 'O_RDONLY', 0, 'b'), op.open('f', 'O_RDONLY', 0, 'c'),
      op.close('b'), op.open('f', 'O_RDONLY', 0, 'd'), op.close('b'), op.close('a'), op.dup('c', 'e'),
      op.dup2('c', 20, 'g'), op.fcntl('c', 'F_DUPFD', '10', 'h'), op.fcntl('c', 'F_DUPFD_CLOEXEC', '10', 'i'),
      op.fcntl('i', 'F_GETFD'), op.fcntl('h', 'F_GETFD'), op.fcntl('i', 'F_SETFD', '0'), op.fcntl('i', 'F_GETFD'),
      op.fcntl('i', 'F_SETFD', '3'), op.fcntl('i', 'F_GETFD'), op.fcntl('c', 'F_DUPFD', '-1'),
      op.dup3('c', 30, 'O_CLOEXEC', 'j'), op.fcntl('j', 'F_GETFD'), op.dup3('c', 30, 'O_RDONLY', 'j'),
      op.dup3('c', 31, 'O_NONBLOCK', 'k'), op.dup3('j', 30, '0', 'k'), op.dup2('j', 30, 'k'), op.fcntl('j', 'F_GETFD'),
      op.dup2('c', -1, 'k'), op.dup2('zz', 5, 'k'), op.dup('zz', 'k'), op.close('zz'), op.fcntl('zz', 'F_GETFD'),
      op.fcntl('c', '999'), op.dup2('d', 20, 'g'), op.read('g', 1), op.close('g'), op.close('g'), op.read('g', 1),
    ];
    expect(runVfs(ops)).toEqual(runNative(ops));
  });
});

describe('the descriptor table', () => {
  it('stops at RLIMIT_NOFILE', () => {
    const { files } = makeProcess();
    files.table.limit = 6;
    const opened = [3, 4, 5].map(() => ok(files.openat(AT_FDCWD, '/dev/null', O_RDONLY, 0)));
    expect(opened).toEqual([3, 4, 5]);
    expect(files.openat(AT_FDCWD, 'nonexistent', O_RDONLY, 0)).toBe(-Errno.EMFILE); // EMFILE before the lookup
    expect(files.dup(0)).toBe(-Errno.EMFILE);
    expect(files.pipe2(0)).toBe(-Errno.EMFILE);
    expect(files.dup2(0, 6)).toBe(-Errno.EBADF);
    expect(files.fcntl(0, F_DUPFD, 6)).toBe(-Errno.EINVAL);
    files.close(4);
    expect(files.pipe2(0)).toBe(-Errno.EMFILE); // needs two
    expect(files.fcntl(0, F_DUPFD_CLOEXEC, 0)).toBe(4);
  });

  it('closes close-on-exec descriptors at execve', () => {
    const { files } = makeProcess();
    const kept = ok(files.openat(AT_FDCWD, '/dev/null', O_RDONLY, 0));
    const gone = ok(files.openat(AT_FDCWD, '/dev/null', O_RDONLY | O_CLOEXEC, 0));
    const [r, w] = ok(files.pipe2(O_CLOEXEC));
    files.closeOnExec();
    expect(files.openFds()).toEqual([0, 1, 2, kept]);
    expect([gone, r, w].map((fd) => files.fcntl(fd, F_GETFD, 0))).toEqual([-Errno.EBADF, -Errno.EBADF, -Errno.EBADF]);
  });

  it('shares open files with a forked child, offsets included', () => {
    const { files } = makeProcess();
    const fd = ok(files.openat(AT_FDCWD, 'shared', O_CREAT | O_RDWR, 0o644));
    const child = files.fork(43);
    child.write(fd, bytes('child'));
    files.write(fd, bytes('parent'));
    expect(files.lseek(fd, 0, SEEK_CUR)).toBe(11);
    child.close(fd);
    expect(files.lseek(fd, 0, SEEK_CUR)).toBe(11);
    const other = ok(child.openat(AT_FDCWD, 'other', O_CREAT | O_RDWR, 0o644));
    expect(other).toBe(fd); // the number the child closed, free in its own table only
    expect(ok(files.fstat(fd)).size).toBe(11);
    expect(ok(child.fstat(other)).size).toBe(0);
    expect(child.chdir('/tmp')).toBe(0);
    const buf = new Uint8Array(64);
    expect(new TextDecoder().decode(buf.subarray(0, files.getcwd(buf) - 1))).toBe('/home/user');
  });
});
