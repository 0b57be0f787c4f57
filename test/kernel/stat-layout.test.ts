// struct stat and struct statx: the documented offsets against offsetof() in C, and
// the encoders' bytes against the bytes the kernel writes for the same host file.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountHostDirectory } from '../../src/cli/host-fs.ts';
import {
  AT_FDCWD, encodeStat, encodeStatx, STAT_OFFSETS, STAT_SIZE, STATX_BASIC_STATS, STATX_BTIME, STATX_OFFSETS,
  STATX_SIZE, type Stat,
} from '../../src/engine/kernel/vfs/index.ts';
import { makeProcess, ok } from './support.ts';

const LAYOUT_C = String.raw`#define _GNU_SOURCE
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#define F(s, f) printf(#f " %zu\n", offsetof(struct s, f))
int main(int argc, char **argv) {
  printf("stat %zu\n", sizeof(struct stat));
  F(stat, st_dev); F(stat, st_ino); F(stat, st_nlink); F(stat, st_mode); F(stat, st_uid); F(stat, st_gid);
  F(stat, st_rdev); F(stat, st_size); F(stat, st_blksize); F(stat, st_blocks);
  printf("st_atime %zu\nst_atime_nsec %zu\n", offsetof(struct stat, st_atim), offsetof(struct stat, st_atim.tv_nsec));
  printf("st_mtime %zu\nst_mtime_nsec %zu\n", offsetof(struct stat, st_mtim), offsetof(struct stat, st_mtim.tv_nsec));
  printf("st_ctime %zu\nst_ctime_nsec %zu\n", offsetof(struct stat, st_ctim), offsetof(struct stat, st_ctim.tv_nsec));
  printf("statx %zu\n", sizeof(struct statx));
  F(statx, stx_mask); F(statx, stx_blksize); F(statx, stx_attributes); F(statx, stx_nlink); F(statx, stx_uid);
  F(statx, stx_gid); F(statx, stx_mode); F(statx, stx_ino); F(statx, stx_size); F(statx, stx_blocks);
  F(statx, stx_attributes_mask); F(statx, stx_atime); F(statx, stx_btime); F(statx, stx_ctime); F(statx, stx_mtime);
  F(statx, stx_rdev_major); F(statx, stx_rdev_minor); F(statx, stx_dev_major); F(statx, stx_dev_minor);
  if (argc > 1) {
    struct stat st;
    struct statx stx;
    memset(&st, 0, sizeof st);
    memset(&stx, 0, sizeof stx);
    stat(argv[1], &st);
    statx(AT_FDCWD, argv[1], 0, STATX_BASIC_STATS | STATX_BTIME, &stx);
    printf("bytes ");
    for (size_t i = 0; i < sizeof st; i++) printf("%02x", ((unsigned char *)&st)[i]);
    printf("\nxbytes ");
    for (size_t i = 0; i < sizeof stx; i++) printf("%02x", ((unsigned char *)&stx)[i]);
    printf("\n");
  }
  return 0;
}
`;

let dir: string;
let native: Map<string, string>;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'grindlab-stat-'));
  writeFileSync(join(dir, 'file'), 'x'.repeat(5000));
  writeFileSync(join(dir, 'layout.c'), LAYOUT_C);
  execFileSync('gcc', ['-o', join(dir, 'layout'), join(dir, 'layout.c')]);
  const out = execFileSync(join(dir, 'layout'), [join(dir, 'file')], { encoding: 'utf8' });
  native = new Map(out.trim().split('\n').map((line) => line.split(' ') as [string, string]));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const offsetsIn = (table: Record<string, number>) => Object.fromEntries(Object.keys(table).map((f) => [f, Number(native.get(f))]));

describe('struct layouts', () => {
  it('struct stat matches the C library', () => {
    expect(Number(native.get('stat'))).toBe(STAT_SIZE);
    expect(offsetsIn(STAT_OFFSETS)).toEqual(STAT_OFFSETS);
  });

  it('struct statx matches the C library', () => {
    expect(Number(native.get('statx'))).toBe(STATX_SIZE);
    expect(offsetsIn(STATX_OFFSETS)).toEqual(STATX_OFFSETS);
  });
});

describe('encoders', () => {
  /** The Stat of the native file, seen through a host mount. */
  function hostStat(): Stat {
    const guest = makeProcess();
    expect(mountHostDirectory(guest.system, '/host', dir)).toBe(0);
    return ok(guest.files.fstatat(AT_FDCWD, '/host/file', 0));
  }

  const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

  it('fill struct stat as the kernel does, at an offset', () => {
    const st = hostStat();
    const buf = new Uint8Array(STAT_SIZE + 16).fill(0xaa);
    encodeStat(new DataView(buf.buffer), 8, st);
    expect([buf[7], buf[8 + STAT_SIZE]]).toEqual([0xaa, 0xaa]);
    const ours = hex(buf.subarray(8, 8 + STAT_SIZE));
    const kernel = native.get('bytes')!;
    // st_dev and the owner differ by design (a mount of our own, files mapped to the guest's user).
    const mask = (h: string) => h.slice(16, 48) + h.slice(80, 288);
    expect(mask(ours)).toBe(mask(kernel));
    expect(ours.slice(48, 56)).toBe(kernel.slice(48, 56)); // st_mode
  });

  it('fill struct statx as the kernel does', () => {
    const st = hostStat();
    const buf = new Uint8Array(STATX_SIZE).fill(0xaa);
    encodeStatx(new DataView(buf.buffer), 0, st);
    const view = new DataView(buf.buffer);
    expect(view.getUint32(0, true)).toBe(STATX_BASIC_STATS | STATX_BTIME);
    const ours = hex(buf);
    const kernel = native.get('xbytes')!;
    const field = (h: string, at: number, size: number) => h.slice(2 * at, 2 * (at + size));
    for (const [at, size] of [[4, 4], [16, 4], [28, 2], [32, 8], [40, 8], [48, 8], [64, 16], [80, 16], [96, 16], [112, 16], [128, 8]]) {
      expect([at, field(ours, at!, size!)]).toEqual([at, field(kernel, at!, size!)]);
    }
    expect(buf.subarray(144).every((b) => b === 0)).toBe(true);
  });
});
