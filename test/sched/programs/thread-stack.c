#include <pthread.h>
#include <stdio.h>

/* A pointer into a frame that has returned: more than the red zone below the stack
   pointer, so memcheck sees an invalid read on the stack of the thread that reads. */
static int *escape(void) {
  int local[64];
  for (int i = 0; i < 64; i++) local[i] = i;
  int *p = local;
  return p;
}

static void *worker(void *arg) {
  (void)arg;
  int *p = escape();
  return (void *)(long)p[1];
}

int main(void) {
  pthread_t t;
  void *r;
  pthread_create(&t, NULL, worker, NULL);
  pthread_join(t, &r);
  int *q = escape();
  printf("%ld %d\n", (long)r, q[2]);
  return 0;
}
