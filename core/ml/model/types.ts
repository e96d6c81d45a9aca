/**
 * The model contract shared with training/eval. Add, never rename.
 */
import type * as tf from '../backend/tf.ts';
import type { WindowTargets } from '../../labels/targets.ts';

export type HeadKind = 'soft' | 'crf';
export type EncoderKind = 'conv' | 'conv-attn';
export const TASKS = ['pointer', 'type', 'span', 'countdown'] as const;
export type Task = (typeof TASKS)[number];

export interface ModelSpec {
  head: HeadKind;
  encoder: EncoderKind;
  featureCount: number;
  windowLength: number;
  typeCount: number;
  /** Encoder channels. */
  hidden: number;
  seed: number;
  /** Dilations of the conv layers, one layer each (absent: [1, 2, 4], receptive field 29 bars). */
  dilations?: number[];
  /**
   * Training-mode dropout rates (dropout.ts; absent = 0, models saved before these load with 0):
   * `dropout` per element on each encoder layer's output, `inputDropout` whole input feature channels per window.
   */
  dropout?: number;
  inputDropout?: number;
}

/** What makeBatch reads from a window's targets (structurally the labels module's WindowTargets). */
export type BatchTargets = Pick<WindowTargets, 'hasSpan' | 'start' | 'end' | 'typeIndex' | 'mask' | 'softMask' | 'countdown' | 'weight'> &
  /** Edge masks and per-bar weights; when absent: every edge known, countdown on all in-span bars, every bar weighs `weight`. */
  Partial<Pick<WindowTargets, 'countdownMask' | 'startKnown' | 'endKnown' | 'barWeight'>>;

export interface Batch {
  /** [B,T,F] normalised features. */
  x: tf.Tensor3D;
  targets: {
    /** [B,T] 1 inside a span. */
    mask: tf.Tensor2D;
    /** [B,T] edge-ramped mask (soft head target). */
    softMask: tf.Tensor2D;
    /** [B] main span start (pointer target), -1 when none. int32 */
    start: tf.Tensor1D;
    /** [B] main span end, -1 when none. int32 */
    end: tf.Tensor1D;
    /** [B] main span type index, -1 when none. int32 */
    typeIndex: tf.Tensor1D;
    /** [B] 1 when the window has a span, else 0. float32 */
    hasSpan: tf.Tensor1D;
    /** [B,T] bars left until the span ends (0 outside spans). */
    countdown: tf.Tensor2D;
    /** [B] per-window sample weight (the main span's confidence). */
    weight: tf.Tensor1D;
    /** [B,T] 1 where the countdown target is known (in-span bars whose span ends inside the window). */
    countdownMask: tf.Tensor2D;
    /** [B,T] per-bar sample weight (label confidence, see labels/targets.ts). */
    barWeight: tf.Tensor2D;
  };
}

export interface LossResult {
  /** Uncertainty-weighted total: sum_i exp(-2 s_i) L_i + s_i. */
  total: tf.Scalar;
  /** Unweighted per-task losses (span/countdown per bar, CRF NLL / T). */
  perTask: Record<Task, tf.Scalar>;
}

export interface WindowPrediction {
  /** [T] P(bar in span): sigmoid (soft) or CRF marginal P(tag ≠ O). */
  spanProb: Float32Array;
  /** [T] CRF Viterbi path, 1 = in span; null for the soft head. */
  viterbi: Uint8Array | null;
  /** [T] softmax over positions. */
  startProb: Float32Array;
  endProb: Float32Array;
  /** [typeCount] softmax over span types (meaningful when the window has a span). */
  typeProb: Float32Array;
  /** [T] predicted bars until the span ends (≥ 0). */
  countdown: Float32Array;
  /**
   * [T × typeCount] per-bar type logits and [T] attention-pool scores of the type head: the type of
   * any span is the type head's attention pooling restricted to that span's bars (spanType()).
   * Absent in predictions made before these were added.
   */
  barTypeLogits?: Float32Array;
  poolScore?: Float32Array;
  /** CRF only: log P(Viterbi path | window) = path score − log Z (issue #12, the review queue's CRF measure). */
  pathLogProb?: number;
}

export interface SavedWeights {
  spec: ModelSpec;
  tensors: Array<{ name: string; shape: number[]; data: Float32Array }>;
}

export interface SpanModel {
  readonly spec: ModelSpec;
  /** All trainable variables, including the log-sigmas. */
  trainableVariables(): tf.Variable[];
  /** Call inside optimizer.minimize / tf.tidy. */
  loss(batch: Batch, training: boolean): LossResult;
  /** s_i = log sigma_i in TASKS order. */
  logSigmas(): Float32Array;
  /** Set the s_i (closed-form task weighting: the trainer sets them, the optimiser does not). */
  setLogSigmas(s: ArrayLike<number>): void;
  /** The trainable variables without the log-sigmas (what the optimiser updates when s_i are set in closed form). */
  networkVariables(): tf.Variable[];
  /** sigma_i^-2 normalised to sum 1, TASKS order. */
  taskWeights(): Float32Array;
  /** x: normalised features [count × T × F] row-major. */
  predict(x: Float32Array, count: number): WindowPrediction[];
  exportWeights(): SavedWeights;
  dispose(): void;
}
