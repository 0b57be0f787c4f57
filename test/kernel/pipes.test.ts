// Pipes: the kernel agrees on everything that does not block; blocking, which a
// single-threaded native program cannot show, is checked in the VFS alone.

import { describe, expect, it } from 'vitest';
import {
  AT_FDCWD, BLOCKED, Errno, FIONREAD, O_NONBLOCK, O_RDONLY, O_WRONLY, POLLERR, POLLHUP, POLLIN, POLLOUT,
  POLLRDNORM, POLLWRNORM,
} from '../../src/engine/kernel/vfs/index.ts';
import { PIPE_CAPACITY } from '../../src/engine/kernel/fds/index.ts';
import { op, runNative, runVfs } from './differential.ts';
import { bytes, makeProcess, ok, text } from './support.ts';

const chunk = 'p'.repeat(4000);

describe('pipes against the kernel', () => {
  it('match in data, end of file, EPIPE, EAGAIN and partial writes', () => {
    const ops = [
      op.pipe('0', 'r', 'w'), op.fstat('r'), op.fcntl('r', 'F_GETFL'), op.fcntl('w', 'F_GETFL'), op.fcntl('r', 'F_GETFD'),
      op.write('w', 'hello, '), op.write('w', 'pipe'), op.read('r', 5), op.read('r', 100),
      op.lseek('r', 0, 'SEEK_CUR'), op.pread('r', 1, 0), op.pwrite('w', 'x', 0), op.read('w', 1), op.write('r', 'x'),
      op.write('w', ''), op.close('w'), op.read('r', 10), op.close('r'),
      op.pipe('O_NONBLOCK|O_CLOEXEC', 'r', 'w'), op.fcntl('r', 'F_GETFL'), op.fcntl('w', 'F_GETFD'), op.read('r', 10),
      ...Array.from({ length: 16 }, () => op.write('w', chunk)), op.write('w', 'q'.repeat(1500)),
      op.write('w', 'z'.repeat(100)), op.write('w', 'z'.repeat(36)), op.write('w', 'z'), op.read('r', 3),
      op.close('r'), op.write('w', 'x'), op.write('w', ''), op.close('w'),
      op.pipe('O_NONBLOCK', 'r', 'w'), op.write('w', 'y'.repeat(5000)), op.read('r', 1),
      op.pipe('O_TRUNC', 'x', 'y'),
    ];
    expect(runVfs(ops)).toEqual(runNative(ops));
  });
});

describe('pipes in the VFS', () => {
  function pipe(flags = 0) {
    const { files } = makeProcess();
    const [r, w] = ok(files.pipe2(flags));
    return { files, r, w };
  }

  it('block a reader while a writer exists, and a writer while full', () => {
    const { files, r, w } = pipe();
    expect(files.read(r, new Uint8Array(4))).toBe(BLOCKED);
    expect(files.write(w, new Uint8Array(PIPE_CAPACITY))).toBe(PIPE_CAPACITY);
    expect(files.write(w, bytes('x'))).toBe(BLOCKED);
    expect(files.read(r, new Uint8Array(10))).toBe(10);
    expect(files.write(w, bytes('x'))).toBe(BLOCKED); // a page frees only once read whole
    expect(files.read(r, new Uint8Array(4086))).toBe(4086);
    expect(files.write(w, new Uint8Array(4096))).toBe(4096);
  });

  it('take what fits of a large write and report the short count', () => {
    const { files, r, w } = pipe();
    files.write(w, new Uint8Array(14 * 4096 + 3996)); // 15 pages, the last not full
    expect(files.write(w, new Uint8Array(100))).toBe(100); // tops up the last page
    expect(files.write(w, new Uint8Array(10_000))).toBe(4096); // one page left
    expect(files.write(w, new Uint8Array(1))).toBe(BLOCKED);
    expect(files.read(r, new Uint8Array(PIPE_CAPACITY * 2))).toBe(PIPE_CAPACITY);
  });

  it('report readiness for poll', () => {
    const { files, r, w } = pipe();
    expect(files.poll(r)).toBe(0);
    expect(files.poll(w)).toBe(POLLOUT | POLLWRNORM);
    files.write(w, bytes('x'));
    expect(files.poll(r)).toBe(POLLIN | POLLRDNORM);
    files.close(w);
    expect(files.poll(r)).toBe(POLLIN | POLLRDNORM | POLLHUP);
    const other = pipe();
    other.files.close(other.r);
    expect(other.files.poll(other.w)).toBe(POLLOUT | POLLWRNORM | POLLERR);
  });

  it('count buffered bytes with FIONREAD', () => {
    const { files, r, w } = pipe();
    files.write(w, bytes('12345'));
    const arg = new Uint8Array(4);
    expect(files.ioctl(r, FIONREAD, arg)).toBe(0);
    expect(new DataView(arg.buffer).getInt32(0, true)).toBe(5);
  });

  it('stay open while a forked process holds an end', () => {
    const { files, r, w } = pipe();
    const child = files.fork(43);
    files.close(w);
    expect(files.read(r, new Uint8Array(1))).toBe(BLOCKED);
    child.write(w, bytes('from child'));
    child.close(w);
    const buf = new Uint8Array(32);
    expect(text(buf.subarray(0, files.read(r, buf)))).toBe('from child');
    expect(files.read(r, buf)).toBe(0);
  });

  it('reopen through /proc/self/fd as another end of the same pipe', () => {
    const { files, r, w } = pipe(O_NONBLOCK);
    const again = ok(files.openat(AT_FDCWD, `/proc/self/fd/${w}`, O_WRONLY, 0));
    files.close(w);
    files.write(again, bytes('via proc'));
    const buf = new Uint8Array(16);
    expect(text(buf.subarray(0, files.read(r, buf)))).toBe('via proc');
    expect(files.read(r, buf)).toBe(-Errno.EAGAIN);
    const reader = ok(files.openat(AT_FDCWD, `/dev/fd/${r}`, O_RDONLY, 0));
    files.close(r);
    files.write(again, bytes('!'));
    expect(files.read(reader, buf)).toBe(1);
  });
});
