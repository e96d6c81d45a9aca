import { describe, expect, it } from 'vitest';
import { keptByLabel, keptEpochOf } from '../../../core/ml/eval/report-format.ts';
import { buildReport, evaluatePredictions, reportHeadline, type MemberResult, type ReportInput, type RunReport } from '../../../core/ml/eval/report.ts';
import { renderReportMarkdown } from '../../../core/ml/eval/report-export.ts';
import { compareRuns, diffConfigs, renderComparisonMarkdown, taskBalance } from '../../../core/ml/eval/compare.ts';
import type { EpochEvent, EvalTruth, PredLike, TaskValues } from '../../../core/ml/eval/types.ts';

const T = 20;
function truthOf(start: number, end: number): EvalTruth {
  const mask = new Float32Array(T);
  const countdown = new Float32Array(T);
  for (let i = start; i <= end; i++) {
    mask[i] = 1;
    countdown[i] = end - i;
  }
  return { mask, spans: [{ start, end }], hasSpan: true, start, end, typeIndex: 0, countdown };
}
function predOf(start: number, end: number, hi: number, lo: number, viterbi = false): PredLike {
  const spanProb = new Float32Array(T).fill(lo);
  const startProb = new Float32Array(T);
  const endProb = new Float32Array(T);
  const vit = new Int32Array(T);
  for (let i = start; i <= end; i++) {
    spanProb[i] = hi;
    vit[i] = 1;
  }
  startProb[start] = 1;
  endProb[end] = 1;
  const countdown = new Float32Array(T).map((_, i) => Math.max(0, end - i));
  return { spanProb, startProb, endProb, typeProb: [0.9, 0.1], countdown, viterbi: viterbi ? vit : null };
}
const tv = (p: number, t: number, s: number, c: number): TaskValues => ({ pointer: p, type: t, span: s, countdown: c });

function member(seed: number, valCurve: number[], trainCurve: number[]): MemberResult {
  const epochs: EpochEvent[] = valCurve.map((v, i) => ({
    member: 0,
    epoch: i + 1,
    epochs: valCurve.length,
    trainLoss: trainCurve[i] - 3,
    valLoss: v - 3,
    trainTask: tv(trainCurve[i] / 4, trainCurve[i] / 4, trainCurve[i] / 4, trainCurve[i] / 4),
    valTask: tv(v / 4, v / 4, v / 4, v / 4),
    trainUnweighted: trainCurve[i],
    valUnweighted: v,
    valCriterion: v / 2,
    sigmas: tv(1, 1, 0.5, 2),
    taskWeights: tv(0.2, 0.2, 0.5, 0.1),
    valBarF1: 0.5,
    isBest: false,
    seconds: 2,
  }));
  return {
    seed,
    initial: {
      trainLoss: 5,
      valLoss: 5,
      trainTask: tv(2, 2, 2, 2),
      valTask: tv(2, 2, 2, 2),
      sigmas: tv(1, 1, 1, 1),
      taskWeights: tv(0.25, 0.25, 0.25, 0.25),
      valBarF1: 0.3,
    },
    epochs,
    bestEpoch: 2,
    stoppedEarly: false,
  };
}

function input(head: 'soft' | 'crf', hi: number): ReportInput {
  const trainTruth = [truthOf(3, 9), truthOf(10, 15)];
  const valTruth = [truthOf(2, 8), truthOf(12, 17)];
  return {
    model: { head, encoder: 'conv', hidden: 32, featureCount: 6, windowLength: T, typeCount: 2 },
    config: { epochs: 3, learningRate: head === 'soft' ? 0.003 : 0.001, batchSize: 16 },
    backend: 'cpu',
    device: 'CPU',
    typeNames: ['up', 'down'],
    members: [member(1, [6, 4, 4.5], [6, 5, 4])],
    train: {
      truth: trainTruth,
      pred: [predOf(3, 9, hi, 0.1, head === 'crf'), predOf(10, 15, hi, 0.1, head === 'crf')],
      untrained: [predOf(0, 19, 0.5, 0.5, head === 'crf'), predOf(0, 19, 0.5, 0.5, head === 'crf')],
    },
    val: {
      truth: valTruth,
      pred: [predOf(2, 8, hi, 0.1, head === 'crf'), predOf(12, 16, hi, 0.1, head === 'crf')],
      untrained: [predOf(0, 19, 0.5, 0.5, head === 'crf'), predOf(0, 19, 0.5, 0.5, head === 'crf')],
    },
    seconds: 6,
  };
}

