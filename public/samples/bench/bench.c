/*
 * bench.c -- a small CPU benchmark in three parts.
 *
 * Demonstrates: three typical kinds of work, each ending in a checksum so
 * that any difference in how the program ran shows up in its output:
 *   1. integer arithmetic: the FNV-1a hash over megabytes of pseudo-random
 *      bytes (byte loads, xor, 64-bit multiply);
 *   2. sorting: qsort of pseudo-random ints (a C library routine that calls
 *      back into our comparison function hundreds of thousands of times);
 *   3. floating point: an n-body simulation of the Sun and the four giant
 *      planets in double precision (SSE2 arithmetic and square roots).
 * The pseudo-random numbers come from a fixed seed, so the output is the
 * same on every run.
 *
 * Usage: bench [SCALE] [hash|sort|nbody|all]
 *   SCALE (default 1) multiplies the work.  One unit is small enough for
 *   grindlab's IR interpreter to finish in seconds; SCALE 8 is a real
 *   workload (a 4 MiB buffer hashed 8 times, qsort of 200000 ints, 160000
 *   n-body steps).  A part name runs that part alone (for timing one kind of
 *   work; npm run bench does), printing its line and its checksum; "all",
 *   the default, runs the three and prints their combined checksum.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- a tiny pseudo-random generator (xorshift64*) ---------------------- */

static uint64_t rng_state;

static void rng_seed(uint64_t seed)
{
    rng_state = seed ? seed : 1;       /* the state must never be zero */
}

static uint64_t rng_next(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1DULL;
}

/* ---- part 1: FNV-1a hash ------------------------------------------------ */

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME  0x100000001b3ULL

static uint64_t fnv1a(uint64_t h, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= FNV_PRIME;
    }
    return h;
}

static uint64_t part_hash(int scale)
{
    const size_t size = (size_t)scale << 19;      /* 512 KiB per unit */
    const int passes = 8;
    unsigned char *buf = malloc(size);
    if (buf == NULL) {
        perror("malloc");
        exit(1);
    }
    rng_seed(12345);
    for (size_t i = 0; i < size; i += 8) {        /* fill 8 bytes at a time */
        uint64_t r = rng_next();
        memcpy(buf + i, &r, 8);
    }
    uint64_t h = FNV_OFFSET;
    for (int p = 0; p < passes; p++)
        h = fnv1a(h, buf, size);
    free(buf);
    printf("hash:   %d x %zu KiB FNV-1a        checksum %016llx\n",
           passes, size >> 10, (unsigned long long)h);
    return h;
}

/* ---- part 2: qsort ------------------------------------------------------ */

static int compare_ints(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);         /* not x - y: that can overflow */
}

static uint64_t part_sort(int scale)
{
    const size_t n = 25000 * (size_t)scale;
    int *a = malloc(n * sizeof *a);
    if (a == NULL) {
        perror("malloc");
        exit(1);
    }
    rng_seed(777);
    for (size_t i = 0; i < n; i++)
        a[i] = (int)(uint32_t)rng_next();        /* any int, negative too */
    qsort(a, n, sizeof a[0], compare_ints);
    for (size_t i = 1; i < n; i++) {
        if (a[i - 1] > a[i]) {
            printf("sort:   NOT SORTED at index %zu\n", i);
            exit(1);
        }
    }
    /* Position-weighted sum: changes if any element is out of place. */
    uint64_t sum = 0;
    for (size_t i = 0; i < n; i++)
        sum = sum * 31 + (uint32_t)a[i];
    free(a);
    printf("sort:   qsort of %zu ints            checksum %016llx\n",
           n, (unsigned long long)sum);
    return sum;
}

/* ---- part 3: n-body simulation ------------------------------------------ */

#define PI 3.141592653589793
#define SOLAR_MASS (4 * PI * PI)       /* units: AU, years, solar masses */
#define DAYS_PER_YEAR 365.24
#define NBODIES 5

struct body {
    double x, y, z;                    /* position */
    double vx, vy, vz;                 /* velocity */
    double mass;
};

static struct body bodies[NBODIES] = {
    /* the Sun */
    { 0, 0, 0, 0, 0, 0, SOLAR_MASS },
    /* Jupiter */
    { 4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01,
      1.66007664274403694e-03 * DAYS_PER_YEAR, 7.69901118419740425e-03 * DAYS_PER_YEAR,
      -6.90460016972063023e-05 * DAYS_PER_YEAR, 9.54791938424326609e-04 * SOLAR_MASS },
    /* Saturn */
    { 8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01,
      -2.76742510726862411e-03 * DAYS_PER_YEAR, 4.99852801234917238e-03 * DAYS_PER_YEAR,
      2.30417297573763929e-05 * DAYS_PER_YEAR, 2.85885980666130812e-04 * SOLAR_MASS },
    /* Uranus */
    { 1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01,
      2.96460137564761618e-03 * DAYS_PER_YEAR, 2.37847173959480950e-03 * DAYS_PER_YEAR,
      -2.96589568540237556e-05 * DAYS_PER_YEAR, 4.36624404335156298e-05 * SOLAR_MASS },
    /* Neptune */
    { 1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01,
      2.68067772490389322e-03 * DAYS_PER_YEAR, 1.62824170038242295e-03 * DAYS_PER_YEAR,
      -9.51592254519715870e-05 * DAYS_PER_YEAR, 5.15138902046611451e-05 * SOLAR_MASS },
};

