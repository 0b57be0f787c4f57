/*
 * selfmod.c -- code that rewrites itself.
 *
 * Demonstrates: self-modifying code.  A small function lives in .text, in a
 * page of its own.  The program makes that page writable, then, in a loop,
 * patches the immediate operand of the function's first instruction and
 * calls it again.  A processor notices the store and runs the new bytes; a
 * binary translator must notice it too and throw its old translation away,
 * or it goes on returning the first value.
 *
 * Usage: selfmod
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* patchable: mov $1,%eax (b8 01 00 00 00); ret -- alone in its page. */
__asm__(".text\n"
        ".balign 4096\n"
        ".globl patchable\n"
        ".type patchable, @function\n"
        "patchable:\n"
        "  movl $1, %eax\n"
        "  ret\n"
        ".size patchable, .-patchable\n"
        ".balign 4096\n");
int patchable(void);

int main(void)
{
    unsigned char *code = (unsigned char *)patchable;
    long page = sysconf(_SC_PAGESIZE);
    void *start = (void *)((uintptr_t)code & ~(uintptr_t)(page - 1));

    if (mprotect(start, (size_t)page, PROT_READ | PROT_WRITE | PROT_EXEC) != 0) {
        perror("mprotect");
        return 1;
    }
    printf("before any patch: %d\n", patchable());

    int sum = 0;
    for (int32_t i = 2; i <= 10; i++) {
        int32_t value = i * i;
        memcpy(code + 1, &value, sizeof value); /* the mov's immediate */
        /* Called many times, so that a translator has compiled it by the next patch. */
        int got = 0;
        for (int k = 0; k < 500; k++) got += patchable();
        got /= 500;
        sum += got;
        printf("patched to %3d: returns %3d\n", value, got);
    }
    printf("sum of squares 2..10 = %d (expected 384)\n", sum);

    /* Rewrite the instruction itself: mov $imm -> xor %eax,%eax; nop x3. */
    static const unsigned char zero[] = { 0x31, 0xc0, 0x90, 0x90, 0x90 };
    memcpy(code, zero, sizeof zero);
    printf("rewritten to xor: returns %d\n", patchable());
    return sum == 384 ? 0 : 1;
}
