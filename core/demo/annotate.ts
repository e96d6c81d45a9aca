/**
 * A simulated annotator: turns the known truth into per-window labels, optionally noisy, and plants
 * a known number of contradictions between overlapping windows (to measure the conflict detector).
 *
 * Rules (see docs/formats.md, "Demo data"):
 * - Each truth span is copied into every window it intersects, clipped to the window; a copy cut
 *   to fewer than `minSpanLength` (3) bars by the window edge is dropped.
 * - Noise is decided per truth span, so the copies in two windows agree: a missed span is missing
 *   in every window, a lowered confidence is the same in every copy. Boundaries move by a shared
 *   offset per edge plus a per-copy wobble of at most 1 bar, so each edge is within
 *   `boundaryJitter` bars of the truth and two copies of one span differ by at most 2 bars per edge
 *   (a conflict detector should tolerate 2). Edges within minSpanLength + 1 bars of any window edge
 *   get no per-copy wobble, so clipping treats every copy alike.
 * - A planted contradiction edits ONE window's copy of a span lying (with an 8-bar margin) in a
 *   region shared by exactly two windows: drop it ('span-vs-none'), flip up<->down ('type'), or put
 *   one edge 4-6 bars away from the other copy's edge ('boundary'). Each truth span is used at most
 *   once. Nothing else differs between two windows except the tolerated wobble and clipping effects
 *   of at most 2 bars at a window edge.
 */
import type { FindingKind, IndexSpan } from '../domain/types.ts';
import { createRng, type Rng } from './random.ts';

/** The kinds the demo plants between overlapping windows (not 'annotators': the demo has one annotator). */
export type ContradictionKind = Exclude<FindingKind, 'annotators'>;

export interface AnnotateNoise {
  /** Max bars an edge moves from the truth (0 = exact). Default 0. */
  boundaryJitter?: number;
  /** Probability that a truth span is not labelled at all (in any window). Default 0. */
  missRate?: number;
  /** When given, some spans (lowConfidenceRate) get a confidence drawn from this range, rounded to 0.01. */
  confidenceRange?: [number, number];
  /** Share of spans whose confidence is lowered when confidenceRange is given. Default 0.3. */
  lowConfidenceRate?: number;
}

export interface AnnotateOptions {
  seed: number;
  noise?: AnnotateNoise;
  /** How many contradictions to plant: a total (kinds taken in turn) or a count per kind. Default 0. */
  contradictions?: number | Partial<Record<ContradictionKind, number>>;
  /** Copies shorter than this after clipping are dropped. Default 3. */
  minSpanLength?: number;
}

export interface PlantedContradiction {
  kind: ContradictionKind;
  /** Indices into the windows argument, A < B. */
  windowIndexA: number;
  windowIndexB: number;
  /**
   * Affected bars, series indices, inclusive: for 'span-vs-none' the copy that was kept, for 'type'
   * the union of both copies, for 'boundary' the bars labelled by one copy and not the other.
   */
  startIndex: number;
  endIndex: number;
  /** Which window's copy was edited (windowIndexA or windowIndexB). */
  editedWindowIndex: number;
  /** Index of the span in the truth argument. */
  truthIndex: number;
}

export interface AnnotatedWindow {
  startIndex: number;
  length: number;
  /** Series indices, inclusive, sorted by start. */
  spans: IndexSpan[];
}

export interface AnnotationResult {
  windows: AnnotatedWindow[];
  contradictions: PlantedContradiction[];
}

const KINDS: readonly ContradictionKind[] = ['span-vs-none', 'type', 'boundary'];
/** Margin (bars) around a contradiction's span that must also lie in the shared region. */
const MARGIN = 8;

interface Copy {
  span: IndexSpan;
  truthIndex: number;
}

function flipType(type: string): string {
  if (type === 'up') return 'down';
  if (type === 'down') return 'up';
  return 'up';
}

function requestedKinds(req: AnnotateOptions['contradictions']): ContradictionKind[] {
  if (req === undefined) return [];
  const counts: Record<ContradictionKind, number> =
    typeof req === 'number'
      ? { 'span-vs-none': 0, type: 0, boundary: 0 }
      : { 'span-vs-none': req['span-vs-none'] ?? 0, type: req.type ?? 0, boundary: req.boundary ?? 0 };
  if (typeof req === 'number') {
    for (let i = 0; i < Math.max(0, Math.floor(req)); i++) counts[KINDS[i % 3]]++;
  }
  // Interleave kinds so a shortage hits all kinds evenly.
  const out: ContradictionKind[] = [];
  const left = { ...counts };
  while (KINDS.some((k) => left[k] > 0)) {
    for (const k of KINDS) {
      if (left[k] > 0) {
        out.push(k);
        left[k]--;
      }
    }
  }
  return out;
}

