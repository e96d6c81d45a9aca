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
 * - weight: the mean confidence of the window's spans; 1 for a window without spans.
 */
import type { IndexSpan } from '../domain/types.ts';

export interface TargetOptions {
  /** Width of the linear edge ramp of softMask, in bars (>= 0). Default 3. */
  ramp?: number;
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
  weight: number;
}

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

export function computeTargets(
  length: number,
  spans: ReadonlyArray<IndexSpan>,
  typeNames: ReadonlyArray<string>,
  opts: TargetOptions = {},
): WindowTargets {
  if (!Number.isInteger(length) || length < 1) throw new RangeError(`computeTargets: length must be a positive integer, got ${length}`);
  const ramp = opts.ramp ?? DEFAULT_RAMP;
  if (!Number.isInteger(ramp) || ramp < 0) throw new RangeError(`computeTargets: ramp must be a non-negative integer, got ${ramp}`);
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
  let confSum = 0;
  for (const s of spans) {
    confSum += s.confidence;
    for (let t = s.start; t <= s.end; t++) {
      mask[t] = 1;
      const k = Math.min(t - s.start, s.end - t);
      const v = Math.min(1, (k + 1) / (ramp + 1));
      if (v > softMask[t]) softMask[t] = v;
      if (s.end - t > countdown[t]) countdown[t] = s.end - t;
    }
  }

  const main = mainSpanIndex(spans);
  if (main < 0) {
    return { hasSpan: false, start: -1, end: -1, typeIndex: -1, mask, softMask, countdown, weight: 1 };
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
    weight: confSum / spans.length,
  };
}
