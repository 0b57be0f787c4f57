// The file syscalls: table entries over one process's ProcessFiles, and mmap of a
// descriptor. fileSyscalls(files) builds the entries, closing over the process's
// files, so the syscall context needs nothing new; the families live in files-io.ts
// (data), files-path.ts (paths and metadata) and files-fd.ts (the descriptor table).
// docs/syscalls.md describes the layer, docs/vfs.md the ProcessFiles below it.
import { type AddressSpace, type MapRequest, PAGE_SIZE, PERM_W, type Perm, pageUp } from '../../memory/index.ts';
import type { ProcessFiles } from '../fds/index.ts';
import { Errno } from '../vfs/errno.ts';
import { major, minor } from '../vfs/mode.ts';
import { fdSyscalls } from './files-fd.ts';
import { ioSyscalls } from './files-io.ts';
import { pathSyscalls } from './files-path.ts';
import { selectSyscalls } from './files-select.ts';
import type { MemoryEffects, SyscallArgs, SyscallSpec } from './spec.ts';

// ---------------------------------------------------------------- spec extensions
//
// Facts Valgrind's wrappers state that spec.ts cannot yet express. They belong in
// spec.ts (docs/syscalls.md, "Proposed spec.ts additions"); until then the file
// entries carry them in these compatible extensions.

/** What the kernel's walk through guest structures reads: copy_from_user without a fault. */
export type GuestReader = Pick<AddressSpace, 'readBytes'>;

/** A buffer at an address found in guest memory or inside a struct an argument points to. */
export interface PlacedBuffer {
  /** As Valgrind prints it: "vector[...]", "ufds.revents", "lock->l_start". */
  readonly param: string;
  readonly addr: number;
  readonly len: number;
}

/**
 * Buffers Valgrind's wrappers find by walking guest memory (iovec elements) or at
 * offsets inside a struct (pollfd fields, struct flock, utimensat's times).
 */
export interface IndirectEffects {
  /** Before the call: what the kernel will read (PRE_MEM_READ) and may write (PRE_MEM_WRITE). */
  pre(a: SyscallArgs, mem: GuestReader): { reads: PlacedBuffer[]; writes: PlacedBuffer[] };
  /** After a successful call: what it wrote (POST_MEM_WRITE). */
  post?(a: SyscallArgs, mem: GuestReader, result: number): PlacedBuffer[];
}

export interface FileMemoryEffects extends MemoryEffects {
  /** `when`: checked only if it holds (utimensat's NULL filename is futimens). */
  strings?: { param: string; ptr: number; when?: (a: SyscallArgs) => boolean }[];
  indirect?: IndirectEffects;
}

export interface FileSyscallSpec extends SyscallSpec {
  /** The name Valgrind's messages use when it is not `name`: newfstatat's wrapper says "fstatat". */
  label?: string;
  /** The arguments Valgrind's PRE_REG_READ checks for these values, when not all of `args`. */
  regsRead?: (a: SyscallArgs) => readonly string[];
  mem?: FileMemoryEffects;
}

// ---------------------------------------------------------------------- table

/** The file syscalls of the process whose descriptors, cwd and umask `files` holds. */
export function fileSyscalls(files: ProcessFiles): FileSyscallSpec[] {
  return [...ioSyscalls(files), ...selectSyscalls(files), ...pathSyscalls(files), ...fdSyscalls(files)];
}

// ----------------------------------------------------------------------- mmap

const MAP_PRIVATE = 0x02;
const MAP_TYPE = 0x03;
const MAP_FIXED = 0x10;
const MAP_FIXED_NOREPLACE = 0x100000;
/** Bytes copied from the file per step, so a large mapping needs no equally large scratch. */
const MAP_COPY_CHUNK = 1 << 20;

/**
 * mmap(2) of a descriptor, for SyscallContext.mapFile (memory.ts has validated prot
 * and the mapping type). The file's bytes are copied in when the mapping is made, so
 * later writes to the file do not show through it, and stores to a MAP_SHARED
 * mapping do not reach the file (docs/vfs.md). Bytes past the end of the file read as
 * zero, where Linux would raise SIGBUS for whole pages beyond it.
 */
/** A file mapping that was made (the core reads debug information for code mappings). */
export interface FileMapped {
  path: string;
  addr: number;
  length: number;
  offset: number;
  perm: Perm;
}

export function fileMapper(files: ProcessFiles, mem: AddressSpace, onMapped?: (m: FileMapped) => void): (args: SyscallArgs, perm: Perm) => number {
  return (a, perm) => {
    const length = a.num(1);
    const flags = a.u32(3);
    const fd = a.int(4);
    const offset = a.long(5);
    if (offset < 0n || offset % BigInt(PAGE_SIZE) !== 0n) return -Errno.EINVAL;
    if (length === 0) return files.table.get(fd) ? -Errno.EINVAL : -Errno.EBADF;
    const shared = (flags & MAP_TYPE) !== MAP_PRIVATE;
    const source = files.mmapSource(fd, shared, (perm & PERM_W) !== 0);
    if (typeof source === 'number') return source;
    const fixed: MapRequest['fixed'] = flags & MAP_FIXED_NOREPLACE ? 'noreplace' : flags & MAP_FIXED ? 'replace' : undefined;
    const request: MapRequest = { addr: a.num(0), length, perm, shared, ...(fixed && { fixed }) };
    if (source.kind === 'anonymous') return mem.mmap(request); // /dev/zero

    const st = files.fstat(fd);
    const path = files.table.get(fd)!.ofd.path;
    if (typeof st === 'number') return st;
    const pos = Number(offset);
    const addr = mem.mmap({ ...request, file: { path, offset: pos, devMajor: major(st.dev), devMinor: minor(st.dev), inode: st.ino } });
    if (addr < 0) return addr;
    // The mapping may be read-only to the guest: the kernel fills it behind the permissions.
    const chunk = new Uint8Array(Math.min(pageUp(length), MAP_COPY_CHUNK));
    for (let done = 0; done < length;) {
      const n = source.read(chunk.subarray(0, Math.min(chunk.length, length - done)), pos + done);
      if (n < 0) {
        mem.munmap(addr, length);
        return n;
      }
      if (n === 0) break;
      mem.memory.writeBytes(addr + done, chunk.subarray(0, n));
      done += n;
    }
    onMapped?.({ path, addr, length, offset: pos, perm });
    return addr;
  };
}
