// Path resolution, case by case: each row is a call and the result Linux gives.
// path-resolution.test.ts runs the table on the real kernel and through the VFS,
// host-mount.test.ts through a host directory.

import { type Op, op } from './differential.ts';

const NAME_255 = 'n'.repeat(255);
const NAME_256 = 'n'.repeat(256);

/** The tree every case starts from; every step must succeed. */
export const FIXTURE: Op[] = [
  op.mkdir('d'), op.mkdir('d/sub'),
  op.open('f', 'O_CREAT|O_WRONLY'), op.write('a', 'data'), op.close('a'),
  op.open('d/f', 'O_CREAT|O_WRONLY'), op.write('a', 'hello'), op.close('a'),
  op.symlink('f', 'lf'), op.symlink('d', 'ld'), op.symlink('nowhere', 'dang'),
  op.symlink('loop2', 'loop1'), op.symlink('loop1', 'loop2'), op.symlink('self', 'self'),
  op.symlink('../f', 'd/up'), op.symlink('sub', 'd/lsub'), op.symlink('lf', 'llf'),
  // l0 -> l1 -> ... -> l40 -> f: following l0 takes 41 links, one over MAXSYMLINKS.
  ...Array.from({ length: 41 }, (_, i) => op.symlink(i === 40 ? 'f' : `l${i + 1}`, `l${i}`)),
  op.open(NAME_255, 'O_CREAT|O_WRONLY'), op.close('a'),
  op.mkdir('noexec'), op.open('noexec/x', 'O_CREAT|O_WRONLY'), op.close('a'), op.chmod('noexec', 0o600),
  op.mkdir('noread', 0o300),
];

const FILE_F = 'mode=100644 nlink=1 size=4';
const FILE_DF = 'mode=100644 nlink=1 size=5';
const DIR_D = 'mode=40755 nlink=3 size=-';

