// Memory syscalls: brk, mmap, munmap, mprotect, mremap, madvise, over the AddressSpace.
import { PAGE_SIZE, PERM_RWX, type Perm } from '../../memory/index.ts';
import { Errno } from '../vfs/errno.ts';
import type { SyscallSpec } from './spec.ts';

const PROT_GROWSDOWN = 0x01000000;
const PROT_GROWSUP = 0x02000000;
const MAP_SHARED = 0x01;
const MAP_PRIVATE = 0x02;
const MAP_SHARED_VALIDATE = 0x03;
const MAP_FIXED = 0x10;
const MAP_ANONYMOUS = 0x20;
const MAP_FIXED_NOREPLACE = 0x100000;
const MREMAP_MAYMOVE = 1;
const MREMAP_FIXED = 2;
const MADV_DONTNEED = 4;

/** prot without the growsdown/growsup modifiers, which the address space does not model. */
function perm(prot: number): Perm | undefined {
  const p = prot & ~(PROT_GROWSDOWN | PROT_GROWSUP);
  return p & ~PERM_RWX ? undefined : (p as Perm);
}

export const MEMORY_SYSCALLS: SyscallSpec[] = [
  { nr: 12, name: 'brk', args: ['end_data_segment'], run: (c) => c.mem.brk(c.args.num(0)) },
  {
    nr: 9, name: 'mmap', args: ['start', 'length', 'prot', 'flags', 'fd', 'offset'],
    run: (c) => {
      const flags = c.args.u32(3);
      const p = perm(c.args.u32(2));
      const type = flags & MAP_SHARED_VALIDATE;
      if (p === undefined || (type !== MAP_SHARED && type !== MAP_PRIVATE && type !== MAP_SHARED_VALIDATE)) return -Errno.EINVAL;
      if (!(flags & MAP_ANONYMOUS)) return c.mapFile ? c.mapFile(c.args, p) : -Errno.ENODEV;
      const fixed = flags & MAP_FIXED_NOREPLACE ? 'noreplace' : flags & MAP_FIXED ? 'replace' : undefined;
      return c.mem.mmap({ addr: c.args.num(0), length: c.args.num(1), perm: p, shared: type !== MAP_PRIVATE, ...(fixed && { fixed }) });
    },
  },
  { nr: 11, name: 'munmap', args: ['start', 'length'], run: (c) => c.mem.munmap(c.args.num(0), c.args.num(1)) },
  {
    nr: 10, name: 'mprotect', args: ['addr', 'len', 'prot'],
    run: (c) => {
      const p = perm(c.args.u32(2));
      return p === undefined ? -Errno.EINVAL : c.mem.mprotect(c.args.num(0), c.args.num(1), p);
    },
  },
  {
    nr: 25, name: 'mremap', args: ['old_addr', 'old_size', 'new_size', 'flags', 'new_addr'],
    run: (c) => {
      const flags = c.args.u32(3);
      if (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED)) return -Errno.EINVAL;
      return c.mem.mremap(c.args.num(0), c.args.num(1), c.args.num(2), {
        mayMove: (flags & MREMAP_MAYMOVE) !== 0,
        ...(flags & MREMAP_FIXED && { newAddr: c.args.num(4) }),
      });
    },
  },
  {
    nr: 28, name: 'madvise', args: ['start', 'length', 'advice'],
    run: (c) => {
      if (c.args.num(0) % PAGE_SIZE) return -Errno.EINVAL;
      // Advice is a hint; only DONTNEED changes what the guest sees (private pages read as zero).
      return c.args.int(2) === MADV_DONTNEED ? c.mem.madviseDontNeed(c.args.num(0), c.args.num(1)) : 0;
    },
  },
];
