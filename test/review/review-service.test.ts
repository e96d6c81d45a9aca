/**
 * review.* commands on a real project file with really trained runs: predictions are made once and
 * kept, statuses follow the current labels, accepting turns predictions into labels in one undo
 * step (and refreshes conflicts), rejecting is remembered across a reopen.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CandlemarkService } from '../../core/service/service.ts';
import type { ServiceEvents } from '../../core/service/events.ts';
import type { ReviewSpan } from '../../core/review/types.ts';
import { makeDemoProject } from '../ml/training/helpers.ts';

const TINY = { hidden: 8, epochs: 2, batchSize: 8, backend: 'wasm' } as const;

const open: CandlemarkService[] = [];
afterEach(() => {
  while (open.length) open.pop()!.close();
});
function service(file: string): CandlemarkService {
  const s = CandlemarkService.open(file, { author: 'reviewer' });
  open.push(s);
  return s;
}

let file = '';
let setId = 0;
let softRun = 0;
let crfRun = 0;

beforeAll(async () => {
  const demo = makeDemoProject(21);
  file = demo.file;
  setId = demo.setId;
  const s = CandlemarkService.open(file, { author: 'trainer' });
  try {
    const soft = await s.call('train.run', { ...TINY, model: 'soft', setId });
    const crf = await s.call('train.run', { ...TINY, model: 'crf', setId });
    expect([soft.status, crf.status]).toEqual(['completed', 'completed']);
    softRun = soft.runId;
    crfRun = crf.runId;
  } finally {
    s.close();
  }
}, 240_000);

/** Replaces a run's stored prediction of one window, to put the window in a known situation. */
function plantPrediction(s: CandlemarkService, runId: number, windowId: number, spans: Array<Pick<ReviewSpan, 'start' | 'end' | 'type'>>): ReviewSpan[] {
  const w = s.store.getWindow(windowId)!;
  const times = s.store.readTimes(w.seriesId);
  const probs = new Float32Array(w.length).fill(0.1);
  const full = spans.map((sp) => {
    for (let i = sp.start; i <= sp.end; i++) probs[i] = 0.8;
    return { ...sp, startTime: times[w.startIndex + sp.start], endTime: times[w.startIndex + sp.end], score: 0.8 };
  });
  s.store.savePredictions(runId, [{ windowId, probs, spans: full, viterbi: null, typeProbs: new Float32Array([0.9, 0.1]) }]);
  return full;
}

