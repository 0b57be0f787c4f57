// The ioctl requests the file layer implements (asm-generic/ioctls.h), with the size
// and direction of the argument each one reads or writes through its pointer, so the
// syscall layer can copy the right bytes and annotate them for memcheck.

export const TCGETS = 0x5401;
export const TCSETS = 0x5402;
export const TCSETSW = 0x5403;
export const TCSETSF = 0x5404;
export const TIOCGWINSZ = 0x5413;
export const TIOCSWINSZ = 0x5414;
export const FIONREAD = 0x541b;
export const FIONBIO = 0x5421;
export const FIONCLEX = 0x5450;
export const FIOCLEX = 0x5451;

/** struct termios as the kernel copies it (not glibc's larger struct): 4 flag words, c_line, c_cc[19]. */
export const TERMIOS_SIZE = 36;
/** struct winsize: ws_row, ws_col, ws_xpixel, ws_ypixel, all u16. */
export const WINSIZE_SIZE = 8;

export interface IoctlArg {
  readonly size: number;
  /** 'in': the kernel reads the guest's bytes; 'out': it writes them; 'inout' both; 'none': no pointer. */
  readonly direction: 'in' | 'out' | 'inout' | 'none';
}

/** _IOC's direction bits: _IOC_WRITE, the caller writes (the kernel reads); _IOC_READ, the reverse. */
export const IOC_WRITE = 1;
export const IOC_READ = 2;
export const iocDir = (req: number) => (req >>> 30) & 3;
export const iocSize = (req: number) => (req >>> 16) & 0x3fff;
/** A request number as _IO/_IOR/_IOW/_IOWR build it: direction, size, type, number. */
export const ioc = (dir: number, type: number, nr: number, size: number) => ((dir << 30) | (size << 16) | (type << 8) | nr) >>> 0;

/** What a request's own encoding says of its argument (the rule Valgrind applies to requests it has no wrapper for). */
export function iocArg(req: number): IoctlArg {
  const dir = iocDir(req);
  const size = iocSize(req);
  if (size === 0 || dir === 0) return { size: 0, direction: 'none' };
  return { size, direction: dir === IOC_WRITE ? 'in' : dir === IOC_READ ? 'out' : 'inout' };
}

export const IOCTL_ARGS: ReadonlyMap<number, IoctlArg> = new Map<number, IoctlArg>([
  [TCGETS, { size: TERMIOS_SIZE, direction: 'out' }],
  [TCSETS, { size: TERMIOS_SIZE, direction: 'in' }],
  [TCSETSW, { size: TERMIOS_SIZE, direction: 'in' }],
  [TCSETSF, { size: TERMIOS_SIZE, direction: 'in' }],
  [TIOCGWINSZ, { size: WINSIZE_SIZE, direction: 'out' }],
  [TIOCSWINSZ, { size: WINSIZE_SIZE, direction: 'in' }],
  [FIONREAD, { size: 4, direction: 'out' }],
  [FIONBIO, { size: 4, direction: 'in' }],
  [FIONCLEX, { size: 0, direction: 'none' }],
  [FIOCLEX, { size: 0, direction: 'none' }],
]);
