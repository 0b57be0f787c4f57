// /dev/kvm as a teaching device: no hypervisor behind it, just the handful of requests
// the kvm-pit sample makes, answered with fixed values, so that Memcheck's ioctl rules
// can be watched at work. One descriptor stands for the system, its VM and memory slot 0.
//
// Its request table keeps Linux's own encodings, including KVM_GET_DIRTY_LOG's _IOW:
// the kernel reads the struct, but also writes the bitmap the struct points to, which
// no _IOC direction can say. A tool that trusts the encoding (Valgrind's generic rule)
// never learns that the bitmap was filled — the mis-annotation the sample teaches.
import { Errno } from './errno.ts';
import type { FileOps } from './file-ops.ts';
import { IOC_WRITE, type IoctlArg, ioc, iocArg } from './ioctl.ts';
import type { DeviceDriver } from './memfs.ts';
import { makedev } from './mode.ts';

export const DEV_KVM = makedev(10, 232);

const KVMIO = 0xae;
export const KVM_GET_API_VERSION = ioc(0, KVMIO, 0x00, 0);
export const KVM_CHECK_EXTENSION = ioc(0, KVMIO, 0x03, 0);
/** struct kvm_pit_config { __u32 flags; __u32 pad[15]; } */
export const KVM_CREATE_PIT2 = ioc(IOC_WRITE, KVMIO, 0x77, 64);
/** struct kvm_dirty_log { __u32 slot; __u32 padding1; void *dirty_bitmap; } — _IOW, as Linux declares it. */
export const KVM_GET_DIRTY_LOG = ioc(IOC_WRITE, KVMIO, 0x42, 16);

const KVM_API_VERSION = 12;
const KVM_CAP_PIT2 = 33;
const KVM_PIT_SPEAKER_DUMMY = 1;
/** Pages of slot 0 the "guest" has written: a fixed pattern (4 of 64 pages). */
const SLOT0_DIRTY = 0x8000_0000_0000_0013n;

const REQUESTS = [KVM_GET_API_VERSION, KVM_CHECK_EXTENSION, KVM_CREATE_PIT2, KVM_GET_DIRTY_LOG];
const ARGS: ReadonlyMap<number, IoctlArg> = new Map(REQUESTS.map((r) => [r, iocArg(r)]));

export const kvmDevice: DeviceDriver = {
  open: () => {
    let pit = false;
    const ops: FileOps = {
      positioning: 'stream',
      read: () => -Errno.EINVAL,
      write: () => -Errno.EINVAL,
      ioctlArgs: ARGS,
      ioctl: (request, arg, call) => {
        const view = new DataView(arg.buffer, arg.byteOffset, arg.byteLength);
        switch (request) {
          case KVM_GET_API_VERSION:
            return KVM_API_VERSION;
          case KVM_CHECK_EXTENSION:
            return call?.value === BigInt(KVM_CAP_PIT2) ? 1 : 0;
          case KVM_CREATE_PIT2:
            // The kernel ignores pad[]; unknown flag bits are refused.
            if (view.getUint32(0, true) & ~KVM_PIT_SPEAKER_DUMMY) return -Errno.EINVAL;
            if (pit) return -Errno.EEXIST;
            pit = true;
            return 0;
          case KVM_GET_DIRTY_LOG: {
            if (view.getUint32(0, true) !== 0) return -Errno.ENOENT;
            const bitmap = new Uint8Array(8);
            new DataView(bitmap.buffer).setBigUint64(0, SLOT0_DIRTY, true);
            const addr = Number(view.getBigUint64(8, true));
            return call?.write(addr, bitmap) ? 0 : -Errno.EFAULT;
          }
        }
        return -Errno.ENOTTY;
      },
    };
    return ops;
  },
};
