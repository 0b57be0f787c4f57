// Host directories through the Node adapter (src/cli/host-fs.ts), mounted on a
// temporary directory: the same call sequences as on the kernel, and what is special
// to a mount of the host.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mountHostDirectory, mountHostView, NodeHostDirectory } from '../../src/cli/host-fs.ts';
import {
  AT_FDCWD, AT_REMOVEDIR, Errno, HostFs, O_APPEND, O_CREAT, O_DIRECTORY, O_RDONLY, O_RDWR, O_WRONLY, S_IFMT,
  S_IFREG,
} from '../../src/engine/kernel/vfs/index.ts';
import { runNative, runVfs } from './differential.ts';
import { IO_OPS } from './io-sequence.ts';
import { PATH_LINES, PATH_OPS } from './path-table.ts';
import { bytes, makeProcess, ok, readAll, type TestProcess, text } from './support.ts';

let host: string;
beforeEach(() => {
  host = mkdtempSync(join(tmpdir(), 'grindlab-host-'));
});
afterEach(() => {
  rmSync(host, { recursive: true, force: true });
});

const mountAt = (guestPath: string) => (guest: TestProcess) => {
  expect(mountHostDirectory(guest.system, guestPath, host)).toBe(0);
};

describe('a host mount against the kernel', () => {
  it('resolves paths as the table says', () => {
    expect(runVfs(PATH_OPS, '/mnt/host/base', mountAt('/mnt/host'))).toEqual(PATH_LINES);
  });

  it('reads, writes and seeks as the kernel does', () => {
    expect(runVfs(IO_OPS, '/mnt/host/base', mountAt('/mnt/host'))).toEqual(runNative(IO_OPS));
  });
});

