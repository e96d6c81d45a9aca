import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { formatBarsCsv, writeBarsCsv } from '../../core/demo/bars-csv.ts';
import { generateSeries } from '../../core/demo/generate.ts';
import { makeTrainingSet } from '../../core/demo/ml-dataset.ts';
import { parseTimestamp } from '../../core/interchange/time.ts';

describe('makeTrainingSet', () => {
  it('builds 210 windows of 128 bars, 168 train / 42 val, with relative spans', () => {
    const set = makeTrainingSet({ seed: 1, windows: 210, length: 128 });
    expect(set.bars.time.length).toBe(210 * 128);
    expect(set.windows).toHaveLength(210);
    expect(set.counts).toEqual({ train: 168, val: 42 });
    expect(set.windows.filter((w) => w.role === 'train')).toHaveLength(168);
    expect(set.windows.slice(168).every((w) => w.role === 'val')).toBe(true);
    let spans = 0;
    for (const w of set.windows) {
      expect(w.startIndex).toBe(w.index * 128);
      for (const s of [...w.spans, ...w.truthSpans]) {
        expect(s.start).toBeGreaterThanOrEqual(0);
        expect(s.end).toBeLessThan(128);
        expect(s.end - s.start + 1).toBeGreaterThanOrEqual(3);
      }
      spans += w.spans.length;
    }
    expect(spans).toBeGreaterThan(150);
    expect(set.windows.some((w) => w.spans.some((s) => s.confidence < 1))).toBe(true);
    expect(makeTrainingSet({ seed: 1 })).toEqual(set);
    expect(makeTrainingSet({ seed: 2 }).truth).not.toEqual(set.truth);
  });
});

describe('bars CSV', () => {
  it('writes time,open,high,low,close,volume with ISO UTC times and reads back exactly', async () => {
    const { bars } = generateSeries({ seed: 4, bars: 25_000 });
    const dir = await mkdtemp(join(tmpdir(), 'candlemark-demo-'));
    try {
      const path = join(dir, 'bars.csv');
      await writeBarsCsv(bars, path);
      const text = await readFile(path, 'utf8');
      expect(text).toBe(formatBarsCsv(bars));
      const rows = parse(text) as string[][];
      expect(rows[0]).toEqual(['time', 'open', 'high', 'low', 'close', 'volume']);
      expect(rows[1][0]).toBe('2020-01-01T00:00:00Z');
      expect(rows).toHaveLength(25_001);
      for (let i = 0; i < 25_000; i += 997) {
        const r = rows[i + 1];
        expect(parseTimestamp(r[0])).toBe(bars.time[i]);
        expect(r.slice(1).map(Number)).toEqual([bars.open[i], bars.high[i], bars.low[i], bars.close[i], bars.volume![i]]);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('omits the volume column when there is none', () => {
    const { bars } = generateSeries({ seed: 4, bars: 3 });
    expect(formatBarsCsv({ ...bars, volume: null }).split('\n')[0]).toBe('time,open,high,low,close');
  });
});
