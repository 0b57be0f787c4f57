// A directory of the host mounted into the guest's namespace: the CLI shows the
// host's current directory and /tmp as valgrind's programs see them. The engine
// reaches the host only through HostDirectory, whose Node implementation lives in
// src/cli/host-fs.ts.
//
// Paths given to HostDirectory are relative to the mounted directory, joined with
// '/', and '' for the directory itself. They never contain "." or ".." and never go
// through a host symlink: the guest's path walk resolves every component itself.
// Files appear owned by the guest's user, as through a uid-mapping mount; the host
// enforces its own permissions on top.

import { Errno, type NegErrno } from './errno.ts';
import type { FileOps } from './file-ops.ts';
import type {
  Access, AttrChange, Caller, DirEntry, DirectoryInode, FileSystem, Inode, RegularInode,
  SpecialInode, Stat, SymlinkInode,
} from './inode.ts';
import { type DeviceNumber, dtype, S_IFDIR, S_IFLNK, S_IFMT, S_IFREG } from './mode.ts';
import type { Credentials } from './permission.ts';
import type { Timespec } from './services.ts';

/** What lstat(2) says about a host file. */
export interface HostStat {
  /** st_mode, type bits included. */
  mode: number;
  ino: number;
  nlink: number;
  size: number;
  blksize: number;
  blocks: number;
  atime: Timespec;
  mtime: Timespec;
  ctime: Timespec;
  btime: Timespec | null;
}

export interface HostDirEntry {
  name: string;
  /** st_mode of the entry (its type bits are what matter). */
  mode: number;
  ino: number;
}

/** An open host file, read and written at explicit offsets. */
export interface HostFile {
  read(dst: Uint8Array, pos: number): number | NegErrno;
  write(src: Uint8Array, pos: number): number | NegErrno;
  close(): void;
}

/** Synchronous access to one host directory tree; failures are negated Errno values. */
export interface HostDirectory {
  lstat(path: string): HostStat | NegErrno;
  /** The entries, without "." and "..", in a stable order. */
  readdir(path: string): HostDirEntry[] | NegErrno;
  readlink(path: string): string | NegErrno;
  /** Opens an existing regular file, never following a symlink. */
  open(path: string, access: Access): HostFile | NegErrno;
  /** Creates an empty regular file that must not exist yet. */
  create(path: string, perm: number): 0 | NegErrno;
  mkdir(path: string, perm: number): 0 | NegErrno;
  symlink(target: string, path: string): 0 | NegErrno;
  link(existing: string, path: string): 0 | NegErrno;
  unlink(path: string): 0 | NegErrno;
  rmdir(path: string): 0 | NegErrno;
  rename(from: string, to: string): 0 | NegErrno;
  truncate(path: string, size: number): 0 | NegErrno;
  chmod(path: string, perm: number): 0 | NegErrno;
  /** Sets the times of the file itself, a symlink included. */
  utimes(path: string, atime: Timespec, mtime: Timespec): 0 | NegErrno;
}

export interface HostFsOptions {
  dev: DeviceNumber;
  /** Who the files appear to belong to: the guest's credentials. */
  owner: Credentials;
  readOnly?: boolean;
}

const join = (dir: string, name: string): string => (dir === '' ? name : `${dir}/${name}`);

export class HostFs implements FileSystem {
  readonly type = 'hostfs';
  readonly dev: DeviceNumber;
  readonly readOnly: boolean;
  readonly owner: Credentials;
  readonly root: HostDir;
  // One inode object per host path, so the walk, the mount table and open files
  // agree on identity. Renames re-key it; a changed type or inode number replaces it.
  private readonly nodes = new Map<string, HostNode & Inode>();

  /** A filesystem over `host`, whose top must be a directory (else ENOTDIR or the lstat error). */
  static create(host: HostDirectory, options: HostFsOptions): HostFs | NegErrno {
    const st = host.lstat('');
    if (typeof st === 'number') return st;
    return (st.mode & S_IFMT) === S_IFDIR ? new HostFs(host, options, st) : -Errno.ENOTDIR;
  }

  private constructor(readonly host: HostDirectory, options: HostFsOptions, rootStat: HostStat) {
    this.dev = options.dev;
    this.owner = options.owner;
    this.readOnly = options.readOnly ?? false;
    this.root = new HostDir(this, '', rootStat);
  }

  node(path: string): Inode | NegErrno {
    if (path === '') return this.root;
    const st = this.host.lstat(path);
    if (typeof st === 'number') return st;
    const known = this.nodes.get(path);
    if (known !== undefined && known.last.ino === st.ino && (known.last.mode & S_IFMT) === (st.mode & S_IFMT)) {
      known.last = st;
      return known;
    }
    const made = makeNode(this, path, st);
    this.nodes.set(path, made);
    return made;
  }

  forget(path: string): void {
    this.nodes.delete(path);
  }

  /** A rename moved `from` (and everything below it) to `to`. */
  moved(from: string, to: string): void {
    this.nodes.delete(to);
    for (const [path, node] of [...this.nodes]) {
      if (path !== from && !path.startsWith(`${from}/`)) continue;
      this.nodes.delete(path);
      node.path = to + path.slice(from.length);
      this.nodes.set(node.path, node);
    }
  }
}

