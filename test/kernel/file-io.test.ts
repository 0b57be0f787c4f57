// Reading, writing and seeking regular files; descriptors sharing one open file.

import { describe, expect, it } from 'vitest';
import {
  AT_FDCWD, Errno, MAX_FILE_SIZE, O_CREAT, O_RDONLY, O_RDWR, O_WRONLY, SEEK_END, SEEK_SET,
} from '../../src/engine/kernel/vfs/index.ts';
import { op, runNative, runVfs } from './differential.ts';
import { IO_OPS } from './io-sequence.ts';
import { bytes, makeProcess, ok, text } from './support.ts';

describe('file I/O against the kernel', () => {
  it('matches the kernel, call for call', () => {
    expect(runVfs(IO_OPS)).toEqual(runNative(IO_OPS));
  });
});

describe('mmap of descriptors against the kernel', () => {
  it('checks access and kind as the kernel does', () => {
    const ops = [
      op.mkdir('d'), op.open('f', 'O_CREAT|O_RDWR', 0o644, 'rw'), op.write('rw', 'mapped bytes'),
      op.open('f', 'O_RDONLY', 0, 'ro'), op.open('f', 'O_WRONLY', 0, 'wo'), op.open('f', 'O_PATH', 0, 'p'),
      op.open('d', 'O_RDONLY', 0, 'dir'), op.pipe('0', 'r', 'w'), op.open('/dev/zero', 'O_RDWR', 0, 'z'),
      op.open('/dev/null', 'O_RDWR', 0, 'n'),
      op.mmap('rw', 'PROT_READ|PROT_WRITE', 'MAP_SHARED'), op.mmap('ro', 'PROT_READ', 'MAP_SHARED'),
      op.mmap('ro', 'PROT_READ|PROT_WRITE', 'MAP_PRIVATE'), op.mmap('ro', 'PROT_READ|PROT_WRITE', 'MAP_SHARED'),
      op.mmap('wo', 'PROT_READ', 'MAP_PRIVATE'), op.mmap('wo', 'PROT_WRITE', 'MAP_SHARED'), op.mmap('p', 'PROT_READ', 'MAP_PRIVATE'),
      op.mmap('dir', 'PROT_READ', 'MAP_PRIVATE'), op.mmap('r', 'PROT_READ', 'MAP_PRIVATE'),
      op.mmap('z', 'PROT_READ|PROT_WRITE', 'MAP_SHARED'), op.mmap('n', 'PROT_READ', 'MAP_PRIVATE'),
      op.mmap('zz', 'PROT_READ', 'MAP_PRIVATE'),
    ];
    expect(runVfs(ops)).toEqual(runNative(ops));
  });

  it('hands out the file bytes, or anonymous memory for /dev/zero', () => {
    const { files } = makeProcess();
    const fd = ok(files.openat(AT_FDCWD, 'f', O_CREAT | O_RDWR, 0o644));
    files.write(fd, bytes('mapped'));
    const source = ok(files.mmapSource(fd, false, true));
    const page = new Uint8Array(4096);
    expect(source.kind === 'file' && source.read(page, 2)).toBe(4);
    expect(text(page.subarray(0, 4))).toBe('pped');
    expect(files.lseek(fd, 0, 1)).toBe(6); // the offset is not the mapping's business
    expect(files.mmapSource(ok(files.openat(AT_FDCWD, '/dev/zero', O_RDONLY, 0)), true, false)).toEqual({ kind: 'anonymous' });
  });
});

describe('file I/O in the VFS', () => {
  it('readv fills buffers in turn, writev gathers them into one write', () => {
    const { files } = makeProcess();
    const fd = ok(files.openat(AT_FDCWD, 'v', O_CREAT | O_RDWR, 0o644));
    expect(files.writev(fd, [bytes('ab'), bytes(''), bytes('cde')])).toBe(5);
    const parts = [new Uint8Array(1), new Uint8Array(3), new Uint8Array(4)];
    expect(files.preadv(fd, parts, 0)).toBe(5);
    expect(parts.map((p) => text(p))).toEqual(['a', 'bcd', 'e\0\0\0']);
    expect(files.readv(fd, parts)).toBe(0);
    expect(files.readv(fd, Array.from({ length: 1025 }, () => new Uint8Array(1)))).toBe(-Errno.EINVAL);
  });

  it('refuses offsets past what a JS number holds exactly', () => {
    const { files } = makeProcess();
    const fd = ok(files.openat(AT_FDCWD, 'big', O_CREAT | O_RDWR, 0o644));
    expect(files.lseek(fd, MAX_FILE_SIZE, SEEK_SET)).toBe(MAX_FILE_SIZE);
    expect(files.lseek(fd, 1, SEEK_END)).toBe(1);
    expect(files.lseek(fd, MAX_FILE_SIZE + 2, SEEK_SET)).toBe(-Errno.EINVAL);
    expect(files.pwrite64(fd, bytes('x'), MAX_FILE_SIZE)).toBe(-Errno.EFBIG);
  });

  it('fails a write with ENOSPC when the filesystem is full, without a partial file', () => {
    const { files } = makeProcess();
    const fd = ok(files.openat(AT_FDCWD, 'huge', O_CREAT | O_WRONLY, 0o644));
    expect(files.pwrite64(fd, bytes('x'), 2 ** 40)).toBe(-Errno.ENOSPC);
    expect(ok(files.fstat(fd)).size).toBe(0);
  });

  it('frees an unlinked file once its last descriptor closes', () => {
    const { files } = makeProcess();
    const fd = ok(files.openat(AT_FDCWD, 'tmp', O_CREAT | O_RDWR, 0o644));
    files.write(fd, new Uint8Array(1 << 20));
    files.unlinkat(AT_FDCWD, 'tmp', 0);
    const copy = ok(files.dup(fd));
    files.close(fd);
    expect(ok(files.fstat(copy)).size).toBe(1 << 20);
    expect(ok(files.fstat(copy)).nlink).toBe(0);
    files.close(copy);
    expect(files.openat(AT_FDCWD, 'tmp', O_RDONLY, 0)).toBe(-Errno.ENOENT);
  });

  it('keeps timestamps from the injected clock', () => {
    const { files } = makeProcess();
    const fd = ok(files.openat(AT_FDCWD, 't', O_CREAT | O_WRONLY, 0o644));
    const before = ok(files.fstat(fd));
    expect(before.mtime.sec).toBe(1_700_000_000);
    files.write(fd, bytes('x'));
    const after = ok(files.fstat(fd));
    expect(after.mtime.nsec).toBeGreaterThan(before.mtime.nsec);
    expect(after.atime).toEqual(before.atime);
    expect(files.utimensat(AT_FDCWD, 't', [{ sec: 5, nsec: 6 }, { sec: 7, nsec: (1 << 30) - 2 }], 0)).toBe(0);
    const touched = ok(files.fstat(fd));
    expect([touched.atime, touched.mtime]).toEqual([{ sec: 5, nsec: 6 }, after.mtime]);
    expect(files.utimensat(AT_FDCWD, 't', [{ sec: 0, nsec: 1e9 }, { sec: 0, nsec: 0 }], 0)).toBe(-Errno.EINVAL);
  });
});
