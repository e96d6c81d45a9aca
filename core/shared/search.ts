/** Binary search over sorted numbers (bar times, indices). Pure. */

/** First index i in [lo, hi) with a[i] >= t (hi when there is none). `a` must be sorted ascending. */
export function lowerBound(a: ArrayLike<number>, t: number, lo = 0, hi = a.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
