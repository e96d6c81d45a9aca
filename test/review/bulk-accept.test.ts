/**
 * Bulk accept (issue #14): review.acceptAbove accepts, on a set's unlabelled windows only, every
 * predicted span scoring at least the given score, as unconfirmed 'accepted' labels — one undo step
 * for all of them; dryRun only counts; a labelled window is never touched. A real project file and a
 * really trained run; the run's stored predictions are replaced to put windows in known situations.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CandlemarkService } from '../../core/service/service.ts';
import { makeDemoProject } from '../ml/training/helpers.ts';

let s: CandlemarkService;
let runId = 0;
let setId = 0;

beforeAll(async () => {
  const demo = makeDemoProject(23);
  setId = demo.setId;
  s = CandlemarkService.open(demo.file, { author: 'reviewer' });
  const run = await s.call('train.run', { hidden: 8, epochs: 1, batchSize: 8, backend: 'wasm', model: 'soft', setId });
  expect(run.status).toBe('completed');
  runId = run.runId;
}, 240_000);

afterAll(() => s?.close());

/** Stores a prediction for a window: one span on bars 5..15 with this score, or none (null). */
function plant(windowId: number, score: number | null): void {
  const w = s.store.getWindow(windowId)!;
  const times = s.store.readTimes(w.seriesId);
  const probs = new Float32Array(w.length).fill(0.1);
  const spans = score === null ? [] : [{ start: 5, end: 15, startTime: times[w.startIndex + 5], endTime: times[w.startIndex + 15], type: 'up', score }];
  s.store.savePredictions(runId, [{ windowId, probs, spans, viterbi: null, typeProbs: new Float32Array([0.9, 0.1]) }]);
}

describe('review.acceptAbove', () => {
  it('accepts spans above the score on unlabelled windows only, in one undo step', async () => {
    const windows = s.store.listWindows({ setId });
    const labelledIds = new Set(s.store.listLabels({ setId }).map((l) => l.windowId));
    const open = windows.filter((w) => !w.reviewed && !labelledIds.has(w.id));
    expect(open.length).toBeGreaterThanOrEqual(3);
    const labelled = windows.find((w) => labelledIds.has(w.id))!;
    // Every window gets a known prediction: two open windows score high, one low, the rest nothing; a labelled one scores highest.
    for (const w of windows) plant(w.id, null);
    plant(open[0].id, 0.9);
    plant(open[1].id, 0.8);
    plant(open[2].id, 0.5);
    plant(labelled.id, 0.99);
    const labelsBefore = s.store.listLabels({ setId });
    const openBefore = (await s.call('project.info', {})).counts.findings.open;

    const dry = await s.call('review.acceptAbove', { runId, minScore: 0.75, dryRun: true });
    // A dry run changes nothing: its change (issue #10, point 9) names no window.
    expect(dry).toEqual({
      runId,
      setId,
      minScore: 0.75,
      windowIds: [open[0].id, open[1].id],
      spans: 2,
      accepted: false,
      newConflicts: 0,
      change: expect.objectContaining({ windowIds: [], labels: [] }),
    });
    expect(s.store.listLabels({ setId })).toEqual(labelsBefore);

    const done = await s.call('review.acceptAbove', { runId, minScore: 0.75 });
    expect(done.accepted).toBe(true);
    // Conflicts the accepted spans made are counted (the findings are refreshed in the same change).
    expect(done.newConflicts).toBe(Math.max(0, (await s.call('project.info', {})).counts.findings.open - openBefore));
    const added = s.store.listLabels({ setId }).filter((l) => !labelsBefore.some((b) => b.id === l.id));
    expect(added.map((l) => l.windowId).sort()).toEqual([open[0].id, open[1].id].sort());
    expect(added.every((l) => l.origin === 'accepted' && l.author === 'reviewer' && l.originRun === runId)).toBe(true);
    // The labelled window keeps exactly its own labels.
    expect(s.store.listLabels({ windowId: labelled.id })).toEqual(labelsBefore.filter((l) => l.windowId === labelled.id));
    const summary = await s.call('review.summary', { runId, windowIds: [open[0].id, open[1].id] });
    expect(summary.windows.map((r) => r.decision)).toEqual(['accepted', 'accepted']);

    // One undo takes all of it back; one redo puts it back.
    await s.call('labels.undo', {});
    expect(
      s.store
        .listLabels({ setId })
        .map((l) => l.id)
        .sort(),
    ).toEqual(labelsBefore.map((l) => l.id).sort());
    await s.call('labels.redo', {});
    expect(s.store.listLabels({ setId }).length).toBe(labelsBefore.length + 2);

    // Nothing left above the score: nothing to do.
    expect((await s.call('review.acceptAbove', { runId, minScore: 0.75 })).windowIds).toEqual([]);
    await expect(s.call('review.acceptAbove', { runId, minScore: 1.5 })).rejects.toMatchObject({ code: 'invalid-arguments' });
  });
});
