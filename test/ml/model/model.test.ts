import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../../core/ml/backend/index.ts';
import { tf } from '../../../core/ml/backend/tf.ts';
import {
  countParams,
  createSpanModel,
  deserializeWeights,
  disposeBatch,
  importSpanModel,
  makeBatch,
  serializeWeights,
  TASKS,
} from '../../../core/ml/model/index.ts';
import type { BatchTargets, EncoderKind, HeadKind, ModelSpec, SpanModel } from '../../../core/ml/model/index.ts';

const T = 32;
const F = 6;
const B = 4;
const spec = (head: HeadKind, encoder: EncoderKind, seed = 3): ModelSpec => ({
  head,
  encoder,
  featureCount: F,
  windowLength: T,
  typeCount: 3,
  hidden: 8,
  seed,
});
const VARIANTS: Array<[HeadKind, EncoderKind]> = [
  ['soft', 'conv'],
  ['crf', 'conv'],
  ['soft', 'conv-attn'],
  ['crf', 'conv-attn'],
];

const X = Float32Array.from({ length: B * T * F }, (_, i) => Math.sin(i * 0.37) + 0.3 * Math.cos(i * 1.3));

function targets(spans: Array<[number, number, number] | null>, weights = [1, 0.5, 0.8, 1]): BatchTargets[] {
  return spans.map((s, b) => {
    const mask = new Float32Array(T);
    const soft = new Float32Array(T);
    const cd = new Float32Array(T);
    if (s) {
      const [st, en] = s;
      for (let t = st; t <= en; t++) {
        mask[t] = 1;
        soft[t] = Math.min(1, (Math.min(t - st, en - t) + 1) / 4);
        cd[t] = en - t;
      }
    }
    return {
      hasSpan: !!s,
      start: s ? s[0] : -1,
      end: s ? s[1] : -1,
      typeIndex: s ? s[2] : -1,
      mask,
      softMask: soft,
      countdown: cd,
      weight: weights[b],
    };
  });
}
const TG = targets([[3, 12, 0], null, [20, 31, 2], [0, 5, 1]]);

function weightsOf(m: SpanModel): Float32Array[] {
  return m.trainableVariables().map((v) => Float32Array.from(v.dataSync()));
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`span model on ${backend}`, () => {
    for (const [head, encoder] of VARIANTS) {
      it(`${head}+${encoder}: one Adam step changes every variable; losses finite and on a per-bar scale`, async () => {
        await selectBackend(backend);
        const before = tf.memory().numTensors;
        const sp = spec(head, encoder);
        const m = createSpanModel(sp);
        const batch = makeBatch(X, TG, sp);
        const w0 = weightsOf(m);
        const names = m.exportWeights().tensors.map((t) => t.name);
        const per = tf.tidy(() => {
          const r = m.loss(batch, true);
          return Object.fromEntries(TASKS.map((t) => [t, r.perTask[t].dataSync()[0]])) as Record<string, number>;
        });
        for (const t of TASKS) {
          expect(Number.isFinite(per[t])).toBe(true);
          expect(per[t]).toBeGreaterThanOrEqual(0);
        }
        // span loss per bar: ~log 2 at init for both heads (soft BCE and CRF NLL / T share a scale)
        expect(per.span).toBeGreaterThan(0.2);
        expect(per.span).toBeLessThan(2);
        const opt = tf.train.adam(0.01);
        const cost = opt.minimize(() => m.loss(batch, true).total, true, m.trainableVariables());
        expect(Number.isFinite(cost?.dataSync()[0] ?? NaN)).toBe(true);
        cost?.dispose();
        const w1 = weightsOf(m);
        w0.forEach((w, i) => {
          const changed = w.some((v, j) => v !== w1[i][j]);
          expect(changed, `variable ${names[i]} did not change`).toBe(true);
          expect(w1[i].every(Number.isFinite)).toBe(true);
        });
        opt.dispose();
        disposeBatch(batch);
        m.dispose();
        expect(tf.memory().numTensors).toBe(before);
      });
    }

    it('a batch without spans has no pointer, type or countdown loss', async () => {
      await selectBackend(backend);
      const sp = spec('soft', 'conv');
      const m = createSpanModel(sp);
      const batch = makeBatch(X, targets([null, null, null, null]), sp);
      tf.tidy(() => {
        const r = m.loss(batch, true);
        expect(r.perTask.pointer.dataSync()[0]).toBe(0);
        expect(r.perTask.type.dataSync()[0]).toBe(0);
        expect(r.perTask.countdown.dataSync()[0]).toBe(0);
        expect(r.perTask.span.dataSync()[0]).toBeGreaterThan(0);
      });
      disposeBatch(batch);
      m.dispose();
    });
  });
}

