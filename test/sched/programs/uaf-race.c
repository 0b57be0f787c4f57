/* A use after free that only some interleavings show: main frees the message after a
   longer loop than the reader's, so the reader gets to it first unless the scheduler runs
   main long enough before it. Under memcheck: an invalid read, or nothing, by seed. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static char *message;

static void *reader(void *arg) {
  (void)arg;
  for (volatile long i = 0; i < 60000; i++) {}
  return (void *)(long)message[0];
}

int main(void) {
  message = malloc(16);
  message[0] = 'x';
  pthread_t t;
  void *r;
  pthread_create(&t, NULL, reader, NULL);
  for (volatile long i = 0; i < 150000; i++) {}
  free(message);
  pthread_join(t, &r);
  puts("done");
  return 0;
}
