// Dynamically linked programs, as `gcc prog.c` makes them, compiled here: ld.so, libc and
// (for C++) libstdc++ and libgcc_s's unwinder run under the engine; a missing library
// gets ld.so's own message and exit status 127, as on Linux.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bin, compareWithOracles, run } from '../support/oracles.ts';

const dir = mkdtempSync(join(tmpdir(), 'grindlab-dyn-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The SysV ELF hash of a version name, as .gnu.version_r stores it (little-endian). */
function elfHash(name: string): Buffer {
  let h = 0;
  for (const c of Buffer.from(name)) {
    h = ((h << 4) + c) >>> 0;
    const g = h & 0xf0000000;
    if (g) h ^= g >>> 24;
    h = (h & ~g) >>> 0;
  }
  const b = Buffer.alloc(4);
  b.writeUInt32LE(h);
  return b;
}

function build(name: string, src: string, compiler: string, flags: string[] = []): string {
  const file = join(dir, `${name}.${compiler === 'g++' ? 'cc' : 'c'}`);
  writeFileSync(file, src);
  const exe = join(dir, name);
  execFileSync(compiler, ['-g', '-O1', '-o', exe, file, ...flags]);
  return exe;
}

describe('dynamically linked programs compiled now', () => {
  it('C: stdio, malloc, string functions, libm', () => {
    const exe = build('c', `#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
int main(int argc, char **argv) {
  char *s = malloc(64); strcpy(s, "dynamic"); strcat(s, " linking");
  printf("%s %zu %.6f %.3e\\n", s, strlen(s), sqrt(2.0 * argc), pow(10, 5.5));
  free(s);
  return argc + 1;
}`, 'gcc', ['-lm']);
    compareWithOracles('c', exe, ['a', 'b'], null);
  });

  it('C++: iostream, vector, string and an exception through the libgcc unwinder', () => {
    const exe = build('cxx', `#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>
static int check(int v) { if (v > 3) throw std::runtime_error("too big: " + std::to_string(v)); return v * v; }
int main() {
  std::vector<std::string> words{"alpha", "beta", "gamma"};
  std::string all;
  for (const auto &w : words) all += w + ",";
  std::cout << all << " " << words.size() << std::endl;
  int sum = 0;
  try { for (int i = 0; i < 10; i++) sum += check(i); } catch (const std::exception &e) { std::cout << "caught " << e.what() << " after " << sum << std::endl; }
  return 0;
}`, 'g++');
    compareWithOracles('cxx', exe, [], null);
  });

  it('--sandbox: the bundled sysroot instead of the host\'s libraries', () => {
    const exe = build('sandboxed', `#include <stdio.h>
#include <math.h>
int main(void) { printf("%.4f\\n", cbrt(27.5)); return 0; }`, 'gcc', ['-lm']);
    const native = run(exe, [], null);
    const ours = run(process.execPath, [bin, '--tool=none', '-q', '--sandbox', exe], null);
    expect(ours.stderr).toBe('');
    expect(ours.status).toBe(0);
    expect(ours.stdout).toBe(native.stdout);
  });

  it('dlopen of a library found in the guest\'s filesystem', () => {
    writeFileSync(join(dir, 'plugin.c'), '#include <stdio.h>\nint plugin_answer(int x) { printf("plugin sees %d\\n", x); return x * 6; }\n');
    execFileSync('gcc', ['-shared', '-fPIC', '-g', '-o', join(dir, 'libplugin.so'), join(dir, 'plugin.c')]);
    const exe = build('loader', `#include <dlfcn.h>
#include <stdio.h>
int main(int argc, char **argv) {
  (void)argc;
  void *h = dlopen(argv[1], RTLD_NOW);
  if (!h) { printf("dlopen failed: %s\\n", dlerror()); return 1; }
  int (*f)(int) = (int (*)(int))dlsym(h, "plugin_answer");
  printf("answer %d\\n", f(7));
  return dlclose(h);
}`, 'gcc', ['-ldl']);
    compareWithOracles('dlopen', exe, [join(dir, 'libplugin.so')], null);
  });

  it('a binary needing a newer glibc: ld.so names the missing version, as on Linux', () => {
    const exe = build('newer', '#include <stdio.h>\nint main(void) { puts("never"); return 0; }\n', 'gcc');
    // Ask for GLIBC_2.99 instead of 2.34: the name in .dynstr and its ELF hash in .gnu.version_r.
    const bytes = readFileSync(exe);
    const at = bytes.indexOf(Buffer.from('GLIBC_2.34\0'));
    const hash = bytes.indexOf(elfHash('GLIBC_2.34'));
    expect(at).toBeGreaterThan(0);
    expect(hash).toBeGreaterThan(0);
    bytes.write('GLIBC_2.99', at);
    elfHash('GLIBC_2.99').copy(bytes, hash);
    writeFileSync(exe, bytes);
    const native = run(exe, [], null);
    const ours = run(process.execPath, [bin, '--tool=none', '-q', exe], null);
    expect(native.stderr).toMatch(/version `GLIBC_2\.99' not found/);
    expect(ours.stderr).toBe(native.stderr);
    expect(ours.status).toBe(native.status);
    expect(ours.stdout).toBe('');
  });

  it('a missing library: ld.so says so and the status is 127', () => {
    const lib = join(dir, 'libgone.so');
    writeFileSync(join(dir, 'gone.c'), 'int gone(void) { return 7; }\n');
    execFileSync('gcc', ['-shared', '-fPIC', '-o', lib, join(dir, 'gone.c')]);
    writeFileSync(join(dir, 'needs.c'), 'int gone(void);\nint main(void) { return gone(); }\n');
    const exe = join(dir, 'needs');
    execFileSync('gcc', ['-o', exe, join(dir, 'needs.c'), `-L${dir}`, '-lgone']);
    rmSync(lib);
    const native = run(exe, [], null);
    const ours = run(process.execPath, [bin, '--tool=none', '-q', exe], null);
    expect(native.status).toBe(127);
    expect(ours.status).toBe(127);
    expect(ours.stderr).toBe(native.stderr);
    expect(ours.stderr).toMatch(/error while loading shared libraries: libgone\.so: cannot open shared object file/);
  });
});
