// The guest's terminal: /dev/pts/0 and /dev/tty, and the stdio descriptors a program
// starts with, all carried by the host's TerminalHost. termios settings are kept and
// reported, but line editing and echo are the host terminal's business.

import { DEV_PTS0, DEV_TTY } from './devices.ts';
import { BLOCKED, Errno, type NegErrno } from './errno.ts';
import { type FileOps, POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM } from './file-ops.ts';
import { O_RDONLY, O_RDWR, O_WRONLY } from './flags.ts';
import {
  FIONREAD, TCGETS, TCSETS, TCSETSF, TCSETSW, TERMIOS_SIZE, TIOCGWINSZ, TIOCSWINSZ,
} from './ioctl.ts';
import type { AttrChange, FileSystem, SpecialInode, Stat } from './inode.ts';
import type { MemFs, MemSpecial } from './memfs.ts';
import { S_IFCHR, S_IFIFO } from './mode.ts';
import type { Credentials } from './permission.ts';
import type { OutputStream, StdStream, TerminalHost } from './services.ts';
import type { OpenedFile } from './vfs.ts';

/** The "tty" group owning terminal devices. */
const TTY_GID = 5;

/**
 * A fresh pseudo-terminal's settings, as Linux's pty driver sets them up:
 * c_iflag ICRNL|IXON, c_oflag OPOST|ONLCR, c_cflag B38400|CS8|CREAD,
 * c_lflag ISIG|ICANON|ECHO|ECHOE|ECHOK|ECHOCTL|ECHOKE|IEXTEN, c_line 0, then c_cc
 * (^C ^\ DEL ^U ^D, VTIME 0, VMIN 1, ^Q ^S ^Z, ^R ^O ^W ^V).
 */
function defaultTermios(): Uint8Array {
  const bytes = new Uint8Array(TERMIOS_SIZE);
  const view = new DataView(bytes.buffer);
  [0x500, 0x5, 0xbf, 0x8a3b].forEach((flags, i) => view.setUint32(4 * i, flags, true));
  bytes.set([0x03, 0x1c, 0x7f, 0x15, 0x04, 0x00, 0x01, 0x00, 0x11, 0x13, 0x1a, 0x00, 0x12, 0x0f, 0x17, 0x16], 17);
  return bytes;
}

export class TerminalDevice {
  readonly ptsNode: MemSpecial;
  readonly ttyNode: MemSpecial;
  private readonly termios = defaultTermios();
  // Input taken from the host that no read has consumed yet, and an end of input the
  // host reported that no read has returned yet: poll may look ahead.
  private pending: Uint8Array = new Uint8Array(0);
  private endOfInput = false;

  constructor(private readonly host: TerminalHost, devfs: MemFs, private readonly anon: MemFs, private readonly owner: Credentials) {
    const byPath = { open: () => this.openByPath() };
    this.ptsNode = devfs.special(S_IFCHR | 0o620, DEV_PTS0, byPath, { uid: owner.uid, gid: TTY_GID });
    this.ttyNode = devfs.special(S_IFCHR | 0o666, DEV_TTY, byPath, { uid: 0, gid: TTY_GID });
  }

  /**
   * What descriptor `stream` refers to when the program starts: the pts, read-write,
   * when the host stream is a terminal (its output going to that stream); otherwise a
   * pipe-like stream, read-only for stdin and write-only for stdout and stderr.
   * Each stream has an open file of its own (Linux's shells share one), so that
   * stdout and stderr stay apart.
   */
  stdio(stream: StdStream): OpenedFile {
    const out = stream === 2 ? 2 : 1;
    if (this.host.isatty(stream)) {
      const ops = this.ops(out, true);
      return { inode: new StreamNode(this.ptsNode, ops), ops, flags: O_RDWR, path: '/dev/pts/0' };
    }
    const ops = this.ops(out, false);
    const inode = this.anon.special(S_IFIFO | 0o600, 0, { open: () => ops }, this.owner);
    return { inode, ops, flags: stream === 0 ? O_RDONLY : O_WRONLY, path: `pipe:[${inode.ino}]` };
  }

  /** /dev/tty and /dev/pts/0 write to stdout if it is a terminal, else to stderr if it is one. */
  private openByPath(): FileOps | NegErrno {
    const out = ([1, 2] as const).find((s) => this.host.isatty(s));
    return out === undefined ? -Errno.ENXIO : this.ops(out, true);
  }

  private ops(out: OutputStream, tty: boolean): FileOps {
    return {
      positioning: 'stream',
      read: (dst) => this.read(dst),
      write: (src) => {
        this.host.write(out, src.slice());
        return src.length;
      },
      poll: () => (this.fill(4096) ? POLLIN | POLLRDNORM : 0) | POLLOUT | POLLWRNORM,
      ioctl: (request, arg) => this.ioctl(request, arg, tty),
    };
  }

  private read(dst: Uint8Array): number {
    if (!this.fill(dst.length)) return BLOCKED;
    if (this.pending.length === 0) {
      this.endOfInput = false;
      return 0;
    }
    const n = Math.min(dst.length, this.pending.length);
    dst.set(this.pending.subarray(0, n));
    this.pending = this.pending.subarray(n);
    return n;
  }

  /** Whether a read would return now: input or end of input is on hand. */
  private fill(max: number): boolean {
    if (this.pending.length > 0 || this.endOfInput) return true;
    const got = this.host.read(max);
    if (got === null) return false;
    if (got.length === 0) this.endOfInput = true;
    else this.pending = got;
    return true;
  }

  private ioctl(request: number, arg: Uint8Array, tty: boolean): number {
    const view = new DataView(arg.buffer, arg.byteOffset, arg.byteLength);
    if (request === FIONREAD) {
      this.fill(4096);
      view.setInt32(0, this.pending.length, true);
      return 0;
    }
    if (!tty) return -Errno.ENOTTY;
    switch (request) {
      case TCGETS:
        arg.set(this.termios);
        return 0;
      case TCSETSF:
        this.pending = new Uint8Array(0);
        this.termios.set(arg.subarray(0, TERMIOS_SIZE));
        return 0;
      case TCSETS:
      case TCSETSW:
        this.termios.set(arg.subarray(0, TERMIOS_SIZE));
        return 0;
      case TIOCGWINSZ: {
        const { rows, cols } = this.host.windowSize();
        view.setUint16(0, rows, true);
        view.setUint16(2, cols, true);
        view.setUint32(4, 0, true);
        return 0;
      }
      case TIOCSWINSZ:
        return 0; // the host's window decides the size
      default:
        return -Errno.ENOTTY;
    }
  }
}

/**
 * The pts seen through one stdio stream: it stats as the pts, so descriptors 0 to 2
 * look like one terminal, but opening it again (/dev/stderr is /proc/self/fd/2)
 * writes to the same stream.
 */
class StreamNode implements SpecialInode {
  readonly kind = 'special';
  readonly fs: FileSystem;

  constructor(private readonly pts: MemSpecial, private readonly ops: FileOps) {
    this.fs = pts.fs;
  }

  stat(): Stat {
    return this.pts.stat();
  }

  setattr(change: AttrChange): 0 {
    return this.pts.setattr(change);
  }

  open(): FileOps {
    return this.ops;
  }
}
