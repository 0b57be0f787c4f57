// The in-memory filesystem, after Linux's tmpfs: the root, /tmp and /home in the
// browser, and the base of /dev, /proc and the anonymous pipe inodes.

import { Errno, type NegErrno } from './errno.ts';
import { FileBytes } from './file-bytes.ts';
import type { FileOps } from './file-ops.ts';
import type {
  Access, AttrChange, Caller, DirEntry, DirectoryInode, FileSystem, Inode, RegularInode,
  SpecialInode, Stat, SymlinkInode,
} from './inode.ts';
import { type DeviceNumber, dtype, S_IFDIR, S_IFLNK, S_IFMT, S_IFREG } from './mode.ts';
import type { Credentials } from './permission.ts';
import type { Clock, Timespec } from './services.ts';

/** What a device node or an anonymous inode does when opened. */
export interface DeviceDriver {
  open(access: Access, caller: Caller): FileOps | NegErrno;
}

export interface MemFsOptions {
  type: string;
  dev: DeviceNumber;
  clock: Clock;
  /** Permission bits and owner of the root directory. */
  rootPerm: number;
  rootOwner: Credentials;
  /** Bytes all files together may hold; writes beyond fail with ENOSPC. */
  capacity?: number;
}

const DEFAULT_CAPACITY = 512 * 1024 * 1024;
/** The largest file offset: file positions are JS numbers, exact up to 2^53. */
export const MAX_FILE_SIZE = Number.MAX_SAFE_INTEGER;
const PAGE_SIZE = 4096;
/** tmpfs counts 20 bytes of directory size per entry (BOGO_DIRENT_SIZE), "." and ".." included. */
const BOGO_DIRENT_SIZE = 20;

export class MemFs implements FileSystem {
  readonly type: string;
  readonly dev: DeviceNumber;
  readonly readOnly = false;
  readonly root: MemDirectory;
  private readonly clock: Clock;
  private readonly capacity: number;
  private used = 0;
  private lastIno = 0;

  constructor(options: MemFsOptions) {
    this.type = options.type;
    this.dev = options.dev;
    this.clock = options.clock;
    this.capacity = options.capacity ?? DEFAULT_CAPACITY;
    this.root = new MemDirectory(this, options.rootPerm, options.rootOwner);
  }

  allocateIno(): number {
    return ++this.lastIno;
  }

  now(): Timespec {
    return this.clock.now();
  }

  /** Accounts `delta` bytes of file data (negative frees); false when that would overflow. */
  charge(delta: number): boolean {
    if (delta > 0 && this.used + delta > this.capacity) return false;
    this.used += delta;
    return true;
  }

  /** A device node to place with MemDirectory.add, or an anonymous inode (pipefs). */
  special(mode: number, rdev: DeviceNumber, driver: DeviceDriver, owner: Credentials): MemSpecial {
    return new MemSpecial(this, mode, owner, rdev, driver);
  }
}

/** Attributes and timestamps, kept as tmpfs keeps them. */
export abstract class MemInode {
  abstract readonly kind: Inode['kind'];
  readonly ino: number;
  mode: number;
  uid: number;
  gid: number;
  nlink = 1;
  atime: Timespec;
  mtime: Timespec;
  ctime: Timespec;
  private readonly btime: Timespec;

  constructor(readonly fs: MemFs, mode: number, owner: Credentials) {
    this.ino = fs.allocateIno();
    this.mode = mode;
    this.uid = owner.uid;
    this.gid = owner.gid;
    const now = fs.now();
    this.atime = now;
    this.mtime = now;
    this.ctime = now;
    this.btime = now;
  }

  protected abstract size(): number;

  protected rdev(): DeviceNumber {
    return 0;
  }

  /** Regular files hold whole pages; directories, links and devices hold none. */
  protected blocks(): number {
    return 0;
  }

  protected blksize(): number {
    return PAGE_SIZE;
  }

