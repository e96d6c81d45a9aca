/**
 * Train/validation split of the windows of ONE series.
 *
 * Overlapping windows share bars, so a naive random split leaks: a validation window's bars are
 * also seen in training. The default chronological split avoids that:
 *
 * - 'chronological' (default): windows are ordered by startIndex (ties: input order). The last
 *   `nVal` windows are 'val'. Let v = the first bar of the first val window. A non-val window whose
 *   last bar e satisfies e >= v - gap is 'excluded' — i.e. a train window keeps at least `gap`
 *   bars strictly between its last bar and v. With gap >= 0 no train window shares a bar with a
 *   val window; the default gap (the longest window length, L) also keeps train and val
 *   a full window apart, so features computed over a window of context cannot leak either.
 * - 'random': a seeded Fisher–Yates shuffle (mulberry32(seed)); the first `nVal` shuffled windows are
 *   'val', the rest 'train'. Deterministic for a given seed and input. Without `gap` nothing is
 *   excluded (overlapping train/val windows DO share bars); with `gap` given, train windows whose
 *   bars come within `gap` bars of any val window (same rule as above, on both sides) are 'excluded'.
 *
 * nVal = round(n · valFraction), at least 1 when valFraction > 0 and n > 0, at most n.
 * The returned roles are parallel to the input array (roles[i] is windows[i]'s role).
 */
import type { SplitKind, SplitRole } from '../domain/types.ts';
import { mulberry32, shuffleInPlace } from '../shared/random.ts';

export interface SplitOptions {
  kind: SplitKind;
  /** Fraction of windows for validation, in [0, 1]. Default 0.2. */
  valFraction?: number;
  /** Seed for 'random'. Default 0. */
  seed?: number;
  /**
   * Minimum number of bars kept strictly between train and val bars.
   * 'chronological': default = the longest window length. 'random': default = none (no exclusion).
   */
  gap?: number;
}

interface SplitWindow {
  startIndex: number;
  length: number;
}

export const DEFAULT_VAL_FRACTION = 0.2;

export function assignSplit(windows: ReadonlyArray<SplitWindow>, opts: SplitOptions): SplitRole[] {
  const kind = opts.kind ?? 'chronological';
  if (kind !== 'chronological' && kind !== 'random') {
    throw new RangeError(`assignSplit: kind must be 'chronological' or 'random', got ${String(kind)}`);
  }
  const valFraction = opts.valFraction ?? DEFAULT_VAL_FRACTION;
  if (!Number.isFinite(valFraction) || valFraction < 0 || valFraction > 1) {
    throw new RangeError(`assignSplit: valFraction must be in [0, 1], got ${valFraction}`);
  }
  const seed = opts.seed ?? 0;
  if (!Number.isInteger(seed)) throw new RangeError(`assignSplit: seed must be an integer, got ${seed}`);
  if (opts.gap !== undefined && (!Number.isInteger(opts.gap) || opts.gap < 0)) {
    throw new RangeError(`assignSplit: gap must be a non-negative integer, got ${opts.gap}`);
  }
  let maxLength = 0;
  windows.forEach((w, i) => {
    if (!Number.isInteger(w.startIndex) || w.startIndex < 0 || !Number.isInteger(w.length) || w.length < 1) {
      throw new RangeError(`assignSplit: window ${i} has invalid startIndex/length (${w.startIndex}, ${w.length})`);
    }
    if (w.length > maxLength) maxLength = w.length;
  });

  const n = windows.length;
  const roles: SplitRole[] = new Array<SplitRole>(n).fill('train');
  if (n === 0) return roles;
  const nVal = Math.min(n, Math.max(valFraction > 0 ? 1 : 0, Math.round(n * valFraction)));
  if (nVal === 0) return roles;

  if (kind === 'chronological') {
    const order = windows.map((_, i) => i).sort((i, j) => windows[i].startIndex - windows[j].startIndex || i - j);
    for (let k = n - nVal; k < n; k++) roles[order[k]] = 'val';
    const gap = opts.gap ?? maxLength;
    const firstValBar = windows[order[n - nVal]].startIndex;
    for (let i = 0; i < n; i++) {
      if (roles[i] !== 'val' && lastBar(windows[i]) >= firstValBar - gap) roles[i] = 'excluded';
    }
    return roles;
  }

  const order = shuffleInPlace(
    windows.map((_, i) => i),
    mulberry32(seed),
  );
  for (let k = 0; k < nVal; k++) roles[order[k]] = 'val';
  if (opts.gap !== undefined) excludeNearVal(windows, roles, opts.gap);
  return roles;
}

function lastBar(w: SplitWindow): number {
  return w.startIndex + w.length - 1;
}

/** Mark train windows whose bars come within `gap` bars of any val window as 'excluded'. */
function excludeNearVal(windows: ReadonlyArray<SplitWindow>, roles: SplitRole[], gap: number): void {
  // Merge the val windows, each widened by `gap` on both sides, into disjoint blocked ranges.
  const blocked: Array<[number, number]> = [];
  const vals = windows
    .map((w, i) => ({ s: w.startIndex - gap, e: lastBar(w) + gap, i }))
    .filter((x) => roles[x.i] === 'val')
    .sort((x, y) => x.s - y.s);
  for (const v of vals) {
    const last = blocked[blocked.length - 1];
    if (last && v.s <= last[1] + 1) last[1] = Math.max(last[1], v.e);
    else blocked.push([v.s, v.e]);
  }
  for (let i = 0; i < windows.length; i++) {
    if (roles[i] !== 'train') continue;
    const s = windows[i].startIndex;
    const e = lastBar(windows[i]);
    // First blocked range whose end >= s; it intersects [s, e] iff its start <= e.
    let lo = 0;
    let hi = blocked.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (blocked[mid][1] < s) lo = mid + 1;
      else hi = mid;
    }
    if (lo < blocked.length && blocked[lo][0] <= e) roles[i] = 'excluded';
  }
}
