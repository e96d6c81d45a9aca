/**
 * The report field of a walk-forward cross-validated run (report v3, `crossValidation`): per fold
 * what it trained on, what it chose on its own inner validation (epoch, threshold) and its figures
 * on its own test block; then the mean and spread over folds. Folds are scored separately and the
 * spread is over folds (each fold's model differs), not a bootstrap interval.
 */

export interface FoldFigure {
  fold: number;
  trainWindows: number;
  valWindows: number;
  testWindows: number;
  purgedWindows: number;
  /** Per ensemble member: the epoch kept (chosen on the fold's inner validation). */
  bestEpochs: number[];
  /** Span threshold chosen on the fold's inner validation (soft; the CRF decodes by Viterbi; on training windows before 2026-12-05). */
  threshold: number;
  /** On the fold's test block, decoded like the headline. */
  spanF1: number;
  barF1: number;
  /** On the fold's inner validation (what its choices saw; for comparison only). */
  valSpanF1: number;
}

export interface Spread {
  mean: number;
  /** Sample standard deviation over folds (n − 1); 0 with one fold. */
  sd: number;
  min: number;
  max: number;
}

export interface CrossValidationReport {
  method: 'walk-forward';
  folds: number;
  /** Purge between train, inner validation and test, in bars (one window length). */
  purgeBars: number;
  perFold: FoldFigure[];
  /** Over folds, on each fold's test block. */
  spanF1: Spread;
  barF1: Spread;
  /** Which fold's models are saved with the run (the last: it learned from every earlier block). */
  savedFold: number;
  /**
   * Where the report's headline is: 'held-out' = the test block (run setting testFraction) cut off
   * before the folds, scored once by the saved fold's models; 'last-fold' = the saved fold's own test
   * block (testFraction 0, or too few windows). Absent in reports written before it (= 'last-fold').
   */
  headlineOn?: 'held-out' | 'last-fold';
  /** Windows of the held-out test block (0 with 'last-fold'). */
  heldOutWindows?: number;
}

/** Mean, sample standard deviation (n − 1; 0 for one value), min and max. */
export function spread(values: readonly number[]): Spread {
  const n = values.length;
  if (n === 0) return { mean: NaN, sd: NaN, min: NaN, max: NaN };
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const sd = n > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, sd, min: Math.min(...values), max: Math.max(...values) };
}

export function crossValidationSummary(perFold: FoldFigure[], purgeBars: number, savedFold: number, heldOutWindows = 0): CrossValidationReport {
  return {
    headlineOn: heldOutWindows > 0 ? 'held-out' : 'last-fold',
    heldOutWindows,
    method: 'walk-forward',
    folds: perFold.length,
    purgeBars,
    perFold,
    spanF1: spread(perFold.map((f) => f.spanF1)),
    barF1: spread(perFold.map((f) => f.barF1)),
    savedFold,
  };
}
