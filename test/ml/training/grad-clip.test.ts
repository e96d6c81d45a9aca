/**
 * Gradient-norm clipping (core/ml/training/grad-clip.ts, issue #11 point 2): a hand-computed case,
 * and inside trainModel: a bound that is never reached changes nothing (the same run byte for byte
 * as without clipping), a tight bound changes the run.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../core/ml/backend/tf.ts';
import { selectBackend } from '../../../core/ml/backend/index.ts';
import { clipByGlobalNorm } from '../../../core/ml/training/grad-clip.ts';
import { trainModel } from '../../../core/ml/training/train.ts';
import type { ModelSpec } from '../../../core/ml/model/types.ts';
import { demoTrainData } from '../../helpers/demo-data.ts';

beforeAll(async () => {
  await selectBackend('wasm');
});

describe('clipByGlobalNorm', () => {
  it('scales all gradients by maxNorm / norm when the global norm is above it (3-4-5 case)', () => {
    const grads = { a: tf.tensor1d([3]), b: tf.tensor2d([[0, 4]]) };
    const c = clipByGlobalNorm(grads, 1);
    expect(c.norm).toBeCloseTo(5, 5);
    expect(c.grads.a.dataSync()[0]).toBeCloseTo(0.6, 5);
    expect(Array.from(c.grads.b.dataSync())).toEqual([0, expect.closeTo(0.8, 5)]);
    const within = clipByGlobalNorm(grads, 10);
    expect(within.grads).toBe(grads);
    expect(within.norm).toBeCloseTo(5, 5);
    expect(() => clipByGlobalNorm(grads, 0)).toThrow(/gradClip must be > 0/);
    tf.dispose([...Object.values(grads), ...Object.values(c.grads)]);
  });
});

describe('trainModel with gradClip', () => {
  const data = demoTrainData({ seed: 11, windows: 30, length: 64 });
  const spec: ModelSpec = { head: 'crf', encoder: 'conv', featureCount: data.features.length, windowLength: 64, typeCount: 2, hidden: 16, seed: 3 };
  const base = { spec, data, epochs: 2, batchSize: 8, learningRate: 0.003, seed: 5, skipUntrained: true };
  const run = async (gradClip?: number) => {
    const before = tf.memory().numTensors;
    const r = await trainModel({ ...base, gradClip });
    const w = Array.from(r.model!.networkVariables()[0].dataSync());
    r.model!.dispose();
    expect(tf.memory().numTensors).toBe(before);
    return { loss: r.epochs.map((e) => e.valLoss), w };
  };

  it('an unreached bound is the unclipped run exactly; a tight bound changes it; a negative bound is refused', async () => {
    const off = await run(undefined);
    expect(await run(1e9)).toEqual(off);
    const tight = await run(0.01);
    // (the kept weights may be epoch 0's on 2 epochs: compare the per-epoch validation losses)
    expect(tight.loss).not.toEqual(off.loss);
    await expect(trainModel({ ...base, gradClip: -1 })).rejects.toThrow(/gradClip must be >= 0/);
  });
});
