/*
 * leaky-list.c -- a toolstack-style `list` command that leaks.
 *
 * The story: a management tool asks the hypervisor for every domain's info,
 * gets back a calloc'd array, prints it, and keeps a pointer to "the guests"
 * (the array minus its first entry, Domain-0).  Each refresh fetches a fresh
 * array and forgets the old one.  Memcheck's leak checker tells the two
 * losses apart: the last array is only pointed into (its interior), so it is
 * "possibly lost"; every earlier array has no pointer left at all, so it is
 * "definitely lost".  Run with the argument `fixed` to free each array
 * before the next refresh: then no leaks are possible.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct dominfo {
    unsigned domid;
    char name[20];
    unsigned long mem_kb;
    unsigned vcpus;
};

/* What the hypervisor would report: Domain-0 plus a few guests. */
static struct dominfo *list_domains(unsigned round, unsigned *count)
{
    static const char *names[] = { "Domain-0", "web", "db", "build" };
    unsigned n = 4;
    struct dominfo *info = calloc(n, sizeof *info);
    if (info == NULL)
        return NULL;
    for (unsigned i = 0; i < n; i++) {
        info[i].domid = i;
        strcpy(info[i].name, names[i]);
        info[i].mem_kb = (i == 0 ? 2048u : 512u * (i + round)) * 1024;
        info[i].vcpus = i == 0 ? 4 : 1 + i % 2;
    }
    *count = n;
    return info;
}

/* The guests of the last listing: a pointer into the middle of its array. */
static struct dominfo *guests;

int main(int argc, char **argv)
{
    int fixed = argc > 1 && strcmp(argv[1], "fixed") == 0;
    for (unsigned round = 0; round < 3; round++) {
        unsigned n;
        struct dominfo *info = list_domains(round, &n);
        if (info == NULL)
            return 1;
        printf("%-10s %5s %10s %5s\n", "Name", "ID", "Mem(MiB)", "VCPUs");
        for (unsigned i = 0; i < n; i++)
            printf("%-10s %5u %10lu %5u\n", info[i].name, info[i].domid, info[i].mem_kb / 1024, info[i].vcpus);
        if (fixed && guests != NULL)
            free(guests - 1);
        guests = info + 1;   /* skip Domain-0 */
    }
    if (fixed)
        free(guests - 1);
    return 0;
}
