// The guest address space: the public surface of src/engine/memory.
export type { GuestAddr, Perm } from './types.ts';
export { PERM_NONE, PERM_R, PERM_RW, PERM_RWX, PERM_W, PERM_X } from './types.ts';
export {
  BRK_MAX_SIZE, CLIENT_MMAP_BASE, ENGINE_RESERVED_END, ENGINE_RESERVED_START, INTERP_BASE, MMAP_MIN_ADDR,
  PAGE_SHIFT, PAGE_SIZE, PIE_BASE, STACK_TOP, WINDOW_END, isPageAligned, mainStackMaxSize, pageDown, pageUp,
} from './layout.ts';
export { EEXIST, EFAULT, EINVAL, ENOMEM, EPERM } from './errno.ts';
export { MemoryFault, SEGV_ACCERR, SEGV_MAPERR, SI_KERNEL, type AccessKind, type FaultCause } from './fault.ts';
export { GuestMemory } from './guest-memory.ts';
export type { FileBacking, Mapping, MappingKind } from './mappings.ts';
export {
  AddressSpace, type AddressSpaceOptions, type MainStack, type MapRequest, type MemoryEvents, type MremapOptions,
} from './address-space.ts';
export { GuestFault, type MemoryPort, type Vec } from './port.ts';
