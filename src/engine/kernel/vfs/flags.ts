// Flag values of the file syscalls on x86-64 (asm-generic/fcntl.h, linux/fcntl.h,
// linux/fs.h, linux/stat.h).

// open(2) flags. O_RDONLY, O_WRONLY and O_RDWR are the values of O_ACCMODE.
export const O_RDONLY = 0o0;
export const O_WRONLY = 0o1;
export const O_RDWR = 0o2;
export const O_ACCMODE = 0o3;
export const O_CREAT = 0o100;
export const O_EXCL = 0o200;
export const O_NOCTTY = 0o400;
export const O_TRUNC = 0o1000;
export const O_APPEND = 0o2000;
export const O_NONBLOCK = 0o4000;
export const O_DSYNC = 0o10000;
export const O_ASYNC = 0o20000;
export const O_DIRECT = 0o40000;
export const O_LARGEFILE = 0o100000;
export const O_DIRECTORY = 0o200000;
export const O_NOFOLLOW = 0o400000;
export const O_NOATIME = 0o1000000;
export const O_CLOEXEC = 0o2000000;
/** O_SYNC is this bit together with O_DSYNC. */
export const O__SYNC = 0o4000000;
export const O_SYNC = O__SYNC | O_DSYNC;
export const O_PATH = 0o10000000;
/** O_TMPFILE is this bit together with O_DIRECTORY. */
export const O__TMPFILE = 0o20000000;

/** The flags an open file keeps (F_GETFL): open(2) drops the creation flags. */
export const O_CREATION_FLAGS = O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC;
/** The flags F_SETFL may change (fs/fcntl.c SETFL_MASK). */
export const O_SETFL_MASK = O_APPEND | O_NONBLOCK | O_NOATIME | O_DIRECT | O_ASYNC;
/** The only flags O_PATH keeps (fs/open.c O_PATH_FLAGS). */
export const O_PATH_FLAGS = O_DIRECTORY | O_NOFOLLOW | O_PATH | O_CLOEXEC;

// *at(2) arguments.
export const AT_FDCWD = -100;
export const AT_SYMLINK_NOFOLLOW = 0x100;
export const AT_REMOVEDIR = 0x200;
/** faccessat's flag shares AT_REMOVEDIR's value. */
export const AT_EACCESS = 0x200;
export const AT_SYMLINK_FOLLOW = 0x400;
export const AT_NO_AUTOMOUNT = 0x800;
export const AT_EMPTY_PATH = 0x1000;
/** statx's sync-type field: accepted and ignored, as a local filesystem does. */
export const AT_STATX_SYNC_TYPE = 0x6000;

// lseek(2) whence.
export const SEEK_SET = 0;
export const SEEK_CUR = 1;
export const SEEK_END = 2;
export const SEEK_DATA = 3;
export const SEEK_HOLE = 4;

// access(2) mode: R_OK, W_OK and X_OK are permission.ts's MAY_* bits.
export const F_OK = 0;

// renameat2(2) flags.
export const RENAME_NOREPLACE = 1;
export const RENAME_EXCHANGE = 2;
export const RENAME_WHITEOUT = 4;

// utimensat(2) special tv_nsec values.
export const UTIME_NOW = (1 << 30) - 1;
export const UTIME_OMIT = (1 << 30) - 2;

/** Longest path, counting its NUL, and longest name (linux/limits.h). */
export const PATH_MAX = 4096;
export const NAME_MAX = 255;
/** Symlinks one lookup may follow before ELOOP (include/linux/namei.h MAXSYMLINKS). */
export const MAXSYMLINKS = 40;
