/**
 * Disagreements between annotators on the same window (issue #12, point 4), as findings beside the
 * contradictions between overlapping windows (detect.ts). For every pair of annotators with spans in
 * a window, the bars where their categories differ (a bar's category: the span type covering it, or
 * none) are collected; edge differences of up to `tolerance` bars next to bars both mark with the
 * same type are not counted (the same allowance detect.ts gives a boundary). A pair that still
 * differs gives ONE finding for the window, covering its first to last differing bar.
 *
 * windowA = windowB = the window; the annotator pair is part of the finding's key (so an ignored
 * finding stays ignored while the same pair disagrees on the same bars), and is read back from it by
 * parseAnnotatorFindingKey. Severity: the mean of the two annotators' highest confidences × the
 * share of the window's bars in dispute, in [0, 1]. Node-free.
 *
 * Corrections are not disagreements: when B edited a span of A's in the window (the edit made it
 * B's) or deleted one, B has reviewed A's labelling of that window with A's spans in view, so the
 * window holds ONE labelling, B's: `mergeCorrections` folds A's remaining spans into B's before any
 * comparison (the corrections come from the history, store/history.ts correctedPairs; an undone one
 * counts no more). Two annotators who each drew their own spans in a window, neither touching the
 * other's, stay two labellings and are compared. So one analyst fixing the demo's spans (author
 * "demo") gets no findings, and a second annotator labelling the same windows independently still
 * does (against the first one's reviewed labelling). The agreement figures use the same rule.
 *
 * Limitation: a "no span" verdict is per window, not per annotator (windows.reviewed), so an
 * annotator who looked and drew nothing does not take part.
 */
import type { Finding, IndexSpan } from '../domain/types.ts';
import { DEFAULT_TOLERANCE } from './detect.ts';

export interface AnnotatorWindow {
  id: number;
  seriesId: string;
  startIndex: number;
  length: number;
  /** Each annotator's spans in this window, series indices, inclusive. */
  byAnnotator: ReadonlyMap<string, readonly IndexSpan[]>;
}

/**
 * Each annotator's spans with corrections folded in: for every correction [A, B] (B edited or deleted
 * A's spans in the window; oldest first), A's spans become part of B's labelling, transitively (A
 * corrected by B, B's by C: one labelling, C's). Annotators who corrected each other end as one
 * labelling, named after whoever corrected last. Annotators with no spans left take no part.
 */
export function mergeCorrections<S>(
  byAnnotator: ReadonlyMap<string, readonly S[]>,
  corrections: ReadonlyArray<readonly [string, string]> = [],
): Map<string, S[]> {
  // owner[x]: whose labelling x's spans belong to now (follow the chain to its end).
  const owner = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (owner.has(r) && owner.get(r) !== r) r = owner.get(r)!;
    return r;
  };
  for (const [a, b] of corrections) {
    const [ra, rb] = [find(a), find(b)];
    if (ra === rb) {
      // A correction inside one labelling: it is now the latest corrector's.
      if (rb !== b) {
        owner.set(rb, b);
        owner.set(b, b);
      }
      continue;
    }
    owner.set(ra, rb);
  }
  const out = new Map<string, S[]>();
  for (const [who, spans] of byAnnotator) {
    if (spans.length === 0) continue;
    const into = find(who);
    out.set(into, [...(out.get(into) ?? []), ...spans]);
  }
  return out;
}

export type AnnotatorFinding = Finding & { key: string; annotators: [string, string] };

const KEY_PREFIX = 'annotators|';

/** The stable key of an annotators finding (JSON keeps any annotator name unambiguous). */
export function annotatorFindingKey(windowId: number, a: string, b: string, start: number, end: number): string {
  return KEY_PREFIX + JSON.stringify([windowId, a, b, start, end]);
}

