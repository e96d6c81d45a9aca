/**
 * Agreement between annotators (issue #12, point 4): span-level F1 at IoU ≥ 0.5 (the evaluation
 * report's one-to-one greedy matching, core/ml/eval/metrics.ts), bar-level Cohen's kappa per pair,
 * and Krippendorff's alpha (nominal) over all annotators. Small pure functions, each checked against
 * hand-computed values in test/review/agreement.test.ts. Node-free.
 */
import { spanPRF } from '../ml/eval/metrics.ts';
import { consensusBars, consensusSpans } from './consensus.ts';

/** A span inside a window, bar indices relative to the window, inclusive. */
export interface AgreementSpan {
  start: number;
  end: number;
  type: string;
}

/** The category of each bar of a window: the type of the span covering it, or 'none'. Later spans win overlaps. */
export function barCategories(length: number, spans: readonly AgreementSpan[]): string[] {
  const out = new Array<string>(length).fill('none');
  for (const s of spans) for (let i = Math.max(0, s.start); i <= Math.min(length - 1, s.end); i++) out[i] = s.type;
  return out;
}

/**
 * Cohen's kappa of two raters over the same items: (pₒ − pₑ) / (1 − pₑ), pₒ the observed agreement,
 * pₑ the agreement expected from each rater's own category frequencies. When both raters use one and
 * the same category throughout (pₑ = 1) the agreement is perfect and kappa is 1.
 */
export function cohensKappa(a: readonly string[], b: readonly string[]): number {
  if (a.length !== b.length) throw new RangeError(`cohensKappa: ${a.length} vs ${b.length} items`);
  const n = a.length;
  if (n === 0) return NaN;
  let same = 0;
  const fa = new Map<string, number>();
  const fb = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    if (a[i] === b[i]) same++;
    fa.set(a[i], (fa.get(a[i]) ?? 0) + 1);
    fb.set(b[i], (fb.get(b[i]) ?? 0) + 1);
  }
  const po = same / n;
  let pe = 0;
  for (const [k, v] of fa) pe += (v / n) * ((fb.get(k) ?? 0) / n);
  if (pe >= 1) return po === 1 ? 1 : 0;
  return (po - pe) / (1 - pe);
}

/**
 * Krippendorff's alpha for nominal data. `units[u][c]` is coder c's value for unit u, or null when
 * that coder did not code it; units with fewer than two values are not pairable and are skipped.
 * alpha = 1 − Dₒ/Dₑ from the coincidence matrix (Krippendorff 2011, "Computing Krippendorff's
 * alpha-reliability"). 1 when every pairable value is the same category (no variation to disagree on).
 */
export function krippendorffAlphaNominal(units: ReadonlyArray<ReadonlyArray<string | null>>): number {
  const o = new Map<string, Map<string, number>>();
  const add = (c: string, k: string, w: number) => {
    let row = o.get(c);
    if (!row) o.set(c, (row = new Map()));
    row.set(k, (row.get(k) ?? 0) + w);
  };
  for (const unit of units) {
    const values = unit.filter((v): v is string => v !== null);
    const m = values.length;
    if (m < 2) continue;
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) if (i !== j) add(values[i], values[j], 1 / (m - 1));
  }
  const nc = new Map<string, number>();
  let n = 0;
  for (const [c, row] of o) {
    const s = [...row.values()].reduce((a, b) => a + b, 0);
    nc.set(c, s);
    n += s;
  }
  if (n === 0) return NaN;
  let observed = 0;
  for (const [c, row] of o) for (const [k, v] of row) if (c !== k) observed += v;
  let expected = 0;
  for (const [c, a] of nc) for (const [k, b] of nc) if (c !== k) expected += a * b;
  if (expected === 0) return 1;
  return 1 - ((n - 1) * observed) / expected;
}

/** Span F1 between two annotators over windows both labelled (IoU ≥ minIou, types ignored as in the report's span F1). */
export function spanAgreementF1(a: readonly AgreementSpan[][], b: readonly AgreementSpan[][], minIou = 0.5): number {
  return spanPRF(a, b, minIou).f1;
}

export interface AnnotatedWindow {
  windowId: number;
  length: number;
  /** Each annotator's spans in this window (only annotators who labelled it). */
  byAnnotator: Map<string, AgreementSpan[]>;
}

export interface PairAgreement {
  a: string;
  b: string;
  /** Windows both labelled. */
  windows: number;
  /** Span F1 at IoU ≥ 0.5 (a's spans vs b's; symmetric). NaN when they share no window. */
  spanF1: number;
  /** Bar-level Cohen's kappa over the bars of those windows (categories: span type or 'none'). */
  kappa: number;
}

