import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../../core/ml/backend/index.ts';
import { tf } from '../../../core/ml/backend/tf.ts';
import { countdownLoss, crfSpanLoss, pointerLoss, softSpanLoss, taskWeightsFromLogSigmas, typeLoss, uncertaintyTotal } from '../../../core/ml/model/losses.ts';

/** Central finite differences of a float64 JS function. */
function fdGrad(f: (x: number[]) => number, x: number[], h = 1e-6): number[] {
  return x.map((_, i) => {
    const p = x.slice();
    const m = x.slice();
    p[i] += h;
    m[i] -= h;
    return (f(p) - f(m)) / (2 * h);
  });
}

const softplus = (z: number): number => (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`losses on ${backend}`, () => {
    it('soft BCE: value and gradient match a float64 reference (finite differences)', async () => {
      await selectBackend(backend);
      const B = 3;
      const T = 5;
      const z = Array.from({ length: B * T }, (_, i) => Math.sin(i * 1.7) * 4);
      const y = Array.from({ length: B * T }, (_, i) => [0, 0.25, 0.5, 1][i % 4]);
      // per-bar weights; the mean is over the B·T bars (not over Σw: confidence must weigh)
      const w = Array.from({ length: B * T }, (_, i) => [1, 0.5, 0.25][i % 3]);
      const jsLoss = (zz: number[]): number => {
        let s = 0;
        for (let i = 0; i < B * T; i++) s += w[i] * (softplus(zz[i]) - zz[i] * y[i]);
        return s / (B * T);
      };
      const yt = tf.tensor2d(y, [B, T]);
      const wt = tf.tensor2d(w, [B, T]);
      const { value, grad } = tf.valueAndGrad((zz: tf.Tensor) => softSpanLoss(zz as tf.Tensor2D, yt, wt))(tf.tensor2d(z, [B, T]));
      expect(value.dataSync()[0]).toBeCloseTo(jsLoss(z), 5);
      const fd = fdGrad(jsLoss, z);
      const g = grad.dataSync();
      fd.forEach((v, i) => expect(g[i]).toBeCloseTo(v, 5));
      // numerically stable for large logits
      const big = softSpanLoss(tf.tensor2d([[200, -200]]), tf.tensor2d([[0, 1]]), tf.tensor2d([[1, 1]]));
      expect(big.dataSync()[0]).toBeCloseTo(200, 3);
    });

    it('uncertainty-weighted total: value and gradients (losses and log-sigmas) match finite differences', async () => {
      await selectBackend(backend);
      const L = [0.7, 2.5, 0.05, 1.3];
      const s = [0.1, -0.4, 0.8, 0];
      const js = (v: number[]): number => {
        let t = 0;
        for (let i = 0; i < 4; i++) t += Math.exp(-2 * v[4 + i]) * v[i] + v[4 + i];
        return t;
      };
      const { value, grads } = tf.valueAndGrads((l: tf.Tensor, ls: tf.Tensor) => uncertaintyTotal(l as tf.Tensor1D, ls as tf.Tensor1D))([
        tf.tensor1d(L),
        tf.tensor1d(s),
      ]);
      expect(value.dataSync()[0]).toBeCloseTo(js([...L, ...s]), 5);
      const fd = fdGrad(js, [...L, ...s]);
      const g = [...grads[0].dataSync(), ...grads[1].dataSync()];
      fd.forEach((v, i) => expect(g[i]).toBeCloseTo(v, 4));
      const tw = taskWeightsFromLogSigmas(s);
      expect(tw.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
      expect(tw[1]).toBeGreaterThan(tw[0]); // smaller sigma → larger weight
    });

    it('pointer and type losses ignore windows without a span (no loss, no gradient)', async () => {
      await selectBackend(backend);
      const T = 6;
      const logits = tf.tensor3d(
        Array.from({ length: 2 * 2 * T }, (_, i) => Math.cos(i)),
        [2, 2, T],
      );
      const start = tf.tensor1d([2, -1], 'int32');
      const end = tf.tensor1d([4, -1], 'int32');
      const w = tf.tensor1d([0.8, 1]);
      const has = tf.tensor1d([1, 0]);
      const { value, grad } = tf.valueAndGrad((x: tf.Tensor) => pointerLoss(x as tf.Tensor3D, start, end, w, has))(logits);
      const g = grad.arraySync() as number[][][];
      expect(g[1].flat().every((v) => v === 0)).toBe(true);
      // equals the first window's mean start/end cross-entropy × its weight (one window with a span)
      const lp = tf.logSoftmax(logits).arraySync() as number[][][];
      expect(value.dataSync()[0]).toBeCloseTo((0.8 * -(lp[0][0][2] + lp[0][1][4])) / 2, 5);
      const none = pointerLoss(logits, tf.tensor1d([-1, -1], 'int32'), tf.tensor1d([-1, -1], 'int32'), w, tf.tensor1d([0, 0]));
      expect(none.dataSync()[0]).toBe(0);
      const tl = typeLoss(
        tf.tensor2d([
          [1, 2, 3],
          [3, 2, 1],
        ]),
        tf.tensor1d([2, -1], 'int32'),
        w,
        has,
      );
      const lsm = tf.logSoftmax(tf.tensor1d([1, 2, 3])).dataSync();
      expect(tl.dataSync()[0]).toBeCloseTo(0.8 * -lsm[2], 5);
    });

    it('countdown loss only counts in-span bars; CRF span loss is per bar', async () => {
      await selectBackend(backend);
      const pred = tf.tensor2d([[0, 1, 5, 9]]);
      const cd = tf.tensor2d([[0, 2, 1, 0]]);
      const mask = tf.tensor2d([[0, 1, 1, 0]]);
      const v = countdownLoss(pred, cd, mask, tf.tensor2d([[1, 1, 0.5, 1]])).dataSync()[0];
      expect(v).toBeCloseTo(((1 - Math.log1p(2)) ** 2 + 0.5 * (5 - Math.log1p(1)) ** 2) / 2, 5);
      const c = crfSpanLoss(tf.tensor1d([12.8, 6.4]), tf.tensor1d([1, 0.5]), 128).dataSync()[0];
      expect(c).toBeCloseTo((12.8 + 0.5 * 6.4) / 2 / 128, 6);
    });
  });
}
