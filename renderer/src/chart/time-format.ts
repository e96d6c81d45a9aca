/**
 * The chart's horizontal axis uses the bar's series index as its "time" (strictly increasing, no
 * gaps, no clashes for sub-second bars); these formatters turn an index back into the bar's real
 * UTC time for the axis and crosshair.
 */
const pad = (n: number) => String(n).padStart(2, '0');

export function formatBarTime(ms: number, intraday: boolean): string {
  const d = new Date(ms);
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  return intraday ? `${date} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}` : date;
}

export function formatTick(ms: number, intraday: boolean): string {
  const d = new Date(ms);
  if (!intraday) return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  return `${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** Bars closer than a day apart are intraday. */
export function isIntraday(times: ArrayLike<number>): boolean {
  if (times.length < 2) return false;
  return (times[times.length - 1] - times[0]) / (times.length - 1) < 86_400_000 * 0.9;
}
