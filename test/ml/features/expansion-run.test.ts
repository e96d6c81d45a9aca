import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readOhlcvCsvFile } from '../../../core/import/index.ts';
import { SHARED_DATA } from '../../helpers/paths.ts';
import type { BarColumns } from '../../../core/domain/types.ts';
import { findExpansionSpans } from '../../../core/demo/heuristic-truth.ts';
import { computeSeriesFeatures, RUN_FEATURES, WINDOW_RUN_FEATURES, windowMatrix } from '../../../core/ml/features/index.ts';

type Row = [number, number, number, number];
const toBars = (rows: Row[]): BarColumns => ({
  time: Float64Array.from(rows, (_, i) => i * 3_600_000),
  open: Float64Array.from(rows, (r) => r[0]),
  high: Float64Array.from(rows, (r) => r[1]),
  low: Float64Array.from(rows, (r) => r[2]),
  close: Float64Array.from(rows, (r) => r[3]),
  volume: null,
});

// 60 quiet bars at 100 (true range 1), an up run of 6 bars (range 3, body +2 each: 100 → 112),
// then quiet bars at 112. The median true range before bar 60 is 1, so each run bar expands
// (3 ≥ 1.5 × 1) and the demo's rule marks [60, 65].
const rows: Row[] = [];
for (let t = 0; t < 60; t++) rows.push([100, 100.5, 99.5, 100]);
for (let k = 0; k < 6; k++) rows.push([100 + 2 * k, 102 + 2 * k + 0.5, 100 + 2 * k - 0.5, 102 + 2 * k]);
for (let t = 0; t < 10; t++) rows.push([112, 112.5, 111.5, 112]);
const series = toBars(rows);
const names: string[] = [...RUN_FEATURES];
const data = computeSeriesFeatures(series, names);
const at = (t: number, name: string, d = data): number => d[t * names.length + names.indexOf(name)];

