// clone for threads: the flags glibc's pthread_create passes make a thread of this
// process, which the scheduler (sched/) runs. A clone that makes a new process (fork,
// vfork, posix_spawn) fails with a message until processes exist.
import { Errno } from '../vfs/errno.ts';
import type { SyscallContext, SyscallOutcome, SyscallSpec } from './spec.ts';

const CLONE_VM = 0x100;
const CLONE_FS = 0x200;
const CLONE_FILES = 0x400;
const CLONE_SIGHAND = 0x800;
const CLONE_THREAD = 0x10000;
const CLONE_SYSVSEM = 0x40000;
const CLONE_SETTLS = 0x80000;
const CLONE_PARENT_SETTID = 0x100000;
const CLONE_CHILD_CLEARTID = 0x200000;
const CLONE_DETACHED = 0x400000;
const CLONE_CHILD_SETTID = 0x1000000;
/** What a thread shares with its process: Linux requires all of these with CLONE_THREAD. */
const THREAD_FLAGS = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD;
/** The other flags a thread may come with. */
const THREAD_EXTRAS = CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_DETACHED | CLONE_CHILD_SETTID;

export const CLONE_SYSCALLS: SyscallSpec[] = [
  {
    nr: 56, name: 'clone', args: ['flags', 'child_stack', 'parent_tidptr', 'child_tidptr', 'tlsinfo'],
    run: clone,
  },
  // Valgrind 3.19 has no clone3 either: glibc falls back to clone, and stack traces of
  // threads end in clone (clone.S), as valgrind's do.
  { nr: 435, name: 'clone3', args: ['cl_args', 'size'], run: () => -Errno.ENOSYS },
];

function clone(c: SyscallContext): SyscallOutcome {
  const flags = c.args.u32(0);
  const [sp, parentTid, childTid] = [c.args.num(1), c.args.num(2), c.args.num(3)];
  if ((flags & THREAD_FLAGS) !== THREAD_FLAGS || (flags & ~(THREAD_FLAGS | THREAD_EXTRAS)) !== 0) return unsupported(c, flags);
  if (sp === 0) return -Errno.EINVAL;
  const tid = c.threads.spawn({
    stack: sp, tls: flags & CLONE_SETTLS ? c.args.raw[4]! : undefined, clearChildTid: flags & CLONE_CHILD_CLEARTID ? childTid : 0,
  });
  if (tid < 0) return tid;
  const word = new Uint8Array(4);
  new DataView(word.buffer).setUint32(0, tid, true);
  if (flags & CLONE_PARENT_SETTID) c.mem.writeBytes(parentTid, word);
  if (flags & CLONE_CHILD_SETTID) c.mem.writeBytes(childTid, word);
  return tid;
}

/** Valgrind's words for a clone it cannot do; the guest sees EINVAL, as under Valgrind. */
function unsupported(c: SyscallContext, flags: number): number {
  c.warn(`Unsupported clone() flags: 0x${flags.toString(16)}`);
  c.warn('grindlab runs threads (CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD);');
  c.warn('a clone that makes a new process (fork, vfork, posix_spawn) is not supported yet.');
  return -Errno.EINVAL;
}
