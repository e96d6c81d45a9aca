/**
 * Decoding per-bar outputs into spans. Pure JS, no tf.
 *
 * Spans here are inclusive bar-index intervals relative to the window (0..T-1).
 */

export interface SimpleSpan {
  start: number;
  end: number;
}

export interface DecodeOptions {
  /** A bar is "in span" when its probability is >= threshold. */
  threshold: number;
  /** Runs shorter than this many bars (after merging) are dropped. */
  minLength: number;
  /** Two runs separated by a gap of at most this many bars are merged into one. */
  mergeGap: number;
}

export const DEFAULT_DECODE: Omit<DecodeOptions, 'threshold'> = { minLength: 3, mergeGap: 2 };

/** Maximal runs of truthy bars in a 0/1 (or boolean-ish) mask. */
export function runsOf(mask: ArrayLike<number | boolean>): SimpleSpan[] {
  const out: SimpleSpan[] = [];
  let start = -1;
  for (let i = 0; i < mask.length; i++) {
    const on = Boolean(mask[i]);
    if (on && start < 0) start = i;
    if (!on && start >= 0) {
      out.push({ start, end: i - 1 });
      start = -1;
    }
  }
  if (start >= 0) out.push({ start, end: mask.length - 1 });
  return out;
}

/** Merge runs whose gap (bars strictly between them) is <= gap, then drop runs shorter than minLength. */
export function postProcessRuns(runs: SimpleSpan[], minLength: number, mergeGap: number): SimpleSpan[] {
  const merged: SimpleSpan[] = [];
  for (const r of runs) {
    const last = merged[merged.length - 1];
    if (last && r.start - last.end - 1 <= mergeGap) last.end = r.end;
    else merged.push({ start: r.start, end: r.end });
  }
  return merged.filter((r) => r.end - r.start + 1 >= minLength);
}

/** Threshold per-bar span probabilities and post-process into spans. */
export function decodeSpans(probs: ArrayLike<number>, opts: DecodeOptions): SimpleSpan[] {
  const mask = new Uint8Array(probs.length);
  for (let i = 0; i < probs.length; i++) mask[i] = probs[i] >= opts.threshold ? 1 : 0;
  return postProcessRuns(runsOf(mask), opts.minLength, opts.mergeGap);
}

/** Spans from a CRF Viterbi path given as per-bar in-span flags (any tag != outside → 1). */
export function decodeViterbi(path: ArrayLike<number>, minLength = 1, mergeGap = 0): SimpleSpan[] {
  return postProcessRuns(runsOf(path), minLength, mergeGap);
}

/** 0/1 mask of length T with the given spans set. */
export function spansToMask(spans: readonly SimpleSpan[], T: number): Uint8Array {
  const m = new Uint8Array(T);
  for (const s of spans) for (let i = Math.max(0, s.start); i <= Math.min(T - 1, s.end); i++) m[i] = 1;
  return m;
}
