import { describe, expect, it } from 'vitest';
import { blockResample, bootstrapF1, defaultBlockLength, intervalsOverlap, microF1, percentile } from '../../../core/ml/eval/bootstrap.ts';

describe('block bootstrap of micro F1', () => {
  it('microF1 of a resample, by hand', () => {
    const counts = [
      { tp: 1, fp: 0, fn: 0 }, // A: perfect
      { tp: 0, fp: 1, fn: 1 }, // B: one miss, one false alarm
    ];
    expect(microF1(counts, [0, 0])).toBe(1);
    expect(microF1(counts, [1, 1])).toBe(0);
    // A+B: tp 1, fp 1, fn 1 → P = R = 0.5 → F1 0.5
    expect(microF1(counts, [0, 1])).toBeCloseTo(0.5, 12);
    // A+A+B: tp 2, fp 1, fn 1 → P = R = 2/3
    expect(microF1(counts, [0, 0, 1])).toBeCloseTo(2 / 3, 12);
  });

  it('percentile interpolates like numpy', () => {
    expect(percentile([0, 1, 2, 3, 4], 0.5)).toBe(2);
    expect(percentile([0, 10], 0.25)).toBe(2.5);
    expect(percentile([0, 0.5, 0.5, 1], 0.025)).toBeCloseTo(0.0375, 12);
    expect(percentile([0, 0.5, 0.5, 1], 0.975)).toBeCloseTo(0.9625, 12);
  });

  it('hand-computed case: two windows, block 1 → F1 ∈ {0, ½, 1} with probability ¼, ½, ¼; 95 % interval [0, 1]', () => {
    const counts = [
      { tp: 1, fp: 0, fn: 0 },
      { tp: 0, fp: 1, fn: 1 },
    ];
    const ci = bootstrapF1(counts, { block: 1, resamples: 4000, seed: 9 })!;
    expect(ci.low).toBe(0);
    expect(ci.high).toBe(1);
    // the distribution itself: resample by hand with the same generator size
    let zeros = 0;
    let halves = 0;
    const rand = (() => {
      let s = 1;
      return () => (s = (s * 16807) % 2147483647) / 2147483647;
    })();
    for (let i = 0; i < 4000; i++) {
      const f = microF1(counts, blockResample(2, 1, rand));
      if (f === 0) zeros++;
      else if (Math.abs(f - 0.5) < 1e-12) halves++;
    }
    expect(zeros / 4000).toBeCloseTo(0.25, 1);
    expect(halves / 4000).toBeCloseTo(0.5, 1);
  });

  it('identical windows give a zero-width interval at the point estimate; more windows, narrower interval', () => {
    const same = Array.from({ length: 20 }, () => ({ tp: 3, fp: 1, fn: 1 }));
    const ci = bootstrapF1(same)!;
    expect(ci.low).toBeCloseTo(0.75, 12);
    expect(ci.high).toBeCloseTo(0.75, 12);
    const mixed = (n: number) => Array.from({ length: n }, (_, i) => (i % 2 ? { tp: 2, fp: 0, fn: 0 } : { tp: 0, fp: 1, fn: 1 }));
    const small = bootstrapF1(mixed(10), { block: 1 })!;
    const large = bootstrapF1(mixed(200), { block: 1 })!;
    expect(large.high - large.low).toBeLessThan(small.high - small.low);
    expect(bootstrapF1([])).toBeNull();
    // deterministic for a seed
    expect(bootstrapF1(mixed(30))).toEqual(bootstrapF1(mixed(30)));
  });

  it('blocks are runs of consecutive windows; default length ⌈n^⅓⌉', () => {
    let k = 0;
    const seq = [0.0, 0.99, 0.5];
    const idx = blockResample(7, 3, () => seq[k++ % seq.length]);
    expect(idx).toEqual([0, 1, 2, 4, 5, 6, 2]);
    expect(defaultBlockLength(3)).toBe(1);
    expect(defaultBlockLength(42)).toBe(4);
    expect(intervalsOverlap({ low: 0.1, high: 0.3 }, { low: 0.3, high: 0.5 })).toBe(true);
    expect(intervalsOverlap({ low: 0.1, high: 0.29 }, { low: 0.3, high: 0.5 })).toBe(false);
  });
});
