#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;

static void *sleeper(void *arg) {
  struct timespec ts = { 0, 20 * 1000 * 1000 };
  nanosleep(&ts, NULL);
  printf("sleeper %ld woke\n", (long)arg);
  return NULL;
}

int main(void) {
  struct timespec now, deadline;
  clock_gettime(CLOCK_REALTIME, &now);
  deadline = now;
  deadline.tv_nsec += 50 * 1000 * 1000;
  if (deadline.tv_nsec >= 1000000000) { deadline.tv_sec++; deadline.tv_nsec -= 1000000000; }
  pthread_mutex_lock(&m);
  int r = pthread_cond_timedwait(&cv, &m, &deadline);
  pthread_mutex_unlock(&m);
  struct timespec after;
  clock_gettime(CLOCK_REALTIME, &after);
  long waited = (after.tv_sec - now.tv_sec) * 1000 + (after.tv_nsec - now.tv_nsec) / 1000000;
  printf("timedwait: %s after at least 50 ms: %s\n", r == ETIMEDOUT ? "ETIMEDOUT" : "other", waited >= 50 ? "yes" : "no");

  pthread_t t;
  pthread_create(&t, NULL, sleeper, (void *)1L);
  printf("main before join\n");
  fflush(stdout);
  pthread_join(t, NULL);
  printf("main after join\n");
  return 0;
}
