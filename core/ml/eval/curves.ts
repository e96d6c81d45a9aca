/**
 * Loss-curve analysis: start/final/best, reductions, overfitting detection. Pure JS.
 */

export interface LossSummary {
  /** Value before the first update (epoch 0, model at initialisation). */
  start: number;
  /** Value after the last epoch. */
  final: number;
  best: number;
  /** Epoch (1-based; 0 = initialisation) at which `best` was reached. */
  bestEpoch: number;
  /** 100 * (start - best) / start. */
  reductionPct: number;
  /** (start - best) / start: a scale-free fraction, comparable between soft and CRF runs. */
  normalisedReduction: number;
}

/** `values[0]` is the value at initialisation (epoch 0), values[e] after epoch e. */
export function summariseLoss(values: number[]): LossSummary {
  if (values.length === 0) return { start: NaN, final: NaN, best: NaN, bestEpoch: -1, reductionPct: NaN, normalisedReduction: NaN };
  let bestEpoch = 0;
  for (let e = 1; e < values.length; e++) if (values[e] < values[bestEpoch]) bestEpoch = e;
  const start = values[0];
  const best = values[bestEpoch];
  const nr = start !== 0 ? (start - best) / Math.abs(start) : 0;
  return { start, final: values[values.length - 1], best, bestEpoch, reductionPct: 100 * nr, normalisedReduction: nr };
}

export interface OverfitResult {
  detected: boolean;
  /** First epoch of the first qualifying streak, or null. */
  beganAtEpoch: number | null;
  /** Longest streak of "validation rising while training falls", in epochs. */
  longestStreak: number;
  /** The N used. */
  minEpochs: number;
  /** Trailing moving-average window applied to both curves before comparing. */
  smoothing: number;
}

function trailingMean(v: number[], w: number): number[] {
  if (w <= 1) return v.slice();
  return v.map((_, i) => {
    const from = Math.max(0, i - w + 1);
    let s = 0;
    for (let j = from; j <= i; j++) s += v[j];
    return s / (i - from + 1);
  });
}

/**
 * Overfitting = validation loss rising while training loss falls for >= minEpochs consecutive
 * epochs. `train[i]`/`val[i]` belong to epoch `firstEpoch + i`. Epoch e "diverges" when
 * val(e) > val(e-1) and train(e) < train(e-1) on the (optionally smoothed) curves.
 */
export function detectOverfitting(train: number[], val: number[], opts: { minEpochs?: number; smoothing?: number; firstEpoch?: number } = {}): OverfitResult {
  const minEpochs = opts.minEpochs ?? 3;
  const smoothing = opts.smoothing ?? 1;
  const first = opts.firstEpoch ?? 1;
  const t = trailingMean(train, smoothing);
  const v = trailingMean(val, smoothing);
  let streak = 0;
  let streakStart = -1;
  let longest = 0;
  let began: number | null = null;
  for (let i = 1; i < Math.min(t.length, v.length); i++) {
    if (v[i] > v[i - 1] && t[i] < t[i - 1]) {
      if (streak === 0) streakStart = i;
      streak++;
      longest = Math.max(longest, streak);
      if (streak >= minEpochs && began === null) began = first + streakStart;
    } else streak = 0;
  }
  return { detected: began !== null, beganAtEpoch: began, longestStreak: longest, minEpochs, smoothing };
}

/** First epoch whose value is within `fraction` of the total reduction (start → best); a convergence speed. */
export function epochsToFraction(values: number[], fraction = 0.9): number {
  const s = summariseLoss(values);
  if (!Number.isFinite(s.start)) return -1;
  const target = s.start - fraction * (s.start - s.best);
  for (let e = 0; e < values.length; e++) if (values[e] <= target) return e;
  return s.bestEpoch;
}