describe('span model: determinism, export/import, prediction', () => {
  it('same seed → same initial weights and the same loss; another seed differs', async () => {
    await selectBackend('wasm');
    for (const [head, encoder] of VARIANTS) {
      const sp = spec(head, encoder, 11);
      const a = createSpanModel(sp);
      const b = createSpanModel(sp);
      const c = createSpanModel({ ...sp, seed: 12 });
      expect(weightsOf(a)).toEqual(weightsOf(b));
      expect(weightsOf(a)).not.toEqual(weightsOf(c));
      const batch = makeBatch(X, TG, sp);
      const la = tf.tidy(() => a.loss(batch, true).total.dataSync()[0]);
      const lb = tf.tidy(() => b.loss(batch, true).total.dataSync()[0]);
      expect(la).toBe(lb);
      disposeBatch(batch);
      [a, b, c].forEach((m) => m.dispose());
    }
  });

  it('export → serialize → deserialize → import gives identical predictions', async () => {
    await selectBackend('wasm');
    for (const [head, encoder] of VARIANTS) {
      const sp = spec(head, encoder);
      const m = createSpanModel(sp);
      // train a step so the weights are not just the seeded init
      const batch = makeBatch(X, TG, sp);
      const opt = tf.train.adam(0.01);
      opt.minimize(() => m.loss(batch, true).total, false, m.trainableVariables());
      const saved = m.exportWeights();
      const bytes = serializeWeights(saved);
      expect(bytes).toBeInstanceOf(Uint8Array);
      expect(bytes.length).toBeLessThan(countParams(sp) * 4 + 2048); // float32 + a small header
      const back = deserializeWeights(bytes);
      expect(back.spec).toEqual(sp);
      const m2 = importSpanModel(back);
      const m3 = importSpanModel(saved);
      const p1 = m.predict(X, B);
      const p2 = m2.predict(X, B);
      const p3 = m3.predict(X, B);
      expect(p2).toEqual(p1);
      expect(p3).toEqual(p1);
      expect(Array.from(m2.logSigmas())).toEqual(Array.from(m.logSigmas()));
      const l1 = tf.tidy(() => m.loss(batch, false).total.dataSync()[0]);
      const l2 = tf.tidy(() => m2.loss(batch, false).total.dataSync()[0]);
      expect(l2).toBe(l1);
      opt.dispose();
      disposeBatch(batch);
      [m, m2, m3].forEach((x) => x.dispose());
    }
  });

  it('import rejects mismatched weights; deserialize rejects garbage', async () => {
    await selectBackend('cpu');
    const m = createSpanModel(spec('crf', 'conv'));
    const saved = m.exportWeights();
    expect(() => importSpanModel({ ...saved, spec: { ...saved.spec, hidden: 16 } })).toThrow(/shape/);
    expect(() => importSpanModel({ ...saved, tensors: saved.tensors.slice(1) })).toThrow(/lack/);
    expect(() => deserializeWeights(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]))).toThrow(/magic/);
    const bytes = serializeWeights(saved);
    expect(() => deserializeWeights(bytes.subarray(0, bytes.length - 4))).toThrow(/truncated/);
    m.dispose();
  });

  it('predict returns well-formed per-window outputs', async () => {
    await selectBackend('wasm');
    for (const head of ['soft', 'crf'] as const) {
      const m = createSpanModel(spec(head, 'conv-attn'));
      const preds = m.predict(X, B);
      expect(preds.length).toBe(B);
      for (const p of preds) {
        expect(p.spanProb.length).toBe(T);
        expect(p.spanProb.every((v) => v >= 0 && v <= 1)).toBe(true);
        expect(p.startProb.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
        expect(p.endProb.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
        expect(p.typeProb.length).toBe(3);
        expect(p.typeProb.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
        expect(p.countdown.every((v) => v >= 0 && Number.isFinite(v))).toBe(true);
        if (head === 'crf') {
          expect(p.viterbi).toBeInstanceOf(Uint8Array);
          expect(p.viterbi?.length).toBe(T);
        } else {
          expect(p.viterbi).toBeNull();
        }
      }
      const w = m.taskWeights();
      expect(w.length).toBe(4);
      expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
      m.dispose();
    }
  });

  it('the tf-op CRF and the fused CRF give the same loss and gradients inside the model', async () => {
    await selectBackend('wasm');
    const sp = spec('crf', 'conv');
    const mTf = createSpanModel(sp, { crfImpl: 'tf' });
    const mFused = createSpanModel(sp, { crfImpl: 'fused' });
    const batch = makeBatch(X, TG, sp);
    const run = (m: typeof mTf) => {
      const { value, grads } = tf.variableGrads(() => m.loss(batch, true).total, m.trainableVariables());
      const out = { value: value.dataSync()[0], grads: Object.values(grads).map((g) => Float32Array.from(g.dataSync())) };
      tf.dispose([value, ...Object.values(grads)]);
      return out;
    };
    try {
      const a = run(mTf);
      const b = run(mFused);
      expect(b.value).toBeCloseTo(a.value, 4);
      a.grads.forEach((g, i) => g.forEach((v, j) => expect(b.grads[i][j]).toBeCloseTo(v, 3)));
    } finally {
      disposeBatch(batch);
      mTf.dispose();
      mFused.dispose();
    }
  });

  it('makeBatch checks shapes', () => {
    const sp = spec('soft', 'conv');
    expect(() => makeBatch(X.subarray(1), TG, sp)).toThrow(/expected/);
  });
});
