/**
 * Compares one window's predicted spans with its labels: which label each prediction matches, and
 * what kind of (dis)agreement each pair or loner is. Pure: bar indices in, verdicts out.
 */
import type { ReviewMatch, ReviewStatus } from './types.ts';

/** A span by bar indices inside the window (inclusive), with its type. */
export interface IndexedSpan {
  start: number;
  end: number;
  type: string;
}

export interface LabelSpan extends IndexedSpan {
  id: number;
}

/** Default edge tolerance: a predicted edge within this many bars of the label's edge agrees. */
export const DEFAULT_BOUNDARY_TOLERANCE = 2;

/** Most serious first: a window takes the status of its most serious match. */
const SEVERITY: ReadonlyArray<Exclude<ReviewStatus, 'unlabelled'>> = ['missed', 'extra', 'type', 'boundary', 'agree'];

function overlap(a: IndexedSpan, b: IndexedSpan): number {
  return Math.max(0, Math.min(a.end, b.end) - Math.max(a.start, b.start) + 1);
}

export function spanIou(a: IndexedSpan, b: IndexedSpan): number {
  const inter = overlap(a, b);
  return inter === 0 ? 0 : inter / (a.end - a.start + 1 + (b.end - b.start + 1) - inter);
}

export interface WindowComparison {
  status: ReviewStatus;
  matches: ReviewMatch[];
}

/**
 * Pairs labels and predictions one-to-one, greedily by overlap (largest IoU first; any overlap
 * pairs, so a badly placed edge reads as "boundary" rather than as a miss plus an extra).
 * `hasTruth` is false for a window nobody has looked at (no labels, not marked "no span"):
 * there is nothing to compare against, so its status is 'unlabelled' whatever the model says.
 */
export function compareWindow(
  labels: readonly LabelSpan[],
  predicted: readonly IndexedSpan[],
  hasTruth: boolean,
  tolerance = DEFAULT_BOUNDARY_TOLERANCE,
): WindowComparison {
  if (!hasTruth && labels.length === 0) return { status: 'unlabelled', matches: [] };
  const pairs: Array<{ l: number; p: number; iou: number }> = [];
  labels.forEach((label, l) =>
    predicted.forEach((pred, p) => {
      const iou = spanIou(label, pred);
      if (iou > 0) pairs.push({ l, p, iou });
    }),
  );
  // Largest overlap first; ties by position so the result never depends on input order quirks.
  pairs.sort((a, b) => b.iou - a.iou || a.l - b.l || a.p - b.p);
  const usedL = new Set<number>();
  const usedP = new Set<number>();
  const matches: ReviewMatch[] = [];
  for (const { l, p, iou } of pairs) {
    if (usedL.has(l) || usedP.has(p)) continue;
    usedL.add(l);
    usedP.add(p);
    const label = labels[l];
    const pred = predicted[p];
    const kind =
      label.type !== pred.type ? 'type' : Math.abs(label.start - pred.start) > tolerance || Math.abs(label.end - pred.end) > tolerance ? 'boundary' : 'agree';
    matches.push({ kind, labelId: label.id, predicted: p, iou });
  }
  labels.forEach((label, l) => {
    if (!usedL.has(l)) matches.push({ kind: 'missed', labelId: label.id, predicted: null, iou: 0 });
  });
  predicted.forEach((_, p) => {
    if (!usedP.has(p)) matches.push({ kind: 'extra', labelId: null, predicted: p, iou: 0 });
  });
  // No labels and no predictions on a window marked "no span": the model agrees.
  const status = SEVERITY.find((k) => matches.some((m) => m.kind === k)) ?? 'agree';
  return { status, matches };
}
