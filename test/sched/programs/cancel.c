#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;

static void unlock(void *arg) { pthread_mutex_unlock(arg); puts("cleanup ran"); }

static void *waiter(void *arg) {
  (void)arg;
  pthread_mutex_lock(&m);
  pthread_cleanup_push(unlock, &m);
  for (;;) pthread_cond_wait(&cv, &m);
  pthread_cleanup_pop(1);
  return NULL;
}

static void *sleeper(void *arg) {
  (void)arg;
  for (;;) sleep(100);
  return NULL;
}

int main(void) {
  pthread_t a, b;
  void *ra, *rb;
  pthread_create(&a, NULL, waiter, NULL);
  pthread_create(&b, NULL, sleeper, NULL);
  usleep(10000);
  pthread_cancel(a);
  pthread_cancel(b);
  pthread_join(a, &ra);
  pthread_join(b, &rb);
  printf("a %s, b %s\n", ra == PTHREAD_CANCELED ? "canceled" : "returned", rb == PTHREAD_CANCELED ? "canceled" : "returned");
  return 0;
}
