// getdents64: the linux_dirent64 bytes, resumption across calls and lseek, and the
// record sizes the real kernel uses.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AT_FDCWD, AT_REMOVEDIR, dirent64Size, Errno, O_CREAT, O_DIRECTORY, O_RDONLY, O_WRONLY, SEEK_CUR, SEEK_END, SEEK_SET,
} from '../../src/engine/kernel/vfs/index.ts';
import type { ProcessFiles } from '../../src/engine/kernel/fds/index.ts';
import { op, runNative, runVfs } from './differential.ts';
import { makeProcess, ok } from './support.ts';

interface Record64 {
  ino: number;
  off: number;
  reclen: number;
  type: number;
  name: string;
}

/** Decodes linux_dirent64 records, checking that each name is NUL-padded to d_reclen. */
function decode(buf: Uint8Array, length: number): Record64[] {
  const view = new DataView(buf.buffer, buf.byteOffset);
  const records: Record64[] = [];
  for (let at = 0; at < length;) {
    const reclen = view.getUint16(at + 16, true);
    const end = buf.indexOf(0, at + 19);
    expect(buf.subarray(end, at + reclen).every((b) => b === 0), 'padding is zero').toBe(true);
    records.push({
      ino: Number(view.getBigUint64(at, true)), off: Number(view.getBigInt64(at + 8, true)), reclen,
      type: view.getUint8(at + 18), name: new TextDecoder().decode(buf.subarray(at + 19, end)),
    });
    at += reclen;
  }
  return records;
}

function listing(files: ProcessFiles, fd: number, size: number): Record64[] {
  const buf = new Uint8Array(size);
  const n = files.getdents64(fd, buf);
  return n < 0 ? [] : decode(buf, n);
}

function dirWith(names: string[]): { files: ProcessFiles; fd: number } {
  const { files } = makeProcess();
  ok(files.mkdirat(AT_FDCWD, 'dir', 0o755));
  for (const name of names) files.close(ok(files.openat(AT_FDCWD, `dir/${name}`, O_CREAT | O_WRONLY, 0o644)));
  return { files, fd: ok(files.openat(AT_FDCWD, 'dir', O_RDONLY | O_DIRECTORY, 0)) };
}

