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
  /** 'in': the kernel reads the guest's bytes; 'out': it writes them; 'none': no pointer. */
  readonly direction: 'in' | 'out' | 'none';
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
