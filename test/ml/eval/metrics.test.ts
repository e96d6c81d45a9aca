import { describe, expect, it } from 'vitest';
import { decodeSpans, decodeViterbi, postProcessRuns, runsOf, spansToMask } from '../../../core/ml/eval/decode.ts';
import {
  barPRF,
  calibration,
  countdownMAE,
  iou,
  matchSpans,
  pointerHitRate,
  prevalenceBaseline,
  prevalenceEntropy,
  scoreViterbi,
  spanPRF,
  sweepThresholds,
  typeAccuracy,
} from '../../../core/ml/eval/metrics.ts';
import { detectOverfitting, epochsToFraction, summariseLoss } from '../../../core/ml/eval/curves.ts';

describe('decoding', () => {
  it('finds runs, merges small gaps and drops short runs', () => {
    expect(runsOf([0, 1, 1, 0, 0, 1, 0, 1, 1])).toEqual([
      { start: 1, end: 2 },
      { start: 5, end: 5 },
      { start: 7, end: 8 },
    ]);
    // gap between 5 and 7 is one bar -> merged with mergeGap 1; the first run is 2 bars.
    expect(postProcessRuns(runsOf([0, 1, 1, 0, 0, 1, 0, 1, 1]), 3, 1)).toEqual([{ start: 5, end: 8 }]);
    expect(postProcessRuns(runsOf([0, 1, 1, 0, 0, 1, 0, 1, 1]), 1, 2)).toEqual([{ start: 1, end: 8 }]);
  });

  it('thresholds probabilities inclusively', () => {
    const p = [0.1, 0.5, 0.7, 0.49, 0.9, 0.95, 0.96, 0.2];
    expect(decodeSpans(p, { threshold: 0.5, minLength: 1, mergeGap: 0 })).toEqual([
      { start: 1, end: 2 },
      { start: 4, end: 6 },
    ]);
    expect(decodeSpans(p, { threshold: 0.5, minLength: 3, mergeGap: 0 })).toEqual([{ start: 4, end: 6 }]);
    expect(decodeSpans(p, { threshold: 0.5, minLength: 3, mergeGap: 1 })).toEqual([{ start: 1, end: 6 }]);
  });

  it('decodes viterbi tags (any non-zero tag is in-span) and builds masks', () => {
    expect(decodeViterbi([0, 1, 2, 2, 0, 3])).toEqual([
      { start: 1, end: 3 },
      { start: 5, end: 5 },
    ]);
    expect(Array.from(spansToMask([{ start: 1, end: 2 }], 4))).toEqual([0, 1, 1, 0]);
  });
});

