// The Linux errno values the address-space operations return (negated, as a
// system call returns them). asm-generic/errno-base.h.

export const EPERM = 1;
export const EFAULT = 14;
export const EEXIST = 17;
export const EINVAL = 22;
export const ENOMEM = 12;
