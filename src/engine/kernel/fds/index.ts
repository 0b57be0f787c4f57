// Per-process file state: descriptors, open file descriptions, pipes, and the file
// syscalls (ProcessFiles). docs/vfs.md describes the calling contract.

export { ProcessFiles, type ProcessFilesOptions, type MmapSource, F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_GETFL, F_SETFD, F_SETFL, FD_CLOEXEC, IOV_MAX } from './process-files.ts';
export { FdTable, DEFAULT_FD_LIMIT, type Fd, type FdEntry } from './fd-table.ts';
export { OpenFileDescription } from './open-file.ts';
export { Pipe, PIPE_BUF, PIPE_CAPACITY } from './pipe.ts';
