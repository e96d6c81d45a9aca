/**
 * OHLCV aggregation into coarser bars, so a 1-minute file becomes the 1-hour series an analyst
 * labels. Intraday buckets are UTC (bucket start = floor(time / step) × step). Daily buckets are
 * UTC days, or, with a session time zone, the local calendar day in that zone (a New York session
 * day includes its evening hours that are already the next UTC day); a daily bar's time is that
 * day's date at 00:00 UTC, the convention daily files import with.
 *
 * open = first open, high = max, low = min, close = last close, volume = sum (null stays null).
 */
import type { BarColumns } from '../domain/types.ts';
import { ZoneConverter } from './zone.ts';

export const RESAMPLE_STEPS: Record<string, number> = {
  '1m': 60_000,
  '5m': 300_000,
  '15m': 900_000,
  '30m': 1_800_000,
  '1h': 3_600_000,
  '2h': 7_200_000,
  '4h': 14_400_000,
  '1d': 86_400_000,
};

export class ResampleError extends Error {}

/** The smallest gap between consecutive bars (the source's bar size, at most). */
function finestStep(time: Float64Array): number {
  let min = Infinity;
  for (let i = 1; i < time.length; i++) min = Math.min(min, time[i] - time[i - 1]);
  return min;
}

export function resampleBars(bars: BarColumns, to: string, sessionTz?: string): BarColumns {
  const step = RESAMPLE_STEPS[to];
  if (step === undefined) throw new ResampleError(`unknown bar size ${JSON.stringify(to)}; expected one of ${Object.keys(RESAMPLE_STEPS).join(', ')}`);
  if (sessionTz !== undefined && to !== '1d') throw new ResampleError('a session time zone applies to daily bars only (--to 1d)');
  const n = bars.time.length;
  if (n === 0) throw new ResampleError('the series has no bars');
  const finest = finestStep(bars.time);
  if (finest >= step)
    throw new ResampleError(
      `the series is already at ${to} or coarser (bars ${Math.round(finest / 60_000)} minutes apart at the closest); expected a finer series`,
    );
  const zone = sessionTz !== undefined && sessionTz !== 'UTC' ? new ZoneConverter(sessionTz) : null;
  const key = (t: number) => {
    if (zone === null) return Math.floor(t / step) * step;
    // Local wall-clock time of the bar, floored to its local day, labelled as that date at 00:00 UTC.
    const wall = t + zone.offsetAt(t) * 60_000;
    return Math.floor(wall / step) * step;
  };
  const out = { time: [] as number[], open: [] as number[], high: [] as number[], low: [] as number[], close: [] as number[], volume: [] as number[] };
  for (let i = 0; i < n; i++) {
    const k = key(bars.time[i]);
    const last = out.time.length - 1;
    if (last >= 0 && out.time[last] === k) {
      if (bars.high[i] > out.high[last]) out.high[last] = bars.high[i];
      if (bars.low[i] < out.low[last]) out.low[last] = bars.low[i];
      out.close[last] = bars.close[i];
      if (bars.volume !== null) out.volume[last] += bars.volume[i];
    } else {
      out.time.push(k);
      out.open.push(bars.open[i]);
      out.high.push(bars.high[i]);
      out.low.push(bars.low[i]);
      out.close.push(bars.close[i]);
      out.volume.push(bars.volume === null ? 0 : bars.volume[i]);
    }
  }
  return {
    time: Float64Array.from(out.time),
    open: Float64Array.from(out.open),
    high: Float64Array.from(out.high),
    low: Float64Array.from(out.low),
    close: Float64Array.from(out.close),
    volume: bars.volume === null ? null : Float64Array.from(out.volume),
  };
}
