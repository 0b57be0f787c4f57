// st_mode bits and device numbers, as in Linux's include/uapi/linux/stat.h and
// kdev_t.h.

export const S_IFMT = 0o170000;
export const S_IFSOCK = 0o140000;
export const S_IFLNK = 0o120000;
export const S_IFREG = 0o100000;
export const S_IFBLK = 0o060000;
export const S_IFDIR = 0o040000;
export const S_IFCHR = 0o020000;
export const S_IFIFO = 0o010000;

export const S_ISUID = 0o4000;
export const S_ISGID = 0o2000;
export const S_ISVTX = 0o1000;
/** The bits chmod may change. */
export const S_IALLUGO = 0o7777;

/** The file type in getdents64's d_type: DT_* values are the S_IF* values >> 12. */
export type DirentType = number;
export const dtype = (mode: number): DirentType => (mode & S_IFMT) >>> 12;

export const isDirMode = (mode: number): boolean => (mode & S_IFMT) === S_IFDIR;

/**
 * A device number as struct stat carries it (st_dev, st_rdev): Linux's
 * new_encode_dev, which keeps majors below 4096 and minors below 2^20.
 */
export type DeviceNumber = number;

export function makedev(major: number, minor: number): DeviceNumber {
  return (minor & 0xff) | (major << 8) | ((minor & ~0xff) << 12);
}
export const major = (dev: DeviceNumber): number => (dev >>> 8) & 0xfff;
export const minor = (dev: DeviceNumber): number => (dev & 0xff) | ((dev >>> 12) & 0xfff00);
