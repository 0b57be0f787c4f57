// The memory devices of Linux's drivers/char/mem.c and random.c. They keep no
// position (lseek always lands on 0), so every description of them is 'pinned'.

import { Errno } from './errno.ts';
import type { FileOps } from './file-ops.ts';
import type { DeviceDriver } from './memfs.ts';
import { makedev } from './mode.ts';
import type { Random } from './services.ts';

/** Device numbers from Documentation/admin-guide/devices.txt. */
export const DEV_NULL = makedev(1, 3);
export const DEV_ZERO = makedev(1, 5);
export const DEV_FULL = makedev(1, 7);
export const DEV_RANDOM = makedev(1, 8);
export const DEV_URANDOM = makedev(1, 9);
export const DEV_TTY = makedev(5, 0);
export const DEV_PTS0 = makedev(136, 0);

const stateless = (ops: FileOps): DeviceDriver => ({ open: () => ops });

const zeros = (dst: Uint8Array): number => {
  dst.fill(0);
  return dst.length;
};

/** Reads end at once; writes vanish. */
export const nullDevice = stateless({ positioning: 'pinned', read: () => 0, write: (src) => src.length });

/** Reads give zeros; writes vanish. */
export const zeroDevice = stateless({ positioning: 'pinned', read: zeros, write: (src) => src.length });

/** Reads give zeros; every write fails as on a full disk. */
export const fullDevice = stateless({ positioning: 'pinned', read: zeros, write: () => -Errno.ENOSPC });

/** /dev/random and /dev/urandom: the run's seeded bytes; writes are accepted (added entropy). */
export function randomDevice(random: Random): DeviceDriver {
  return stateless({
    positioning: 'pinned',
    read: (dst) => {
      random.fill(dst);
      return dst.length;
    },
    write: (src) => src.length,
  });
}