/* Give the Sun the momentum that makes the system's total momentum zero. */
static void offset_momentum(void)
{
    double px = 0, py = 0, pz = 0;
    for (int i = 0; i < NBODIES; i++) {
        px += bodies[i].vx * bodies[i].mass;
        py += bodies[i].vy * bodies[i].mass;
        pz += bodies[i].vz * bodies[i].mass;
    }
    bodies[0].vx = -px / SOLAR_MASS;
    bodies[0].vy = -py / SOLAR_MASS;
    bodies[0].vz = -pz / SOLAR_MASS;
}

/* Kinetic plus potential energy: constant in theory, nearly so in practice. */
static double energy(void)
{
    double e = 0;
    for (int i = 0; i < NBODIES; i++) {
        struct body *b = &bodies[i];
        e += 0.5 * b->mass * (b->vx * b->vx + b->vy * b->vy + b->vz * b->vz);
        for (int j = i + 1; j < NBODIES; j++) {
            double dx = b->x - bodies[j].x;
            double dy = b->y - bodies[j].y;
            double dz = b->z - bodies[j].z;
            e -= b->mass * bodies[j].mass / sqrt(dx * dx + dy * dy + dz * dz);
        }
    }
    return e;
}

/* One time step of length dt: update velocities from gravity, then move. */
static void advance(double dt)
{
    for (int i = 0; i < NBODIES; i++) {
        struct body *b = &bodies[i];
        for (int j = i + 1; j < NBODIES; j++) {
            struct body *c = &bodies[j];
            double dx = b->x - c->x, dy = b->y - c->y, dz = b->z - c->z;
            double d2 = dx * dx + dy * dy + dz * dz;
            double mag = dt / (d2 * sqrt(d2));
            b->vx -= dx * c->mass * mag;
            b->vy -= dy * c->mass * mag;
            b->vz -= dz * c->mass * mag;
            c->vx += dx * b->mass * mag;
            c->vy += dy * b->mass * mag;
            c->vz += dz * b->mass * mag;
        }
    }
    for (int i = 0; i < NBODIES; i++) {
        bodies[i].x += dt * bodies[i].vx;
        bodies[i].y += dt * bodies[i].vy;
        bodies[i].z += dt * bodies[i].vz;
    }
}

static uint64_t part_nbody(int scale)
{
    const long steps = 20000L * scale;
    offset_momentum();
    double before = energy();
    for (long s = 0; s < steps; s++)
        advance(0.01);
    double after = energy();
    printf("nbody:  %ld steps   energy before %.9f after %.9f\n",
           steps, before, after);
    uint64_t bits;
    memcpy(&bits, &after, sizeof bits);   /* the double's exact bit pattern */
    return bits;
}

/* ---- main --------------------------------------------------------------- */

static int usage(const char *prog)
{
    fprintf(stderr, "usage: %s [SCALE] [hash|sort|nbody|all]  (SCALE from 1 to 1000)\n", prog);
    return 2;
}

int main(int argc, char **argv)
{
    int scale = 1;
    const char *part = "all";
    if (argc > 3)
        return usage(argv[0]);
    if (argc > 1) {
        scale = atoi(argv[1]);
        if (scale < 1 || scale > 1000)
            return usage(argv[0]);
    }
    if (argc > 2)
        part = argv[2];

    static const struct {
        const char *name;
        uint64_t (*run)(int scale);
    } parts[] = {
        { "hash", part_hash }, { "sort", part_sort }, { "nbody", part_nbody },
    };
    if (strcmp(part, "all") == 0) {
        printf("bench: scale %d\n", scale);
        uint64_t total = part_hash(scale);
        total = total * 0x9E3779B97F4A7C15ULL ^ part_sort(scale);
        total = total * 0x9E3779B97F4A7C15ULL ^ part_nbody(scale);
        printf("total checksum %016llx\n", (unsigned long long)total);
        return 0;
    }
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        if (strcmp(part, parts[i].name) == 0) {
            printf("bench: scale %d, %s only\n", scale, part);
            uint64_t sum = parts[i].run(scale);
            printf("%s checksum %016llx\n", part, (unsigned long long)sum);
            return 0;
        }
    }
    return usage(argv[0]);
}