  stat(): Stat {
    return {
      dev: this.fs.dev, ino: this.ino, mode: this.mode, nlink: this.nlink, uid: this.uid, gid: this.gid,
      rdev: this.rdev(), size: this.size(), blksize: this.blksize(), blocks: this.blocks(),
      atime: { ...this.atime }, mtime: { ...this.mtime }, ctime: { ...this.ctime }, btime: { ...this.btime },
    };
  }

  setattr(change: AttrChange): 0 {
    if (change.mode !== undefined) this.mode = (this.mode & S_IFMT) | (change.mode & ~S_IFMT);
    if (change.uid !== undefined) this.uid = change.uid;
    if (change.gid !== undefined) this.gid = change.gid;
    if (change.atime !== undefined) this.atime = { ...change.atime };
    if (change.mtime !== undefined) this.mtime = { ...change.mtime };
    this.ctime = this.fs.now();
    return 0;
  }

  /** The contents changed: mtime and ctime move. */
  modified(): void {
    this.mtime = this.ctime = this.fs.now();
  }

  /** Only the inode changed (a link count): ctime moves. */
  changed(): void {
    this.ctime = this.fs.now();
  }

  /** A name for it went away. */
  dropLink(): void {
    this.nlink--;
    this.changed();
  }
}

interface Slot {
  readonly inode: MemInode & Inode;
  readonly cookie: number;
}

export class MemDirectory extends MemInode implements DirectoryInode {
  readonly kind = 'directory';
  private readonly children = new Map<string, Slot>();
  // Cookies only grow, so a listing resumed from a d_off stays in place however
  // the directory changes in between.
  private nextCookie = 3;
  private place: { parent: MemDirectory; name: string } | null = null;

  constructor(fs: MemFs, perm: number, owner: Credentials) {
    super(fs, S_IFDIR | perm, owner);
    this.nlink = 2;
  }

  protected size(): number {
    return BOGO_DIRENT_SIZE * (this.children.size + 2);
  }

  location(): { parent: DirectoryInode; name: string } | null {
    return this.place;
  }

  lookup(name: string, _caller: Caller): Inode | NegErrno {
    return this.get(name) ?? -Errno.ENOENT;
  }

  /** The inode called `name` here: a lookup that needs no caller, for building trees. */
  get(name: string): (MemInode & Inode) | undefined {
    return this.children.get(name)?.inode;
  }

  entries(_caller: Caller): DirEntry[] | NegErrno {
    if (this.nlink === 0) return -Errno.ENOENT;
    return [...this.children].map(([name, { inode, cookie }]) => ({ name, ino: inode.ino, type: dtype(inode.mode), cookie }));
  }

  /** Places `inode` under `name`, which must be free. Also builds the standard tree. */
  add(name: string, inode: MemInode & Inode): void {
    this.children.set(name, { inode, cookie: this.nextCookie++ });
    if (inode instanceof MemDirectory) {
      inode.place = { parent: this, name };
      this.nlink++;
    }
    this.modified();
  }

  create(name: string, perm: number, caller: Caller): RegularInode | NegErrno {
    const file = new MemFile(this.fs, perm, caller.cred);
    this.add(name, file);
    return file;
  }

  mkdir(name: string, perm: number, caller: Caller): DirectoryInode | NegErrno {
    const dir = new MemDirectory(this.fs, perm, caller.cred);
    this.add(name, dir);
    return dir;
  }

  symlink(name: string, target: string, caller: Caller): 0 | NegErrno {
    this.add(name, new MemSymlink(this.fs, target, caller.cred));
    return 0;
  }

  link(name: string, target: Inode): 0 | NegErrno {
    if (!(target instanceof MemInode) || target.fs !== this.fs) return -Errno.EXDEV;
    target.nlink++;
    target.changed();
    this.add(name, target);
    return 0;
  }

  unlink(name: string): 0 | NegErrno {
    const inode = this.remove(name);
    if (inode === undefined) return -Errno.ENOENT;
    inode.dropLink();
    if (inode instanceof MemFile) inode.freeIfUnused();
    return 0;
  }

