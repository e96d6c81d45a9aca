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

/**
 * Which formulation to use: 'auto' = the hand-written-gradient forms on wasm only (cpu, tensorflow
 * and webgl take transposed matMuls at full speed, so plain autodiff there), 'always'/'never' force
 * one (tests and benchmarks). Passed in by the caller (the model's options); no module state.
 */
export type OpsMode = 'auto' | 'always' | 'never';

export function preferHandWritten(mode: OpsMode = 'auto'): boolean {
  return mode === 'always' || (mode === 'auto' && tf.getBackend() === 'wasm');
}

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
export function linear(a: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D | null, mode: OpsMode = 'auto'): tf.Tensor2D {
  // Other backends (cpu, native TensorFlow) handle transposed matMuls natively: plain autodiff.
  if (!preferHandWritten(mode)) return b ? tf.add(tf.matMul(a, w), b) : tf.matMul(a, w);
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
          return [tf.matMul(g, tf.transpose(ws)), tf.matMul(transposeRows(xs), g), tf.reshape(tf.matMul(tf.ones([1, N]), g), [ws.shape[1]])];
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

const indexCache = new Map<string, { forward: Int32Array; backward: Int32Array }>();

/**
 * Scatter indices for `im2col` (output row (b,t) tap j reads input row b*T + t + (j - (k-1)/2)·d,
 * or zero outside the window):
 *  - forward[j*N + r]: where input row r goes for tap j (flat row of the [N*k, C] output), or the
 *    dump row N*k when that tap position falls outside the window;
 *  - backward[(b*T + t)*k + j]: the input row that output row (b,t) tap j reads, or the dump row N.
 */
function im2colIndices(B: number, T: number, k: number, d: number): { forward: Int32Array; backward: Int32Array } {
  const key = `${B}:${T}:${k}:${d}`;
  let hit = indexCache.get(key);
  if (!hit) {
    const half = (k - 1) / 2;
    const N = B * T;
    const forward = new Int32Array(N * k).fill(N * k);
    const backward = new Int32Array(N * k);
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        for (let j = 0; j < k; j++) {
          const s = t + (j - half) * d;
          const out = (b * T + t) * k + j;
          if (s >= 0 && s < T) {
            backward[out] = b * T + s;
            forward[j * N + b * T + s] = out;
          } else {
            backward[out] = N;
          }
        }
      }
    }
    hit = { forward, backward };
    if (indexCache.size > 64) indexCache.clear();
    indexCache.set(key, hit);
  }
  return hit;
}

/**
 * Convolution taps, "same" zero padding: x [B*T, C] (rows ordered b-major) → [B*T, k*C] where
 * column block j holds x at time offset (j - (k-1)/2)·dilation. Forward: k-fold concat + one scatterND;
 * gradient: one scatterND (duplicate indices are summed). (tf.gather is ~30x slower than
 * scatterND on wasm for this shape, and its gradient kernel is missing there.)
 */
export function im2col(x: tf.Tensor2D, B: number, T: number, k: number, dilation: number): tf.Tensor2D {
  const [N, C] = x.shape;
  if (N !== B * T) throw new Error(`im2col: ${N} rows for B=${B}, T=${T}`);
  if (k % 2 !== 1) throw new Error('im2col: odd kernel sizes only');
  const idx = im2colIndices(B, T, k, dilation);
  const op = tf.customGrad((...args: unknown[]) => {
    const [xx] = args as [tf.Tensor2D];
    const spread = tf.scatterND(tf.tensor2d(idx.forward, [N * k, 1], 'int32'), tf.concat(new Array<tf.Tensor2D>(k).fill(xx), 0), [N * k + 1, C]);
    const value = tf.reshape(tf.slice(spread, [0, 0], [N * k, C]), [N, k * C]);
    return {
      value,
      gradFunc: (dy: tf.Tensor) => {
        const upd = tf.reshape(dy, [N * k, C]);
        const summed = tf.scatterND(tf.tensor2d(idx.backward, [N * k, 1], 'int32'), upd, [N + 1, C]);
        return tf.slice(summed, [0, 0], [N, C]);
      },
    };
  });
  return op(x) as tf.Tensor2D;
}

