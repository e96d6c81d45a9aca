import { describe, expect, it } from 'vitest';
import type { IndexSpan } from '../../core/domain/types.ts';
import { emptyNoiseCounts, noisySeriesSpans, perWindowSpans } from '../../core/demo/annotator-noise.ts';

// 2,000 spans of 6 bars every 20 bars.
const N = 40_000;
const spans: IndexSpan[] = Array.from({ length: 2000 }, (_, i) => ({ start: 20 * i + 5, end: 20 * i + 10, type: 'up', confidence: 1 }));

describe('simulated annotator noise', () => {
  it('moves every edge by at most ±jitter bars, and moves most of them', () => {
    const out = noisySeriesSpans(spans, N, { jitter: 2, miss: 0, pairEdit: 0, seed: 3 });
    expect(out).toHaveLength(spans.length);
    let moved = 0;
    out.forEach((s, i) => {
      expect(Math.abs(s.start - spans[i].start)).toBeLessThanOrEqual(2);
      expect(Math.abs(s.end - spans[i].end)).toBeLessThanOrEqual(2);
      expect(s.start).toBeLessThanOrEqual(s.end);
      moved += (s.start !== spans[i].start ? 1 : 0) + (s.end !== spans[i].end ? 1 : 0);
    });
    // Each edge stays put with probability 1/5.
    expect(moved / (2 * spans.length)).toBeGreaterThan(0.75);
    expect(moved / (2 * spans.length)).toBeLessThan(0.85);
  });

  it('misses about 10 % of spans on a seeded run, the same ones for the same seed', () => {
    const counts = emptyNoiseCounts();
    const a = noisySeriesSpans(spans, N, { jitter: 0, miss: 0.1, pairEdit: 0, seed: 5 }, counts);
    expect(counts.spans).toBe(2000);
    expect(counts.missed).toBe(2000 - a.length);
    expect(counts.missed / 2000).toBeGreaterThan(0.085);
    expect(counts.missed / 2000).toBeLessThan(0.115);
    expect(noisySeriesSpans(spans, N, { jitter: 0, miss: 0.1, pairEdit: 0, seed: 5 })).toEqual(a);
    expect(noisySeriesSpans(spans, N, { jitter: 0, miss: 0.1, pairEdit: 0, seed: 6 })).not.toEqual(a);
  });

  it('edits only the later window of a drawn overlapping pair, and only spans in the shared bars', () => {
    const starts = Array.from({ length: 300 }, (_, i) => i * 64);
    const none = perWindowSpans(spans, starts, 128, { jitter: 2, miss: 0, pairEdit: 0, seed: 1 });
    none.forEach((ws, i) => expect(ws).toEqual(spans.filter((s) => s.end >= starts[i] && s.start <= starts[i] + 127)));
    const counts = emptyNoiseCounts();
    const all = perWindowSpans(spans, starts, 128, { jitter: 2, miss: 0, pairEdit: 1, seed: 1 }, counts);
    expect(counts.pairs).toBe(299);
    expect(counts.pairsEdited).toBe(299); // every shared stretch of 64 bars holds spans here
    expect(all[0]).toEqual(none[0]);
    for (let i = 1; i < starts.length; i++) {
      const changed = none[i].filter((s, k) => JSON.stringify(s) !== JSON.stringify(all[i][k]) || all[i].length !== none[i].length);
      expect(changed.length).toBeGreaterThan(0);
    }
    const tenth = emptyNoiseCounts();
    perWindowSpans(spans, starts, 128, { jitter: 2, miss: 0, pairEdit: 0.1, seed: 9 }, tenth);
    expect(tenth.pairsDrawn / tenth.pairs).toBeGreaterThan(0.05);
    expect(tenth.pairsDrawn / tenth.pairs).toBeLessThan(0.16);
  });
});