describe('buildReport', () => {
  it('chooses the threshold on train, reports validation, baselines and losses', () => {
    const r = buildReport(input('soft', 0.8));
    expect(r.schema).toBe('candlemark.run-report/2');
    expect(r.version).toBe(3);
    expect(r.metrics.threshold.chosenOn).toBe('train');
    expect(r.metrics.threshold.span).toBeGreaterThan(0.1);
    expect(r.metrics.threshold.span).toBeLessThanOrEqual(0.8);
    expect(r.metrics.headline.decoder).toBe('threshold');
    expect(r.metrics.val.span.f1).toBe(1);
    expect(r.metrics.calibration.separation).toBeCloseTo((12 * 0.8 + 0.1) / 13 - 0.1, 5); // bar 17 missed
    expect(r.metrics.pointer.both).toBe(1);
    expect(r.metrics.type.accuracy).toBe(1);
    expect(r.metrics.countdown.mae).toBeGreaterThan(0); // val window 2 predicted to end at 16 not 17
    expect(r.baselines.allSpan.prevalence).toBeCloseTo(13 / 40);
    expect(r.baselines.allSpan.barF1).toBeCloseTo((2 * 13) / 40 / (1 + 13 / 40));
    expect(r.baselines.untrained.headline.spanF1).toBeLessThan(r.metrics.headline.spanF1);
    expect(r.loss.valUnweighted).toMatchObject({ start: 8, best: 4, bestEpoch: 2, final: 4.5 });
    expect(r.loss.criterion).toBe('span');
    expect(r.loss.valCriterion).toMatchObject({ start: 2, best: 1, bestEpoch: 2, final: 1.125 });
    expect(r.loss.valCriterion.normalisedReduction).toBeCloseTo(0.5);
    expect(r.curves.valCriterion).toEqual([2, 1.5, 1, 1.125]);
    expect(r.loss.valWeighted.atBest).toBe(1);
    expect(r.loss.perTask.span).toMatchObject({ start: 2, atBest: 1, final: 1.125 });
    expect(r.curves.epoch).toEqual([0, 1, 2, 3]);
    expect(r.uncertainty.final.taskWeights.span).toBe(0.5);
    expect(r.uncertainty.atBest.sigmas.countdown).toBe(2);
    expect(r.timing.secondsPerEpoch).toBe(2);
    expect(JSON.parse(JSON.stringify(r)).metrics.val.span.f1).toBe(1);
  });

  it('figures "at the best epoch" are at the KEPT epoch (span-f1 may keep another than the loss minimum); the rule is named; older reports fall back', () => {
    const i = input('soft', 0.8);
    i.members = [{ ...i.members[0], bestEpoch: 3 }]; // kept by span F1 at epoch 3, the loss is lowest at 2
    const r = buildReport(i);
    expect(r.loss.keptBy).toBe('span-f1');
    expect(r.loss.keptEpoch).toBe(3);
    expect(r.loss.valCriterion.bestEpoch).toBe(2);
    expect(r.loss.perTask.span.atBest).toBe(1.125);
    expect(keptEpochOf(r)).toBe(3);
    expect(keptByLabel(r)).toMatch(/highest validation span F1/);
    const old = buildReport({ ...input('soft', 0.8), config: { epochCriterion: 'span-loss' } });
    expect(old.loss.keptBy).toBe('span-loss');
    expect(keptByLabel(old)).toMatch(/lowest unweighted validation span loss/);
    // a report written before the fields existed: the loss minimum was the kept epoch
    const { keptBy: _k, keptEpoch: _e, ...legacyLoss } = old.loss;
    expect(keptEpochOf({ ...old, loss: legacyLoss })).toBe(2);
    // an ensemble: the (lower) median of its members' kept epochs
    const ens = buildReport({ ...i, members: [1, 3, 2, 3].map((b, k) => ({ ...i.members[0], seed: k + 1, bestEpoch: b })) });
    expect(ens.loss.keptEpoch).toBe(2);
  });

  it('uses Viterbi as the CRF headline', () => {
    const r = buildReport(input('crf', 0.6));
    expect(r.metrics.viterbi).not.toBeNull();
    expect(r.metrics.headline.decoder).toBe('viterbi');
    expect(r.metrics.headline.spanF1).toBe(1);
  });
});

