import { afterEach, describe, expect, it } from 'vitest';
import { ProjectStore } from '../../../core/store/index.ts';
import { getRunReport, predictWindows, runTraining, type SavedModelSpec } from '../../../core/ml/training/run.ts';
import { buildDataset } from '../../../core/ml/training/dataset.ts';
import type { RunReport } from '../../../core/ml/eval/report.ts';
import { compareRuns } from '../../../core/ml/eval/compare.ts';
import { makeDemoProject, TINY } from './helpers.ts';
import { TRAINING_DEFAULTS } from '../../../core/ml/training/defaults.ts';

let store: ProjectStore | null = null;
afterEach(() => {
  store?.close();
  store = null;
});

describe('buildDataset', () => {
  it('takes roles from the windows, labels as window-relative spans, and normalises with train statistics', () => {
    const p = makeDemoProject(3);
    store = ProjectStore.open(p.file);
    const all = buildDataset(store, { setId: p.setId, windows: 'all', testFraction: 0 });
    expect(all.train).toHaveLength(24);
    expect(all.val).toHaveLength(6);
    expect(all.test).toHaveLength(0);
    // default: the last 10 % (3 windows) are the test block, the window before it is purged
    const held = buildDataset(store, { setId: p.setId, windows: 'all' });
    expect([held.train.length, held.val.length, held.test.length, held.skipped.purged]).toEqual([24, 2, 3, 1]);
    const lastStarts = all.val
      .map((r) => r.window.startIndex)
      .sort((a, b) => a - b)
      .slice(-3);
    expect(held.test.map((r) => r.window.startIndex).sort((a, b) => a - b)).toEqual(lastStarts);
    expect(held.notes.join(' ')).toMatch(/test block: the last 3/);
    const labelled = buildDataset(store, { setId: p.setId });
    expect(labelled.train.length + labelled.val.length).toBeLessThanOrEqual(30);
    expect(labelled.train.every((r) => r.spans.length > 0)).toBe(true);
    // normalised train features have ~zero mean per feature
    const F = all.features.length;
    let s = 0;
    for (let i = 0; i < all.trainX.length; i += F) s += all.trainX[i];
    expect(Math.abs(s / (all.trainX.length / F))).toBeLessThan(0.1);
    const lbl = store.listLabels({ setId: p.setId });
    const withSpans = all.train.find((r) => r.spans.length > 0)!;
    const l = lbl.find((x) => x.windowId === withSpans.window.id)!;
    const bars = store.readBars(withSpans.window.seriesId, withSpans.window.startIndex, 64);
    expect(withSpans.spans.some((sp) => bars.time[sp.start] === l.startTime && bars.time[sp.end] === l.endTime)).toBe(true);
  });
});

