// What an opened file does: Linux's file_operations, reduced to what the file
// syscalls need. An inode's open() returns one; the open file description calls it.
import type { IoctlArg } from './ioctl.ts';

/**
 * How the file position applies:
 * - 'seekable': reads and writes happen at the description's offset, which they
 *   advance; lseek, pread and pwrite work (regular files).
 * - 'pinned': the offset stays 0 whatever is read or written and lseek succeeds
 *   without moving it (/dev/null, /dev/zero, /dev/full, /dev/urandom).
 * - 'stream': there is no position; lseek, pread and pwrite fail with ESPIPE (pipes,
 *   terminals).
 */
export type Positioning = 'seekable' | 'pinned' | 'stream';

export interface FileOps {
  readonly positioning: Positioning;
  /**
   * Fills the front of `dst` from position `pos`. Returns the count (0 at end of
   * file), -errno, or BLOCKED when the file is a stream that has nothing yet.
   */
  read(dst: Uint8Array, pos: number): number;
  /** Writes `src` at `pos`. Returns the count, -errno, or BLOCKED. */
  write(src: Uint8Array, pos: number): number;
  /** Readiness as poll(2) reports it (POLL* bits); always ready when absent. */
  poll?(): number;
  /**
   * A device-specific ioctl; `arg` is the argument's bytes (IOCTL_ARGS, or the
   * device's own `ioctlArgs`, gives each request's size and direction). `call` has the
   * argument's value and reaches guest memory beyond it (a struct that holds a pointer).
   * Absent means ENOTTY for every request.
   */
  ioctl?(request: number, arg: Uint8Array, call?: IoctlCall): number;
  /** The argument each request of a device's own ioctls copies (IOCTL_ARGS has the common ones). */
  readonly ioctlArgs?: ReadonlyMap<number, IoctlArg>;
  /** The last descriptor referring to this open file was closed. */
  release?(): void;
}

/** What a driver's ioctl sees besides its argument's bytes: the argument's value (for
 *  requests that take a number) and copy_to_user into guest memory (false: EFAULT). */
export interface IoctlCall {
  readonly value: bigint;
  write(addr: number, bytes: Uint8Array): boolean;
}

// poll(2) event bits (asm-generic/poll.h).
export const POLLIN = 0x1;
export const POLLPRI = 0x2;
export const POLLOUT = 0x4;
export const POLLERR = 0x8;
export const POLLHUP = 0x10;
export const POLLNVAL = 0x20;
export const POLLRDNORM = 0x40;
export const POLLWRNORM = 0x100;

/** What an ordinary file reports: Linux's DEFAULT_POLLMASK. */
export const ALWAYS_READY = POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;
