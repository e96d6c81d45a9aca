/**
 * Indicators drawn over the candles, computed on the loaded bars only (the window and its context):
 * a moving average needs `period` bars before its first value, so the first period−1 bars have
 * none (more context bars = an average from further left). Pure; the chart draws the result.
 */

/** Simple moving average of `values` over `period` bars; NaN where fewer than `period` bars precede. */
export function sma(values: ArrayLike<number>, period: number): number[] {
  const out = new Array<number>(values.length).fill(NaN);
  if (period < 1) return out;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i];
    if (i >= period) sum -= values[i - period];
    if (i >= period - 1) out[i] = sum / period;
  }
  return out;
}
