/**
 * Polyak averaging (an exponential moving average of the network's weights) and decoupled weight
 * decay, the two optimisation knobs that make long runs hold (issue #11 point 2; figures in
 * docs/BENCHMARKS.md "Long runs").
 *
 * Why averaging: on ~170 training windows every Adam step moves the detector noticeably, so the
 * validation span F1 of the raw weights swings from epoch to epoch even when the loss is flat. The
 * average of the last few hundred steps sits in the middle of that swing; it is what is evaluated,
 * checkpointed and kept (the raw weights keep training underneath). TF's ExponentialMovingAverage
 * warm-up is used: the decay is min(decay, (1 + n) / (10 + n)) after n updates, so the average is
 * not dragged toward the initialisation for the first epochs.
 */
import { tf } from '../backend/tf.ts';

/** The per-step decay used when `weightAverage: true` (a horizon of ~1/(1 − d) = 200 steps). */
export const DEFAULT_WEIGHT_AVERAGE_DECAY = 0.995;

export class WeightAverage {
  private readonly shadow: tf.Variable[];
  private updates = 0;

  constructor(
    private readonly vars: tf.Variable[],
    private readonly decay: number = DEFAULT_WEIGHT_AVERAGE_DECAY,
  ) {
    if (!(decay > 0 && decay < 1)) throw new Error(`weight-average decay must be in (0, 1), got ${decay}`);
    this.shadow = vars.map((v) => tf.variable(v.clone(), false));
  }

  /** Steps in the uniform tail average (0 = still exponential). */
  private uniform = 0;

  /**
   * After each optimiser step: shadow ← d·shadow + (1 − d)·v, with d the warm-up-capped decay, or,
   * once `startUniform` was called, d = (m − 1)/m after m steps of the tail: the plain mean of every
   * step's weights since then.
   */
  update(): void {
    this.updates++;
    if (this.uniform > 0) this.uniform++;
    const d = this.uniform > 0 ? (this.uniform - 1) / this.uniform : Math.min(this.decay, (1 + this.updates) / (10 + this.updates));
    tf.tidy(() => this.vars.forEach((v, i) => this.shadow[i].assign(this.shadow[i].mul(d).add(v.mul(1 - d)))));
  }

  /**
   * Switch to a uniform tail average (stochastic weight averaging, Izmailov et al. 2018): from the
   * next step on the shadow is the mean of the weights of every step since this call, starting from
   * the current exponential average. Why: the exponential average's horizon stays ~200 steps (~18
   * epochs at 11 steps per epoch), so late in a 200-epoch run the evaluated weights still follow
   * the raw ones; a tail mean over the last half of the run moves by ~1/m per step.
   */
  startUniform(): void {
    if (this.uniform === 0) this.uniform = 1;
  }

  /**
   * Run `fn` with the averaged weights in the model's variables, then put the raw weights back
   * (evaluation, checkpointing). Returns fn's result.
   */
  withAveraged<T>(fn: () => T): T {
    const raw = this.vars.map((v) => v.clone());
    try {
      this.vars.forEach((v, i) => v.assign(this.shadow[i]));
      return fn();
    } finally {
      this.vars.forEach((v, i) => v.assign(raw[i]));
      raw.forEach((t) => t.dispose());
    }
  }

  /** Leave the averaged weights in the model (end of training). */
  applyToModel(): void {
    this.vars.forEach((v, i) => v.assign(this.shadow[i]));
  }

  dispose(): void {
    this.shadow.forEach((s) => s.dispose());
  }
}

/**
 * Decoupled weight decay (AdamW, Loshchilov & Hutter): after the Adam step every network weight
 * shrinks by lr·wd, independently of its gradient scale (an L2 term in the loss would be rescaled
 * by Adam's per-weight normalisation and barely act on rarely-updated weights).
 */
export function applyWeightDecay(vars: tf.Variable[], learningRate: number, weightDecay: number): void {
  if (!(weightDecay > 0)) return;
  const f = 1 - learningRate * weightDecay;
  tf.tidy(() => vars.forEach((v) => v.assign(v.mul(f))));
}
