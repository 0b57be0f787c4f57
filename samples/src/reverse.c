/*
 * reverse.c -- an interactive filter.
 *
 * Demonstrates: reading standard input line by line with getline() until
 * end-of-file, and writing standard output.  Each line is printed with its
 * characters in reverse order.  The output is flushed after every line so
 * that, typed at a terminal, each answer appears at once.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>

/* Reverse the bytes s[0..len-1] in place. */
static void reverse(char *s, size_t len)
{
    for (size_t i = 0, j = len; i + 1 < j; i++, j--) {
        char t = s[i];
        s[i] = s[j - 1];
        s[j - 1] = t;
    }
}

int main(void)
{
    char *line = NULL;       /* getline allocates and grows this buffer */
    size_t cap = 0;
    ssize_t len;
    unsigned long count = 0;

    /* getline returns the number of bytes read, or -1 at end-of-file. */
    while ((len = getline(&line, &cap, stdin)) != -1) {
        int had_newline = len > 0 && line[len - 1] == '\n';
        if (had_newline)
            len--;                       /* keep the newline at the end */
        reverse(line, (size_t)len);
        printf("%.*s\n", (int)len, line);
        fflush(stdout);
        count++;
    }

    free(line);
    printf("%lu line%s reversed\n", count, count == 1 ? "" : "s");
    return 0;
}
