#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

#define N 4
static __thread int tls_counter;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long shared_total;
static pthread_barrier_t barrier;
static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static int table[N];

static void *worker(void *arg) {
  long id = (long)arg;
  for (int i = 0; i < 20000; i++) {
    tls_counter++;
    pthread_mutex_lock(&lock);
    shared_total += id + 1;
    pthread_mutex_unlock(&lock);
  }
  pthread_barrier_wait(&barrier);
  pthread_rwlock_wrlock(&rw);
  table[id] = tls_counter + (int)id;
  pthread_rwlock_unlock(&rw);
  int differs = syscall(SYS_gettid) != getpid();
  return (void *)(long)(id * 100 + differs);
}

/* producer/consumer on a condition variable */
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static pthread_mutex_t qlock = PTHREAD_MUTEX_INITIALIZER;
static int queue[8], qhead, qtail, done;
static void *producer(void *arg) {
  (void)arg;
  for (int i = 1; i <= 100; i++) {
    pthread_mutex_lock(&qlock);
    while (qtail - qhead == 8) pthread_cond_wait(&cv, &qlock);
    queue[qtail++ % 8] = i;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&qlock);
  }
  pthread_mutex_lock(&qlock);
  done = 1;
  pthread_cond_broadcast(&cv);
  pthread_mutex_unlock(&qlock);
  return NULL;
}
static void *consumer(void *arg) {
  long sum = 0;
  for (;;) {
    pthread_mutex_lock(&qlock);
    while (qtail == qhead && !done) pthread_cond_wait(&cv, &qlock);
    if (qtail == qhead && done) { pthread_mutex_unlock(&qlock); break; }
    sum += queue[qhead++ % 8];
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&qlock);
  }
  *(long *)arg = sum;
  return NULL;
}

static sem_t sem;
static void *detached(void *arg) {
  (void)arg;
  sem_post(&sem);
  return NULL;
}

int main(void) {
  pthread_t t[N];
  pthread_barrier_init(&barrier, NULL, N);
  for (long i = 0; i < N; i++) pthread_create(&t[i], NULL, worker, (void *)i);
  for (int i = 0; i < N; i++) {
    void *ret;
    pthread_join(t[i], &ret);
    printf("thread %d returned %ld\n", i, (long)ret);
  }
  printf("total %ld, main tls %d\n", shared_total, tls_counter);
  for (int i = 0; i < N; i++) printf("table[%d] = %d\n", i, table[i]);

  pthread_t p, c1, c2;
  long s1 = 0, s2 = 0;
  pthread_create(&c1, NULL, consumer, &s1);
  pthread_create(&c2, NULL, consumer, &s2);
  pthread_create(&p, NULL, producer, NULL);
  pthread_join(p, NULL); pthread_join(c1, NULL); pthread_join(c2, NULL);
  printf("consumed %ld\n", s1 + s2);

  sem_init(&sem, 0, 0);
  pthread_attr_t a;
  pthread_attr_init(&a);
  pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
  pthread_t d;
  for (int i = 0; i < 3; i++) pthread_create(&d, &a, detached, NULL);
  for (int i = 0; i < 3; i++) sem_wait(&sem);
  printf("detached threads posted\n");
  return 0;
}
