import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../../core/ml/backend/index.ts';
import { tf } from '../../../core/ml/backend/tf.ts';
import { crfForwardBackward, crfLogPartitionTf, crfNll, crfNllTf, crfViterbi } from '../../../core/ml/model/crf.ts';
import * as ref from './crf-reference.ts';
import { mulberry32 as rng } from '../../../core/shared/random.ts';

interface Case {
  T: number;
  K: number;
  emis: number[][];
  p: ref.CrfRefParams;
  tags: number[];
}

function randomCase(seed: number, T: number, K: number, scale = 2): Case {
  const r = rng(seed);
  const u = (): number => (r() * 2 - 1) * scale;
  return {
    T,
    K,
    emis: Array.from({ length: T }, () => Array.from({ length: K }, u)),
    p: {
      trans: Array.from({ length: K }, () => Array.from({ length: K }, u)),
      start: Array.from({ length: K }, u),
      end: Array.from({ length: K }, u),
    },
    tags: Array.from({ length: T }, () => Math.floor(r() * K)),
  };
}

function brute(c: Case): { logZ: number; unary: number[][]; pairwise: number[][]; best: number[] } {
  const paths = ref.allPaths(c.T, c.K);
  const scores = paths.map((y) => ref.pathScore(c.emis, c.p, y));
  const logZ = ref.logSumExp(scores);
  const unary = Array.from({ length: c.T }, () => new Array<number>(c.K).fill(0));
  const pairwise = Array.from({ length: c.K }, () => new Array<number>(c.K).fill(0));
  let best = 0;
  paths.forEach((y, i) => {
    const pr = Math.exp(scores[i] - logZ);
    y.forEach((k, t) => {
      unary[t][k] += pr;
      if (t > 0) pairwise[y[t - 1]][k] += pr;
    });
    if (scores[i] > scores[best]) best = i;
  });
  return { logZ, unary, pairwise, best: paths[best] };
}

const CASES: Case[] = [];
for (const K of [2, 3]) for (const T of [1, 2, 3, 5, 6]) for (let s = 0; s < 3; s++) CASES.push(randomCase(1000 * K + 10 * T + s, T, K));

const flat = (c: Case): Float32Array => Float32Array.from(c.emis.flat());
const flatP = (c: Case) => ({ trans: c.p.trans.flat(), start: c.p.start, end: c.p.end });

describe('CRF pure-JS reference vs brute-force enumeration', () => {
  it('log partition, marginals and Viterbi match enumeration of all K^T paths', () => {
    for (const c of CASES) {
      const b = brute(c);
      expect(ref.logPartition(c.emis, c.p)).toBeCloseTo(b.logZ, 10);
      const m = ref.marginals(c.emis, c.p);
      for (let t = 0; t < c.T; t++) for (let k = 0; k < c.K; k++) expect(m.unary[t][k]).toBeCloseTo(b.unary[t][k], 10);
      for (let i = 0; i < c.K; i++) for (let j = 0; j < c.K; j++) expect(m.pairwise[i][j]).toBeCloseTo(b.pairwise[i][j], 10);
      expect(ref.viterbi(c.emis, c.p)).toEqual(b.best);
      expect(ref.nll(c.emis, c.p, c.tags)).toBeCloseTo(b.logZ - ref.pathScore(c.emis, c.p, c.tags), 10);
    }
  });

  it('analytic NLL gradient matches central finite differences (float64)', () => {
    for (const c of CASES.filter((x) => x.T >= 2)) {
      const g = ref.nllGradient(c.emis, c.p, c.tags);
      const h = 1e-6;
      const fd = (mutate: (d: number) => void): number => {
        mutate(h);
        const a = ref.nll(c.emis, c.p, c.tags);
        mutate(-2 * h);
        const b = ref.nll(c.emis, c.p, c.tags);
        mutate(h);
        return (a - b) / (2 * h);
      };
      for (let t = 0; t < c.T; t++) for (let k = 0; k < c.K; k++) expect(fd((d) => (c.emis[t][k] += d))).toBeCloseTo(g.emis[t][k], 6);
      for (let i = 0; i < c.K; i++) for (let j = 0; j < c.K; j++) expect(fd((d) => (c.p.trans[i][j] += d))).toBeCloseTo(g.trans[i][j], 6);
      for (let k = 0; k < c.K; k++) {
        expect(fd((d) => (c.p.start[k] += d))).toBeCloseTo(g.start[k], 6);
        expect(fd((d) => (c.p.end[k] += d))).toBeCloseTo(g.end[k], 6);
      }
    }
  });
});