describe('report v2: test block headline, intervals, older reports', () => {
  const withTest = (head: 'soft' | 'crf'): ReportInput => ({
    ...input(head, 0.8),
    test: {
      // one test window found exactly, one missed entirely
      truth: [truthOf(4, 10), truthOf(11, 16)],
      pred: [predOf(4, 10, 0.8, 0.1, head === 'crf'), predOf(0, 1, 0.1, 0.1, head === 'crf')],
      untrained: [],
    },
    dataset: { skipped: { purged: 1 }, notes: ['test block: …'] },
  });

  it('puts the headline on the test block with validation beside it, thresholds from validation', () => {
    const r = buildReport(withTest('soft'));
    expect(r.headline!.on).toBe('test');
    expect(r.headline!.windows).toBe(2);
    // test: tp 1, fn 1, fp 0 → P 1, R ½ → F1 ⅔
    expect(r.headline!.spanF1).toBeCloseTo(2 / 3, 10);
    expect(r.test!.metrics.threshold).toEqual(r.metrics.threshold);
    expect(r.metrics.threshold.chosenOn).toBe('validation');
    expect(r.headline!.validation.spanF1).toBe(r.metrics.headline.spanF1);
    expect(r.headline!.spanCI!.low).toBeLessThanOrEqual(r.headline!.spanF1);
    expect(r.headline!.spanCI!.high).toBeGreaterThanOrEqual(r.headline!.spanF1);
    expect(r.test!.baselines.untrained).toBeNull();
    expect(r.dataset!.skipped.purged).toBe(1);
    // without a test block the headline says it is on validation
    const v = buildReport(input('soft', 0.8));
    expect(v.headline!.on).toBe('validation');
    expect(v.test).toBeNull();
  });

  it('chooses the soft threshold on validation when there is a test block, on train when there is none', () => {
    // Over-confident training probabilities (0.9 in span) and held-out ones at 0.4: a threshold
    // chosen on train (ties → closest to 0.5: 0.5) finds nothing held out; on validation it is 0.4.
    const base = input('soft', 0.9);
    const heldOut = (s: number, e: number) => predOf(s, e, 0.4, 0.1);
    const noTest: ReportInput = { ...base, val: { ...base.val, pred: [heldOut(2, 8), heldOut(12, 17)] } };
    const onTrain = buildReport(noTest);
    expect(onTrain.metrics.threshold).toMatchObject({ chosenOn: 'train', span: 0.5 });
    expect(onTrain.headline!.on).toBe('validation');
    expect(onTrain.headline!.spanF1).toBe(0);

    const withBlock: ReportInput = { ...noTest, test: { truth: [truthOf(4, 10), truthOf(11, 16)], pred: [heldOut(4, 10), heldOut(11, 16)], untrained: [] } };
    const onVal = buildReport(withBlock);
    expect(onVal.metrics.threshold).toMatchObject({ chosenOn: 'validation', span: 0.4 });
    expect(onVal.test!.metrics.threshold).toEqual(onVal.metrics.threshold);
    expect(onVal.headline!.on).toBe('test');
    expect(onVal.headline!.spanF1).toBe(1);
    // the training figures beside it are at the same (validation-chosen) threshold
    expect(onVal.metrics.train.spanF1).toBe(1);
    // the untrained baseline chooses its threshold the same way (on its own validation predictions)
    expect(onVal.baselines.untrained.threshold.chosenOn).toBe('validation');
  });

  it('scores labels normalised like predictions: an exact copy of [10-12], [15-20], [30-31] scores F1 = 1', () => {
    const T2 = 40;
    const mask = new Float32Array(T2);
    for (const [a, b] of [
      [10, 12],
      [15, 20],
      [30, 31],
    ])
      for (let i = a; i <= b; i++) mask[i] = 1;
    const truth: EvalTruth = {
      mask,
      spans: [
        { start: 10, end: 12 },
        { start: 15, end: 20 },
        { start: 30, end: 31 },
      ],
      hasSpan: true,
      start: 15,
      end: 20,
      typeIndex: 0,
      countdown: new Float32Array(T2),
    };
    const copy: PredLike = {
      spanProb: Float32Array.from(mask),
      startProb: new Float32Array(T2),
      endProb: new Float32Array(T2),
      typeProb: [1, 0],
      countdown: new Float32Array(T2),
    };
    const r = evaluatePredictions([truth], [copy], [truth], [copy], { head: 'soft' });
    expect(r.val.span.f1).toBe(1);
  });

  it('reads a v1 report (no headline/test/dataset fields): headline from validation, renders and compares', () => {
    const v2 = buildReport(input('soft', 0.8));
    const v1 = JSON.parse(JSON.stringify(v2)) as RunReport & Record<string, unknown>;
    delete v1.headline;
    delete v1.test;
    delete v1.dataset;
    delete v1.version;
    v1.schema = 'candlemark.run-report/1';
    v1.loss.criterion = 'span+countdown';
    const h = reportHeadline(v1);
    expect(h.on).toBe('validation');
    expect(h.spanF1).toBe(v1.metrics.headline.spanF1);
    expect(h.spanCI).toBeNull();
    expect(renderReportMarkdown(v1, { runId: 1 })).toMatch(/span \+ countdown/);
    const c = compareRuns([v1, buildReport(withTest('soft'))]);
    expect(c.matrix.length).toBeGreaterThan(0);
  });
});

