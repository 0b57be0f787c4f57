// Packs this machine's Debian glibc runtime into public/sysroot/, the image the browser
// (and `grindlab --sandbox`) unpacks so dynamically linked programs can run:
//   npm run sysroot
// The libraries keep their real paths (merged /usr: /lib and /lib64 are symlinks) and their
// licences travel with them under /usr/share/doc.
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, readFileSync, readlinkSync, realpathSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildSysroot } from '../src/engine/kernel/sysroot.ts';

const LIB = '/usr/lib/x86_64-linux-gnu';
const FILES = [
  `${LIB}/ld-linux-x86-64.so.2`, `${LIB}/libc.so.6`, `${LIB}/libm.so.6`,
  `${LIB}/libstdc++.so.6`, `${LIB}/libgcc_s.so.1`,
  '/usr/lib64/ld-linux-x86-64.so.2',
  '/usr/share/doc/libc6/copyright', '/usr/share/doc/gcc-12-base/copyright',
];
const LINKS: [string, string][] = [['/lib', 'usr/lib'], ['/lib64', 'usr/lib64']];

const root = join(import.meta.dirname, '..');
const out = join(root, 'public/sysroot');
type File = Parameters<typeof buildSysroot>[1][number];
const files: File[] = LINKS.map(([path, target]) => ({ path, type: 'symlink', mode: 0o777, target }));
const dirs = new Set<string>();

function addDirs(path: string): void {
  for (let d = path.slice(0, path.lastIndexOf('/')); d && !dirs.has(d); d = d.slice(0, d.lastIndexOf('/'))) {
    dirs.add(d);
    files.unshift({ path: d, type: 'dir', mode: 0o755 });
  }
}

function add(path: string): void {
  addDirs(path);
  const st = lstatSync(path);
  if (st.isSymbolicLink()) {
    const target = readlinkSync(path);
    files.push({ path, type: 'symlink', mode: 0o777, target });
    // Follow it to the real file (through /lib -> usr/lib), which is what gets packed.
    add(realpathSync(path));
  } else if (!files.some((f) => f.path === path)) {
    files.push({ path, type: 'file', mode: st.mode & 0o7777, bytes: readFileSync(path) });
  }
}

for (const f of FILES) add(f);
const versions = execFileSync('dpkg-query', ['-W', '-f', '${Package} ${Version}, ', 'libc6', 'libstdc++6', 'libgcc-s1'], { encoding: 'utf8' });
const source = `Debian 12 x86-64: ${versions.replace(/, $/, '')}`;
const image = gzipSync(buildSysroot(source, files), { level: 9 });
mkdirSync(out, { recursive: true });
// Not `.gz`: servers would send that with Content-Encoding: gzip and the browser would
// hand over the unpacked bytes, which no longer match the manifest's sha256.
const name = 'debian12-glibc.sysroot.bin';
writeFileSync(join(out, name), image);
writeFileSync(join(out, 'manifest.json'), JSON.stringify({
  image: name, source, size: image.length, sha256: createHash('sha256').update(image).digest('hex'),
  files: files.filter((f) => f.type === 'file').map((f) => ({ path: f.path, size: f.bytes!.length })),
}, null, 2) + '\n');
console.log(`${name}: ${files.length} entries, ${(image.length / 1e6).toFixed(2)} MB compressed (${source})`);
