// futex for a process with one thread: WAKE finds nobody to wake; WAIT returns at once
// if the word has changed, times out in virtual time, and otherwise could never return
// (no other thread exists to wake it), which ends the run as a deadlock.
import { Errno } from '../vfs/errno.ts';
import type { SyscallSpec } from './spec.ts';

const FUTEX_WAIT = 0;
const FUTEX_WAKE = 1;
const FUTEX_WAIT_BITSET = 9;
const FUTEX_WAKE_BITSET = 10;
const FUTEX_CMD_MASK = ~(128 | 256); // without FUTEX_PRIVATE_FLAG and FUTEX_CLOCK_REALTIME

export const FUTEX_SYSCALLS: SyscallSpec[] = [
  {
    nr: 202, name: 'futex', args: ['futex', 'futex_op', 'val', 'utime', 'uaddr2', 'val3'],
    mem: { reads: [{ param: 'futex', ptr: 0, len: () => 4 }] },
    run: (c) => {
      const op = c.args.int(1) & FUTEX_CMD_MASK;
      if (op === FUTEX_WAKE || op === FUTEX_WAKE_BITSET) return 0;
      if (op !== FUTEX_WAIT && op !== FUTEX_WAIT_BITSET) return -Errno.ENOSYS;
      const word = c.mem.readBytes(c.args.num(0), 4);
      if (!(word instanceof Uint8Array)) return -Errno.EFAULT;
      const value = new DataView(word.buffer, word.byteOffset, 4).getUint32(0, true);
      if (value !== c.args.u32(2)) return -Errno.EAGAIN;
      if (c.args.num(3)) {
        const t = c.mem.readBytes(c.args.num(3), 16);
        if (!(t instanceof Uint8Array)) return -Errno.EFAULT;
        const dv = new DataView(t.buffer, t.byteOffset, 16);
        c.proc.clock.advance(dv.getBigInt64(0, true) * 1_000_000_000n + dv.getBigInt64(8, true));
        return -Errno.ETIMEDOUT;
      }
      return { kind: 'deadlock', what: `futex wait on 0x${c.args.num(0).toString(16)}` };
    },
  },
];
