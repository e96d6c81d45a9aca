/**
 * Derived training targets for one window, computed from its labelled spans.
 *
 * Rules (exact):
 * - Spans are window-relative and inclusive: 0 <= start <= end <= T-1. Invalid spans or an unknown
 *   type throw a RangeError.
 * - MAIN span: the longest span (end - start + 1); ties go to the earliest start (then the earliest
 *   end — irrelevant for equal length — then input order). start/end/typeIndex describe it;
 *   -1 for all three when the window has no span (hasSpan = false).
 * - mask[t] = 1 when bar t lies inside any span, else 0.
 * - softMask: for a span s..e and a bar t inside it, let k = min(t - s, e - t) (bars from the nearest
 *   edge, 0 at the edge). value = min(1, (k + 1) / (ramp + 1)). So with ramp = 3 the edge bars are
 *   0.25, then 0.5, 0.75, and 1 from the 4th bar in. A span too short to reach the plateau peaks
 *   below 1. ramp = 0 gives the hard mask. Bars outside every span are 0; where spans overlap, the max.
 * - countdown[t] = e - t for the span containing t (bars left until it ends: 0 on its last bar);
 *   0 outside spans. Where spans overlap, the furthest end wins.
 *
 * Window edges (opts.edges[i] says whether span i continues before / after the window: the label
 * was clipped to it). The window does not show where such a span really starts or ends, so those
 * targets are UNKNOWN, not the clipped edge: countdownMask[t] = 0 on the bars of a span that
 * continues after the window (their countdown would be too short), and startKnown / endKnown are
 * false when the main span continues before / after the window (its pointer target is masked).
 *
 * Confidence (how much each label weighs; losses divide by counts, not by Σ weights, so a lower
 * confidence really lowers the gradient):
 * - barWeight[t]: the confidence of the span containing t (the highest where spans overlap); bars
 *   outside every span weigh 1 in a window with spans (the analyst drew the spans, so the rest is a
 *   real negative) and opts.noSpanWeight (default 1) in a window without spans.
 * - weight (per-window heads: pointer, type): the main span's confidence; noSpanWeight without spans.
 */
import type { IndexSpan } from '../domain/types.ts';

export interface TargetOptions {
  /** Width of the linear edge ramp of softMask, in bars (>= 0). Default 3. */
  ramp?: number;
  /** Per span (parallel to `spans`): does the labelled span continue before / after the window? */
  edges?: ReadonlyArray<SpanEdges>;
  /** Weight of every bar of a window without spans (a reviewed "no span" window). Default 1. */
  noSpanWeight?: number;
}

export interface SpanEdges {
  before: boolean;
  after: boolean;
}

export interface WindowTargets {
  hasSpan: boolean;
  /** Pointer targets of the main span (window-relative, inclusive); -1 when none. */
  start: number;
  end: number;
  /** Index of the main span's type in the type list; -1 when none. */
  typeIndex: number;
  mask: Float32Array;
  softMask: Float32Array;
  countdown: Float32Array;
  /** 1 where countdown is a known target (in-span bars whose span ends inside the window). */
  countdownMask: Float32Array;
  /** False when the main span starts before / ends after the window (pointer target unknown). */
  startKnown: boolean;
  endKnown: boolean;
  /** Per-bar loss weight from label confidence (see the rules above). */
  barWeight: Float32Array;
  /** Per-window loss weight (pointer and type heads): the main span's confidence. */
  weight: number;
}

export const DEFAULT_NO_SPAN_WEIGHT = 1;

export const DEFAULT_RAMP = 3;

/** Index of the main span in `spans` (longest; ties → earliest start), or -1 for none. */
export function mainSpanIndex(spans: ReadonlyArray<Pick<IndexSpan, 'start' | 'end'>>): number {
  let best = -1;
  for (let i = 0; i < spans.length; i++) {
    if (best < 0) {
      best = i;
      continue;
    }
    const a = spans[i];
    const b = spans[best];
    const la = a.end - a.start;
    const lb = b.end - b.start;
    if (la > lb || (la === lb && (a.start < b.start || (a.start === b.start && a.end < b.end)))) best = i;
  }
  return best;
}

