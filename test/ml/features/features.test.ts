import { describe, expect, it } from 'vitest';
import type { BarColumns } from '../../../core/domain/types.ts';
import {
  applyNormalizer,
  averageTrueRange,
  baselineMedianTrueRange,
  computeSeriesFeatures,
  computeWindowFeatures,
  DEFAULT_FEATURES,
  BASE_FEATURES,
  FEATURE_NAMES,
  fitNormalizer,
  sliceWindow,
  windowMatrix,
} from '../../../core/ml/features/index.ts';

function bars(rows: Array<[number, number, number, number, number | null]>): BarColumns {
  const hasVol = rows.every((r) => r[4] !== null);
  return {
    time: Float64Array.from(rows, (_, i) => i * 60_000),
    open: Float64Array.from(rows, (r) => r[0]),
    high: Float64Array.from(rows, (r) => r[1]),
    low: Float64Array.from(rows, (r) => r[2]),
    close: Float64Array.from(rows, (r) => r[3]),
    volume: hasVol ? Float64Array.from(rows, (r) => r[4] as number) : null,
  };
}

const col = (data: Float32Array, names: readonly string[], name: string): number[] => {
  const F = names.length;
  const f = names.indexOf(name);
  const out: number[] = [];
  for (let i = f; i < data.length; i += F) out.push(data[i]);
  return out;
};

// o, h, l, c, v
const tiny = bars([
  [10, 11, 9, 10, 100],
  [10, 12, 10, 11, 200],
  [11, 11.5, 10.5, 11, 100],
  [11, 13, 11, 12.5, 400],
]);

describe('features: known values on a tiny series', () => {
  it('ATR is the running mean of true ranges', () => {
    const atr = averageTrueRange(tiny, 14);
    // TR: 2, max(2, |12-10|, |10-10|)=2, max(1, .5, .5)=1, max(2, 2, 0)=2
    expect(Array.from(atr)).toEqual([2, 2, 5 / 3, 7 / 4]);
  });

  it('candle shape features are scaled by ATR', () => {
    const names = ['body', 'range', 'upperWick', 'lowerWick'];
    const d = computeSeriesFeatures(tiny, names);
    const atr = [2, 2, 5 / 3, 7 / 4];
    const c = (n: string) => col(d, names, n);
    expect(c('body')).toEqual([0, 1 / 2, 0, 1.5 / atr[3]].map(Math.fround));
    expect(c('range')).toEqual([2 / 2, 2 / 2, 1 / atr[2], 2 / atr[3]].map(Math.fround));
    expect(c('upperWick')).toEqual([1 / 2, 1 / 2, 0.5 / atr[2], 0.5 / atr[3]].map(Math.fround));
    expect(c('lowerWick')).toEqual([1 / 2, 0, 0.5 / atr[2], 0].map(Math.fround));
  });

  it('log returns, momentum and closeRel', () => {
    const names = ['logReturn', 'momentum5', 'closeRel'];
    const d = computeSeriesFeatures(tiny, names);
    expect(col(d, names, 'logReturn')).toEqual([0, Math.log(11 / 10), 0, Math.log(12.5 / 11)].map(Math.fround));
    // fewer than 5 bars of history: change since the first bar, in ATR units
    expect(col(d, names, 'momentum5')).toEqual([0, 1 / 2, 1 / (5 / 3), 2.5 / (7 / 4)].map(Math.fround));
    // closeRel is per window: 0 in the series matrix, filled when slicing
    expect(col(d, names, 'closeRel')).toEqual([0, 0, 0, 0]);
    const w = sliceWindow(d, tiny, names, 1, 3);
    expect(col(w, names, 'closeRel')).toEqual([0, 0, Math.log(12.5 / 11)].map(Math.fround));
    expect(col(w, names, 'logReturn')).toEqual(col(d, names, 'logReturn').slice(1));
  });

  it('trendSlope recovers the growth rate of an exponential series; volatility of constant returns is 0', () => {
    const r = 0.01;
    const rows: Array<[number, number, number, number, number | null]> = [];
    for (let i = 0; i < 40; i++) {
      const c = 100 * Math.exp(r * i);
      rows.push([c, c, c, c, null]);
    }
    const s = bars(rows);
    const names = ['trendSlope', 'volatility', 'logVolumeZ'];
    const d = computeSeriesFeatures(s, names);
    const slope = col(d, names, 'trendSlope');
    expect(slope[0]).toBe(0); // one bar: no slope
    for (let i = 1; i < 40; i++) expect(slope[i]).toBeCloseTo(r, 6);
    for (const v of col(d, names, 'volatility')) expect(v).toBeCloseTo(0, 6);
    expect(col(d, names, 'logVolumeZ').every((v) => v === 0)).toBe(true); // no volume column
  });

  it('logVolumeZ is the z-score of log1p(volume) over the available window', () => {
    const names = ['logVolumeZ'];
    const d = computeSeriesFeatures(tiny, names);
    const lv = [100, 200, 100, 400].map((v) => Math.log1p(v));
    const z = (t: number): number => {
      const xs = lv.slice(0, t + 1);
      const m = xs.reduce((a, b) => a + b, 0) / xs.length;
      const sd = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length);
      return (lv[t] - m) / sd;
    };
    const got = col(d, names, 'logVolumeZ');
    expect(got[0]).toBe(0);
    for (let t = 1; t < 4; t++) expect(got[t]).toBeCloseTo(z(t), 5);
  });
});

