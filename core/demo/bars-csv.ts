/** Write bars as a plain CSV: header `time,open,high,low,close,volume`, times ISO-8601 UTC. */
import { open } from 'node:fs/promises';
import type { BarColumns } from '../domain/types.ts';
import { formatTimestamp } from '../interchange/time.ts';

const CHUNK_ROWS = 10_000;

function rows(bars: BarColumns, from: number, to: number): string {
  const out: string[] = [];
  const v = bars.volume;
  for (let i = from; i < to; i++) {
    const base = `${formatTimestamp(bars.time[i])},${bars.open[i]},${bars.high[i]},${bars.low[i]},${bars.close[i]}`;
    out.push(v === null ? base : `${base},${v[i]}`);
  }
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}

/** Header line; without the volume column when bars.volume is null. */
export function barsCsvHeader(bars: BarColumns): string {
  return bars.volume === null ? 'time,open,high,low,close' : 'time,open,high,low,close,volume';
}

/** The whole CSV as one string (small series, tests). */
export function formatBarsCsv(bars: BarColumns): string {
  return `${barsCsvHeader(bars)}\n${rows(bars, 0, bars.time.length)}`;
}

/** Write the CSV to `path` (overwrites), in chunks so a million bars never make one huge string. */
export async function writeBarsCsv(bars: BarColumns, path: string): Promise<void> {
  const fh = await open(path, 'w');
  try {
    await fh.write(`${barsCsvHeader(bars)}\n`);
    for (let i = 0; i < bars.time.length; i += CHUNK_ROWS) {
      await fh.write(rows(bars, i, Math.min(bars.time.length, i + CHUNK_ROWS)));
    }
  } finally {
    await fh.close();
  }
}
