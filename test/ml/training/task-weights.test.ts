import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../core/ml/backend/index.ts';
import { demoTrainData } from '../../../bench/demo-data.ts';
import { trainModel } from '../../../core/ml/training/train.ts';
import { ClosedFormWeights, EMA_DECAY, LOG_SIGMA_BOUNDS, optimalLogSigma } from '../../../core/ml/training/task-weights.ts';
import { mulberry32 } from '../../../core/ml/training/rng.ts';
import { TASKS } from '../../../core/ml/eval/types.ts';

beforeAll(async () => {
  await selectBackend('wasm');
});

describe('closed-form task weights', () => {
  it('optimalLogSigma minimises exp(-2s)·L + s (σ² = 2L), within the bounds', () => {
    for (const L of [0.05, 0.3, 1, 2.5]) {
      const s = optimalLogSigma(L);
      const f = (x: number) => Math.exp(-2 * x) * L + x;
      expect(Math.exp(2 * s)).toBeCloseTo(2 * L, 10);
      expect(f(s)).toBeLessThan(f(s - 1e-3));
      expect(f(s)).toBeLessThan(f(s + 1e-3));
    }
    // A collapsed (overfit) training loss cannot take all the weight: s stops at the lower bound.
    expect(optimalLogSigma(1e-5)).toBe(LOG_SIGMA_BOUNDS.min);
    expect(optimalLogSigma(0)).toBe(LOG_SIGMA_BOUNDS.min);
    expect(optimalLogSigma(1e6)).toBe(LOG_SIGMA_BOUNDS.max);
  });

  it('σ² converge to 2 × the mean loss on a constructed noisy loss, and follow a change', () => {
    const rand = mulberry32(3);
    const means = [0.2, 0.8, 0.35, 1.4];
    const w = new ClosedFormWeights(4, 0.98);
    const noisy = (m: number) => m * (1 + 0.4 * (rand() - 0.5));
    for (let i = 0; i < 2000; i++) w.update(means.map(noisy));
    const s = w.logSigmas();
    means.forEach((m, i) => expect(Math.exp(2 * s[i]) / (2 * m)).toBeCloseTo(1, 1));
    // The first task's loss drops by 4×: within a few hundred updates σ² follows.
    means[0] = 0.05;
    for (let i = 0; i < 400; i++) w.update(means.map(noisy));
    expect(Math.exp(2 * w.logSigmas()[0]) / (2 * 0.05)).toBeCloseTo(1, 1);
  });

  it('the first observation already gives the optimum (bias-corrected EMA)', () => {
    const w = new ClosedFormWeights(2, 0.9);
    expect(Array.from(w.logSigmas())).toEqual([0, 0]);
    w.update([0.5, 2]);
    expect(w.logSigmas()[0]).toBeCloseTo(optimalLogSigma(0.5), 6);
    expect(w.logSigmas()[1]).toBeCloseTo(optimalLogSigma(2), 6);
    // a task with no examples (loss exactly 0, e.g. no span in the validation windows) is no observation
    const z = new ClosedFormWeights(2, 0.9);
    z.update([0, 0.5]);
    expect(Array.from(z.logSigmas())[0]).toBe(0);
    z.update([0.3, 0.5]);
    expect(z.logSigmas()[0]).toBeCloseTo(optimalLogSigma(0.3), 6);
  });

  it("trainModel's 'ema-val' sets σ from the validation losses; 'fixed' keeps σ = 1", async () => {
    const data = demoTrainData({ seed: 11, windows: 24, length: 64 });
    const spec = { head: 'soft' as const, encoder: 'conv' as const, featureCount: data.features.length, windowLength: 64, typeCount: 2, hidden: 8, seed: 2 };
    const base = { spec, data, epochs: 2, batchSize: 8, learningRate: 0.003, seed: 1, skipUntrained: true };
    const r = await trainModel({ ...base, taskWeighting: 'ema-val' });
    r.model?.dispose();
    const replay = new ClosedFormWeights(4, EMA_DECAY['ema-val']);
    replay.update(TASKS.map((k) => r.initial.valTask[k]));
    for (const e of r.epochs) {
      replay.update(TASKS.map((k) => e.valTask[k]));
      const s = replay.logSigmas();
      TASKS.forEach((k, i) => expect(Math.log(e.sigmas[k])).toBeCloseTo(s[i], 4));
    }
    const f = await trainModel({ ...base, taskWeighting: 'fixed' });
    f.model?.dispose();
    for (const e of f.epochs) for (const k of TASKS) expect(e.sigmas[k]).toBe(1);
  });
});

describe('learning-rate schedule', () => {
  it('cosine goes from lr to 10 % of it; the optimiser really uses it (epoch 1 equal, later epochs differ)', async () => {
    const { scheduledLearningRate } = await import('../../../core/ml/training/train.ts');
    expect(scheduledLearningRate(0.002, 1, 100, 'cosine')).toBeCloseTo(0.002, 12);
    expect(scheduledLearningRate(0.002, 100, 100, 'cosine')).toBeCloseTo(0.0002, 12);
    expect(scheduledLearningRate(0.002, 50.5, 100, 'cosine')).toBeCloseTo(0.0011, 12);
    expect(scheduledLearningRate(0.002, 70, 100)).toBe(0.002);
    const data = demoTrainData({ seed: 11, windows: 24, length: 64 });
    const spec = { head: 'soft' as const, encoder: 'conv' as const, featureCount: data.features.length, windowLength: 64, typeCount: 2, hidden: 8, seed: 2 };
    const base = { spec, data, epochs: 3, batchSize: 8, learningRate: 0.01, seed: 1, skipUntrained: true };
    const c = await trainModel({ ...base, lrSchedule: 'constant' });
    const k = await trainModel({ ...base, lrSchedule: 'cosine' });
    c.model?.dispose();
    k.model?.dispose();
    expect(k.epochs[0].trainLoss).toBe(c.epochs[0].trainLoss);
    expect(k.epochs[2].trainLoss).not.toBe(c.epochs[2].trainLoss);
  });
});
