/**
 * Contradictions between overlapping windows of the same series.
 *
 * Windows overlap (128 bars every 64), so most bars are labelled twice. For every pair of
 * overlapping windows of the same series we compare the two labellings on the bars they SHARE
 * (the shared range [lo, hi]) and report each disagreement as a Finding.
 *
 * Pair comparison (compareWindowPair), exact rules:
 * 1. Each window's spans are clipped to the shared range. The range is cut into runs of bars on which
 *    both windows' labels are constant (label of a bar = the set of span types covering it).
 * 2. A run where both windows label the bars but with no type in common → 'type'.
 * 3. A run labelled by exactly one window (P) and not by the other (Q):
 *    - "attached" on a side when the neighbouring bar on that side is labelled by BOTH windows with a
 *      type that P also uses on the run: the run is then one edge of the same span (overlapping, same
 *      type) placed differently by the two windows; the run length is the edge difference in bars.
 *    - attached on one side only (an edge difference):
 *        · length <= tolerance → no finding at all (not a span-vs-none either);
 *        · the run's free end reaches the shared-range boundary (lo or hi) → P's edge is cut off by
 *          the shared range and the edges are not comparable: reported as 'span-vs-none' (P marks
 *          bars Q, which sees them, leaves unmarked);
 *        · otherwise → 'boundary'.
 *    - attached on both sides (Q has a hole inside P's span) or on neither (a span Q lacks) →
 *      'span-vs-none', whatever its length; except a span that enters Q's window only in Q's first
 *      or last `tolerance` bars (the run touches Q's own window edge): Q saw too little of it to be
 *      expected to mark it, the same allowance an edge gets inside a window, so no finding; and a
 *      run of at most `tolerance` bars beside bars both windows label with different types (the
 *      edge of a span whose type they dispute: the 'type' finding covers it).
 *
 * Severity, always in [0, 1] (conf = the highest confidence among the spans involved on a side):
 * - span-vs-none: conf_P · bars / sharedBars
 * - type:         (conf_A + conf_B) / 2 · bars / sharedBars
 * - boundary:     (conf_P + conf_Q) / 2 · (diff − tolerance) / (diff + 1), diff = edge difference in bars
 *   (so 1 bar beyond a tolerance of 2 gives 0.25·conf, 10 bars beyond gives ~0.77·conf).
 *
 * The full detection is a sort-and-sweep: windows are grouped by series and sorted by startIndex;
 * an active list holds the windows still open at the current start, so only overlapping pairs are
 * ever compared (O(n log n + overlapping pairs)), never all pairs.
 */
import type { Finding, FindingKind, IndexSpan } from '../domain/types.ts';

export interface ConflictWindow {
  id: number;
  seriesId: string;
  startIndex: number;
  length: number;
  /** Series indices, inclusive. */
  spans: IndexSpan[];
}

export interface ConflictOptions {
  /** Edge differences of up to this many bars are not reported. Default 2. */
  tolerance?: number;
}

export const DEFAULT_TOLERANCE = 2;

/** Stable identity of a finding (kind, window pair, bar range) so a store can keep its status across recomputes. */
export function findingKey(f: Pick<Finding, 'kind' | 'windowA' | 'windowB' | 'startIndex' | 'endIndex'>): string {
  return `${f.kind}:${f.windowA}-${f.windowB}:${f.startIndex}-${f.endIndex}`;
}

/** All findings between all overlapping windows of the same series. */
export function detectConflicts(windows: ReadonlyArray<ConflictWindow>, opts: ConflictOptions = {}): Finding[] {
  return sweep(windows, resolveTolerance(opts), null);
}

/**
 * Only the findings of pairs that involve at least one of `windowIds` (e.g. the windows whose labels
 * just changed). `allWindows` must hold every window (with current spans) that could overlap them.
 * Same pair comparison as detectConflicts, so the result equals the subset of detectConflicts(allWindows)
 * touching those windows.
 */
export function detectConflictsFor(windowIds: Iterable<number>, allWindows: ReadonlyArray<ConflictWindow>, opts: ConflictOptions = {}): Finding[] {
  const ids = new Set(windowIds);
  if (ids.size === 0) return [];
  const series = new Set<string>();
  for (const w of allWindows) if (ids.has(w.id)) series.add(w.seriesId);
  return sweep(
    allWindows.filter((w) => series.has(w.seriesId)),
    resolveTolerance(opts),
    ids,
  );
}

function resolveTolerance(opts: ConflictOptions): number {
  const tol = opts.tolerance ?? DEFAULT_TOLERANCE;
  if (!Number.isInteger(tol) || tol < 0) throw new RangeError(`tolerance must be a non-negative integer, got ${tol}`);
  return tol;
}

