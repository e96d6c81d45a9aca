/**
 * Stored bars → a clean `time,open,high,low,close[,volume]` CSV with ISO UTC times: the format
 * every tool reads, and what lets a user check an import against the original file.
 * Numbers are written in JavaScript's shortest round-trip form, so reading the file back gives
 * the same doubles.
 */
import type { BarColumns } from '../domain/types.ts';

/** 2020-01-31T10:00:00Z, with milliseconds only when the time has them. */
export function isoUtc(ms: number): string {
  const s = new Date(ms).toISOString();
  return s.endsWith('.000Z') ? `${s.slice(0, -5)}Z` : s;
}

export function barsToCsv(bars: BarColumns): string {
  const { time, open, high, low, close, volume } = bars;
  const lines: string[] = [volume === null ? 'time,open,high,low,close' : 'time,open,high,low,close,volume'];
  for (let i = 0; i < time.length; i++) {
    const row = `${isoUtc(time[i])},${open[i]},${high[i]},${low[i]},${close[i]}`;
    lines.push(volume === null ? row : `${row},${volume[i]}`);
  }
  return lines.join('\n') + '\n';
}
