// Memcheck against native valgrind 3.19: small C and C++ programs compiled at test time,
// each run under both with the same options; the normalised reports, stdout and exit
// statuses must be equal.
import { describe, it } from 'vitest';
import { compareMemcheck } from '../support/oracles.ts';
import { LEAKS, scratchBuilder } from '../support/memcheck-programs.ts';

const { build } = scratchBuilder('grindlab-memcheck-');

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
  leaks: LEAKS,
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
  // An access's description names its start, not its first bad byte; a stack buffer
  // names the frame that holds it.
  partlyBad: `#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
struct req { int a; int reserved; long pad[2]; };
static void send(int fd) { struct req r; r.a = 1; write(fd, &r, sizeof r); }
int main(void) {
  char *p = malloc(10);
  memset(p, 0, 10);
  long v = *(volatile long *)(p + 4);
  *(volatile int *)(p + 8) = 3;
  send(open("/dev/null", O_WRONLY));
  free(p);
  return v == 42;
}
`,
  // Inlined calls get frames of their own (memcheck reads inline info), also in the
  // SIGSEGV report.
  inlined: `#include <stdio.h>
static int sum(int *p, int n) { int s = 0; for (int i = 0; i < n; i++) s += p[i * 1000]; return s; }
int main(int argc, char **argv) { int *p = argc > 5 ? (int *)argv : 0; printf("%d\\n", sum(p, argc)); return 0; }
`,
  // Many frees through a tiny --freelist-vol: the queue is emptied at the next malloc,
  // so the block just freed is still described.
  freelist: `#include <stdio.h>
#include <stdlib.h>
int main(void) {
  char *keep[64];
  for (int r = 0; r < 200; r++) {
    for (int i = 0; i < 64; i++) keep[i] = malloc(16 + (i * 37 + r) % 200);
    for (int i = 0; i < 64; i += 2) free(keep[i]);
    for (int i = 1; i < 64; i += 2) free(keep[i]);
  }
  char *p = malloc(100); free(p);
  printf("%d\\n", p[3]);
  return 0;
}
`,
  // The case-folding, search and span functions memcheck replaces.
  caseAndSearch: `#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
int main(void) {
  char *a = malloc(6), *b = malloc(8);
  memcpy(a, "HeLLo!", 6);           /* no NUL: the compares run off the block */
  strcpy(b, "hello");
  char u[8]; u[0] = 'x';
  printf("%d %d\\n", strcasecmp(b, "HELLO"), strncasecmp(b, "HELP", 3));
  printf("%d\\n", strcasecmp(a, b) > 0);
  printf("%d\\n", strncasecmp(u, "xyz", 3) != 0);
  printf("%p %p\\n", (void *)(strstr(b, "ll") - b), (void *)strstr(b, "xyz"));
  printf("%d\\n", strstr(a, "?") != 0);
  printf("%d\\n", strcasecmp(a, "hello!x") < 0);
  printf("%zu %zu %d\\n", strspn(b, "leh"), strcspn(b, "o"), strpbrk(b, "lo") == b + 2);
  printf("%d\\n", strcasestr(b, "LLO") == b + 2);
  printf("%d\\n", memrchr(b, 'l', 5) == b + 3);
  free(a); free(b);
  return 0;
}
`,
  // The copy and compare functions on good bytes (their fast paths) and where those must
  // give way to the byte loops: unaddressable bytes at or past the point they stop at.
  copyAndCompare: `#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int main(void) {
  char *a = malloc(16), *b = malloc(16), *u = malloc(16);
  strcpy(a, "same prefix");
  strcpy(b, "same prefiX");
  memcpy(u, "same", 4);              /* u[4..] undefined */
  printf("%d %d\\n", strcmp(a, b) < 0, strncmp(a, b, 10));
  printf("%d %d\\n", memcmp(a, b, 12) > 0, memcmp(a, u, 4));
  printf("%zu\\n", strlen(a) + strnlen(u, 4));
  memmove(a + 2, a, 8);
  memset(u + 10, 0, 8);              /* 2 bytes past u's end */
  strncpy(b, "pad", 18);             /* pads past b's end */
  char *s = malloc(4);
  memcpy(s, "abcd", 4);              /* no NUL */
  printf("%d %zu\\n", strcmp(s, "abcd") != 0, strlen(s));   /* read past the block */
  free(a); free(b); free(u); free(s);
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
  // Valgrind's own vprintf, not C's: unknown conversions (%i, %e, %hd, %+d) print
  // nothing and take no argument, precision only counts for %f, a %s is cut to its
  // width; a line left open is continued by the next message.
  clientPrintf: `#include <stdio.h>
