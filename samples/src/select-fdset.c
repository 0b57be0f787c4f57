/*
 * select-fdset.c -- an fd_set passed to select() without FD_ZERO.
 *
 * The story: a network daemon allocates its fd_set, sets the bit of the one
 * descriptor it cares about and calls select().  It forgot FD_ZERO, so every
 * other bit of the set is whatever the memory held.  The kernel reads the
 * whole set (n bits), and Memcheck, which checks each syscall's arguments
 * against the kernel's reading of them, reports "Syscall param
 * pselect6(readfds) points to uninitialised byte(s)" -- glibc's select() is
 * the pselect6 system call.  Here the fresh heap happens to be zero, so the
 * program works; with recycled memory it would wait on random descriptors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/select.h>
#include <unistd.h>

int main(void)
{
    fd_set *readable = malloc(sizeof *readable);
    if (readable == NULL)
        return 1;
    FD_SET(STDIN_FILENO, readable);          /* the bug: no FD_ZERO first */
    struct timeval timeout = { 1, 0 };
    int n = select(FD_SETSIZE, readable, NULL, NULL, &timeout);
    printf("select: %d descriptor(s) ready\n", n);
    if (n > 0 && FD_ISSET(STDIN_FILENO, readable)) {
        char buf[64];
        ssize_t got = read(STDIN_FILENO, buf, sizeof buf);
        printf("read %zd bytes from stdin\n", got);
    }
    free(readable);
    return 0;
}
