// Reading, writing, seeking and truncating regular files, and descriptors sharing
// an open file: one sequence, run on the kernel, the VFS and a host mount.

import { type Op, op } from './differential.ts';

export const IO_OPS: Op[] = [
  // a write past the end leaves a zero-filled gap
  op.open('f', 'O_CREAT|O_RDWR'), op.write('a', 'head'), op.lseek('a', 10, 'SEEK_SET'), op.write('a', 'tail'),
  op.fstat('a'), op.pread('a', 32, 0), op.lseek('a', 0, 'SEEK_CUR'), op.read('a', 4),
  op.lseek('a', -4, 'SEEK_END'), op.read('a', 32), op.read('a', 32),
  op.lseek('a', 100, 'SEEK_END'), op.fstat('a'), op.lseek('a', -1, 'SEEK_SET'), op.lseek('a', -200, 'SEEK_CUR'),
  op.lseek('a', 0, '7'),
  op.lseek('a', 3, 'SEEK_DATA'), op.lseek('a', 3, 'SEEK_HOLE'), op.lseek('a', 14, 'SEEK_DATA'), op.lseek('a', 14, 'SEEK_HOLE'),
  op.lseek('a', -1, 'SEEK_DATA'),
  op.pread('a', 4, -1), op.pread('a', 4, 1000), op.pwrite('a', 'HE', 0), op.lseek('a', 0, 'SEEK_CUR'),
  // truncation both ways
  op.ftruncate('a', 2), op.pread('a', 32, 0), op.ftruncate('a', 6), op.pread('a', 32, 0), op.ftruncate('a', -1),
  op.truncate('f', 3), op.fstat('a'), op.truncate('f', -1), op.truncate('.', 0), op.truncate('nonexistent', 0),
  // dup and dup2 share one offset and one set of status flags; a new open does not
  op.lseek('a', 0, 'SEEK_SET'), op.dup('a', 'b'), op.read('a', 1), op.read('b', 1), op.lseek('a', 0, 'SEEK_CUR'),
  op.fcntl('b', 'F_SETFL', 'O_APPEND'), op.fcntl('a', 'F_GETFL'),
  op.open('f', 'O_RDONLY', 0, 'c'), op.read('c', 1), op.dup2('c', 9, 'n'), op.read('n', 5), op.lseek('c', 0, 'SEEK_CUR'),
  op.close('c'), op.read('n', 5), op.close('n'), op.close('b'),
  // an unlinked file stays readable and writable through open descriptors
  op.unlink('f'), op.fstat('a'), op.pwrite('a', 'still', 0), op.pread('a', 32, 0), op.stat('f'),
  op.open('f', 'O_RDONLY', 0, 'c'), op.close('a'),
  // the same file under two names
  op.open('g', 'O_CREAT|O_WRONLY'), op.write('a', 'shared'), op.link('g', 'h'), op.stat('h'), op.unlink('g'),
  op.open('h', 'O_RDONLY', 0, 'c'), op.read('c', 32), op.fstat('c'),
];