function shuffle<T>(rng: Rng, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

export function labelWindows(
  windows: ReadonlyArray<{ startIndex: number; length: number }>,
  truth: readonly IndexSpan[],
  opts: AnnotateOptions,
): AnnotationResult {
  const rng = createRng(opts.seed);
  const minLen = opts.minSpanLength ?? 3;
  const jitter = Math.max(0, Math.floor(opts.noise?.boundaryJitter ?? 0));
  const missRate = opts.noise?.missRate ?? 0;
  const confRange = opts.noise?.confidenceRange;
  const lowConfRate = opts.noise?.lowConfidenceRate ?? 0.3;
  const shared = Math.max(0, jitter - 1); // shared offset per edge
  const wobble = jitter > 0 ? 1 : 0; // per-copy wobble
  const reach = shared + wobble;

  const order = truth.map((_, i) => i).sort((a, b) => truth[a].start - truth[b].start);

  // Per truth span: missed?, confidence, edges after the shared offset, and how far each edge may go out.
  interface Plan {
    missed: boolean;
    confidence: number;
    start: number;
    end: number;
    canGrowStart: boolean;
    canGrowEnd: boolean;
  }
  const plans: Plan[] = new Array<Plan>(truth.length);
  order.forEach((ti, pos) => {
    const t = truth[ti];
    const prev = pos > 0 ? truth[order[pos - 1]] : null;
    const next = pos + 1 < order.length ? truth[order[pos + 1]] : null;
    const canGrowStart = prev === null || t.start - prev.end - 1 > 2 * reach;
    const canGrowEnd = next === null || next.start - t.end - 1 > 2 * reach;
    const missed = missRate > 0 && rng.chance(missRate);
    let confidence = t.confidence;
    if (confRange !== undefined && rng.chance(lowConfRate)) {
      confidence = Math.round(rng.uniform(confRange[0], confRange[1]) * 100) / 100;
    }
    let start = t.start;
    let end = t.end;
    if (shared > 0) {
      const ds = rng.int(canGrowStart ? -shared : 0, shared);
      const de = rng.int(-shared, canGrowEnd ? shared : 0);
      // Leave room for the wobble to keep the span at least minLen (+2) long.
      if (end + de - (start + ds) + 1 >= minLen + 2) {
        start += ds;
        end += de;
      }
    }
    plans[ti] = { missed, confidence, start, end, canGrowStart, canGrowEnd };
  });

  // Window edges (first bar, and one past the last bar), sorted, to keep wobble away from them.
  const boundaries = [...new Set(windows.flatMap((w) => [w.startIndex, w.startIndex + w.length]))].sort((x, y) => x - y);
  const nearBoundary = (edge: number): boolean => {
    let lo = 0;
    let hi = boundaries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (boundaries[mid] < edge - minLen - 1) lo = mid + 1;
      else hi = mid;
    }
    return lo < boundaries.length && boundaries[lo] <= edge + minLen + 1;
  };

  // Copies per window.
  const copies: Copy[][] = windows.map((w) => {
    const ws = w.startIndex;
    const we = w.startIndex + w.length - 1;
    const out: Copy[] = [];
    for (const ti of order) {
      const p = plans[ti];
      if (p.missed || p.end + reach < ws || p.start - reach > we) continue;
      let start = p.start;
      let end = p.end;
      if (wobble > 0) {
        // No wobble next to a window edge: there clipping decides, identically for every copy.
        const ds = nearBoundary(start) ? 0 : rng.chance(0.5) ? 0 : rng.chance(0.5) ? -1 : 1;
        const de = nearBoundary(end) ? 0 : rng.chance(0.5) ? 0 : rng.chance(0.5) ? -1 : 1;
        const s2 = ds < 0 && !p.canGrowStart ? start : start + ds;
        const e2 = de > 0 && !p.canGrowEnd ? end : end + de;
        if (e2 - s2 + 1 >= minLen) {
          start = s2;
          end = e2;
        }
      }
      const cs = Math.max(start, ws);
      const ce = Math.min(end, we);
      if (ce - cs + 1 < minLen) continue;
      out.push({ span: { start: cs, end: ce, type: truth[ti].type, confidence: p.confidence }, truthIndex: ti });
    }
    return out;
  });

  // Contradictions.
  const wanted = requestedKinds(opts.contradictions);
  const contradictions: PlantedContradiction[] = [];
  if (wanted.length > 0) {
    interface Candidate {
      ti: number;
      a: number;
      b: number;
    }
    const candidates: Candidate[] = [];
    for (const ti of order) {
      if (plans[ti].missed) continue;
      const lo = Math.min(truth[ti].start, plans[ti].start) - reach - MARGIN;
      const hi = Math.max(truth[ti].end, plans[ti].end) + reach + MARGIN;
      const touching: number[] = [];
      windows.forEach((w, wi) => {
        if (w.startIndex <= hi && w.startIndex + w.length - 1 >= lo) touching.push(wi);
      });
      if (touching.length !== 2) continue;
      const [a, b] = touching;
      const inside = touching.every((wi) => windows[wi].startIndex <= lo && windows[wi].startIndex + windows[wi].length - 1 >= hi);
      const ca = copies[a].some((c) => c.truthIndex === ti);
      const cb = copies[b].some((c) => c.truthIndex === ti);
      if (inside && ca && cb) candidates.push({ ti, a, b });
    }
    shuffle(rng, candidates);
    const used = new Set<number>();
    for (const kind of wanted) {
      let planted = false;
      for (const cand of candidates) {
        if (used.has(cand.ti)) continue;
        const edited = rng.chance(0.5) ? cand.a : cand.b;
        const other = edited === cand.a ? cand.b : cand.a;
        const ci = copies[edited].findIndex((c) => c.truthIndex === cand.ti);
        const mine = copies[edited][ci].span;
        const theirs = copies[other].find((c) => c.truthIndex === cand.ti)!.span;
        let range: [number, number] | null = null;
        if (kind === 'span-vs-none') {
          copies[edited].splice(ci, 1);
          range = [theirs.start, theirs.end];
        } else if (kind === 'type') {
          mine.type = flipType(mine.type);
          range = [Math.min(mine.start, theirs.start), Math.max(mine.end, theirs.end)];
        } else {
          range = moveEdge(rng, copies[edited], ci, theirs, windows[edited], minLen);
        }
        if (range === null) continue;
        used.add(cand.ti);
        contradictions.push({
          kind,
          windowIndexA: Math.min(cand.a, cand.b),
          windowIndexB: Math.max(cand.a, cand.b),
          startIndex: range[0],
          endIndex: range[1],
          editedWindowIndex: edited,
          truthIndex: cand.ti,
        });
        planted = true;
        break;
      }
      if (!planted) {
        throw new RangeError(
          `labelWindows: asked for ${wanted.length} contradictions but could plant only ${contradictions.length} ` +
            `(needs spans lying, with a ${MARGIN}-bar margin, in a region shared by exactly two windows; ${candidates.length} found)`,
        );
      }
    }
  }

  return {
    windows: windows.map((w, wi) => ({
      startIndex: w.startIndex,
      length: w.length,
      spans: copies[wi].map((c) => c.span).sort((x, y) => x.start - y.start),
    })),
    contradictions,
  };
}

