/* Line-table test program: several functions, a header of inline code, a
 * second translation unit (lines-other.c), loops, a switch, and a mode that
 * prints a line and blocks on stdin so that native Valgrind can be queried
 * through vgdb while it runs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "lines-util.h"

struct node { int key; struct node *next; };

int other_sum(const int *v, int n);
long other_fold(long acc, long x);

static struct node *push(struct node *head, int key) {
  struct node *n = malloc(sizeof *n);
  n->key = key;
  n->next = head;
  return n;
}

__attribute__((noinline)) int sum_list(const struct node *n) {
  int total = 0;
  for (; n; n = n->next)
    total += clamp(n->key, -100, 100);
  return total;
}

int classify(int x) {
  switch (x % 5) {
  case 0: return SQUARE(x);
  case 1: return x + 1;
  case 2: return x * 3;
  case 3: return -x;
  default: return 0;
  }
}

double average(const int *v, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s += v[i];
  return n ? s / n : 0.0;
}

int main(int argc, char **argv) {
  struct node *list = NULL;
  int values[16];
  for (int i = 0; i < 16; i++) {
    values[i] = classify(i + argc);
    list = push(list, values[i]);
  }
  char buf[64];
  snprintf(buf, sizeof buf, "%s:%d", argv[0], sum_list(list));
  printf("%s %f %zu %d %ld\n", buf, average(values, 16), strlen(buf), other_sum(values, 16), other_fold(1, argc));
  fflush(stdout);
  while (list) { struct node *n = list->next; free(list); list = n; }
  if (argc > 1 && !strcmp(argv[1], "wait")) {
    char c;
    return (int)read(0, &c, 1);
  }
  return 0;
}