/** [call, result]: lookups first, then changes, whose order matters. */
export const CASES: [Op, string][] = [
  // plain names, ".", "..", repeated and trailing slashes
  [op.stat('f'), FILE_F],
  [op.stat('./f'), FILE_F],
  [op.stat('d/../f'), FILE_F],
  [op.stat('d//f'), FILE_DF],
  [op.stat('d/./sub/..//f'), FILE_DF],
  [op.stat('d/'), DIR_D],
  [op.stat('d/sub/../..'), 'mode=40755 nlink=5 size=-'],
  [op.stat('f/'), 'ENOTDIR'],
  [op.stat('f/.'), 'ENOTDIR'],
  [op.stat('f/..'), 'ENOTDIR'],
  [op.stat('nonexistent'), 'ENOENT'],
  [op.stat('nonexistent/x'), 'ENOENT'],
  [op.stat('nonexistent/'), 'ENOENT'],
  [op.stat('nonexistent/..'), 'ENOENT'],
  [op.stat(''), 'ENOENT'],
  // symlinks: followed in the middle, at the end only when asked, always before a slash
  [op.stat('lf'), FILE_F],
  [op.lstat('lf'), 'mode=120777 nlink=1 size=1'],
  [op.lstat('lf/'), 'ENOTDIR'],
  [op.stat('lf/'), 'ENOTDIR'],
  [op.lstat('ld'), 'mode=120777 nlink=1 size=1'],
  [op.lstat('ld/'), DIR_D],
  [op.stat('ld/f'), FILE_DF],
  [op.stat('llf'), FILE_F],
  [op.stat('d/up'), FILE_F],
  [op.stat('ld/up'), FILE_F],
  [op.stat('ld/sub/..'), DIR_D], // ".." is physical: the link's target's parent
  [op.stat('d/lsub/..'), DIR_D],
  [op.stat('dang'), 'ENOENT'],
  [op.lstat('dang'), 'mode=120777 nlink=1 size=7'],
  [op.stat('dang/'), 'ENOENT'],
  [op.stat('loop1'), 'ELOOP'],
  [op.stat('loop1/x'), 'ELOOP'],
  [op.lstat('loop1'), 'mode=120777 nlink=1 size=5'],
  [op.stat('self'), 'ELOOP'],
  [op.stat('l1'), FILE_F], // 40 links: the most one lookup may follow
  [op.stat('l0'), 'ELOOP'],
  [op.readlink('lf'), '1 "f"'],
  [op.readlink('lf', 0), 'EINVAL'],
  [op.readlink('d/up', 2), '2 ".."'], // cut to the buffer, no NUL
  [op.readlink('f'), 'EINVAL'],
  [op.readlink('lf/'), 'ENOTDIR'],
  [op.readlink('ld/'), 'EINVAL'],
  // lengths: NAME_MAX per component, PATH_MAX for the whole
  [op.stat(NAME_255), 'mode=100644 nlink=1 size=0'],
  [op.stat(NAME_256), 'ENAMETOOLONG'],
  [op.stat(`${NAME_256}/x`), 'ENAMETOOLONG'],
  [op.stat(`nonexistent/${NAME_256}`), 'ENOENT'],
  [op.stat(`${'./'.repeat(2047)}f`), FILE_F],
  [op.stat(`${'./'.repeat(2047)}ff`), 'ENAMETOOLONG'],
  // permissions: search on every directory walked, read to list
  [op.stat('noexec'), 'mode=40600 nlink=2 size=-'],
  [op.stat('noexec/'), 'mode=40600 nlink=2 size=-'],
  [op.stat('noexec/x'), 'EACCES'],
  [op.stat('noexec/nonexistent'), 'EACCES'],
  [op.access('noexec/x', 'F_OK'), 'EACCES'],
  [op.open('noread', 'O_RDONLY|O_DIRECTORY'), 'EACCES'],
  [op.stat('noread/..'), 'mode=40755 nlink=5 size=-'],
  [op.access('f', 'R_OK|W_OK'), '0'],
  [op.access('f', 'X_OK'), 'EACCES'],
  [op.access('dang', 'F_OK'), 'ENOENT'],
  [op.access('f', '8'), 'EINVAL'],
  // the working directory
  [op.chdir('noexec'), 'EACCES'],
  [op.chdir('f'), 'ENOTDIR'],
  [op.chdir('ld'), '0'],
  [op.getcwd(), '/d'],
  [op.stat('f'), FILE_DF],
  [op.chdir('sub/../..'), '0'],
  [op.getcwd(), ''],
  // a removed working directory: nothing new in it, but ".." still leads out
  [op.mkdir('gone'), '0'],
  [op.chdir('gone'), '0'],
  [op.rmdir('../gone'), '0'],
  [op.getcwd(), 'ENOENT'],
  [op.stat('.'), 'mode=40755 nlink=0 size=-'],
  [op.open('new', 'O_CREAT|O_WRONLY'), 'ENOENT'],
  [op.mkdir('new'), 'ENOENT'],
  [op.open('.', 'O_RDONLY|O_DIRECTORY'), '3'],
  [op.getdents('a'), 'ENOENT'],
  [op.close('a'), '0'],
  [op.chdir('..'), '0'],
  [op.getcwd(), ''],
  // creating: the last component must be free; only directories take a trailing slash
  [op.mkdir('m/'), '0'],
  [op.mkdir('f/'), 'EEXIST'],
  [op.mkdir('.'), 'EEXIST'],
  [op.mkdir('..'), 'EEXIST'],
  [op.mkdir('dang'), 'EEXIST'],
  [op.mkdir('nonexistent/m'), 'ENOENT'],
  [op.mkdir('f/m'), 'ENOTDIR'],
  [op.mkdir(NAME_256), 'ENAMETOOLONG'],
  [op.mkdir('noexec/m'), 'EACCES'],
  [op.symlink('x', 'sl/'), 'ENOENT'],
  [op.symlink('x', 'f/'), 'EEXIST'],
  [op.symlink('', 'empty'), 'ENOENT'],
  [op.link('f', 'hard/'), 'ENOENT'],
  [op.link('f/', 'hard'), 'ENOTDIR'],
  [op.link('d', 'hard'), 'EPERM'],
  [op.link('lf', 'hard'), '0'], // link(2) does not follow: a second name for the symlink
  [op.lstat('hard'), 'mode=120777 nlink=2 size=1'],
  [op.open('x/', 'O_CREAT|O_WRONLY'), 'EISDIR'],
  [op.open('f/', 'O_CREAT|O_WRONLY'), 'EISDIR'],
  [op.open('.', 'O_CREAT|O_RDONLY'), 'EISDIR'],
  [op.open('dang', 'O_CREAT|O_EXCL|O_WRONLY'), 'EEXIST'],
  [op.open('dang', 'O_CREAT|O_WRONLY'), '3'], // creates the dangling link's target
  [op.stat('nowhere'), 'mode=100644 nlink=1 size=0'],
  [op.close('a'), '0'],
  // removing
  [op.unlink('.'), 'EISDIR'],
  [op.unlink('d'), 'EISDIR'],
  [op.unlink('f/'), 'ENOTDIR'],
  [op.unlink('ld/'), 'ENOTDIR'],
  [op.unlink('d/'), 'EISDIR'],
  [op.unlink('nonexistent'), 'ENOENT'],
  [op.unlink('noexec/x'), 'EACCES'],
  [op.rmdir('.'), 'EINVAL'],
  [op.rmdir('d/.'), 'EINVAL'],
  [op.rmdir('..'), 'ENOTEMPTY'],
  [op.rmdir('d'), 'ENOTEMPTY'],
  [op.rmdir('f'), 'ENOTDIR'],
  [op.rmdir('ld'), 'ENOTDIR'],
  [op.rmdir('m/'), '0'],
  // renaming
  [op.rename('.', 'x'), 'EBUSY'],
  [op.rename('f', 'd/..'), 'EBUSY'],
  [op.rename('f', 'd/'), 'ENOTDIR'],
  [op.rename('f/', 'g'), 'ENOTDIR'],
  [op.rename('lf/', 'g'), 'ENOTDIR'],
  [op.rename('dang', 'dang2/'), 'ENOTDIR'],
  [op.rename('d', 'f'), 'ENOTDIR'],
  [op.rename('f', 'd'), 'EISDIR'],
  [op.rename('d', 'd/sub/x'), 'EINVAL'],
  [op.rename('d/sub', '.'), 'EBUSY'],
  [op.rename('d/sub', 'noexec'), 'ENOTEMPTY'],
  [op.rename('f', 'f'), '0'],
  [op.rename('lf', 'hard'), '0'], // two names of one inode: nothing happens
  [op.lstat('lf'), 'mode=120777 nlink=2 size=1'],
  [op.rename('d', 'e/'), '0'],
  [op.stat('e/f'), FILE_DF],
  [op.rename('e', 'd'), '0'],
  [op.rename('nowhere', 'd/f'), '0'], // replaces
  [op.stat('d/f'), 'mode=100644 nlink=1 size=0'],
  [op.stat('nowhere'), 'ENOENT'],
  [op.mkdir('empty'), '0'],
  [op.rename('d/sub', 'empty'), '0'], // a directory replaces an empty one
  [op.stat('empty'), 'mode=40755 nlink=2 size=-'],
  [op.stat('d'), 'mode=40755 nlink=2 size=-'],
];

/** What each fixture step prints: a descriptor for open, a count for write, else 0. */
function setupResult(o: Op): string {
  if (o.label.startsWith('open(')) return '3';
  const written = /^write\(a, "(.*)"\)$/.exec(o.label);
  return written ? String(written[1]!.length) : '0';
}

/** The whole table as calls, and the lines they print. */
export const PATH_OPS: Op[] = [...FIXTURE, ...CASES.map(([o]) => o)];
export const PATH_LINES: string[] = [
  ...FIXTURE.map((o) => `${o.label} = ${setupResult(o)}`),
  ...CASES.map(([o, r]) => `${o.label} = ${r}`),
];
