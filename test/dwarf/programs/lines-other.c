/* The second translation unit of the line-table test program. */
int other_sum(const int *v, int n) {
  int s = 0;
  for (int i = 0; i < n; i++)
    s += v[i] & 0xff;
  return s;
}

long other_fold(long acc, long x) {
  while (x-- > 0)
    acc = acc * 31 + x;
  return acc;
}
