/* Three worker threads sum their share of a table into a total that a mutex guards, and
 * hand their results to the main thread through a condition variable. The scheduler
 * interleaves them: the page's threads tab draws which thread ran when, and where each
 * one waited. The output does not depend on the interleaving (each thread adds to the
 * total under the lock, and main prints the results in thread order). */
#include <pthread.h>
#include <stdio.h>

#define WORKERS 3
#define SHARE 60000

static unsigned table[WORKERS * SHARE];
static unsigned long total;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t finished = PTHREAD_COND_INITIALIZER;
static int done;
static unsigned long partial[WORKERS];

static void *worker(void *arg) {
  long id = (long)arg;
  unsigned long sum = 0;
  for (long i = id * SHARE; i < (id + 1) * SHARE; i++) sum += table[i];
  pthread_mutex_lock(&lock);
  total += sum;
  partial[id] = sum;
  done++;
  pthread_cond_signal(&finished);
  pthread_mutex_unlock(&lock);
  return NULL;
}

int main(void) {
  for (long i = 0; i < WORKERS * SHARE; i++) table[i] = (unsigned)(i * 2654435761u) >> 20;
  pthread_t t[WORKERS];
  for (long i = 0; i < WORKERS; i++) pthread_create(&t[i], NULL, worker, (void *)i);
  pthread_mutex_lock(&lock);
  while (done < WORKERS) pthread_cond_wait(&finished, &lock);
  pthread_mutex_unlock(&lock);
  for (int i = 0; i < WORKERS; i++) {
    pthread_join(t[i], NULL);
    printf("worker %d summed %lu\n", i, partial[i]);
  }
  printf("total %lu\n", total);
  return 0;
}
