/**
 * How the four task losses are weighted (Kendall et al.'s convention is what is reported:
 * total = Σ exp(−2 s_i) L_i + s_i, s_i = log σ_i, task weight = σ_i⁻² / Σ σ_j⁻²).
 *
 * For a fixed L_i the optimum of exp(−2 s) L_i + s is exp(2 s) = 2 L_i, i.e. σ_i² = 2 L_i. When s_i
 * is trained by the network's own Adam step ('learned', the original behaviour) it moves by at most
 * ~learning rate per step, so it lags far behind that optimum and drifts for hundreds of epochs
 * (measured: the overfit type head's weight climbs to 0.5–0.78 and long runs destabilise). The
 * closed-form modes set s_i to the optimum of a smoothed loss instead, bounded so that a head whose
 * loss collapses (the type head's training loss reaches ~1e-5) cannot take all the weight:
 *
 * - 'ema-val'   σ_i² = 2 · EMA of the per-task VALIDATION loss, updated once per epoch (default;
 *               see docs/ml.md "Task weighting" for the bench that chose it). A head that overfits
 *               (training loss → 0, validation loss high) is weighed by what it generalises.
 * - 'ema-train' σ_i² = 2 · EMA of the per-task training batch loss, updated after every batch.
 * - 'learned'   s_i trained by Adam with the network (as before; kept for comparison).
 * - 'fixed'     s_i = 0 (equal weights, total = Σ L_i).
 *
 * Per-window heads (pointer, type) and per-bar heads are on the same footing: with σ² = 2 L̄ every
 * term contributes L_i / (2 L̄_i), i.e. each task is normalised to its own scale; the bounds cap
 * how far any head can be up-weighted.
 */

export type TaskWeighting = 'ema-val' | 'ema-train' | 'learned' | 'fixed';
export const TASK_WEIGHTINGS: readonly TaskWeighting[] = ['ema-val', 'ema-train', 'learned', 'fixed'];
export const DEFAULT_TASK_WEIGHTING: TaskWeighting = 'ema-val';

/** Bounds on s_i = log σ_i for the closed-form modes: per-task weight exp(−2 s) ∈ [e⁻³, e³]. */
export const LOG_SIGMA_BOUNDS = { min: -1.5, max: 1.5 } as const;

/** EMA decay per update: per batch for 'ema-train' (~a few epochs of memory), per epoch for 'ema-val'. */
export const EMA_DECAY: Record<'ema-train' | 'ema-val', number> = { 'ema-train': 0.98, 'ema-val': 0.7 };

/** s minimising exp(−2 s) L + s (σ² = 2 L), clamped to the bounds; L ≤ 0 gives the lower bound. */
export function optimalLogSigma(loss: number, bounds: { min: number; max: number } = LOG_SIGMA_BOUNDS): number {
  if (!(loss > 0)) return bounds.min;
  const s = 0.5 * Math.log(2 * loss);
  return Math.min(bounds.max, Math.max(bounds.min, s));
}

/**
 * Bias-corrected exponential moving average of each task's loss (as in Adam: the first updates are
 * not pulled toward 0), and the closed-form log-sigmas from it.
 */
export class ClosedFormWeights {
  private readonly ema: Float64Array;
  /** Observations per task (bias correction is per task: a task may skip an update). */
  private readonly steps: Uint32Array;

  constructor(
    readonly tasks: number,
    readonly decay: number,
    readonly bounds: { min: number; max: number } = LOG_SIGMA_BOUNDS,
  ) {
    if (!(decay >= 0 && decay < 1)) throw new RangeError(`ClosedFormWeights: decay must be in [0, 1), got ${decay}`);
    this.ema = new Float64Array(tasks);
    this.steps = new Uint32Array(tasks);
  }

  /**
   * Add one observation of the per-task losses. A value that is not finite or is exactly 0 (a task
   * with no examples in that set or batch: no pointer/type loss without a span) is no observation
   * for that task, so an absent task is not up-weighted to the bound.
   */
  update(losses: ArrayLike<number>): void {
    if (losses.length !== this.tasks) throw new RangeError(`ClosedFormWeights: expected ${this.tasks} losses, got ${losses.length}`);
    for (let i = 0; i < this.tasks; i++) {
      const v = losses[i];
      if (!(Number.isFinite(v) && v > 0)) continue;
      this.ema[i] = this.decay * this.ema[i] + (1 - this.decay) * v;
      this.steps[i]++;
    }
  }

  /** The smoothed losses (bias-corrected); NaN for a task not observed yet. */
  smoothed(): Float64Array {
    return Float64Array.from(this.ema, (v, i) => (this.steps[i] > 0 ? v / (1 - Math.pow(this.decay, this.steps[i])) : NaN));
  }

  /** s_i = ½ log(2 L̄_i), clamped; 0 for a task not observed yet. */
  logSigmas(): Float32Array {
    return Float32Array.from(this.smoothed(), (l) => (Number.isNaN(l) ? 0 : optimalLogSigma(l, this.bounds)));
  }
}

export function isTaskWeighting(v: unknown): v is TaskWeighting {
  return typeof v === 'string' && (TASK_WEIGHTINGS as readonly string[]).includes(v);
}
