/**
 * The pre-flight (`train.check`, and the check train.start makes before any thread starts) counts the
 * windows of the run's label source (core/ml/training/label-source.ts): a run on one annotator's
 * labels, where that annotator labelled no validation window, is refused at once with a message
 * that names the annotator, the part and the windows to label; it no longer passes the check and
 * then fails inside the worker with the dataset's generic message. Real project file (the generated
 * demo set written by the 'demo' annotator), real service; nothing trains.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CandlemarkService } from '../../core/service/service.ts';
import { MIN_TRAIN_WINDOWS, MIN_VALIDATION_WINDOWS, positionRanges } from '../../core/ml/training/preflight.ts';
import { buildDataset } from '../../core/ml/training/dataset.ts';
import { makeDemoProject } from '../ml/training/helpers.ts';

const open: CandlemarkService[] = [];
afterEach(() => {
  while (open.length) open.pop()!.close();
});

/** The demo project (30 windows × 64 bars, 24 train / 6 val, spans by 'demo') and bob's spans on training windows only. */
async function project(bobTrainWindows: number) {
  const p = makeDemoProject(5);
  const s = CandlemarkService.open(p.file, { author: 'tester' });
  open.push(s);
  const windows = await s.call('windows.list', { setId: p.setId });
  const train = windows.filter((w) => w.role === 'train');
  const val = windows.filter((w) => w.role === 'val');
  const pos = (id: number) => windows.findIndex((w) => w.id === id) + 1;
  const labelAsBob = async (w: (typeof windows)[number]) => {
    const times = s.store.readTimes(w.seriesId);
    await s.call('labels.add', {
      windowId: w.id,
      startTime: times[w.startIndex + 10],
      endTime: times[w.startIndex + 20],
      type: 'up',
      annotator: 'bob',
    });
  };
  for (const w of train.slice(0, bobTrainWindows)) await labelAsBob(w);
  return { s, setId: p.setId, train, val, pos, labelAsBob };
}

describe('train.check with a label source', () => {
  it("counts one annotator's windows, names what is missing for them, and train.start refuses with the same message", async () => {
    const { s, setId, train, val, pos, labelAsBob } = await project(MIN_TRAIN_WINDOWS + 1);
    // Every annotator's labels: the demo's spans make the set trainable.
    const all = await s.call('train.check', { setId });
    expect(all.ok).toBe(true);
    expect(all.labelSource).toBe('all annotators');

    const bob = { annotator: 'bob' };
    const check = await s.call('train.check', { setId, labelSource: bob });
    expect(check).toMatchObject({
      labelledTrain: MIN_TRAIN_WINDOWS + 1,
      labelledValidation: 0,
      trainWindows: train.length,
      validationWindows: val.length,
      labelSource: 'annotator bob',
      ok: false,
    });
    const valPositions = positionRanges(val.map((w) => pos(w.id)));
    expect(check.reason).toContain(`has ${MIN_TRAIN_WINDOWS + 1} windows labelled by annotator bob (${MIN_TRAIN_WINDOWS + 1} in training, 0 in validation)`);
    expect(check.reason).toContain(`label ${MIN_VALIDATION_WINDOWS} more in the validation part as bob (windows ${valPositions})`);
    expect(check.reason).toContain('or choose another set or label source');
    expect(check.reason).toContain('windows only others labelled do not count');

    // The run is refused before any thread starts, with the check's message (not the dataset's).
    const started: unknown[] = [];
    s.events.on('training.started', (e) => started.push(e));
    const err = await s.call('train.start', { setId, labelSource: bob, epochs: 1, backend: 'wasm' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'invalid-operation', message: `training could not start: ${check.reason}` });
    expect(started).toEqual([]);
    expect(await s.call('runs.list', { includeIncomplete: true })).toEqual([]);

    // The dataset (for callers past the service) says whose labels are missing too.
    expect(() => buildDataset(s.store, { setId, windows: 'labelled', labelSource: bob })).toThrow(
      `Window set ${setId} has no validation windows labelled by annotator bob`,
    );

    // Consensus counts every labelled window (a window one annotator labelled keeps their spans).
    expect((await s.call('train.check', { setId, labelSource: 'consensus' })).ok).toBe(true);

    // Bob labels two validation windows: the check turns ok for his source.
    for (const w of val.slice(0, MIN_VALIDATION_WINDOWS)) await labelAsBob(w);
    expect(await s.call('train.check', { setId, labelSource: bob })).toMatchObject({ labelledValidation: MIN_VALIDATION_WINDOWS, ok: true, reason: null });
  });

  it('a window reviewed with no span counts for every source; one only others labelled does not', async () => {
    const { s, setId, val } = await project(MIN_TRAIN_WINDOWS);
    // The demo labelled val[0] (spans by 'demo'); an empty validation window reviewed "no span" is a negative for bob too.
    const demoLabelled = new Set(s.store.listLabels({ setId }).map((l) => l.windowId));
    const empty = val.filter((w) => !demoLabelled.has(w.id));
    const byDemo = val.filter((w) => demoLabelled.has(w.id));
    expect(byDemo.length).toBeGreaterThan(0);
    for (const w of byDemo) await s.call('windows.setReviewed', { windowId: w.id, reviewed: true });
    const before = await s.call('train.check', { setId, labelSource: { annotator: 'bob' } });
    expect(before.labelledValidation).toBe(0);
    for (const w of empty) await s.call('windows.setReviewed', { windowId: w.id, reviewed: true });
    const after = await s.call('train.check', { setId, labelSource: { annotator: 'bob' } });
    expect(after.labelledValidation).toBe(empty.length);
  });

  it('refuses a malformed label source like train.start does', async () => {
    const { s, setId } = await project(0);
    await expect(s.call('train.check', { setId, labelSource: { annotator: '' } } as never)).rejects.toMatchObject({ code: 'invalid-arguments' });
  });

  it('validation windows holding unconfirmed model-written labels do not count (they are never scored) until confirmed', async () => {
    const { s, setId, val, pos } = await project(0);
    const labels = s.store.listLabels({ setId });
    const labelledVal = val.filter((w) => labels.some((l) => l.windowId === w.id));
    expect(labelledVal.length).toBeGreaterThanOrEqual(MIN_VALIDATION_WINDOWS);
    expect((await s.call('train.check', { setId })).ok).toBe(true);
    // The demo's spans of every labelled validation window come back from a file as a model's accepted,
    // unconfirmed spans (the interchange keeps provenance).
    const iso = (ms: number) => new Date(ms).toISOString();
    const windows = labelledVal.map((w) => ({
      id: String(w.id),
      series: w.seriesId,
      start: iso(w.startTime),
      length: w.length,
      spans: labels
        .filter((l) => l.windowId === w.id)
        .map((l) => ({ start: iso(l.startTime), end: iso(l.endTime), type: l.type, annotator: 'demo', origin: 'accepted', run: 1 })),
    }));
    const text = JSON.stringify({ version: 1, series: [{ id: val[0].seriesId }], labelTypes: ['up', 'down'], windows });
    await s.call('labels.importText', { fileName: 'accepted.json', text, annotator: 'tester' });
    const check = await s.call('train.check', { setId });
    expect(check).toMatchObject({
      ok: false,
      labelledValidation: 0,
      unconfirmedValidation: labelledVal.length,
    });
    expect(check.reason).toContain(`and ${labelledVal.length} more there holding unconfirmed model-written labels`);
    expect(check.reason).toContain(`confirm the model-written labels of validation windows ${positionRanges(labelledVal.map((w) => pos(w.id)))}`);
    const err = await s.call('train.start', { setId, epochs: 1, backend: 'wasm' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'invalid-operation', message: `training could not start: ${check.reason}` });
    // Confirmed, they count again.
    for (const w of labelledVal) await s.call('review.confirm', { windowId: w.id, annotator: 'tester' });
    expect(await s.call('train.check', { setId })).toMatchObject({ ok: true, unconfirmedValidation: 0, labelledValidation: labelledVal.length });
  });
});

