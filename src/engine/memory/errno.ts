// The Linux errno values the address-space operations return (negated, as a
// system call returns them), from the engine's one list.
import { Errno } from '../errno.ts';

export const EPERM = Errno.EPERM;
export const EFAULT = Errno.EFAULT;
export const EEXIST = Errno.EEXIST;
export const EINVAL = Errno.EINVAL;
export const ENOMEM = Errno.ENOMEM;
