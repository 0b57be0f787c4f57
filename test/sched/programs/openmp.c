#include <omp.h>
#include <stdio.h>
int main(void) {
  long sum = 0;
#pragma omp parallel for reduction(+:sum) num_threads(4)
  for (long i = 0; i < 1000000; i++) sum += i % 7;
  printf("sum %ld\n", sum);
  return 0;
}
