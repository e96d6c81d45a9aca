/**
 * Consensus labels of several annotators on one window (issue #12, point 4): a majority vote per bar
 * between "none" and the span types. Ties go to the more confident side (the sum of the voters'
 * confidences; a "none" vote counts with confidence 1), then to the side of the most senior annotator
 * (a project's seniority list, first = most senior). The winning bars become spans with the same
 * post-processing as predictions (merge gaps ≤ mergeGap, drop runs shorter than minLength:
 * core/ml/eval/decode.ts). Node-free.
 */
import { DEFAULT_DECODE, postProcessRuns, runsOf } from '../ml/eval/decode.ts';

export interface ConsensusVoteSpan {
  start: number;
  end: number;
  type: string;
  /** In [0, 1]; default 1. */
  confidence?: number;
}

export interface ConsensusOptions {
  /** Annotators from most to least senior; those not listed rank after, in name order. */
  seniority?: readonly string[];
  minLength?: number;
  mergeGap?: number;
}

export interface ConsensusSpan {
  start: number;
  end: number;
  type: string;
  /** Mean over the span's bars of the share of annotators who voted for its type. */
  support: number;
}

const NONE = '';

/** The consensus category of every bar ('' = no span). */
export function consensusBars(
  length: number,
  byAnnotator: ReadonlyMap<string, readonly ConsensusVoteSpan[]>,
  seniority: readonly string[] = [],
): { category: string[]; share: number[] } {
  const annotators = [...byAnnotator.keys()];
  const rank = (a: string) => {
    const i = seniority.indexOf(a);
    return i >= 0 ? i : seniority.length + annotators.slice().sort().indexOf(a);
  };
  // Each annotator's vote and its confidence per bar.
  const votes = annotators.map((a) => {
    const type = new Array<string>(length).fill(NONE);
    const conf = new Array<number>(length).fill(1);
    for (const s of byAnnotator.get(a)!) {
      for (let t = Math.max(0, s.start); t <= Math.min(length - 1, s.end); t++) {
        type[t] = s.type;
        conf[t] = s.confidence ?? 1;
      }
    }
    return { annotator: a, type, conf };
  });
  const category = new Array<string>(length).fill(NONE);
  const share = new Array<number>(length).fill(0);
  for (let t = 0; t < length; t++) {
    const tally = new Map<string, { count: number; confidence: number; senior: number }>();
    for (const v of votes) {
      const k = v.type[t];
      const e = tally.get(k) ?? { count: 0, confidence: 0, senior: Infinity };
      e.count++;
      e.confidence += v.conf[t];
      e.senior = Math.min(e.senior, rank(v.annotator));
      tally.set(k, e);
    }
    let best: [string, { count: number; confidence: number; senior: number }] | null = null;
    for (const entry of tally) {
      if (!best) best = entry;
      else {
        const [, b] = best;
        const [, e] = entry;
        if (e.count > b.count || (e.count === b.count && (e.confidence > b.confidence || (e.confidence === b.confidence && e.senior < b.senior)))) best = entry;
      }
    }
    if (best) {
      category[t] = best[0];
      share[t] = votes.length ? best[1].count / votes.length : 0;
    }
  }
  return { category, share };
}

/** Consensus spans of one window. */
export function consensusSpans(length: number, byAnnotator: ReadonlyMap<string, readonly ConsensusVoteSpan[]>, opts: ConsensusOptions = {}): ConsensusSpan[] {
  const { category, share } = consensusBars(length, byAnnotator, opts.seniority);
  const minLength = opts.minLength ?? DEFAULT_DECODE.minLength;
  const mergeGap = opts.mergeGap ?? DEFAULT_DECODE.mergeGap;
  const out: ConsensusSpan[] = [];
  for (const type of new Set(category.filter((c) => c !== NONE))) {
    for (const r of postProcessRuns(runsOf(category.map((c) => (c === type ? 1 : 0))), minLength, mergeGap)) {
      let sum = 0;
      for (let t = r.start; t <= r.end; t++) sum += category[t] === type ? share[t] : 0;
      out.push({ start: r.start, end: r.end, type, support: sum / (r.end - r.start + 1) });
    }
  }
  return out.sort((a, b) => a.start - b.start);
}
