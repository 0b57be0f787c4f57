// select(2) and pselect6(2) (glibc's select() is pselect6): pipes that are and are not
// ready, a timeout that passes, a closed descriptor, sets written back — native
// execution and valgrind are the oracles.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, it } from 'vitest';
import { compareWithOracles } from '../support/oracles.ts';

const dir = mkdtempSync(join(tmpdir(), 'grindlab-select-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SOURCE = `#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <unistd.h>

static void show(const char *what, int n, fd_set *r, fd_set *w, int hi) {
  printf("%s -> %d%s", what, n, n < 0 ? strerror(errno) : "");
  for (int fd = 0; fd <= hi; fd++) {
    if (r && FD_ISSET(fd, r)) printf(" r%d", fd);
    if (w && FD_ISSET(fd, w)) printf(" w%d", fd);
  }
  printf("\\n");
}

int main(void) {
  int p[2];
  pipe(p);
  fd_set r, w;
  struct timeval tv = { 0, 250000 };
  FD_ZERO(&r); FD_ZERO(&w);
  FD_SET(p[0], &r); FD_SET(p[1], &w);
  show("empty pipe", select(p[1] + 1, &r, &w, NULL, &tv), &r, &w, p[1]);
  FD_ZERO(&r); FD_SET(p[0], &r);
  show("timeout", select(p[0] + 1, &r, NULL, NULL, &tv), &r, NULL, p[1]);
  printf("timeout left %ld.%06ld\\n", (long)tv.tv_sec, (long)tv.tv_usec);
  write(p[1], "x", 1);
  FD_ZERO(&r); FD_SET(p[0], &r);
  show("data", select(p[0] + 1, &r, NULL, NULL, NULL), &r, NULL, p[1]);
  close(p[1]);
  FD_ZERO(&r); FD_SET(p[1], &r);
  show("closed fd", select(p[1] + 1, &r, NULL, NULL, NULL), &r, NULL, p[1]);
  struct timespec ts = { 0, 0 };
  FD_ZERO(&r); FD_SET(p[0], &r);
  show("pselect", pselect(p[0] + 1, &r, NULL, NULL, &ts, NULL), &r, NULL, p[1]);
  show("bad n", select(-1, NULL, NULL, NULL, &tv), NULL, NULL, 0);
  return 0;
}
`;

it('select and pselect6 agree with native and valgrind', () => {
  const src = join(dir, 'select.c');
  writeFileSync(src, SOURCE);
  const exe = join(dir, 'select');
  execFileSync('gcc', ['-g', '-O1', '-o', exe, src]);
  compareWithOracles('select', exe, [], null);
}, 120_000);
