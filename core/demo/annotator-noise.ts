/**
 * A simulated annotator's noise on rule-derived labels (issue #11 point 9): what a careful but human
 * analyst does to "true" spans. Used to measure how much of the model's quality survives labels that
 * are not exactly the rule's (bench/real-series.ts --noise); scoring stays on the clean labels.
 *
 *  - jitter:   each edge of each span moves by a uniform integer in [-jitter, +jitter] bars
 *              (a span never becomes empty: start ≤ end is kept, and it stays inside the series)
 *  - miss:     each span is left out with probability `miss`
 *  - pairs:    windows are labelled one at a time, so two overlapping windows can disagree on the
 *              bars they share: for a fraction `pairEdit` of overlapping window pairs, the later
 *              window's copy of one span that lies in the shared bars is edited — dropped or its
 *              edges moved again by up to ±jitter (even odds; a redraw that moves nothing is redrawn). Pairs with no span in the shared bars
 *              are drawn too but have nothing to edit (counted as `pairsWithoutSpan`).
 * Deterministic per seed.
 */
import type { IndexSpan } from '../domain/types.ts';
import { createRng, type Rng } from './random.ts';

export interface AnnotatorNoise {
  jitter: number;
  miss: number;
  pairEdit: number;
  seed: number;
}

export const DEFAULT_ANNOTATOR_NOISE: AnnotatorNoise = { jitter: 2, miss: 0.1, pairEdit: 0.1, seed: 1 };

export interface NoiseCounts {
  spans: number;
  missed: number;
  jitteredEdges: number;
  pairs: number;
  pairsDrawn: number;
  pairsEdited: number;
  pairsWithoutSpan: number;
}

function jitterSpan(s: IndexSpan, rng: Rng, jitter: number, lo: number, hi: number): IndexSpan {
  let start = Math.max(lo, Math.min(hi, s.start + rng.int(-jitter, jitter)));
  let end = Math.max(lo, Math.min(hi, s.end + rng.int(-jitter, jitter)));
  if (start > end) [start, end] = [end, start];
  return { ...s, start, end };
}

/** Series-level noise: spans missed and edges jittered (indices into a series of n bars). */
export function noisySeriesSpans(spans: readonly IndexSpan[], n: number, noise: AnnotatorNoise, counts?: NoiseCounts): IndexSpan[] {
  const rng = createRng(noise.seed);
  const out: IndexSpan[] = [];
  for (const s of spans) {
    if (counts) counts.spans++;
    // Draw the jitter even for a missed span so one span's fate doesn't shift the others' draws.
    const j = jitterSpan(s, rng, noise.jitter, 0, n - 1);
    if (rng.chance(noise.miss)) {
      if (counts) counts.missed++;
      continue;
    }
    if (counts) counts.jitteredEdges += (j.start !== s.start ? 1 : 0) + (j.end !== s.end ? 1 : 0);
    out.push(j);
  }
  return out;
}

/**
 * Per-window copies of series-level spans (series indices, not yet cut to the window), with the
 * overlapping-pair edits applied. windows: start indices of windows of `length` bars, in order.
 */
export function perWindowSpans(
  spans: readonly IndexSpan[],
  windows: readonly number[],
  length: number,
  noise: AnnotatorNoise,
  counts?: NoiseCounts,
): IndexSpan[][] {
  const rng = createRng(noise.seed + 7919);
  const touches = (s: IndexSpan, a: number, b: number): boolean => s.end >= a && s.start <= b;
  const out = windows.map((w0) => spans.filter((s) => touches(s, w0, w0 + length - 1)).map((s) => ({ ...s })));
  for (let i = 1; i < windows.length; i++) {
    const a = windows[i];
    const b = windows[i - 1] + length - 1; // shared bars a..b
    if (a > b) continue;
    if (counts) counts.pairs++;
    if (!rng.chance(noise.pairEdit)) continue;
    if (counts) counts.pairsDrawn++;
    const shared = out[i].map((s, k) => ({ s, k })).filter(({ s }) => touches(s, a, b));
    if (!shared.length) {
      if (counts) counts.pairsWithoutSpan++;
      continue;
    }
    const { s, k } = shared[rng.int(0, shared.length - 1)];
    // An edit changes something: redraw a jitter that moved nothing (few tries), else drop.
    let moved: IndexSpan | null = null;
    if (noise.jitter > 0 && rng.chance(0.5)) {
      for (let tries = 0; tries < 10 && !moved; tries++) {
        const j = jitterSpan(s, rng, noise.jitter, windows[i], windows[i] + length - 1);
        if (j.start !== s.start || j.end !== s.end) moved = j;
      }
    }
    if (moved) out[i][k] = moved;
    else out[i].splice(k, 1);
    if (counts) counts.pairsEdited++;
  }
  return out;
}

export function emptyNoiseCounts(): NoiseCounts {
  return { spans: 0, missed: 0, jitteredEdges: 0, pairs: 0, pairsDrawn: 0, pairsEdited: 0, pairsWithoutSpan: 0 };
}
