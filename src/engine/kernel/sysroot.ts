// A sysroot image: the Debian glibc runtime (ld.so, libc, libm, libstdc++, libgcc_s and
// their licences) packed into one archive the browser fetches once and the VFS unpacks at
// the files' real paths, so dynamically linked programs find what ld.so looks for.
//
// Layout (the host decompresses the gzip around it): the magic `GLSYSROOT\n`, a u32
// little-endian length, that many bytes of JSON index, then the files' bytes.

export interface SysrootEntry {
  path: string;
  type: 'file' | 'symlink' | 'dir';
  mode: number;
  /** file: where its bytes start after the index, and how many. */
  offset?: number;
  size?: number;
  /** symlink: its target. */
  target?: string;
}

export interface SysrootIndex {
  /** Where the files came from (distribution, package versions), for the UI and licences. */
  source: string;
  entries: SysrootEntry[];
}

export const SYSROOT_MAGIC = 'GLSYSROOT\n';

export class SysrootError extends Error {}

export interface Sysroot {
  index: SysrootIndex;
  /** The bytes of a file entry. */
  bytes(e: SysrootEntry): Uint8Array;
}

export function parseSysroot(image: Uint8Array): Sysroot {
  const magic = new TextDecoder().decode(image.subarray(0, SYSROOT_MAGIC.length));
  if (magic !== SYSROOT_MAGIC) throw new SysrootError('not a grindlab sysroot image (bad magic)');
  const head = SYSROOT_MAGIC.length + 4;
  if (image.length < head) throw new SysrootError('truncated sysroot image');
  const len = new DataView(image.buffer, image.byteOffset + SYSROOT_MAGIC.length, 4).getUint32(0, true);
  if (head + len > image.length) throw new SysrootError('truncated sysroot image (index)');
  let index: SysrootIndex;
  try {
    index = JSON.parse(new TextDecoder().decode(image.subarray(head, head + len))) as SysrootIndex;
  } catch {
    throw new SysrootError('corrupt sysroot index');
  }
  const data = image.subarray(head + len);
  for (const e of index.entries) {
    if (e.type === 'file' && ((e.offset ?? -1) < 0 || (e.offset ?? 0) + (e.size ?? 0) > data.length)) {
      throw new SysrootError(`sysroot entry ${e.path} lies outside the image`);
    }
  }
  return { index, bytes: (e) => data.subarray(e.offset!, e.offset! + e.size!) };
}

/** Builds an image from entries and their bytes (used by scripts/make-sysroot.ts and tests). */
export function buildSysroot(source: string, files: { path: string; type: SysrootEntry['type']; mode: number; bytes?: Uint8Array; target?: string }[]): Uint8Array {
  const entries: SysrootEntry[] = [];
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const f of files) {
    if (f.type === 'file') {
      entries.push({ path: f.path, type: 'file', mode: f.mode, offset, size: f.bytes!.length });
      chunks.push(f.bytes!);
      offset += f.bytes!.length;
    } else {
      entries.push({ path: f.path, type: f.type, mode: f.mode, ...(f.target !== undefined && { target: f.target }) });
    }
  }
  const index = new TextEncoder().encode(JSON.stringify({ source, entries } satisfies SysrootIndex));
  const out = new Uint8Array(SYSROOT_MAGIC.length + 4 + index.length + offset);
  out.set(new TextEncoder().encode(SYSROOT_MAGIC), 0);
  new DataView(out.buffer).setUint32(SYSROOT_MAGIC.length, index.length, true);
  out.set(index, SYSROOT_MAGIC.length + 4);
  let at = SYSROOT_MAGIC.length + 4 + index.length;
  for (const c of chunks) { out.set(c, at); at += c.length; }
  return out;
}
