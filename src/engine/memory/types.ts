// The vocabulary of the guest address space, shared by the decoder, the
// backends and the kernel model.

/**
 * A guest virtual address. Guest code computes 64-bit addresses; only those
 * below 4 GiB can be mapped (see layout.ts), and any value at or above 2^32
 * simply faults, so a JS number holds every address that matters exactly.
 */
export type GuestAddr = number;

/**
 * Page permissions as a bit set. The bits have Linux's PROT_* values, so a
 * guest's `prot` argument is a Perm as it stands.
 */
export type Perm = number;

export const PERM_NONE: Perm = 0;
export const PERM_R: Perm = 1;
export const PERM_W: Perm = 2;
export const PERM_X: Perm = 4;
export const PERM_RW: Perm = PERM_R | PERM_W;
export const PERM_RWX: Perm = PERM_R | PERM_W | PERM_X;
