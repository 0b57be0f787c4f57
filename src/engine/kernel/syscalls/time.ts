// Time syscalls over the run's virtual clock: reproducible, and sleeping costs no real time.
import { Errno } from '../vfs/errno.ts';
import type { Timespec } from '../vfs/index.ts';
import { type SyscallContext, type SyscallSpec, fixedLen } from './spec.ts';

const CLOCK_REALTIME = 0;
const CLOCK_REALTIME_COARSE = 5;
const CLOCK_TAI = 11;
const MAX_CLOCK = 11;

function writeTimespec(c: SyscallContext, ptr: number, sec: number, subsec: number): number {
  const b = new Uint8Array(16);
  const dv = new DataView(b.buffer);
  dv.setBigInt64(0, BigInt(sec), true);
  dv.setBigInt64(8, BigInt(subsec), true);
  return c.mem.writeBytes(ptr, b) ? -Errno.EFAULT : 0;
}

function clockRead(c: SyscallContext, id: number) {
  return id === CLOCK_REALTIME || id === CLOCK_REALTIME_COARSE || id === CLOCK_TAI ? c.proc.clock.now() : c.proc.clock.monotonic();
}

/** A struct timespec from guest memory in nanoseconds, or -EFAULT / -EINVAL. */
export function readTimespecNs(c: SyscallContext, ptr: number): bigint | number {
  const b = c.mem.readBytes(ptr, 16);
  if (!(b instanceof Uint8Array)) return -Errno.EFAULT;
  const dv = new DataView(b.buffer, b.byteOffset, 16);
  const sec = dv.getBigInt64(0, true);
  const nsec = dv.getBigInt64(8, true);
  if (sec < 0n || nsec < 0n || nsec >= 1_000_000_000n) return -Errno.EINVAL;
  return sec * 1_000_000_000n + nsec;
}

export function timespecNs(t: Timespec): bigint {
  return BigInt(t.sec) * 1_000_000_000n + BigInt(t.nsec);
}

export const TIME_SYSCALLS: SyscallSpec[] = [
  {
    nr: 228, name: 'clock_gettime', args: ['clk_id', 'tp'],
    mem: { writes: [{ param: 'tp', ptr: 1, len: fixedLen(16) }], written: [{ param: 'tp', ptr: 1, len: fixedLen(16) }] },
    run: (c) => {
      const id = c.args.int(0);
      if (id < 0 || id > MAX_CLOCK) return -Errno.EINVAL;
      const t = clockRead(c, id);
      return writeTimespec(c, c.args.num(1), t.sec, t.nsec);
    },
  },
  {
    nr: 229, name: 'clock_getres', args: ['clk_id', 'res'],
    mem: { written: [{ param: 'res', ptr: 1, len: (a) => (a.num(1) ? 16 : 0) }] },
    run: (c) => (c.args.num(1) ? writeTimespec(c, c.args.num(1), 0, 1) : 0),
  },
  {
    nr: 96, name: 'gettimeofday', args: ['tv', 'tz'],
    mem: { written: [{ param: 'tv', ptr: 0, len: (a) => (a.num(0) ? 16 : 0) }, { param: 'tz', ptr: 1, len: (a) => (a.num(1) ? 8 : 0) }] },
    run: (c) => {
      const t = c.proc.clock.now();
      if (c.args.num(0)) { const r = writeTimespec(c, c.args.num(0), t.sec, Math.floor(t.nsec / 1000)); if (r) return r; }
      if (c.args.num(1) && c.mem.writeBytes(c.args.num(1), new Uint8Array(8))) return -Errno.EFAULT;
      return 0;
    },
  },
  {
    nr: 201, name: 'time', args: ['t'],
    mem: { written: [{ param: 't', ptr: 0, len: (a) => (a.num(0) ? 8 : 0) }] },
    run: (c) => {
      const sec = c.proc.clock.now().sec;
      if (c.args.num(0)) {
        const b = new Uint8Array(8);
        new DataView(b.buffer).setBigInt64(0, BigInt(sec), true);
        if (c.mem.writeBytes(c.args.num(0), b)) return -Errno.EFAULT;
      }
      return sec;
    },
  },
  {
    nr: 35, name: 'nanosleep', args: ['req', 'rem'],
    mem: { reads: [{ param: 'req', ptr: 0, len: fixedLen(16) }] },
    run: (c) => {
      const ns = readTimespecNs(c, c.args.num(0));
      if (typeof ns === 'number') return ns;
      return c.threads.sleep(c.proc.clock.ticks() + ns);
    },
  },
  {
    nr: 230, name: 'clock_nanosleep', args: ['clk_id', 'flags', 'req', 'rem'],
    mem: { reads: [{ param: 'req', ptr: 2, len: fixedLen(16) }] },
    run: (c) => {
      const ns = readTimespecNs(c, c.args.num(2));
      if (typeof ns === 'number') return -ns; // clock_nanosleep returns the error number itself
      const TIMER_ABSTIME = 1;
      if (c.args.int(1) & TIMER_ABSTIME) {
        const now = clockRead(c, c.args.int(0));
        return c.threads.sleep(c.proc.clock.ticks() + ns - timespecNs(now));
      }
      return c.threads.sleep(c.proc.clock.ticks() + ns);
    },
  },
];
