/**
 * The per-window measures the "label next" queue ranks by (issue #12), taken from the ensemble
 * members' own predictions before they are averaged: once averaged, neither can be recovered.
 *  - pathLogProb: CRF runs, log P(Viterbi path | window) (core/ml/model/crf.ts, crfPathLogProb);
 *    for several members the log of the mean of each member's own path probability. Kept as a log:
 *    a 128-bar path of an early model can have P far below 1e-16 (then 1 − P rounds to 1 for every
 *    window) or even below the smallest double.
 *  - memberSpread: runs of ≥ 2 members, the members' disagreement (mean over bars of max − min of
 *    their span probabilities, core/review/uncertainty.ts); null for a single model.
 * Stored next to the predictions (core/store/prediction-measures.ts).
 */
import type { WindowPrediction } from '../model/types.ts';
import { memberDisagreement } from '../../review/uncertainty.ts';

export interface QueueMeasures {
  pathLogProb: number | null;
  memberSpread: number | null;
}

/** log((Σ exp xᵢ) / n) without underflow. */
function logMeanExp(xs: number[]): number {
  const m = Math.max(...xs);
  if (m === -Infinity) return -Infinity;
  return m + Math.log(xs.reduce((a, x) => a + Math.exp(x - m), 0) / xs.length);
}

/** Measures of window k from members[m][k] (every member predicted the same windows in the same order). */
export function queueMeasures(members: readonly WindowPrediction[][], k: number): QueueMeasures {
  const ps = members.map((m) => m[k]);
  const paths = ps.map((p) => p.pathLogProb);
  const pathLogProb = paths.length > 0 && paths.every((v): v is number => typeof v === 'number') ? logMeanExp(paths) : null;
  const memberSpread = ps.length >= 2 ? memberDisagreement(ps.map((p) => p.spanProb)) : null;
  return { pathLogProb, memberSpread };
}
