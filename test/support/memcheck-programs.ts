// C programs more than one memcheck test compiles.

/** One block of each leak kind: a lost list (definitely + indirectly), a global pointer
 *  (reachable), a pointer into a block's middle (possibly), a dropped result (definitely). */
export const LEAKS = `#include <stdlib.h>
struct node { struct node *next; char pad[8]; };
void *keep; char *mid;
int main(void) {
  struct node *a = malloc(sizeof *a); a->next = malloc(sizeof *a); a->next->next = 0;
  a = 0;
  keep = malloc(10);
  mid = (char *)malloc(20) + 4;
  malloc(7);
  return 0;
}
`;
