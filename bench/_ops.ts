import { selectBackend } from '../core/ml/backend/index.ts';
import { tf } from '../core/ml/backend/tf.ts';
import { im2col, linear } from '../core/ml/model/ops.ts';
for (const be of ['cpu', 'wasm']) {
  await selectBackend(be as 'wasm');
  const s = tf.scatterND(tf.tensor2d([0, 0, 1], [3, 1], 'int32'), tf.tensor2d([1, 2, 3], [3, 1]), [2, 1]);
  console.log(be, 'scatter dup sum', s.dataSync());
  const B = 2, T = 7, C = 3, k = 5, d = 2;
  const x = tf.randomNormal([B * T, C], 0, 1, 'float32', 1) as tf.Tensor2D;
  const w = tf.randomNormal([k * C, 4], 0, 1, 'float32', 2) as tf.Tensor2D;
  const bb = tf.randomNormal([4], 0, 1, 'float32', 3) as tf.Tensor1D;
  const ref = (x: tf.Tensor2D, w: tf.Tensor2D, bb: tf.Tensor1D) => {
    const x3 = tf.reshape(x, [B, T, C]); const p = (d * (k - 1)) / 2;
    const xp = tf.pad(x3, [[0, 0], [p, p], [0, 0]]);
    const taps = []; for (let j = 0; j < k; j++) taps.push(tf.slice(xp, [0, j * d, 0], [B, T, C]));
    return tf.add(tf.matMul(tf.reshape(tf.concat(taps, 2), [B * T, k * C]), w), bb);
  };
  const fast = (x: tf.Tensor2D, w: tf.Tensor2D, bb: tf.Tensor1D) => linear(im2col(x, B, T, k, d), w, bb);
  const loss = (f: typeof ref) => (x: tf.Tensor, w: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.square(f(x as tf.Tensor2D, w as tf.Tensor2D, bb as tf.Tensor1D)));
  const g1 = tf.grads(loss(ref))([x, w, bb]); const g2 = tf.grads(loss(fast))([x, w, bb]);
  console.log(be, 'fwd diff', tf.max(tf.abs(tf.sub(ref(x, w, bb), fast(x, w, bb)))).dataSync()[0], 'grad diffs', g1.map((g, i) => tf.max(tf.abs(tf.sub(g, g2[i]))).dataSync()[0]));
}