  rmdir(name: string): 0 | NegErrno {
    const dir = this.get(name);
    if (!(dir instanceof MemDirectory)) return -Errno.ENOTDIR;
    if (dir.children.size > 0) return -Errno.ENOTEMPTY;
    this.remove(name);
    dir.nlink = 0;
    dir.changed();
    return 0;
  }

  rename(name: string, newDir: DirectoryInode, newName: string): 0 | NegErrno {
    if (!(newDir instanceof MemDirectory) || newDir.fs !== this.fs) return -Errno.EXDEV;
    const moving = this.get(name);
    if (moving === undefined) return -Errno.ENOENT;
    const replaced = newDir.get(newName);
    if (replaced === moving) return 0;
    if (replaced !== undefined) {
      const gone = replaced instanceof MemDirectory ? newDir.rmdir(newName) : newDir.unlink(newName);
      if (gone !== 0) return gone;
    }
    this.remove(name);
    newDir.add(newName, moving);
    moving.changed();
    return 0;
  }

  /**
   * Takes `name` out of the listing; a subdirectory stops counting towards nlink. A
   * removed directory keeps its parent, so ".." still leads out of it, as in Linux.
   */
  private remove(name: string): (MemInode & Inode) | undefined {
    const inode = this.get(name);
    if (inode === undefined) return undefined;
    this.children.delete(name);
    if (inode instanceof MemDirectory) this.nlink--;
    this.modified();
    return inode;
  }
}

class MemFile extends MemInode implements RegularInode {
  readonly kind = 'file';
  private data = new FileBytes();
  // Open descriptions keep an unlinked file's data alive, as in Linux.
  private opens = 0;

  constructor(fs: MemFs, perm: number, owner: Credentials) {
    super(fs, S_IFREG | perm, owner);
  }

  protected size(): number {
    return this.data.length;
  }

  protected override blocks(): number {
    return Math.ceil(this.data.length / PAGE_SIZE) * (PAGE_SIZE / 512);
  }

  open(_access: Access, _caller: Caller): FileOps {
    this.opens++;
    return {
      positioning: 'seekable',
      read: (dst, pos) => this.data.read(pos, dst),
      write: (src, pos) => this.write(pos, src),
      release: () => {
        this.opens--;
        this.freeIfUnused();
      },
    };
  }

  truncate(size: number): 0 | NegErrno {
    if (size > MAX_FILE_SIZE) return -Errno.EFBIG;
    if (!this.fs.charge(size - this.data.length)) return -Errno.ENOSPC;
    this.data.truncate(size);
    this.modified();
    return 0;
  }

  /** Frees the data once no name and no open description refers to it. */
  freeIfUnused(): void {
    if (this.nlink > 0 || this.opens > 0) return;
    this.fs.charge(-this.data.length);
    this.data = new FileBytes();
  }

  private write(pos: number, src: Uint8Array): number {
    if (pos + src.length > MAX_FILE_SIZE) return -Errno.EFBIG;
    if (!this.fs.charge(Math.max(0, pos + src.length - this.data.length))) return -Errno.ENOSPC;
    this.data.write(pos, src);
    this.modified();
    return src.length;
  }
}

const utf8 = new TextEncoder();

class MemSymlink extends MemInode implements SymlinkInode {
  readonly kind = 'symlink';

  constructor(fs: MemFs, private readonly target: string, owner: Credentials) {
    super(fs, S_IFLNK | 0o777, owner);
  }

  protected size(): number {
    return utf8.encode(this.target).length;
  }

  readlink(_caller: Caller): string {
    return this.target;
  }
}

export class MemSpecial extends MemInode implements SpecialInode {
  readonly kind = 'special';

  constructor(fs: MemFs, mode: number, owner: Credentials, private readonly device: DeviceNumber, private readonly driver: DeviceDriver) {
    super(fs, mode, owner);
  }

  protected size(): number {
    return 0;
  }

  protected override rdev(): DeviceNumber {
    return this.device;
  }

  open(access: Access, caller: Caller): FileOps | NegErrno {
    return this.driver.open(access, caller);
  }
}
