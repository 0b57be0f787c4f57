#include <pthread.h>
#include <stdio.h>

static volatile long counter;

static void *bump(void *arg) {
  (void)arg;
  for (int i = 0; i < 200000; i++) counter++;
  return NULL;
}

int main(void) {
  pthread_t t[3];
  for (int i = 0; i < 3; i++) pthread_create(&t[i], NULL, bump, NULL);
  for (int i = 0; i < 3; i++) pthread_join(t[i], NULL);
  printf("counter %s 600000\n", counter == 600000 ? "==" : "!=");
  return 0;
}
