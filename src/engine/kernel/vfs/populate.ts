// Filling the namespace from outside the guest: the browser's uploads and preloaded
// samples or sysroot, the loader reading a program, tests. These act as the kernel,
// with root's rights, and give what they create the owner asked for.

import { Errno, type NegErrno } from './errno.ts';
import { O_CREAT, O_RDONLY, O_TRUNC, O_WRONLY } from './flags.ts';
import type { Inode } from './inode.ts';
import { type Credentials, ROOT_CREDENTIALS } from './permission.ts';
import { KERNEL_CALLER, type Vfs } from './vfs.ts';

export interface NewFileOptions {
  perm?: number;
  owner?: Credentials;
}


/** mkdir -p: creates the missing directories of an absolute path. */
export function makeDirs(vfs: Vfs, path: string, { perm = 0o755, owner = ROOT_CREDENTIALS }: NewFileOptions = {}): 0 | NegErrno {
  let prefix = '';
  for (const name of path.split('/').filter((n) => n.length > 0)) {
    prefix += `/${name}`;
    const made = vfs.mkdir(KERNEL_CALLER, vfs.root, prefix, perm);
    if (made === 0) {
      const owned = chown(vfs, prefix, owner);
      if (owned !== 0) return owned;
    } else if (made !== -Errno.EEXIST) {
      return made;
    }
  }
  const dir = resolve(vfs, path);
  return typeof dir === 'number' ? dir : dir.kind === 'directory' ? 0 : -Errno.ENOTDIR;
}

/** Creates or replaces the file at an absolute path, with its directories. */
export function writeFile(vfs: Vfs, path: string, contents: Uint8Array, { perm = 0o644, owner = ROOT_CREDENTIALS }: NewFileOptions = {}): 0 | NegErrno {
  const dirs = makeDirs(vfs, dirname(path));
  if (dirs !== 0) return dirs;
  const opened = vfs.open(KERNEL_CALLER, vfs.root, path, O_WRONLY | O_CREAT | O_TRUNC, perm);
  if (typeof opened === 'number') return opened;
  if (opened.ops === null) return -Errno.EISDIR;
  const written = opened.ops.write(contents, 0);
  opened.ops.release?.();
  if (written < 0) return written;
  return opened.inode.setattr({ mode: perm, uid: owner.uid, gid: owner.gid });
}

export function makeSymlink(vfs: Vfs, path: string, target: string, { owner = ROOT_CREDENTIALS }: NewFileOptions = {}): 0 | NegErrno {
  const dirs = makeDirs(vfs, dirname(path));
  if (dirs !== 0) return dirs;
  const made = vfs.symlink(KERNEL_CALLER, target, vfs.root, path);
  if (made !== 0) return made;
  const link = vfs.walk(KERNEL_CALLER).resolve(vfs.root, path, false);
  return typeof link === 'number' ? link : link.setattr({ uid: owner.uid, gid: owner.gid });
}

/** The whole contents of the file at an absolute path (symlinks followed). */
export function readFile(vfs: Vfs, path: string): Uint8Array | NegErrno {
  const opened = vfs.open(KERNEL_CALLER, vfs.root, path, O_RDONLY, 0);
  if (typeof opened === 'number') return opened;
  if (opened.ops === null) return -Errno.EISDIR;
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const chunk = new Uint8Array(Math.max(65536, opened.inode.stat().size - total));
    const n = opened.ops.read(chunk, total);
    if (n <= 0) {
      opened.ops.release?.();
      if (n < 0) return n;
      break;
    }
    chunks.push(chunk.subarray(0, n));
    total += n;
  }
  const all = new Uint8Array(total);
  chunks.reduce((at, c) => (all.set(c, at), at + c.length), 0);
  return all;
}

/** The directory part of an absolute path: "/" for "/name". */
const dirname = (path: string): string => path.slice(0, path.lastIndexOf('/')) || '/';

function resolve(vfs: Vfs, path: string): Inode | NegErrno {
  return vfs.walk(KERNEL_CALLER).resolve(vfs.root, path, true);
}

function chown(vfs: Vfs, path: string, owner: Credentials): 0 | NegErrno {
  const inode = resolve(vfs, path);
  return typeof inode === 'number' ? inode : inode.setattr({ uid: owner.uid, gid: owner.gid });
}