describe('review.summary and review.window', () => {
  it('predicts every window of the set once, counts statuses, and keeps the CRF Viterbi path', async () => {
    const s = service(file);
    const windows = s.store.listWindows({ setId });
    const progress: ServiceEvents['progress'][] = [];
    s.events.on('progress', (p) => p.task === 'review' && progress.push(p));
    // Training stored the predictions of the windows it trained on; unlabelled ones are predicted now.
    const labelled = new Set(s.store.listLabels({ setId }).map((l) => l.windowId));
    expect(s.store.listPredictions(crfRun).length).toBe(labelled.size);

    const summary = await s.call('review.summary', { runId: crfRun });
    expect(summary.head).toBe('crf');
    expect(summary.setId).toBe(setId);
    expect(summary.windows.map((w) => w.windowId)).toEqual(windows.map((w) => w.id));
    expect(Object.values(summary.counts).reduce((a, b) => a + b, 0)).toBe(windows.length);
    expect(summary.counts.unlabelled).toBe(windows.filter((w) => !labelled.has(w.id)).length);
    expect(s.store.listPredictions(crfRun).length).toBe(windows.length);
    expect(progress.at(-1)?.fraction).toBe(1);
    for (const row of summary.windows) {
      expect(row.uncertainty).toBeGreaterThanOrEqual(0);
      expect(row.uncertainty).toBeLessThanOrEqual(1);
      expect(row.status === 'unlabelled').toBe(!labelled.has(row.windowId));
    }

    // Cached: a second summary predicts nothing.
    progress.length = 0;
    await s.call('review.summary', { runId: crfRun });
    expect(progress).toEqual([]);
    expect(summary.complete).toBe(true);

    // Asked for two windows: the same counts, only their rows.
    const some = await s.call('review.summary', { runId: crfRun, windowIds: [windows[2].id, windows[0].id] });
    expect(some.complete).toBe(false);
    expect(some.counts).toEqual(summary.counts);
    expect(some.windows).toEqual([summary.windows[0], summary.windows[2]]);

    const w = windows[0];
    const detail = await s.call('review.window', { runId: crfRun, windowId: w.id });
    expect(detail.times).toEqual(Array.from(s.store.readBars(w.seriesId, w.startIndex, w.length).time));
    expect(detail.spanProb).toHaveLength(w.length);
    expect(detail.viterbi).toHaveLength(w.length);
    expect(detail.viterbi!.every((v) => v === 0 || v === 1)).toBe(true);
    expect(detail.typeNames).toEqual(['up', 'down']);
    expect(detail.typeProb).toHaveLength(2);
    expect(detail.status).toBe(summary.windows[0].status);

    const soft = await s.call('review.window', { runId: softRun, windowId: w.id });
    expect(soft.head).toBe('soft');
    expect(soft.viterbi).toBeNull();
  }, 120_000);

  it('tells agree, type and boundary apart on one window, with the tolerance as asked', async () => {
    const s = service(file);
    // A summary first, so the one at the end must see the predictions planted in between (no stale cache).
    await s.call('review.summary', { runId: softRun });
    const labelledWindow = s.store.listLabels({ setId })[0].windowId;
    const [lab] = s.store.listLabels({ windowId: labelledWindow });
    const w = s.store.getWindow(labelledWindow)!;
    const times = s.store.readTimes(w.seriesId);
    const start = times.indexOf(lab.startTime) - w.startIndex;
    const end = times.indexOf(lab.endTime) - w.startIndex;
    const other = lab.type === 'up' ? 'down' : 'up';

    plantPrediction(s, softRun, w.id, [{ start, end, type: lab.type }]);
    expect((await s.call('review.window', { runId: softRun, windowId: w.id })).status).toBe('agree');
    plantPrediction(s, softRun, w.id, [{ start, end, type: other }]);
    expect((await s.call('review.window', { runId: softRun, windowId: w.id })).status).toBe('type');
    const shifted = Math.min(w.length - 1, end + 5);
    plantPrediction(s, softRun, w.id, [{ start, end: shifted, type: lab.type }]);
    const boundary = await s.call('review.window', { runId: softRun, windowId: w.id });
    expect(boundary.status).toBe(shifted - end > 2 ? 'boundary' : 'agree');
    expect(boundary.matches).toEqual([{ kind: boundary.status, labelId: lab.id, predicted: 0, iou: expect.any(Number) }]);
    // A looser tolerance turns the same window into an agreement.
    expect((await s.call('review.window', { runId: softRun, windowId: w.id, tolerance: 10 })).status).toBe('agree');

    const summary = await s.call('review.summary', { runId: softRun });
    expect(summary.windows.find((r) => r.windowId === w.id)!.status).toBe(boundary.status);
  }, 60_000);
});

