/**
 * One analyst correcting another annotator's spans is not a disagreement between annotators
 * (core/conflicts/annotators.ts, rule from the history: store/history.ts correctedPairs), while two
 * annotators labelling a window independently still is. Through the service on real project files:
 * the app's demo (spans by "demo") edited by one analyst, and constructed windows on the real SPY
 * daily series from ../shared/data.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CandlemarkService } from '../../core/service/service.ts';
import { tempDir } from '../helpers/paths.ts';
import { spyProject } from '../review/spy-project.ts';

const open: CandlemarkService[] = [];
afterEach(() => {
  while (open.length) open.pop()!.close();
});

async function annotatorFindings(s: CandlemarkService) {
  return (await s.call('conflicts.list', {})).filter((f) => f.kind === 'annotators');
}

describe('corrections are not annotator disagreements', () => {
  it("one analyst fixing the demo's spans (edit, resize, retype, delete, add beside an edit) gets no annotators finding", async () => {
    const s = CandlemarkService.open(path.join(tempDir(), 'demo.candlemark'), { create: true, author: 'alice' });
    open.push(s);
    const { setId } = await s.call('demo.create', { bars: 1024, seed: 7, contradictions: 0 });
    const labels = s.store.listLabels({ setId });
    expect(new Set(labels.map((l) => l.author))).toEqual(new Set(['demo']));
    const byWindow = new Map<number, typeof labels>();
    for (const l of labels) byWindow.set(l.windowId, [...(byWindow.get(l.windowId) ?? []), l]);
    // Windows with two demo spans or more: editing one leaves the demo's others beside alice's.
    const busy = [...byWindow.values()].filter((ls) => ls.length >= 2);
    expect(busy.length).toBeGreaterThanOrEqual(2);
    const before = await annotatorFindings(s);
    expect(before).toEqual([]);

    // Resize one demo span (it becomes alice's) and retype it.
    const [a1] = busy[0];
    const times = s.store.readTimes(s.store.getWindow(a1.windowId)!.seriesId);
    const i0 = times.indexOf(a1.startTime);
    await s.call('labels.update', { id: a1.id, patch: { startTime: times[i0 + 1] }, annotator: 'alice' });
    await s.call('labels.update', { id: a1.id, patch: { type: a1.type === 'up' ? 'down' : 'up' }, annotator: 'alice' });
    expect(s.store.getLabel(a1.id)!.author).toBe('alice');
    expect(new Set(s.store.listLabels({ windowId: a1.windowId }).map((l) => l.author))).toEqual(new Set(['demo', 'alice']));
    expect(await annotatorFindings(s)).toEqual([]);
    // ... and she adds a span the demo missed, in the same window.
    const w1 = s.store.getWindow(a1.windowId)!;
    await s.call('labels.add', {
      windowId: w1.id,
      startTime: times[w1.startIndex + w1.length - 6],
      endTime: times[w1.startIndex + w1.length - 1],
      type: 'up',
      annotator: 'alice',
    });
    expect(await annotatorFindings(s)).toEqual([]);
    // A full re-check (conflicts.check) reads the same history and agrees.
    await s.call('conflicts.check', {});
    expect(await annotatorFindings(s)).toEqual([]);
    // The agreement view reads it alike: no window labelled twice, so no pair to compare.
    const agreement = await s.call('agreement.compute', { setId });
    expect(agreement.sharedWindows).toBe(0);
    expect(agreement.pairs.every((p) => p.windows === 0)).toBe(true);
  });

  it("deleting the other annotator's span is a correction too; undoing the correction brings the comparison back", async () => {
    const {
      s,
      windows: [w, v],
      t,
    } = await spyProject(open);

    // Window w: the demo's two spans; alice deletes one and draws her own elsewhere.
    const d1 = await s.call('labels.add', { windowId: w.id, startTime: t(w, 5), endTime: t(w, 12), type: 'up', annotator: 'demo' });
    await s.call('labels.add', { windowId: w.id, startTime: t(w, 30), endTime: t(w, 40), type: 'down', annotator: 'demo' });
    await s.call('labels.delete', { id: d1.id, annotator: 'alice' });
    await s.call('labels.add', { windowId: w.id, startTime: t(w, 50), endTime: t(w, 58), type: 'up', annotator: 'alice' });
    expect(await annotatorFindings(s)).toEqual([]);
    // Undo her drawing, then her deletion: the deletion no longer counts, so if she draws again without
    // touching the demo's spans, that is a labelling of her own and the pair is compared.
    await s.call('labels.undo', { annotator: 'alice' });
    await s.call('labels.undo', { annotator: 'alice' });
    expect(s.store.listLabels({ windowId: w.id }).map((l) => l.author)).toEqual(['demo', 'demo']);
    await s.call('labels.add', { windowId: w.id, startTime: t(w, 50), endTime: t(w, 58), type: 'up', annotator: 'alice' });
    const found = await annotatorFindings(s);
    expect(found.map((f) => [f.windowA, f.annotators])).toEqual([[w.id, ['alice', 'demo']]]);

    // Window v: two annotators label independently (neither touches the other's span): a finding, as before.
    await s.call('labels.add', { windowId: v.id, startTime: t(v, 10), endTime: t(v, 20), type: 'up', annotator: 'ann' });
    const annSecond = await s.call('labels.add', { windowId: v.id, startTime: t(v, 25), endTime: t(v, 30), type: 'up', annotator: 'ann' });
    await s.call('labels.add', { windowId: v.id, startTime: t(v, 40), endTime: t(v, 50), type: 'up', annotator: 'bob' });
    expect((await annotatorFindings(s)).filter((f) => f.windowA === v.id).map((f) => f.annotators)).toEqual([['ann', 'bob']]);
    // bob then corrects one of ann's spans (retypes it; it becomes his): ann's other span and bob's still
    // differ, but the window is now ann's labelling reviewed by bob, and the finding goes.
    await s.call('labels.update', { id: annSecond.id, patch: { type: 'down' }, annotator: 'bob' });
    expect(new Set(s.store.listLabels({ windowId: v.id }).map((l) => l.author))).toEqual(new Set(['ann', 'bob']));
    expect((await annotatorFindings(s)).filter((f) => f.windowA === v.id)).toEqual([]);
    // The agreement view: window v is one labelling (bob's), so the pair shares no window there.
    expect((await s.call('agreement.compute', {})).disagreements.map((d) => d.windowId)).toEqual([w.id]);
    // bob undoes his correction: two independent labellings again.
    await s.call('labels.undo', { annotator: 'bob' });
    expect((await annotatorFindings(s)).filter((f) => f.windowA === v.id).map((f) => f.annotators)).toEqual([['ann', 'bob']]);
    expect((await s.call('agreement.compute', {})).disagreements.map((d) => d.windowId).sort((x, y) => x - y)).toEqual([w.id, v.id].sort((x, y) => x - y));
  });

  it("a labels import replacing another annotator's spans with their file's is no correction", async () => {
    const {
      s,
      windows: [w],
      t,
    } = await spyProject(open);
    await s.call('labels.add', { windowId: w.id, startTime: t(w, 5), endTime: t(w, 12), type: 'up', annotator: 'alice' });
    // alice imports bob's file (its spans name bob), twice: the second import replaces bob's spans by his own.
    const iso = (ms: number) => new Date(ms).toISOString();
    const text = JSON.stringify({
      version: 1,
      series: [{ id: 'spy' }],
      labelTypes: ['up', 'down'],
      windows: [
        { id: 'a', series: 'spy', start: iso(t(w, 0)), length: 64, spans: [{ start: iso(t(w, 20)), end: iso(t(w, 30)), type: 'down', annotator: 'bob' }] },
      ],
    });
    for (let i = 0; i < 2; i++) await s.call('labels.importText', { fileName: 'bob.json', text, annotator: 'alice' });
    expect(
      s.store
        .listLabels({ windowId: w.id })
        .map((l) => l.author)
        .sort(),
    ).toEqual(['alice', 'bob']);
    expect((await annotatorFindings(s)).map((f) => [f.windowA, f.annotators])).toEqual([[w.id, ['alice', 'bob']]]);
  });
});
