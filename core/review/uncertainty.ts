/**
 * How unsure a model is about a window, for the "label next" queue (uncertainty sampling).
 * Mean over bars of 1 − |2p − 1|: 0 when every bar is confidently in or out (p = 0 or 1),
 * 1 when every bar sits at p = 0.5. Mean rather than max, so one ambiguous edge bar does not
 * outrank a window that is ambiguous throughout.
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
