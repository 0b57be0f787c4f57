/*
 * kvm-pit.c -- uninitialised padding handed to the kernel through ioctl.
 *
 * The story: a virtual machine monitor configures its emulated timer with
 * KVM_CREATE_PIT2, passing a struct whose reserved words it never cleared.
 * The kernel ignored them, so nothing failed -- until a later kernel gave
 * those words a meaning.  Memcheck reports it the moment it happens: ioctl
 * requests carry their argument's size and direction (_IOW: the kernel reads
 * it), and the kernel reading undefined bytes is an error.
 *
 * The second call shows the limit of that rule.  KVM_GET_DIRTY_LOG is
 * declared _IOW, as in Linux's own header, because the kernel reads the
 * struct -- but the kernel also writes the bitmap the struct points to, which
 * the encoding cannot say.  So the generic rule checks the struct (catching
 * its uninitialised padding) yet never learns that the bitmap was filled,
 * and using the bitmap raises a false "uninitialised value" error.  Valgrind
 * fixes such requests with a wrapper that knows the struct.
 *
 * /dev/kvm here is grindlab's teaching device (docs/memcheck.md), not a real
 * hypervisor: it answers these few requests with fixed values.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* The ABI of Linux's <linux/kvm.h>, spelled out here. */
#define KVMIO 0xAE
struct kvm_pit_config {
    uint32_t flags;
    uint32_t pad[15];
};
struct kvm_dirty_log {
    uint32_t slot;
    uint32_t padding1;
    void *dirty_bitmap;
};
#define KVM_GET_API_VERSION _IO(KVMIO, 0x00)
#define KVM_CHECK_EXTENSION _IO(KVMIO, 0x03)
#define KVM_CAP_PIT2 33
#define KVM_CREATE_PIT2 _IOW(KVMIO, 0x77, struct kvm_pit_config)
#define KVM_GET_DIRTY_LOG _IOW(KVMIO, 0x42, struct kvm_dirty_log)

int main(void)
{
    int kvm = open("/dev/kvm", O_RDWR);
    if (kvm < 0) {
        perror("open /dev/kvm");
        return 1;
    }
    printf("KVM API version %d\n", ioctl(kvm, KVM_GET_API_VERSION, 0));
    printf("PIT2 supported: %d\n", ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_PIT2));

    struct kvm_pit_config *pit = malloc(sizeof *pit);
    pit->flags = 0;                       /* the bug: pad[] left as it was */
    printf("KVM_CREATE_PIT2: %d\n", ioctl(kvm, KVM_CREATE_PIT2, pit));

    uint64_t *bitmap = malloc(sizeof *bitmap);
    struct kvm_dirty_log *log = malloc(sizeof *log);
    log->slot = 0;                        /* padding1 left as it was */
    log->dirty_bitmap = bitmap;
    if (ioctl(kvm, KVM_GET_DIRTY_LOG, log) == 0) {
        int dirty = 0;
        for (int page = 0; page < 64; page++)
            if (*bitmap >> page & 1)      /* defined, but Memcheck cannot know */
                dirty++;
        printf("dirty pages in slot 0: %d\n", dirty);
    }
    free(log);
    free(bitmap);
    free(pit);
    close(kvm);
    return 0;
}