describe('getdents64', () => {
  it('writes linux_dirent64 records byte for byte', () => {
    const { files, fd } = dirWith(['a', 'seven77', 'eight888']);
    files.mkdirat(AT_FDCWD, 'dir/sub', 0o755);
    files.symlinkat('a', AT_FDCWD, 'dir/link');
    const buf = new Uint8Array(256).fill(0xee);
    const n = files.getdents64(fd, buf);
    const ino = (path: string) => ok(files.fstatat(AT_FDCWD, path, 0x100)).ino;
    expect(decode(buf, n)).toEqual([
      { ino: ino('dir'), off: 1, reclen: 24, type: 4, name: '.' },
      { ino: ino('.'), off: 2, reclen: 24, type: 4, name: '..' },
      { ino: ino('dir/a'), off: 3, reclen: 24, type: 8, name: 'a' },
      { ino: ino('dir/seven77'), off: 4, reclen: 32, type: 8, name: 'seven77' }, // 19 + 7 + 1 = 27 -> 32
      { ino: ino('dir/eight888'), off: 5, reclen: 32, type: 8, name: 'eight888' },
      { ino: ino('dir/sub'), off: 6, reclen: 24, type: 4, name: 'sub' },
      { ino: ino('dir/link'), off: 7, reclen: 24, type: 10, name: 'link' },
    ]);
    expect(n).toBe(184);
    expect(buf[n]).toBe(0xee); // nothing written past the last record
    expect(Array.from(buf.subarray(24 * 2, 24 * 2 + 24))).toEqual([
      ...le64(ino('dir/a')), 3, 0, 0, 0, 0, 0, 0, 0, 24, 0, 8, 0x61, 0, 0, 0, 0,
    ]);
    expect(files.getdents64(fd, buf)).toBe(0); // end of directory
  });

  it('resumes across calls with buffers that hold one record, and refuses smaller ones', () => {
    const { files, fd } = dirWith(['b', 'a-longer-name', 'c']);
    const names: string[] = [];
    expect(files.getdents64(fd, new Uint8Array(23))).toBe(-Errno.EINVAL);
    for (;;) {
      const got = listing(files, fd, 24);
      if (got.length === 0) break;
      names.push(...got.map((r) => r.name));
    }
    // 'a-longer-name' needs 40 bytes: the 24-byte buffer stops there with EINVAL.
    expect(names).toEqual(['.', '..', 'b']);
    expect(files.getdents64(fd, new Uint8Array(39))).toBe(-Errno.EINVAL);
    expect(listing(files, fd, 40).map((r) => r.name)).toEqual(['a-longer-name']);
    expect(listing(files, fd, 40).map((r) => r.name)).toEqual(['c']);
    expect(listing(files, fd, 40)).toEqual([]);
  });

  it('returns to a d_off with lseek, and to the start with lseek 0', () => {
    const { files, fd } = dirWith(['x', 'y', 'z']);
    const all = listing(files, fd, 4096);
    const afterX = all.find((r) => r.name === 'x')!.off;
    expect(files.lseek(fd, afterX, SEEK_SET)).toBe(afterX);
    expect(listing(files, fd, 4096).map((r) => r.name)).toEqual(['y', 'z']);
    expect(files.lseek(fd, 0, SEEK_CUR)).toBe(all.at(-1)!.off);
    expect(files.lseek(fd, 0, SEEK_END)).toBe(-Errno.EINVAL);
    expect(files.lseek(fd, -1, SEEK_SET)).toBe(-Errno.EINVAL);
    files.lseek(fd, 0, SEEK_SET);
    expect(listing(files, fd, 4096)).toEqual(all);
  });

  it('neither repeats nor skips entries when the directory changes between calls', () => {
    const { files, fd } = dirWith(['one', 'two', 'three']);
    expect(listing(files, fd, 24 * 3).map((r) => r.name)).toEqual(['.', '..', 'one']);
    files.unlinkat(AT_FDCWD, 'dir/one', 0);
    files.unlinkat(AT_FDCWD, 'dir/two', 0);
    files.close(ok(files.openat(AT_FDCWD, 'dir/four', O_CREAT | O_WRONLY, 0o644)));
    expect(listing(files, fd, 4096).map((r) => r.name)).toEqual(['three', 'four']);
  });

  it('fails on files, O_PATH descriptors and removed directories', () => {
    const { files, fd } = dirWith(['f']);
    const file = ok(files.openat(AT_FDCWD, 'dir/f', O_RDONLY, 0));
    expect(files.getdents64(file, new Uint8Array(64))).toBe(-Errno.ENOTDIR);
    expect(files.getdents64(99, new Uint8Array(64))).toBe(-Errno.EBADF);
    files.unlinkat(AT_FDCWD, 'dir/f', 0);
    files.unlinkat(AT_FDCWD, 'dir', AT_REMOVEDIR);
    expect(files.getdents64(fd, new Uint8Array(64))).toBe(-Errno.ENOENT);
  });

  it('sizes records as the kernel does', () => {
    const dir = mkdtempSync(join(tmpdir(), 'grindlab-dirent-'));
    try {
      for (let len = 1; len <= 24; len++) writeFileSync(join(dir, 'n'.repeat(len)), '');
      const program = join(dir, 'reclen');
      writeFileSync(`${program}.c`, RECLEN_C);
      execFileSync('gcc', ['-o', program, `${program}.c`]);
      const lines = execFileSync(program, [dir], { encoding: 'utf8' }).trim().split('\n');
      const byLength = new Map(lines.map((l) => l.split(' ').map(Number) as [number, number]));
      for (let len = 1; len <= 24; len++) expect([len, dirent64Size(len)]).toEqual([len, byLength.get(len)]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lists like the kernel (up to order)', () => {
    const ops = [
      op.mkdir('d'), op.mkdir('d/sub'), op.symlink('x', 'd/link'),
      ...['a', 'bb', 'ccccc', 'dddddddd', 'e23456789012', 'f'.repeat(100)].flatMap((n) => [op.open(`d/${n}`, 'O_CREAT|O_WRONLY'), op.close('a')]),
      op.open('d', 'O_RDONLY|O_DIRECTORY', 0, 'dir'), op.getdents('dir', 16), op.getdents('dir'), op.getdents('dir'),
      op.open('d/a', 'O_RDONLY', 0, 'file'), op.getdents('file'),
    ];
    expect(runVfs(ops)).toEqual(runNative(ops));
  });
});

const le64 = (n: number) => Array.from({ length: 8 }, (_, i) => (i < 6 ? Math.floor(n / 2 ** (8 * i)) % 256 : 0));

/** Prints "name-length d_reclen" for every entry of argv[1] but . and .. */
const RECLEN_C = String.raw`#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
int main(int argc, char **argv) {
  char buf[8192];
  int fd = open(argv[1], O_RDONLY | O_DIRECTORY);
  long n;
  while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
    for (long at = 0; at < n; at += *(unsigned short *)(buf + at + 16)) {
      const char *name = buf + at + 19;
      if (name[0] != '.') printf("%zu %u\n", strlen(name), *(unsigned short *)(buf + at + 16));
    }
  }
  return 0;
}
`;
