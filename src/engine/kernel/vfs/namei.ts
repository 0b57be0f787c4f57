// Path resolution, after Linux's fs/namei.c: every directory on the way needs search
// permission, "." and ".." are handled here (".." leaves mounts and stops at the
// root), symlinks are followed with one budget of MAXSYMLINKS per lookup, and a
// trailing slash demands a directory.

import { Errno, type NegErrno } from './errno.ts';
import { MAXSYMLINKS, NAME_MAX, PATH_MAX } from './flags.ts';
import type { Caller, DirectoryInode, Inode, SymlinkInode } from './inode.ts';
import type { MountTable } from './mounts.ts';
import { MAY_EXEC, permits } from './permission.ts';

/** Linux's last_type: what the final component of a path is. */
export type LastType = 'normal' | 'dot' | 'dotdot' | 'root';

/** A path walked up to its final component, which is not looked up yet. */
export interface LastComponent {
  readonly dir: DirectoryInode;
  readonly name: string;
  readonly lastType: LastType;
  readonly trailingSlash: boolean;
}

const utf8 = new TextEncoder();
const utf8Length = (s: string): number => utf8.encode(s).length;

export const isInode = (x: Inode | LastComponent): x is Inode => 'kind' in x;

/** One lookup (Linux's nameidata): its symlink budget spans every link it follows. */
export class PathWalk {
  private linksFollowed = 0;
  // The last component resolved, or a magic link's text: the name /proc/self/fd shows.
  private final: LastComponent | string | null = null;

  constructor(private readonly mounts: MountTable, private readonly caller: Caller) {}

  /** Walks every component but the last. */
  parent(start: DirectoryInode, path: string): LastComponent | NegErrno {
    if (path.length === 0) return -Errno.ENOENT;
    if (utf8Length(path) >= PATH_MAX) return -Errno.ENAMETOOLONG;
    let dir = path.startsWith('/') ? this.mounts.root : start;
    const names = path.split('/').filter((name) => name.length > 0);
    const last = names.pop();
    if (last === undefined) return { dir, name: '/', lastType: 'root', trailingSlash: true };
    for (const name of names) {
      const next = this.directory(dir, name);
      if (typeof next === 'number') return next;
      dir = next;
    }
    const lastType = last === '.' ? 'dot' : last === '..' ? 'dotdot' : 'normal';
    return { dir, name: last, lastType, trailingSlash: path.endsWith('/') };
  }

  /** Resolves a whole path; a final symlink is followed when `follow` says so. */
  resolve(start: DirectoryInode, path: string, follow: boolean): Inode | NegErrno {
    const last = this.parent(start, path);
    return typeof last === 'number' ? last : this.resolveLast(last, follow);
  }

  /** Records that the walk ends at `last`, for finalPath. */
  reached(last: LastComponent): void {
    this.final = last;
  }

  /** The inode the final component names. A trailing slash follows symlinks and requires a directory. */
  resolveLast(last: LastComponent, follow: boolean): Inode | NegErrno {
    this.reached(last);
    let node = last.lastType === 'root' ? last.dir : this.child(last.dir, last.name);
    if (typeof node === 'number') return node;
    if (node.kind === 'symlink' && (follow || last.trailingSlash)) {
      node = this.follow(node, last.dir);
      if (typeof node === 'number') return node;
    }
    if (last.trailingSlash && node.kind !== 'directory') return -Errno.ENOTDIR;
    return node;
  }

  /** Looks one name up in `dir`, which needs search permission; enters mounts. */
  child(dir: DirectoryInode, name: string): Inode | NegErrno {
    if (!permits(dir.stat(), this.caller.cred, MAY_EXEC)) return -Errno.EACCES;
    if (name === '.') return dir;
    if (name === '..') return this.mounts.parentOf(dir);
    if (utf8Length(name) > NAME_MAX) return -Errno.ENAMETOOLONG;
    const node = dir.lookup(name, this.caller);
    return typeof node === 'number' || node.kind !== 'directory' ? node : this.mounts.enter(node);
  }

  /**
   * Where a symlink found in `dir` leads: a magic link's inode, or its target walked
   * up to the final component (open(O_CREAT) creates a dangling link's target).
   */
  linkTarget(link: SymlinkInode, dir: DirectoryInode): Inode | LastComponent | NegErrno {
    if (++this.linksFollowed > MAXSYMLINKS) return -Errno.ELOOP;
    if (link.jump) return link.jump(this.caller);
    const target = link.readlink(this.caller);
    if (typeof target === 'number') return target;
    return this.parent(dir, target);
  }

  /**
   * The path of the final non-directory resolved, for /proc/self/fd: the directory
   * holding it and its name there, or the text of the magic link that led to it.
   */
  finalPath(): string | null {
    const last = this.final;
    if (last === null || typeof last === 'string') return last;
    if (last.lastType !== 'normal') return null;
    const dir = this.mounts.pathOf(last.dir);
    if (typeof dir === 'number') return null;
    return dir === '/' ? `/${last.name}` : `${dir}/${last.name}`;
  }

  private follow(link: SymlinkInode, dir: DirectoryInode): Inode | NegErrno {
    const target = this.linkTarget(link, dir);
    if (typeof target === 'number') return target;
    if (isInode(target)) {
      const text = link.readlink(this.caller);
      this.final = typeof text === 'string' ? text : null;
      return target;
    }
    return this.resolveLast(target, true);
  }

  /** A non-final component: it must be, or lead to, a directory. */
  private directory(dir: DirectoryInode, name: string): DirectoryInode | NegErrno {
    let node = this.child(dir, name);
    if (typeof node === 'number') return node;
    if (node.kind === 'symlink') {
      node = this.follow(node, dir);
      if (typeof node === 'number') return node;
    }
    return node.kind === 'directory' ? node : -Errno.ENOTDIR;
  }
}
