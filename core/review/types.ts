/**
 * Review of a run's predictions against the labels: the types every host and the renderer share.
 * Node-free on purpose (the renderer imports these types directly).
 */

/**
 * How a window's predicted spans compare with its labels.
 * - agree: every label matched by a predicted span of the same type with close boundaries (or both empty
 *   on a window reviewed as "no span")
 * - missed: a label with no overlapping predicted span
 * - extra: a predicted span with no overlapping label (on a labelled or "no span" window)
 * - boundary: matched, same type, but an edge is off by more than the tolerance
 * - type: matched, but the predicted type differs
 * - unlabelled: the window has neither labels nor a "no span" mark: nothing to compare (yet)
 * A window with several disagreements gets the most serious: missed > extra > type > boundary > agree.
 */
export type ReviewStatus = 'agree' | 'missed' | 'extra' | 'boundary' | 'type' | 'unlabelled';
export const REVIEW_STATUSES: readonly ReviewStatus[] = ['missed', 'extra', 'type', 'boundary', 'agree', 'unlabelled'];

/** The analyst's decision on a window's prediction. Accepting turns it into labels; rejecting keeps the labels. */
export type ReviewDecision = 'accepted' | 'rejected';

/** A predicted span, with its bar indices inside the window and its bar times. */
export interface ReviewSpan {
  /** Bar index inside the window (0-based), inclusive. */
  start: number;
  end: number;
  /** Bar open times (epoch ms) of the first and last bar. */
  startTime: number;
  endTime: number;
  type: string;
  /** Mean span probability over the span's bars, in [0, 1]. */
  score: number;
}

/** One comparison between a label and a predicted span (or an unmatched one of either). */
export interface ReviewMatch {
  kind: Exclude<ReviewStatus, 'unlabelled'>;
  /** The label's id, when a label takes part. */
  labelId: number | null;
  /** Index into the window's predicted spans, when a prediction takes part. */
  predicted: number | null;
  /** Overlap of the two spans (intersection over union of bars); 0 when one side is missing. */
  iou: number;
}

/** One window of `review.summary`. */
export interface ReviewWindowRow {
  windowId: number;
  seriesId: string;
  /** The window's position in its set (0-based, in window order), for "window 12 of 300". */
  index: number;
  startTime: number;
  endTime: number;
  status: ReviewStatus;
  /**
   * How unsure the model is about this window, in [0, 1] (1 = least sure), what the queue ranks by
   * (core/review/uncertainty.ts, windowQueueScore): for an ensemble the members' disagreement, for a
   * single model span-level, the most uncertain candidate span's closeness to the threshold.
   */
  uncertainty: number;
  predicted: ReviewSpan[];
  labelCount: number;
  decision: ReviewDecision | null;
  /** The window's split role: the least-sure queue draws only from 'train' windows. */
  role: 'train' | 'val' | 'excluded';
  /**
   * Model verdicts here nobody has confirmed or edited yet: spans with origin 'accepted', plus 1 when
   * the window's "no span" mark came from accepting an empty prediction. 0 = all the analyst's.
   */
  unconfirmed: number;
}

/** Result of `review.summary`. */
export interface ReviewSummary {
  runId: number;
  setId: number;
  head: 'soft' | 'crf';
  /** The decision threshold the run chose (soft head); CRF spans come from Viterbi. */
  threshold: number;
  /** Boundary tolerance in bars used to tell "agree" from "boundary". */
  boundaryTolerance: number;
  counts: Record<ReviewStatus, number>;
  /** Windows with a decision (accepted or rejected). */
  decided: number;
  /** Every window of the set, in order; or, when `complete` is false, only the windows asked for. */
  windows: ReviewWindowRow[];
  complete: boolean;
  /** The "label next" queue (core/review/queue.ts leastSureQueue) over every window of the set: window ids, least sure first. */
  queue: number[];
}

/** Result of `review.window`: everything the chart needs to show one window under review. */
export interface ReviewWindowDetail {
  runId: number;
  windowId: number;
  head: 'soft' | 'crf';
  threshold: number;
  status: ReviewStatus;
  decision: ReviewDecision | null;
  uncertainty: number;
  /** Bar open times (epoch ms) of the window's bars, in order. */
  times: number[];
  /** Per-bar span probability (soft head) or forward-backward marginal (CRF), one per bar. */
  spanProb: number[];
  /** CRF only: the Viterbi path, 1 = in span, one per bar; null for the soft head. */
  viterbi: number[] | null;
  /** Type head probabilities, in the order of `typeNames`. */
  typeProb: number[];
  typeNames: string[];
  predicted: ReviewSpan[];
  matches: ReviewMatch[];
}

/** Result of `review.accept` and `review.reject`. */
export interface ReviewDecisionResult {
  runId: number;
  windowId: number;
  decision: ReviewDecision | null;
  /** Labels created by accepting (empty for reject). */
  addedLabelIds: number[];
  /** Labels replaced by accepting (the labels the accepted spans overlapped). */
  removedLabelIds: number[];
  /** The window's status after the decision. */
  status: ReviewStatus;
}
