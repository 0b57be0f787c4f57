// The namespace a guest program starts in:
//
//   /               rootfs (memfs)
//   /dev            devtmpfs: null zero full random urandom kvm (kvm.ts) tty pts/0 shm/,
//                   fd -> /proc/self/fd, stdin|stdout|stderr -> /proc/self/fd/0|1|2
//   /proc           proc: cpuinfo meminfo self/exe self/fd, and what the kernel defines
//   /tmp            tmpfs, mode 1777 (the CLI mounts the host's /tmp over it)
//   /home/user      the user's home and default working directory
//
// Each mount has its own st_dev, so a rename between them fails with EXDEV as on a
// real system.

import {
  DEV_FULL, DEV_NULL, DEV_RANDOM, DEV_URANDOM, DEV_ZERO, fullDevice, nullDevice, randomDevice, zeroDevice,
} from './devices.ts';
import type { NegErrno } from './errno.ts';
import { DEV_KVM, kvmDevice } from './kvm.ts';
import { type DeviceDriver, MemDirectory, MemFs } from './memfs.ts';
import { type DeviceNumber, makedev, S_IFCHR, S_ISVTX } from './mode.ts';
import { type Credentials, DEFAULT_CREDENTIALS, ROOT_CREDENTIALS } from './permission.ts';
import { makeDirs, makeSymlink } from './populate.ts';
import { DEFAULT_PROC_FILES, ProcFs } from './procfs.ts';
import type { Clock, Random, TerminalHost } from './services.ts';
import { TerminalDevice } from './terminal.ts';
import { Vfs } from './vfs.ts';

export const HOME = '/home/user';

export interface StandardSystemOptions {
  clock: Clock;
  random: Random;
  terminal: TerminalHost;
  /** Who the guest runs as: owns /home/user, the pts and host mounts' files. */
  cred?: Credentials;
}

export interface StandardSystem {
  readonly vfs: Vfs;
  readonly terminal: TerminalDevice;
  /** Where the kernel defines /proc/self/maps, /proc/self/status and the rest. */
  readonly proc: ProcFs;
  readonly cred: Credentials;
  /** A fresh anonymous device number (major 0) for another mount. */
  nextDev(): DeviceNumber;
}


export function createStandardSystem(options: StandardSystemOptions): StandardSystem {
  const { clock } = options;
  const cred = options.cred ?? DEFAULT_CREDENTIALS;
  let lastMinor = 15;
  const nextDev = () => makedev(0, ++lastMinor);
  const memfs = (type: string, rootPerm: number) => new MemFs({ type, dev: nextDev(), clock, rootPerm, rootOwner: ROOT_CREDENTIALS });

  const vfs = new Vfs({ root: memfs('rootfs', 0o755), clock, anon: memfs('pipefs', 0o600) });
  const devfs = memfs('devtmpfs', 0o755);
  const proc = new ProcFs(clock, nextDev());
  for (const [path, provider] of Object.entries(DEFAULT_PROC_FILES)) proc.define(path, provider);
  const terminal = new TerminalDevice(options.terminal, devfs, vfs.anon, cred);

  const dev = devfs.root;
  const node = (name: string, rdev: DeviceNumber, driver: DeviceDriver) =>
    dev.add(name, devfs.special(S_IFCHR | 0o666, rdev, driver, ROOT_CREDENTIALS));
  node('null', DEV_NULL, nullDevice);
  node('zero', DEV_ZERO, zeroDevice);
  node('full', DEV_FULL, fullDevice);
  node('random', DEV_RANDOM, randomDevice(options.random));
  node('urandom', DEV_URANDOM, randomDevice(options.random));
  node('kvm', DEV_KVM, kvmDevice);
  dev.add('tty', terminal.ttyNode);
  const pts = new MemDirectory(devfs, 0o755, ROOT_CREDENTIALS);
  dev.add('pts', pts);
  pts.add('0', terminal.ptsNode);
  dev.add('shm', new MemDirectory(devfs, S_ISVTX | 0o777, ROOT_CREDENTIALS));

  check(makeDirs(vfs, '/dev'));
  check(vfs.mount('/dev', devfs));
  check(makeDirs(vfs, '/proc', { perm: 0o555 }));
  check(vfs.mount('/proc', proc.fs));
  check(makeDirs(vfs, '/tmp'));
  check(vfs.mount('/tmp', memfs('tmpfs', S_ISVTX | 0o777)));
  check(makeDirs(vfs, '/home'));
  check(makeDirs(vfs, HOME, { owner: cred }));
  check(makeSymlink(vfs, '/dev/fd', '/proc/self/fd'));
  ['stdin', 'stdout', 'stderr'].forEach((name, fd) => check(makeSymlink(vfs, `/dev/${name}`, `/proc/self/fd/${fd}`)));
  return { vfs, terminal, proc, cred, nextDev };
}

/** Building the standard tree cannot fail; if it does, the engine is broken. */
function check(result: 0 | NegErrno): void {
  if (result !== 0) throw new Error(`standard filesystem tree: setup step failed with ${result}`);
}
