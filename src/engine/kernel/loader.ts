// Process set-up, as the Linux kernel's ELF loader and Valgrind's initimg do it: map the
// PT_LOAD segments, start the brk heap after the data, and build the initial stack
// (strings, then auxv, envp, argv and argc) that the program's _start reads.
import type { ElfFile } from '../elf/index.ts';
import { PF_R, PF_W, PF_X, PT_LOAD, parseElf } from '../elf/index.ts';
import {
  type AddressSpace, PAGE_SIZE, PERM_NONE, PERM_R, PERM_W, PERM_X, PIE_BASE, type Perm,
  mainStackMaxSize, pageDown, pageUp,
} from '../memory/index.ts';

const PT_PHDR = 6;
const ET_DYN = 3;

/** auxv tags (linux/auxvec.h). */
export const AT = {
  NULL: 0, PHDR: 3, PHENT: 4, PHNUM: 5, PAGESZ: 6, BASE: 7, FLAGS: 8, ENTRY: 9, UID: 11, EUID: 12,
  GID: 13, EGID: 14, PLATFORM: 15, HWCAP: 16, CLKTCK: 17, SECURE: 23, RANDOM: 25, HWCAP2: 26, EXECFN: 31,
} as const;

export interface ProcessImage {
  /** Where execution starts (the interpreter's entry for a dynamic program). */
  entry: number;
  /** Initial %rsp: points at argc. */
  rsp: number;
  /** The main program's load bias (0 for ET_EXEC). */
  bias: number;
  /** The initial break. */
  brk: number;
  /** The main program's mapped extent. */
  start: number;
  end: number;
  auxv: [number, number][];
  stackTop: number;
  stackLimit: number;
  /** The ELF interpreter, for a dynamically linked program. */
  interp?: { path: string; elf: ElfFile; start: number; end: number; bias: number };
}

export interface ExecArgs {
  /** The path the program was started as (AT_EXECFN, /proc/self/exe). */
  path: string;
  argv: string[];
  envp: string[];
  /** AT_RANDOM's 16 bytes, from the run's seed. */
  random: Uint8Array;
  uid: number;
  gid: number;
  /** AT_HWCAP: CPUID leaf 1 EDX of the guest CPU. */
  hwcap: number;
  /** --main-stacksize, if given. */
  mainStackSize?: number;
}

/** Why an executable cannot be started (the caller prints it as the kernel's execve would fail). */
export class ExecError extends Error {}

function segmentPerm(flags: number): Perm {
  return ((flags & PF_R ? PERM_R : PERM_NONE) | (flags & PF_W ? PERM_W : PERM_NONE) | (flags & PF_X ? PERM_X : PERM_NONE)) as Perm;
}

/** The page-aligned span [lo, hi) of an object's PT_LOAD segments, in its own addresses. */
export function loadExtent(elf: ElfFile): { lo: number; hi: number } {
  const loads = elf.segments.filter((p) => p.type === PT_LOAD);
  return {
    lo: pageDown(Math.min(...loads.map((p) => p.vaddr))),
    hi: pageUp(Math.max(...loads.map((p) => p.vaddr + p.memsz))),
  };
}

/** Map the PT_LOAD segments at `bias`, as the kernel does: whole pages of the file,
 *  the tail of the last file page after p_filesz zeroed, anonymous zero pages above. */
function mapSegments(as: AddressSpace, elf: ElfFile, bias: number, path: string): number {
  let end = 0;
  for (const ph of elf.segments) {
    if (ph.type !== PT_LOAD || ph.memsz === 0) continue;
    const start = pageDown(ph.vaddr + bias);
    const stop = pageUp(ph.vaddr + bias + ph.memsz);
    const fileStart = ph.offset - (ph.vaddr + bias - start);
    const r = as.mmap({
      addr: start, length: stop - start, perm: segmentPerm(ph.flags), fixed: 'replace',
      file: { path, offset: fileStart, devMajor: 0, devMinor: 0, inode: 0 },
    });
    if (r < 0) throw new ExecError(`cannot map segment at 0x${start.toString(16)} (errno ${-r})`);
    const pageFileEnd = Math.min(fileStart + pageUp(ph.vaddr + bias + ph.filesz) - start, elf.bytes.length);
    as.memory.writeBytes(start, elf.bytes.subarray(fileStart, pageFileEnd));
    const zeroFrom = ph.vaddr + bias + ph.filesz;
    as.memory.fill(zeroFrom, Math.max(0, Math.min(stop, pageUp(zeroFrom)) - zeroFrom));
    end = Math.max(end, ph.vaddr + bias + ph.memsz);
  }
  return end;
}

/** Address of the program headers in memory, for AT_PHDR. */
function phdrAddress(elf: ElfFile, bias: number): number {
  const phdr = elf.segments.find((p) => p.type === PT_PHDR);
  if (phdr) return phdr.vaddr + bias;
  const first = elf.segments.find((p) => p.type === PT_LOAD && p.offset <= elf.header.phoff
    && elf.header.phoff < p.offset + p.filesz);
  if (!first) throw new ExecError('program headers are not in a loaded segment');
  return first.vaddr + bias + (elf.header.phoff - first.offset);
}