function makeNode(fs: HostFs, path: string, st: HostStat): HostNode & Inode {
  switch (st.mode & S_IFMT) {
    case S_IFDIR: return new HostDir(fs, path, st);
    case S_IFREG: return new HostRegular(fs, path, st);
    case S_IFLNK: return new HostSymlink(fs, path, st);
    default: return new HostSpecial(fs, path, st);
  }
}

abstract class HostNode {
  constructor(readonly fs: HostFs, public path: string, public last: HostStat) {}

  protected get host(): HostDirectory {
    return this.fs.host;
  }

  /** The host's answer; once the name is gone (an open, unlinked file), the last one with nlink 0. */
  stat(): Stat {
    const st = this.host.lstat(this.path);
    if (typeof st !== 'number') this.last = st;
    const { mode, ino, size, blksize, blocks, atime, mtime, ctime, btime } = this.last;
    return {
      dev: this.fs.dev, ino, mode, nlink: typeof st === 'number' ? 0 : st.nlink, uid: this.fs.owner.uid,
      gid: this.fs.owner.gid, rdev: 0, size, blksize, blocks, atime, mtime, ctime, btime,
    };
  }

  setattr(change: AttrChange): 0 | NegErrno {
    if (change.uid !== undefined || change.gid !== undefined) return -Errno.EPERM;
    if (change.mode !== undefined) {
      const done = this.host.chmod(this.path, change.mode & ~S_IFMT);
      if (done !== 0) return done;
    }
    if (change.atime === undefined && change.mtime === undefined) return 0;
    const { atime, mtime } = this.stat();
    return this.host.utimes(this.path, change.atime ?? atime, change.mtime ?? mtime);
  }
}

class HostDir extends HostNode implements DirectoryInode {
  readonly kind = 'directory';

  location(): { parent: DirectoryInode; name: string } | null {
    if (this.path === '') return null;
    const slash = this.path.lastIndexOf('/');
    const parent = this.fs.node(slash < 0 ? '' : this.path.slice(0, slash));
    if (typeof parent === 'number' || parent.kind !== 'directory') return null;
    return { parent, name: this.path.slice(slash + 1) };
  }

  lookup(name: string, _caller: Caller): Inode | NegErrno {
    return this.fs.node(join(this.path, name));
  }

  /** Cookies are positions in the host's listing, which it keeps stable while unchanged. */
  entries(_caller: Caller): DirEntry[] | NegErrno {
    const listed = this.host.readdir(this.path);
    if (typeof listed === 'number') return listed;
    return listed.map((e, i) => ({ name: e.name, ino: e.ino, type: dtype(e.mode), cookie: i + 3 }));
  }

  create(name: string, perm: number, _caller: Caller): RegularInode | NegErrno {
    const path = join(this.path, name);
    const made = this.host.create(path, perm);
    if (made !== 0) return made;
    const node = this.fs.node(path);
    return typeof node === 'number' || node.kind !== 'file' ? -Errno.EIO : node;
  }

  mkdir(name: string, perm: number, _caller: Caller): DirectoryInode | NegErrno {
    const path = join(this.path, name);
    const made = this.host.mkdir(path, perm);
    if (made !== 0) return made;
    const node = this.fs.node(path);
    return typeof node === 'number' || node.kind !== 'directory' ? -Errno.EIO : node;
  }

  symlink(name: string, target: string, _caller: Caller): 0 | NegErrno {
    return this.host.symlink(target, join(this.path, name));
  }

  link(name: string, target: Inode): 0 | NegErrno {
    if (!(target instanceof HostNode) || target.fs !== this.fs) return -Errno.EXDEV;
    return this.host.link(target.path, join(this.path, name));
  }

  unlink(name: string): 0 | NegErrno {
    return this.removed(join(this.path, name), this.host.unlink(join(this.path, name)));
  }

  rmdir(name: string): 0 | NegErrno {
    return this.removed(join(this.path, name), this.host.rmdir(join(this.path, name)));
  }

  rename(name: string, newDir: DirectoryInode, newName: string): 0 | NegErrno {
    if (!(newDir instanceof HostDir) || newDir.fs !== this.fs) return -Errno.EXDEV;
    const from = join(this.path, name);
    const to = join(newDir.path, newName);
    const done = this.host.rename(from, to);
    if (done === 0) this.fs.moved(from, to);
    return done;
  }

  private removed(path: string, result: 0 | NegErrno): 0 | NegErrno {
    if (result === 0) this.fs.forget(path);
    return result;
  }
}

class HostRegular extends HostNode implements RegularInode {
  readonly kind = 'file';

  open(access: Access, _caller: Caller): FileOps | NegErrno {
    const file = this.host.open(this.path, access);
    if (typeof file === 'number') return file;
    return {
      positioning: 'seekable',
      read: (dst, pos) => file.read(dst, pos),
      write: (src, pos) => file.write(src, pos),
      release: () => file.close(),
    };
  }

  truncate(size: number): 0 | NegErrno {
    return this.host.truncate(this.path, size);
  }
}

class HostSymlink extends HostNode implements SymlinkInode {
  readonly kind = 'symlink';

  readlink(_caller: Caller): string | NegErrno {
    return this.host.readlink(this.path);
  }
}

/** A host FIFO, socket or device: visible, but not passed through. */
class HostSpecial extends HostNode implements SpecialInode {
  readonly kind = 'special';

  open(): NegErrno {
    return -Errno.ENXIO;
  }
}
