// The byte layouts of struct stat and struct statx on x86-64, and the encoders that
// fill them from a Stat. The field tables are the single source of the offsets; a
// test compares them with offsetof() in a C program.

import type { Stat } from './inode.ts';
import { major, minor } from './mode.ts';
import type { Timespec } from './services.ts';

/**
 * struct stat (arch/x86/include/uapi/asm/stat.h), 144 bytes, as fstat, newfstatat
 * and lstat fill it. Fields are u64 unless noted; __pad0 (36, 4 bytes) and
 * __unused[3] (120, 24 bytes) are zero.
 *
 *     0 st_dev      8 st_ino      16 st_nlink    24 st_mode (u32)  28 st_uid (u32)
 *    32 st_gid (u32)               40 st_rdev     48 st_size        56 st_blksize
 *    64 st_blocks  72 st_atime    80 st_atime_nsec                  88 st_mtime
 *    96 st_mtime_nsec            104 st_ctime   112 st_ctime_nsec
 */
export const STAT_SIZE = 144;
export const STAT_OFFSETS = {
  st_dev: 0, st_ino: 8, st_nlink: 16, st_mode: 24, st_uid: 28, st_gid: 32, st_rdev: 40, st_size: 48,
  st_blksize: 56, st_blocks: 64, st_atime: 72, st_atime_nsec: 80, st_mtime: 88, st_mtime_nsec: 96,
  st_ctime: 104, st_ctime_nsec: 112,
} as const;

/**
 * struct statx (include/uapi/linux/stat.h), 256 bytes. Timestamps are struct
 * statx_timestamp: tv_sec (i64) at +0, tv_nsec (u32) at +8, 4 reserved bytes.
 * Everything not listed (spares, mount id, direct-I/O and atomic-write fields) is zero.
 *
 *     0 stx_mask (u32)       4 stx_blksize (u32)    8 stx_attributes (u64)
 *    16 stx_nlink (u32)     20 stx_uid (u32)       24 stx_gid (u32)      28 stx_mode (u16)
 *    32 stx_ino (u64)       40 stx_size (u64)      48 stx_blocks (u64)   56 stx_attributes_mask (u64)
 *    64 stx_atime           80 stx_btime           96 stx_ctime         112 stx_mtime
 *   128 stx_rdev_major     132 stx_rdev_minor     136 stx_dev_major     140 stx_dev_minor (all u32)
 */
export const STATX_SIZE = 256;
export const STATX_OFFSETS = {
  stx_mask: 0, stx_blksize: 4, stx_attributes: 8, stx_nlink: 16, stx_uid: 20, stx_gid: 24, stx_mode: 28,
  stx_ino: 32, stx_size: 40, stx_blocks: 48, stx_attributes_mask: 56, stx_atime: 64, stx_btime: 80,
  stx_ctime: 96, stx_mtime: 112, stx_rdev_major: 128, stx_rdev_minor: 132, stx_dev_major: 136,
  stx_dev_minor: 140,
} as const;

/** stx_mask bits: which fields hold information. */
export const STATX_BASIC_STATS = 0x7ff;
export const STATX_BTIME = 0x800;
/** A mask bit reserved for extending struct statx: asking for it is EINVAL. */
export const STATX__RESERVED = 0x80000000;

export function encodeStat(view: DataView, offset: number, st: Stat): void {
  const o = STAT_OFFSETS;
  zero(view, offset, STAT_SIZE);
  const u64 = (at: number, v: number) => view.setBigUint64(offset + at, BigInt(v), true);
  const u32 = (at: number, v: number) => view.setUint32(offset + at, v, true);
  u64(o.st_dev, st.dev);
  u64(o.st_ino, st.ino);
  u64(o.st_nlink, st.nlink);
  u32(o.st_mode, st.mode);
  u32(o.st_uid, st.uid);
  u32(o.st_gid, st.gid);
  u64(o.st_rdev, st.rdev);
  u64(o.st_size, st.size);
  u64(o.st_blksize, st.blksize);
  u64(o.st_blocks, st.blocks);
  const time = (secAt: number, nsecAt: number, t: Timespec) => {
    view.setBigInt64(offset + secAt, BigInt(t.sec), true);
    u64(nsecAt, t.nsec);
  };
  time(o.st_atime, o.st_atime_nsec, st.atime);
  time(o.st_mtime, o.st_mtime_nsec, st.mtime);
  time(o.st_ctime, o.st_ctime_nsec, st.ctime);
}

export function encodeStatx(view: DataView, offset: number, st: Stat): void {
  const o = STATX_OFFSETS;
  zero(view, offset, STATX_SIZE);
  const u64 = (at: number, v: number) => view.setBigUint64(offset + at, BigInt(v), true);
  const u32 = (at: number, v: number) => view.setUint32(offset + at, v, true);
  const time = (at: number, t: Timespec) => {
    view.setBigInt64(offset + at, BigInt(t.sec), true);
    u32(at + 8, t.nsec);
  };
  u32(o.stx_mask, STATX_BASIC_STATS | (st.btime ? STATX_BTIME : 0));
  u32(o.stx_blksize, st.blksize);
  u32(o.stx_nlink, st.nlink);
  u32(o.stx_uid, st.uid);
  u32(o.stx_gid, st.gid);
  view.setUint16(offset + o.stx_mode, st.mode, true);
  u64(o.stx_ino, st.ino);
  u64(o.stx_size, st.size);
  u64(o.stx_blocks, st.blocks);
  time(o.stx_atime, st.atime);
  if (st.btime) time(o.stx_btime, st.btime);
  time(o.stx_ctime, st.ctime);
  time(o.stx_mtime, st.mtime);
  u32(o.stx_rdev_major, major(st.rdev));
  u32(o.stx_rdev_minor, minor(st.rdev));
  u32(o.stx_dev_major, major(st.dev));
  u32(o.stx_dev_minor, minor(st.dev));
}

function zero(view: DataView, offset: number, size: number): void {
  new Uint8Array(view.buffer, view.byteOffset + offset, size).fill(0);
}
