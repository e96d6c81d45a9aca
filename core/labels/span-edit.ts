/**
 * Pure helpers for editing one span inside one window. Coordinates: the span and the window use the
 * same frame — series indices with window.startIndex, or window-relative with startIndex 0.
 * Spans are inclusive: bars start..end. Every helper returns a new span and never mutates its input;
 * invalid requests throw a RangeError saying what is wrong.
 */
import type { IndexSpan } from '../domain/types.ts';

export interface SpanBounds {
  startIndex: number;
  length: number;
}

function windowEnd(w: SpanBounds): number {
  return w.startIndex + w.length - 1;
}

function checkWindow(w: SpanBounds): void {
  if (!Number.isInteger(w.startIndex) || !Number.isInteger(w.length) || w.length < 1) {
    throw new RangeError(`invalid window (startIndex ${w.startIndex}, length ${w.length})`);
  }
}

function describe(w: SpanBounds): string {
  return `window bars ${w.startIndex}-${windowEnd(w)}`;
}

/** Throws unless the span is well formed and lies entirely inside the window; returns it unchanged. */
export function validateSpan(span: IndexSpan, window: SpanBounds): IndexSpan {
  checkWindow(window);
  if (!Number.isInteger(span.start) || !Number.isInteger(span.end)) {
    throw new RangeError(`span edges must be integers, got ${span.start}-${span.end}`);
  }
  if (span.start > span.end) throw new RangeError(`span start ${span.start} is after its end ${span.end}`);
  if (span.start < window.startIndex || span.end > windowEnd(window)) {
    throw new RangeError(`span ${span.start}-${span.end} is outside the ${describe(window)}`);
  }
  if (typeof span.type !== 'string' || span.type.length === 0) throw new RangeError('span type must be a non-empty string');
  if (!Number.isFinite(span.confidence) || span.confidence < 0 || span.confidence > 1) {
    throw new RangeError(`span confidence must be in [0, 1], got ${span.confidence}`);
  }
  return span;
}

/**
 * Clamp a span's edges into the window (e.g. after a drag past the edge). Edges are rounded to the
 * nearest bar first. Throws if start > end or the span lies entirely outside the window.
 */
export function clampSpan(span: IndexSpan, window: SpanBounds): IndexSpan {
  checkWindow(window);
  if (!Number.isFinite(span.start) || !Number.isFinite(span.end)) {
    throw new RangeError(`span edges must be finite, got ${span.start}-${span.end}`);
  }
  const s = Math.round(span.start);
  const e = Math.round(span.end);
  if (s > e) throw new RangeError(`span start ${s} is after its end ${e}`);
  if (e < window.startIndex || s > windowEnd(window)) {
    throw new RangeError(`span ${s}-${e} lies entirely outside the ${describe(window)}`);
  }
  return { ...span, start: Math.max(s, window.startIndex), end: Math.min(e, windowEnd(window)) };
}

/** Move the whole span by k bars (negative = earlier). Throws if it would leave the window. */
export function moveSpan(span: IndexSpan, k: number, window: SpanBounds): IndexSpan {
  validateSpan(span, window);
  if (!Number.isInteger(k)) throw new RangeError(`move distance must be an integer number of bars, got ${k}`);
  const moved = { ...span, start: span.start + k, end: span.end + k };
  if (moved.start < window.startIndex || moved.end > windowEnd(window)) {
    throw new RangeError(`moving span ${span.start}-${span.end} by ${k} bars would leave the ${describe(window)}`);
  }
  return moved;
}

/**
 * Move one edge of the span by k bars (negative = earlier): resizeSpan(s, 'end', 2, w) makes it
 * 2 bars longer. Throws if the edge would leave the window or cross the other edge (a span keeps >= 1 bar).
 */
export function resizeSpan(span: IndexSpan, edge: 'start' | 'end', k: number, window: SpanBounds): IndexSpan {
  validateSpan(span, window);
  if (edge !== 'start' && edge !== 'end') throw new RangeError(`edge must be 'start' or 'end', got ${String(edge)}`);
  if (!Number.isInteger(k)) throw new RangeError(`resize distance must be an integer number of bars, got ${k}`);
  const next = edge === 'start' ? { ...span, start: span.start + k } : { ...span, end: span.end + k };
  if (next.start < window.startIndex || next.end > windowEnd(window)) {
    throw new RangeError(`moving the ${edge} of span ${span.start}-${span.end} by ${k} bars would leave the ${describe(window)}`);
  }
  if (next.start > next.end) {
    throw new RangeError(`moving the ${edge} of span ${span.start}-${span.end} by ${k} bars would cross the other edge`);
  }
  return next;
}

/** Set one edge to an absolute bar index (e.g. dragging an edge). Same checks as resizeSpan. */
export function setSpanEdge(span: IndexSpan, edge: 'start' | 'end', index: number, window: SpanBounds): IndexSpan {
  validateSpan(span, window);
  if (!Number.isInteger(index)) throw new RangeError(`edge index must be an integer, got ${index}`);
  return resizeSpan(span, edge, index - (edge === 'start' ? span.start : span.end), window);
}
