// The kernel model of one process: the namespace it sees (the standard tree, host
// mounts, preloaded files), its descriptors, the /proc files that describe it, and the
// syscall table over all of it. The Machine builds one per run and dispatches through
// `syscalls`; `mapFile` is the SyscallContext hook mmap uses for descriptors.
import { cpuid } from '../guest/amd64/cpuid.ts';
import { type AddressSpace, PERM_W, type Perm } from '../memory/index.ts';
import { ProcessFiles } from './fds/index.ts';
import { SIG_IGN, type Process } from './process.ts';
import type { ThreadControl } from './threads.ts';
import { type FileMapped, fileMapper, fileSyscalls } from './syscalls/files.ts';
import type { SyscallArgs, SyscallSpec } from './syscalls/spec.ts';
import { type SyscallTable, linuxSyscalls } from './syscalls/table.ts';
import { parseSysroot } from './sysroot.ts';
import {
  type Credentials, HOME, type HostDirectory, HostFs, KERNEL_CALLER, type NegErrno, type StandardSystem, type TerminalHost,
  createStandardSystem, errnoName, makeDirs, makeSymlink, readFile, writeFile,
} from './vfs/index.ts';

/** A host directory seen in the guest's namespace (the CLI's working directory, /tmp, a sysroot). */
export interface HostMount {
  guestPath: string;
  host: HostDirectory;
  /** Writes fail with EROFS. */
  readOnly?: boolean;
}

export interface KernelOptions {
  as: AddressSpace;
  proc: Process;
  /** Its threads (the scheduler). */
  threads: ThreadControl;
  /** The terminal stdio is attached to: the page's panel, or the CLI's own stdio. */
  terminal: TerminalHost;
  /** The program's path as given (argv[0]); /proc/self/exe shows it made absolute. */
  programPath: string;
  /** Put at programPath unless a file is there already (a host mount holding the program). */
  programBytes: Uint8Array;
  /**
   * Host directories to mount, or a function that mounts them on the new system
   * (the CLI passes `(s) => mountHostView(s, process.cwd())`). The engine itself
   * never touches the host: a HostDirectory is the embedder's.
   */
  mounts?: readonly HostMount[] | ((system: StandardSystem) => 0 | NegErrno);
  /** The working directory the program starts in; /home/user unless given. */
  cwd?: string;
  /** Syscalls beyond the standard families, added to the table. */
  extraSyscalls?: readonly SyscallSpec[];
  /** Told of every file mmap (ld.so mapping a library), for debug information. */
  onFileMapped?: (m: FileMapped) => void;
}

export class Kernel {
  readonly system: StandardSystem;
  readonly files: ProcessFiles;
  readonly syscalls: SyscallTable;
  /** SyscallContext.mapFile: mmap of a descriptor into `as`. */
  readonly mapFile: (args: SyscallArgs, perm: Perm) => number;
  /** The program's absolute path: /proc/self/exe's target. */
  readonly exe: string;
  private readonly cred: Credentials;

  constructor(private readonly o: KernelOptions) {
    const { proc } = o;
    this.cred = { uid: proc.uid, gid: proc.gid };
    const system = createStandardSystem({ clock: proc.clock, random: proc.random, terminal: o.terminal, cred: this.cred });
    this.system = system;
    if (typeof o.mounts === 'function') setup(`mounting host directories`, o.mounts(system));
    else for (const m of o.mounts ?? []) setup(`mounting ${m.guestPath}`, mountHost(system, m));

    const files = ProcessFiles.create(system.vfs, { pid: proc.pid, cred: this.cred, cwd: o.cwd });
    if (typeof files === 'number') throw new Error(`grindlab: cannot start in ${o.cwd ?? HOME}: ${errnoName(files)}`);
    files.installStdio(system.terminal);
    this.files = files;
    const cwd = system.vfs.mounts.pathOf(files.cwd);
    this.exe = absolutePath(o.programPath, typeof cwd === 'string' ? cwd : '/');
    files.exe = this.exe;
    const present = system.vfs.walk(KERNEL_CALLER).resolve(system.vfs.root, this.exe, true);
    if (typeof present === 'number' || present.kind !== 'file') setup(`preloading ${this.exe}`, this.preload(this.exe, o.programBytes, 0o755));

    system.proc.define('self/maps', () => o.as.renderProcMaps());
    system.proc.define('self/status', () => this.status());
    system.proc.define('cpuinfo', () => cpuinfo());
    this.syscalls = linuxSyscalls([...fileSyscalls(files), ...(o.extraSyscalls ?? [])]);
    this.mapFile = fileMapper(files, o.as, o.onFileMapped);
  }

