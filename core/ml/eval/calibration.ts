/**
 * Calibration of the per-bar span probability against the labelled (0/1) bars: a reliability
 * diagram (equal-width bins: mean predicted probability vs. observed in-span fraction), the expected
 * calibration error ECE = Σ_b (n_b / N) |observed_b − predicted_b|, and the Brier score
 * mean (p − y)². Plus post-hoc temperature scaling p' = σ(logit(p) / τ), with τ fitted by minimum
 * bar log-loss on one set (validation) and judged on another (the test block): out of sample.
 *
 * The soft head is trained toward an edge-ramped target (edge bars 0.25, 0.5, …), so even a perfect
 * soft model is not calibrated against the 0/1 labels at span edges; the figures say how far its
 * probabilities can be read as frequencies, not how good its spans are.
 */

export interface ReliabilityBin {
  lo: number;
  hi: number;
  /** Bars whose probability falls in [lo, hi) (the last bin includes 1). */
  count: number;
  meanPredicted: number;
  /** Fraction of those bars inside a labelled span. */
  observed: number;
}

export interface Reliability {
  bins: ReliabilityBin[];
  ece: number;
  brier: number;
  bars: number;
}

export function reliability(probs: readonly ArrayLike<number>[], truth: readonly ArrayLike<number>[], nBins = 10): Reliability {
  const sumP = new Float64Array(nBins);
  const sumY = new Float64Array(nBins);
  const cnt = new Float64Array(nBins);
  let brier = 0;
  let n = 0;
  probs.forEach((p, w) => {
    const y = truth[w];
    for (let i = 0; i < p.length; i++) {
      const v = Math.min(1, Math.max(0, p[i]));
      const t = y[i] > 0.5 ? 1 : 0;
      const b = Math.min(nBins - 1, Math.floor(v * nBins));
      sumP[b] += v;
      sumY[b] += t;
      cnt[b]++;
      brier += (v - t) * (v - t);
      n++;
    }
  });
  const bins: ReliabilityBin[] = [];
  let ece = 0;
  for (let b = 0; b < nBins; b++) {
    const c = cnt[b];
    const mp = c > 0 ? sumP[b] / c : NaN;
    const ob = c > 0 ? sumY[b] / c : NaN;
    bins.push({ lo: b / nBins, hi: (b + 1) / nBins, count: c, meanPredicted: mp, observed: ob });
    if (c > 0) ece += (c / n) * Math.abs(ob - mp);
  }
  return { bins, ece: n > 0 ? ece : NaN, brier: n > 0 ? brier / n : NaN, bars: n };
}

const EPS = 1e-6;
const logit = (p: number) => {
  const q = Math.min(1 - EPS, Math.max(EPS, p));
  return Math.log(q / (1 - q));
};
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

export function applyTemperature(probs: readonly ArrayLike<number>[], tau: number): Float32Array[] {
  return probs.map((p) => Float32Array.from(p, (v) => sigmoid(logit(v) / tau)));
}

/** Mean bar log-loss of σ(logit(p)/τ) against 0/1 labels. */
export function temperatureLogLoss(probs: readonly ArrayLike<number>[], truth: readonly ArrayLike<number>[], tau: number): number {
  let s = 0;
  let n = 0;
  probs.forEach((p, w) => {
    for (let i = 0; i < p.length; i++) {
      const q = Math.min(1 - EPS, Math.max(EPS, sigmoid(logit(p[i]) / tau)));
      s -= truth[w][i] > 0.5 ? Math.log(q) : Math.log(1 - q);
      n++;
    }
  });
  return n > 0 ? s / n : NaN;
}

/**
 * τ minimising the log-loss, by golden-section search on log τ ∈ [log 0.05, log 20] (the loss is
 * unimodal in τ for a fixed set of logits). Returns 1 for an empty set.
 */
export function fitTemperature(probs: readonly ArrayLike<number>[], truth: readonly ArrayLike<number>[]): number {
  if (probs.reduce((s, p) => s + p.length, 0) === 0) return 1;
  const f = (lt: number) => temperatureLogLoss(probs, truth, Math.exp(lt));
  let a = Math.log(0.05);
  let b = Math.log(20);
  const g = (Math.sqrt(5) - 1) / 2;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = f(c);
  let fd = f(d);
  for (let i = 0; i < 60; i++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = f(d);
    }
  }
  return Math.exp((a + b) / 2);
}

export interface TemperatureReport {
  /** Fitted on validation predictions; judged on `judgedOn` (the test block when there is one). */
  fittedOn: 'validation';
  judgedOn: 'test' | 'validation';
  /** Note when judged on the same set it was fitted on (no test block): in-sample, flatters. */
  inSample: boolean;
  tau: number;
  before: { ece: number; brier: number; logLoss: number };
  after: { ece: number; brier: number; logLoss: number };
  /** Reliability diagram after scaling, on the judged set. */
  reliabilityAfter: Reliability;
}

export function temperatureReport(
  val: { probs: ArrayLike<number>[]; truth: ArrayLike<number>[] },
  test: { probs: ArrayLike<number>[]; truth: ArrayLike<number>[] } | null,
): TemperatureReport {
  const tau = fitTemperature(val.probs, val.truth);
  const judged = test && test.probs.length > 0 ? test : val;
  const before = reliability(judged.probs, judged.truth);
  const scaled = applyTemperature(judged.probs, tau);
  const after = reliability(scaled, judged.truth);
  return {
    fittedOn: 'validation',
    judgedOn: judged === val ? 'validation' : 'test',
    inSample: judged === val,
    tau,
    before: { ece: before.ece, brier: before.brier, logLoss: temperatureLogLoss(judged.probs, judged.truth, 1) },
    after: { ece: after.ece, brier: after.brier, logLoss: temperatureLogLoss(judged.probs, judged.truth, tau) },
    reliabilityAfter: after,
  };
}
