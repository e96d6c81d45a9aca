/**
 * Gradient-norm clipping (Pascanu, Mikolov & Bengio 2013) for long runs (issue #11 point 2): when the
 * global L2 norm of all gradients of a step exceeds `maxNorm`, every gradient is scaled by
 * maxNorm / norm (the direction is kept). Off by default (TrainOptions.gradClip).
 */
import { tf } from '../backend/tf.ts';

/**
 * The clipped gradients (new tensors; the caller disposes both maps) and the norm before clipping.
 * When the norm is within bounds the same tensors are returned (no copy).
 */
export function clipByGlobalNorm(grads: tf.NamedTensorMap, maxNorm: number): { grads: tf.NamedTensorMap; norm: number } {
  if (!(maxNorm > 0)) throw new Error(`gradClip must be > 0, got ${maxNorm}`);
  const names = Object.keys(grads);
  const normT = tf.tidy(() => tf.sqrt(tf.addN(names.map((n) => tf.sum(tf.square(grads[n]))))));
  const norm = normT.dataSync()[0];
  normT.dispose();
  if (!(norm > maxNorm)) return { grads, norm };
  const scale = maxNorm / norm;
  const out: tf.NamedTensorMap = {};
  for (const n of names) out[n] = tf.mul(grads[n], scale);
  return { grads: out, norm };
}
