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

/**
 * Average true range (Wilder's smoothing) over `period` bars: the first value at bar period−1 is the
 * mean true range of the first `period` bars (the first bar's true range is its high−low).
 */
export function atr(high: ArrayLike<number>, low: ArrayLike<number>, close: ArrayLike<number>, period: number): number[] {
  const n = high.length;
  const out = new Array<number>(n).fill(NaN);
  if (period < 1 || n < period) return out;
  const tr = (i: number) => (i === 0 ? high[0] - low[0] : Math.max(high[i] - low[i], Math.abs(high[i] - close[i - 1]), Math.abs(low[i] - close[i - 1])));
  let avg = 0;
  for (let i = 0; i < period; i++) avg += tr(i);
  avg /= period;
  out[period - 1] = avg;
  for (let i = period; i < n; i++) {
    avg = (avg * (period - 1) + tr(i)) / period;
    out[i] = avg;
  }
  return out;
}
