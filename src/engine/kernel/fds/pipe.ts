// pipe(2), as Linux's fs/pipe.c builds it: a ring of 16 page-sized buffers. A write
// first tops up the last page with the part of it that is not a whole number of
// pages, if that part fits, then fills fresh pages; so the capacity in bytes depends
// on the sizes written, exactly as on Linux. Reads and writes that cannot proceed
// report BLOCKED; writes with no reader left fail with EPIPE, which the syscall layer
// turns into SIGPIPE as well.

import { BLOCKED, Errno } from '../vfs/errno.ts';
import { type FileOps, POLLERR, POLLHUP, POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM } from '../vfs/file-ops.ts';
import type { Access } from '../vfs/inode.ts';
import { FIONREAD } from '../vfs/ioctl.ts';
import type { DeviceDriver } from '../vfs/memfs.ts';

const PAGE_SIZE = 4096;
/** PIPE_DEF_BUFFERS: the buffers a pipe starts with. */
const PIPE_BUFFERS = 16;
export const PIPE_CAPACITY = PIPE_BUFFERS * PAGE_SIZE;
/** Writes up to this size are atomic: all or nothing (pipe(7)). One page, so one buffer. */
export const PIPE_BUF = PAGE_SIZE;

/** One page of the ring; bytes [start, end) are unread. */
interface PipeBuffer {
  readonly page: Uint8Array;
  start: number;
  end: number;
}

export class Pipe implements DeviceDriver {
  private readonly buffers: PipeBuffer[] = [];
  private readers = 0;
  private writers = 0;

  /** An end (or both, for O_RDWR through /proc/self/fd), counted until released. */
  open(access: Access): FileOps {
    if (access.read) this.readers++;
    if (access.write) this.writers++;
    return {
      positioning: 'stream',
      read: (dst) => this.read(dst),
      write: (src) => this.write(src),
      poll: () => this.poll(access),
      ioctl: (request, arg) => {
        if (request !== FIONREAD) return -Errno.ENOTTY;
        new DataView(arg.buffer, arg.byteOffset, 4).setInt32(0, this.buffered(), true);
        return 0;
      },
      release: () => {
        if (access.read) this.readers--;
        if (access.write) this.writers--;
      },
    };
  }

  /** What is buffered, up to dst's size; end of file once every writer is gone. */
  private read(dst: Uint8Array): number {
    if (this.buffers.length === 0) return this.writers === 0 ? 0 : BLOCKED;
    let n = 0;
    while (n < dst.length && this.buffers.length > 0) {
      const buf = this.buffers[0]!;
      const run = Math.min(dst.length - n, buf.end - buf.start);
      dst.set(buf.page.subarray(buf.start, buf.start + run), n);
      buf.start += run;
      n += run;
      if (buf.start === buf.end) this.buffers.shift();
    }
    return n;
  }

  /**
   * Writes what fits. A write of up to PIPE_BUF bytes fits whole or waits. A larger
   * one that fills the ring returns its short count where Linux would keep the
   * writer waiting for the rest (see docs/vfs.md, "Blocking").
   */
  private write(src: Uint8Array): number {
    if (this.readers === 0) return -Errno.EPIPE;
    let done = 0;
    const partial = src.length % PAGE_SIZE;
    const last = this.buffers.at(-1);
    if (partial > 0 && last !== undefined && last.end + partial <= PAGE_SIZE) {
      last.page.set(src.subarray(0, partial), last.end);
      last.end += partial;
      done = partial;
    }
    while (done < src.length && this.buffers.length < PIPE_BUFFERS) {
      const run = Math.min(PAGE_SIZE, src.length - done);
      const page = new Uint8Array(PAGE_SIZE);
      page.set(src.subarray(done, done + run));
      this.buffers.push({ page, start: 0, end: run });
      done += run;
    }
    return done > 0 ? done : BLOCKED;
  }

  private buffered(): number {
    return this.buffers.reduce((n, b) => n + b.end - b.start, 0);
  }

  /** pipe_poll: readable when not empty, hung up without writers; writable while a buffer is free, in error without readers. */
  private poll(access: Access): number {
    let events = 0;
    if (access.read) {
      if (this.buffers.length > 0) events |= POLLIN | POLLRDNORM;
      if (this.writers === 0) events |= POLLHUP;
    }
    if (access.write) {
      if (this.buffers.length < PIPE_BUFFERS) events |= POLLOUT | POLLWRNORM;
      if (this.readers === 0) events |= POLLERR;
    }
    return events;
  }
}