describe('bar and span metrics', () => {
  it('computes micro bar precision/recall/F1', () => {
    const r = barPRF(
      [
        [1, 1, 0, 0],
        [0, 1],
      ],
      [
        [1, 0, 1, 0],
        [0, 1],
      ],
    );
    expect(r).toMatchObject({ tp: 2, fp: 1, fn: 1 });
    expect(r.precision).toBeCloseTo(2 / 3);
    expect(r.f1).toBeCloseTo(2 / 3);
  });

  it('IoU of inclusive intervals', () => {
    expect(iou({ start: 0, end: 9 }, { start: 5, end: 14 })).toBeCloseTo(5 / 15);
    expect(iou({ start: 0, end: 9 }, { start: 0, end: 9 })).toBe(1);
    expect(iou({ start: 0, end: 4 }, { start: 5, end: 9 })).toBe(0);
  });

  it('matches one-to-one, greedily by IoU, at IoU >= 0.5', () => {
    // pred A overlaps truth X (IoU 0.9) and Y (IoU 0.5); pred B overlaps only X (IoU 0.6).
    const truth = [
      { start: 0, end: 9 },
      { start: 9, end: 18 },
    ];
    const pred = [
      { start: 0, end: 8 }, // vs X: 9/10 = .9
      { start: 1, end: 9 }, // vs X: 9/10 = .9 but later index; vs Y: 1/18
    ];
    const m = matchSpans(pred, truth, 0.5);
    expect(m.tp).toBe(1);
    expect(m.pairs[0]).toMatchObject({ pred: 0, truth: 0 });
    expect(m.fp).toBe(1);
    expect(m.fn).toBe(1);
    // exactly 0.5 counts
    expect(matchSpans([{ start: 0, end: 9 }], [{ start: 0, end: 4 }], 0.5).tp).toBe(1);
    expect(matchSpans([{ start: 0, end: 9 }], [{ start: 0, end: 3 }], 0.5).tp).toBe(0);
  });

  it('greedy picks the highest IoU pair first, not the first in order', () => {
    const truth = [{ start: 10, end: 19 }];
    const pred = [
      { start: 10, end: 25 }, // 10/16
      { start: 11, end: 19 }, // 9/10
    ];
    expect(matchSpans(pred, truth).pairs).toEqual([{ pred: 1, truth: 0, iou: 0.9 }]);
  });

  it('span F1 is micro over windows, empty vs empty is perfect', () => {
    const r = spanPRF([[{ start: 0, end: 5 }], []], [[{ start: 0, end: 5 }], [{ start: 2, end: 3 }]]);
    expect(r).toMatchObject({ tp: 1, fp: 0, fn: 1 });
    expect(r.f1).toBeCloseTo(2 / 3);
    expect(spanPRF([[]], [[]]).f1).toBe(1);
  });

  it('sweep picks the threshold maximising F1', () => {
    const probs = [
      [0.1, 0.6, 0.62, 0.65, 0.3, 0.3],
      [0.35, 0.35, 0.35, 0.1, 0.1, 0.1],
    ];
    const truthMasks = [
      [0, 1, 1, 1, 0, 0],
      [0, 0, 0, 0, 0, 0],
    ];
    const truthSpans = [[{ start: 1, end: 3 }], []];
    const s = sweepThresholds(probs, truthMasks, truthSpans, { minLength: 1, mergeGap: 0 });
    expect(s.points).toHaveLength(19);
    // perfect for thresholds in (0.35, 0.6]: closest to 0.5 is 0.5.
    expect(s.bestBarThreshold).toBe(0.5);
    expect(s.bestSpanThreshold).toBe(0.5);
    const at = s.points.find((p) => p.threshold === 0.5)!;
    expect(at.bar.f1).toBe(1);
    expect(at.span.f1).toBe(1);
    expect(s.points.find((p) => p.threshold === 0.3)!.bar.f1).toBeLessThan(1);
  });

  it('scores viterbi paths', () => {
    const r = scoreViterbi([[0, 1, 1, 1, 0]], [[0, 1, 1, 0, 0]], [[{ start: 1, end: 2 }]]);
    expect(r.bar).toMatchObject({ tp: 2, fp: 1, fn: 0 });
    expect(r.span.f1).toBe(1); // IoU 2/3
  });
});

