import { describe, expect, it } from 'vitest';
import { fitLogistic, predictLogistic, scoreBaseline } from '../../../core/ml/eval/baselines.ts';
import type { EvalTruth } from '../../../core/ml/eval/types.ts';

const T = 30;
const F = 2;
function window(start: number, end: number): { truth: EvalTruth; x: Float32Array } {
  const mask = new Float32Array(T);
  const x = new Float32Array(T * F);
  for (let t = 0; t < T; t++) {
    const inSpan = t >= start && t <= end;
    mask[t] = inSpan ? 1 : 0;
    x[t * F] = inSpan ? 1.5 : -1.5; // informative
    x[t * F + 1] = Math.sin(t * 1.3); // noise
  }
  return { truth: { mask, spans: [{ start, end }], hasSpan: true, start, end, typeIndex: 0, countdown: new Float32Array(T) }, x };
}
const stack = (ws: { x: Float32Array }[]) => {
  const out = new Float32Array(ws.length * T * F);
  ws.forEach((w, i) => out.set(w.x, i * T * F));
  return out;
};

describe('baselines', () => {
  it('per-bar logistic regression learns an informative feature; scored like the model with a train-chosen threshold', () => {
    const train = [window(3, 12), window(10, 20), window(15, 28)];
    const val = [window(5, 9), window(18, 25)];
    const m = fitLogistic(
      stack(train),
      train.map((w) => w.truth.mask),
      T,
      F,
    );
    expect(m.w[0]).toBeGreaterThan(Math.abs(m.w[1]));
    const probs = (ws: typeof train) => predictLogistic(m, stack(ws), ws.length, T, F);
    const r = scoreBaseline(
      { train: { truth: train.map((w) => w.truth), probs: probs(train) }, val: { truth: val.map((w) => w.truth), probs: probs(val) }, test: null },
      { minLength: 3, mergeGap: 2 },
    );
    expect(r.validation.spanF1).toBe(1);
    expect(r.validation.windows).toBe(2);
    expect(r.test).toBeNull();
  });

  it("with a test block the threshold is chosen on validation (as the model's is), without one on train", () => {
    const train = [window(3, 12), window(10, 20)];
    const val = [window(5, 9), window(18, 25)];
    const test = [window(4, 11)];
    const flat = (ws: typeof train, hi: number) => ws.map((w) => Float32Array.from(w.truth.mask, (v) => (v ? hi : 0.1)));
    // over-confident on train (0.9 in span), 0.4 held out: train's choice (ties → closest to 0.5) misses everything held out
    const sets = { train: { truth: train.map((w) => w.truth), probs: flat(train, 0.9) }, val: { truth: val.map((w) => w.truth), probs: flat(val, 0.4) } };
    const decode = { minLength: 3, mergeGap: 2 };
    const noTest = scoreBaseline(sets, decode);
    expect(noTest.threshold).toBe(0.5);
    expect(noTest.validation.spanF1).toBe(0);
    const withTest = scoreBaseline({ ...sets, test: { truth: test.map((w) => w.truth), probs: flat(test, 0.4) } }, decode);
    expect(withTest.threshold).toBe(0.4);
    expect(withTest.test!.spanF1).toBe(1);
  });

  it('a 0/1 rule is scored at 0.5 with the same decoding; a rule that misses half the spans scores span F1 ⅔', () => {
    const val = [window(5, 9), window(18, 25)];
    const flags = [val[0].truth.mask, new Float32Array(T)];
    const r = scoreBaseline({ val: { truth: val.map((w) => w.truth), probs: flags } }, { minLength: 3, mergeGap: 2 });
    expect(r.threshold).toBe(0.5);
    expect(r.validation.spanF1).toBeCloseTo(2 / 3, 10); // tp 1, fn 1
  });
});