describe('a host mount', () => {
  function mounted(): TestProcess {
    const guest = makeProcess();
    mountAt('/mnt/host')(guest);
    return guest;
  }

  it('shows the host files and writes through to them', () => {
    writeFileSync(join(host, 'from-host'), 'host data');
    mkdirSync(join(host, 'sub'));
    symlinkSync('from-host', join(host, 'link'));
    const { files } = mounted();
    expect(readAll(files, ok(files.openat(AT_FDCWD, '/mnt/host/link', O_RDONLY, 0)))).toBe('host data');
    const fd = ok(files.openat(AT_FDCWD, '/mnt/host/sub/from-guest', O_CREAT | O_WRONLY, 0o640));
    files.write(fd, bytes('guest data'));
    files.close(fd);
    expect(readFileSync(join(host, 'sub/from-guest'), 'utf8')).toBe('guest data');
    const st = ok(files.fstatat(AT_FDCWD, '/mnt/host/sub/from-guest', 0));
    expect([st.mode & S_IFMT, st.mode & 0o777, st.size, st.uid, st.gid]).toEqual([S_IFREG, 0o640, 10, 1000, 1000]);
    const append = ok(files.openat(AT_FDCWD, '/mnt/host/from-host', O_WRONLY | O_APPEND, 0));
    files.write(append, bytes('!'));
    expect(readFileSync(join(host, 'from-host'), 'utf8')).toBe('host data!');
  });

  it('lists entries sorted, with their types and host inode numbers', () => {
    for (const name of ['b', 'a', 'c']) writeFileSync(join(host, name), '');
    mkdirSync(join(host, 'dir'));
    const { files } = mounted();
    const fd = ok(files.openat(AT_FDCWD, '/mnt/host', O_RDONLY | O_DIRECTORY, 0));
    const buf = new Uint8Array(4096);
    const n = ok(files.getdents64(fd, buf));
    const view = new DataView(buf.buffer);
    const entries: string[] = [];
    for (let at = 0; at < n; at += view.getUint16(at + 16, true)) {
      entries.push(`${text(buf.subarray(at + 19, buf.indexOf(0, at + 19)))}:${buf[at + 18]}`);
    }
    expect(entries).toEqual(['.:4', '..:4', 'a:8', 'b:8', 'c:8', 'dir:4']);
    const ino = Number(view.getBigUint64(24 * 2, true));
    expect(ok(files.fstatat(AT_FDCWD, '/mnt/host/a', 0)).ino).toBe(ino);
  });

  it('keeps an unlinked file readable through its descriptor', () => {
    writeFileSync(join(host, 'doomed'), 'contents');
    const { files } = mounted();
    const fd = ok(files.openat(AT_FDCWD, '/mnt/host/doomed', O_RDONLY, 0));
    expect(files.unlinkat(AT_FDCWD, '/mnt/host/doomed', 0)).toBe(0);
    expect(readAll(files, fd)).toBe('contents');
    expect(ok(files.fstat(fd)).nlink).toBe(0);
  });

  it('follows renames of directories it has handed out', () => {
    mkdirSync(join(host, 'old'));
    const { files } = mounted();
    expect(files.chdir('/mnt/host/old')).toBe(0);
    expect(files.renameat2(AT_FDCWD, '/mnt/host/old', AT_FDCWD, '/mnt/host/new', 0)).toBe(0);
    const buf = new Uint8Array(256);
    expect(text(buf.subarray(0, files.getcwd(buf) - 1))).toBe('/mnt/host/new');
    files.close(ok(files.openat(AT_FDCWD, 'here', O_CREAT | O_WRONLY, 0o644)));
    expect(readFileSync(join(host, 'new/here'), 'utf8')).toBe('');
    expect(files.chdir('..')).toBe(0);
    expect(files.unlinkat(AT_FDCWD, 'new/here', 0)).toBe(0);
    expect(files.unlinkat(AT_FDCWD, 'new', AT_REMOVEDIR)).toBe(0);
    expect(files.fstatat(AT_FDCWD, 'new', 0)).toBe(-Errno.ENOENT);
  });

  it('is its own filesystem: EXDEV to the rest, EBUSY for its root', () => {
    writeFileSync(join(host, 'f'), '');
    const { files } = mounted();
    expect(files.renameat2(AT_FDCWD, '/mnt/host/f', AT_FDCWD, '/home/user/f', 0)).toBe(-Errno.EXDEV);
    expect(ok(files.fstatat(AT_FDCWD, '/mnt/host', 0)).dev).not.toBe(ok(files.fstatat(AT_FDCWD, '/mnt', 0)).dev);
    const root = makeProcess({ cred: { uid: 0, gid: 0 } });
    mountAt('/mnt/host')(root);
    expect(root.files.unlinkat(AT_FDCWD, '/mnt/host', AT_REMOVEDIR)).toBe(-Errno.EBUSY);
    expect(root.files.renameat2(AT_FDCWD, '/mnt/host', AT_FDCWD, '/mnt/moved', 0)).toBe(-Errno.EBUSY);
  });

  it('refuses changes when mounted read-only', () => {
    writeFileSync(join(host, 'f'), 'ro');
    const guest = makeProcess();
    expect(mountHostDirectory(guest.system, '/sysroot', host, { readOnly: true })).toBe(0);
    const { files } = guest;
    expect(readAll(files, ok(files.openat(AT_FDCWD, '/sysroot/f', O_RDONLY, 0)))).toBe('ro');
    expect(files.openat(AT_FDCWD, '/sysroot/f', O_RDWR, 0)).toBe(-Errno.EROFS);
    expect(files.openat(AT_FDCWD, '/sysroot/g', O_CREAT | O_WRONLY, 0o644)).toBe(-Errno.EROFS);
    expect(files.unlinkat(AT_FDCWD, '/sysroot/f', 0)).toBe(-Errno.EROFS);
  });

  it('needs a directory to mount', () => {
    writeFileSync(join(host, 'file'), '');
    const guest = makeProcess();
    expect(HostFs.create(new NodeHostDirectory(join(host, 'file')), { dev: 1, owner: guest.system.cred })).toBe(-Errno.ENOTDIR);
    expect(mountHostDirectory(guest.system, '/x', join(host, 'missing'))).toBe(-Errno.ENOENT);
  });
});

describe("valgrind's view of the host", () => {
  it('puts the host /tmp at /tmp', () => {
    const dir = mkdtempSync('/tmp/grindlab-view-');
    try {
      writeFileSync(join(dir, 'x'), 'tmp file');
      const guest = makeProcess();
      expect(mountHostView(guest.system, '/')).toBe(0);
      expect(readAll(guest.files, ok(guest.files.openat(AT_FDCWD, `${dir}/x`, O_RDONLY, 0)))).toBe('tmp file');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('and the working directory at its own path', () => {
    const cwd = process.cwd();
    const guest = makeProcess();
    expect(mountHostView(guest.system, cwd)).toBe(0);
    expect(guest.files.chdir(cwd)).toBe(0);
    const fd = ok(guest.files.openat(AT_FDCWD, 'package.json', O_RDONLY, 0));
    expect(readAll(guest.files, fd)).toBe(readFileSync(join(cwd, 'package.json'), 'utf8'));
  });
});
