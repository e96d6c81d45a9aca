/**
 * Plain, readable float64 reference of the linear-chain CRF (one sequence at a time), used by tests
 * to check the tfjs forward algorithm and the fused implementation in crf.ts.
 *
 * Score of a tag path y (length T, K tags):
 *   start[y0] + sum_t emis[t][y_t] + sum_{t>=1} trans[y_{t-1}][y_t] + end[y_{T-1}]
 * NLL = logZ - score(gold), logZ = log sum over all K^T paths of exp(score).
 */

export interface CrfRefParams {
  /** trans[i][j]: score of moving from tag i to tag j. */
  trans: number[][];
  start: number[];
  end: number[];
}

export function logSumExp(xs: readonly number[]): number {
  let m = -Infinity;
  for (const x of xs) if (x > m) m = x;
  if (m === -Infinity) return -Infinity;
  let s = 0;
  for (const x of xs) s += Math.exp(x - m);
  return m + Math.log(s);
}

export function pathScore(emis: number[][], p: CrfRefParams, tags: readonly number[]): number {
  let s = p.start[tags[0]] + p.end[tags[tags.length - 1]];
  for (let t = 0; t < tags.length; t++) {
    s += emis[t][tags[t]];
    if (t > 0) s += p.trans[tags[t - 1]][tags[t]];
  }
  return s;
}

/** Forward algorithm; returns alpha[t][k] (log) and logZ. */
export function forward(emis: number[][], p: CrfRefParams): { alpha: number[][]; logZ: number } {
  const T = emis.length;
  const K = p.start.length;
  const alpha: number[][] = [p.start.map((s, k) => s + emis[0][k])];
  for (let t = 1; t < T; t++) {
    const row: number[] = [];
    for (let j = 0; j < K; j++) {
      row.push(emis[t][j] + logSumExp(alpha[t - 1].map((a, i) => a + p.trans[i][j])));
    }
    alpha.push(row);
  }
  const logZ = logSumExp(alpha[T - 1].map((a, k) => a + p.end[k]));
  return { alpha, logZ };
}

export function backward(emis: number[][], p: CrfRefParams): number[][] {
  const T = emis.length;
  const K = p.start.length;
  const beta: number[][] = new Array(T);
  beta[T - 1] = p.end.slice();
  for (let t = T - 2; t >= 0; t--) {
    const row: number[] = [];
    for (let i = 0; i < K; i++) {
      const terms: number[] = [];
      for (let j = 0; j < K; j++) terms.push(p.trans[i][j] + emis[t + 1][j] + beta[t + 1][j]);
      row.push(logSumExp(terms));
    }
    beta[t] = row;
  }
  return beta;
}

export function logPartition(emis: number[][], p: CrfRefParams): number {
  return forward(emis, p).logZ;
}

export function nll(emis: number[][], p: CrfRefParams, tags: readonly number[]): number {
  return logPartition(emis, p) - pathScore(emis, p, tags);
}

/** Per-position tag marginals P(y_t = k) [T][K] and expected transition counts [K][K]. */
export function marginals(emis: number[][], p: CrfRefParams): { unary: number[][]; pairwise: number[][] } {
  const T = emis.length;
  const K = p.start.length;
  const { alpha, logZ } = forward(emis, p);
  const beta = backward(emis, p);
  const unary = alpha.map((row, t) => row.map((a, k) => Math.exp(a + beta[t][k] - logZ)));
  const pairwise = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  for (let t = 1; t < T; t++) {
    for (let i = 0; i < K; i++) {
      for (let j = 0; j < K; j++) {
        pairwise[i][j] += Math.exp(alpha[t - 1][i] + p.trans[i][j] + emis[t][j] + beta[t][j] - logZ);
      }
    }
  }
  return { unary, pairwise };
}

/** Analytic gradient of the NLL: expected minus observed feature counts. */
export function nllGradient(
  emis: number[][],
  p: CrfRefParams,
  tags: readonly number[],
): { emis: number[][]; trans: number[][]; start: number[]; end: number[] } {
  const T = emis.length;
  const { unary, pairwise } = marginals(emis, p);
  const gEmis = unary.map((row) => row.slice());
  const gTrans = pairwise.map((row) => row.slice());
  const gStart = unary[0].slice();
  const gEnd = unary[T - 1].slice();
  for (let t = 0; t < T; t++) {
    gEmis[t][tags[t]] -= 1;
    if (t > 0) gTrans[tags[t - 1]][tags[t]] -= 1;
  }
  gStart[tags[0]] -= 1;
  gEnd[tags[T - 1]] -= 1;
  return { emis: gEmis, trans: gTrans, start: gStart, end: gEnd };
}

/** Highest-scoring tag path (ties: lowest tag index wins). */
export function viterbi(emis: number[][], p: CrfRefParams): number[] {
  const T = emis.length;
  const K = p.start.length;
  let delta = p.start.map((s, k) => s + emis[0][k]);
  const back: number[][] = [];
  for (let t = 1; t < T; t++) {
    const next: number[] = [];
    const ptr: number[] = [];
    for (let j = 0; j < K; j++) {
      let best = -Infinity;
      let arg = 0;
      for (let i = 0; i < K; i++) {
        const v = delta[i] + p.trans[i][j];
        if (v > best) {
          best = v;
          arg = i;
        }
      }
      next.push(best + emis[t][j]);
      ptr.push(arg);
    }
    back.push(ptr);
    delta = next;
  }
  let last = 0;
  for (let k = 1; k < K; k++) if (delta[k] + p.end[k] > delta[last] + p.end[last]) last = k;
  const path = new Array<number>(T);
  path[T - 1] = last;
  for (let t = T - 1; t > 0; t--) path[t - 1] = back[t - 1][path[t]];
  return path;
}

/** Every tag path of length T over K tags (K^T of them) — for brute-force checks on tiny cases. */
export function allPaths(T: number, K: number): number[][] {
  const out: number[][] = [];
  const cur = new Array<number>(T).fill(0);
  const rec = (t: number): void => {
    if (t === T) {
      out.push(cur.slice());
      return;
    }
    for (let k = 0; k < K; k++) {
      cur[t] = k;
      rec(t + 1);
    }
  };
  rec(0);
  return out;
}