describe('features: robustness', () => {
  it('never produces NaN or Infinity (flat prices, zero volume, zero prices, first bars)', () => {
    const rows: Array<[number, number, number, number, number | null]> = [];
    for (let i = 0; i < 60; i++) rows.push([5, 5, 5, 5, 0]);
    rows.push([0, 0, 0, 0, 0]);
    for (let i = 0; i < 60; i++) rows.push([5 + (i % 3), 7 + (i % 3), 4, 6, i % 2 ? 0 : 1e9]);
    const s = bars(rows);
    const d = computeSeriesFeatures(s, DEFAULT_FEATURES);
    expect(d.length).toBe(rows.length * DEFAULT_FEATURES.length);
    expect(d.every(Number.isFinite)).toBe(true);
    const w = computeWindowFeatures(s, DEFAULT_FEATURES, [0, 30, 60], 50);
    expect(w.every(Number.isFinite)).toBe(true);
  });

  it('has 23 default features (all; the 14 generic ones are BASE_FEATURES), all known; rejects unknown names and out-of-range windows', () => {
    expect(DEFAULT_FEATURES.length).toBe(23);
    expect(BASE_FEATURES.length).toBe(14);
    for (const n of BASE_FEATURES) expect(DEFAULT_FEATURES).toContain(n);
    for (const n of DEFAULT_FEATURES) expect(FEATURE_NAMES).toContain(n);
    expect(() => computeSeriesFeatures(tiny, ['nope'])).toThrow(/Unknown feature/);
    const d = computeSeriesFeatures(tiny, ['body']);
    expect(() => sliceWindow(d, tiny, ['body'], 2, 3)).toThrow(/outside/);
  });

  it('windowMatrix stacks windows [W × T × F] and uses bars before a window as context', () => {
    const rows: Array<[number, number, number, number, number | null]> = [];
    for (let i = 0; i < 100; i++) rows.push([100 + i, 101 + i + (i % 4), 99 + i, 100.5 + i, 1000 + 10 * i]);
    const s = bars(rows);
    const names = DEFAULT_FEATURES;
    const series = computeSeriesFeatures(s, names);
    const m = windowMatrix(series, s, names, [10, 50], 20);
    expect(m.length).toBe(2 * 20 * names.length);
    expect(Array.from(m.subarray(20 * names.length))).toEqual(Array.from(sliceWindow(series, s, names, 50, 20)));
    // rolling features at a window's first bar are not reset (context from earlier bars)
    const vi = names.indexOf('volatility');
    expect(m[20 * names.length + vi]).toBe(series[50 * names.length + vi]);
  });
});

