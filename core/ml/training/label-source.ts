/**
 * Whose labels a run learns from and is scored on (issue #12, point 4), applied at the dataset
 * boundary (dataset.ts) to every role alike, so a run is never trained on one annotator and graded
 * on another:
 * - 'all' (default): every annotator's spans, each span's confidence (its bar weight) × the weight of
 *   its annotator (`annotatorWeights`, absent = 1);
 * - { annotator }: that annotator's spans only; a window other annotators labelled and they did not
 *   is left out (it is not a "no span" example of theirs); a reviewed window without any span stays
 *   (its "no span" verdict is per window);
 * - 'consensus': per window, the majority per bar of the annotators who labelled it
 *   (core/review/consensus.ts: ties by confidence, then the project's seniority; spans with the
 *   predictions' min-length/merge rules); a window one annotator labelled keeps their spans as they are.
 *   Consensus spans weigh 1. Node-free.
 */
import type { Label, WindowInfo } from '../../domain/types.ts';
import { consensusSpans } from '../../review/consensus.ts';
import { lowerBound } from '../../shared/search.ts';

/** Index of the bar at or after time t (labels are stored by bar time). */
const barOf = (times: Float64Array, t: number): number => lowerBound(times, t);

export type LabelSource = 'all' | 'consensus' | { annotator: string };

export interface LabelSourceOptions {
  labelSource?: LabelSource;
  /** With 'all': weight in [0, 1] per annotator (absent = 1). */
  annotatorWeights?: Readonly<Record<string, number>>;
  /** Most senior first (consensus ties). */
  seniority?: readonly string[];
}

/** How a label source reads in a report ("consensus", "annotator alice", "all annotators"). */
export function describeLabelSource(src: LabelSource | undefined): string {
  if (src === undefined || src === 'all') return 'all annotators';
  if (src === 'consensus') return 'the annotators\u2019 consensus';
  return `annotator ${src.annotator}`;
}

const who = (l: Label): string => l.author || '(unknown)';

/** Whether a labelled window belongs to the source: false only for one annotator's source on a window only others labelled. */
export function windowInSource(labels: readonly Label[], src: LabelSource | undefined): boolean {
  if (src === undefined || typeof src === 'string' || labels.length === 0) return true;
  return labels.some((l) => who(l) === src.annotator);
}

/**
 * The labels of one window under the source, or null when the window is not the source's (one
 * annotator's source and only others labelled it). `times` are the series' bar times.
 */
export function labelsForWindow(labels: readonly Label[], win: WindowInfo, times: Float64Array, opts: LabelSourceOptions): Label[] | null {
  const src = opts.labelSource ?? 'all';
  if (src === 'all') {
    const w = opts.annotatorWeights;
    if (!w) return [...labels];
    return labels.map((l) => (w[who(l)] === undefined ? l : { ...l, confidence: l.confidence * w[who(l)] }));
  }
  if (typeof src === 'object') {
    const mine = labels.filter((l) => who(l) === src.annotator);
    return mine.length > 0 || labels.length === 0 ? mine : null;
  }
  const byAnnotator = new Map<string, Array<{ start: number; end: number; type: string; confidence: number }>>();
  for (const l of labels) {
    const span = { start: barOf(times, l.startTime) - win.startIndex, end: barOf(times, l.endTime) - win.startIndex, type: l.type, confidence: l.confidence };
    const list = byAnnotator.get(who(l));
    if (list) list.push(span);
    else byAnnotator.set(who(l), [span]);
  }
  if (byAnnotator.size < 2) return [...labels];
  const last = win.startIndex + win.length - 1;
  // A consensus span at the window's edge keeps the earliest/latest time a voter's span reached past
  // it, so the targets still know the span continues beyond the window (labels/targets.ts edges).
  const before = Math.min(...labels.map((l) => l.startTime));
  const after = Math.max(...labels.map((l) => l.endTime));
  return consensusSpans(win.length, byAnnotator, { seniority: opts.seniority }).map((s, i) => ({
    ...labels[0],
    id: -(i + 1),
    startTime: s.start === 0 ? Math.min(before, times[win.startIndex]) : times[win.startIndex + s.start],
    endTime: s.end === win.length - 1 ? Math.max(after, times[last]) : times[win.startIndex + s.end],
    type: s.type,
    confidence: 1,
    note: '',
    author: 'consensus',
  }));
}
