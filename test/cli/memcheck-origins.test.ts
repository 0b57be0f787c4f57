// --track-origins=yes against native valgrind 3.19: where an uninitialised value came
// from (a heap allocation, a stack allocation, a client request), on conditional jumps,
// syscall parameters (register and buffer) and client checks; an error's origin is not
// part of its context (the same site with two origins is one context).
import { describe, it } from 'vitest';
import { compareMemcheck } from '../support/oracles.ts';
import { scratchBuilder } from '../support/memcheck-programs.ts';

const { build } = scratchBuilder('grindlab-origins-');

const PROGRAMS = {
  heap: `#include <stdlib.h>
#include <stdio.h>
int f(int *p) { if (p[1] > 3) return 1; return 0; }
int main(void) {
  int *a[2]; int r = 0;
  a[0] = malloc(10 * sizeof(int));
  a[1] = malloc(4 * sizeof(int));
  for (int i = 0; i < 2; i++) r += f(a[i]);
  int *g = realloc(a[0], 100 * sizeof(int));
  if (g[2] == 1 || g[50] == 2) r++;
  printf("%d\\n", r);
  free(g); free(a[1]);
  return 0;
}
`,
  stack: `#include <stdio.h>
int g(void) { int x; int y = 2; if (x > y) return 1; return 0; }
int h(int k) { int arr[8]; arr[0] = k; return arr[k] ? 5 : 6; }
int main(void) { printf("%d %d\\n", g(), h(3)); return 0; }
`,
  syscall: `#include <stdlib.h>
#include <unistd.h>
int main(void) {
  char *b = malloc(8);
  b[0] = 'a';
  write(1, b, 8);
  int n;
  write(1, "x", n & 1);
  free(b);
  return 0;
}
`,
  clientRequest: `#include <stdio.h>
#include <stdlib.h>
#include <valgrind/memcheck.h>
int main(void) {
  int v = 5;
  VALGRIND_MAKE_MEM_UNDEFINED(&v, sizeof v);
  if (v == 5) printf("five\\n");
  char *p = malloc(8);
  VALGRIND_CHECK_MEM_IS_DEFINED(p, 8);
  free(p);
  return 0;
}
`,
};

describe('memcheck --track-origins=yes matches valgrind', () => {
  it('heap origins (malloc, realloc), one context for two origins', () =>
    compareMemcheck('heap', build('heap', PROGRAMS.heap), ['--track-origins=yes']), 120_000);
  it('stack origins', () => compareMemcheck('stack', build('stack', PROGRAMS.stack), ['--track-origins=yes']), 120_000);
  it('syscall params: a register and a heap buffer', () =>
    compareMemcheck('syscall', build('syscall', PROGRAMS.syscall), ['--track-origins=yes']), 120_000);
  it('client requests: MAKE_MEM_UNDEFINED and CHECK_MEM_IS_DEFINED', () =>
    compareMemcheck('clientRequest', build('clientRequest', PROGRAMS.clientRequest), ['--track-origins=yes']), 120_000);
  it('-s and a full leak check with origins', () =>
    compareMemcheck('heap -s', build('heap2', PROGRAMS.heap), ['--track-origins=yes', '--leak-check=full', '-s']), 120_000);
});
