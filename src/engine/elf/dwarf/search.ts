// The one binary search the address indexes share.

/** How many of the ascending `starts` are <= addr: the index one past the last range
 *  that starts at or below addr (so `upperBound(...) - 1` is the candidate range). */
export function upperBound(starts: ArrayLike<number>, addr: number): number {
  let lo = 0;
  let hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (starts[mid]! <= addr) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
