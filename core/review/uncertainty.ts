/**
 * How unsure a model is about a window, for the "label next" queue (uncertainty sampling).
 *
 * `spanUncertainty` (issue #12) scores spans, not bars. The old per-bar mean of 1 − |2p − 1|
 * (`windowUncertainty`, kept for comparison) ranked backwards: a window at p = 0.06 everywhere (the
 * model is sure there is no span) scored 0.120, a soft head reproducing three spans exactly (its
 * ramped edges are 0.25/0.5/0.75 by design) 0.094, and a genuine 50/50 six-bar candidate 0.056.
 *
 * Here a window is as uncertain as its most uncertain *candidate span*: a maximal run of bars whose
 * probability reaches half the decision threshold τ. A candidate's evidence is the mean of its upper
 * half of bars (so ramped edges, which every confident span has, do not count against it), and its
 * uncertainty is how close that evidence sits to τ: 1 at τ, 0 at p = 0 or p = 1 (scaled separately
 * below and above τ, so an asymmetric threshold is handled). Bars outside every candidate add the
 * same measure of their highest probability (always < 0.5: they are below τ/2), so a window with no
 * candidate at all still ranks by how close it comes to one. The three windows above score 1.0
 * (50/50 candidate), 0.12 (p = 0.06 everywhere) and 0.0 (exact reproduction): the right order.
 *
 * CRF runs: the probabilities are the forward-backward marginals P(bar in span), i.e. posteriors, so
 * the same measure applies with τ = 0.5 (Viterbi decides, not a threshold). 1 − P(Viterbi path)
 * would need the unary and transition potentials at prediction time, which predictions do not store.
 */
export function windowUncertainty(probs: ArrayLike<number>): number {
  if (probs.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < probs.length; i++) {
    const p = Math.min(1, Math.max(0, probs[i]));
    sum += 1 - Math.abs(2 * p - 1);
  }
  return sum / probs.length;
}

/** A candidate span and how unsure the model is about it. */
export interface CandidateSpan {
  /** Bar indices inside the window, inclusive. */
  start: number;
  end: number;
  /** Mean probability of the candidate's upper half of bars. */
  evidence: number;
  /** 1 − distance of the evidence from the threshold (scaled to [0, 1]). */
  uncertainty: number;
}

/** 1 at the threshold, falling linearly to 0 at p = 0 and at p = 1. */
export function closenessToThreshold(p: number, threshold: number): number {
  const t = Math.min(1 - 1e-9, Math.max(1e-9, threshold));
  const q = Math.min(1, Math.max(0, p));
  return q >= t ? 1 - (q - t) / (1 - t) : 1 - (t - q) / t;
}

/** Candidate spans of a window: maximal runs with p ≥ τ/2, with their evidence and uncertainty. */
export function candidateSpans(probs: ArrayLike<number>, threshold: number): CandidateSpan[] {
  const floor = threshold / 2;
  const out: CandidateSpan[] = [];
  let i = 0;
  while (i < probs.length) {
    if (!(probs[i] >= floor)) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < probs.length && probs[j + 1] >= floor) j++;
    const values = Array.from({ length: j - i + 1 }, (_, k) => probs[i + k]).sort((a, b) => b - a);
    const top = values.slice(0, Math.ceil(values.length / 2));
    const evidence = top.reduce((s, v) => s + v, 0) / top.length;
    out.push({ start: i, end: j, evidence, uncertainty: closenessToThreshold(evidence, threshold) });
    i = j + 1;
  }
  return out;
}

export interface SpanUncertaintyInput {
  /** Per-bar span probability (soft head) or forward-backward marginal (CRF). */
  probs: ArrayLike<number>;
  head: 'soft' | 'crf';
  /** The run's decision threshold (soft head); ignored for the CRF (its marginals are posteriors: 0.5). */
  threshold: number;
}

/** Span-level uncertainty of a window in [0, 1] (1 = least sure); see the file comment. */
export function spanUncertainty(input: SpanUncertaintyInput): number {
  const { probs } = input;
  if (probs.length === 0) return 0;
  const threshold = input.head === 'crf' ? 0.5 : input.threshold;
  const candidates = candidateSpans(probs, threshold);
  let best = 0;
  for (const c of candidates) best = Math.max(best, c.uncertainty);
  // Bars outside every candidate: how close the strongest of them comes to being one.
  const outside = strongestOutside(probs, candidates);
  if (outside >= 0) best = Math.max(best, closenessToThreshold(outside, threshold));
  return best;
}

