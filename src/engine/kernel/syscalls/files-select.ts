// select(2) and pselect6(2): readiness of the descriptors named in three fd_set bitmaps.
// glibc's select() calls pselect6, so that is the one programs reach. Valgrind's wrappers
// check n/8 bytes of each set (rounded down, as its PRE_MEM_READ does), the timeout and
// pselect6's sigmask pair; they record no writes, since the sets were inputs already.
import type { ProcessFiles } from '../fds/index.ts';
import { Errno } from '../vfs/errno.ts';
import { POLLERR, POLLHUP, POLLIN, POLLNVAL, POLLOUT, POLLPRI } from '../vfs/file-ops.ts';
import type { FileSyscallSpec, GuestReader, PlacedBuffer } from './files.ts';
import { copyOut } from './files-io.ts';
import type { SyscallArgs, SyscallContext, SyscallOutcome } from './spec.ts';

/** struct timeval and struct timespec are both two longs. */
const TIME_SIZE = 16;
/** pselect6's sixth argument: { const sigset_t *ss; size_t ss_len; }. */
const SIGSET_PAIR_SIZE = 16;
const SIGSET_SIZE = 8;
/** Which poll(2) events make a descriptor ready for each of the three sets. */
const SET_EVENTS = [POLLIN | POLLHUP | POLLERR, POLLOUT | POLLERR, POLLPRI] as const;
const SET_NAMES = ['readfds', 'writefds', 'exceptfds'] as const;

/** The bytes of the three sets the kernel looks at: every bit below n, in whole longs. */
const setBytes = (n: number) => Math.ceil(n / 64) * 8;

function preEffects(name: 'select' | 'pselect6', a: SyscallArgs, mem: GuestReader): { reads: PlacedBuffer[]; writes: PlacedBuffer[] } {
  const reads: PlacedBuffer[] = [];
  const n = Math.max(0, a.int(0));
  SET_NAMES.forEach((set, i) => {
    if (a.num(i + 1) !== 0) reads.push({ param: `${name}(${set})`, addr: a.num(i + 1), len: Math.floor(n / 8) });
  });
  if (a.num(4) !== 0) reads.push({ param: `${name}(timeout)`, addr: a.num(4), len: TIME_SIZE });
  if (name === 'pselect6' && a.num(5) !== 0) {
    reads.push({ param: 'pselect6(sig)', addr: a.num(5), len: SIGSET_PAIR_SIZE });
    const pair = mem.readBytes(a.num(5), SIGSET_PAIR_SIZE);
    if (pair instanceof Uint8Array) {
      const ss = Number(new DataView(pair.buffer, pair.byteOffset, 8).getBigUint64(0, true));
      if (ss !== 0) reads.push({ param: 'pselect6(sig->ss)', addr: ss, len: SIGSET_SIZE });
    }
  }
  return { reads, writes: [] };
}

function select(c: SyscallContext, files: ProcessFiles, name: 'select' | 'pselect6'): SyscallOutcome {
  const n = c.args.int(0);
  if (n < 0) return -Errno.EINVAL;
  // Linux looks no further than the highest descriptor the table can hold.
  const limit = Math.min(n, files.table.limit);
  const bytes = setBytes(limit);
  const sets = [1, 2, 3].map((i) => {
    const ptr = c.args.num(i);
    if (ptr === 0) return undefined;
    const raw = c.mem.readBytes(ptr, bytes);
    return raw instanceof Uint8Array ? { ptr, bits: raw.slice() } : null;
  });
  if (sets.includes(null)) return -Errno.EFAULT;
  let timeoutNs: bigint | undefined;
  const tptr = c.args.num(4);
  if (tptr !== 0) {
    const t = c.mem.readBytes(tptr, TIME_SIZE);
    if (!(t instanceof Uint8Array)) return -Errno.EFAULT;
    const dv = new DataView(t.buffer, t.byteOffset, TIME_SIZE);
    const sec = dv.getBigInt64(0, true);
    const frac = dv.getBigInt64(8, true);
    const fracNs = name === 'select' ? frac * 1000n : frac;
    if (sec < 0n || frac < 0n || fracNs >= 1_000_000_000n) return -Errno.EINVAL;
    timeoutNs = sec * 1_000_000_000n + fracNs;
  }
  const out = sets.map(() => new Uint8Array(bytes));
  let ready = 0;
  for (let fd = 0; fd < limit; fd++) {
    const byte = fd >> 3;
    const bit = 1 << (fd & 7);
    const wanted = sets.map((s) => s !== undefined && s !== null && (s.bits[byte]! & bit) !== 0);
    if (!wanted.includes(true)) continue;
    const revents = files.poll(fd);
    if (revents & POLLNVAL) return -Errno.EBADF;
    wanted.forEach((w, i) => {
      if (w && revents & SET_EVENTS[i]!) {
        out[i]![byte]! |= bit;
        ready++;
      }
    });
  }
  if (ready === 0 && timeoutNs === undefined) return { kind: 'blocked' };
  if (ready === 0 && timeoutNs !== undefined) {
    // Virtual time: the whole timeout passes at once, and none of it remains.
    c.proc.clock.advance(timeoutNs);
    const fail = copyOut(c, tptr, new Uint8Array(TIME_SIZE));
    if (fail) return fail;
  }
  for (const [i, s] of sets.entries()) {
    if (!s) continue;
    const fail = copyOut(c, s.ptr, out[i]!);
    if (fail) return fail;
  }
  return ready;
}

export function selectSyscalls(files: ProcessFiles): FileSyscallSpec[] {
  return [
    {
      nr: 23, name: 'select', args: ['n', 'readfds', 'writefds', 'exceptfds', 'timeout'],
      mem: { indirect: { pre: (a, mem) => preEffects('select', a, mem) } },
      run: (c) => select(c, files, 'select'),
    },
    {
      nr: 270, name: 'pselect6', args: ['n', 'readfds', 'writefds', 'exceptfds', 'timeout', 'sig'],
      mem: { indirect: { pre: (a, mem) => preEffects('pselect6', a, mem) } },
      run: (c) => select(c, files, 'pselect6'),
    },
  ];
}
