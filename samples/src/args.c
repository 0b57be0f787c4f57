/*
 * args.c -- what the kernel hands a new program.
 *
 * Demonstrates: the initial process stack.  When execve starts a program,
 * the kernel writes argc, the argv strings, the environment strings and the
 * auxiliary vector ("auxv": key/value pairs such as the page size and where
 * the program headers are) onto the new stack.  The C library finds them
 * there and passes argc/argv/envp to main; getauxval() looks up auxv entries.
 *
 * The values are not deterministic: AT_RANDOM is 16 fresh random bytes and,
 * with address-space randomisation, AT_PHDR and AT_ENTRY move from run to run.
 */
#include <stdio.h>
#include <sys/auxv.h>

/* The auxv entries we print, with their names (from <elf.h>). */
struct aux_name {
    unsigned long type;
    const char *name;
    enum { AS_DEC, AS_HEX, AS_STRING, AS_BYTES16 } how;
};

static const struct aux_name aux_names[] = {
    { AT_PHDR,     "AT_PHDR",     AS_HEX },     /* address of program headers  */
    { AT_PHENT,    "AT_PHENT",    AS_DEC },     /* size of one program header  */
    { AT_PHNUM,    "AT_PHNUM",    AS_DEC },     /* number of program headers   */
    { AT_PAGESZ,   "AT_PAGESZ",   AS_DEC },     /* page size                   */
    { AT_ENTRY,    "AT_ENTRY",    AS_HEX },     /* the program's entry point   */
    { AT_UID,      "AT_UID",      AS_DEC },     /* real user id                */
    { AT_EUID,     "AT_EUID",     AS_DEC },     /* effective user id           */
    { AT_GID,      "AT_GID",      AS_DEC },     /* real group id               */
    { AT_EGID,     "AT_EGID",     AS_DEC },     /* effective group id          */
    { AT_HWCAP,    "AT_HWCAP",    AS_HEX },     /* CPU feature bits (glibc on
                                                   x86-64 answers its own value
                                                   here, not the kernel's)     */
    { AT_CLKTCK,   "AT_CLKTCK",   AS_DEC },     /* clock ticks per second      */
    { AT_SECURE,   "AT_SECURE",   AS_DEC },     /* 1 if setuid/setgid          */
    { AT_RANDOM,   "AT_RANDOM",   AS_BYTES16 }, /* 16 random bytes (for canaries) */
    { AT_PLATFORM, "AT_PLATFORM", AS_STRING },  /* CPU name, e.g. "x86_64"     */
    { AT_EXECFN,   "AT_EXECFN",   AS_STRING },  /* file name given to execve   */
};

/* A third parameter to main, envp, is a common extension: the environment. */
int main(int argc, char **argv, char **envp)
{
    printf("argc = %d\n", argc);
    for (int i = 0; i < argc; i++)
        printf("argv[%d] = \"%s\"\n", i, argv[i]);

    /* The environment is a NULL-terminated array of "NAME=value" strings. */
    int n = 0;
    for (char **e = envp; *e != NULL; e++, n++)
        printf("envp[%d] = \"%s\"\n", n, *e);
    printf("(%d environment strings)\n", n);

    for (size_t i = 0; i < sizeof aux_names / sizeof aux_names[0]; i++) {
        const struct aux_name *a = &aux_names[i];
        unsigned long v = getauxval(a->type);   /* 0 if the entry is absent */
        printf("%-12s = ", a->name);
        switch (a->how) {
        case AS_DEC:
            printf("%lu\n", v);
            break;
        case AS_HEX:
            printf("0x%lx\n", v);
            break;
        case AS_STRING:
            /* The value is the address of a string on the stack. */
            printf("\"%s\"\n", v ? (const char *)v : "(absent)");
            break;
        case AS_BYTES16:
            if (v == 0) {
                printf("(absent)\n");
                break;
            }
            for (int b = 0; b < 16; b++)
                printf("%02x", ((const unsigned char *)v)[b]);
            printf("\n");
            break;
        }
    }
    return 0;
}
