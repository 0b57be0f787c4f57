// Process-level syscalls: exit, identity, limits, uname, arch_prctl, getrandom, and the
// thread bookkeeping glibc's start-up does (set_tid_address, set_robust_list, rseq).
import { Errno } from '../vfs/errno.ts';
import { OFFSET_FS_BASE, OFFSET_GS_BASE } from '../../guest/amd64/state.ts';
import { type SyscallSpec, argLen, fixedLen, resultLen } from './spec.ts';

const ARCH_SET_GS = 0x1001;
const ARCH_SET_FS = 0x1002;
const ARCH_GET_FS = 0x1003;
const ARCH_GET_GS = 0x1004;
const GRND_NONBLOCK = 1;
const GRND_RANDOM = 2;
const GRND_INSECURE = 4;

/** struct utsname: six 65-byte fields. The release is valgrind 3.19's host kernel era. */
const UTSNAME = ['Linux', 'grindlab', '6.1.0-grindlab', '#1 SMP PREEMPT_DYNAMIC Debian 6.1.0', 'x86_64', '(none)'];
const UTS_FIELD = 65;
/** struct sysinfo on x86-64. */
const SYSINFO_SIZE = 112;

export const PROCESS_SYSCALLS: SyscallSpec[] = [
  { nr: 60, name: 'exit', args: ['status'], run: (c) => ({ kind: 'exit', scope: 'thread', status: c.args.int(0) & 0xff }) },
  { nr: 231, name: 'exit_group', args: ['status'], run: (c) => ({ kind: 'exit', scope: 'process', status: c.args.int(0) & 0xff }) },
  { nr: 39, name: 'getpid', args: [], run: (c) => c.proc.pid },
  { nr: 186, name: 'gettid', args: [], run: (c) => c.threads.current.tid },
  { nr: 110, name: 'getppid', args: [], run: (c) => c.proc.pid - 1 },
  { nr: 102, name: 'getuid', args: [], run: (c) => c.proc.uid },
  { nr: 107, name: 'geteuid', args: [], run: (c) => c.proc.uid },
  { nr: 104, name: 'getgid', args: [], run: (c) => c.proc.gid },
  { nr: 108, name: 'getegid', args: [], run: (c) => c.proc.gid },
  { nr: 24, name: 'sched_yield', args: [], run: (c) => { c.threads.yieldSlice(); return 0; } },
  {
    nr: 218, name: 'set_tid_address', args: ['tidptr'],
    run: (c) => { c.threads.current.clearChildTid = c.args.num(0); return c.threads.current.tid; },
  },
  {
    nr: 273, name: 'set_robust_list', args: ['head', 'len'],
    run: (c) => { if (c.args.num(1) !== 24) return -Errno.EINVAL; c.threads.current.robustList = c.args.num(0); return 0; },
  },
  // Valgrind 3.19 does not support rseq either: glibc falls back when it fails.
  { nr: 334, name: 'rseq', args: ['rseq', 'rseq_len', 'flags', 'sig'], run: () => -Errno.ENOSYS },
  {
    nr: 158, name: 'arch_prctl', args: ['option', 'arg2'],
    mem: { written: [{ param: 'arg2', ptr: 1, len: (a) => (a.int(0) === ARCH_GET_FS || a.int(0) === ARCH_GET_GS ? 8 : 0) }] },
    run: (c) => {
      const op = c.args.int(0);
      if (op === ARCH_SET_FS || op === ARCH_SET_GS) {
        c.state.setBigUint64(op === ARCH_SET_FS ? OFFSET_FS_BASE : OFFSET_GS_BASE, c.args.raw[1]!, true);
        return 0;
      }
      if (op === ARCH_GET_FS || op === ARCH_GET_GS) {
        const v = c.state.getBigUint64(op === ARCH_GET_FS ? OFFSET_FS_BASE : OFFSET_GS_BASE, true);
        const bytes = new Uint8Array(8);
        new DataView(bytes.buffer).setBigUint64(0, v, true);
        return c.mem.writeBytes(c.args.num(1), bytes) ? -Errno.EFAULT : 0;
      }
      return -Errno.EINVAL;
    },
  },
  {
    nr: 63, name: 'uname', args: ['buf'],
    mem: { writes: [{ param: 'buf', ptr: 0, len: fixedLen(UTS_FIELD * 6) }], written: [{ param: 'buf', ptr: 0, len: fixedLen(UTS_FIELD * 6) }] },
    run: (c) => {
      const buf = new Uint8Array(UTS_FIELD * 6);
      const enc = new TextEncoder();
      UTSNAME.forEach((s, i) => buf.set(enc.encode(s).subarray(0, UTS_FIELD - 1), i * UTS_FIELD));
      return c.mem.writeBytes(c.args.num(0), buf) ? -Errno.EFAULT : 0;
    },
  },
  {
    nr: 318, name: 'getrandom', args: ['buf', 'buflen', 'flags'],
    mem: { writes: [{ param: 'buf', ptr: 0, len: argLen(1) }], written: [{ param: 'buf', ptr: 0, len: resultLen }] },
    run: (c) => {
      if (c.args.u32(2) & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE)) return -Errno.EINVAL;
      const n = Math.min(c.args.num(1), 33554431); // the kernel caps one call at 32 MiB - 1
      return c.mem.writeBytes(c.args.num(0), c.proc.random.bytes(n)) ? -Errno.EFAULT : n;
    },
  },
  {
    nr: 302, name: 'prlimit64', args: ['pid', 'resource', 'new_rlim', 'old_rlim'],
    mem: {
      reads: [{ param: 'new_rlim', ptr: 2, len: (a) => (a.num(2) ? 16 : 0) }],
      written: [{ param: 'old_rlim', ptr: 3, len: (a) => (a.num(3) ? 16 : 0) }],
    },
    run: (c) => {
      const pid = c.args.int(0);
      if (pid !== 0 && pid !== c.proc.pid) return -Errno.ESRCH;
      const res = c.args.int(1);
      const cur = c.proc.rlimits.get(res);
      if (!cur) return -Errno.EINVAL;
      if (c.args.num(3)) {
        const out = new Uint8Array(16);
        const dv = new DataView(out.buffer);
        dv.setBigUint64(0, cur[0], true);
        dv.setBigUint64(8, cur[1], true);
        if (c.mem.writeBytes(c.args.num(3), out)) return -Errno.EFAULT;
      }
      if (c.args.num(2)) {
        const inp = c.mem.readBytes(c.args.num(2), 16);
        if (!(inp instanceof Uint8Array)) return -Errno.EFAULT;
        const dv = new DataView(inp.buffer, inp.byteOffset, 16);
        const soft = dv.getBigUint64(0, true);
        const hard = dv.getBigUint64(8, true);
        if (soft > hard || hard > cur[1]) return -Errno.EPERM;
        c.proc.rlimits.set(res, [soft, hard]);
      }
      return 0;
    },
  },
  {
    nr: 99, name: 'sysinfo', args: ['info'],
    mem: { writes: [{ param: 'info', ptr: 0, len: fixedLen(SYSINFO_SIZE) }], written: [{ param: 'info', ptr: 0, len: fixedLen(SYSINFO_SIZE) }] },
    run: (c) => {
      // A modest machine: 4 GiB of RAM (the guest window), half free, no swap, one process.
      const b = new Uint8Array(SYSINFO_SIZE);
      const v = new DataView(b.buffer);
      v.setBigInt64(0, BigInt(c.proc.clock.monotonic().sec), true);
      v.setBigUint64(32, 4n << 30n, true);
      v.setBigUint64(40, 2n << 30n, true);
      v.setUint16(80, 1, true);
      v.setUint32(104, 1, true);
      return c.mem.writeBytes(c.args.num(0), b) ? -Errno.EFAULT : 0;
    },
  },
  {
    nr: 204, name: 'sched_getaffinity', args: ['pid', 'len', 'mask'],
    mem: { writes: [{ param: 'mask', ptr: 2, len: argLen(1) }], written: [{ param: 'mask', ptr: 2, len: resultLen }] },
    run: (c) => {
      // One CPU: the guest runs on the engine's one worker (ARCHITECTURE.md, threads).
      const len = c.args.num(1);
      if (len < 8 || len % 8) return -Errno.EINVAL;
      const mask = new Uint8Array(8);
      mask[0] = 1;
      return c.mem.writeBytes(c.args.num(2), mask) ? -Errno.EFAULT : 8;
    },
  },
];
