/*
 * read-defined.c -- read(2) makes its buffer defined.
 *
 * The story: a buffer from malloc() starts undefined.  Memcheck knows from
 * its table of system calls that read() writes the bytes it returns, so
 * after read() exactly those bytes are defined and the checksum below raises
 * no error -- while the bytes past what read() returned would still be
 * undefined.  A clean report is the point: Memcheck is precise, not noisy.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(void)
{
    enum { SIZE = 256 };
    unsigned char *buf = malloc(SIZE);
    if (buf == NULL)
        return 1;
    ssize_t got = read(STDIN_FILENO, buf, SIZE);
    unsigned sum = 0;
    for (ssize_t i = 0; i < got; i++)
        sum = sum * 31 + buf[i];
    printf("read %zd bytes, checksum %08x\n", got, sum);
    free(buf);
    return 0;
}
