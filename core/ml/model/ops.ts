/**
 * Fast building blocks with hand-written gradients, shaped for the tfjs wasm backend's quirks
 * (measured on this project's 2-core machine, B·T = 2048 rows, 160 → 32 channels):
 *  - 2-D matMul without transposes runs through XNNPACK (~0.6–1 ms); any transposeA/transposeB or
 *    batched (rank-3) matMul takes a slow generic loop (7–30 ms). Autodiff of y = a·w needs
 *    a^T·dy and dy·w^T, i.e. exactly the slow forms. `linear` computes its gradient with
 *    plain matMuls on explicitly transposed operands instead.
 *  - A rank-3 transpose [B,T,C] → [C,B,T] is fast (~0.3 ms) while the 2-D one is ~10x slower,
 *    so `transposeRows` transposes through a rank-3 view.
 *  - Slices/concat are JavaScript copy loops in tfjs-wasm (slow for strided slices); `im2col`
 *    builds all convolution taps with ONE gather and its gradient with ONE scatterND (sums
 *    duplicate indices) instead of pad + k slices + concat.
 * Every op here has a gradient on every backend (customGrad), checked against autodiff in tests.
 */
import { tf } from '../backend/tf.ts';

/** A divisor d of n with 1 < d < n, near 16 (for the rank-3 transpose view), or 1 when n is prime. */
function viewSplit(n: number): number {
  for (let d = 16; d >= 2; d--) if (n % d === 0) return d;
  for (let d = 17; d * d <= n; d++) if (n % d === 0) return d;
  return 1;
}

/** Transpose of a 2-D tensor [N,I] → [I,N], through a fast rank-3 transpose where possible. */
export function transposeRows(a: tf.Tensor2D): tf.Tensor2D {
  const [N, I] = a.shape;
  const d = viewSplit(N);
  if (d === 1 || I === 1) return tf.transpose(a);
  return tf.reshape(tf.transpose(tf.reshape(a, [d, N / d, I]), [2, 0, 1]), [I, N]);
}

/**
 * y = a·w (+ b), a [N,I], w [I,O], b [O]. Gradients: da = dy·w^T, dw = a^T·dy, db = 1^T·dy,
 * all as untransposed 2-D matMuls (w^T is tiny; a^T uses transposeRows).
 */
export function linear(a: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D | null): tf.Tensor2D {
  const N = a.shape[0];
  if (b) {
    const op = tf.customGrad((...args: unknown[]) => {
      const [x, wt, bias, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
      save([x, wt]);
      return {
        value: tf.add(tf.matMul(x, wt), bias),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
          const g = dy as tf.Tensor2D;
          return [
            tf.matMul(g, tf.transpose(ws)),
            tf.matMul(transposeRows(xs), g),
            tf.reshape(tf.matMul(tf.ones([1, N]), g), [ws.shape[1]]),
          ];
        },
      };
    });
    return op(a, w, b) as tf.Tensor2D;
  }
  const op = tf.customGrad((...args: unknown[]) => {
    const [x, wt, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
    save([x, wt]);
    return {
      value: tf.matMul(x, wt),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
        const g = dy as tf.Tensor2D;
        return [tf.matMul(g, tf.transpose(ws)), tf.matMul(transposeRows(xs), g)];
      },
    };
  });
  return op(a, w) as tf.Tensor2D;
}

const indexCache = new Map<string, { gather: Int32Array; scatter: Int32Array }>();

/** Gather indices for `im2col`: row (b,t) tap j reads row b*T + t + (j - (k-1)/2)·d, or the zero row. */
function im2colIndices(B: number, T: number, k: number, d: number): { gather: Int32Array; scatter: Int32Array } {
  const key = `${B}:${T}:${k}:${d}`;
  let hit = indexCache.get(key);
  if (!hit) {
    const half = (k - 1) / 2;
    const zero = B * T;
    const gather = new Int32Array(B * T * k);
    let i = 0;
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        for (let j = 0; j < k; j++) {
          const s = t + (j - half) * d;
          gather[i++] = s >= 0 && s < T ? b * T + s : zero;
        }
      }
    }
    hit = { gather, scatter: gather };
    if (indexCache.size > 64) indexCache.clear();
    indexCache.set(key, hit);
  }
  return hit;
}

/**
 * Convolution taps, "same" zero padding: x [B*T, C] (rows ordered b-major) → [B*T, k*C] where
 * column block j holds x at time offset (j - (k-1)/2)·dilation. Forward: one gather; gradient:
 * one scatterND (duplicate indices are summed).
 */
export function im2col(x: tf.Tensor2D, B: number, T: number, k: number, dilation: number): tf.Tensor2D {
  const [N, C] = x.shape;
  if (N !== B * T) throw new Error(`im2col: ${N} rows for B=${B}, T=${T}`);
  if (k % 2 !== 1) throw new Error('im2col: odd kernel sizes only');
  const idx = im2colIndices(B, T, k, dilation);
  const op = tf.customGrad((...args: unknown[]) => {
    const [xx] = args as [tf.Tensor2D];
    const withZero = tf.concat([xx, tf.zeros([1, C])], 0);
    const value = tf.reshape(tf.gather(withZero, tf.tensor1d(idx.gather, 'int32')), [N, k * C]);
    return {
      value,
      gradFunc: (dy: tf.Tensor) => {
        const upd = tf.reshape(dy, [N * k, C]);
        const summed = tf.scatterND(tf.tensor2d(idx.scatter, [N * k, 1], 'int32'), upd, [N + 1, C]);
        return tf.slice(summed, [0, 0], [N, C]);
      },
    };
  });
  return op(x) as tf.Tensor2D;
}
