import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../core/ml/backend/index.ts';
import { demoTrainData } from '../../helpers/demo-data.ts';
import { averagePredictions, trainEnsemble, trainModel } from '../../../core/ml/training/train.ts';
import type { ModelSpec, WindowPrediction } from '../../../core/ml/model/types.ts';

const data = demoTrainData({ seed: 11, windows: 30, length: 64 });
const spec = (head: 'soft' | 'crf'): ModelSpec => ({
  head,
  encoder: 'conv',
  featureCount: data.features.length,
  windowLength: 64,
  typeCount: 2,
  hidden: 16,
  seed: 3,
});

beforeAll(async () => {
  await selectBackend('wasm');
});

describe('trainModel', () => {
  it('is deterministic for a given seed and streams complete epoch events', async () => {
    const run = async () => {
      const events: number[][] = [];
      const r = await trainModel({
        spec: spec('soft'),
        data,
        epochs: 2,
        batchSize: 8,
        learningRate: 0.003,
        seed: 5,
        onEpoch: (e) => events.push([e.trainLoss, e.valLoss, e.valUnweighted, e.sigmas.span]),
      });
      r.model?.dispose();
      return { events, r };
    };
    const a = await run();
    const b = await run();
    expect(a.events).toHaveLength(2);
    expect(a.events).toEqual(b.events);
    const e = a.r.epochs[1];
    expect(e.member).toBe(0);
    expect(e.epoch).toBe(2);
    for (const k of ['pointer', 'type', 'span', 'countdown'] as const) {
      expect(Number.isFinite(e.valTask[k])).toBe(true);
      expect(Number.isFinite(e.trainTask[k])).toBe(true);
    }
    const w = e.taskWeights;
    expect(w.pointer + w.type + w.span + w.countdown).toBeCloseTo(1, 5);
    expect(e.valUnweighted).toBeCloseTo(e.valTask.pointer + e.valTask.type + e.valTask.span + e.valTask.countdown, 5);
    expect(a.r.initial.sigmas.span).toBe(1);
    expect(a.r.untrained?.val).toHaveLength(data.valTargets.length);
  });

  it('reduces the loss on a small learnable set and keeps the best epoch (by the span loss when asked; span F1: epoch-criterion.test.ts)', async () => {
    for (const head of ['soft', 'crf'] as const) {
      const r = await trainModel({ spec: spec(head), data, epochs: 6, batchSize: 8, learningRate: 0.01, seed: 1, epochCriterion: 'span-loss' });
      const first = r.initial.trainTask;
      const last = r.epochs[r.epochs.length - 1].trainTask;
      expect(last.span).toBeLessThan(first.span);
      const best = Math.min(...r.epochs.map((e) => e.valCriterion));
      expect(best).toBeLessThan(r.initial.valTask.span);
      expect(r.epochs[r.bestEpoch - 1].isBest).toBe(true);
      expect(r.epochs[r.bestEpoch - 1].valCriterion).toBeCloseTo(best, 6);
      // the returned model carries the best epoch's weights: its val loss equals the best one
      const { evaluateLoss } = await import('../../../core/ml/training/train.ts');
      const { makeBatch, disposeBatch } = await import('../../../core/ml/model/batch.ts');
      const vb = makeBatch(data.valX, data.valTargets, spec(head));
      const l = evaluateLoss(r.model!, [vb]);
      disposeBatch(vb);
      expect(l.task.span).toBeCloseTo(best, 3);
      r.model!.dispose();
    }
  });

  it('stops early after `patience` epochs without improvement', async () => {
    const r = await trainModel({ spec: spec('soft'), data, epochs: 40, batchSize: 8, learningRate: 0.05, seed: 1, earlyStopping: { patience: 2 } });
    const n = r.epochs.length;
    expect(n - r.bestEpoch).toBe(2);
    if (n < 40) expect(r.stoppedEarly).toBe(true);
    r.model?.dispose();
  });

  it('cancels between batches', async () => {
    const ac = new AbortController();
    let seen = 0;
    const r = await trainModel({
      spec: spec('soft'),
      data,
      epochs: 50,
      batchSize: 4,
      learningRate: 0.003,
      seed: 1,
      signal: ac.signal,
      onEpoch: () => {
        seen++;
        ac.abort();
      },
    });
    expect(r.status).toBe('cancelled');
    expect(r.model).toBeNull();
    expect(seen).toBe(1);
    expect(r.epochs).toHaveLength(1);
  });

  it('trains an ensemble and averages probabilities before thresholding', async () => {
    const ens = await trainEnsemble({ spec: spec('crf'), data, epochs: 1, batchSize: 8, learningRate: 0.003, seeds: [1, 2] });
    expect(ens.status).toBe('completed');
    expect(ens.members.map((m) => m.seed)).toEqual([1, 2]);
    expect(ens.members[1].model!.spec.seed).toBe(2);
    for (const m of ens.members) m.model!.dispose();
  });
});

describe('averagePredictions', () => {
  const p = (v: number, vit: number[]): WindowPrediction => ({
    spanProb: Float32Array.from([v, v, v]),
    viterbi: Uint8Array.from(vit),
    startProb: Float32Array.from([1, 0, 0]),
    endProb: Float32Array.from([0, 0, 1]),
    typeProb: Float32Array.from([v, 1 - v]),
    countdown: Float32Array.from([2, 1, 0]),
  });
  it('averages per bar; a CRF ensemble decodes its averaged marginals by posterior, not by a vote of paths', () => {
    const [a] = averagePredictions([[p(0.2, [1, 0, 1])], [p(0.6, [1, 1, 0])], [p(1.0, [0, 0, 1])]]);
    expect(a.spanProb[0]).toBeCloseTo(0.6);
    expect(Array.from(a.viterbi!)).toEqual([1, 1, 1]); // mean P(I) 0.6 ≥ 0.5 on every bar
    expect(a.typeProb[1]).toBeCloseTo(0.4);
    // one sure member (P(I) 0.95) against two unsure ones (0.3): a path vote says "out" (1 of 3),
    // the averaged marginal 0.517 says "in"
    const m = (v: number, vit: number): WindowPrediction => ({ ...p(v, [vit, vit, vit]) });
    const [b] = averagePredictions([[m(0.95, 1)], [m(0.3, 0)], [m(0.3, 0)]]);
    expect(b.spanProb[0]).toBeCloseTo(0.5167, 3);
    expect(Array.from(b.viterbi!)).toEqual([1, 1, 1]);
  });
});