export function computeTargets(length: number, spans: ReadonlyArray<IndexSpan>, typeNames: ReadonlyArray<string>, opts: TargetOptions = {}): WindowTargets {
  if (!Number.isInteger(length) || length < 1) throw new RangeError(`computeTargets: length must be a positive integer, got ${length}`);
  const ramp = opts.ramp ?? DEFAULT_RAMP;
  if (!Number.isInteger(ramp) || ramp < 0) throw new RangeError(`computeTargets: ramp must be a non-negative integer, got ${ramp}`);
  const noSpanWeight = opts.noSpanWeight ?? DEFAULT_NO_SPAN_WEIGHT;
  if (!Number.isFinite(noSpanWeight) || noSpanWeight < 0) throw new RangeError(`computeTargets: noSpanWeight must be >= 0, got ${noSpanWeight}`);
  if (opts.edges && opts.edges.length !== spans.length) {
    throw new RangeError(`computeTargets: edges has ${opts.edges.length} entries for ${spans.length} spans`);
  }
  const typeIndexOf = new Map<string, number>();
  typeNames.forEach((name, i) => {
    if (!typeIndexOf.has(name)) typeIndexOf.set(name, i);
  });
  for (const s of spans) {
    if (!Number.isInteger(s.start) || !Number.isInteger(s.end) || s.start < 0 || s.end >= length || s.start > s.end) {
      throw new RangeError(`computeTargets: span ${s.start}-${s.end} is not inside the window 0-${length - 1}`);
    }
    if (!typeIndexOf.has(s.type)) {
      throw new RangeError(`computeTargets: unknown span type '${s.type}' (known: ${typeNames.join(', ') || 'none'})`);
    }
    if (!Number.isFinite(s.confidence) || s.confidence < 0 || s.confidence > 1) {
      throw new RangeError(`computeTargets: span confidence must be in [0, 1], got ${s.confidence}`);
    }
  }

  const mask = new Float32Array(length);
  const softMask = new Float32Array(length);
  const countdown = new Float32Array(length);
  const countdownMask = new Float32Array(length);
  // -1 = not in any span yet; otherwise the highest confidence of the spans covering the bar.
  const conf = new Float32Array(length).fill(-1);
  // Bars of a span that continues after the window: their true countdown is unknown.
  const openAfter = new Uint8Array(length);
  spans.forEach((s, i) => {
    const after = opts.edges?.[i]?.after ?? false;
    for (let t = s.start; t <= s.end; t++) {
      mask[t] = 1;
      const k = Math.min(t - s.start, s.end - t);
      const v = Math.min(1, (k + 1) / (ramp + 1));
      if (v > softMask[t]) softMask[t] = v;
      if (s.end - t > countdown[t]) countdown[t] = s.end - t;
      if (s.confidence > conf[t]) conf[t] = s.confidence;
      if (after) openAfter[t] = 1;
    }
  });
  const outside = spans.length > 0 ? 1 : noSpanWeight;
  const barWeight = Float32Array.from(conf, (c) => (c < 0 ? outside : c));
  for (let t = 0; t < length; t++) countdownMask[t] = mask[t] > 0 && !openAfter[t] ? 1 : 0;

  const main = mainSpanIndex(spans);
  if (main < 0) {
    return {
      hasSpan: false,
      start: -1,
      end: -1,
      typeIndex: -1,
      mask,
      softMask,
      countdown,
      countdownMask,
      startKnown: false,
      endKnown: false,
      barWeight,
      weight: noSpanWeight,
    };
  }
  const m = spans[main];
  return {
    hasSpan: true,
    start: m.start,
    end: m.end,
    typeIndex: typeIndexOf.get(m.type) ?? -1,
    mask,
    softMask,
    countdown,
    countdownMask,
    startKnown: !(opts.edges?.[main]?.before ?? false),
    endKnown: !(opts.edges?.[main]?.after ?? false),
    barWeight,
    weight: m.confidence,
  };
}
