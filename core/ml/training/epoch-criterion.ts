/**
 * Which epoch a run keeps. Two rules:
 *
 * - 'span-loss': the lowest unweighted validation span loss (eval/types.ts criterionOf). Smooth, but
 *   on labels with jittered edges (an annotator's ±2 bars) a sharper, better detector pays more loss
 *   at the edges than a blurred early one, so noisy validation labels keep early epochs
 *   (docs/BENCHMARKS.md: epochs 4–15 on the simulated annotator's labels).
 * - 'span-f1' (the default with a test block): the highest validation span F1 as the report decodes
 *   it — the CRF by Viterbi, the soft head at its best threshold on the report's grid (0.05 … 0.95),
 *   which is the threshold a run with a test block then picks on the same validation predictions, so
 *   epoch and threshold are chosen together; spans matched at IoU ≥ 0.5, so ±2 bars of edge jitter on
 *   a 5-bar span do not move it — ties broken by the lower span loss. It is what the analyst reads,
 *   and it is chosen on validation only: the test block's headline stays untouched by the choice.
 *   (Why not the soft head at 0.5: its ramped target puts a short span's second bar at exactly 0.5,
 *   so F1 at 0.5 flips as the fit sharpens, while the threshold the report uses follows it.)
 */
import { decodeForReport } from '../eval/report.ts';
import { DEFAULT_DECODE, runsOf } from '../eval/decode.ts';
import { normaliseTruthSpans } from '../eval/headline.ts';
import { spanPRF, sweepThresholds } from '../eval/metrics.ts';
import type { BatchTargets, WindowPrediction } from '../model/types.ts';
import type { EpochCriterion } from '../eval/types.ts';

export { DEFAULT_EPOCH_CRITERION, type EpochCriterion } from '../eval/types.ts';

/**
 * The rule a run uses: the one it asked for, else 'span-f1' when it has a test block (the headline is
 * there, untouched by the choice) and 'span-loss' without one — then the headline is on validation,
 * and keeping the epoch of the highest validation F1 would report the maximum of the very figure that
 * picked it.
 */
export function runEpochCriterion(asked: EpochCriterion | undefined, testWindows: number): EpochCriterion {
  return asked ?? (testWindows > 0 ? 'span-f1' : 'span-loss');
}

/** An epoch's standing under a criterion: higher f1 first, then lower loss. */
export interface EpochScore {
  /** Validation span F1 (NaN under 'span-loss', where it is not compared). */
  f1: number;
  /** Validation span loss (unweighted). */
  loss: number;
}

/**
 * Validation span F1 of per-window predictions against the targets' hard masks, decoded as the
 * report does: the CRF by Viterbi, the soft head at its best threshold of the report's grid.
 */
export function validationSpanF1(preds: readonly WindowPrediction[], targets: readonly BatchTargets[], head: 'soft' | 'crf'): number {
  const masks = targets.map((t) => Uint8Array.from(t.mask, (v) => (v >= 0.5 ? 1 : 0)));
  const truth = masks.map((m) => normaliseTruthSpans(runsOf(m), m.length, DEFAULT_DECODE));
  if (head === 'crf' && preds.every((p) => p.viterbi)) {
    return spanPRF(
      preds.map((p) => decodeForReport(p, head, 0.5)),
      truth,
    ).f1;
  }
  const sweep = sweepThresholds(
    preds.map((p) => p.spanProb),
    masks,
    truth,
    DEFAULT_DECODE,
  );
  return Math.max(...sweep.points.map((p) => p.span.f1));
}

/** True when `next` beats `best` under the criterion. */
export function isBetterEpoch(criterion: EpochCriterion, next: EpochScore, best: EpochScore): boolean {
  if (criterion === 'span-loss') return next.loss < best.loss;
  const eps = 1e-9;
  if (next.f1 > best.f1 + eps) return true;
  return Math.abs(next.f1 - best.f1) <= eps && next.loss < best.loss;
}
