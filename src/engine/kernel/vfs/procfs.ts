// /proc: files whose contents a provider renders when they are opened, /proc/self/exe,
// and /proc/self/fd, whose magic links reach the caller's open files. "self" is
// whoever looks: every lookup and open carries its Caller.

import { Errno, type NegErrno } from './errno.ts';
import { FileBytes } from './file-bytes.ts';
import type { FileOps } from './file-ops.ts';
import type { Access, Caller, DirEntry, Inode, RegularInode, SymlinkInode } from './inode.ts';
import { MemDirectory, MemFs, MemInode } from './memfs.ts';
import { type DeviceNumber, dtype, S_IFLNK, S_IFREG } from './mode.ts';
import { ROOT_CREDENTIALS } from './permission.ts';
import type { Clock } from './services.ts';

/** Renders one /proc file for the process that opens it. */
export type ProcProvider = (caller: Caller) => string | Uint8Array;

const utf8 = new TextEncoder();

export class ProcFs {
  readonly fs: MemFs;

  constructor(clock: Clock, dev: DeviceNumber) {
    this.fs = new MemFs({ type: 'proc', dev, clock, rootPerm: 0o555, rootOwner: ROOT_CREDENTIALS });
    const perProcess = this.directory(['self']);
    perProcess.add('exe', new ProcLink(this.fs, (caller) => caller.exe));
    perProcess.add('fd', new ProcFdDirectory(this.fs));
  }

  /**
   * Serves `path` (relative to /proc: "cpuinfo", "self/maps") from `provider`,
   * creating its directories; a second definition replaces the provider.
   */
  define(path: string, provider: ProcProvider): void {
    const names = path.split('/');
    const name = names.pop()!;
    const dir = this.directory(names);
    const existing = dir.get(name);
    if (existing instanceof GeneratedFile) existing.provider = provider;
    else dir.add(name, new GeneratedFile(this.fs, provider));
  }

  private directory(names: string[]): MemDirectory {
    let dir = this.fs.root;
    for (const name of names) {
      const found = dir.get(name);
      if (found instanceof MemDirectory) {
        dir = found;
      } else {
        const made = new MemDirectory(this.fs, 0o555, ROOT_CREDENTIALS);
        dir.add(name, made);
        dir = made;
      }
    }
    return dir;
  }
}

/**
 * A regular file of size 0, rendered afresh by each open, as Linux's seq_file. Its
 * mode keeps users from writing; root, who may, is refused as Linux refuses it.
 */
class GeneratedFile extends MemInode implements RegularInode {
  readonly kind = 'file';

  constructor(fs: MemFs, public provider: ProcProvider) {
    super(fs, S_IFREG | 0o444, ROOT_CREDENTIALS);
  }

  protected size(): number {
    return 0;
  }

  protected override blksize(): number {
    return 1024;
  }

  open(access: Access, caller: Caller): FileOps | NegErrno {
    if (access.write) return -Errno.EACCES;
    const rendered = this.provider(caller);
    const contents = new FileBytes(typeof rendered === 'string' ? utf8.encode(rendered) : rendered);
    return {
      positioning: 'seekable',
      read: (dst, pos) => contents.read(pos, dst),
      write: () => -Errno.EBADF, // never reached: opened read-only
    };
  }

  truncate(): NegErrno {
    return -Errno.EACCES;
  }
}

/** A symlink whose target depends on the caller; a magic one jumps to an inode. */
class ProcLink extends MemInode implements SymlinkInode {
  readonly kind = 'symlink';

  constructor(fs: MemFs, private readonly target: (caller: Caller) => string | NegErrno, readonly jump?: (caller: Caller) => Inode | NegErrno) {
    super(fs, S_IFLNK | 0o777, ROOT_CREDENTIALS);
  }

  protected size(): number {
    return 0;
  }

  readlink(caller: Caller): string | NegErrno {
    return this.target(caller);
  }
}

/** /proc/self/fd: one magic link per descriptor the caller has open. */
class ProcFdDirectory extends MemDirectory {
  // One link object per descriptor number keeps its inode number stable.
  private readonly links = new Map<number, ProcLink>();

  // Linux makes it 0500 and owned by the process; with no per-caller ownership
  // here it is open to all, which a single user cannot tell apart.
  constructor(fs: MemFs) {
    super(fs, 0o555, ROOT_CREDENTIALS);
  }

  override lookup(name: string, caller: Caller): Inode | NegErrno {
    const fd = /^(0|[1-9][0-9]{0,9})$/.test(name) ? Number(name) : -1;
    return caller.fdTarget(fd) === undefined ? -Errno.ENOENT : this.linkFor(fd);
  }

  override entries(caller: Caller): DirEntry[] {
    return caller.openFds().map((fd) => ({ name: String(fd), ino: this.linkFor(fd).ino, type: dtype(S_IFLNK), cookie: fd + 3 }));
  }

  private linkFor(fd: number): ProcLink {
    let link = this.links.get(fd);
    if (link === undefined) {
      link = new ProcLink(this.fs, (c) => c.fdTarget(fd)?.path ?? -Errno.ENOENT, (c) => c.fdTarget(fd)?.inode ?? -Errno.ENOENT);
      this.links.set(fd, link);
    }
    return link;
  }
}

/** A meminfo line: the label padded to 16 columns, the value right-aligned in 8 (show_val_kb). */
const kb = (name: string, value: number) => `${`${name}:`.padEnd(16)}${String(value).padStart(8)} kB\n`;

/**
 * Contents for /proc/cpuinfo and /proc/meminfo until the kernel defines its own: one
 * baseline x86-64 CPU (the flags the CPUID model may advertise at least) and the
 * 4 GiB guest address window as memory.
 */
export const DEFAULT_PROC_FILES: Readonly<Record<string, ProcProvider>> = {
  cpuinfo: () => [
    'processor\t: 0', 'vendor_id\t: GenuineIntel', 'cpu family\t: 6', 'model\t\t: 0',
    'model name\t: grindlab virtual x86-64 CPU', 'stepping\t: 0', 'cpu MHz\t\t: 1000.000',
    'cache size\t: 4096 KB', 'physical id\t: 0', 'siblings\t: 1', 'core id\t\t: 0', 'cpu cores\t: 1',
    'fpu\t\t: yes', 'fpu_exception\t: yes', 'cpuid level\t: 1', 'wp\t\t: yes',
    'flags\t\t: fpu tsc cx8 cmov clflush mmx fxsr sse sse2 syscall nx lm', 'bogomips\t: 2000.00',
    'clflush size\t: 64', 'cache_alignment\t: 64', 'address sizes\t: 48 bits physical, 48 bits virtual',
    'power management:', '', '',
  ].join('\n'),
  meminfo: () => kb('MemTotal', 4194304) + kb('MemFree', 4194304) + kb('MemAvailable', 4194304) +
    kb('Buffers', 0) + kb('Cached', 0) + kb('SwapCached', 0) + kb('SwapTotal', 0) + kb('SwapFree', 0),
};