/** The window and annotator pair of an annotators finding's key, or null for any other key. */
export function parseAnnotatorFindingKey(key: string): { windowId: number; annotators: [string, string] } | null {
  if (!key.startsWith(KEY_PREFIX)) return null;
  try {
    const v = JSON.parse(key.slice(KEY_PREFIX.length)) as unknown;
    if (Array.isArray(v) && typeof v[0] === 'number' && typeof v[1] === 'string' && typeof v[2] === 'string')
      return { windowId: v[0], annotators: [v[1], v[2]] };
  } catch {
    // not one of ours
  }
  return null;
}

/** Per bar of the window, the sorted span types covering it ('' = none), and the highest confidence of a span there. */
function categories(w: AnnotatorWindow, spans: readonly IndexSpan[]): { cat: string[]; conf: number } {
  const sets = Array.from({ length: w.length }, () => new Set<string>());
  let conf = 0;
  for (const s of spans) {
    const from = Math.max(0, s.start - w.startIndex);
    const to = Math.min(w.length - 1, s.end - w.startIndex);
    for (let t = from; t <= to; t++) sets[t].add(s.type);
    if (to >= from) conf = Math.max(conf, s.confidence);
  }
  return { cat: sets.map((x) => [...x].sort().join('/')), conf };
}

/** One finding per pair of annotators who disagree in the window (see the rules above). */
export function detectAnnotatorFindings(w: AnnotatorWindow, tolerance = DEFAULT_TOLERANCE): AnnotatorFinding[] {
  const who = [...w.byAnnotator.keys()].sort();
  const out: AnnotatorFinding[] = [];
  for (let i = 0; i < who.length; i++) {
    for (let j = i + 1; j < who.length; j++) {
      const [a, b] = [who[i], who[j]];
      const A = categories(w, w.byAnnotator.get(a)!);
      const B = categories(w, w.byAnnotator.get(b)!);
      const differs = A.cat.map((c, t) => c !== B.cat[t]);
      const agreeOnSpan = (t: number) => t >= 0 && t < w.length && !differs[t] && A.cat[t] !== '';
      const parts: string[] = [];
      let first = -1;
      let last = -1;
      let bars = 0;
      for (let t = 0; t < w.length;) {
        if (!differs[t]) {
          t++;
          continue;
        }
        let e = t;
        while (e + 1 < w.length && differs[e + 1]) e++;
        const len = e - t + 1;
        // Only one side marks the run and it borders bars both mark alike: one span's edge placed differently.
        const oneSided = (A.cat[t] === '') !== (B.cat[t] === '');
        const edge = oneSided && (agreeOnSpan(t - 1) || agreeOnSpan(e + 1));
        if (!(edge && len <= tolerance)) {
          if (first < 0) first = t;
          last = e;
          bars += len;
          const range = len === 1 ? `${t}` : `${t}-${e}`;
          if (parts.length < 3) parts.push(`${range}: ${a} ${A.cat[t] || 'none'}, ${b} ${B.cat[t] || 'none'}`);
        }
        t = e + 1;
      }
      if (bars === 0) continue;
      const severity = Math.min(1, Math.max(0, ((A.conf + B.conf) / 2) * (bars / w.length)));
      const startIndex = w.startIndex + first;
      const endIndex = w.startIndex + last;
      out.push({
        kind: 'annotators',
        windowA: w.id,
        windowB: w.id,
        seriesId: w.seriesId,
        startIndex,
        endIndex,
        severity,
        message: `${a} and ${b} disagree on ${bars} bar(s) of window ${w.id} (window bars ${parts.join('; ')}${parts.length < 3 ? '' : '; …'})`,
        key: annotatorFindingKey(w.id, a, b, startIndex, endIndex),
        annotators: [a, b],
      });
    }
  }
  return out;
}

/** A stored finding as clients see it: one of kind 'annotators' also names its two annotators (A, B), parsed from its key. */
export function withAnnotatorFields<F extends { kind: string; key: string }>(f: F): F & { annotators?: [string, string] } {
  const parsed = f.kind === 'annotators' ? parseAnnotatorFindingKey(f.key) : null;
  return parsed ? { ...f, annotators: parsed.annotators } : f;
}
