/**
 * Which epoch a run keeps (core/ml/training/epoch-criterion.ts): the rule on hand-made scores, the
 * validation span F1 on constructed predictions (edge jitter of ±2 bars does not move it), and inside
 * trainModel: under 'span-f1' the kept epoch is the one with the highest validation span F1 (ties:
 * lower span loss), under 'span-loss' the lowest span loss, and the report names the rule.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../core/ml/backend/index.ts';
import { isBetterEpoch, runEpochCriterion, validationSpanF1 } from '../../../core/ml/training/epoch-criterion.ts';
import { predictAll, trainModel } from '../../../core/ml/training/train.ts';
import type { BatchTargets, ModelSpec, WindowPrediction } from '../../../core/ml/model/types.ts';
import { demoTrainData } from '../../helpers/demo-data.ts';

beforeAll(async () => {
  await selectBackend('wasm');
});

const T = 40;
const maskOf = (spans: [number, number][]): Float32Array => {
  const m = new Float32Array(T);
  for (const [a, b] of spans) for (let t = a; t <= b; t++) m[t] = 1;
  return m;
};
const target = (spans: [number, number][]) => ({ mask: maskOf(spans) }) as unknown as BatchTargets;
const softPred = (spans: [number, number][], p = 0.9): WindowPrediction =>
  ({ spanProb: maskOf(spans).map((v) => (v ? p : 0.1)), viterbi: null }) as unknown as WindowPrediction;

describe('isBetterEpoch', () => {
  it('span-f1: higher F1 wins whatever the loss; equal F1 goes to the lower loss; span-loss reads only the loss', () => {
    expect(isBetterEpoch('span-f1', { f1: 0.8, loss: 0.5 }, { f1: 0.7, loss: 0.1 })).toBe(true);
    expect(isBetterEpoch('span-f1', { f1: 0.7, loss: 0.1 }, { f1: 0.8, loss: 0.5 })).toBe(false);
    expect(isBetterEpoch('span-f1', { f1: 0.8, loss: 0.2 }, { f1: 0.8, loss: 0.3 })).toBe(true);
    expect(isBetterEpoch('span-f1', { f1: 0.8, loss: 0.3 }, { f1: 0.8, loss: 0.3 })).toBe(false);
    expect(isBetterEpoch('span-loss', { f1: 0.1, loss: 0.2 }, { f1: 0.9, loss: 0.3 })).toBe(true);
    expect(isBetterEpoch('span-loss', { f1: 0.9, loss: 0.3 }, { f1: 0.1, loss: 0.2 })).toBe(false);
  });
});

describe('runEpochCriterion', () => {
  it('a run gets span-f1 with a test block, span-loss without one (its headline is then on validation); an explicit choice stands', () => {
    expect(runEpochCriterion(undefined, 12)).toBe('span-f1');
    expect(runEpochCriterion(undefined, 0)).toBe('span-loss');
    expect(runEpochCriterion('span-f1', 0)).toBe('span-f1');
    expect(runEpochCriterion('span-loss', 12)).toBe('span-loss');
  });
});

describe('validationSpanF1', () => {
  it('scores as the report decodes: a ±2-bar edge jitter on 10-bar spans still matches (IoU ≥ 0.5); a missed and an extra span count', () => {
    const truth = [
      target([
        [5, 14],
        [25, 34],
      ]),
    ];
    expect(
      validationSpanF1(
        [
          softPred([
            [5, 14],
            [25, 34],
          ]),
        ],
        truth,
        'soft',
      ),
    ).toBe(1);
    expect(
      validationSpanF1(
        [
          softPred([
            [7, 16],
            [23, 32],
          ]),
        ],
        truth,
        'soft',
      ),
    ).toBe(1);
    // one of two found, no extra: P 1, R 0.5 → F1 2/3
    expect(validationSpanF1([softPred([[5, 14]])], truth, 'soft')).toBeCloseTo(2 / 3, 10);
    // the soft head is scored at its best threshold of the report's grid (as the run then picks it):
    // spans at p = 0.4 over a background of 0.1 are found at a threshold of 0.15 … 0.4
    const low = softPred(
      [
        [5, 14],
        [25, 34],
      ],
      0.4,
    );
    expect(validationSpanF1([low], truth, 'soft')).toBe(1);
    // a span in the wrong place scores 0 at every threshold
    expect(validationSpanF1([softPred([[18, 22]])], truth, 'soft')).toBe(0);
    // CRF: the Viterbi path decides
    const crf = {
      spanProb: new Float32Array(T),
      viterbi: maskOf([
        [5, 14],
        [25, 34],
      ]),
    } as unknown as WindowPrediction;
    expect(validationSpanF1([crf], truth, 'crf')).toBe(1);
  });
});

describe('trainModel keeps the epoch its criterion picks', () => {
  const data = demoTrainData({ seed: 11, windows: 40, length: 64 });
  const spec: ModelSpec = { head: 'soft', encoder: 'conv', featureCount: data.features.length, windowLength: 64, typeCount: 2, hidden: 16, seed: 3 };
  const base = { spec, data, epochs: 8, batchSize: 8, learningRate: 0.005, seed: 5, skipUntrained: true };

  it('span-f1: the kept epoch has the highest validation span F1 of all epochs (ties: the lower span loss), and the kept model scores it', async () => {
    const f1: number[] = [];
    const r = await trainModel({ ...base, epochCriterion: 'span-f1', onEpochPredictions: (_e, p) => f1.push(validationSpanF1(p, data.valTargets, 'soft')) });
    const best = Math.max(...f1);
    const ties = r.epochs.filter((e, i) => Math.abs(f1[i] - best) <= 1e-9);
    const kept = ties.reduce((a, e) => (e.valTask.span < a.valTask.span ? e : a));
    // epoch 0 could only win if no epoch matched its F1; on this set training lifts F1 from epoch 1 on.
    expect(best).toBeGreaterThan(0);
    expect(r.bestEpoch).toBe(kept.epoch);
    expect(validationSpanF1(predictAll(r.model!, data.valX, data.valTargets.length), data.valTargets, 'soft')).toBeCloseTo(best, 10);
    r.model!.dispose();
  });

  it('span-loss: the kept epoch has the lowest validation span loss', async () => {
    const r = await trainModel({ ...base, epochCriterion: 'span-loss' });
    const kept = r.epochs.reduce((a, e) => (e.valTask.span < a.valTask.span ? e : a));
    expect(r.bestEpoch).toBe(kept.valTask.span < r.initial.valTask.span ? kept.epoch : 0);
    r.model!.dispose();
  });
});
