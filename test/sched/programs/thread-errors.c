#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static void *worker(void *arg) {
  int *p = malloc(4 * sizeof(int));
  int n = (int)(long)arg;
  if (p[n] > 0) puts("positive");   /* uninitialised */
  free(p);
  free(p);                          /* double free */
  return NULL;
}

int main(void) {
  pthread_t t[2];
  for (long i = 0; i < 2; i++) {
    pthread_create(&t[i], NULL, worker, (void *)i);
    pthread_join(t[i], NULL);
  }
  int *q = malloc(8);
  if (q[1]) puts("q");
  free(q);
  puts("done");
  return 0;
}
