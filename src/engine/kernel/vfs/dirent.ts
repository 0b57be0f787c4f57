// struct linux_dirent64, the record getdents64(2) fills (include/linux/dirent.h):
//
//   offset  size  field
//        0     8  d_ino     inode number
//        8     8  d_off     position after this entry (the next lseek/getdents start)
//       16     2  d_reclen  size of this record
//       18     1  d_type    DT_* file type
//       19     -  d_name    the name, NUL-terminated
//
// d_reclen rounds 19 + name length + 1 up to a multiple of 8, so the next record's
// d_ino stays aligned (fs/readdir.c filldir64).

import type { DirEntry } from './inode.ts';

export const DIRENT64_NAME_OFFSET = 19;

const utf8 = new TextEncoder();

export function dirent64Size(nameBytes: number): number {
  return (DIRENT64_NAME_OFFSET + nameBytes + 1 + 7) & ~7;
}

/** Writes one record at `offset`; returns its d_reclen, or 0 when it does not fit. */
export function encodeDirent64(buf: Uint8Array, offset: number, entry: DirEntry): number {
  const name = utf8.encode(entry.name);
  const reclen = dirent64Size(name.length);
  if (offset + reclen > buf.length) return 0;
  const view = new DataView(buf.buffer, buf.byteOffset + offset, reclen);
  view.setBigUint64(0, BigInt(entry.ino), true);
  view.setBigInt64(8, BigInt(entry.cookie), true);
  view.setUint16(16, reclen, true);
  view.setUint8(18, entry.type);
  buf.set(name, offset + DIRENT64_NAME_OFFSET);
  buf.fill(0, offset + DIRENT64_NAME_OFFSET + name.length, offset + reclen);
  return reclen;
}