/**
 * Split [B,M,N] into B tensors [M,N]. On wasm, tf.unstack copies the whole input once per output
 * (its slice kernel reads the full buffer), so there it is done with one read and B small copies.
 * Not differentiable: use only inside custom gradients.
 */
export function unstackRows(x: tf.Tensor3D): tf.Tensor2D[] {
  if (tf.getBackend() !== 'wasm') return tf.unstack(x) as tf.Tensor2D[];
  const [B, M, N] = x.shape;
  const data = x.dataSync() as Float32Array;
  const out: tf.Tensor2D[] = [];
  for (let b = 0; b < B; b++) out.push(tf.tensor2d(data.subarray(b * M * N, (b + 1) * M * N), [M, N]));
  return out;
}

/** [B,M,N] → [B,N,M] */
const t3 = (x: tf.Tensor3D): tf.Tensor3D => tf.transpose(x, [0, 2, 1]);

/**
 * Single-head scaled dot-product self-attention within each window:
 * out = softmax(q·k^T / sqrt(d)) · v, q,k [B,T,d], v [B,T,dv].
 * Rank-3 batched matMuls are slow on wasm and unstacking a [B,T,T] tensor copies it B times
 * (tfjs-wasm slices read the whole input), so the [T,T] attention maps are kept as per-window
 * 2-D tensors from the start; only the small q/k/v/dO tensors are unstacked.
 */
export function selfAttention(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, mode: OpsMode = 'auto'): tf.Tensor3D {
  const B = q.shape[0];
  const scale = 1 / Math.sqrt(q.shape[2]);
  if (!preferHandWritten(mode)) return tf.matMul(tf.softmax(tf.mul(tf.matMul(q, k, false, true), scale)), v) as tf.Tensor3D;
  const op = tf.customGrad((...args: unknown[]) => {
    const [qq, kk, vv, save] = args as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D, tf.GradSaveFunc];
    const qs = unstackRows(tf.mul(qq, scale));
    const kts = unstackRows(t3(kk));
    const vs = unstackRows(vv);
    const atts: tf.Tensor2D[] = [];
    const outs: tf.Tensor2D[] = [];
    for (let b = 0; b < B; b++) {
      const a = tf.softmax(tf.matMul(qs[b], kts[b])) as tf.Tensor2D;
      atts.push(a);
      outs.push(tf.matMul(a, vs[b]));
    }
    save([qq, kk, vv, ...atts]);
    return {
      value: tf.stack(outs) as tf.Tensor3D,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [qS, kS, vS] = saved as tf.Tensor3D[];
        const aS = saved.slice(3) as tf.Tensor2D[];
        const dOs = unstackRows(dy as tf.Tensor3D);
        const vts = unstackRows(t3(vS));
        const ks = unstackRows(kS);
        const qs2 = unstackRows(qS);
        const dQ: tf.Tensor2D[] = [];
        const dK: tf.Tensor2D[] = [];
        const dV: tf.Tensor2D[] = [];
        for (let b = 0; b < B; b++) {
          const a = aS[b];
          const dA = tf.matMul(dOs[b], vts[b]);
          dV.push(tf.matMul(transposeRows(a), dOs[b]));
          // softmax backward, with the 1/sqrt(d) scale folded in
          const dS = tf.mul(tf.mul(a, tf.sub(dA, tf.sum(tf.mul(dA, a), -1, true))), scale) as tf.Tensor2D;
          dQ.push(tf.matMul(dS, ks[b]));
          dK.push(tf.matMul(transposeRows(dS), qs2[b]));
        }
        return [tf.stack(dQ), tf.stack(dK), tf.stack(dV)];
      },
    };
  });
  return op(q, k, v) as tf.Tensor3D;
}