describe('CRF plain-JS batched forward-backward and Viterbi (crf.ts) vs brute force', () => {
  it('match on every small case', () => {
    for (const c of CASES) {
      const b = brute(c);
      const fb = crfForwardBackward(flat(c), 1, c.T, c.K, flatP(c));
      expect(fb.logZ[0]).toBeCloseTo(b.logZ, 5);
      for (let t = 0; t < c.T; t++) for (let k = 0; k < c.K; k++) expect(fb.unary[t * c.K + k]).toBeCloseTo(b.unary[t][k], 5);
      for (let i = 0; i < c.K; i++) for (let j = 0; j < c.K; j++) expect(fb.pairwise[i * c.K + j]).toBeCloseTo(b.pairwise[i][j], 5);
      expect(Array.from(crfViterbi(flat(c), 1, c.T, c.K, flatP(c)))).toEqual(b.best);
    }
  });

  it('handles a batch of sequences at once', () => {
    const cs = [randomCase(1, 5, 2), randomCase(2, 5, 2), randomCase(3, 5, 2)].map((c) => ({ ...c, p: randomCase(9, 5, 2).p }));
    const p = flatP(cs[0]);
    const emis = Float32Array.from(cs.flatMap((c) => c.emis.flat()));
    const fb = crfForwardBackward(emis, 3, 5, 2, p);
    const vit = crfViterbi(emis, 3, 5, 2, p);
    cs.forEach((c, b) => {
      const bf = brute(c);
      expect(fb.logZ[b]).toBeCloseTo(bf.logZ, 5);
      expect(Array.from(vit.subarray(b * 5, b * 5 + 5))).toEqual(bf.best);
    });
  });
});

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`CRF tfjs ops on ${backend}`, () => {
    const tens = (cs: Case[]) => {
      const { T, K } = cs[0];
      return {
        emis: tf.tensor3d(
          cs.flatMap((c) => c.emis.flat()),
          [cs.length, T, K],
        ),
        trans: tf.tensor2d(cs[0].p.trans.flat(), [K, K]),
        start: tf.tensor1d(cs[0].p.start),
        end: tf.tensor1d(cs[0].p.end),
        tags: tf.tensor2d(
          cs.flatMap((c) => c.tags),
          [cs.length, T],
          'int32',
        ),
      };
    };
    // sequences in one batch share the transition/start/end scores
    const batchOf = (T: number, K: number, seed: number): Case[] => {
      const shared = randomCase(seed, T, K).p;
      return [0, 1, 2].map((i) => ({ ...randomCase(seed + i + 1, T, K), p: shared }));
    };

    it('forward algorithm log Z equals brute force (T = 2..6, K = 2, 3)', async () => {
      await selectBackend(backend);
      for (const K of [2, 3]) {
        for (const T of [2, 3, 4, 6]) {
          const cs = batchOf(T, K, 100 * T + K);
          const z = tf.tidy(() => {
            const x = tens(cs);
            return crfLogPartitionTf(x.emis as tf.Tensor3D, x.trans, x.start, x.end).arraySync();
          });
          cs.forEach((c, i) => expect(z[i]).toBeCloseTo(brute(c).logZ, 4));
        }
      }
    });

    it('fused and tf-op NLL agree with brute force, and their gradients match the float64 reference', async () => {
      await selectBackend(backend);
      for (const K of [2, 3]) {
        for (const T of [2, 5]) {
          const cs = batchOf(T, K, 7 * T + K);
          const x = tens(cs);
          const tagsFlat = Int32Array.from(cs.flatMap((c) => c.tags));
          const wts = tf.tensor1d([1, 0.5, 2]);
          const fused = (e: tf.Tensor, tr: tf.Tensor, s: tf.Tensor, en: tf.Tensor) =>
            tf.sum(tf.mul(crfNll(e as tf.Tensor3D, tr as tf.Tensor2D, s as tf.Tensor1D, en as tf.Tensor1D, tagsFlat), wts));
          const viaOps = (e: tf.Tensor, tr: tf.Tensor, s: tf.Tensor, en: tf.Tensor) =>
            tf.sum(tf.mul(crfNllTf(e as tf.Tensor3D, tr as tf.Tensor2D, s as tf.Tensor1D, en as tf.Tensor1D, x.tags), wts));
          const args = [x.emis, x.trans, x.start, x.end];
          const w = [1, 0.5, 2];
          const expectedNll = cs.reduce((a, c, i) => a + w[i] * (brute(c).logZ - ref.pathScore(c.emis, c.p, c.tags)), 0);
          // expected gradients: weighted sums of the reference's per-sequence gradients
          const gRef = cs.map((c) => ref.nllGradient(c.emis, c.p, c.tags));
          const gEmis = gRef.flatMap((g, i) => g.emis.flat().map((v) => v * w[i]));
          const sumOf = (pick: (g: (typeof gRef)[number]) => number[]) => pick(gRef[0]).map((_, j) => gRef.reduce((a, g, i) => a + w[i] * pick(g)[j], 0));
          const gTrans = sumOf((g) => g.trans.flat());
          const gStart = sumOf((g) => g.start);
          const gEnd = sumOf((g) => g.end);
          for (const f of [fused, viaOps]) {
            const { value, grads } = tf.valueAndGrads(f)(args);
            expect(value.dataSync()[0]).toBeCloseTo(expectedNll, 3);
            const close = (got: tf.Tensor, want: number[]) => {
              const d = got.dataSync();
              want.forEach((v, i) => expect(d[i]).toBeCloseTo(v, 4));
            };
            close(grads[0], gEmis);
            close(grads[1], gTrans);
            close(grads[2], gStart);
            close(grads[3], gEnd);
            tf.dispose([value, ...grads]);
          }
          tf.dispose([...args, x.tags, wts]);
        }
      }
    });

    it('fused NLL gradient matches finite differences of the float64 reference', async () => {
      await selectBackend(backend);
      const c = randomCase(77, 6, 2);
      const e = tf.tensor3d(c.emis.flat(), [1, 6, 2]);
      const g = tf.grads((em: tf.Tensor, tr: tf.Tensor) => crfNll(em as tf.Tensor3D, tr as tf.Tensor2D, tf.tensor1d(c.p.start), tf.tensor1d(c.p.end), c.tags))([
        e,
        tf.tensor2d(c.p.trans.flat(), [2, 2]),
      ]);
      const ge = g[0].dataSync();
      const h = 1e-5;
      for (let t = 0; t < 6; t++) {
        for (let k = 0; k < 2; k++) {
          const plus = structuredClone(c.emis);
          const minus = structuredClone(c.emis);
          plus[t][k] += h;
          minus[t][k] -= h;
          const fd = (ref.nll(plus, c.p, c.tags) - ref.nll(minus, c.p, c.tags)) / (2 * h);
          expect(ge[t * 2 + k]).toBeCloseTo(fd, 4);
        }
      }
    });
  });
}
