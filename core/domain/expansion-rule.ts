/**
 * The constants of the demo's expansion rule (core/demo/heuristic-truth.ts), in one place so the
 * rule and the features that describe it (core/ml/features: the expansion flag, the run state and
 * the run's verdict) cannot drift apart.
 */
export const EXPANSION_RULE = {
  /** Bars of the median true range a bar's range is measured against. */
  baseline: 50,
  /** A bar expands at true range ≥ this × the baseline median. */
  rangeFactor: 1.5,
  /** Quiet bars a run may contain between expanding bars. */
  maxGap: 2,
  /** A run's length bounds, in bars (first to last expanding bar). */
  minLength: 5,
  maxLength: 48,
  /** A run's net move (last close − first open), in baseline ranges at its start. */
  moveFactor: 4,
  /** Share of a run's bars whose body points the way of its net move. */
  directional: 0.6,
} as const;
