// The three real series shipped in ../shared/data import cleanly, with the documented row counts and values.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readOhlcvCsvFile } from '../../core/import/index.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dataDir = path.resolve(repoRoot, '../shared/data');

interface Expectation {
  file: string;
  rows: number;
  timeFormat: string;
  first: string;
  last: string;
  /** 0-based row index → [time, open, high, low, close, volume], copied from the CSV text. */
  spot: [number, [string, number, number, number, number, number]][];
}

const cases: Expectation[] = [
  {
    file: 'spy_1d.csv',
    rows: 3566,
    timeFormat: 'iso-date',
    first: '2007-02-01T00:00:00.000Z',
    last: '2021-03-31T00:00:00.000Z',
    spot: [
      [0, ['2007-02-01T00:00:00.000Z', 144.15, 144.66, 143.91, 144.57, 63910200]],
      [427, ['2008-10-10T00:00:00.000Z', 87.07, 93.93, 83.58, 90.45, 791887655]],
      [3565, ['2021-03-31T00:00:00.000Z', 395.35, 398, 395.33, 396.33, 90673494]],
    ],
  },
  {
    file: 'btcusd_1h.csv',
    rows: 16882,
    timeFormat: 'iso-datetime',
    first: '2017-11-13T00:00:00.000Z',
    last: '2019-10-17T09:00:00.000Z',
    spot: [
      [1176, ['2018-01-01T00:00:00.000Z', 13863.13, 13885.34, 13536.13, 13586.93, 797.81]],
      [16881, ['2019-10-17T09:00:00.000Z', 8051, 8056.83, 8021.23, 8035.88, 61.25]],
    ],
  },
  {
    file: 'eurusd_1h.csv',
    rows: 6225,
    timeFormat: 'iso-datetime',
    first: '2017-01-01T22:00:00.000Z',
    last: '2017-12-29T21:00:00.000Z',
    spot: [
      [0, ['2017-01-01T22:00:00.000Z', 1.05236, 1.05253, 1.05221, 1.05227, 143539993.3]],
      [2847, ['2017-06-15T12:00:00.000Z', 1.11627, 1.11689, 1.11496, 1.11524, 15447500000]],
      [6224, ['2017-12-29T21:00:00.000Z', 1.19984, 1.2013, 1.19931, 1.20075, 4885529785]],
    ],
  },
];

describe('real series in ../shared/data', () => {
  for (const c of cases) {
    it(`imports ${c.file}`, async () => {
      const file = path.join(dataDir, c.file);
      const parsed = await readOhlcvCsvFile(file);
      const { bars } = parsed;
      expect(parsed.file).toBe(file);
      expect(parsed.rowCount).toBe(c.rows);
      expect(parsed.delimiter).toBe(',');
      expect(parsed.timeFormat).toBe(c.timeFormat);
      expect(parsed.warnings).toEqual([]);
      expect(parsed.columns).toEqual({ time: 'time', open: 'open', high: 'high', low: 'low', close: 'close', volume: 'volume' });
      for (const col of [bars.time, bars.open, bars.high, bars.low, bars.close, bars.volume]) {
        expect(col).toBeInstanceOf(Float64Array);
        expect(col?.length).toBe(c.rows);
      }
      expect(new Date(bars.time[0]).toISOString()).toBe(c.first);
      expect(new Date(bars.time[c.rows - 1]).toISOString()).toBe(c.last);
      for (const [i, [t, o, h, l, cl, v]] of c.spot) {
        expect([new Date(bars.time[i]).toISOString(), bars.open[i], bars.high[i], bars.low[i], bars.close[i], bars.volume?.[i]]).toEqual([t, o, h, l, cl, v]);
      }
      for (let i = 1; i < c.rows; i++) if (!(bars.time[i] > bars.time[i - 1])) throw new Error(`time not increasing at row ${i}`);
    });
  }
});
