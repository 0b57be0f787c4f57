/* Inlined into lines.c at -O1 and above: rows from a second file. */
static inline int clamp(int v, int lo, int hi) {
  if (v < lo)
    return lo;
  if (v > hi)
    return hi;
  return v;
}
#define SQUARE(x) ((x) * (x))