  /**
   * Puts a file into the namespace (an upload, a sample's data, the program itself),
   * creating its directories; it belongs to the guest's user.
   */
  preload(path: string, bytes: Uint8Array, perm = 0o644): 0 | NegErrno {
    return writeFile(this.system.vfs, absolutePath(path, '/'), bytes, { perm, owner: this.cred });
  }

  /** Unpacks a sysroot image (sysroot.ts) into the namespace at the files' own paths. */
  installSysroot(image: Uint8Array): void {
    const root = parseSysroot(image);
    for (const e of root.index.entries) {
      const what = `installing ${e.path} from the sysroot`;
      if (e.type === 'dir') setup(what, makeDirs(this.system.vfs, e.path));
      else if (e.type === 'symlink') setup(what, makeSymlink(this.system.vfs, e.path, e.target!));
      else setup(what, writeFile(this.system.vfs, e.path, root.bytes(e), { perm: e.mode & 0o7777 }));
    }
  }

  /** A file's bytes as the guest's namespace holds them (the loader reads ld.so this way). */
  readFile(path: string): Uint8Array | undefined {
    const r = readFile(this.system.vfs, path);
    return typeof r === 'number' ? undefined : r;
  }

  /** /proc/self/status as Linux 6.1 prints it, for the process as its calling thread sees it. */
  private status(): string {
    const { proc, as } = this.o;
    const umask = this.files.umask(0);
    this.files.umask(umask);
    const kb = (bytes: number) => `${String(bytes >> 10).padStart(8)} kB`;
    let size = 0;
    let anon = 0;
    let file = 0;
    let stack = 0;
    let data = 0;
    for (const m of as.mappings) {
      if (m.kind === 'reserved') continue;
      const n = m.end - m.start;
      size += n;
      if (m.kind === 'file') file += n;
      else anon += n;
      if (m.kind === 'stack') stack += n;
      else if (!m.shared && m.perm & PERM_W) data += n;
    }
    const sigset = (pick: (handler: bigint) => boolean) => {
      let set = 0n;
      for (const [sig, act] of proc.sigactions) if (pick(act.handler)) set |= 1n << BigInt(sig - 1);
      return hex16(set);
    };
    const ids = (id: number) => `${id}\t${id}\t${id}\t${id}`;
    const lines: [string, string | number][] = [
      ['Name', basename(this.exe).slice(0, 15)], ['Umask', umask.toString(8).padStart(4, '0')], ['State', 'R (running)'],
      ['Tgid', proc.pid], ['Ngid', 0], ['Pid', proc.pid], ['PPid', proc.pid - 1], ['TracerPid', 0],
      ['Uid', ids(proc.uid)], ['Gid', ids(proc.gid)], ['FDSize', 64], ['Groups', ' '],
      ['NStgid', proc.pid], ['NSpid', proc.pid], ['NSpgid', proc.pid], ['NSsid', proc.pid],
      ['VmPeak', kb(size)], ['VmSize', kb(size)], ['VmLck', kb(0)], ['VmPin', kb(0)], ['VmHWM', kb(size)], ['VmRSS', kb(size)],
      ['RssAnon', kb(anon)], ['RssFile', kb(file)], ['RssShmem', kb(0)], ['VmData', kb(data)], ['VmStk', kb(stack)],
      ['VmExe', kb(0)], ['VmLib', kb(0)], ['VmPTE', kb(0)], ['VmSwap', kb(0)], ['HugetlbPages', kb(0)],
      ['CoreDumping', 0], ['THP_enabled', 1], ['Threads', this.o.threads.count], ['SigQ', '0/63448'],
      ['SigPnd', hex16(0n)], ['ShdPnd', hex16(0n)], ['SigBlk', hex16(this.o.threads.current.sigmask)],
      ['SigIgn', sigset((h) => h === SIG_IGN)], ['SigCgt', sigset((h) => h > SIG_IGN)],
      ['CapInh', hex16(0n)], ['CapPrm', hex16(0n)], ['CapEff', hex16(0n)], ['CapBnd', '000001ffffffffff'], ['CapAmb', hex16(0n)],
      ['NoNewPrivs', 0], ['Seccomp', 0], ['Seccomp_filters', 0],
      ['Speculation_Store_Bypass', 'not vulnerable'], ['SpeculationIndirectBranch', 'always enabled'],
      // One CPU, as sched_getaffinity reports.
      ['Cpus_allowed', 1], ['Cpus_allowed_list', 0], ['Mems_allowed', `${'00000000,'.repeat(31)}00000001`], ['Mems_allowed_list', 0],
      ['voluntary_ctxt_switches', 0], ['nonvoluntary_ctxt_switches', 0],
    ];
    return lines.map(([k, v]) => `${k}:\t${v}\n`).join('');
  }
}

