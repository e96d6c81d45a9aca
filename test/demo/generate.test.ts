import { describe, expect, it } from 'vitest';
import { generateSeries } from '../../core/demo/generate.ts';

describe('generateSeries', () => {
  it('is deterministic per seed and differs between seeds', () => {
    const a = generateSeries({ seed: 42, bars: 5000 });
    const b = generateSeries({ seed: 42, bars: 5000 });
    const c = generateSeries({ seed: 43, bars: 5000 });
    for (const col of ['time', 'open', 'high', 'low', 'close'] as const) expect(b.bars[col]).toEqual(a.bars[col]);
    expect(b.bars.volume).toEqual(a.bars.volume);
    expect(b.truth).toEqual(a.truth);
    expect(c.bars.close).not.toEqual(a.bars.close);
    expect(c.truth).not.toEqual(a.truth);
  });

  it('uses the given time axis and start price', () => {
    const { bars } = generateSeries({ seed: 1, bars: 10, startTime: Date.UTC(2021, 5, 1), intervalMs: 60_000, startPrice: 2.5 });
    expect(bars.time[0]).toBe(Date.UTC(2021, 5, 1));
    expect(bars.time[9] - bars.time[8]).toBe(60_000);
    expect(bars.open[0]).toBeGreaterThan(2.4);
    expect(bars.open[0]).toBeLessThan(2.6);
  });

  it('produces valid OHLCV over 200k bars, with spans visibly different', () => {
    const n = 200_000;
    const { bars, truth } = generateSeries({ seed: 7, bars: n });
    const vol = bars.volume!;
    let bad = 0;
    for (let i = 0; i < n; i++) {
      const o = bars.open[i];
      const c = bars.close[i];
      if (!(bars.high[i] >= Math.max(o, c) && bars.low[i] <= Math.min(o, c) && bars.low[i] > 0 && vol[i] > 0)) bad++;
      if (i > 0 && !(bars.time[i] > bars.time[i - 1])) bad++;
      if (![o, c, bars.high[i], bars.low[i], vol[i]].every(Number.isFinite)) bad++;
    }
    expect(bad).toBe(0);

    // Spans: 6-40 bars, sorted, apart, ~8 per 1000 bars, both directions.
    expect(truth.length).toBeGreaterThan(1200);
    expect(truth.length).toBeLessThan(2000);
    for (let k = 0; k < truth.length; k++) {
      const s = truth[k];
      expect(s.end - s.start + 1).toBeGreaterThanOrEqual(6);
      expect(s.end - s.start + 1).toBeLessThanOrEqual(40);
      expect(s.confidence).toBe(1);
      expect(['up', 'down']).toContain(s.type);
      if (k > 0) expect(s.start).toBeGreaterThan(truth[k - 1].end + 10);
    }
    const ups = truth.filter((s) => s.type === 'up').length;
    expect(ups / truth.length).toBeGreaterThan(0.35);
    expect(ups / truth.length).toBeLessThan(0.65);

    const inside = new Uint8Array(n);
    for (const s of truth) inside.fill(1, s.start, s.end + 1);
    const sum = [0, 0];
    const cnt = [0, 0];
    const vsum = [0, 0];
    let withDir = 0;
    let spanBars = 0;
    for (let i = 0; i < n; i++) {
      const k = inside[i];
      sum[k] += (bars.high[i] - bars.low[i]) / bars.open[i];
      vsum[k] += vol[i];
      cnt[k]++;
    }
    for (const s of truth) {
      const dir = s.type === 'up' ? 1 : -1;
      for (let i = s.start; i <= s.end; i++) {
        spanBars++;
        if ((bars.close[i] - bars.open[i]) * dir > 0) withDir++;
      }
      // The span moves in its direction overall.
      expect((bars.close[s.end] - bars.open[s.start]) * dir).toBeGreaterThan(0);
    }
    expect(sum[1] / cnt[1] / (sum[0] / cnt[0])).toBeGreaterThanOrEqual(1.5);
    expect(vsum[1] / cnt[1] / (vsum[0] / cnt[0])).toBeGreaterThanOrEqual(1.5);
    expect(withDir / spanBars).toBeGreaterThan(0.75);
    expect(withDir / spanBars).toBeLessThan(0.98); // some pullback bars
  });

  it('honours spanRate and span length options', () => {
    const none = generateSeries({ seed: 3, bars: 5000, spanRate: 0 });
    expect(none.truth).toEqual([]);
    const dense = generateSeries({ seed: 3, bars: 20000, spanRate: 20, minSpanLength: 10, maxSpanLength: 12 });
    expect(dense.truth.length).toBeGreaterThan(300);
    for (const s of dense.truth) expect(s.end - s.start + 1).toBeGreaterThanOrEqual(10);
    for (const s of dense.truth) expect(s.end - s.start + 1).toBeLessThanOrEqual(12);
  });
});
