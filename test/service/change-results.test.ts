/**
 * Issue #10, point 9: a mutating command returns the change it caused, so a client applies it
 * without reading again. Each step below checks the reported change against what a re-read of the
 * same real project file says (labels of the touched windows, the findings involving them, the
 * findings gone, the open count, the undo state): the change must be exactly the truth.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CandlemarkService } from '../../core/service/service.ts';
import type { Change } from '../../core/service/api.ts';
import { generateSeries } from '../../core/demo/generate.ts';
import { writeBarsCsv } from '../../core/demo/bars-csv.ts';
import { tempDir } from '../helpers/paths.ts';

let open: CandlemarkService[] = [];
afterEach(() => {
  for (const s of open) s.close();
  open = [];
});

/** What a client would have read again: must equal what `change` reports. */
async function expectTruth(s: CandlemarkService, change: Change, findingsBefore: number[]): Promise<void> {
  expect(change.complete).toBe(true);
  const labels = (await Promise.all(change.windowIds.map((id) => s.call('labels.list', { windowId: id })))).flat();
  expect([...change.labels].sort((a, b) => a.id - b.id)).toEqual(labels.sort((a, b) => a.id - b.id));
  const windows = await s.call('windows.list', {});
  expect(change.windows).toEqual(windows.filter((w) => change.windowIds.includes(w.id)));
  const all = await s.call('conflicts.list', {});
  const involved = all.filter((f) => change.windowIds.includes(f.windowA) || change.windowIds.includes(f.windowB));
  expect([...change.findings.changed].sort((a, b) => a.id - b.id)).toEqual(involved.sort((a, b) => a.id - b.id));
  expect(change.findings.removedIds.sort()).toEqual(findingsBefore.filter((id) => !all.some((f) => f.id === id)).sort());
  expect(change.findings.open).toBe((await s.call('conflicts.list', { status: 'open' })).length);
  expect(change.history).toEqual(await s.call('labels.history', {}));
}

describe('mutating commands return their change', () => {
  it('labels.add/update/delete, windows.setReviewed, undo/redo and conflicts.resolve report exactly what they changed', async () => {
    const dir = tempDir();
    const s = CandlemarkService.open(path.join(dir, 'change.candlemark'), { create: true, author: 'ann' });
    open.push(s);
    const { bars } = generateSeries({ seed: 3, bars: 600 });
    await writeBarsCsv(bars, path.join(dir, 'g.csv'));
    await s.call('series.import', { path: path.join(dir, 'g.csv'), seriesId: 'g' });
    const set = await s.call('windows.create', { length: 128, stride: 64 });
    const [w0, w1] = await s.call('windows.list', { setId: set.id });
    const t = (i: number) => bars.time[i];
    const ids = async () => (await s.call('conflicts.list', {})).map((f) => f.id);

    // Add: the new label, no finding yet (window 1 is not labelled), undo available.
    let before = await ids();
    const added = await s.call('labels.add', { windowId: w0.id, startTime: t(80), endTime: t(110), type: 'up' });
    expect(added.change.windowIds).toEqual([w0.id]);
    expect(added.change.labels.map((l) => l.id)).toEqual([added.id]);
    expect(added.change.history).toMatchObject({ canUndo: true, canRedo: false });
    await expectTruth(s, added.change, before);

    // Window 1 "no span": a finding between the two appears in the change.
    before = await ids();
    const reviewed = await s.call('windows.setReviewed', { windowId: w1.id, reviewed: true });
    expect(reviewed.change.windows).toEqual([expect.objectContaining({ id: w1.id, reviewed: true })]);
    expect(reviewed.change.findings.changed).toEqual([expect.objectContaining({ kind: 'span-vs-none', windowA: w0.id, windowB: w1.id, status: 'open' })]);
    expect(reviewed.change.findings.open).toBe(1);
    await expectTruth(s, reviewed.change, before);

    // A type disagreement replaces it (the store may keep the row's id or write a new one: expectTruth checks both).
    before = await ids();
    const typed = await s.call('labels.add', { windowId: w1.id, startTime: t(80), endTime: t(110), type: 'down' });
    expect(typed.change.findings.changed.map((f) => f.kind)).toEqual(['type']);
    await expectTruth(s, typed.change, before);

    // Update the first label to agree: no finding left.
    before = await ids();
    const updated = await s.call('labels.update', { id: added.id, patch: { type: 'down' } });
    expect(updated.type).toBe('down');
    expect(updated.change.findings).toMatchObject({ changed: [], open: 0 });
    await expectTruth(s, updated.change, before);

    // Undo brings the finding back and makes redo available; redo removes it again.
    before = await ids();
    const undone = await s.call('labels.undo', {});
    expect(undone.change.history).toMatchObject({ canRedo: true });
    expect(undone.change.findings.changed.map((f) => f.kind)).toEqual(['type']);
    await expectTruth(s, undone.change, before);
    before = await ids();
    const redone = await s.call('labels.redo', {});
    expect(redone.change.findings.open).toBe(0);
    await expectTruth(s, redone.change, before);

    // Delete window 0's label: it is gone from the change's labels, and the span-vs-none finding's removal is reported.
    before = await ids();
    const deleted = await s.call('labels.delete', { id: typed.id });
    expect(deleted.change.labels.some((l) => l.id === typed.id)).toBe(false);
    await expectTruth(s, deleted.change, before);
    // Window 1 no longer labelled "no span" but with nothing: mark it reviewed again for a finding to ignore.
    await s.call('windows.setReviewed', { windowId: w1.id, reviewed: true });

    // Resolve by ignoring: no label changes, the finding's new status is the change.
    const finding = (await s.call('conflicts.list', { status: 'open' }))[0];
    expect(finding).toBeDefined();
    const ignored = await s.call('conflicts.resolve', { findingId: finding.id, action: 'ignore' });
    expect(ignored.change.windowIds).toEqual([]);
    expect(ignored.change.findings.changed).toEqual([{ ...finding, status: 'ignored' }]);
    expect(ignored.change.findings.open).toBe(0);
  });
});