export interface WindowDisagreement {
  windowId: number;
  annotators: string[];
  /** Bars on which not every annotator of the window gives the same category. */
  bars: number;
}

/** One annotator against the consensus of the windows they share with others (core/review/consensus.ts). */
export interface ConsensusAgreement {
  annotator: string;
  windows: number;
  /** Span F1 of the annotator's spans against the consensus spans (IoU ≥ minIou). */
  spanF1: number;
  /** Bar-level kappa against the consensus category of each bar. */
  kappa: number;
}

export interface AgreementResult {
  annotators: string[];
  pairs: PairAgreement[];
  /** Per annotator, agreement with the consensus (majority per bar) on windows labelled by two or more. */
  vsConsensus: ConsensusAgreement[];
  /** Krippendorff's alpha (nominal) over the bars of windows labelled by two or more annotators. */
  alpha: number;
  /** Windows labelled by two or more annotators that are not in full agreement, most bars first. */
  disagreements: WindowDisagreement[];
}

/** Every pair's span F1 and kappa, alpha over all annotators, and the windows they disagree on. */
export function computeAgreement(windows: readonly AnnotatedWindow[], minIou = 0.5, seniority: readonly string[] = []): AgreementResult {
  const annotators = [...new Set(windows.flatMap((w) => [...w.byAnnotator.keys()]))].sort();
  const pairs: PairAgreement[] = [];
  for (let i = 0; i < annotators.length; i++) {
    for (let j = i + 1; j < annotators.length; j++) {
      const [a, b] = [annotators[i], annotators[j]];
      const shared = windows.filter((w) => w.byAnnotator.has(a) && w.byAnnotator.has(b));
      const barsA: string[] = [];
      const barsB: string[] = [];
      for (const w of shared) {
        barsA.push(...barCategories(w.length, w.byAnnotator.get(a)!));
        barsB.push(...barCategories(w.length, w.byAnnotator.get(b)!));
      }
      pairs.push({
        a,
        b,
        windows: shared.length,
        spanF1: shared.length
          ? spanAgreementF1(
              shared.map((w) => w.byAnnotator.get(a)!),
              shared.map((w) => w.byAnnotator.get(b)!),
              minIou,
            )
          : NaN,
        kappa: shared.length ? cohensKappa(barsA, barsB) : NaN,
      });
    }
  }
  const units: Array<Array<string | null>> = [];
  const disagreements: WindowDisagreement[] = [];
  for (const w of windows) {
    if (w.byAnnotator.size < 2) continue;
    const who = [...w.byAnnotator.keys()].sort();
    const cats = who.map((x) => barCategories(w.length, w.byAnnotator.get(x)!));
    let differing = 0;
    for (let t = 0; t < w.length; t++) {
      const unit = annotators.map((x) => {
        const k = who.indexOf(x);
        return k < 0 ? null : cats[k][t];
      });
      units.push(unit);
      if (cats.some((c) => c[t] !== cats[0][t])) differing++;
    }
    if (differing > 0) disagreements.push({ windowId: w.windowId, annotators: who, bars: differing });
  }
  disagreements.sort((x, y) => y.bars - x.bars || x.windowId - y.windowId);
  // Consensus of each shared window (spans with the predictions' post-processing), then each annotator against it.
  const shared = windows.filter((w) => w.byAnnotator.size >= 2);
  const consensus = new Map(
    shared.map((w) => [
      w.windowId,
      {
        bars: consensusBars(w.length, w.byAnnotator, seniority).category.map((c) => c || 'none'),
        spans: consensusSpans(w.length, w.byAnnotator, { seniority }),
      },
    ]),
  );
  const vsConsensus: ConsensusAgreement[] = annotators.map((a) => {
    const mine = shared.filter((w) => w.byAnnotator.has(a));
    const own: string[] = [];
    const cons: string[] = [];
    for (const w of mine) {
      own.push(...barCategories(w.length, w.byAnnotator.get(a)!));
      cons.push(...consensus.get(w.windowId)!.bars);
    }
    return {
      annotator: a,
      windows: mine.length,
      spanF1: mine.length
        ? spanAgreementF1(
            mine.map((w) => w.byAnnotator.get(a)!),
            mine.map((w) => consensus.get(w.windowId)!.spans),
            minIou,
          )
        : NaN,
      kappa: mine.length ? cohensKappa(own, cons) : NaN,
    };
  });
  return { annotators, pairs, vsConsensus, alpha: units.length ? krippendorffAlphaNominal(units) : NaN, disagreements };
}
