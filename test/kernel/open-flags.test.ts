// open(2)'s flags, as one sequence run on the real kernel and through the VFS, plus
// what only the VFS shows.

import { describe, expect, it } from 'vitest';
import {
  AT_FDCWD, Errno, O_CREAT, O_DIRECTORY, O_NOFOLLOW, O_PATH, O_RDONLY, O__TMPFILE,
} from '../../src/engine/kernel/vfs/index.ts';
import { op, runNative, runVfs } from './differential.ts';
import { makeProcess } from './support.ts';

describe('open flags against the kernel', () => {
  const ops = [
    op.mkdir('d'), op.symlink('f', 'lf'), op.symlink('d', 'ld'),
    // O_CREAT, O_EXCL
    op.open('f', 'O_CREAT|O_EXCL|O_WRONLY'), op.write('a', 'hello world'), op.close('a'),
    op.open('f', 'O_CREAT|O_EXCL|O_WRONLY'),
    op.open('lf', 'O_CREAT|O_EXCL|O_WRONLY'),
    op.open('f', 'O_CREAT|O_RDONLY'), op.fstat('a'), op.close('a'),
    // O_TRUNC, even with O_RDONLY
    op.open('f', 'O_WRONLY|O_TRUNC'), op.fstat('a'), op.write('a', 'abc'), op.close('a'),
    op.open('f', 'O_RDONLY|O_TRUNC'), op.fstat('a'), op.close('a'),
    // O_APPEND: every write goes to the end, pwrite's too
    op.open('f', 'O_WRONLY|O_APPEND'), op.write('a', '12'), op.lseek('a', 0, 'SEEK_SET'), op.write('a', '34'),
    op.lseek('a', 0, 'SEEK_CUR'), op.close('a'),
    op.open('f', 'O_RDWR|O_APPEND', 0, 'b'), op.pwrite('b', 'XY', 0), op.pread('b', 16, 0), op.lseek('b', 0, 'SEEK_CUR'),
    op.read('b', 16), op.close('b'),
    // access modes against kinds
    op.open('f', 'O_WRONLY|O_DIRECTORY'),
    op.open('d', 'O_WRONLY'), op.open('d', 'O_RDWR'), op.open('d', 'O_RDONLY|O_TRUNC'),
    op.open('d', 'O_CREAT|O_RDONLY'), op.open('d', 'O_CREAT|O_DIRECTORY|O_RDONLY'), op.open('new', 'O_CREAT|O_DIRECTORY|O_RDONLY'),
    op.open('d', 'O_RDONLY'), op.read('a', 4), op.write('a', 'x'), op.lseek('a', 0, 'SEEK_CUR'), op.close('a'),
    op.open('f', 'O_RDONLY'), op.write('a', 'x'), op.close('a'),
    op.open('f', 'O_WRONLY'), op.read('a', 4), op.close('a'),
    op.open('f', '3'), op.read('a', 4), op.write('a', 'x'), op.fcntl('a', 'F_GETFL'), op.close('a'),
    // symlinks and O_NOFOLLOW, O_PATH
    op.open('lf', 'O_NOFOLLOW|O_RDONLY'), op.open('lf', 'O_NOFOLLOW|O_CREAT|O_WRONLY'),
    op.open('ld', 'O_NOFOLLOW|O_DIRECTORY|O_RDONLY'), op.open('ld', 'O_DIRECTORY|O_RDONLY'), op.close('a'),
    op.open('lf', 'O_PATH|O_NOFOLLOW', 0, 'p'), op.fstat('p'), op.read('p', 4), op.write('p', 'x'),
    op.lseek('p', 0, 'SEEK_SET'), op.ftruncate('p', 0), op.fcntl('p', 'F_GETFL'), op.fchdir('p'), op.close('p'),
    op.open('d', 'O_PATH|O_RDWR|O_TRUNC|O_CREAT', 0, 'p'), op.fcntl('p', 'F_GETFL'), op.fchdir('p'), op.getcwd(),
    op.chdir('..'), op.openat('p', 'g', 'O_CREAT|O_WRONLY|O_CLOEXEC', 'g'), op.fcntl('g', 'F_GETFD'), op.stat('d/g'),
    op.open('f', 'O_RDONLY', 0, 'h'), op.openat('h', 'x', 'O_RDONLY'), op.close('h'), op.close('g'), op.close('p'),
    // the flags an open file keeps, and those F_SETFL changes
    op.open('f', 'O_RDWR'), op.fcntl('a', 'F_GETFL'), op.close('a'),
    op.open('f', 'O_WRONLY|O_APPEND|O_CLOEXEC|O_NONBLOCK|O_SYNC|O_NOFOLLOW|O_NOCTTY'), op.fcntl('a', 'F_GETFL'),
    op.fcntl('a', 'F_GETFD'), op.fcntl('a', 'F_SETFL', 'O_RDWR|O_DIRECT'), op.fcntl('a', 'F_GETFL'), op.close('a'),
    // creation modes go through the umask (022); the creator may write a mode-0 file once
    op.open('exe', 'O_CREAT|O_WRONLY', 0o777), op.fstat('a'), op.close('a'),
    op.open('locked', 'O_CREAT|O_WRONLY', 0), op.write('a', 'mine'), op.close('a'), op.open('locked', 'O_RDONLY'),
    op.open('sticky', 'O_CREAT|O_WRONLY', 0o7777), op.fstat('a'), op.close('a'),
    op.open('', 'O_RDONLY'),
  ];

  it('matches the kernel, call for call', () => {
    expect(runVfs(ops)).toEqual(runNative(ops));
  });
});

describe('open flags in the VFS', () => {
  it('reports O_TMPFILE as unsupported, so glibc falls back', () => {
    const { files } = makeProcess();
    expect(files.openat(AT_FDCWD, '.', O__TMPFILE | O_DIRECTORY | 2, 0o600)).toBe(-Errno.EOPNOTSUPP);
  });

  it('records the path an open reached, for /proc/self/fd', () => {
    const { files } = makeProcess();
    files.symlinkat('/tmp/target', AT_FDCWD, 'link');
    const fd = files.openat(AT_FDCWD, 'link', O_CREAT | 1, 0o600);
    expect(files.fdTarget(fd)?.path).toBe('/tmp/target');
    const dir = files.openat(AT_FDCWD, '../user/.', O_RDONLY | O_DIRECTORY, 0);
    expect(files.fdTarget(dir)?.path).toBe('/home/user');
    const path = files.openat(AT_FDCWD, 'link', O_PATH | O_NOFOLLOW, 0);
    expect(files.fdTarget(path)?.path).toBe('/home/user/link');
  });
});
