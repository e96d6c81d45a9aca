/**
 * Deleting window sets and runs (issue 14, point 3): the dry run counts exactly what the delete
 * then removes, a set's labels/findings go with it while its runs and other sets stay, a running
 * run is refused, and a missing one is a typed not-found (never an internal error).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CandlemarkService } from '../../core/service/service.ts';

let dir: string;
let s: CandlemarkService;
let demoSet: number;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'candlemark-manage-'));
  s = CandlemarkService.open(path.join(dir, 'p.candlemark'), { create: true, author: 't' });
  demoSet = ((await s.call('demo.create', { bars: 1024, seed: 9, contradictions: 3 })) as { setId: number }).setId;
});
afterAll(() => {
  s.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('windows.deleteSet', () => {
  it('counts, then deletes the set with its windows, labels and findings, leaving other sets alone', async () => {
    const other = await s.call('windows.create', { length: 64, stride: 64 });
    const w = s.store.listWindows({ setId: other.id })[0];
    await s.call('windows.setReviewed', { windowId: w.id, reviewed: true });
    const dry = await s.call('windows.deleteSet', { setId: demoSet, dryRun: true });
    expect(dry.deleted).toBe(false);
    const windows = s.store.listWindows({ setId: demoSet });
    const ids = new Set(windows.map((x) => x.id));
    const spans = s.store.listLabels({ setId: demoSet }).length;
    expect(dry.impact).toMatchObject({ setId: demoSet, windows: windows.length, spans, runs: [] });
    expect(dry.impact.openFindings).toBe(s.store.listFindings({ status: 'open' }).filter((f) => ids.has(f.windowA) || ids.has(f.windowB)).length);
    expect(dry.impact.openFindings).toBeGreaterThan(0);
    expect(s.store.listWindows({ setId: demoSet })).toHaveLength(windows.length);

    const done = await s.call('windows.deleteSet', { setId: demoSet });
    expect(done).toEqual({ deleted: true, impact: dry.impact });
    expect(s.store.getWindowSet(demoSet)).toBeNull();
    expect(s.store.listLabels().filter((l) => ids.has(l.windowId))).toEqual([]);
    expect(s.store.listFindings().filter((f) => ids.has(f.windowA) || ids.has(f.windowB))).toEqual([]);
    expect(s.store.listWindows({ setId: other.id }).find((x) => x.id === w.id)?.reviewed).toBe(true);
    // Undo skips the steps whose windows are gone and still undoes the other set's edit.
    const undo = await s.call('labels.undo', {});
    expect(undo.step?.windowIds).toEqual([w.id]);
  });

  it('a missing set is not-found', async () => {
    await expect(s.call('windows.deleteSet', { setId: 99_999 })).rejects.toMatchObject({ code: 'not-found', message: 'No window set 99999' });
  });
});

describe('runs.delete', () => {
  it('refuses a running run, deletes a finished one, and says not-found after', async () => {
    const set = await s.call('windows.create', { length: 64, stride: 32 });
    const running = s.store.createRun({ model: 'soft', config: { setId: set.id }, backend: 'cpu', device: 'test', dataSnapshot: { setId: set.id } });
    await expect(s.call('runs.delete', { runId: running })).rejects.toMatchObject({
      code: 'invalid-operation',
      message: `Run ${running} is training: cancel it before deleting it`,
    });
    s.store.finishRun(running, 'cancelled');
    const dry = await s.call('runs.delete', { runId: running, dryRun: true });
    expect(dry.impact).toMatchObject({ runId: running, status: 'cancelled' });
    expect((await s.call('windows.deleteSet', { setId: set.id, dryRun: true })).impact.runs).toEqual([running]);
    await s.call('runs.delete', { runId: running });
    expect(s.store.getRun(running)).toBeNull();
    await expect(s.call('runs.delete', { runId: running })).rejects.toMatchObject({ code: 'not-found' });
  });
});

describe('series.delete', () => {
  it("counts the series' window sets, then deletes it with them; a missing one is not-found", async () => {
    const id = s.store.listSeries()[0].id;
    const sets = s.store.listWindowSets().filter((x) => x.seriesId === id);
    expect(sets.length).toBeGreaterThan(0);
    const dry = await s.call('series.delete', { seriesId: id, dryRun: true });
    expect(dry.deleted).toBe(false);
    expect(dry.impact.sets.map((x) => x.setId).sort()).toEqual(sets.map((x) => x.id).sort());
    expect(s.store.getSeries(id)).not.toBeNull();
    const done = await s.call('series.delete', { seriesId: id });
    expect(done.impact).toEqual(dry.impact);
    expect(s.store.getSeries(id)).toBeNull();
    expect(s.store.listWindowSets().filter((x) => x.seriesId === id)).toEqual([]);
    await expect(s.call('series.delete', { seriesId: id })).rejects.toMatchObject({ code: 'not-found', message: `No series "${id}"` });
  });
});

describe('names', () => {
  it('names a set and a run, trims, clears with an empty name, refuses a long one, and goes with its set', async () => {
    // The series tests above deleted the first series: a fresh one.
    const seriesId = ((await s.call('demo.create', { bars: 512, seed: 21, contradictions: 0 })) as { seriesId: string }).seriesId;
    const set = await s.call('windows.create', { seriesId, length: 64, stride: 64 });
    const run = s.store.createRun({ model: 'soft', config: { setId: set.id }, backend: 'cpu', device: 'test', dataSnapshot: { setId: set.id } });
    s.store.finishRun(run, 'cancelled');
    expect(await s.call('windows.renameSet', { setId: set.id, name: '  spy   daily 64 ' })).toEqual({ setId: set.id, name: 'spy daily 64' });
    expect(await s.call('runs.rename', { runId: run, name: 'baseline' })).toEqual({ runId: run, name: 'baseline' });
    expect(await s.call('names.list', {})).toMatchObject({ sets: { [set.id]: 'spy daily 64' }, runs: { [run]: 'baseline' } });
    await expect(s.call('windows.renameSet', { setId: set.id, name: 'x'.repeat(81) })).rejects.toMatchObject({
      code: 'invalid-arguments',
      message: 'A name is at most 80 characters (got 81)',
    });
    await expect(s.call('runs.rename', { runId: 99_999, name: 'x' })).rejects.toMatchObject({ code: 'not-found' });
    expect(await s.call('runs.rename', { runId: run, name: '' })).toEqual({ runId: run, name: null });
    expect((await s.call('names.list', {})).runs[run]).toBeUndefined();
    await s.call('windows.deleteSet', { setId: set.id });
    expect((await s.call('names.list', {})).sets[set.id]).toBeUndefined();
  });
});