describe('train.check for walk-forward runs (they do not use the training/validation roles)', () => {
  it('counts labelled windows of both parts together, and the run starts where a holdout run is refused', async () => {
    // bob labelled 12 training windows and no validation window.
    const { s, setId } = await project(12);
    const bob = { annotator: 'bob' };
    const holdout = await s.call('train.check', { setId, labelSource: bob });
    expect(holdout).toMatchObject({ ok: false, evaluation: 'holdout', labelledTrain: 12, labelledValidation: 0 });
    const wf = await s.call('train.check', { setId, labelSource: bob, evaluation: 'walk-forward' });
    expect(wf).toMatchObject({ ok: true, evaluation: 'walk-forward', reason: null });
    // A holdout run is refused before any thread starts; a walk-forward run on the same labels trains.
    await expect(s.call('train.run', { setId, labelSource: bob, epochs: 1, hidden: 8 })).rejects.toThrow(/validation/);
    const run = await s.call('train.run', { setId, labelSource: bob, epochs: 1, hidden: 8, evaluation: 'walk-forward', folds: 2, testFraction: 0 });
    expect(run.status).toBe('completed');
    expect(run.report?.crossValidation?.folds).toBe(2);
  });

  it('with too few labelled windows in all, says how many walk-forward needs and where to label', async () => {
    const { s, setId, pos, train } = await project(MIN_TRAIN_WINDOWS);
    const check = await s.call('train.check', { setId, labelSource: { annotator: 'bob' }, evaluation: 'walk-forward' });
    expect(check.ok).toBe(false);
    const need = MIN_TRAIN_WINDOWS + MIN_VALIDATION_WINDOWS;
    expect(check.reason).toContain(`has ${MIN_TRAIN_WINDOWS} windows labelled by annotator bob`);
    expect(check.reason).toContain(`needs at least ${need}`);
    expect(check.reason).toContain(`label ${need - MIN_TRAIN_WINDOWS} more as bob (windows ${pos(train[MIN_TRAIN_WINDOWS].id)}`);
  });
});
