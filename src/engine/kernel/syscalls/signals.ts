// Signal syscalls: dispositions and masks are kept in the Process; raising a signal
// returns a `signal` outcome that the run loop delivers (default action or handler).
import { Errno } from '../vfs/errno.ts';
import { SIG, SIG_IGN, type SigAction } from '../process.ts';
import { type SyscallContext, type SyscallSpec, fixedLen } from './spec.ts';

const SIGSET_SIZE = 8;
const SIG_BLOCK = 0;
const SIG_UNBLOCK = 1;
const SIG_SETMASK = 2;
/** SIGKILL and SIGSTOP can be neither caught nor blocked. */
const UNBLOCKABLE = (1n << BigInt(SIG.KILL - 1)) | (1n << BigInt(SIG.STOP - 1));

function readU64s(c: SyscallContext, ptr: number, n: number): bigint[] | number {
  const b = c.mem.readBytes(ptr, 8 * n);
  if (!(b instanceof Uint8Array)) return -Errno.EFAULT;
  const dv = new DataView(b.buffer, b.byteOffset, 8 * n);
  return Array.from({ length: n }, (_, i) => dv.getBigUint64(8 * i, true));
}

function writeU64s(c: SyscallContext, ptr: number, values: bigint[]): number {
  const b = new Uint8Array(8 * values.length);
  const dv = new DataView(b.buffer);
  values.forEach((v, i) => dv.setBigUint64(8 * i, v, true));
  return c.mem.writeBytes(ptr, b) ? -Errno.EFAULT : 0;
}

/** Raise `signo` in the calling process (the only process there is). */
function raise(c: SyscallContext, pid: number, signo: number): ReturnType<SyscallSpec['run']> {
  if (pid !== c.proc.pid && pid !== 0 && pid !== -1) return -Errno.ESRCH;
  if (signo < 0 || signo > 64) return -Errno.EINVAL;
  if (signo === 0) return 0;
  return { kind: 'signal', signo, result: 0 };
}

/** tkill, tgkill: a signal for one thread. The caller takes it now; another thread when
 *  it next runs, its wait (a futex, a sleep) ending with EINTR unless it blocks or ignores
 *  the signal (pthread_cancel of a thread in pthread_cond_wait). */
function raiseIn(c: SyscallContext, tid: number, signo: number): ReturnType<SyscallSpec['run']> {
  const t = c.threads.find(tid);
  if (!t) return -Errno.ESRCH;
  if (t === c.threads.current) return raise(c, c.proc.pid, signo);
  if (signo < 0 || signo > 64) return -Errno.EINVAL;
  if (signo === 0) return 0;
  const bit = 1n << BigInt(signo - 1);
  t.pending |= bit;
  if (!(t.sigmask & bit) && c.proc.sigactions.get(signo)?.handler !== SIG_IGN) c.threads.interrupt(tid);
  return 0;
}

export const SIGNAL_SYSCALLS: SyscallSpec[] = [
  {
    nr: 13, name: 'rt_sigaction', args: ['signum', 'act', 'oldact', 'sigsetsize'],
    mem: {
      reads: [{ param: 'act', ptr: 1, len: (a) => (a.num(1) ? 32 : 0) }],
      written: [{ param: 'oldact', ptr: 2, len: (a) => (a.num(2) ? 32 : 0) }],
    },
    run: (c) => {
      const sig = c.args.int(0);
      if (c.args.num(3) !== SIGSET_SIZE || sig < 1 || sig > 64) return -Errno.EINVAL;
      const old = c.proc.sigactions.get(sig) ?? { handler: 0n, flags: 0n, restorer: 0n, mask: 0n };
      let next: SigAction | undefined;
      if (c.args.num(1)) {
        if (sig === SIG.KILL || sig === SIG.STOP) return -Errno.EINVAL;
        const v = readU64s(c, c.args.num(1), 4);
        if (typeof v === 'number') return v;
        next = { handler: v[0]!, flags: v[1]!, restorer: v[2]!, mask: v[3]! };
      }
      if (c.args.num(2)) {
        const r = writeU64s(c, c.args.num(2), [old.handler, old.flags, old.restorer, old.mask]);
        if (r) return r;
      }
      if (next) c.proc.sigactions.set(sig, next);
      return 0;
    },
  },
  {
    nr: 14, name: 'rt_sigprocmask', args: ['how', 'set', 'oldset', 'sigsetsize'],
    mem: {
      reads: [{ param: 'set', ptr: 1, len: (a) => (a.num(1) ? SIGSET_SIZE : 0) }],
      written: [{ param: 'oldset', ptr: 2, len: (a) => (a.num(2) ? SIGSET_SIZE : 0) }],
    },
    run: (c) => {
      if (c.args.num(3) !== SIGSET_SIZE) return -Errno.EINVAL;
      const t = c.threads.current;
      const old = t.sigmask;
      if (c.args.num(1)) {
        const v = readU64s(c, c.args.num(1), 1);
        if (typeof v === 'number') return v;
        const set = v[0]!;
        const how = c.args.int(0);
        if (how === SIG_BLOCK) t.sigmask = old | set;
        else if (how === SIG_UNBLOCK) t.sigmask = old & ~set;
        else if (how === SIG_SETMASK) t.sigmask = set;
        else return -Errno.EINVAL;
        t.sigmask &= ~UNBLOCKABLE;
      }
      return c.args.num(2) ? writeU64s(c, c.args.num(2), [old]) : 0;
    },
  },
  {
    nr: 131, name: 'sigaltstack', args: ['ss', 'oss'],
    mem: {
      reads: [{ param: 'ss', ptr: 0, len: (a) => (a.num(0) ? 24 : 0) }],
      written: [{ param: 'oss', ptr: 1, len: (a) => (a.num(1) ? 24 : 0) }],
    },
    run: (c) => {
      const SS_DISABLE = 2;
      if (c.args.num(1)) {
        const b = new Uint8Array(24);
        new DataView(b.buffer).setInt32(8, SS_DISABLE, true);
        if (c.mem.writeBytes(c.args.num(1), b)) return -Errno.EFAULT;
      }
      return 0;
    },
  },
  { nr: 62, name: 'kill', args: ['pid', 'sig'], run: (c) => raise(c, c.args.int(0), c.args.int(1)) },
  { nr: 200, name: 'tkill', args: ['tid', 'sig'], run: (c) => raiseIn(c, c.args.int(0), c.args.int(1)) },
  {
    nr: 234, name: 'tgkill', args: ['tgid', 'tid', 'sig'],
    run: (c) => (c.args.int(0) !== c.proc.pid ? -Errno.ESRCH : raiseIn(c, c.args.int(1), c.args.int(2))),
  },
  { nr: 127, name: 'rt_sigpending', args: ['set', 'sigsetsize'], mem: { written: [{ param: 'set', ptr: 0, len: fixedLen(8) }] }, run: (c) => writeU64s(c, c.args.num(0), [0n]) },
];
