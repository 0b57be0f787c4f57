/*
 * realloc-leak.c -- a growing buffer that is never freed.
 *
 * The story: a line collector grows its buffer with realloc() as input
 * arrives, hands back the number of lines, and forgets the buffer.  Each
 * realloc() frees the old block and allocates a new one, so only the last
 * one leaks, and Memcheck's loss record points at the realloc() call that
 * made it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t collect(FILE *in)
{
    char *all = NULL;
    size_t len = 0, cap = 0, lines = 0;
    char line[128];
    while (fgets(line, sizeof line, in) != NULL) {
        size_t n = strlen(line);
        if (len + n + 1 > cap) {
            cap = cap ? cap * 2 : 16;
            while (cap < len + n + 1)
                cap *= 2;
            char *grown = realloc(all, cap);
            if (grown == NULL)
                break;
            all = grown;
        }
        memcpy(all + len, line, n + 1);
        len += n;
        lines++;
    }
    printf("collected %zu bytes in %zu lines\n", len, lines);
    return lines;    /* the bug: `all` is never freed */
}

int main(void)
{
    return collect(stdin) > 0 ? 0 : 1;
}