describe('runTraining', () => {
  it('persists epochs, models, predictions and the report in a completed run; saved models reload and predict identically', async () => {
    const p = makeDemoProject(5);
    store = ProjectStore.open(p.file);
    const epochs: number[] = [];
    const r = await runTraining(store, { setId: p.setId, head: 'crf', ...TINY, onEpoch: (e) => epochs.push(e.epoch) });
    expect(r.error).toBeNull();
    expect(r.status).toBe('completed');
    expect(epochs).toEqual([1, 2]);
    const row = store.getRun(r.runId)!;
    expect(row.status).toBe('completed');
    expect(row.backend).toBe('wasm');
    expect(store.listEpochs(r.runId)).toHaveLength(2);
    const report = row.report as RunReport;
    expect(getRunReport(store, r.runId)).toEqual(report);
    expect(report.runId).toBe(r.runId);
    expect(report.model.head).toBe('crf');
    expect(report.metrics.headline.decoder).toBe('viterbi');
    expect(report.data).toMatchObject({ trainWindows: 24, valWindows: 2 });
    // v2: the headline is on the held-out test block, validation beside it, each with an interval
    expect(report.version).toBe(3);
    expect(report.test?.windows).toBe(3);
    expect(report.headline?.on).toBe('test');
    expect(report.headline?.windows).toBe(3);
    expect(report.headline?.validation.windows).toBe(2);
    expect(report.headline?.spanCI?.level).toBe(0.95);
    expect(report.dataset?.skipped.purged).toBe(1);
    // baselines beside untrained/all-span, scored on the same windows
    expect(report.baselines.logistic?.test?.windows).toBe(3);
    expect(report.baselines.rule?.validation.windows).toBe(2);
    expect(report.temperature?.judgedOn).toBe('test');
    expect((row.config as { taskWeighting: string }).taskWeighting).toBe('ema-val');
    // with a test block the epoch is kept by validation span F1, and the report says so
    expect((row.config as { epochCriterion: string }).epochCriterion).toBe('span-f1');
    // the engine's defaults for this head: weight averaging, cosine decay, and (the CRF) weight decay 1
    expect(row.config).toMatchObject({ weightAverage: true, lrSchedule: 'cosine', weightDecay: TRAINING_DEFAULTS.weightDecayByHead.crf });
    expect(TRAINING_DEFAULTS.weightDecayByHead.crf).toBe(1);
    expect(report.loss.keptBy).toBe('span-f1');
    expect(report.loss.keptEpoch).toBe(report.members[0].bestEpoch);
    const models = store.loadModels(r.runId);
    expect(models).toHaveLength(1);
    const spec = models[0].spec as SavedModelSpec;
    expect(spec.features.length).toBe(spec.model.featureCount);
    expect(spec.normalizer.mean).toHaveLength(spec.model.featureCount);
    expect(spec.threshold).toBe(report.metrics.threshold.span);
    const saved = store.listPredictions(r.runId);
    expect(saved).toHaveLength(29); // every window but the purged one

    const again = await predictWindows(
      store,
      r.runId,
      saved.map((x) => x.windowId),
    );
    for (const a of again) {
      const s = saved.find((x) => x.windowId === a.windowId)!;
      expect(Array.from(a.spanProb)).toEqual(Array.from(s.probs));
      expect(a.spans).toEqual(s.spans);
    }
  });

  it('without a test block (the headline is on validation) the epoch is kept by the span loss, not by the F1 it reports', async () => {
    const p = makeDemoProject(6);
    store = ProjectStore.open(p.file);
    const r = await runTraining(store, { setId: p.setId, head: 'soft', ...TINY, testFraction: 0 });
    expect(r.status).toBe('completed');
    const row = store.getRun(r.runId)!;
    const report = row.report as RunReport;
    expect(report.headline?.on).toBe('validation');
    expect((row.config as { epochCriterion: string }).epochCriterion).toBe('span-loss');
    expect((row.config as { weightDecay: number }).weightDecay).toBe(TRAINING_DEFAULTS.weightDecayByHead.soft);
    expect(TRAINING_DEFAULTS.weightDecayByHead.soft).toBe(0);
    expect(report.loss.keptBy).toBe('span-loss');
  });

  it('a cancelled run ends "cancelled" without models or predictions', async () => {
    const p = makeDemoProject(6);
    store = ProjectStore.open(p.file);
    const ac = new AbortController();
    const r = await runTraining(store, { setId: p.setId, head: 'soft', ...TINY, epochs: 20, signal: ac.signal, onEpoch: () => ac.abort() });
    expect(r.status).toBe('cancelled');
    expect(store.getRun(r.runId)!.status).toBe('cancelled');
    expect(store.loadModels(r.runId)).toHaveLength(0);
    expect(store.listPredictions(r.runId)).toHaveLength(0);
    expect(store.listEpochs(r.runId)).toHaveLength(1);
    expect(() => getRunReport(store!, r.runId)).toThrow(/cancelled/);
  });

  it('a failing run ends "failed" with the message', async () => {
    const p = makeDemoProject(7);
    store = ProjectStore.open(p.file);
    const r = await runTraining(store, { setId: p.setId, head: 'soft', ...TINY, learningRate: -1 });
    expect(r.status).toBe('failed');
    expect(store.getRun(r.runId)!.status).toBe('failed');
    expect(store.getRun(r.runId)!.error).toMatch(/learningRate/);
  });

  it('two runs compare', async () => {
    const p = makeDemoProject(8);
    store = ProjectStore.open(p.file);
    const a = await runTraining(store, { setId: p.setId, head: 'soft', ...TINY, epochs: 1 });
    const b = await runTraining(store, { setId: p.setId, head: 'crf', ...TINY, epochs: 1, ensemble: 2 });
    expect(b.report!.model.ensemble).toBe(2);
    expect(store.loadModels(b.runId)).toHaveLength(2);
    const c = compareRuns([a.report!, b.report!]);
    expect(c.configDiff.map((d) => d.key)).toEqual(expect.arrayContaining(['config.head', 'config.ensemble']));
  });
});

describe('the test block is seen by no choice', () => {
  it('changing the test windows’ labels changes the headline only: epoch, thresholds, task weights and validation figures stay identical', async () => {
    const a = makeDemoProject(9);
    const b = makeDemoProject(9);
    const sa = ProjectStore.open(a.file);
    const sb = ProjectStore.open(b.file);
    try {
      const testIds = buildDataset(sb, { setId: b.setId, windows: 'all' }).test.map((r) => r.window.id);
      expect(testIds.length).toBe(3);
      // wipe the test block's labels in project b (windows: 'all' keeps them as "no span" windows)
      for (const id of testIds) for (const l of sb.listLabels({ windowId: id })) sb.deleteLabel(l.id);
      const ra = await runTraining(sa, { setId: a.setId, head: 'soft', ...TINY });
      const rb = await runTraining(sb, { setId: b.setId, head: 'soft', ...TINY });
      const A = ra.report!;
      const B = rb.report!;
      expect(B.members.map((m) => m.bestEpoch)).toEqual(A.members.map((m) => m.bestEpoch));
      expect(B.metrics.threshold).toEqual(A.metrics.threshold);
      expect(B.metrics.val).toEqual(A.metrics.val);
      expect(B.curves.taskWeights).toEqual(A.curves.taskWeights);
      expect(B.headline!.validation.spanF1).toBe(A.headline!.validation.spanF1);
      expect(B.test!.metrics.val.span).not.toEqual(A.test!.metrics.val.span);
    } finally {
      sa.close();
      sb.close();
    }
  });
});