function mountHost(system: StandardSystem, m: HostMount): 0 | NegErrno {
  const fs = HostFs.create(m.host, { dev: system.nextDev(), owner: system.cred, readOnly: m.readOnly });
  if (typeof fs === 'number') return fs;
  const dirs = makeDirs(system.vfs, m.guestPath);
  return dirs !== 0 ? dirs : system.vfs.mount(m.guestPath, fs);
}

/** Setting up the namespace is the embedder's configuration: a failure stops the run. */
function setup(what: string, result: 0 | NegErrno): void {
  if (result !== 0) throw new Error(`grindlab: ${what} failed: ${errnoName(result)}`);
}

/** `path` made absolute against `cwd`, with "." and ".." resolved by name (as execve's path is shown). */
export function absolutePath(path: string, cwd: string): string {
  const names: string[] = [];
  for (const name of (path.startsWith('/') ? path : `${cwd}/${path}`).split('/')) {
    if (name === '..') names.pop();
    else if (name !== '' && name !== '.') names.push(name);
  }
  return `/${names.join('/')}`;
}

const basename = (path: string) => path.slice(path.lastIndexOf('/') + 1);
const hex16 = (v: bigint) => v.toString(16).padStart(16, '0');

// ------------------------------------------------------------------ /proc/cpuinfo

/**
 * The cpuinfo flag names of CPUID feature bits, in the order Linux prints them (its
 * cpufeature words: 1.EDX, 0x80000001.EDX, 1.ECX, 0x80000001.ECX, 7.EBX).
 */
const FLAG_WORDS: readonly { leaf: number; reg: 'eax' | 'ebx' | 'ecx' | 'edx'; names: Readonly<Record<number, string>> }[] = [
  {
    leaf: 1, reg: 'edx', names: {
      0: 'fpu', 1: 'vme', 2: 'de', 3: 'pse', 4: 'tsc', 5: 'msr', 6: 'pae', 7: 'mce', 8: 'cx8', 9: 'apic', 11: 'sep',
      12: 'mtrr', 13: 'pge', 14: 'mca', 15: 'cmov', 16: 'pat', 17: 'pse36', 19: 'clflush', 21: 'dts', 22: 'acpi',
      23: 'mmx', 24: 'fxsr', 25: 'sse', 26: 'sse2', 27: 'ss', 28: 'ht', 29: 'tm', 31: 'pbe',
    },
  },
  { leaf: 0x80000001, reg: 'edx', names: { 11: 'syscall', 20: 'nx', 22: 'mmxext', 25: 'fxsr_opt', 26: 'pdpe1gb', 27: 'rdtscp', 29: 'lm' } },
  {
    leaf: 1, reg: 'ecx', names: {
      0: 'pni', 1: 'pclmulqdq', 3: 'monitor', 9: 'ssse3', 12: 'fma', 13: 'cx16', 19: 'sse4_1', 20: 'sse4_2',
      22: 'movbe', 23: 'popcnt', 25: 'aes', 26: 'xsave', 28: 'avx', 29: 'f16c', 30: 'rdrand', 31: 'hypervisor',
    },
  },
  { leaf: 0x80000001, reg: 'ecx', names: { 0: 'lahf_lm', 5: 'abm', 6: 'sse4a', 8: '3dnowprefetch' } },
  {
    leaf: 7, reg: 'ebx', names: {
      0: 'fsgsbase', 3: 'bmi1', 5: 'avx2', 8: 'bmi2', 9: 'erms', 16: 'avx512f', 18: 'rdseed', 19: 'adx', 23: 'clflushopt', 29: 'sha_ni',
    },
  },
];

