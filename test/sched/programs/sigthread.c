#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sched.h>

static pthread_t target;
static volatile sig_atomic_t got;
static volatile int in_target;

static void on_usr1(int sig) {
  (void)sig;
  in_target = pthread_equal(pthread_self(), target);
  got = 1;
}

static void *wait_for_signal(void *arg) {
  (void)arg;
  while (!got) sched_yield();
  return NULL;
}

int main(void) {
  signal(SIGUSR1, on_usr1);
  pthread_create(&target, NULL, wait_for_signal, NULL);
  pthread_kill(target, SIGUSR1);
  pthread_join(target, NULL);
  printf("handler ran in the target thread: %s\n", in_target ? "yes" : "no");
  return 0;
}
