// Filling the namespace from outside the guest, as the browser preloads samples and
// uploads and the loader reads a program.

import { describe, expect, it } from 'vitest';
import {
  AT_FDCWD, AT_SYMLINK_NOFOLLOW, Errno, makeDirs, makeSymlink, O_RDONLY, O_WRONLY, readFile, writeFile,
} from '../../src/engine/kernel/vfs/index.ts';
import { bytes, makeProcess, ok, readAll, text } from './support.ts';

describe('populating the namespace', () => {
  it('writes files with their directories, owner and mode, and reads them back', () => {
    const { system, files } = makeProcess();
    const { vfs } = system;
    expect(writeFile(vfs, '/usr/lib/sample/data.txt', bytes('preloaded'), { perm: 0o640, owner: { uid: 1000, gid: 1000 } })).toBe(0);
    expect(text(ok(readFile(vfs, '/usr/lib/sample/data.txt')))).toBe('preloaded');
    const st = ok(files.fstatat(AT_FDCWD, '/usr/lib/sample/data.txt', 0));
    expect([st.mode & 0o777, st.uid, st.gid]).toEqual([0o640, 1000, 1000]);
    expect(ok(files.fstatat(AT_FDCWD, '/usr/lib', 0)).uid).toBe(0);
    expect(readAll(files, ok(files.openat(AT_FDCWD, '/usr/lib/sample/data.txt', O_RDONLY, 0)))).toBe('preloaded');
    expect(writeFile(vfs, '/usr/lib/sample/data.txt', bytes('new'))).toBe(0);
    expect(text(ok(readFile(vfs, '/usr/lib/sample/data.txt')))).toBe('new');
  });

  it('reads large and generated files whole', () => {
    const { system } = makeProcess();
    const big = new Uint8Array(200_000).map((_, i) => i & 0xff);
    writeFile(system.vfs, '/big', big);
    expect(ok(readFile(system.vfs, '/big'))).toEqual(big);
    expect(text(ok(readFile(system.vfs, '/proc/meminfo')))).toContain('MemTotal');
    expect(readFile(system.vfs, '/tmp')).toBe(-Errno.EISDIR);
    expect(readFile(system.vfs, '/missing')).toBe(-Errno.ENOENT);
  });

  it('makes directory chains and symlinks, and refuses files in the way', () => {
    const { system, files } = makeProcess();
    expect(makeDirs(system.vfs, '/opt/a/b', { owner: system.cred })).toBe(0);
    expect(makeDirs(system.vfs, '/opt/a/b')).toBe(0);
    expect(ok(files.fstatat(AT_FDCWD, '/opt/a/b', 0)).uid).toBe(1000);
    expect(makeSymlink(system.vfs, '/opt/link', 'a/b')).toBe(0);
    expect(ok(files.fstatat(AT_FDCWD, '/opt/link', AT_SYMLINK_NOFOLLOW)).mode.toString(8)).toBe('120777');
    expect(files.openat(AT_FDCWD, '/opt/link/new', O_WRONLY | 0o100, 0o644)).toBeGreaterThan(2);
    writeFile(system.vfs, '/opt/file', bytes(''));
    expect(makeDirs(system.vfs, '/opt/file/sub')).toBe(-Errno.ENOTDIR);
    expect(writeFile(system.vfs, '/opt/file/x', bytes(''))).toBe(-Errno.ENOTDIR);
  });
});
