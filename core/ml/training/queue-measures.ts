/**
 * The per-window measures the "label next" queue ranks by (issue #12), taken from the ensemble
 * members' own predictions before they are averaged: once averaged, neither can be recovered.
 *  - pathProb: CRF runs, P(Viterbi path | window), the mean over members of each member's own
 *    path probability (core/ml/model/crf.ts, crfPathLogProb); null for the soft head.
 *  - memberSpread: runs of ≥ 2 members, the members' disagreement (mean over bars of max − min of
 *    their span probabilities, core/review/uncertainty.ts); null for a single model.
 * Stored next to the predictions (core/store/prediction-measures.ts).
 */
import type { WindowPrediction } from '../model/types.ts';
import { memberDisagreement } from '../../review/uncertainty.ts';

export interface QueueMeasures {
  pathProb: number | null;
  memberSpread: number | null;
}

/** Measures of window k from members[m][k] (every member predicted the same windows in the same order). */
export function queueMeasures(members: readonly WindowPrediction[][], k: number): QueueMeasures {
  const ps = members.map((m) => m[k]);
  const paths = ps.map((p) => p.pathProb);
  const pathProb = paths.length > 0 && paths.every((v): v is number => typeof v === 'number') ? paths.reduce((a, b) => a + b, 0) / paths.length : null;
  const memberSpread = ps.length >= 2 ? memberDisagreement(ps.map((p) => p.spanProb)) : null;
  return { pathProb, memberSpread };
}
