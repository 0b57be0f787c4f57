/*
 * loop.c -- a long-running CPU loop.
 *
 * Demonstrates: a program that does not stop by itself, so you can watch it
 * run and interrupt it.  It spins doing integer arithmetic and prints a
 * progress line every so often.  With an argument N it stops after N
 * progress lines; without one it runs forever.
 *
 * Usage: loop [N]
 */
#include <stdio.h>
#include <stdlib.h>

#define ITERATIONS_PER_REPORT 500000UL

int main(int argc, char **argv)
{
    /* 0 means "no limit". */
    unsigned long reports = argc > 1 ? strtoul(argv[1], NULL, 10) : 0;
    unsigned long x = 1;

    for (unsigned long r = 1; reports == 0 || r <= reports; r++) {
        /* Some cheap arithmetic the compiler cannot remove (an LCG). */
        for (unsigned long i = 0; i < ITERATIONS_PER_REPORT; i++)
            x = x * 6364136223846793005UL + 1442695040888963407UL;

        printf("progress %lu: x = %016lx\n", r, x);
        fflush(stdout);          /* show each line as soon as it is ready */
    }
    printf("done\n");
    return 0;
}
