/**
 * Dropout for training mode only (issue #11 point 2: long runs on a few hundred windows overfit).
 *
 *   spec.dropout       per-element ("inverted") dropout on each encoder layer's output before its
 *                      residual add (conv layers, attention output): what the next layer and the
 *                      heads see is thinned, the residual stream is never rescaled at evaluation.
 *   spec.inputDropout  whole input feature channels dropped per window ([B,1,F] mask, "spatial"
 *                      dropout): the model cannot lean on one feature, which suits few windows.
 *
 * Masks are drawn in JavaScript from a seeded mulberry32 stream owned by the model (seeded from
 * spec.seed), one draw per training-mode forward pass, so a run is reproducible; each site costs ONE
 * tensor upload + ONE multiply (the wasm backend's cost is per op, docs/BENCHMARKS.md "Speed").
 * Evaluation and prediction never drop (no stream draw either, so evaluating does not shift the masks).
 */
import { tf } from '../backend/tf.ts';
import { mulberry32 } from '../../shared/random.ts';
import type { ModelSpec } from './types.ts';

/** Applies one dropout site to a tensor; null when the model is not in training mode or rates are 0. */
export interface Dropout {
  /** Per-element dropout of an encoder layer output [N,H]. */
  hidden(x: tf.Tensor2D): tf.Tensor2D;
  /** Whole-channel dropout of the input [B,T,F]. */
  input(x: tf.Tensor3D): tf.Tensor3D;
}

export function validateDropout(spec: Pick<ModelSpec, 'dropout' | 'inputDropout'>): void {
  for (const k of ['dropout', 'inputDropout'] as const) {
    const v = spec[k];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !(v >= 0 && v < 1)) throw new Error(`ModelSpec.${k} must be a rate in [0, 1), got ${String(v)}`);
  }
}

/** Keep-mask scaled by 1/(1−p) (inverted dropout: the expected activation is unchanged). */
function maskArray(n: number, rate: number, rand: () => number): Float32Array {
  const keep = 1 / (1 - rate);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rand() >= rate ? keep : 0;
  return out;
}

/** The model's dropout stream: one per model, seeded from spec.seed (distinct from the init stream). */
export class DropoutStream {
  private readonly rand: () => number;
  private readonly hiddenRate: number;
  private readonly inputRate: number;

  constructor(spec: Pick<ModelSpec, 'seed' | 'dropout' | 'inputDropout'>) {
    validateDropout(spec);
    // A fixed offset keeps this stream apart from the initialisation stream mulberry32(seed).
    this.rand = mulberry32((Math.trunc(spec.seed) ^ 0x5bd1e995) >>> 0);
    this.hiddenRate = spec.dropout ?? 0;
    this.inputRate = spec.inputDropout ?? 0;
  }

  /** Dropout for one training-mode forward pass, or null when both rates are 0. */
  forPass(): Dropout | null {
    if (this.hiddenRate === 0 && this.inputRate === 0) return null;
    const { rand, hiddenRate, inputRate } = this;
    return {
      hidden: (x) => {
        if (hiddenRate === 0) return x;
        const [N, H] = x.shape;
        return tf.mul(x, tf.tensor2d(maskArray(N * H, hiddenRate, rand), [N, H]));
      },
      input: (x) => {
        if (inputRate === 0) return x;
        const [B, , F] = x.shape;
        return tf.mul(x, tf.tensor3d(maskArray(B * F, inputRate, rand), [B, 1, F]));
      },
    };
  }
}
