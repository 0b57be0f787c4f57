/*
 * segv.c -- a program killed by a fatal signal.
 *
 * Demonstrates: what happens on a bad memory access.  The store below goes
 * to an address that is not mapped, so the CPU faults, the kernel sends the
 * process SIGSEGV, and since the program does not handle it the process dies
 * (a shell reports exit status 128 + 11 = 139).  Under a tool like memcheck
 * you get a report saying which instruction faulted and why.
 */
#include <stdio.h>

/* volatile: stop the compiler from proving the pointer is bad and
 * replacing the store with a trap instruction of its own. */
static int *volatile bad_pointer = (int *)0x10;

int main(void)
{
    printf("About to write through the pointer %p...\n", (void *)bad_pointer);
    fflush(stdout);              /* make sure the line is out before we die */

    *bad_pointer = 42;           /* SIGSEGV: address 0x10 is not mapped */

    printf("This line is never printed.\n");
    return 0;
}