describe('compare', () => {
  it('diffs only differing keys', () => {
    expect(
      diffConfigs([
        { a: 1, b: { c: 2, d: 3 } },
        { a: 1, b: { c: 5, d: 3 }, e: true },
      ]),
    ).toEqual([
      { key: 'b.c', values: [2, 5] },
      { key: 'e', values: [undefined, true] },
    ]);
  });

  it('lists a setting stored twice under one name once, but keeps same-named settings that differ otherwise', () => {
    const a = { config: { head: 'soft', epochs: 3 }, model: { head: 'soft', hidden: 32 }, other: { epochs: 9 } };
    const b = { config: { head: 'crf', epochs: 5 }, model: { head: 'crf', hidden: 32 }, other: { epochs: 9 } };
    expect(diffConfigs([a, b])).toEqual([
      { key: 'config.epochs', values: [3, 5] },
      { key: 'config.head', values: ['soft', 'crf'] },
    ]);
    const c = { config: { head: 'soft', epochs: 3 }, other: { epochs: 4 } };
    const d = { config: { head: 'soft', epochs: 5 }, other: { epochs: 6 } };
    expect(diffConfigs([c, d]).map((r) => r.key)).toEqual(['config.epochs', 'other.epochs']);
  });

  it('task balance is 1 for equal weights and lower otherwise', () => {
    expect(taskBalance({ pointer: 0.25, type: 0.25, span: 0.25, countdown: 0.25 })).toBeCloseTo(1);
    expect(taskBalance({ pointer: 0.7, type: 0.1, span: 0.1, countdown: 0.1 })).toBeLessThan(0.9);
  });

  it('builds a decision matrix with verdicts and renders Markdown', () => {
    const a = buildReport(input('soft', 0.8));
    const b = buildReport({ ...input('crf', 0.6), seconds: 12 });
    const c = compareRuns([a, b], ['soft', 'crf']);
    expect(c.runs.map((r) => r.name)).toEqual(['soft', 'crf']);
    const keys = c.configDiff.map((d) => d.key);
    expect(keys).toContain('model.head');
    expect(keys).toContain('config.learningRate');
    expect(keys).not.toContain('config.batchSize');
    const crit = c.matrix.map((m) => m.criterion);
    for (const k of ['convergence', 'normalised efficiency', 'task balance', 'span task weight', 'calibration separation', 'span F1', 'inference simplicity'])
      expect(crit).toContain(k);
    const eff = c.matrix.find((m) => m.criterion === 'normalised efficiency')!;
    expect(eff.winner).toBe(0); // same reduction in half the time
    // not better-is-better: shown, never rewarded
    const sep = c.matrix.find((m) => m.criterion === 'calibration separation')!;
    expect([sep.better, sep.winner]).toEqual(['n/a', null]);
    const sw = c.matrix.find((m) => m.criterion === 'span task weight')!;
    expect([sw.better, sw.winner]).toEqual(['n/a', null]);
    expect(sw.verdict).toMatch(/information only/);
    const f1 = c.matrix.find((m) => m.criterion === 'span F1')!;
    expect(f1.winner).toBeNull();
    expect(f1.verdict).toMatch(/no clear difference \(95 % intervals overlap\)/);
    expect(f1.intervals).toHaveLength(2);
    for (const m of c.matrix) expect(m.verdict.length).toBeGreaterThan(5);
    expect(c.curves.valCriterionRelative[0][0]).toBe(1);
    const md = renderComparisonMarkdown(c);
    expect(md).toContain('## Decision matrix');
    expect(md).toContain('| model.head | soft | crf |');
    expect(() => compareRuns([a])).toThrow();
  });

  it('declares an F1 winner only when the intervals do not overlap', () => {
    const a = buildReport(input('soft', 0.8));
    const b = buildReport(input('soft', 0.8));
    const put = (r: RunReport, f1: number, low: number, high: number) => {
      const ci = { low, high, level: 0.95, resamples: 1000, block: 2, windows: 40 };
      r.headline = { ...r.headline!, spanF1: f1, spanCI: ci };
    };
    put(a, 0.8, 0.75, 0.85);
    put(b, 0.7, 0.6, 0.74);
    expect(compareRuns([a, b]).matrix.find((m) => m.criterion === 'span F1')!.winner).toBe(0);
    put(b, 0.7, 0.6, 0.76);
    const row = compareRuns([a, b]).matrix.find((m) => m.criterion === 'span F1')!;
    expect(row.winner).toBeNull();
    expect(row.verdict).toMatch(/no clear difference/);
  });
});
