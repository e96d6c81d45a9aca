/**
 * train.start: non-blocking training for UIs. The command returns once the run row exists; epochs
 * stream as events while the caller keeps using the service (label edits included); train.cancel
 * and close() stop runs started this way.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CandlemarkService } from '../../core/service/service.ts';
import { ProjectStore } from '../../core/store/index.ts';
import type { ServiceEvents } from '../../core/service/events.ts';
import type { CommandInput } from '../../core/service/schemas.ts';
import { makeDemoProject } from '../ml/training/helpers.ts';
import { nextEvent } from '../helpers/service-events.ts';

/** Long enough to outlast every check (cancelled before the end). */
const LONG: CommandInput<'train.start'> = { hidden: 8, epochs: 1000, batchSize: 8, backend: 'wasm' };

const open: CandlemarkService[] = [];
afterEach(() => {
  while (open.length) open.pop()!.close();
});

function service(file: string): CandlemarkService {
  const s = CandlemarkService.open(file, { author: 'tester' });
  open.push(s);
  return s;
}

async function waitFor(check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > timeoutMs) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('train.start', () => {
  it('returns while the run trains, streams epochs, keeps label edits working, and cancels', async () => {
    const { file } = makeDemoProject(11);
    const s = service(file);
    const started: ServiceEvents['training.started'][] = [];
    const epochs: ServiceEvents['training.epoch'][] = [];
    s.events.on('training.started', (e) => started.push(e));
    s.events.on('training.epoch', (e) => epochs.push(e));

    const run = await s.call('train.start', LONG);
    expect(run.runId).toBeGreaterThan(0);
    expect(run.backend).toBe('wasm');
    expect(run.device).not.toBe('');
    expect(Object.keys(run).sort()).toEqual(['backend', 'device', 'queued', 'runId']);
    expect(run.queued).toBeNull();
    // Returned as soon as the row exists: the run is still training.
    expect((await s.call('runs.get', { runId: run.runId })).status).toBe('running');
    expect(started).toEqual([{ runId: run.runId, backend: run.backend, device: run.device, clientId: null, seq: expect.any(Number) }]);

    await waitFor(() => epochs.length >= 2);
    for (const e of epochs.slice(0, 2)) {
      expect(e.runId).toBe(run.runId);
      expect(e.epochs).toBe(LONG.epochs);
      expect(e.etaSeconds).toBeGreaterThan(0);
      expect(Number.isFinite((e.metrics as { valLoss: number }).valLoss)).toBe(true);
    }
    expect(epochs.map((e) => e.epoch).slice(0, 2)).toEqual([1, 2]);

    // Label edits through the service while the worker trains (and writes epochs to the same file).
    const [label] = await s.call('labels.list', {});
    const changed: number[][] = [];
    const offChanged = s.events.on('labels.changed', (e) => changed.push(e.windowIds));
    const updated = await s.call('labels.update', { id: label.id, patch: { note: 'edited while training' } });
    expect(updated.note).toBe('edited while training');
    await s.call('labels.delete', { id: label.id });
    expect((await s.call('labels.list', { windowId: label.windowId })).some((l) => l.id === label.id)).toBe(false);
    const readded = await s.call('labels.add', { windowId: label.windowId, startTime: label.startTime, endTime: label.endTime, type: label.type });
    expect(readded.windowId).toBe(label.windowId);
    await s.call('labels.undo', {});
    await s.call('labels.redo', {});
    offChanged();
    expect(changed.length).toBe(5);
    expect(changed.every((w) => w.includes(label.windowId))).toBe(true);
    expect((await s.call('runs.get', { runId: run.runId })).status).toBe('running');
    const seen = epochs.length;
    await waitFor(() => epochs.length > seen); // still training after the edits

    const finished = nextEvent(s, 'training.finished', (e) => e.runId === run.runId);
    expect(await s.call('train.cancel', { runId: run.runId })).toEqual({ runId: run.runId, cancelling: true });
    expect(await finished).toMatchObject({ runId: run.runId, status: 'cancelled' });
    const row = await s.call('runs.get', { runId: run.runId });
    expect(row.status).toBe('cancelled');
    expect(row.epochs.length).toBeGreaterThanOrEqual(3);
    // No longer training in this session.
    await expect(s.call('train.cancel', { runId: run.runId })).rejects.toMatchObject({ code: 'not-found' });
  });

  it('runs started side by side are independent, and close() cancels all of them', async () => {
    const { file } = makeDemoProject(12);
    const s = CandlemarkService.open(file);
    const a = await s.call('train.start', LONG);
    const b = await s.call('train.start', { ...LONG, seed: 2 });
    expect(b.runId).not.toBe(a.runId);
    const perRun = new Map<number, number>();
    const off = s.events.on('training.epoch', (e) => perRun.set(e.runId, (perRun.get(e.runId) ?? 0) + 1));
    await waitFor(() => (perRun.get(a.runId) ?? 0) >= 1 && (perRun.get(b.runId) ?? 0) >= 1, 60_000);
    off();
    const finished = Promise.all([a.runId, b.runId].map((id) => nextEvent(s, 'training.finished', (e) => e.runId === id)));
    s.close();
    expect((await finished).map((e) => e.status)).toEqual(['cancelled', 'cancelled']);
    // The workers recorded the cancellation in the file themselves.
    const store = ProjectStore.open(file);
    try {
      expect([store.getRun(a.runId)?.status, store.getRun(b.runId)?.status]).toEqual(['cancelled', 'cancelled']);
    } finally {
      store.close();
    }
  });

  it('train.run is start + wait: it resolves with the finished run', async () => {
    const { file } = makeDemoProject(13);
    const s = service(file);
    const events: string[] = [];
    s.events.onAny((name) => {
      if (name.startsWith('training.')) events.push(name);
    });
    const result = await s.call('train.run', { hidden: 8, epochs: 2, batchSize: 8, backend: 'wasm' });
    expect(result.status).toBe('completed');
    expect(result.backend).toBe('wasm');
    expect(result.report?.curves.epoch).toEqual([0, 1, 2]);
    expect(events).toEqual(['training.started', 'training.epoch', 'training.epoch', 'training.finished']);
    expect((await s.call('runs.get', { runId: result.runId })).status).toBe('completed');
  });
});
