// What the memcheck tests compile: a scratch folder with a compiler front end, and the C
// programs more than one of them uses.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/** A scratch folder for one test file (removed after it), and `build`, which compiles a C
 *  (or C++) source there with -g and returns the executable's path. */
export function scratchBuilder(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const build = (name: string, source: string, cxx = false, opt = '-O0'): string => {
    const src = join(dir, `${name}.${cxx ? 'cpp' : 'c'}`);
    writeFileSync(src, source);
    const exe = join(dir, name);
    execFileSync(cxx ? 'g++' : 'gcc', ['-g', opt, '-w', '-o', exe, src]);
    return exe;
  };
  return { dir, build };
}

/** One block of each leak kind: a lost list (definitely + indirectly), a global pointer
 *  (reachable), a pointer into a block's middle (possibly), a dropped result (definitely). */
export const LEAKS = `#include <stdlib.h>
struct node { struct node *next; char pad[8]; };
void *keep; char *mid;
int main(void) {
  struct node *a = malloc(sizeof *a); a->next = malloc(sizeof *a); a->next->next = 0;
  a = 0;
  keep = malloc(10);
  mid = (char *)malloc(20) + 4;
  malloc(7);
  return 0;
}
`;
