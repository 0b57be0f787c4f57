/*
 * jitgen.c -- a tiny JIT compiler.
 *
 * Demonstrates: a program that writes machine code into memory and runs it,
 * as JIT compilers do.  It generates a function computing a polynomial for
 * several sets of coefficients, each time into the same buffer:
 *
 *   - the W^X way: write while the buffer is PROT_READ|PROT_WRITE, then
 *     mprotect it to PROT_READ|PROT_EXEC and call it;
 *   - in a PROT_READ|PROT_WRITE|PROT_EXEC buffer, rewritten in place between
 *     calls with no mprotect at all;
 *   - by copying finished code in with memcpy.
 *
 * A binary translator has to drop its translation of the buffer whenever the
 * code in it changes, whichever way it changes.
 *
 * Usage: jitgen
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

typedef int64_t (*poly_fn)(int64_t x);

/* Emits code for a*x*x + b*x + c (x in %rdi, result in %rax) at p. */
static size_t emit_poly(unsigned char *p, int32_t a, int32_t b, int32_t c)
{
    size_t n = 0;
    /* imul $a,%rdi,%rax */
    p[n++] = 0x48; p[n++] = 0x69; p[n++] = 0xc7; memcpy(p + n, &a, 4); n += 4;
    /* add $b,%rax */
    p[n++] = 0x48; p[n++] = 0x05; memcpy(p + n, &b, 4); n += 4;
    /* imul %rdi,%rax */
    p[n++] = 0x48; p[n++] = 0x0f; p[n++] = 0xaf; p[n++] = 0xc7;
    /* add $c,%rax */
    p[n++] = 0x48; p[n++] = 0x05; memcpy(p + n, &c, 4); n += 4;
    /* ret */
    p[n++] = 0xc3;
    return n;
}

static int64_t poly(int64_t x, int32_t a, int32_t b, int32_t c)
{
    return a * x * x + b * x + c;
}

/* Calls f for x in -200..200 (often enough that a translator compiles it), prints a
 * few of the values, and says whether they were all right. */
static int check(const char *how, poly_fn f, int32_t a, int32_t b, int32_t c)
{
    int bad = 0;
    printf("%-8s %3dx^2 %+4dx %+4d:", how, a, b, c);
    for (int64_t x = -200; x <= 200; x++) {
        int64_t got = f(x);
        if (x >= -2 && x <= 3) printf(" %lld", (long long)got);
        bad |= got != poly(x, a, b, c);
    }
    printf("%s\n", bad ? "  WRONG" : "");
    return bad;
}

int main(void)
{
    static const int32_t coeffs[][3] = { { 1, 0, 0 }, { 2, -3, 5 }, { -1, 7, 100 }, { 0, 0, 42 } };
    int bad = 0;

    /* W^X: write, then make it executable. */
    unsigned char *wx = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (wx == MAP_FAILED) { perror("mmap"); return 1; }
    for (int i = 0; i < 4; i++) {
        mprotect(wx, 4096, PROT_READ | PROT_WRITE);
        emit_poly(wx, coeffs[i][0], coeffs[i][1], coeffs[i][2]);
        mprotect(wx, 4096, PROT_READ | PROT_EXEC);
        bad |= check("W^X", (poly_fn)wx, coeffs[i][0], coeffs[i][1], coeffs[i][2]);
    }

    /* RWX: rewritten in place, never re-protected. */
    unsigned char *rwx = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (rwx == MAP_FAILED) { perror("mmap"); return 1; }
    for (int i = 0; i < 4; i++) {
        emit_poly(rwx, coeffs[i][0], coeffs[i][1], coeffs[i][2]);
        bad |= check("RWX", (poly_fn)rwx, coeffs[i][0], coeffs[i][1], coeffs[i][2]);
    }

    /* memcpy of code assembled elsewhere into the RWX buffer. */
    unsigned char staging[64];
    for (int i = 3; i >= 0; i--) {
        size_t n = emit_poly(staging, coeffs[i][0], coeffs[i][1], coeffs[i][2]);
        memcpy(rwx, staging, n);
        bad |= check("memcpy", (poly_fn)rwx, coeffs[i][0], coeffs[i][1], coeffs[i][2]);
    }

    munmap(wx, 4096);
    munmap(rwx, 4096);
    printf(bad ? "some generated code ran stale\n" : "all generated code ran as written\n");
    return bad;
}
