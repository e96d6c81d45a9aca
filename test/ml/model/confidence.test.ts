import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../core/ml/backend/tf.ts';
import { selectBackend } from '../../../core/ml/backend/index.ts';
import { createSpanModel } from '../../../core/ml/model/index.ts';
import { makeBatch, disposeBatch } from '../../../core/ml/model/batch.ts';
import type { ModelSpec, Task } from '../../../core/ml/model/types.ts';
import { computeTargets } from '../../../core/labels/targets.ts';
import type { IndexSpan } from '../../../core/domain/types.ts';

const T = 16;
const F = 3;
const TYPES = ['up', 'down'];

beforeAll(async () => {
  await selectBackend('wasm');
});

/** Per-task loss values and gradients (w.r.t. the network's variables, flattened) for a batch. */
function lossAndGrads(head: 'soft' | 'crf', windows: IndexSpan[][], noSpanWeight = 1): Record<Task, { value: number; grad: Float32Array }> {
  const spec: ModelSpec = { head, encoder: 'conv', featureCount: F, windowLength: T, typeCount: 2, hidden: 8, seed: 4 };
  const model = createSpanModel(spec);
  const x = Float32Array.from({ length: windows.length * T * F }, (_, i) => Math.sin(i * 0.37));
  const batch = makeBatch(
    x,
    windows.map((s) => computeTargets(T, s, TYPES, { noSpanWeight })),
    spec,
  );
  const vars = model.networkVariables();
  const out = {} as Record<Task, { value: number; grad: Float32Array }>;
  try {
    for (const task of ['pointer', 'type', 'span', 'countdown'] as Task[]) {
      const { value, grads } = tf.variableGrads(() => model.loss(batch, true).perTask[task], vars);
      const flat = vars.map((v) => grads[v.name]?.dataSync() ?? new Float32Array(v.size));
      const n = flat.reduce((s, a) => s + a.length, 0);
      const g = new Float32Array(n);
      let o = 0;
      for (const a of flat) {
        g.set(a, o);
        o += a.length;
      }
      out[task] = { value: value.dataSync()[0], grad: g };
      value.dispose();
      Object.values(grads).forEach((t) => t.dispose());
    }
  } finally {
    disposeBatch(batch);
    model.dispose();
  }
  return out;
}

const span = (start: number, end: number, confidence: number, type = 'up'): IndexSpan => ({ start, end, type, confidence });
const maxAbsDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
const maxAbs = (a: Float32Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

describe('label confidence weighs (normalised by counts, not by Σ weights)', () => {
  for (const head of ['soft', 'crf'] as const) {
    it(`${head}: halving every confidence halves the gradient of every confidence-weighted term`, () => {
      // Windows fully covered by spans: every span/countdown bar and every pointer/type term is weighted by the confidence.
      const full = (c: number) => [[span(0, T - 1, c)], [span(0, 9, c, 'down'), span(10, T - 1, c)]];
      const a = lossAndGrads(head, full(0.8));
      const b = lossAndGrads(head, full(0.4));
      for (const task of ['pointer', 'type', 'span', 'countdown'] as Task[]) {
        expect(b[task].value).toBeCloseTo(a[task].value / 2, 5);
        const half = Float32Array.from(a[task].grad, (v) => v / 2);
        expect(maxAbsDiff(b[task].grad, half)).toBeLessThan(1e-5 * Math.max(1, maxAbs(a[task].grad)));
        expect(maxAbs(a[task].grad)).toBeGreaterThan(0);
      }
    });
  }

  it('with negative bars too, the in-span part scales linearly: L(c) − L(c/2) = L(c/2) − L(0)', () => {
    const mixed = (c: number) => [[span(3, 9, c)], [span(5, 12, c, 'down')], []];
    const a = lossAndGrads('soft', mixed(1));
    const b = lossAndGrads('soft', mixed(0.5));
    const z = lossAndGrads('soft', mixed(0));
    expect(a.span.value - b.span.value).toBeCloseTo(b.span.value - z.span.value, 5);
    expect(a.span.value).toBeGreaterThan(b.span.value); // the old Σw normalisation made these equal
    const d1 = Float32Array.from(a.span.grad, (v, i) => v - b.span.grad[i]);
    const d2 = Float32Array.from(b.span.grad, (v, i) => v - z.span.grad[i]);
    expect(maxAbsDiff(d1, d2)).toBeLessThan(1e-5 * Math.max(1, maxAbs(d1)));
  });

  it('"no span" windows weigh noSpanWeight per bar', () => {
    const one = lossAndGrads('soft', [[], []], 1);
    const half = lossAndGrads('soft', [[], []], 0.5);
    expect(half.span.value).toBeCloseTo(one.span.value / 2, 6);
    const t = computeTargets(T, [], TYPES, { noSpanWeight: 0.3 });
    expect(t.weight).toBeCloseTo(0.3, 6);
    expect(Array.from(t.barWeight).every((v) => Math.abs(v - 0.3) < 1e-6)).toBe(true);
  });

  it('per-bar weights: span bars take their span’s confidence (highest where spans overlap), the rest weigh 1', () => {
    const t = computeTargets(T, [span(2, 5, 0.4), span(4, 8, 0.7, 'down')], TYPES);
    expect(Array.from(t.barWeight.subarray(0, 10), (v) => Math.round(v * 10) / 10)).toEqual([1, 1, 0.4, 0.4, 0.7, 0.7, 0.7, 0.7, 0.7, 1]);
    expect(t.weight).toBeCloseTo(0.7, 6); // the main (longest) span's confidence
  });
});
