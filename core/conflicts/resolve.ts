/**
 * Resolving a finding by copying one window's labels onto the other, on the bars they share.
 *
 * planCopySpans(from, to) rules:
 * - Shared range [lo, hi] = the bars both windows cover (same series required, must overlap).
 * - remove: every span of `to` that touches the shared range, plus any `to` span that merely ends at
 *   lo-1 / starts at hi+1 IF it gets merged (below). These are `to`'s own span objects (same references),
 *   so a caller can map them back to stored labels.
 * - add: on [lo, hi] `to` gets exactly `from`'s spans clipped to [lo, hi]; outside the shared range `to`
 *   keeps its own bars: the parts of removed spans that lie outside [lo, hi] are re-added. A kept outside
 *   part (or an untouched adjacent `to` span) of the same type that touches a copied span (ends at lo-1
 *   while the copy starts at lo, or starts at hi+1 while the copy ends at hi) is merged with it into one
 *   span; a merged span's confidence is the lowest of its pieces.
 * After applying the plan (applySpanPlan), detection finds nothing between the two windows:
 * both label every shared bar identically.
 */
import type { IndexSpan } from '../domain/types.ts';
import type { ConflictWindow } from './detect.ts';

export interface SpanPlan<S extends IndexSpan = IndexSpan> {
  remove: S[];
  add: IndexSpan[];
}

export function planCopySpans<S extends IndexSpan>(
  from: Pick<ConflictWindow, 'id' | 'seriesId' | 'startIndex' | 'length' | 'spans'>,
  to: { id: number; seriesId: string; startIndex: number; length: number; spans: S[] },
): SpanPlan<S> {
  if (from.seriesId !== to.seriesId) {
    throw new RangeError(`planCopySpans: windows ${from.id} and ${to.id} belong to different series`);
  }
  const lo = Math.max(from.startIndex, to.startIndex);
  const hi = Math.min(from.startIndex + from.length - 1, to.startIndex + to.length - 1);
  if (lo > hi) throw new RangeError(`planCopySpans: windows ${from.id} and ${to.id} share no bars`);

  const remove: S[] = [];
  /** Pieces of `to` left of / right of the shared range that may merge with a copied span. */
  const left: Array<{ piece: IndexSpan; original: S; removed: boolean }> = [];
  const right: Array<{ piece: IndexSpan; original: S; removed: boolean }> = [];
  const kept: IndexSpan[] = [];
  for (const sp of to.spans) {
    if (sp.end < lo || sp.start > hi) {
      if (sp.end === lo - 1) left.push({ piece: sp, original: sp, removed: false });
      else if (sp.start === hi + 1) right.push({ piece: sp, original: sp, removed: false });
      continue;
    }
    remove.push(sp);
    if (sp.start < lo) {
      const piece = { start: sp.start, end: lo - 1, type: sp.type, confidence: sp.confidence };
      left.push({ piece, original: sp, removed: true });
    }
    if (sp.end > hi) {
      const piece = { start: hi + 1, end: sp.end, type: sp.type, confidence: sp.confidence };
      right.push({ piece, original: sp, removed: true });
    }
  }

  const copies: IndexSpan[] = [];
  for (const sp of from.spans) {
    const s = Math.max(sp.start, lo);
    const e = Math.min(sp.end, hi);
    if (s <= e) copies.push({ start: s, end: e, type: sp.type, confidence: sp.confidence });
  }

  const used = new Set<IndexSpan>();
  for (const c of copies) {
    if (c.start === lo) {
      const m = left.find((x) => !used.has(x.piece) && x.piece.type === c.type);
      if (m) {
        used.add(m.piece);
        c.start = m.piece.start;
        c.confidence = Math.min(c.confidence, m.piece.confidence);
        if (!m.removed) remove.push(m.original);
      }
    }
    if (c.end === hi) {
      const m = right.find((x) => !used.has(x.piece) && x.piece.type === c.type);
      if (m) {
        used.add(m.piece);
        c.end = m.piece.end;
        c.confidence = Math.min(c.confidence, m.piece.confidence);
        if (!m.removed) remove.push(m.original);
      }
    }
  }
  for (const x of [...left, ...right]) if (x.removed && !used.has(x.piece)) kept.push(x.piece);

  const add = [...kept, ...copies].sort((x, y) => x.start - y.start || x.end - y.end);
  return { remove, add };
}

/** Apply a plan to a span list: drop the removed span objects (by reference), append the added ones, sort by start. */
export function applySpanPlan<S extends IndexSpan>(spans: ReadonlyArray<S>, plan: SpanPlan<S>): IndexSpan[] {
  const gone = new Set<IndexSpan>(plan.remove);
  return [...spans.filter((s) => !gone.has(s)), ...plan.add].sort((x, y) => x.start - y.start || x.end - y.end);
}
