/**
 * Walk-forward cross-validation folds (issue #11 point 6; run setting evaluation: 'walk-forward').
 * For small projects where one 10 % test block is a handful of windows: the labelled windows of
 * each series, in time order, are cut into k + 1 contiguous blocks of (nearly) equal count. Fold i
 * (1..k) tests on block i and learns only from the blocks before it (expanding window):
 *
 *   [ train ........ ][purge][ inner val ][purge][ TEST block i ]   (later blocks: embargoed)
 *
 * - inner validation = the chronologically last share (`valFraction`, ≥ 1 window) of the windows
 *   before the test block; the fold's epoch is chosen on it, its threshold on it too (the kept model's inner-validation predictions).
 *   Nothing the fold chooses ever sees its test block.
 * - purge: a window whose last bar comes within one window length (T bars) of the first bar of the
 *   next part (inner val after train, test after inner val) is used nowhere in that fold, so no
 *   bar, and no bar of a rolling feature's look-back, is shared across the cut.
 * - embargo: windows after the test block are not used by the fold (whole blocks in walk-forward,
 *   which is stricter than the one-window embargo of purged k-fold: no model learns from the future).
 *
 * Pure: takes window positions, returns window ids per role. Multi-series sets are cut per series and
 * fold i pools block i of every series (as the holdout test block does).
 */

export interface FoldWindow {
  id: number;
  seriesId: string;
  startIndex: number;
  length: number;
}

export interface WalkForwardFold {
  /** 1-based fold number (fold k tests on the latest block). */
  fold: number;
  train: number[];
  val: number[];
  test: number[];
  /** Windows between the parts, used nowhere in this fold. */
  purged: number[];
}

export const DEFAULT_FOLDS = 3;
/** Share of a fold's past windows used as its inner validation (the rest trains). */
export const DEFAULT_INNER_VAL_FRACTION = 0.2;

export function walkForwardFolds(windows: readonly FoldWindow[], k: number, T: number, valFraction = DEFAULT_INNER_VAL_FRACTION): WalkForwardFold[] {
  if (!Number.isInteger(k) || k < 2) throw new Error(`walk-forward needs an integer number of folds >= 2, got ${k}`);
  if (!(T >= 1)) throw new Error(`window length must be >= 1, got ${T}`);
  const folds: WalkForwardFold[] = Array.from({ length: k }, (_, i) => ({ fold: i + 1, train: [], val: [], test: [], purged: [] }));
  const bySeries = new Map<string, FoldWindow[]>();
  for (const w of windows) bySeries.set(w.seriesId, [...(bySeries.get(w.seriesId) ?? []), w]);
  for (const [seriesId, ws] of bySeries) {
    const sorted = ws.slice().sort((a, b) => a.startIndex - b.startIndex || a.id - b.id);
    const n = sorted.length;
    if (n < k + 1)
      throw new Error(
        `series "${seriesId}" has ${n} labelled window(s); walk-forward with ${k} folds needs at least ${k + 1} (one block per fold plus one to learn from)`,
      );
    // Block b holds sorted[bounds[b] .. bounds[b+1]).
    const bounds = Array.from({ length: k + 2 }, (_, b) => Math.round((b * n) / (k + 1)));
    for (let i = 1; i <= k; i++) {
      const f = folds[i - 1];
      const test = sorted.slice(bounds[i], bounds[i + 1]);
      const firstTest = test[0].startIndex;
      const past = sorted.slice(0, bounds[i]);
      const usable = past.filter((w) => w.startIndex + w.length - 1 < firstTest - T);
      f.purged.push(...past.filter((w) => !usable.includes(w)).map((w) => w.id));
      const nVal = Math.min(usable.length, Math.max(1, Math.round(usable.length * valFraction)));
      const val = usable.slice(usable.length - nVal);
      const firstVal = val.length ? val[0].startIndex : Infinity;
      for (const w of usable.slice(0, usable.length - nVal)) {
        if (w.startIndex + w.length - 1 < firstVal - T) f.train.push(w.id);
        else f.purged.push(w.id);
      }
      f.val.push(...val.map((w) => w.id));
      f.test.push(...test.map((w) => w.id));
    }
  }
  for (const f of folds) {
    if (f.train.length === 0 || f.val.length === 0) {
      throw new Error(
        `walk-forward fold ${f.fold} of ${k} has ${f.train.length} training and ${f.val.length} validation window(s) after purging one window length (${T} bars): label more windows or use fewer folds`,
      );
    }
  }
  return folds;
}