describe('expansion-run features (the rule’s quantities, causal)', () => {
  it('match the rule on a constructed run: flag, length, net move in baseline units, direction, gap', () => {
    expect(findExpansionSpans(series).map((s) => [s.start, s.end])).toEqual([[60, 65]]);
    for (let t = 0; t < 60; t++) {
      expect(at(t, 'expansionFlag')).toBe(0);
      expect(at(t, 'runLength')).toBe(0);
      expect(at(t, 'runGap')).toBe(-1);
    }
    for (let k = 0; k < 6; k++) {
      const t = 60 + k;
      expect(at(t, 'expansionFlag')).toBe(1);
      expect(at(t, 'runLength')).toBe(k + 1);
      expect(at(t, 'runMove')).toBeCloseTo(2 * (k + 1), 5); // (close[t] - open[60]) / median range 1
      expect(at(t, 'runDirection')).toBe(1);
      expect(at(t, 'runGap')).toBe(0);
    }
    // Quiet bars after the run: while an expanding bar could still join (at most 2 quiet bars in
    // between, so up to bar 68) the run's state is kept, then it ends.
    expect([66, 67, 68, 69].map((t) => at(t, 'runLength'))).toEqual([6, 6, 6, 0]);
    expect([66, 67, 68, 69].map((t) => at(t, 'runGap'))).toEqual([1, 2, 3, -1]);
    expect(at(68, 'runMove')).toBeCloseTo(12, 5);
    expect(at(69, 'runMove')).toBe(0);
  });

  it('a quiet bar inside the allowed gap joins the run and counts in its direction share', () => {
    const r2 = rows.slice(0, 63);
    // bar 63 quiet with a down body, then two more expanding up bars: one run of 6 bars, 5 of them up
    r2.push([106, 106.4, 105.6, 105.8]);
    r2.push([105.8, 108.3, 105.3, 107.8], [107.8, 110.3, 107.3, 109.8]);
    const d = computeSeriesFeatures(toBars(r2), names);
    expect(at(63, 'expansionFlag', d)).toBe(0);
    expect(at(63, 'runGap', d)).toBe(1);
    expect(at(65, 'runLength', d)).toBe(6);
    expect(at(65, 'runDirection', d)).toBeCloseTo(5 / 6, 6);
    expect(findExpansionSpans(toBars(r2)).map((s) => [s.start, s.end])).toEqual([[60, 65]]);
  });

  it('look-back: a window that opens inside a run sees the run from before the window at its bar 0', () => {
    const win = windowMatrix(data, series, names, [63], 10);
    const F = names.length;
    expect(win[names.indexOf('runLength')]).toBe(4); // bars 60..63, three of them before the window
    expect(win[names.indexOf('runMove')]).toBeCloseTo(8, 5);
    for (let i = 0; i < 10 * F; i++) expect(win[i]).toBe(data[63 * F + i]);
    // Computed on the window's bars alone there is no history: no baseline, no run.
    const alone = computeSeriesFeatures(toBars(rows.slice(63, 73)), names);
    expect(alone[names.indexOf('runLength')]).toBe(0);
  });

  it('no look-ahead: the features of bar t do not change when later bars are removed', () => {
    for (const cut of [61, 64, 67]) {
      const d = computeSeriesFeatures(toBars(rows.slice(0, cut)), names);
      for (let i = 0; i < d.length; i++) expect(d[i]).toBe(data[i]);
    }
  });

  it('window run summaries: every bar of a run gets the run’s state at its last bar inside the window', () => {
    const wn: string[] = [...WINDOW_RUN_FEATURES];
    const sd = computeSeriesFeatures(series, wn);
    const col = (w: Float32Array, name: string, T: number): number[] => Array.from({ length: T }, (_, t) => w[t * wn.length + wn.indexOf(name)]);
    // Whole run inside: bars 60..68 (run + the gap bars) all see length 6, move 12, direction 1.
    const full = windowMatrix(sd, series, wn, [55], 20);
    expect(col(full, 'runSpanLength', 20)).toEqual([0, 0, 0, 0, 0, 6, 6, 6, 6, 6, 6, 6, 6, 6, 0, 0, 0, 0, 0, 0]);
    expect(col(full, 'runSpanMove', 20)[5]).toBeCloseTo(12, 5);
    expect(col(full, 'runSpanDirection', 20)[5]).toBe(1);
    // A window ending at bar 62 sees the run only up to there (length 3): nothing after it is read.
    const cut = windowMatrix(sd, series, wn, [53], 10);
    expect(col(cut, 'runSpanLength', 10)).toEqual([0, 0, 0, 0, 0, 0, 0, 3, 3, 3]);
    expect(col(cut, 'runSpanMove', 10)[7]).toBeCloseTo(6, 5);
    // A window opening at bar 63 still counts the run's bars before it.
    const late = windowMatrix(sd, series, wn, [63], 10);
    expect(col(late, 'runSpanLength', 10).slice(0, 3)).toEqual([6, 6, 6]);
  });

  it('runVerdict: 1 on the run’s bars (not its trailing quiet bars) when the run as the window shows it passes the rule’s tests', () => {
    const wn: string[] = [...WINDOW_RUN_FEATURES];
    const sd = computeSeriesFeatures(series, wn);
    const col = (w: Float32Array, T: number): number[] => Array.from({ length: T }, (_, t) => w[t * wn.length + wn.indexOf('runVerdict')]);
    // Whole run inside: exactly the rule's span [60, 65] (bars 5..10 of a window from 55).
    expect(col(windowMatrix(sd, series, wn, [55], 20), 20)).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    // A window ending at bar 62 sees 3 bars of the run: too short for the rule (5), so 0.
    expect(col(windowMatrix(sd, series, wn, [53], 10), 10)).toEqual(Array(10).fill(0));
    // A window opening at bar 63 sees the whole run through its look-back: bars 63..65 pass.
    expect(col(windowMatrix(sd, series, wn, [63], 10), 10)).toEqual([1, 1, 1, 0, 0, 0, 0, 0, 0, 0]);
    // A run that moved too little fails: the same run with bodies of +0.5 (net move 3 < 4 ranges).
    const weak: Row[] = rows.slice(0, 60);
    // range 3 (expands), body +0.5 each: net move 103 - 100 = 3 baseline ranges
    for (let k = 0; k < 6; k++) weak.push([100 + 0.5 * k, 100.5 + 0.5 * k + 1.25, 100 + 0.5 * k - 1.25, 100.5 + 0.5 * k]);
    for (let t = 0; t < 10; t++) weak.push([103, 103.5, 102.5, 103]);
    const wb = toBars(weak);
    expect(findExpansionSpans(wb)).toEqual([]);
    expect(col(windowMatrix(computeSeriesFeatures(wb, wn), wb, wn, [55], 20), 20).every((v) => v === 0)).toBe(true);
  });

  it('runVerdict agrees with the rule on a real series wherever the window holds the whole run', async () => {
    const bars = (await readOhlcvCsvFile(path.join(SHARED_DATA, 'btcusd_1h.csv'))).bars;
    const n = 4000; // the first 4,000 hourly bars: enough runs, fast
    const part: BarColumns = {
      time: bars.time.slice(0, n),
      open: bars.open.slice(0, n),
      high: bars.high.slice(0, n),
      low: bars.low.slice(0, n),
      close: bars.close.slice(0, n),
      volume: null,
    };
    const spans = findExpansionSpans(part);
    expect(spans.length).toBeGreaterThan(10);
    const wn: string[] = ['runVerdict'];
    const sd = computeSeriesFeatures(part, wn);
    const T = 128;
    let checked = 0;
    for (let s = 64; s + T <= n; s += 64) {
      const v = windowMatrix(sd, part, wn, [s], T);
      const truth = new Float32Array(T);
      for (const sp of spans) for (let t = Math.max(sp.start, s); t <= Math.min(sp.end, s + T - 1); t++) truth[t - s] = 1;
      // Bars whose run lies wholly inside the window (a 48-bar margin covers any kept run and its gap).
      for (let t = 50; t < T - 51; t++) {
        expect(v[t], `window ${s}, bar ${t}`).toBe(truth[t]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });
});
