/*
 * printf.c -- a tour of printf's conversions.
 *
 * Demonstrates: formatting integers of every size (%d %i %u %x %X %o with
 * the l, ll and hh length modifiers), field widths, precision and flags,
 * floating point (%f %e %g %a) including the special values -0.0, infinity
 * and NaN, long double (the 80-bit x87 format: the arithmetic below runs on
 * the x87 unit), strings, characters, pointers, and snprintf.
 *
 * Each line shows the format, the argument, and the result in [brackets] so
 * that padding is visible.  Most lines are the same under every C library;
 * a few are not, because the C standard leaves them to the implementation
 * (for example how %p prints a null pointer).
 */
#define _DEFAULT_SOURCE             /* for M_PI */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* SHOW(format, argument): print the format, the argument as written in the
 * source (#arg turns it into a string), and the formatted result. */
#define SHOW(fmt, arg) printf("%-10s %-22s [" fmt "]\n", fmt, #arg, arg)

/* volatile: the compiler must read these at run time, so the long double
 * arithmetic below really runs on the x87 unit instead of being worked out
 * by the compiler. */
static volatile long double ld_one = 1.0L, ld_two = 2.0L, ld_three = 3.0L;
static volatile double d_zero = 0.0;

int main(void)
{
    puts("-- integers --");
    SHOW("%d", 42);
    SHOW("%i", -42);
    SHOW("%u", 3000000000u);
    SHOW("%x", 48879);
    SHOW("%X", 48879);
    SHOW("%o", 8);
    SHOW("%d", INT_MIN);
    SHOW("%d", INT_MAX);
    SHOW("%u", UINT_MAX);
    SHOW("%ld", LONG_MAX);
    SHOW("%lld", LLONG_MIN);
    SHOW("%llu", ULLONG_MAX);
    SHOW("%lx", -1L);
    SHOW("%hhd", 300);             /* converted to signed char: 300-256  */
    SHOW("%hhu", -1);              /* converted to unsigned char: 255    */
    SHOW("%hd", 70000);            /* converted to short: 70000-65536    */

    puts("-- widths, precision, flags --");
    SHOW("%6d", 42);               /* right-aligned in 6 columns         */
    SHOW("%-6d", 42);              /* left-aligned                       */
    SHOW("%06d", -42);             /* padded with zeros                  */
    SHOW("%+d", 42);               /* always show the sign               */
    SHOW("% d", 42);               /* a space where a '+' would go       */
    SHOW("%.4d", 42);              /* precision = minimum digits         */
    SHOW("%8.4d", -42);
    SHOW("%#x", 255);              /* '#' adds the 0x prefix             */
    SHOW("%#o", 8);                /* ... or a leading 0 for octal       */
    SHOW("%#X", 0);                /* no prefix for zero                 */
    SHOW("%.0d", 0);               /* zero digits of zero: empty!        */
    printf("%-10s %-22s [%*d]\n", "%*d", "5, 42", 5, 42); /* width from an argument */

    puts("-- double --");
    SHOW("%f", 0.1);
    SHOW("%.20f", 0.1);            /* 0.1 is not exact in binary         */
    SHOW("%e", 0.1);
    SHOW("%g", 0.1);
    SHOW("%a", 0.1);
    SHOW("%f", 1.0 / 3);
    SHOW("%.15g", 1.0 / 3);
    SHOW("%.17g", 1.0 / 3);        /* 17 digits always round-trip        */
    SHOW("%f", M_PI);
    SHOW("%.2f", M_PI);
    SHOW("%10.3f", M_PI);
    SHOW("%-10.3e", M_PI);
    SHOW("%+.0f", M_PI);
    SHOW("%#.0f", M_PI);           /* '#' keeps the decimal point        */
    SHOW("%g", M_PI);
    SHOW("%.10g", M_PI);
    SHOW("%a", M_PI);
    SHOW("%.3a", M_PI);
    SHOW("%A", M_PI);
    SHOW("%.2f", 2.675);           /* really 2.67499999..., so rounds down */
    SHOW("%.0f", 0.5);             /* ties go to even: 0                  */
    SHOW("%.0f", 1.5);             /* ... and 2                           */
    SHOW("%.0f", 2.5);             /* ... and 2 again                     */
    SHOW("%e", 1e300);
    SHOW("%g", 1e300);
    SHOW("%.3g", 1e300);
    SHOW("%f", 1e22);
    SHOW("%g", 1e-5);
    SHOW("%g", 123456789.0);
    SHOW("%g", 100000.0);
    SHOW("%g", 1000000.0);
    SHOW("%f", -0.0);
    SHOW("%g", -0.0);
    SHOW("%a", -0.0);
    SHOW("%e", DBL_MIN);
    SHOW("%g", DBL_MIN);
    SHOW("%a", DBL_MIN);
    SHOW("%.17e", DBL_MAX);
    SHOW("%g", DBL_MAX);
    SHOW("%a", DBL_MAX);
    SHOW("%f", DBL_MAX);           /* every one of its 309 digits        */
    SHOW("%g", DBL_MIN / 4);       /* a subnormal number                 */
    SHOW("%f", INFINITY);
    SHOW("%e", -INFINITY);
    SHOW("%F", INFINITY);
    SHOW("%5g", INFINITY);
    SHOW("%f", NAN);
    SHOW("%g", -NAN);
    SHOW("%E", NAN);
    SHOW("%f", d_zero / d_zero);   /* 0/0 computed at run time: -nan on x86 */

    puts("-- long double (x87, 64-bit mantissa) --");
    long double third = ld_one / ld_three;
    long double root2 = sqrtl(ld_two);
    long double big = powl(ld_two, 100);           /* exactly 2^100        */
    long double e = 0, term = 1;                   /* e = sum of 1/k!      */
    for (int k = 1; k < 25; k++) {
        e += term;
        term /= k;
    }
    SHOW("%Lf", third);
    SHOW("%.25Lf", third);         /* more digits than a double has      */
    SHOW("%Lg", third);
    SHOW("%.21Lg", third);
    SHOW("%Le", third);
    SHOW("%.20Le", root2);
    SHOW("%.21Lg", e);
    SHOW("%Lf", big);
    SHOW("%Lg", big);
    SHOW("%.30Le", big);
    SHOW("%Le", LDBL_MAX);
    SHOW("%Lg", LDBL_MIN);
    SHOW("%.21Lg", (long double)(1.0 / 3));   /* a double widened: not 1/3 */

    puts("-- strings, characters, pointers --");
    SHOW("%s", "hello");
    SHOW("%10s", "hello");
    SHOW("%-10s", "hello");
    SHOW("%.3s", "hello");         /* precision = at most 3 characters   */
    SHOW("%c", 'A');
    SHOW("%c", 65);
    SHOW("%3c", '*');
    SHOW("%p", (void *)0);         /* implementation-defined text         */
    printf("%-10s %-22s [%%]\n", "%%", "");

    puts("-- snprintf --");
    char buf[8];
    /* Truncation is the point of this example: tell GCC not to warn. */
#pragma GCC diagnostic ignored "-Wformat-truncation"
    int r = snprintf(buf, sizeof buf, "%s-%d", "truncated", 12345);
    /* snprintf never writes more than sizeof buf bytes (including the final
     * '\0'), but returns the length the full result would have had. */
    printf("snprintf(buf, 8, \"%%s-%%d\", \"truncated\", 12345) = %d, buf = \"%s\"\n", r, buf);
    r = snprintf(NULL, 0, "%.3f", M_PI);           /* just measure        */
    printf("snprintf(NULL, 0, \"%%.3f\", M_PI) = %d\n", r);
    return 0;
}
