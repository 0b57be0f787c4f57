// Memcheck against native valgrind 3.19: small C and C++ programs compiled at test time,
// each run under both with the same options; the normalised reports, stdout and exit
// statuses must be equal.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { compareMemcheck } from '../support/oracles.ts';

const dir = mkdtempSync(join(tmpdir(), 'grindlab-memcheck-'));

function build(name: string, source: string, cxx = false): string {
  const src = join(dir, `${name}.${cxx ? 'cpp' : 'c'}`);
  writeFileSync(src, source);
  const exe = join(dir, name);
  execFileSync(cxx ? 'g++' : 'gcc', ['-g', '-O0', '-w', '-o', exe, src]);
  return exe;
}

const PROGRAMS = {
  invalidWrite: `#include <stdlib.h>
int main(void) { int *p = malloc(10 * sizeof(int)); p[10] = 1; free(p); return 0; }
`,
  heapBugs: `#include <stdlib.h>
#include <stdio.h>
int main(void) {
  int *p = malloc(10 * sizeof(int));
  int x;
  for (int i = 0; i < 3; i++) p[10] = 1;
  if (x) printf("x\\n");
  free(p);
  free(p);
  char *q = malloc(7);
  q = 0;
  return p[2];
}
`,
  leaks: `#include <stdlib.h>
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
`,
  syscallsAndStrings: `#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <stdio.h>
int main(void) {
  char *b = malloc(8);
  b[0] = 'a';
  write(1, b, 8);
  printf("%zu\\n", strlen(b + 8));
  free(b);
  return 0;
}
`,
  clientRequests: `#include <stdlib.h>
#include <valgrind/memcheck.h>
int main(void) {
  char buf[16];
  char *p = malloc(8);
  VALGRIND_CHECK_MEM_IS_DEFINED(p, 8);
  VALGRIND_MAKE_MEM_NOACCESS(buf, 4);
  VALGRIND_CHECK_MEM_IS_ADDRESSABLE(buf + 4, 8);
  VALGRIND_MAKE_MEM_DEFINED(buf, 16);
  free(p);
  return RUNNING_ON_VALGRIND + VALGRIND_COUNT_ERRORS;
}
`,
};

const MISMATCHED_CXX = `#include <cstdlib>
int main() {
  int *a = new int[4];
  delete a;
  int *b = (int*)malloc(4);
  delete b;
  int *c = new int;
  free(c);
  return 0;
}
`;

describe('memcheck matches valgrind', () => {
  it("invalid write after a malloc'd block", () => compareMemcheck('invalidWrite', build('invalidWrite', PROGRAMS.invalidWrite), []), 120_000);
  it('use after free, double free, uninitialised condition, -s and a full leak check', () =>
    compareMemcheck('heapBugs', build('heapBugs', PROGRAMS.heapBugs), ['--leak-check=full', '-s']), 120_000);
  it('definitely, indirectly, possibly lost and still reachable', () => {
    const exe = build('leaks', PROGRAMS.leaks);
    compareMemcheck('leaks summary', exe, []);
    compareMemcheck('leaks full', exe, ['--leak-check=full', '--show-leak-kinds=all']);
  }, 240_000);
  it('write() of an uninitialised buffer and strlen past a block', () =>
    compareMemcheck('syscallsAndStrings', build('syscallsAndStrings', PROGRAMS.syscallsAndStrings), []), 120_000);
  it("mismatched new[]/delete, malloc/delete, new/free in C++ (and libstdc++'s freeres)", () =>
    compareMemcheck('mismatched', build('mismatched', MISMATCHED_CXX, true), []), 120_000);
  it('client requests', () => compareMemcheck('clientRequests', build('clientRequests', PROGRAMS.clientRequests), []), 120_000);
  it('--error-exitcode', () => compareMemcheck('exitcode', build('invalidWrite2', PROGRAMS.invalidWrite), ['--error-exitcode=3', '-q']), 120_000);
});
