/**
 * Issue #12, point 3: the CRF measure (1 − P(Viterbi path)) on hand-computed potentials, ensemble
 * disagreement as a ranking, and both measures kept with a really trained run's predictions in a real
 * project file (review.summary ranks ensembles by disagreement).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crfForwardBackward, crfPathLogProb, crfViterbi, type CrfArrays } from '../../core/ml/model/crf.ts';
import { leastSureQueue } from '../../core/review/queue.ts';
import { memberDisagreement, pathUncertainty, spanUncertainty, windowQueueScore } from '../../core/review/uncertainty.ts';
import { CandlemarkService } from '../../core/service/service.ts';
import { ProjectStore } from '../../core/store/index.ts';
import { makeDemoProject } from '../ml/training/helpers.ts';
import { queueRow } from './queue-rows.ts';

const LN = Math.log;

describe('CRF: P(Viterbi path)', () => {
  it('matches a hand-computed value on a two-bar window', () => {
    // Tags O = 0, I = 1. Emissions: bar 0 scores I at ln 3, bar 1 scores nothing; I → I scores ln 2.
    // Path scores: OO 0, OI 0, IO ln 3, II ln 3 + ln 2, so Z = 1 + 1 + 3 + 6 = 11 and the best
    // path II has P = 6/11.
    const emis = [0, LN(3), 0, 0];
    const p: CrfArrays = { trans: [0, 0, 0, LN(2)], start: [0, 0], end: [0, 0] };
    const fb = crfForwardBackward(emis, 1, 2, 2, p);
    expect(fb.logZ[0]).toBeCloseTo(LN(11), 12);
    const path = crfViterbi(emis, 1, 2, 2, p);
    expect(Array.from(path)).toEqual([1, 1]);
    expect(Math.exp(crfPathLogProb(emis, 1, 2, 2, p, path, fb.logZ)[0])).toBeCloseTo(6 / 11, 12);
    // Any other path: IO has P = 3/11.
    expect(Math.exp(crfPathLogProb(emis, 1, 2, 2, p, [1, 0], fb.logZ)[0])).toBeCloseTo(3 / 11, 12);
  });

  it('is a distribution over every tagging, the Viterbi path its largest mass (brute force, 5 bars, 2 windows)', () => {
    const T = 5;
    const K = 2;
    const B = 2;
    // Fixed, irregular potentials (start/end included) so no two paths tie.
    const emis = Array.from({ length: B * T * K }, (_, i) => Math.sin(i * 1.7) * 1.3);
    const p: CrfArrays = { trans: [0.4, -0.9, -0.3, 1.1], start: [0.2, -0.5], end: [-0.1, 0.3] };
    const fb = crfForwardBackward(emis, B, T, K, p);
    const viterbi = crfViterbi(emis, B, T, K, p);
    for (let b = 0; b < B; b++) {
      const e = emis.slice(b * T * K, (b + 1) * T * K);
      let total = 0;
      let best = 0;
      for (let code = 0; code < 2 ** T; code++) {
        const tags = Array.from({ length: T }, (_, t) => (code >> t) & 1);
        const prob = Math.exp(crfPathLogProb(e, 1, T, K, p, tags, [fb.logZ[b]])[0]);
        total += prob;
        best = Math.max(best, prob);
      }
      expect(total).toBeCloseTo(1, 10);
      const vp = Math.exp(crfPathLogProb(emis, B, T, K, p, viterbi, fb.logZ)[b]);
      expect(vp).toBeCloseTo(best, 12);
      expect(vp).toBeLessThan(1);
    }
  });
});

const row = queueRow;

describe('the queue score of a window', () => {
  const probs = new Array(16).fill(0.02);

  it('measures the CRF doubt about its path as 1 − P(Viterbi path) (per bar: 1 − P^(1/T)), not from the marginals', () => {
    // Two 16-bar windows whose decoded paths are 90 % and 20 % likely.
    const sure = pathUncertainty(Math.log(0.9), 16);
    const unsure = pathUncertainty(Math.log(0.2), 16);
    expect(sure).toBeCloseTo(1 - 0.9 ** (1 / 16), 12);
    expect(unsure).toBeCloseTo(1 - 0.2 ** (1 / 16), 12);
    expect(unsure).toBeGreaterThan(sure);
    // An early model's 128-bar paths: P = e^−50 and e^−60 both give 1 − P = 1 in doubles, but this
    // still tells the less likely path apart.
    expect(1 - Math.exp(-50)).toBe(1 - Math.exp(-60));
    expect(pathUncertainty(-60, 128)).toBeGreaterThan(pathUncertainty(-50, 128));
    expect(pathUncertainty(-50, 128)).toBeCloseTo(1 - Math.exp(-50 / 128), 12);
    expect(pathUncertainty(0, 128)).toBe(0);
    // The app's queue ranks single CRF runs by span-level uncertainty of the marginals (the bench's
    // choice, docs/BENCHMARKS.md); the path measure is not mixed in.
    expect(windowQueueScore({ probs, head: 'crf', threshold: 0.5 })).toBe(spanUncertainty({ probs, head: 'crf', threshold: 0.5 }));
  });

  it('ranks ensembles by member disagreement', () => {
    const agree = [
      [0.9, 0.9, 0.1, 0.1],
      [0.9, 0.9, 0.1, 0.1],
    ];
    const splitOnOneBar = [
      [0.9, 0.9, 0.1, 0.1],
      [0.9, 0.1, 0.1, 0.1],
    ];
    const splitEverywhere = [
      [0.9, 0.9, 0.1, 0.1],
      [0.1, 0.1, 0.9, 0.9],
    ];
    const windows = { agree, splitOnOneBar, splitEverywhere };
    const scores = Object.fromEntries(
      Object.entries(windows).map(([name, members]) => {
        const mean = members[0].map((_, t) => (members[0][t] + members[1][t]) / 2);
        return [name, windowQueueScore({ probs: mean, head: 'soft', threshold: 0.5, memberSpread: memberDisagreement(members) })];
      }),
    );
    expect(scores).toEqual({ agree: 0, splitOnOneBar: expect.closeTo(0.2, 12), splitEverywhere: expect.closeTo(0.8, 12) });
    // Through the queue (windows far apart, so diversity does not reorder): most disagreement first.
    const rows = [row(0, scores.agree), row(10, scores.splitEverywhere), row(20, scores.splitOnOneBar)];
    expect(leastSureQueue(rows, 3).map((r) => r.index)).toEqual([10, 20, 0]);
  });
});

describe('measures stored with a trained run and used by review.summary', () => {
  let file = '';
  let setId = 0;
  let crfRun = 0;
  let ensRun = 0;
  const TINY = { hidden: 8, epochs: 2, batchSize: 8, backend: 'wasm' } as const;

  beforeAll(async () => {
    const demo = makeDemoProject(31);
    file = demo.file;
    setId = demo.setId;
    const s = CandlemarkService.open(file, { author: 'trainer' });
    try {
      const crf = await s.call('train.run', { ...TINY, model: 'crf', setId });
      const ens = await s.call('train.run', { ...TINY, model: 'soft', setId, ensemble: 2 });
      expect([crf.status, ens.status]).toEqual(['completed', 'completed']);
      crfRun = crf.runId;
      ensRun = ens.runId;
    } finally {
      s.close();
    }
  }, 240_000);
  afterAll(() => fs.rmSync(path.dirname(file), { recursive: true, force: true }));

  it('keeps log P(Viterbi path) for a CRF run and member disagreement for an ensemble, and ranks the ensemble by it', async () => {
    const s = CandlemarkService.open(file, { author: 'reviewer' });
    try {
      const crfSummary = await s.call('review.summary', { runId: crfRun });
      const crfMeasures = s.store.listPredictionMeasures(crfRun);
      // Every window of the set was predicted (training + the summary) and has its path probability.
      expect(crfMeasures.size).toBe(crfSummary.windows.length);
      for (const r of crfSummary.windows) {
        const m = crfMeasures.get(r.windowId)!;
        expect(m.memberSpread).toBeNull();
        expect(m.pathLogProb).toBeLessThanOrEqual(0);
        expect(Number.isFinite(m.pathLogProb)).toBe(true);
        // A single CRF is ranked by span-level uncertainty of its marginals (the bench's choice).
        expect(r.uncertainty).toBeCloseTo(
          spanUncertainty({ probs: s.store.listPredictions(crfRun, r.windowId)[0].probs, head: 'crf', threshold: crfSummary.threshold }),
          10,
        );
      }
      const ensSummary = await s.call('review.summary', { runId: ensRun });
      const ensMeasures = s.store.listPredictionMeasures(ensRun);
      expect(ensMeasures.size).toBe(ensSummary.windows.length);
      for (const r of ensSummary.windows) {
        const m = ensMeasures.get(r.windowId)!;
        expect(m.pathLogProb).toBeNull();
        expect(r.uncertainty).toBeCloseTo(m.memberSpread!, 6);
      }
      // Two differently seeded members of a 2-epoch model disagree somewhere.
      expect(Math.max(...ensSummary.windows.map((r) => r.uncertainty))).toBeGreaterThan(0);
      // The window detail reports the same score as the summary row.
      const first = ensSummary.windows[0];
      expect((await s.call('review.window', { runId: ensRun, windowId: first.windowId })).uncertainty).toBeCloseTo(first.uncertainty, 10);
    } finally {
      s.close();
    }
  }, 120_000);

  it('rejects an out-of-range measure, stores nothing for rows without one, and drops them with the run', () => {
    const store = ProjectStore.open(file);
    try {
      const w = store.listWindows({ setId })[0];
      expect(() => store.savePredictionMeasures(crfRun, [{ windowId: w.id, pathLogProb: 0.5 }])).toThrow(
        /window \d+: pathLogProb must be a number in \[.*, 0\], got 0.5/,
      );
      expect(() => store.savePredictionMeasures(crfRun, [{ windowId: w.id, memberSpread: Number.NaN }])).toThrow(
        /memberSpread must be a number in \[0, 1\], got NaN/,
      );
      // The failed writes changed nothing.
      expect(store.listPredictionMeasures(crfRun, w.id).get(w.id)!.pathLogProb).toBeLessThan(0);
      store.savePredictionMeasures(crfRun, [{ windowId: w.id, pathLogProb: Math.log(0.25) }]);
      expect(store.listPredictionMeasures(crfRun, w.id).get(w.id)).toEqual({ windowId: w.id, pathLogProb: Math.log(0.25), memberSpread: null });
      // A path probability that underflowed to 0 is kept as the lowest log a double holds (ranks last of all).
      store.savePredictionMeasures(crfRun, [{ windowId: w.id, pathLogProb: -Infinity }]);
      expect(store.listPredictionMeasures(crfRun, w.id).get(w.id)!.pathLogProb).toBe(-Number.MAX_VALUE);
      expect(() => store.savePredictionMeasures(9999, [{ windowId: w.id, pathLogProb: -1 }])).toThrow(/9999/);
      store.deleteRun(crfRun);
      const left = store.db.prepare('SELECT count(*) AS n FROM prediction_measures WHERE run_id = ?').get(crfRun) as { n: number };
      expect(left.n).toBe(0);
    } finally {
      store.close();
    }
  });
});
