// The sysroot image: what the build script packs is what the kernel unpacks, the bundled
// image holds the runtime ld.so needs, and a damaged image is refused clearly.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SysrootError, buildSysroot, parseSysroot } from '../../src/engine/kernel/sysroot.ts';

const root = join(import.meta.dirname, '../..');

describe('sysroot images', () => {
  it('round-trips files, symlinks and directories', () => {
    const image = buildSysroot('test', [
      { path: '/usr', type: 'dir', mode: 0o755 },
      { path: '/usr/lib/a.so', type: 'file', mode: 0o644, bytes: Uint8Array.of(1, 2, 3) },
      { path: '/lib', type: 'symlink', mode: 0o777, target: 'usr/lib' },
      { path: '/usr/lib/b', type: 'file', mode: 0o755, bytes: new TextEncoder().encode('hello') },
    ]);
    const s = parseSysroot(image);
    expect(s.index.source).toBe('test');
    expect(s.index.entries.map((e) => [e.path, e.type])).toEqual([
      ['/usr', 'dir'], ['/usr/lib/a.so', 'file'], ['/lib', 'symlink'], ['/usr/lib/b', 'file'],
    ]);
    expect([...s.bytes(s.index.entries[1]!)]).toEqual([1, 2, 3]);
    expect(new TextDecoder().decode(s.bytes(s.index.entries[3]!))).toBe('hello');
  });

  it('refuses a damaged image with a clear error', () => {
    const good = buildSysroot('t', [{ path: '/f', type: 'file', mode: 0o644, bytes: new Uint8Array(100) }]);
    expect(() => parseSysroot(new Uint8Array(20))).toThrow(SysrootError);
    expect(() => parseSysroot(good.subarray(0, 12))).toThrow(/truncated/);
    expect(() => parseSysroot(good.subarray(0, good.length - 50))).toThrow(/outside the image/);
  });

  it('the bundled image has the Debian runtime at its real paths, with licences', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'public/sysroot/manifest.json'), 'utf8')) as { image: string };
    const s = parseSysroot(gunzipSync(readFileSync(join(root, 'public/sysroot', manifest.image))));
    const paths = new Map(s.index.entries.map((e) => [e.path, e]));
    for (const lib of ['ld-linux-x86-64.so.2', 'libc.so.6', 'libm.so.6', 'libstdc++.so.6', 'libgcc_s.so.1']) {
      expect(paths.has(`/usr/lib/x86_64-linux-gnu/${lib}`), lib).toBe(true);
    }
    expect(paths.get('/lib64')?.target).toBe('usr/lib64');
    expect(paths.get('/usr/lib64/ld-linux-x86-64.so.2')?.type).toBe('symlink');
    expect(paths.get('/usr/share/doc/libc6/copyright')?.type).toBe('file');
    expect(paths.get('/usr/share/doc/gcc-12-base/copyright')?.type).toBe('file');
    expect(s.index.source).toMatch(/libc6 2\.36/);
  });
});