/** Writes the initial stack downward from `top` and returns %rsp. */
function buildStack(as: AddressSpace, top: number, args: ExecArgs, auxv: [number, number][]): { rsp: number; auxv: [number, number][] } {
  const enc = new TextEncoder();
  let sp = top;
  const pushBytes = (b: Uint8Array) => { sp -= b.length; as.memory.writeBytes(sp, b); return sp; };
  const pushString = (s: string) => pushBytes(Uint8Array.from([...enc.encode(s), 0]));
  const execfn = pushString(args.path);
  const envp = args.envp.map(pushString);
  const argv = args.argv.map(pushString);
  const platform = pushString('x86_64');
  sp -= sp % 16;
  const random = pushBytes(args.random.subarray(0, 16));
  const fullAuxv: [number, number][] = [...auxv, [AT.PLATFORM, platform], [AT.RANDOM, random], [AT.EXECFN, execfn], [AT.NULL, 0]];
  const words = [args.argv.length, ...argv, 0, ...envp, 0, ...fullAuxv.flat()];
  sp -= words.length * 8;
  sp -= sp % 16; // the ABI wants %rsp 16-byte aligned at _start (addresses exceed 2^31: no `&`)
  words.forEach((w, i) => as.memory.writeU64(sp + 8 * i, BigInt(w)));
  return { rsp: sp, auxv: fullAuxv };
}

/** The ELF interpreter's image: where ld.so went and where it starts. */
interface LoadedInterp {
  path: string;
  elf: ElfFile;
  /** Load bias (AT_BASE) and the mapped extent. */
  bias: number;
  start: number;
  end: number;
  entry: number;
}

/** Map the interpreter (ld.so) wherever the address space's first-fit placement puts a
 *  mapping of its size: 0x4000000 for the first, as under Valgrind. */
function mapInterpreter(as: AddressSpace, path: string, bytes: Uint8Array): LoadedInterp {
  let elf: ElfFile;
  try {
    elf = parseElf(bytes);
  } catch (e) {
    throw new ExecError(`bad ELF interpreter ${path}: ${(e as Error).message}`);
  }
  if (elf.header.type !== 'DYN' || !elf.segments.some((p) => p.type === PT_LOAD)) throw new ExecError(`bad ELF interpreter ${path}`);
  const { lo, hi } = loadExtent(elf);
  const base = as.mmap({ addr: 0, length: hi - lo, perm: PERM_NONE });
  if (base < 0) throw new ExecError(`no room for the ELF interpreter ${path}`);
  const bias = base - lo;
  const end = mapSegments(as, elf, bias, path);
  return { path, elf, bias, start: base, end, entry: elf.header.entry + bias };
}

export interface LoadOptions {
  /** Reads a file of the guest's namespace (the ELF interpreter), or undefined if absent. */
  readFile(path: string): Uint8Array | undefined;
}

/** Load an executable (ET_EXEC, PIE, static PIE, or dynamically linked with its ELF
 *  interpreter) and build its stack, as the kernel's execve does. */
export function loadExecutable(as: AddressSpace, elf: ElfFile, args: ExecArgs, opts: LoadOptions): ProcessImage {
  if (!elf.segments.some((p) => p.type === PT_LOAD)) throw new ExecError('no loadable segments');
  const { lo } = loadExtent(elf);
  const bias = elf.header.type === 'DYN' || elf.header.type === ET_DYN ? PIE_BASE - lo : 0;
  const end = mapSegments(as, elf, bias, args.path);
  const start = lo + bias;
  let interp: LoadedInterp | undefined;
  if (elf.interp !== undefined) {
    const bytes = opts.readFile(elf.interp);
    // What the kernel's execve reports for a missing interpreter (ENOENT), as a shell shows it.
    if (!bytes) throw new ExecError(`cannot execute: required file not found (ELF interpreter ${elf.interp})`);
    interp = mapInterpreter(as, elf.interp, bytes);
  }
  const brk = as.initBrk(end);
  if (brk < 0) throw new ExecError('cannot set up the brk segment');
  const stack = as.setupMainStack(mainStackMaxSize(args.mainStackSize), 128 * 1024);
  if (!stack) throw new ExecError('cannot set up the main stack');
  const entry = elf.header.entry + bias;
  const auxv: [number, number][] = [
    [AT.HWCAP, args.hwcap], [AT.PAGESZ, PAGE_SIZE], [AT.CLKTCK, 100],
    [AT.PHDR, phdrAddress(elf, bias)], [AT.PHENT, 56], [AT.PHNUM, elf.header.phnum],
    [AT.BASE, interp?.bias ?? 0], [AT.FLAGS, 0], [AT.ENTRY, entry],
    [AT.UID, args.uid], [AT.EUID, args.uid], [AT.GID, args.gid], [AT.EGID, args.gid],
    [AT.SECURE, 0], [AT.HWCAP2, 0],
  ];
  const { rsp, auxv: full } = buildStack(as, stack.top, args, auxv);
  return {
    entry: interp?.entry ?? entry, rsp, bias, brk, start, end, auxv: full, stackTop: stack.top, stackLimit: stack.limit,
    ...(interp && { interp: { path: interp.path, elf: interp.elf, start: interp.start, end: interp.end, bias: interp.bias } }),
  };
}
