/**
 * Training-mode dropout (core/ml/model/dropout.ts, issue #11 point 2): evaluation never drops,
 * training does, the masks are reproducible from the seed, and gradients through the masks match
 * autodiff (hand-written ops vs plain tfjs ops draw the same masks for the same seed).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../core/ml/backend/index.ts';
import { tf } from '../../../core/ml/backend/tf.ts';
import { DropoutStream } from '../../../core/ml/model/dropout.ts';
import { createSpanModel, deserializeWeights, disposeBatch, importSpanModel, makeBatch, serializeWeights } from '../../../core/ml/model/index.ts';
import type { BatchTargets, EncoderKind, HeadKind, ModelSpec, SpanModel } from '../../../core/ml/model/index.ts';

const T = 32;
const F = 6;
const B = 4;
const X = Float32Array.from({ length: B * T * F }, (_, i) => Math.sin(i * 0.37) + 0.3 * Math.cos(i * 1.3));
const spec = (head: HeadKind, encoder: EncoderKind, extra: Partial<ModelSpec> = {}): ModelSpec => ({
  head,
  encoder,
  featureCount: F,
  windowLength: T,
  typeCount: 3,
  hidden: 8,
  seed: 5,
  ...extra,
});

function targets(): BatchTargets[] {
  const spans: Array<[number, number, number] | null> = [[3, 12, 0], null, [20, 31, 2], [0, 5, 1]];
  return spans.map((s) => {
    const mask = new Float32Array(T);
    const cd = new Float32Array(T);
    if (s) {
      for (let t = s[0]; t <= s[1]; t++) {
        mask[t] = 1;
        cd[t] = s[1] - t;
      }
    }
    return { hasSpan: !!s, start: s ? s[0] : -1, end: s ? s[1] : -1, typeIndex: s ? s[2] : -1, mask, softMask: mask, countdown: cd, weight: 1 };
  });
}
const TG = targets();

const lossOf = (m: SpanModel, training: boolean): number => {
  const batch = makeBatch(X, TG, m.spec);
  try {
    return tf.tidy(() => m.loss(batch, training).total.dataSync()[0]);
  } finally {
    disposeBatch(batch);
  }
};

beforeAll(async () => {
  await selectBackend('wasm');
});

describe('dropout masks', () => {
  it('input dropout zeroes whole channels per window; hidden dropout single elements; kept values scaled by 1/(1−p)', () => {
    const s = new DropoutStream({ seed: 1, dropout: 0.5, inputDropout: 0.5 });
    const d = s.forPass()!;
    const [inp, hid] = tf.tidy(() => [d.input(tf.ones([8, 16, 10]) as tf.Tensor3D).arraySync(), d.hidden(tf.ones([200, 10]) as tf.Tensor2D).dataSync()]);
    const input = inp as number[][][];
    let dropped = 0;
    for (const w of input) {
      for (let f = 0; f < 10; f++) {
        const col = w.map((row) => row[f]);
        // the whole channel of this window is one value: 0 or 2
        expect(new Set(col).size).toBe(1);
        expect([0, 2]).toContain(col[0]);
        if (col[0] === 0) dropped++;
      }
    }
    expect(dropped).toBeGreaterThan(20); // of 80 channels, p = 0.5
    expect(dropped).toBeLessThan(60);
    const h = Array.from(hid as Float32Array);
    expect(h.every((v) => v === 0 || v === 2)).toBe(true);
    const zeros = h.filter((v) => v === 0).length;
    expect(zeros).toBeGreaterThan(900); // of 2000, p = 0.5
    expect(zeros).toBeLessThan(1100);
    expect(new DropoutStream({ seed: 1 }).forPass()).toBeNull();
  });

  it('rejects rates outside [0, 1)', () => {
    expect(() => createSpanModel(spec('soft', 'conv', { dropout: 1 }))).toThrow(/ModelSpec.dropout must be a rate in \[0, 1\), got 1/);
    expect(() => createSpanModel(spec('soft', 'conv', { inputDropout: -0.1 }))).toThrow(/ModelSpec.inputDropout must be a rate/);
  });
});

describe('span model with dropout', () => {
  for (const [head, encoder] of [
    ['soft', 'conv'],
    ['crf', 'conv-attn'],
  ] as Array<[HeadKind, EncoderKind]>) {
    it(`${head}+${encoder}: evaluation is unchanged by the rate; training drops; same seed → same masks`, () => {
      const plain = createSpanModel(spec(head, encoder));
      const a = createSpanModel(spec(head, encoder, { dropout: 0.3, inputDropout: 0.2 }));
      const b = createSpanModel(spec(head, encoder, { dropout: 0.3, inputDropout: 0.2 }));
      try {
        // same init (dropout has its own stream): evaluation and prediction are identical
        expect(lossOf(a, false)).toBe(lossOf(plain, false));
        expect(a.predict(X, B)[2].spanProb).toEqual(plain.predict(X, B)[2].spanProb);
        // without dropout, training mode is evaluation mode
        expect(lossOf(plain, true)).toBe(lossOf(plain, false));
        // with dropout, training mode differs from evaluation and each pass draws new masks
        const a1 = lossOf(a, true);
        const a2 = lossOf(a, true);
        expect(a1).not.toBe(lossOf(a, false));
        expect(a2).not.toBe(a1);
        // another model with the same seed draws the same sequence
        expect([lossOf(b, true), lossOf(b, true)]).toEqual([a1, a2]);
        // evaluating does not draw from the stream
        const c = createSpanModel(spec(head, encoder, { dropout: 0.3, inputDropout: 0.2 }));
        lossOf(c, false);
        c.predict(X, B);
        expect(lossOf(c, true)).toBe(a1);
        c.dispose();
      } finally {
        [plain, a, b].forEach((m) => m.dispose());
      }
    });
  }

  it('gradients through the masks: hand-written ops and autodiff agree (same seed, same masks)', () => {
    for (const encoder of ['conv', 'conv-attn'] as EncoderKind[]) {
      const sp = spec('soft', encoder, { dropout: 0.4, inputDropout: 0.3 });
      const grads = (mode: 'always' | 'never') => {
        const m = createSpanModel(sp, { ops: mode });
        const batch = makeBatch(X, TG, sp);
        const { value, grads: g } = tf.variableGrads(() => m.loss(batch, true).total, m.trainableVariables());
        const out = { value: value.dataSync()[0], grads: Object.values(g).map((x) => Float32Array.from(x.dataSync())) };
        tf.dispose([value, ...Object.values(g)]);
        disposeBatch(batch);
        m.dispose();
        return out;
      };
      const hand = grads('always');
      const auto = grads('never');
      expect(hand.value).toBeCloseTo(auto.value, 4);
      let nonZero = 0;
      hand.grads.forEach((g, i) =>
        g.forEach((v, j) => {
          expect(v).toBeCloseTo(auto.grads[i][j], 3);
          if (v !== 0) nonZero++;
        }),
      );
      expect(nonZero).toBeGreaterThan(100);
    }
  });

  it('the rates are saved with the model; a spec saved without them loads with no dropout', () => {
    const m = createSpanModel(spec('crf', 'conv', { dropout: 0.25 }));
    const back = importSpanModel(deserializeWeights(serializeWeights(m.exportWeights())));
    expect(back.spec.dropout).toBe(0.25);
    expect(back.predict(X, B)[0].spanProb).toEqual(m.predict(X, B)[0].spanProb);
    const saved = m.exportWeights();
    delete saved.spec.dropout;
    const old = importSpanModel(saved);
    expect(old.spec.dropout).toBeUndefined();
    expect(lossOf(old, true)).toBe(lossOf(old, false));
    [m, back, old].forEach((x) => x.dispose());
  });
});

describe('trainModel with dropout', () => {
  it('is reproducible for a seed and differs from the run without dropout', async () => {
    const { demoTrainData } = await import('../../helpers/demo-data.ts');
    const { trainModel } = await import('../../../core/ml/training/train.ts');
    const data = demoTrainData({ seed: 11, windows: 30, length: 64 });
    const base: ModelSpec = { head: 'soft', encoder: 'conv', featureCount: data.features.length, windowLength: 64, typeCount: 2, hidden: 16, seed: 3 };
    const run = async (extra: Partial<ModelSpec>) => {
      const r = await trainModel({ spec: { ...base, ...extra }, data, epochs: 2, batchSize: 8, learningRate: 0.003, seed: 5, skipUntrained: true });
      r.model!.dispose();
      return r.epochs.map((e) => [e.trainLoss, e.valLoss]);
    };
    const a = await run({ dropout: 0.2, inputDropout: 0.2 });
    expect(await run({ dropout: 0.2, inputDropout: 0.2 })).toEqual(a);
    expect(await run({})).not.toEqual(a);
  });
});
