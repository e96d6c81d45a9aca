import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../../core/ml/backend/index.ts';
import { tf } from '../../../core/ml/backend/tf.ts';
import { im2col, linear, selfAttention, transposeRows } from '../../../core/ml/model/ops.ts';

const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor): number => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

/** Reference convolution taps with pad + slices + concat (autodiff). */
function im2colRef(x: tf.Tensor2D, B: number, T: number, k: number, d: number): tf.Tensor2D {
  const C = x.shape[1];
  const p = (d * (k - 1)) / 2;
  const xp = tf.pad(tf.reshape(x, [B, T, C]), [
    [0, 0],
    [p, p],
    [0, 0],
  ]);
  const taps: tf.Tensor[] = [];
  for (let j = 0; j < k; j++) taps.push(tf.slice(xp, [0, j * d, 0], [B, T, C]));
  return tf.reshape(tf.concat(taps, 2), [B * T, k * C]);
}

function attentionRef(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D): tf.Tensor3D {
  const s = tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(q.shape[2]));
  return tf.matMul(tf.softmax(s), v);
}

// Force the hand-written-gradient paths on every backend (by default they run on wasm only).
const HW = 'always' as const;

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`fast ops with hand-written gradients on ${backend}`, () => {
    it('transposeRows equals tf.transpose', async () => {
      await selectBackend(backend);
      for (const [n, m] of [
        [32, 5],
        [7, 3],
        [1, 4],
        [2048, 3],
      ]) {
        const a = tf.randomNormal([n, m], 0, 1, 'float32', n) as tf.Tensor2D;
        expect(maxAbsDiff(transposeRows(a), tf.transpose(a))).toBe(0);
      }
    });

    it('linear: value and gradients equal autodiff of matMul + bias', async () => {
      await selectBackend(backend);
      const a = tf.randomNormal([24, 7], 0, 1, 'float32', 1);
      const w = tf.randomNormal([7, 5], 0, 1, 'float32', 2);
      const b = tf.randomNormal([5], 0, 1, 'float32', 3);
      const up = tf.randomNormal([24, 5], 0, 1, 'float32', 4);
      const f1 = (x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) => tf.sum(tf.mul(linear(x as tf.Tensor2D, y as tf.Tensor2D, z as tf.Tensor1D, HW), up));
      const f2 = (x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) => tf.sum(tf.mul(tf.add(tf.matMul(x, y), z), up));
      const g1 = tf.grads(f1)([a, w, b]);
      const g2 = tf.grads(f2)([a, w, b]);
      g1.forEach((g, i) => expect(maxAbsDiff(g, g2[i])).toBeLessThan(1e-4));
      const h1 = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(linear(x as tf.Tensor2D, y as tf.Tensor2D, null, HW), up)))([a, w]);
      const h2 = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, y), up)))([a, w]);
      h1.forEach((g, i) => expect(maxAbsDiff(g, h2[i])).toBeLessThan(1e-4));
      expect(maxAbsDiff(linear(a as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D, HW), tf.add(tf.matMul(a, w), b))).toBeLessThan(1e-5);
    });

    it('im2col: value and gradient equal pad + slices + concat, for dilations 1, 2, 4', async () => {
      await selectBackend(backend);
      for (const [B, T, C, k, d] of [
        [2, 9, 3, 5, 1],
        [3, 16, 2, 5, 2],
        [2, 12, 4, 5, 4],
        [1, 5, 2, 3, 1],
      ]) {
        const x = tf.randomNormal([B * T, C], 0, 1, 'float32', T) as tf.Tensor2D;
        const up = tf.randomNormal([B * T, k * C], 0, 1, 'float32', 7);
        expect(maxAbsDiff(im2col(x, B, T, k, d), im2colRef(x, B, T, k, d))).toBe(0);
        const g1 = tf.grad((z: tf.Tensor) => tf.sum(tf.mul(im2col(z as tf.Tensor2D, B, T, k, d), up)))(x);
        const g2 = tf.grad((z: tf.Tensor) => tf.sum(tf.mul(im2colRef(z as tf.Tensor2D, B, T, k, d), up)))(x);
        expect(maxAbsDiff(g1, g2)).toBeLessThan(1e-5);
      }
    });

    it('selfAttention: value and gradients equal the batched-matMul formulation', async () => {
      await selectBackend(backend);
      const [B, T, d, dv] = [3, 10, 4, 6];
      const q = tf.randomNormal([B, T, d], 0, 1, 'float32', 1) as tf.Tensor3D;
      const k = tf.randomNormal([B, T, d], 0, 1, 'float32', 2) as tf.Tensor3D;
      const v = tf.randomNormal([B, T, dv], 0, 1, 'float32', 3) as tf.Tensor3D;
      const up = tf.randomNormal([B, T, dv], 0, 1, 'float32', 4);
      expect(maxAbsDiff(selfAttention(q, k, v, HW), attentionRef(q, k, v))).toBeLessThan(1e-5);
      const wrap = (f: typeof attentionRef) => (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
        tf.sum(tf.mul(f(a as tf.Tensor3D, b as tf.Tensor3D, c as tf.Tensor3D), up));
      const g1 = tf.grads(wrap((a, b, c) => selfAttention(a, b, c, HW)))([q, k, v]);
      const g2 = tf.grads(wrap(attentionRef))([q, k, v]);
      g1.forEach((g, i) => expect(maxAbsDiff(g, g2[i])).toBeLessThan(1e-4));
    });
  });
}