/** The CPUID string registers as text: the vendor (ebx edx ecx) or a brand-string leaf (eax ebx ecx edx). */
function cpuidText(words: number[]): string {
  return String.fromCharCode(...words.flatMap((w) => [w & 0xff, (w >>> 8) & 0xff, (w >>> 16) & 0xff, w >>> 24]));
}

/**
 * /proc/cpuinfo derived from the CPUID model, so that it advertises exactly what
 * cpuid does: one processor, its vendor, signature, brand and feature flags.
 */
export function cpuinfo(): string {
  const l0 = cpuid(0, 0);
  const l1 = cpuid(1, 0);
  const maxExt = cpuid(0x80000000, 0).eax >>> 0;
  const vendor = cpuidText([l0.ebx, l0.edx, l0.ecx]);
  const brand = maxExt >= 0x80000004
    ? [0x80000002, 0x80000003, 0x80000004].map((leaf) => { const r = cpuid(leaf, 0); return cpuidText([r.eax, r.ebx, r.ecx, r.edx]); }).join('').replace(/\0+$/, '').trim()
    : 'unknown';
  const baseFamily = (l1.eax >>> 8) & 0xf;
  const family = baseFamily === 0xf ? baseFamily + ((l1.eax >>> 20) & 0xff) : baseFamily;
  const model = ((l1.eax >>> 4) & 0xf) | (baseFamily >= 6 ? ((l1.eax >>> 16) & 0xf) << 4 : 0);
  const flags = FLAG_WORDS.flatMap(({ leaf, reg, names }) => {
    const max = leaf >= 0x80000000 ? maxExt : l0.eax >>> 0;
    if (leaf > max) return [];
    const value = cpuid(leaf, 0)[reg];
    return Object.entries(names).filter(([bit]) => (value >>> Number(bit)) & 1).map(([, name]) => name);
  });
  const sizes = maxExt >= 0x80000008 ? cpuid(0x80000008, 0).eax : 0x3028;
  const clflush = ((l1.ebx >>> 8) & 0xff) * 8;
  return [
    'processor\t: 0', `vendor_id\t: ${vendor}`, `cpu family\t: ${family}`, `model\t\t: ${model}`, `model name\t: ${brand}`,
    `stepping\t: ${l1.eax & 0xf}`, 'cpu MHz\t\t: 1000.000', 'physical id\t: 0', 'siblings\t: 1', 'core id\t\t: 0',
    'cpu cores\t: 1', `apicid\t\t: ${l1.ebx >>> 24}`, `initial apicid\t: ${l1.ebx >>> 24}`,
    `fpu\t\t: ${l1.edx & 1 ? 'yes' : 'no'}`, `fpu_exception\t: ${l1.edx & 1 ? 'yes' : 'no'}`, `cpuid level\t: ${l0.eax}`,
    'wp\t\t: yes', `flags\t\t: ${flags.join(' ')}`, 'bugs\t\t:', 'bogomips\t: 2000.00', `clflush size\t: ${clflush}`,
    `cache_alignment\t: ${clflush}`, `address sizes\t: ${sizes & 0xff} bits physical, ${(sizes >>> 8) & 0xff} bits virtual`,
    'power management:', '', '',
  ].join('\n');
}
