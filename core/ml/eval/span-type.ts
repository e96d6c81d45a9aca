/**
 * The type of one predicted span: the type head's attention pooling restricted to the span's bars.
 * The head pools the encoding with softmax(poolScore) over the whole window and applies a linear
 * layer; pooling is linear, so pooling the per-bar type logits with the pool scores renormalised
 * over the span gives exactly the head's output for that span alone. Before, every span of a
 * window got the window's one argmax type (an up move and a down move in one window were both "up").
 */
import type { SimpleSpan } from './decode.ts';

export interface TypedPrediction {
  typeProb: ArrayLike<number>;
  barTypeLogits?: ArrayLike<number>;
  poolScore?: ArrayLike<number>;
}

/** Softmax probabilities over types for one span, and the argmax index. Falls back to the window's type. */
export function spanTypeProbs(pred: TypedPrediction, span: SimpleSpan): { index: number; probs: Float64Array } {
  const C = pred.typeProb.length;
  const probs = new Float64Array(C);
  if (pred.barTypeLogits && pred.poolScore && pred.barTypeLogits.length === pred.poolScore.length * C) {
    let m = -Infinity;
    for (let t = span.start; t <= span.end; t++) m = Math.max(m, pred.poolScore[t]);
    const logits = new Float64Array(C);
    let z = 0;
    for (let t = span.start; t <= span.end; t++) {
      const a = Math.exp(pred.poolScore[t] - m);
      z += a;
      for (let c = 0; c < C; c++) logits[c] += a * pred.barTypeLogits[t * C + c];
    }
    let lm = -Infinity;
    for (let c = 0; c < C; c++) lm = Math.max(lm, (logits[c] /= z));
    let s = 0;
    for (let c = 0; c < C; c++) s += probs[c] = Math.exp(logits[c] - lm);
    for (let c = 0; c < C; c++) probs[c] /= s;
  } else {
    for (let c = 0; c < C; c++) probs[c] = pred.typeProb[c];
  }
  let index = 0;
  for (let c = 1; c < C; c++) if (probs[c] > probs[index]) index = c;
  return { index, probs };
}
