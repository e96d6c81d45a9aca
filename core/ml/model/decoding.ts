/**
 * Raw head outputs → WindowPrediction (plain JS on the downloaded arrays): sigmoid span
 * probabilities (soft) or CRF marginals + Viterbi path (crf), softmaxed start/end pointers,
 * countdown back from log1p, per-bar type logits and pool scores for per-span types.
 * (Span decoding — thresholds, min length, merge gap — is the evaluator's: eval/decode.ts.)
 */
import { CRF_NUM_TAGS, crfForwardBackward, crfPathLogProb, crfViterbi, type CrfArrays } from './crf.ts';
import { COL_COUNTDOWN, COL_POOL, COL_SPAN, COL_START } from './heads.ts';
import type { HeadKind, WindowPrediction } from './types.ts';

export interface RawOutputs {
  /** [B·T·P] per-bar head output. */
  out: Float32Array;
  P: number;
  /** [B·C] type probabilities (already softmaxed). */
  typeProb: Float32Array;
  /** [B·T·C] per-bar type logits. */
  barTypeLogits: Float32Array;
}

export function decodeOutputs(raw: RawOutputs, B: number, T: number, C: number, head: HeadKind, crf: CrfArrays | null): WindowPrediction[] {
  const { out, P } = raw;
  let marg: Float64Array | null = null;
  let path: Int32Array | null = null;
  // log P(Viterbi path) = path score − log Z: the review queue's CRF measure (review/uncertainty.ts).
  let pathLogP: Float64Array | null = null;
  if (head === 'crf') {
    if (!crf) throw new Error('decodeOutputs: the crf head needs its CRF scores');
    const K = CRF_NUM_TAGS;
    const emis = new Float32Array(B * T * K);
    for (let i = 0; i < B * T; i++) for (let kk = 0; kk < K; kk++) emis[i * K + kk] = out[i * P + COL_SPAN + kk];
    const fb = crfForwardBackward(emis, B, T, K, crf);
    marg = fb.unary;
    path = crfViterbi(emis, B, T, K, crf);
    pathLogP = crfPathLogProb(emis, B, T, K, crf, path, fb.logZ);
  }
  const preds: WindowPrediction[] = [];
  for (let b = 0; b < B; b++) {
    const spanProb = new Float32Array(T);
    const startProb = new Float32Array(T);
    const endProb = new Float32Array(T);
    const countdown = new Float32Array(T);
    const poolScore = new Float32Array(T);
    const row = (t: number): number => (b * T + t) * P;
    for (let t = 0; t < T; t++) {
      startProb[t] = out[row(t) + COL_START];
      endProb[t] = out[row(t) + COL_START + 1];
      countdown[t] = Math.max(0, Math.expm1(out[row(t) + COL_COUNTDOWN]));
      poolScore[t] = out[row(t) + COL_POOL];
      spanProb[t] = marg ? 1 - marg[(b * T + t) * CRF_NUM_TAGS] : 1 / (1 + Math.exp(-out[row(t) + COL_SPAN]));
    }
    let viterbi: Uint8Array | null = null;
    if (path) {
      viterbi = new Uint8Array(T);
      for (let t = 0; t < T; t++) viterbi[t] = path[b * T + t] === 0 ? 0 : 1;
    }
    softmaxInPlace(startProb);
    softmaxInPlace(endProb);
    preds.push({
      spanProb,
      viterbi,
      startProb,
      endProb,
      typeProb: raw.typeProb.slice(b * C, (b + 1) * C),
      countdown,
      barTypeLogits: raw.barTypeLogits.slice(b * T * C, (b + 1) * T * C),
      poolScore,
      ...(pathLogP ? { pathLogProb: pathLogP[b] } : {}),
    });
  }
  return preds;
}

export function softmaxInPlace(a: Float32Array): void {
  let m = -Infinity;
  for (const v of a) if (v > m) m = v;
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    a[i] = Math.exp(a[i] - m);
    s += a[i];
  }
  for (let i = 0; i < a.length; i++) a[i] /= s;
}