/**
 * Move one edge of copies[ci] to 4-6 bars away from the matching edge of `theirs` (outward or
 * inward), keeping it inside the window, at least minLen long and 2+ bars from other spans.
 * Returns the bars that now differ, or null when no move fits.
 */
function moveEdge(rng: Rng, list: Copy[], ci: number, theirs: IndexSpan, win: { startIndex: number; length: number }, minLen: number): [number, number] | null {
  const mine = list[ci].span;
  const ws = win.startIndex;
  const we = win.startIndex + win.length - 1;
  const others = list.filter((_, i) => i !== ci).map((c) => c.span);
  const fits = (s: number, e: number): boolean => s >= ws && e <= we && e - s + 1 >= minLen && others.every((o) => o.end < s - 2 || o.start > e + 2);
  const options: Array<{ edge: 'start' | 'end'; value: number }> = [];
  const delta = rng.int(4, 6);
  for (const sign of [-1, 1]) {
    const s = theirs.start + sign * delta;
    if (fits(s, mine.end)) options.push({ edge: 'start', value: s });
    const e = theirs.end + sign * delta;
    if (fits(mine.start, e)) options.push({ edge: 'end', value: e });
  }
  if (options.length === 0) return null;
  const pick = options[rng.int(0, options.length - 1)];
  if (pick.edge === 'start') {
    mine.start = pick.value;
    return [Math.min(mine.start, theirs.start), Math.max(mine.start, theirs.start) - 1];
  }
  mine.end = pick.value;
  return [Math.min(mine.end, theirs.end) + 1, Math.max(mine.end, theirs.end)];
}
