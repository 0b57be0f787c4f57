// The mount table: which filesystem's root covers which directory. There are no
// bind mounts, so a directory object is a mountpoint at most once and a
// filesystem's root names exactly one mount.

import { Errno, type NegErrno } from './errno.ts';
import type { DirectoryInode, FileSystem } from './inode.ts';

export class MountTable {
  private readonly covering = new Map<DirectoryInode, FileSystem>();
  private readonly mountpointOf = new Map<DirectoryInode, DirectoryInode>();

  constructor(readonly root: DirectoryInode) {}

  mount(at: DirectoryInode, fs: FileSystem): void {
    this.covering.set(at, fs);
    this.mountpointOf.set(fs.root, at);
  }

  /** What a walk entering `dir` lands on: the root of the filesystem mounted last on it. */
  enter(dir: DirectoryInode): DirectoryInode {
    let d = dir;
    for (let fs = this.covering.get(d); fs !== undefined; fs = this.covering.get(d)) d = fs.root;
    return d;
  }

  /** "..": at a mounted root it leaves the mount first; at the root it stays. */
  parentOf(dir: DirectoryInode): DirectoryInode {
    const d = this.leaveMounts(dir);
    return d === this.root ? d : (d.location()?.parent ?? d);
  }

  /** The root of a mounted filesystem cannot be removed or renamed (EBUSY). */
  isMountRoot(dir: DirectoryInode): boolean {
    return dir === this.root || this.mountpointOf.has(dir);
  }

  /** The absolute path of `dir`, as getcwd reports it; ENOENT once it is removed. */
  pathOf(dir: DirectoryInode): string | NegErrno {
    if (dir.stat().nlink === 0) return -Errno.ENOENT;
    const names: string[] = [];
    for (let d = this.leaveMounts(dir); d !== this.root; d = this.leaveMounts(d)) {
      const place = d.location();
      if (place === null) return -Errno.ENOENT; // a filesystem that is not mounted
      names.push(place.name);
      d = place.parent;
    }
    return '/' + names.reverse().join('/');
  }

  private leaveMounts(dir: DirectoryInode): DirectoryInode {
    let d = dir;
    while (d !== this.root) {
      const under = this.mountpointOf.get(d);
      if (under === undefined) break;
      d = under;
    }
    return d;
  }
}