describe('normaliser', () => {
  it('is fitted from the training rows only and standardises them', () => {
    const F = 2;
    const train = [Float32Array.from([1, 10, 3, 10]), Float32Array.from([5, 10])]; // rows: (1,10) (3,10) (5,10)
    const val = Float32Array.from([1000, -1000]);
    const n = fitNormalizer(train, F);
    expect(n.mean[0]).toBeCloseTo(3);
    expect(n.std[0]).toBeCloseTo(Math.sqrt(8 / 3));
    expect(n.mean[1]).toBeCloseTo(10);
    expect(n.std[1]).toBe(1); // constant feature: std guarded
    const z = applyNormalizer(Float32Array.from([1, 10, 3, 10, 5, 10]), n);
    expect(z[0]).toBeCloseTo(-2 / Math.sqrt(8 / 3), 5);
    expect(z[2]).toBeCloseTo(0, 6);
    expect(z[1]).toBe(0);
    // validation rows are transformed with the training statistics (and clipped), never refitted
    const zv = applyNormalizer(val, n);
    expect(zv[0]).toBe(10);
    expect(zv[1]).toBe(-10);
    expect(fitNormalizer([...train, val], F).mean[0]).not.toBeCloseTo(3);
  });

  it('ignores non-finite values when fitting and maps them to 0 when applying', () => {
    const n = fitNormalizer(Float32Array.from([1, NaN, 3, Infinity]), 1);
    expect(n.mean[0]).toBeCloseTo(2);
    const z = applyNormalizer(Float32Array.from([NaN, 2]), n);
    expect(Array.from(z)).toEqual([0, 0]);
  });
});

describe('expansion features (range and move against the median true range of the bars before)', () => {
  // 60 quiet bars (true range 1), then one wide bar (true range 3) and a 5-bar climb.
  const rows: Array<[number, number, number, number, number | null]> = [];
  for (let i = 0; i < 60; i++) rows.push([100, 100.5, 99.5, 100, 1]);
  rows.push([100, 103, 100, 103, 1]); // t = 60: TR = max(103, 100) - min(100, 100) = 3
  for (let i = 0; i < 5; i++) rows.push([103 + i, 104 + i, 103 + i, 104 + i, 1]); // t = 61..65
  const b = bars(rows);
  const names = ['rangeExpansion', 'moveExpansion'] as const;
  const d = computeSeriesFeatures(b, names);

  it('the baseline is the median true range of the previous 50 bars (none with fewer than 5)', () => {
    const base = baselineMedianTrueRange(b, 50);
    expect(base[0]).toBe(0);
    expect(base[4]).toBe(0);
    expect(base[5]).toBe(1);
    expect(base[60]).toBe(1);
    // The wide bar is 1 of the 50 before t = 61: the median is still 1 (no look-ahead: base[60] excluded it).
    expect(base[61]).toBe(1);
  });

  it('rangeExpansion is log(TR / baseline), 0 without history; moveExpansion the 5-bar net move in baseline units', () => {
    const range = col(d, names, 'rangeExpansion');
    const move = col(d, names, 'moveExpansion');
    expect(range[0]).toBe(0);
    expect(range[30]).toBeCloseTo(0, 6); // TR 1 against 1
    expect(range[60]).toBeCloseTo(Math.log(3), 5);
    expect(move[30]).toBeCloseTo(0, 6);
    // t = 65: close 108 - open at t = 61 (103) = 5 baseline units.
    expect(move[65]).toBeCloseTo(5, 5);
  });

  it('a bar never sees the future: features up to t are unchanged when later bars change', () => {
    const changed = bars(rows.map((r, i) => (i > 62 ? ([r[0], r[1] * 2, r[2], r[3], r[4]] as typeof r) : r)));
    const d2 = computeSeriesFeatures(changed, names);
    expect(Array.from(d2.slice(0, 63 * 2))).toEqual(Array.from(d.slice(0, 63 * 2)));
  });
});
