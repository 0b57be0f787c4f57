// The CLI's host directories: HostDirectory over node:fs's synchronous calls, and the
// mounts that give a guest valgrind's view of the machine, the host's working
// directory at its own path and the host's /tmp as /tmp.

import * as fs from 'node:fs';
import { Errno, type NegErrno } from '../engine/kernel/vfs/errno.ts';
import type { HostDirEntry, HostDirectory, HostFile, HostStat } from '../engine/kernel/vfs/hostfs.ts';
import { HostFs } from '../engine/kernel/vfs/hostfs.ts';
import type { Access } from '../engine/kernel/vfs/inode.ts';
import { makeDirs, makeSymlink } from '../engine/kernel/vfs/populate.ts';
import type { Timespec } from '../engine/kernel/vfs/services.ts';
import type { StandardSystem } from '../engine/kernel/vfs/standard-tree.ts';

/** Runs a node:fs call, turning its error code into a negated Errno. */
function hostCall<T>(call: () => T): T | NegErrno {
  try {
    return call();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return -(Errno[code as keyof typeof Errno] ?? Errno.EIO);
  }
}

const BILLION = 1_000_000_000n;
const timespec = (ns: bigint): Timespec => ({ sec: Number(ns / BILLION), nsec: Number(ns % BILLION) });
const seconds = (t: Timespec): number => t.sec + t.nsec / 1e9;

function hostStat(st: fs.BigIntStats): HostStat {
  return {
    mode: Number(st.mode), ino: Number(st.ino), nlink: Number(st.nlink), size: Number(st.size),
    blksize: Number(st.blksize), blocks: Number(st.blocks), atime: timespec(st.atimeNs),
    mtime: timespec(st.mtimeNs), ctime: timespec(st.ctimeNs), btime: st.birthtimeNs > 0n ? timespec(st.birthtimeNs) : null,
  };
}

export class NodeHostDirectory implements HostDirectory {
  constructor(private readonly base: string) {}

  lstat(path: string): HostStat | NegErrno {
    return hostCall(() => hostStat(fs.lstatSync(this.abs(path), { bigint: true })));
  }

  /** Sorted by name, so listings are the same on every host. */
  readdir(path: string): HostDirEntry[] | NegErrno {
    return hostCall(() => fs.readdirSync(this.abs(path)).sort().flatMap((name) => {
      const st = this.lstat(path === '' ? name : `${path}/${name}`);
      return typeof st === 'number' ? [] : [{ name, mode: st.mode, ino: st.ino }]; // vanished meanwhile
    }));
  }

  readlink(path: string): string | NegErrno {
    return hostCall(() => fs.readlinkSync(this.abs(path)));
  }

  open(path: string, access: Access): HostFile | NegErrno {
    const mode = access.read && access.write ? fs.constants.O_RDWR : access.write ? fs.constants.O_WRONLY : fs.constants.O_RDONLY;
    const fd = hostCall(() => fs.openSync(this.abs(path), mode | fs.constants.O_NOFOLLOW));
    if (fd < 0) return fd;
    return {
      read: (dst, pos) => hostCall(() => fs.readSync(fd, dst, 0, dst.length, pos)),
      write: (src, pos) => hostCall(() => fs.writeSync(fd, src, 0, src.length, pos)),
      close: () => fs.closeSync(fd),
    };
  }

  create(path: string, perm: number): 0 | NegErrno {
    const { O_CREAT, O_EXCL, O_WRONLY, O_NOFOLLOW } = fs.constants;
    return this.done(() => fs.closeSync(fs.openSync(this.abs(path), O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW, perm)));
  }

  mkdir(path: string, perm: number): 0 | NegErrno {
    return this.done(() => fs.mkdirSync(this.abs(path), perm));
  }

  symlink(target: string, path: string): 0 | NegErrno {
    return this.done(() => fs.symlinkSync(target, this.abs(path)));
  }

  link(existing: string, path: string): 0 | NegErrno {
    return this.done(() => fs.linkSync(this.abs(existing), this.abs(path)));
  }

  unlink(path: string): 0 | NegErrno {
    return this.done(() => fs.unlinkSync(this.abs(path)));
  }

  rmdir(path: string): 0 | NegErrno {
    return this.done(() => fs.rmdirSync(this.abs(path)));
  }

  rename(from: string, to: string): 0 | NegErrno {
    return this.done(() => fs.renameSync(this.abs(from), this.abs(to)));
  }

  truncate(path: string, size: number): 0 | NegErrno {
    return this.done(() => fs.truncateSync(this.abs(path), size));
  }

  chmod(path: string, perm: number): 0 | NegErrno {
    return this.done(() => fs.chmodSync(this.abs(path), perm));
  }

  utimes(path: string, atime: Timespec, mtime: Timespec): 0 | NegErrno {
    return this.done(() => fs.lutimesSync(this.abs(path), seconds(atime), seconds(mtime)));
  }

  private abs(path: string): string {
    return path === '' ? this.base : `${this.base}/${path}`;
  }

  private done(call: () => void): 0 | NegErrno {
    const result = hostCall(call);
    return result === undefined ? 0 : result;
  }
}

/** Mounts the host directory `hostPath` at `guestPath`, creating the mountpoint. */
export function mountHostDirectory(system: StandardSystem, guestPath: string, hostPath: string, options: { readOnly?: boolean } = {}): 0 | NegErrno {
  const hostFs = HostFs.create(new NodeHostDirectory(hostPath), { dev: system.nextDev(), owner: system.cred, readOnly: options.readOnly });
  if (typeof hostFs === 'number') return hostFs;
  const dirs = makeDirs(system.vfs, guestPath);
  return dirs !== 0 ? dirs : system.vfs.mount(guestPath, hostFs);
}

/** The host's system directories a dynamically linked program needs (ld.so, shared
 *  libraries, ld.so.cache), read-only: the guest may read the system, not change it. */
const SYSTEM_DIRECTORIES = ['/usr', '/lib', '/lib64', '/etc'];

/**
 * Valgrind's view, where the program runs on the machine itself: the host's system
 * directories (read-only), the host's /tmp at /tmp and the host's working directory at
 * its own path, which becomes the guest's working directory. A cwd of "/" or one under
 * /tmp needs no mount of its own; the guest's /dev and /proc are never covered.
 */
export function mountHostView(system: StandardSystem, hostCwd: string): 0 | NegErrno {
  for (const dir of SYSTEM_DIRECTORIES) {
    if (!fs.existsSync(dir)) continue;
    // Merged /usr: /lib and /lib64 are symlinks into /usr, and so they are in the guest.
    const r = fs.lstatSync(dir).isSymbolicLink()
      ? makeSymlink(system.vfs, dir, fs.readlinkSync(dir))
      : mountHostDirectory(system, dir, dir, { readOnly: true });
    if (r !== 0) return r;
  }
  const tmp = mountHostDirectory(system, '/tmp', '/tmp');
  if (tmp !== 0) return tmp;
  const covered = ['/tmp', '/dev', '/proc'].some((top) => hostCwd === top || hostCwd.startsWith(`${top}/`));
  return hostCwd === '/' || covered ? 0 : mountHostDirectory(system, hostCwd, hostCwd);
}