describe('review.accept and review.reject', () => {
  it('accepts a prediction on an unlabelled window as labels, in one undo step, and refreshes conflicts', async () => {
    const s = service(file);
    const labelled = new Set(s.store.listLabels({ setId }).map((l) => l.windowId));
    const w = s.store.listWindows({ setId }).find((x) => !labelled.has(x.id) && !x.reviewed)!;
    const planted = plantPrediction(s, softRun, w.id, [
      { start: 5, end: 20, type: 'up' },
      { start: 40, end: 50, type: 'down' },
    ]);
    const changed: number[][] = [];
    const findings: number[] = [];
    const reviews: ServiceEvents['review.changed'][] = [];
    s.events.on('labels.changed', (e) => changed.push(e.windowIds));
    s.events.on('findings.changed', (e) => findings.push(e.open));
    s.events.on('review.changed', (e) => reviews.push(e));

    const result = await s.call('review.accept', { runId: softRun, windowId: w.id });
    expect(result).toMatchObject({ decision: 'accepted', status: 'agree', removedLabelIds: [] });
    const labels = s.store.listLabels({ windowId: w.id });
    expect(labels.map((l) => [l.startTime, l.endTime, l.type, l.confidence])).toEqual(planted.map((p) => [p.startTime, p.endTime, p.type, 1]));
    expect(labels.map((l) => l.id)).toEqual(result.addedLabelIds);
    expect(labels[0].note).toMatch(new RegExp(`accepted from run ${softRun}`));
    expect(changed).toEqual([[w.id]]);
    expect(findings.length).toBeGreaterThan(0);
    expect(reviews).toMatchObject([{ runId: softRun, windowIds: [w.id] }]);
    let row = (await s.call('review.summary', { runId: softRun })).windows.find((r) => r.windowId === w.id)!;
    expect(row).toMatchObject({ status: 'agree', decision: 'accepted', labelCount: 2 });

    // One undo removes both labels; the acceptance no longer describes the window.
    await s.call('labels.undo');
    expect(s.store.listLabels({ windowId: w.id })).toEqual([]);
    row = (await s.call('review.summary', { runId: softRun })).windows.find((r) => r.windowId === w.id)!;
    expect(row).toMatchObject({ status: 'unlabelled', decision: null });
    await s.call('labels.redo');
    expect(s.store.listLabels({ windowId: w.id })).toHaveLength(2);
  }, 60_000);

  it('accepting one span replaces only the labels it overlaps; accepting "no span" clears the window', async () => {
    const s = service(file);
    const [a, b] = s.store.listWindows({ setId }).filter((x) => s.store.listLabels({ windowId: x.id }).length === 0 && !x.reviewed);
    const times = s.store.readTimes(a.seriesId);
    const at = (w: typeof a, i: number) => times[w.startIndex + i];
    const keep = await s.call('labels.add', { windowId: a.id, startTime: at(a, 50), endTime: at(a, 60), type: 'down' });
    const replaced = await s.call('labels.add', { windowId: a.id, startTime: at(a, 4), endTime: at(a, 10), type: 'up' });
    plantPrediction(s, softRun, a.id, [
      { start: 2, end: 12, type: 'up' },
      { start: 30, end: 35, type: 'up' },
    ]);
    const result = await s.call('review.accept', { runId: softRun, windowId: a.id, spanIndex: 0 });
    expect(result.removedLabelIds).toEqual([replaced.id]);
    const now = s.store.listLabels({ windowId: a.id }).sort((x, y) => x.startTime - y.startTime);
    expect(now.map((l) => [l.startTime, l.endTime, l.type])).toEqual([
      [at(a, 2), at(a, 12), 'up'],
      [keep.startTime, keep.endTime, 'down'],
    ]);
    // The second predicted span is still not a label: the window reads "extra" and "missed".
    expect(result.status).toBe('missed');
    expect(result.decision).toBeNull();

    await s.call('labels.add', { windowId: b.id, startTime: at(b, 3), endTime: at(b, 9), type: 'up' });
    plantPrediction(s, softRun, b.id, []);
    expect((await s.call('review.window', { runId: softRun, windowId: b.id })).status).toBe('missed');
    const none = await s.call('review.accept', { runId: softRun, windowId: b.id });
    expect(none).toMatchObject({ status: 'agree', decision: 'accepted', addedLabelIds: [] });
    expect(s.store.listLabels({ windowId: b.id })).toEqual([]);
    expect(s.store.getWindow(b.id)!.reviewed).toBe(true);

    await expect(s.call('review.accept', { runId: softRun, windowId: a.id, spanIndex: 7 })).rejects.toMatchObject({ code: 'invalid-arguments' });
  }, 60_000);

  it('remembers a rejection across a reopen, and clears it on request', async () => {
    let s = service(file);
    const w = s.store.listWindows({ setId })[3];
    const labelsBefore = s.store.listLabels({ windowId: w.id });
    const r = await s.call('review.reject', { runId: crfRun, windowId: w.id });
    expect(r.decision).toBe('rejected');
    expect(s.store.listLabels({ windowId: w.id })).toEqual(labelsBefore);
    s.close();
    open.pop();

    s = service(file);
    const summary = await s.call('review.summary', { runId: crfRun });
    expect(summary.windows.find((x) => x.windowId === w.id)!.decision).toBe('rejected');
    expect(summary.decided).toBeGreaterThanOrEqual(1);
    expect((await s.call('review.reject', { runId: crfRun, windowId: w.id, clear: true })).decision).toBeNull();
    expect((await s.call('review.window', { runId: crfRun, windowId: w.id })).decision).toBeNull();
  }, 60_000);

  it('refuses runs without a model, unknown windows and malformed arguments', async () => {
    const s = service(file);
    const failed = s.store.createRun({ model: 'soft', config: { setId }, dataSnapshot: {}, backend: 'wasm', device: 'cpu' });
    s.store.finishRun(failed, 'failed', undefined, 'planted failure');
    await expect(s.call('review.summary', { runId: failed })).rejects.toMatchObject({
      code: 'invalid-operation',
      message: expect.stringMatching(/failed: only completed runs/),
    });
    await expect(s.call('review.window', { runId: 9999, windowId: 1 })).rejects.toMatchObject({ code: 'not-found' });
    await expect(s.call('review.window', { runId: softRun, windowId: 999_999 })).rejects.toMatchObject({ code: 'not-found' });
    await expect(s.call('review.accept', { runId: softRun, windowId: 1, spanIndex: -1 } as never)).rejects.toMatchObject({ code: 'invalid-arguments' });
    await expect(s.call('review.reject', { runId: softRun, windowId: 1, extra: true } as never)).rejects.toMatchObject({ code: 'invalid-arguments' });
  });
});
