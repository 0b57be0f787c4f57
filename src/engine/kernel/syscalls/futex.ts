// futex: a wait parks the calling thread in the scheduler (sched/) and the others run;
// wakes and requeues move threads between its wait queues. Comparing the word and going
// to sleep is atomic because one guest thread runs at a time.
import { Errno } from '../vfs/errno.ts';
import type { SyscallContext, SyscallOutcome, SyscallSpec } from './spec.ts';
import { readTimespecNs, timespecNs } from './time.ts';

const FUTEX_WAIT = 0;
const FUTEX_WAKE = 1;
const FUTEX_REQUEUE = 3;
const FUTEX_CMP_REQUEUE = 4;
const FUTEX_WAIT_BITSET = 9;
const FUTEX_WAKE_BITSET = 10;
const FUTEX_PRIVATE_FLAG = 128;
const FUTEX_CLOCK_REALTIME = 256;
const ALL_BITS = 0xffff_ffff;

export const FUTEX_SYSCALLS: SyscallSpec[] = [
  {
    nr: 202, name: 'futex', args: ['futex', 'futex_op', 'val', 'utime', 'uaddr2', 'val3'],
    mem: { reads: [{ param: 'futex', ptr: 0, len: () => 4 }] },
    run: (c) => {
      const op = c.args.int(1);
      const addr = c.args.num(0);
      const val = c.args.u32(2);
      switch (op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME)) {
        case FUTEX_WAIT: return wait(c, addr, val, ALL_BITS, false);
        case FUTEX_WAIT_BITSET: return c.args.u32(5) === 0 ? -Errno.EINVAL : wait(c, addr, val, c.args.u32(5), true);
        case FUTEX_WAKE: return c.threads.futexWake(addr, val, ALL_BITS);
        case FUTEX_WAKE_BITSET: return c.args.u32(5) === 0 ? -Errno.EINVAL : c.threads.futexWake(addr, val, c.args.u32(5));
        case FUTEX_REQUEUE: return c.threads.futexRequeue(addr, val, c.args.num(4), c.args.u32(3));
        case FUTEX_CMP_REQUEUE: {
          const word = readWord(c, addr);
          if (word < 0) return word;
          return word !== c.args.u32(5) ? -Errno.EAGAIN : c.threads.futexRequeue(addr, val, c.args.num(4), c.args.u32(3));
        }
        default: return -Errno.ENOSYS;
      }
    },
  },
];

/** The futex word, or -EFAULT. */
function readWord(c: SyscallContext, addr: number): number {
  const word = c.mem.readBytes(addr, 4);
  if (!(word instanceof Uint8Array)) return -Errno.EFAULT;
  return new DataView(word.buffer, word.byteOffset, 4).getUint32(0, true);
}

/** FUTEX_WAIT's timeout is relative; FUTEX_WAIT_BITSET's an absolute time on
 *  CLOCK_MONOTONIC, or CLOCK_REALTIME with FUTEX_CLOCK_REALTIME. */
function wait(c: SyscallContext, addr: number, val: number, bitset: number, absolute: boolean): SyscallOutcome {
  if (addr % 4) return -Errno.EINVAL;
  const word = readWord(c, addr);
  if (word < 0) return word;
  if (word !== val) return -Errno.EAGAIN;
  let deadline: bigint | undefined;
  if (c.args.num(3)) {
    const ns = readTimespecNs(c, c.args.num(3));
    if (typeof ns === 'number') return ns;
    const clock = c.proc.clock;
    const now = !absolute ? clock.ticks() : (c.args.int(1) & FUTEX_CLOCK_REALTIME) ? timespecNs(clock.now()) : timespecNs(clock.monotonic());
    deadline = clock.ticks() + (absolute ? ns - now : ns);
  }
  return c.threads.futexWait(addr, bitset, deadline);
}
