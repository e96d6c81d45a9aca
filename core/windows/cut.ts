/** Cutting a series into overlapping fixed-length windows. */

export interface WindowCut {
  /** Index of the first bar in the series. */
  startIndex: number;
  length: number;
}

/**
 * Cut `barCount` bars into windows of `length` bars starting every `stride` bars:
 * starts 0, stride, 2·stride, … Only full windows are returned (a tail shorter than `length`
 * is dropped), so a series shorter than `length` gives no windows.
 * stride < length gives overlapping windows (the usual 128/64 overlaps by half); stride > length leaves gaps.
 */
export function cutWindows(barCount: number, length = 128, stride = 64): WindowCut[] {
  if (!Number.isInteger(barCount) || barCount < 0) {
    throw new RangeError(`cutWindows: barCount must be a non-negative integer, got ${barCount}`);
  }
  if (!Number.isInteger(length) || length < 1) {
    throw new RangeError(`cutWindows: length must be a positive integer, got ${length}`);
  }
  if (!Number.isInteger(stride) || stride < 1) {
    throw new RangeError(`cutWindows: stride must be a positive integer, got ${stride}`);
  }
  const out: WindowCut[] = [];
  for (let start = 0; start + length <= barCount; start += stride) {
    out.push({ startIndex: start, length });
  }
  return out;
}
