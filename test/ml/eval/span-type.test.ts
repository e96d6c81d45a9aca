import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../core/ml/backend/index.ts';
import { createSpanModel } from '../../../core/ml/model/index.ts';
import { spanTypeProbs } from '../../../core/ml/eval/span-type.ts';

beforeAll(async () => {
  await selectBackend('wasm');
});

describe('per-span types', () => {
  it("pooling the per-bar type logits over the whole window reproduces the type head's window output", () => {
    const T = 24;
    const F = 3;
    const m = createSpanModel({ head: 'soft', encoder: 'conv', featureCount: F, windowLength: T, typeCount: 3, hidden: 8, seed: 5 });
    try {
      const x = Float32Array.from({ length: 2 * T * F }, (_, i) => Math.cos(i * 0.61));
      for (const p of m.predict(x, 2)) {
        const whole = spanTypeProbs(p, { start: 0, end: T - 1 });
        Array.from(p.typeProb).forEach((v, c) => expect(whole.probs[c]).toBeCloseTo(v, 5));
      }
    } finally {
      m.dispose();
    }
  });

  it('two spans of one window get their own types', () => {
    const T = 10;
    // bars 0-4 say type 0, bars 5-9 say type 1; flat pool scores
    const barTypeLogits = new Float32Array(T * 2);
    for (let t = 0; t < T; t++) barTypeLogits[t * 2 + (t < 5 ? 0 : 1)] = 3;
    const pred = { typeProb: [0.5, 0.5], barTypeLogits, poolScore: new Float32Array(T) };
    expect(spanTypeProbs(pred, { start: 0, end: 3 }).index).toBe(0);
    expect(spanTypeProbs(pred, { start: 6, end: 9 }).index).toBe(1);
    // old predictions without per-bar logits: the window's type
    expect(spanTypeProbs({ typeProb: [0.2, 0.8] }, { start: 0, end: 3 }).index).toBe(1);
  });
});