/** The highest probability of the bars outside every candidate (−1 when every bar is in one). */
function strongestOutside(probs: ArrayLike<number>, candidates: readonly CandidateSpan[]): number {
  let outside = -1;
  let ci = 0;
  for (let i = 0; i < probs.length; i++) {
    while (ci < candidates.length && candidates[ci].end < i) ci++;
    if (ci < candidates.length && candidates[ci].start <= i) continue;
    outside = Math.max(outside, probs[i]);
  }
  return outside;
}

/**
 * How many of a window's span decisions are in doubt, as a score in [0, 1) (1 = least sure):
 * every candidate span's uncertainty (as in spanUncertainty) added up, plus the outside bars' term
 * (the missed-span risk: how close the strongest bar outside every candidate comes to τ); the total
 * D is read as an expected number of wrong decisions and reported as 1 − e^(−D), the chance of at
 * least one if they were independent (same order as D, but fits the 0..1 scale the review pane draws).
 *
 * Why the sum and not spanUncertainty's max (docs/BENCHMARKS.md "labelling loop", second pass):
 * windows with spans are the rarer and more informative ones, and a window with two or three doubtful
 * candidates holds more of the model's errors than one with a single one. On btcusd_1h labelled by
 * the demo's rule (bench/active-learning-diag.ts) the 16 windows the sum picks held 1.06–1.56 span
 * errors each against 0.69–1.50 for the max, and rank-correlated better with the errors. The issue's
 * three windows keep their order: 0.65 (50/50 candidate), 0.11 (p = 0.06 everywhere), 0 (exact
 * reproduction).
 */
export function spanDoubt(input: SpanUncertaintyInput): number {
  const { probs } = input;
  if (probs.length === 0) return 0;
  const threshold = input.head === 'crf' ? 0.5 : input.threshold;
  const candidates = candidateSpans(probs, threshold);
  let total = 0;
  for (const c of candidates) total += c.uncertainty;
  const outside = strongestOutside(probs, candidates);
  if (outside >= 0) total += closenessToThreshold(outside, threshold);
  return 1 - Math.exp(-total);
}

/**
 * Ensemble disagreement for a window: the mean over bars of the spread (max − min) of the members'
 * probabilities. For runs whose members' predictions are kept separately; stored predictions hold the
 * ensemble mean only, so the review queue does not use it yet.
 */
export function memberDisagreement(members: ReadonlyArray<ArrayLike<number>>): number {
  if (members.length < 2 || members[0].length === 0) return 0;
  let sum = 0;
  const T = members[0].length;
  for (let t = 0; t < T; t++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const m of members) {
      lo = Math.min(lo, m[t]);
      hi = Math.max(hi, m[t]);
    }
    sum += hi - lo;
  }
  return sum / T;
}

/**
 * The CRF's doubt about the whole tagging it shows: 1 − P(Viterbi path | window)^(1/T), from
 * log P(path) (core/ml/model/crf.ts, crfPathLogProb; kept with the predictions). For the windows of
 * one set (one length T) this ranks exactly as 1 − P(path) does, but does not round to 1 for every
 * window whose P(path) is below 1e-16 (an early model's 128-bar paths), and reads as a per-bar
 * figure in [0, 1].
 */
export function pathUncertainty(pathLogProb: number, T: number): number {
  if (T <= 0) return 0;
  return 1 - Math.exp(Math.min(0, pathLogProb) / T);
}

/** What the app's queue scores a window by: the stored probabilities plus the measures kept at prediction time. */
export interface QueueScoreInput extends SpanUncertaintyInput {
  /** Ensembles of ≥ 2: the members' disagreement (memberDisagreement); null/absent otherwise. */
  memberSpread?: number | null;
}

/**
 * The score the "label next" queue ranks a window by (1 = least sure), chosen by what the bench
 * measured (bench/active-learning.ts, docs/BENCHMARKS.md "labelling loop"):
 *  - Ensembles (≥ 2 members): how much the members disagree (memberDisagreement).
 *  - Single soft models: spanDoubt (the doubtful candidate spans added up, plus the missed-span
 *    risk), which found more of the model's errors than spanUncertainty's max on a real series
 *    (second pass of the bench).
 *  - Single CRF models (and predictions stored before the measures were kept, which are ranked like
 *    their head): spanUncertainty of the stored probabilities (the forward-backward marginals). The CRF's
 *    1 − P(Viterbi path) (pathUncertainty) needed more labels than this in the bench and is not
 *    used for ranking; it is kept with the predictions (the bench's 'path' order reads it, and a later
 *    rule can use it without predicting again).
 * Scores are compared only within one run, so the rules need not share a scale.
 */
export function windowQueueScore(input: QueueScoreInput): number {
  if (typeof input.memberSpread === 'number') return input.memberSpread;
  return input.head === 'soft' ? spanDoubt(input) : spanUncertainty(input);
}