function validateWindow(w: ConflictWindow): void {
  if (!Number.isInteger(w.id)) throw new RangeError(`window id must be an integer, got ${w.id}`);
  if (!Number.isInteger(w.startIndex) || !Number.isInteger(w.length) || w.length < 1) {
    throw new RangeError(`window ${w.id}: invalid startIndex/length (${w.startIndex}, ${w.length})`);
  }
  for (const s of w.spans) {
    if (!Number.isInteger(s.start) || !Number.isInteger(s.end) || s.start > s.end) {
      throw new RangeError(`window ${w.id}: invalid span ${s.start}-${s.end}`);
    }
  }
}

function sweep(windows: ReadonlyArray<ConflictWindow>, tolerance: number, only: Set<number> | null): Finding[] {
  const bySeries = new Map<string, ConflictWindow[]>();
  const seen = new Set<number>();
  for (const w of windows) {
    validateWindow(w);
    if (seen.has(w.id)) throw new RangeError(`duplicate window id ${w.id}`);
    seen.add(w.id);
    let group = bySeries.get(w.seriesId);
    if (!group) {
      group = [];
      bySeries.set(w.seriesId, group);
    }
    group.push(w);
  }
  const out: Finding[] = [];
  for (const group of bySeries.values()) {
    group.sort((x, y) => x.startIndex - y.startIndex || x.id - y.id);
    const active: ConflictWindow[] = [];
    for (const w of group) {
      // Drop windows that ended before this one starts; everything left overlaps w.
      let k = 0;
      for (let j = 0; j < active.length; j++) {
        const a = active[j];
        if (a.startIndex + a.length - 1 >= w.startIndex) active[k++] = a;
      }
      active.length = k;
      for (const a of active) {
        if (only && !only.has(a.id) && !only.has(w.id)) continue;
        comparePairInto(a, w, tolerance, out);
      }
      active.push(w);
    }
  }
  return out.sort(compareFindings);
}

/** Deterministic order: series, then bar range, then window pair, then kind. */
export function compareFindings(x: Finding, y: Finding): number {
  if (x.seriesId !== y.seriesId) return x.seriesId < y.seriesId ? -1 : 1;
  return (
    x.startIndex - y.startIndex || x.endIndex - y.endIndex || x.windowA - y.windowA || x.windowB - y.windowB || (x.kind < y.kind ? -1 : x.kind > y.kind ? 1 : 0)
  );
}

/**
 * Compare two windows on the bars they share (see the rules at the top of this file). Returns []
 * when they belong to different series or do not overlap. Order of the arguments does not matter:
 * windowA is always the smaller id.
 */
export function compareWindowPair(w1: ConflictWindow, w2: ConflictWindow, opts: ConflictOptions = {}): Finding[] {
  const out: Finding[] = [];
  comparePairInto(w1, w2, resolveTolerance(opts), out);
  return out;
}

interface Clipped {
  s: number;
  e: number;
  type: string;
  conf: number;
}

interface Run {
  s: number;
  e: number;
  /** Sorted distinct types covering the run in window A / B. */
  ta: string[];
  tb: string[];
}

const EMPTY: string[] = [];

function clip(spans: ReadonlyArray<IndexSpan>, lo: number, hi: number): Clipped[] {
  const out: Clipped[] = [];
  for (const sp of spans) {
    const s = sp.start < lo ? lo : sp.start;
    const e = sp.end > hi ? hi : sp.end;
    if (s <= e) out.push({ s, e, type: sp.type, conf: sp.confidence });
  }
  return out;
}

function typesAt(spans: Clipped[], bar: number): string[] {
  let out: string[] = EMPTY;
  for (const c of spans) {
    if (c.s <= bar && bar <= c.e) {
      if (out === EMPTY) out = [c.type];
      else if (!out.includes(c.type)) out.push(c.type);
    }
  }
  if (out.length > 1) out.sort();
  return out;
}

