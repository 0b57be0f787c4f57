// The CLI's terminal: the guest's stdio is this process's stdio, read and written
// synchronously (a read from fd 0 blocks the CLI as it would block the guest).
import { readSync, writeSync } from 'node:fs';
import { isatty } from 'node:tty';
import type { OutputStream, StdStream, TerminalHost } from '../engine/kernel/vfs/index.ts';

export class NodeTerminal implements TerminalHost {
  write(stream: OutputStream, bytes: Uint8Array): void {
    let off = 0;
    while (off < bytes.length) {
      try {
        off += writeSync(stream, bytes, off, bytes.length - off);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      }
    }
  }

  read(max: number): Uint8Array | null {
    const buf = new Uint8Array(Math.min(max, 65536));
    for (;;) {
      try {
        return buf.subarray(0, readSync(0, buf, 0, buf.length, null));
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EOF') return new Uint8Array(0);
        if (code !== 'EAGAIN') throw e;
      }
    }
  }

  isatty(stream: StdStream): boolean {
    return isatty(stream);
  }

  windowSize(): { rows: number; cols: number } {
    return { rows: process.stdout.rows ?? 24, cols: process.stdout.columns ?? 80 };
  }
}
