import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../core/ml/backend/tf.ts';
import { selectBackend } from '../../../core/ml/backend/index.ts';
import { WeightAverage, applyWeightDecay } from '../../../core/ml/training/weight-average.ts';
import { demoTrainData } from '../../helpers/demo-data.ts';
import { trainModel } from '../../../core/ml/training/train.ts';
import type { ModelSpec } from '../../../core/ml/model/types.ts';

beforeAll(async () => {
  await selectBackend('wasm');
});

describe('WeightAverage (Polyak averaging)', () => {
  it('follows shadow ← d·shadow + (1 − d)·v with the warm-up decay min(d, (1 + n)/(10 + n)), hand-computed', () => {
    const v = tf.variable(tf.tensor1d([0, 10]));
    const avg = new WeightAverage([v], 0.9);
    // update 1: d = min(0.9, 2/11); v = [1, 10] → shadow = (2/11)·[0,10] + (9/11)·[1,10]
    v.assign(tf.tensor1d([1, 10]));
    avg.update();
    const d1 = 2 / 11;
    const s1 = [(1 - d1) * 1, 10];
    // update 2: d = min(0.9, 3/12) = 0.25; v = [3, 0]
    v.assign(tf.tensor1d([3, 0]));
    avg.update();
    const s2 = [0.25 * s1[0] + 0.75 * 3, 0.25 * s1[1] + 0.75 * 0];
    const seen = avg.withAveraged(() => Array.from(v.dataSync()));
    expect(seen[0]).toBeCloseTo(s2[0], 5);
    expect(seen[1]).toBeCloseTo(s2[1], 5);
    // the raw weights are back after evaluation
    expect(Array.from(v.dataSync())).toEqual([3, 0]);
    avg.applyToModel();
    expect(v.dataSync()[1]).toBeCloseTo(2.5, 5);
    avg.dispose();
    v.dispose();
    expect(() => new WeightAverage([], 1)).toThrow(/decay must be in \(0, 1\)/);
  });

  it('after startUniform the shadow is the plain mean of the weights of every step since, starting from the average it had', () => {
    const v = tf.variable(tf.tensor1d([4]));
    const avg = new WeightAverage([v], 0.9);
    v.assign(tf.tensor1d([2]));
    avg.update(); // exponential: d = 2/11 → shadow = (2/11)·4 + (9/11)·2
    const s1 = (2 / 11) * 4 + (9 / 11) * 2;
    avg.startUniform();
    avg.startUniform(); // a second call changes nothing
    v.assign(tf.tensor1d([6]));
    avg.update(); // m = 2: (s1 + 6) / 2
    v.assign(tf.tensor1d([1]));
    avg.update(); // m = 3: (s1 + 6 + 1) / 3
    v.assign(tf.tensor1d([9]));
    avg.update(); // m = 4: (s1 + 6 + 1 + 9) / 4
    expect(avg.withAveraged(() => v.dataSync()[0])).toBeCloseTo((s1 + 6 + 1 + 9) / 4, 5);
    avg.dispose();
    v.dispose();
  });

  it('decoupled weight decay shrinks every weight by lr·wd; 0 leaves it alone', () => {
    const v = tf.variable(tf.tensor1d([2, -4]));
    applyWeightDecay([v], 0.01, 0.5);
    expect(Array.from(v.dataSync())).toEqual([2 * 0.995, -4 * 0.995].map((x) => Math.fround(x)));
    applyWeightDecay([v], 0.01, 0);
    expect(v.dataSync()[0]).toBeCloseTo(1.99, 6);
    v.dispose();
  });
});

describe('trainModel with weight averaging', () => {
  const data = demoTrainData({ seed: 11, windows: 30, length: 64 });
  const spec: ModelSpec = { head: 'soft', encoder: 'conv', featureCount: data.features.length, windowLength: 64, typeCount: 2, hidden: 16, seed: 3 };
  const base = { spec, data, epochs: 3, batchSize: 8, learningRate: 0.003, seed: 5, skipUntrained: true };

  it('evaluates and keeps the averaged weights (different figures from the raw run, same determinism)', async () => {
    const run = async (weightAverage: boolean | number) => {
      const r = await trainModel({ ...base, weightAverage });
      const w = r.model!.networkVariables()[0].dataSync().slice();
      r.model!.dispose();
      return { loss: r.epochs.map((e) => e.valLoss), w };
    };
    const raw = await run(false);
    const a = await run(0.99);
    const b = await run(0.99);
    expect(a).toEqual(b);
    expect(a.loss).not.toEqual(raw.loss);
    expect(Array.from(a.w)).not.toEqual(Array.from(raw.w));
    await expect(trainModel({ ...base, weightAverage: 1.5 })).rejects.toThrow(/weightAverage decay must be in \(0, 1\)/);
    await expect(trainModel({ ...base, weightDecay: -1 })).rejects.toThrow(/weightDecay must be >= 0/);
  });
});
