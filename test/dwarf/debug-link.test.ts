// Finding a separate debug file: build-id path, .gnu_debuglink name and CRC.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { crc32, debugFileCandidates, gnuDebuglink } from '../../src/engine/elf/index.ts';
import { installedDebugFile, LIBC, loadElf } from './support.ts';

describe('debug file lookup', () => {
  it('crc32 is the IEEE CRC zlib computes', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it("lists libc's build-id path first, then its debuglink locations", () => {
    const elf = loadElf(LIBC);
    const link = gnuDebuglink(elf)!;
    expect(link.name).toBe(`${elf.buildId!.slice(2)}.debug`);
    const paths = debugFileCandidates(elf, LIBC, ['/opt/debug']);
    expect(paths[0]).toBe(`/usr/lib/debug/.build-id/${elf.buildId!.slice(0, 2)}/${elf.buildId!.slice(2)}.debug`);
    expect(paths[1]).toBe(`/opt/debug/.build-id/${elf.buildId!.slice(0, 2)}/${elf.buildId!.slice(2)}.debug`);
    expect(paths).toContain(`/usr/lib/x86_64-linux-gnu/.debug/${link.name}`);
    expect(paths).toContain(`/usr/lib/debug/usr/lib/x86_64-linux-gnu/${link.name}`);
    const installed = installedDebugFile(elf);
    if (installed) expect(crc32(new Uint8Array(readFileSync(installed)))).toBe(link.crc);
  });
});