describe('baselines and calibration', () => {
  it('prevalence baseline: bar F1 = 2p/(1+p)', () => {
    const masks = [
      [1, 1, 0, 0],
      [0, 0, 0, 1],
    ];
    const b = prevalenceBaseline(masks, [[{ start: 0, end: 1 }], [{ start: 3, end: 3 }]]);
    expect(b.prevalence).toBeCloseTo(3 / 8);
    expect(b.barF1).toBeCloseTo((2 * 0.375) / 1.375);
    // check against a direct computation: predict all bars
    const direct = barPRF(
      [
        [1, 1, 1, 1],
        [1, 1, 1, 1],
      ],
      masks,
    );
    expect(direct.f1).toBeCloseTo(b.barF1);
    // whole-window span vs a 2-bar span in 4 bars: IoU .5 -> match; vs 1 bar: .25 -> miss
    expect(b.spanF1).toBeCloseTo(0.5);
    expect(prevalenceEntropy(0.5)).toBeCloseTo(Math.log(2));
    expect(prevalenceEntropy(0)).toBe(0);
  });

  it('calibration: means inside/outside, separation and 20-bin histograms', () => {
    const c = calibration(
      [
        [0.9, 0.8, 0.1, 0.0],
        [1.0, 0.2],
      ],
      [
        [1, 1, 0, 0],
        [1, 0],
      ],
    );
    expect(c.meanInside).toBeCloseTo(0.9);
    expect(c.meanOutside).toBeCloseTo(0.1);
    expect(c.separation).toBeCloseTo(0.8);
    expect(c.edges).toHaveLength(21);
    expect(c.histInside).toHaveLength(20);
    expect(c.histInside.reduce((a, b) => a + b, 0)).toBeCloseTo(1);
    expect(c.histOutside.reduce((a, b) => a + b, 0)).toBeCloseTo(1);
    expect(c.histInside[19]).toBeCloseTo(1 / 3); // 1.0 lands in the last bin
    expect(c.histOutside[0]).toBeCloseTo(1 / 3); // 0.0
    expect(c.countInside).toBe(3);
  });

  it('pointer hit rate, type accuracy and countdown MAE', () => {
    const start = [
      [0, 0.9, 0, 0, 0, 0, 0, 0, 0, 0],
      [0.1, 0, 0, 0, 0, 0, 0, 0, 0, 0.8],
    ];
    const end = [
      [0, 0, 0, 0, 0, 0, 0, 0.9, 0, 0],
      [0, 0.5, 0, 0, 0, 0, 0, 0, 0, 0],
    ];
    const truth = [
      { hasSpan: true, start: 4, end: 8, typeIndex: 1 },
      { hasSpan: true, start: 1, end: 5, typeIndex: 0 },
      { hasSpan: false, start: -1, end: -1, typeIndex: -1 },
    ];
    const h = pointerHitRate([...start, start[0]], [...end, end[0]], truth, 3);
    expect(h.windows).toBe(2);
    expect(h.start).toBe(0.5); // |1-4| = 3 hit, |9-1| = 8 miss
    expect(h.end).toBe(0.5); // |7-8| hit, |1-5| = 4 miss
    expect(h.both).toBe(0.5);
    expect(
      typeAccuracy(
        [
          [0.2, 0.8],
          [0.3, 0.7],
          [1, 0],
        ],
        truth,
      ),
    ).toEqual({ accuracy: 0.5, windows: 2 });
    const mae = countdownMAE([[5, 1, 0]], [[3, 2, 0]], [[1, 1, 0]]);
    expect(mae).toEqual({ mae: 1.5, bars: 2 });
  });
});

describe('loss curves', () => {
  it('summarises start/final/best and reductions', () => {
    const s = summariseLoss([10, 6, 4, 5, 5]);
    expect(s).toMatchObject({ start: 10, final: 5, best: 4, bestEpoch: 2 });
    expect(s.reductionPct).toBeCloseTo(60);
    expect(s.normalisedReduction).toBeCloseTo(0.6);
    expect(epochsToFraction([10, 6, 4.5, 4, 4], 0.9)).toBe(2); // target 4.6
  });

  it('detects validation rising while training falls for N epochs', () => {
    const train = [5, 4, 3, 2.5, 2, 1.5, 1.2, 1.0];
    const val = [5, 4, 3.5, 3.6, 3.8, 4.0, 4.3, 4.2];
    const r = detectOverfitting(train, val, { minEpochs: 3, firstEpoch: 1 });
    // rising at indices 3,4,5,6 (epochs 4..7) while train falls
    expect(r.detected).toBe(true);
    expect(r.beganAtEpoch).toBe(4);
    expect(r.longestStreak).toBe(4);
    expect(detectOverfitting(train, val, { minEpochs: 5 }).detected).toBe(false);
    // both falling: nothing
    expect(detectOverfitting([3, 2, 1, 0.5], [3, 2, 1, 0.9], { minEpochs: 1 }).detected).toBe(false);
    // val rising but train rising too (e.g. divergence): not overfitting
    expect(detectOverfitting([1, 2, 3, 4], [1, 2, 3, 4], { minEpochs: 1 }).detected).toBe(false);
  });
});
