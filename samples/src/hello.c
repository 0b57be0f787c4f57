/*
 * hello.c -- the smallest useful guest program.
 *
 * Demonstrates: a C program's start-up and shut-down (the C library runs
 * before main and after it returns), formatted output with printf, plain
 * output with puts, and exit status 0.  In the disassembly, look for the
 * calls to printf/puts: a dynamically linked build reaches them through the
 * PLT, a static build calls straight into the copy of libc linked inside.
 */
#include <stdio.h>

int main(void)
{
    /* printf formats its arguments; %s inserts a string, %d an int. */
    printf("Hello, %s! %d + %d = %d\n", "world", 2, 3, 2 + 3);

    /* puts writes a string followed by a newline. */
    puts("Goodbye.");

    /* Returning from main is the same as calling exit(0). */
    return 0;
}
