/**
 * Shared shapes for evaluation and training reports. The per-task names match the model's heads.
 */
export type TaskName = 'pointer' | 'type' | 'span' | 'countdown';
export const TASKS: readonly TaskName[] = ['pointer', 'type', 'span', 'countdown'];
export type TaskValues = Record<TaskName, number>;

/**
 * The per-bar tasks. pointer (softmax over positions) and type (softmax over types) are per-window
 * classification losses; span and countdown are averaged over bars.
 */
export const BAR_TASKS: readonly TaskName[] = ['span', 'countdown'];

/**
 * Best-epoch criterion: the unweighted validation span loss. Lower is better.
 * (Report v1 used span + countdown; the countdown loss is ~72 % of that sum and jumps 0.20 → 0.57
 * between epochs while the span loss is flat, so the noisiest target decided which epoch was kept.
 * The span loss is the loss of the output every reported figure is decoded from.)
 */
export const CRITERION = 'span' as const;

/** Which epoch a run keeps (core/ml/training/epoch-criterion.ts explains both; here so reports can name it). */
export type EpochCriterion = 'span-loss' | 'span-f1';
export const DEFAULT_EPOCH_CRITERION: EpochCriterion = 'span-f1';
export function criterionOf(v: TaskValues): number {
  return v.span;
}

/** One epoch of one ensemble member, as streamed to onEpoch, stored by appendEpoch and used in reports. */
export interface EpochEvent {
  /** Ensemble member index (0-based). */
  member: number;
  /** Epoch within the member, 1-based. Epoch 0 (initialisation) is not streamed; see RunReport.loss.start. */
  epoch: number;
  /** Total epochs planned for this member. */
  epochs: number;
  /** Mean weighted objective over the epoch's training batches (training mode: dropout on). */
  trainLoss: number;
  /** Weighted objective on the validation set (inference mode). Can be negative; not a selection criterion. */
  valLoss: number;
  /** Unweighted per-task training losses (mean over the epoch's batches). */
  trainTask: TaskValues;
  /** Unweighted per-task validation losses. */
  valTask: TaskValues;
  /** Σ of trainTask. */
  trainUnweighted: number;
  /** Σ of valTask (all four tasks, unweighted). */
  valUnweighted: number;
  /** Best-epoch criterion: valTask.span (unweighted; lower is better; report v1: span + countdown). */
  valCriterion: number;
  /** σ_i = exp(s_i) per task, after this epoch. */
  sigmas: TaskValues;
  /** weight_i = σ_i⁻² / Σ_j σ_j⁻². */
  taskWeights: TaskValues;
  /** Validation bar F1 of spanProb thresholded at 0.5 (no post-processing). */
  valBarF1: number;
  /** True when this epoch is the member's best so far by valCriterion. */
  isBest: boolean;
  /** Wall-clock seconds of this epoch (training + validation). */
  seconds: number;
}

/** Per-window ground truth used by evaluation. Spans are window-relative, inclusive. */
export interface EvalTruth {
  /** 0/1 per bar: inside any labelled span. */
  mask: ArrayLike<number>;
  spans: { start: number; end: number }[];
  hasSpan: boolean;
  /** Main span pointers and type, -1 when none. */
  start: number;
  end: number;
  typeIndex: number;
  /** Bars left until the span's end, per bar (0 outside spans). */
  countdown: ArrayLike<number>;
}

/** What evaluation needs from a model's prediction of one window. */
export interface PredLike {
  spanProb: ArrayLike<number>;
  /** CRF only: per-bar tags of the Viterbi path; any value > 0 = inside a span. */
  viterbi?: ArrayLike<number> | null;
  startProb: ArrayLike<number>;
  endProb: ArrayLike<number>;
  typeProb: ArrayLike<number>;
  countdown: ArrayLike<number>;
}
