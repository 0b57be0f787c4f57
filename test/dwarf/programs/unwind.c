/* Captures (rip, rsp, rbp) in leaf() and dumps the stack above rsp, for
 * test/dwarf/unwind.test.ts: the test unwinds the dump with grindlab's
 * unwinder and compares the return addresses with gdb's backtrace, taken at
 * marker(), which leaf() calls right after the dump.
 *
 * usage: unwind MODE OUT      MODE: chain | qsort | signal | vla
 * writes OUT.txt ("regs RIP RSP RBP", "stack LO", "obj BIAS PATH" lines,
 * all hex) and OUT.bin (the stack bytes from LO up).
 */
#define _GNU_SOURCE
#include <link.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern void *__libc_stack_end;
static const char *out;
static const char *self;
static volatile int sink;

__attribute__((noinline)) void marker(void) { __asm__ volatile(""); }

static int add_object(struct dl_phdr_info *info, size_t size, void *data) {
  (void)size;
  const char *name = info->dlpi_name && info->dlpi_name[0] ? info->dlpi_name : self;
  if (strstr(name, "linux-vdso")) return 0;
  fprintf((FILE *)data, "obj %lx %s\n", (unsigned long)info->dlpi_addr, name);
  return 0;
}

__attribute__((noinline)) static void dump(unsigned long rip, unsigned long rsp, unsigned long rbp) {
  char path[4096];
  snprintf(path, sizeof path, "%s.txt", out);
  FILE *f = fopen(path, "w");
  fprintf(f, "regs %lx %lx %lx\n", rip, rsp, rbp);
  fprintf(f, "stack %lx\n", rsp);
  dl_iterate_phdr(add_object, f);
  fclose(f);
  snprintf(path, sizeof path, "%s.bin", out);
  f = fopen(path, "wb");
  fwrite((void *)rsp, 1, (unsigned long)__libc_stack_end + 512 - rsp, f);
  fclose(f);
}

__attribute__((noinline)) int leaf(int x) {
  unsigned long rip, rsp, rbp;
  __asm__ volatile("lea 0(%%rip), %0\n\tmov %%rsp, %1\n\tmov %%rbp, %2" : "=r"(rip), "=r"(rsp), "=r"(rbp));
  dump(rip, rsp, rbp);
  marker();
  return x + sink;
}

/* Frames of different shapes: callee-saved pushes, recursion, a VLA (rbp-based CFA at -O2). */
__attribute__((noinline)) int spill(int a, int b, int c) {
  int r = leaf(a * b + c);
  return r + a + b * c + sink;
}

__attribute__((noinline)) int recurse(int n) {
  if (n == 0) return spill(n, 2, 3) + 1;
  return recurse(n - 1) + n;
}

__attribute__((noinline)) int vla(int n) {
  char buf[n + 16];
  memset(buf, n, sizeof buf);
  return recurse(2) + buf[n];
}

static int captured;
static int compare(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  if (!captured) {
    captured = 1;
    sink += leaf(x);
  }
  return (x > y) - (x < y);
}

static void handler(int sig) { sink += spill(sig, 1, 2); }

int main(int argc, char **argv) {
  if (argc < 3) return 2;
  self = argv[0];
  out = argv[2];
  const char *mode = argv[1];
  int r = 0;
  if (!strcmp(mode, "chain")) {
    r = recurse(3);
  } else if (!strcmp(mode, "vla")) {
    r = vla(argc + 20);
  } else if (!strcmp(mode, "qsort")) {
    int v[64];
    for (int i = 0; i < 64; i++) v[i] = (i * 37) % 64;
    qsort(v, 64, sizeof v[0], compare);
    r = v[3];
  } else if (!strcmp(mode, "signal")) {
    signal(SIGUSR1, handler);
    raise(SIGUSR1);
  }
  return r == 12345;
}
