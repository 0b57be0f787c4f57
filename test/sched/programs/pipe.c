#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int fds[2];

static void *writer(void *arg) {
  (void)arg;
  unsigned long h = 5381;
  for (int i = 0; i < 300000; i++) h = h * 33 + (unsigned)i;
  char msg[64];
  int n = snprintf(msg, sizeof msg, "checksum %lu\n", h % 1000003);
  write(fds[1], msg, (size_t)n);
  close(fds[1]);
  return NULL;
}

int main(void) {
  pipe(fds);
  pthread_t t;
  pthread_create(&t, NULL, writer, NULL);
  char buf[128];
  size_t got = 0;
  ssize_t n;
  /* The first read finds the pipe empty and waits for the writer thread. */
  while ((n = read(fds[0], buf + got, sizeof buf - 1 - got)) > 0) got += (size_t)n;
  buf[got] = 0;
  pthread_join(t, NULL);
  printf("read %zu bytes: %s", got, buf);
  return 0;
}
