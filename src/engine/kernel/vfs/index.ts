// The filesystem half of the kernel model: inodes, mounts, path resolution, devices,
// /proc and the byte layouts the file syscalls fill. docs/vfs.md describes the design.

export * from './errno.ts';
export * from './flags.ts';
export * from './mode.ts';
export * from './permission.ts';
export type * from './services.ts';
export type * from './inode.ts';
export * from './file-ops.ts';
export * from './ioctl.ts';
export * from './stat-layout.ts';
export * from './dirent.ts';
export { MemFs, MemDirectory, MAX_FILE_SIZE, type DeviceDriver } from './memfs.ts';
export { HostFs, type HostDirectory, type HostDirEntry, type HostFile, type HostStat } from './hostfs.ts';
export { ProcFs, type ProcProvider } from './procfs.ts';
export { TerminalDevice } from './terminal.ts';
export { Vfs, KERNEL_CALLER, type OpenedFile, type TimeUpdate } from './vfs.ts';
export { makeDirs, makeSymlink, readFile, writeFile, type NewFileOptions } from './populate.ts';
export { createStandardSystem, HOME, type StandardSystem, type StandardSystemOptions } from './standard-tree.ts';
