/**
 * The "label next" queue: windows nobody has labelled or decided on, the ones the model is least
 * sure about first (uncertainty sampling). Node-free: the CLI and the renderer share it.
 *
 * Issue #12: it draws only from windows training uses (role 'train'): labelling a validation window
 * because the model was unsure there would choose evaluation data by the model's own output. And a
 * batch is diverse: a window that shares bars with one already in the batch (overlapping windows of
 * the same move) goes after every window that does not.
 */
import type { ReviewWindowRow } from './types.ts';

const sharesBars = (a: ReviewWindowRow, b: ReviewWindowRow) => a.seriesId === b.seriesId && a.startTime <= b.endTime && b.startTime <= a.endTime;

export function leastSureQueue(rows: readonly ReviewWindowRow[], limit: number): ReviewWindowRow[] {
  const n = Math.max(0, limit);
  const ranked = rows
    .filter((r) => r.status === 'unlabelled' && r.decision === null && r.role === 'train')
    .sort((a, b) => b.uncertainty - a.uncertainty || a.index - b.index);
  const picked: ReviewWindowRow[] = [];
  const deferred: ReviewWindowRow[] = [];
  for (const r of ranked) {
    if (picked.length >= n) break;
    if (picked.some((p) => sharesBars(p, r))) deferred.push(r);
    else picked.push(r);
  }
  // Not enough separate windows: fill up with the overlapping ones, still most uncertain first.
  for (const r of deferred) {
    if (picked.length >= n) break;
    picked.push(r);
  }
  return picked;
}

/**
 * Labelled training windows below which the queue does not yet trust the model's uncertainty
 * (measured in bench/active-learning.ts, docs/BENCHMARKS.md "labelling loop").
 */
export const COLD_START_LABELLED = 24;

export interface LabellingQueueOptions {
  /** Labelled training windows needed before uncertainty ranks the queue (default COLD_START_LABELLED). */
  coldStart?: number;
  /** Seed of the cold-start order (the app uses the run id, so one run's queue is stable). */
  seed?: number;
}

/** A stable pseudo-random rank of a window for a seed (a 32-bit integer hash; no state, no order dependence). */
function spreadRank(windowId: number, seed: number): number {
  let h = (Math.imul(windowId ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(seed, 0xc2b2ae35)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * The app's "label next" queue (issue #12): the least-sure queue once the project has enough
 * labelled training windows for the model's doubts to mean something; before that (a model trained
 * on a handful of windows is unsure nearly everywhere, and the windows it is least sure about
 * taught less than random ones in the bench), windows in a seeded random order, with the same
 * diversity rule and the same filter (training windows nobody labelled or decided on).
 */
export function labellingQueue(rows: readonly ReviewWindowRow[], limit: number, opts: LabellingQueueOptions = {}): ReviewWindowRow[] {
  const cold = opts.coldStart ?? COLD_START_LABELLED;
  const labelled = rows.filter((r) => r.role === 'train' && r.status !== 'unlabelled').length;
  if (labelled >= cold) return leastSureQueue(rows, limit);
  const seed = opts.seed ?? 0;
  // Same selection and diversity as leastSureQueue, with a seeded random rank in place of uncertainty.
  const ranked = rows.map((r) => ({ ...r, uncertainty: spreadRank(r.windowId, seed) / 2 ** 32 }));
  const byId = new Map(rows.map((r) => [r.windowId, r]));
  return leastSureQueue(ranked, limit).map((r) => byId.get(r.windowId)!);
}

/** Disagreements the analyst has not decided on yet, in window order: the "next disagreement" key walks these. */
export function isOpenDisagreement(row: ReviewWindowRow): boolean {
  return row.decision === null && (row.status === 'missed' || row.status === 'extra' || row.status === 'boundary' || row.status === 'type');
}