#include <valgrind/valgrind.h>
int main(void) {
  int n = VALGRIND_PRINTF("hello %d %u %x %X %o %c %s %p %p %%\\n", -5, 3000000000u, 255, 255, 8, 'z', "str", (void *)0x1234, (void *)0xbeefUL);
  n += VALGRIND_PRINTF("odd [%i] [%hd] [%+d] [%.3d] [%5.2s] [%e] [%S]\\n", 4, "abc", "up");
  n += VALGRIND_PRINTF("w[%5d] [%-5d] [%05d] [%#x] [%#o] [%8s] [%-8s] [%3s] [%*d] [%'d] [%,u]\\n",
                       42, 42, 42, 255, 8, "abcdef", "ab", "abcdef", 6, 9, 1234567, 9876543u);
  n += VALGRIND_PRINTF("l %ld %lld %lu %zu %lx %lX %zX %d %s\\n", -1L, 1LL << 40, ~0UL, (size_t)17,
                       0xdeadbeefcafeUL, 0xdeadbeefcafeUL, (size_t)255, -2147483647 - 1, (char *)0);
  n += VALGRIND_PRINTF("f %f %.2f %.0f %10.3f %-8.1f| %f %.12f %f %f\\n", 3.14159, 2.5, 2.5, -1.5, 7.25, 1e30, 0.1, 0.9999999, -0.0);
  n += VALGRIND_PRINTF("mixed %d %f %d %f %d %f %d %f %d %f %d %f %d %f %d %f %d %f %d\\n",
                       1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5, 6, 6.5, 7, 7.5, 8, 8.5, 9, 9.5, 10);
  n += VALGRIND_PRINTF("two\\nlines\\n\\nblank above\\n");
  n += VALGRIND_PRINTF("no newline ");
  n += VALGRIND_PRINTF("then more\\n");
  n += VALGRIND_PRINTF_BACKTRACE("bt %d %s\\n", 7, "seven");
  n += VALGRIND_PRINTF("tail %");
  printf("n=%d\\n", n);
  n = VALGRIND_PRINTF("open");
  printf("n=%d\\n", n);
  char *volatile p = 0;
  return *p;
}
`,
  // Memory from the break is undefined, from mmap defined; mremap moves A and V bits
  // (core memory events, whichever syscall made them).
  memoryEvents: `#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void) {
  char *b = sbrk(8192);
  if (b[100]) puts("brk byte set");           /* undefined: new break */
  char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m[5]) puts("mmap byte set");            /* defined zero */
  char local[16];
  m[6] = local[3];                            /* undefined copied in */
  char *r = mremap(m, 8192, 64 * 4096, MREMAP_MAYMOVE);
  if (r[6]) puts("moved byte set");           /* still undefined after the move */
  if (r[50000]) puts("grown byte set");       /* defined zero */
  munmap(r, 64 * 4096);
  sbrk(-4096);
  puts("done");
  return 0;
}
`,
  // CREATE_BLOCK names memory for error messages until DISCARD; handles are reused.
  createBlock: `#include <stdio.h>
#include <stdlib.h>
#include <valgrind/memcheck.h>
static void mark(char *s) { VALGRIND_CREATE_BLOCK(s, 16, "stack thing"); }
int main(void) {
  char *p = malloc(3000);
  unsigned h = VALGRIND_CREATE_BLOCK(p + 8, 1600, "my pool");
  VALGRIND_MAKE_MEM_NOACCESS(p + 8, 1600);
  volatile char c = p[1212];
  unsigned h2 = VALGRIND_CREATE_BLOCK(p, 4, "second");
  printf("h=%u h2=%u d=%d\\n", h, h2, VALGRIND_DISCARD(h));
  c = p[1212];
  printf("d=%d d=%d\\n", VALGRIND_DISCARD(h), VALGRIND_DISCARD(99));
  printf("h3=%u zero=%d\\n", VALGRIND_CREATE_BLOCK(p + 100, 8, "third"), (int)VALGRIND_CREATE_BLOCK(p, 0, "none"));
  VALGRIND_MAKE_MEM_DEFINED(p, 3000);
  free(p);
  char s[16];
  mark(s);
  VALGRIND_MAKE_MEM_NOACCESS(s, 16);
  c = s[3];
  VALGRIND_MAKE_MEM_DEFINED(s, 16);
  return 0;
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
  it('an access partly outside a block, and a stack buffer to write()', () =>
    compareMemcheck('partlyBad', build('partlyBad', PROGRAMS.partlyBad), []), 120_000);
  it('inlined calls in stacks', () => compareMemcheck('inlined', build('inlined', PROGRAMS.inlined, false, '-O1'), []), 120_000);
  it('a small --freelist-vol', () => {
    const exe = build('freelist', PROGRAMS.freelist);
    for (const vol of ['0', '100']) compareMemcheck(`freelist ${vol}`, exe, [`--freelist-vol=${vol}`]);
    compareMemcheck('freelist big blocks', exe, ['--freelist-vol=1000', '--freelist-big-blocks=50']);
  }, 240_000);
  it('strcasecmp, strncasecmp, strstr, strspn, strcspn, strpbrk, strcasestr, memrchr', () =>
    compareMemcheck('caseAndSearch', build('caseAndSearch', PROGRAMS.caseAndSearch), []), 120_000);
  it('strcmp, strncmp, memcmp, strlen, memmove, memset, strncpy on good bytes and past a block', () =>
    compareMemcheck('copyAndCompare', build('copyAndCompare', PROGRAMS.copyAndCompare), []), 120_000);
  it('client requests', () => compareMemcheck('clientRequests', build('clientRequests', PROGRAMS.clientRequests), []), 120_000);
  it('VALGRIND_PRINTF and VALGRIND_PRINTF_BACKTRACE', () =>
    compareMemcheck('clientPrintf', build('clientPrintf', PROGRAMS.clientPrintf), []), 120_000);
  it('VALGRIND_CREATE_BLOCK and VALGRIND_DISCARD', () =>
    compareMemcheck('createBlock', build('createBlock', PROGRAMS.createBlock), []), 120_000);
  it('sbrk, mmap, mremap and munmap: the A and V bits of memory that comes and goes', () =>
    compareMemcheck('memoryEvents', build('memoryEvents', PROGRAMS.memoryEvents), []), 120_000);
  it('--error-exitcode', () => compareMemcheck('exitcode', build('invalidWrite2', PROGRAMS.invalidWrite), ['--error-exitcode=3', '-q']), 120_000);
  // Under -q the loss records are errors and print; the heap, leak and error summaries do not.
  it('-q with --leak-check=full', () => compareMemcheck('quietLeaks', build('quietLeaks', PROGRAMS.leaks), ['-q', '--leak-check=full', '--error-exitcode=4']), 120_000);
});