function sameTypes(x: string[], y: string[]): boolean {
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

function firstCommon(x: string[], y: string[]): string | null {
  for (const t of x) if (y.includes(t)) return t;
  return null;
}

/** A type in all three sets, or null. */
function common3(x: string[], y: string[], z: string[]): string | null {
  for (const t of x) if (y.includes(t) && z.includes(t)) return t;
  return null;
}

/** Highest confidence among spans overlapping [s, e] (with the given type, when given). */
function maxConf(spans: Clipped[], s: number, e: number, type: string | null): number {
  let m = 0;
  for (const c of spans) {
    if (c.s <= e && c.e >= s && (type === null || c.type === type) && c.conf > m) m = c.conf;
  }
  return m;
}

function bars(s: number, e: number): string {
  return s === e ? `bar ${s}` : `bars ${s}-${e}`;
}

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

function comparePairInto(w1: ConflictWindow, w2: ConflictWindow, tol: number, out: Finding[]): void {
  if (w1.seriesId !== w2.seriesId) return;
  const [A, B] = w1.id <= w2.id ? [w1, w2] : [w2, w1];
  const lo = Math.max(A.startIndex, B.startIndex);
  const hi = Math.min(A.startIndex + A.length - 1, B.startIndex + B.length - 1);
  if (lo > hi) return;
  const ca = clip(A.spans, lo, hi);
  const cb = clip(B.spans, lo, hi);
  if (ca.length === 0 && cb.length === 0) return;
  const shared = hi - lo + 1;

  // Elementary cut points: every clipped edge, plus the range ends.
  const pts: number[] = [lo, hi + 1];
  for (const c of ca) pts.push(c.s, c.e + 1);
  for (const c of cb) pts.push(c.s, c.e + 1);
  pts.sort((x, y) => x - y);

  const runs: Run[] = [];
  for (let i = 0; i < pts.length - 1; i++) {
    const s = pts[i];
    const next = pts[i + 1];
    if (next === s) continue;
    const ta = typesAt(ca, s);
    const tb = typesAt(cb, s);
    const last = runs[runs.length - 1];
    if (last && sameTypes(last.ta, ta) && sameTypes(last.tb, tb)) last.e = next - 1;
    else runs.push({ s, e: next - 1, ta, tb });
  }

  const base = { windowA: A.id, windowB: B.id, seriesId: A.seriesId };
  const push = (kind: FindingKind, s: number, e: number, severity: number, message: string): void => {
    out.push({ kind, ...base, startIndex: s, endIndex: e, severity: clamp01(severity), message });
  };

  for (let i = 0; i < runs.length; i++) {
    const r = runs[i];
    const hasA = r.ta.length > 0;
    const hasB = r.tb.length > 0;
    if (!hasA && !hasB) continue;
    const len = r.e - r.s + 1;
    if (hasA && hasB) {
      if (firstCommon(r.ta, r.tb) !== null) continue; // agree
      const conf = (maxConf(ca, r.s, r.e, null) + maxConf(cb, r.s, r.e, null)) / 2;
      push('type', r.s, r.e, (conf * len) / shared, `window ${A.id} marks ${bars(r.s, r.e)} as ${r.ta.join('/')}, window ${B.id} as ${r.tb.join('/')}`);
      continue;
    }
    // One-sided run: P labels it, Q does not.
    const pIsA = hasA;
    const pt = pIsA ? r.ta : r.tb;
    const pSpans = pIsA ? ca : cb;
    const qSpans = pIsA ? cb : ca;
    const pId = pIsA ? A.id : B.id;
    const qId = pIsA ? B.id : A.id;
    const prev = i > 0 ? runs[i - 1] : null;
    const nextRun = i < runs.length - 1 ? runs[i + 1] : null;
    const leftType = prev ? common3(pt, prev.ta, prev.tb) : null;
    const rightType = nextRun ? common3(pt, nextRun.ta, nextRun.tb) : null;
    const missing = `window ${pId} marks ${bars(r.s, r.e)} as ${pt.join('/')}, window ${qId} marks none`;
    const confP = maxConf(pSpans, r.s, r.e, null);

    if ((leftType === null) === (rightType === null)) {
      // A span that enters Q's window only in its last (or first) `tol` bars: Q saw too little of it
      // to be expected to mark it, the same allowance an edge gets inside a window. No finding.
      const qWin = pIsA ? B : A;
      const atQEdge = (r.e === hi && qWin.startIndex + qWin.length - 1 === hi) || (r.s === lo && qWin.startIndex === lo);
      if (leftType === null && len <= tol && atQEdge) continue;
      // Beside bars both windows label (with different types: that 'type' finding covers the span),
      // a short one-sided run is an edge difference of the same span, within tolerance. No finding.
      const besideBoth = (x: Run | null) => x !== null && x.ta.length > 0 && x.tb.length > 0;
      if (leftType === null && len <= tol && (besideBoth(prev) || besideBoth(nextRun))) continue;
      // A whole span the other window lacks, or a hole inside a span.
      const hole = leftType !== null ? ` (a gap inside its ${leftType} span)` : '';
      push('span-vs-none', r.s, r.e, (confP * len) / shared, missing + hole);
      continue;
    }
    if (len <= tol) continue; // edge difference within tolerance: no finding at all
    const attachedLeft = leftType !== null;
    const type = (attachedLeft ? leftType : rightType) as string;
    const freeEndCut = attachedLeft ? r.e === hi : r.s === lo;
    if (freeEndCut) {
      push('span-vs-none', r.s, r.e, (confP * len) / shared, `${missing} (the ${type} span runs past the shared bars)`);
      continue;
    }
    const qBar = attachedLeft ? r.s - 1 : r.e + 1;
    const conf = (maxConf(pSpans, r.s, r.e, type) + maxConf(qSpans, qBar, qBar, type)) / 2;
    const edge = attachedLeft ? 'ends' : 'starts';
    const pEdge = attachedLeft ? r.e : r.s;
    const qEdge = qBar;
    push(
      'boundary',
      r.s,
      r.e,
      (conf * (len - tol)) / (len + 1),
      `windows ${A.id} and ${B.id} disagree where the ${type} span ${edge}: ` +
        `window ${pId} at bar ${pEdge}, window ${qId} at bar ${qEdge} (${len} bars apart, tolerance ${tol})`,
    );
  }
}
