import { describe, expect, it } from 'vitest';
import { applyTemperature, fitTemperature, reliability, temperatureReport } from '../../../core/ml/eval/calibration.ts';

describe('calibration', () => {
  it('reliability, ECE and Brier on a constructed case (by hand)', () => {
    // 10 bars at p = 0.8 of which 8 are in span: perfectly calibrated bin → ECE 0
    const probs = [new Float32Array(10).fill(0.8)];
    const truth = [Float32Array.from({ length: 10 }, (_, i) => (i < 8 ? 1 : 0))];
    const r = reliability(probs, truth);
    expect(r.ece).toBeCloseTo(0, 6);
    // Brier: 8 × 0.04 + 2 × 0.64 = 1.6 → /10 = 0.16
    expect(r.brier).toBeCloseTo(0.16, 6);
    expect(r.bins[8]).toMatchObject({ count: 10 });
    expect(r.bins[8].observed).toBeCloseTo(0.8, 6);
    // p = 0.9 on bars of which half are in span: ECE = |0.5 − 0.9| = 0.4; Brier = (0.01 + 0.81) / 2 = 0.41
    const o = reliability([new Float32Array(4).fill(0.9)], [Float32Array.from([1, 0, 1, 0])]);
    expect(o.ece).toBeCloseTo(0.4, 6);
    expect(o.brier).toBeCloseTo(0.41, 6);
  });

  it('temperature scaling: an overconfident set gets τ > 1, fitted on one set and judged on another it lowers ECE', () => {
    // true frequency 0.7 where the model says 0.97, 0.3 where it says 0.03
    const make = (n: number) => {
      const p: Float32Array[] = [];
      const y: Float32Array[] = [];
      for (let w = 0; w < n; w++) {
        p.push(Float32Array.from({ length: 20 }, (_, i) => (i < 10 ? 0.97 : 0.03)));
        y.push(Float32Array.from({ length: 20 }, (_, i) => (i < 10 ? (i < 7 ? 1 : 0) : i < 13 ? 1 : 0)));
      }
      return { probs: p, truth: y };
    };
    const val = make(5);
    const test = make(3);
    const tau = fitTemperature(val.probs, val.truth);
    // optimum: σ(logit(0.97)/τ) = 0.7 → τ = logit(0.97)/logit(0.7)
    expect(tau).toBeCloseTo(Math.log(0.97 / 0.03) / Math.log(0.7 / 0.3), 2);
    expect(applyTemperature([Float32Array.from([0.97])], tau)[0][0]).toBeCloseTo(0.7, 2);
    const r = temperatureReport(val, test);
    expect(r.judgedOn).toBe('test');
    expect(r.inSample).toBe(false);
    expect(r.after.ece).toBeLessThan(r.before.ece);
    expect(r.after.brier).toBeLessThan(r.before.brier);
    expect(temperatureReport(val, null).inSample).toBe(true);
  });
});
