import { describe, expect, it } from 'vitest';
import { makeTrainingSet } from '../../../core/demo/index.ts';
import { computeSeriesFeatures, FEATURE_NAMES, windowMatrix } from '../../../core/ml/features/index.ts';
import { windowFeatures } from '../../../core/ml/training/dataset.ts';
import type { WindowInfo } from '../../../core/domain/types.ts';

describe('project windows get the same features as slicing the whole series (look-back, per-window run summaries)', () => {
  it('windows of two series, interleaved, each equal windowMatrix over its own series', () => {
    const names = [...FEATURE_NAMES];
    const a = makeTrainingSet({ seed: 3, windows: 6, length: 64 }).bars;
    const b = makeTrainingSet({ seed: 4, windows: 6, length: 64 }).bars;
    const cache = new Map([
      ['a', { bars: a, features: computeSeriesFeatures(a, names) }],
      ['b', { bars: b, features: computeSeriesFeatures(b, names) }],
    ]);
    const wins = [
      { seriesId: 'a', startIndex: 200 },
      { seriesId: 'b', startIndex: 90 },
      { seriesId: 'a', startIndex: 40 },
      { seriesId: 'b', startIndex: 300 },
    ].map((w, i) => ({ ...w, id: i + 1, length: 64 }) as unknown as WindowInfo);
    const got = windowFeatures(cache, wins, names, 64);
    const F = names.length;
    wins.forEach((w, i) => {
      const c = cache.get(w.seriesId)!;
      const want = windowMatrix(c.features, c.bars, names, [w.startIndex], 64);
      expect(Array.from(got.subarray(i * 64 * F, (i + 1) * 64 * F))).toEqual(Array.from(want));
    });
    // and the rolling features at bar 0 come from the bars before the window
    const vol = names.indexOf('volatility');
    expect(got[2 * 64 * F + vol]).toBeCloseTo(cache.get('a')!.features[40 * F + vol], 6);
  });
});
