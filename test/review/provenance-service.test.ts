/**
 * Issue #12, point 1 through the service: provenance survives export → import (JSON and CSV), old
 * files still import (as 'imported', by the importing annotator), bad provenance fields are named,
 * undo is per annotator, and review.confirm turns accepted spans into the analyst's.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CandlemarkService } from '../../core/service/service.ts';
import type { Label } from '../../core/domain/types.ts';
import { SHARED_DATA, tempDir } from '../helpers/paths.ts';
import { candlemarkError, spyProject as spyProjectOf } from './spy-project.ts';

const open: CandlemarkService[] = [];
afterEach(() => {
  while (open.length) open.pop()!.close();
});

const spyProject = (author?: string) => spyProjectOf(open, author);
const error = candlemarkError;

const provenanceOf = (l: Label) => ({
  startTime: l.startTime,
  endTime: l.endTime,
  type: l.type,
  author: l.author,
  origin: l.origin,
  originRun: l.originRun,
  labelledAt: l.updatedAt,
});

describe('provenance in labels files', () => {
  it('round-trips who, how and when through JSON and CSV, and old files import as "imported"', async () => {
    const {
      s,
      windows: [w0, w1],
      times,
    } = await spyProject();
    const t = (w: { startIndex: number }, i: number) => times[w.startIndex + i];
    await s.call('labels.add', { windowId: w0.id, startTime: t(w0, 5), endTime: t(w0, 12), type: 'up', annotator: 'ann' });
    // A span accepted from run 7 and not yet confirmed, and one accepted then edited (written as the review handler would).
    s.store.addLabel(w1.id, { startTime: t(w1, 3), endTime: t(w1, 9), type: 'down', author: 'bob', origin: 'accepted', originRun: 7 });
    const edited = s.store.addLabel(w1.id, { startTime: t(w1, 20), endTime: t(w1, 30), type: 'up', author: 'bob', origin: 'accepted', originRun: 7 });
    s.store.updateLabel(edited.id, { endTime: t(w1, 31) }, 'cy');
    const original = s.store.listLabels().map(provenanceOf);
    expect(original.map((l) => [l.author, l.origin, l.originRun])).toEqual([
      ['ann', 'drawn', null],
      ['bob', 'accepted', 7],
      ['cy', 'accepted-edited', 7],
    ]);

    const json = await s.call('labels.exportText', { format: 'json' });
    const doc = JSON.parse(json.text) as { windows: Array<{ spans: Array<Record<string, unknown>> }> };
    expect(doc.windows[1].spans[0]).toMatchObject({ type: 'down', annotator: 'bob', origin: 'accepted', run: 7 });
    expect(doc.windows[1].spans[0].labelledAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    const csv = await s.call('labels.exportText', { format: 'csv' });
    expect(csv.text.split('\n')[0]).toBe('window_id,series,window_start,window_length,span_start,span_end,type,confidence,annotator,origin,run,labelled_at');

    for (const [fileName, text] of [
      ['labels.json', json.text],
      ['labels.csv', csv.text],
    ]) {
      const { s: other } = await spyProject('someone-else');
      await other.call('labels.importText', { fileName, text });
      expect(other.store.listLabels().map(provenanceOf), fileName).toEqual(original);
    }

    // A file written before provenance existed: its spans become the importer's, origin 'imported'.
    const old = {
      version: 1,
      series: [{ id: 'spy', csv: null }],
      labelTypes: ['up', 'down'],
      windows: [{ id: 'x', series: 'spy', start: t(w0, 0), length: 64, spans: [{ start: t(w0, 5), end: t(w0, 12), type: 'up' }] }],
    };
    const { s: third } = await spyProject();
    await third.call('labels.importText', { fileName: 'old.json', text: JSON.stringify(old), annotator: 'dee' });
    expect(third.store.listLabels().map((l) => [l.author, l.origin, l.originRun])).toEqual([['dee', 'imported', null]]);
    // Without --annotator the host's annotator is used.
    const { s: fourth } = await spyProject('host-user');
    await fourth.call('labels.importText', { fileName: 'old.json', text: JSON.stringify(old) });
    expect(fourth.store.listLabels()[0]).toMatchObject({ author: 'host-user', origin: 'imported' });
  });

  it('names each bad provenance field and imports nothing', async () => {
    const {
      s,
      windows: [w0],
      times,
    } = await spyProject();
    const start = times[w0.startIndex];
    const bad = {
      version: 1,
      series: [{ id: 'spy', csv: null }],
      labelTypes: ['up'],
      windows: [
        {
          id: 'x',
          series: 'spy',
          start,
          length: 64,
          spans: [{ start: times[w0.startIndex + 1], end: times[w0.startIndex + 2], type: 'up', origin: 'guessed', run: -2, annotator: '' }],
        },
      ],
    };
    const e = await error(s.call('labels.importText', { fileName: 'bad.json', text: JSON.stringify(bad) }));
    expect(e.code).toBe('import-failed');
    expect(e.issues.map((i) => `${i.field}: ${i.message}`)).toEqual([
      'spans[0].origin: expected one of drawn, imported, accepted, accepted-edited, confirmed, got "guessed"',
      'spans[0].run: expected a run id (positive integer), got -2',
    ]);
    const csv =
      'window_id,series,window_start,window_length,span_start,span_end,type,origin\nx,spy,' +
      new Date(start).toISOString() +
      ',64,' +
      new Date(times[w0.startIndex + 1]).toISOString() +
      ',' +
      new Date(times[w0.startIndex + 2]).toISOString() +
      ',up,model\n';
    const e2 = await error(s.call('labels.importText', { fileName: 'bad.csv', text: csv }));
    expect(e2.issues).toMatchObject([{ line: 2, field: 'origin', window: 'x' }]);
    expect(s.store.listLabels()).toEqual([]);
  });
});

describe('annotators through the service', () => {
  it('undo and redo are per annotator; the host annotator is the default', async () => {
    const {
      s,
      windows: [w0, w1],
      times,
    } = await spyProject('host-user');
    const a = await s.call('labels.add', {
      windowId: w0.id,
      startTime: times[w0.startIndex + 1],
      endTime: times[w0.startIndex + 4],
      type: 'up',
      annotator: 'ann',
    });
    const b = await s.call('labels.add', {
      windowId: w1.id,
      startTime: times[w1.startIndex + 1],
      endTime: times[w1.startIndex + 4],
      type: 'up',
      annotator: 'bob',
    });
    const h = await s.call('labels.add', { windowId: w1.id, startTime: times[w1.startIndex + 10], endTime: times[w1.startIndex + 14], type: 'down' });
    expect([a.author, b.author, h.author]).toEqual(['ann', 'bob', 'host-user']);

    const undone = await s.call('labels.undo', { annotator: 'ann' });
    expect(undone.step).toEqual({ description: 'Add label', windowIds: [w0.id] });
    expect(undone.history).toMatchObject({ canUndo: false, canRedo: true });
    expect(s.store.listLabels().map((l) => l.id)).toEqual([b.id, h.id].sort((x, y) => x - y));
    // The host's own undo (no annotator named) takes back the host's label only.
    await s.call('labels.undo', {});
    expect(s.store.listLabels().map((l) => l.id)).toEqual([b.id]);
    expect((await s.call('labels.history', { annotator: 'bob' })).canUndo).toBe(true);
    await s.call('labels.redo', { annotator: 'ann' });
    expect(
      s.store
        .listLabels()
        .map((l) => l.author)
        .sort(),
    ).toEqual(['ann', 'bob']);
    await error(s.call('labels.undo', { annotator: '   ' }));
  });

  it("review.confirm makes accepted spans the analyst's, one undo step, and refuses other labels by id", async () => {
    const {
      s,
      windows: [w0],
      times,
    } = await spyProject();
    const t = (i: number) => times[w0.startIndex + i];
    const acc1 = s.store.addLabel(w0.id, { startTime: t(2), endTime: t(8), type: 'up', author: 'bob', origin: 'accepted', originRun: 4 });
    const acc2 = s.store.addLabel(w0.id, { startTime: t(20), endTime: t(28), type: 'down', author: 'bob', origin: 'accepted', originRun: 4 });
    const drawn = await s.call('labels.add', { windowId: w0.id, startTime: t(40), endTime: t(44), type: 'up', annotator: 'ann' });

    const refused = await error(s.call('review.confirm', { windowId: w0.id, labelIds: [acc1.id, drawn.id], annotator: 'ann' }));
    expect(refused.code).toBe('invalid-arguments');
    expect(refused.issues).toMatchObject([
      { field: 'labelIds.1', message: `label ${drawn.id} is "drawn", not an accepted model span waiting for confirmation` },
    ]);
    expect(s.store.getLabel(acc1.id)!.origin).toBe('accepted');

    const one = await s.call('review.confirm', { windowId: w0.id, labelIds: [acc1.id], annotator: 'ann' });
    expect(one).toEqual({
      windowId: w0.id,
      confirmedLabelIds: [acc1.id],
      confirmedNoSpan: false,
      unconfirmed: 1,
      change: expect.objectContaining({ windowIds: [w0.id] }),
    });
    expect(one.change.labels.find((l) => l.id === acc1.id)).toMatchObject({ origin: 'confirmed' });
    expect(s.store.getLabel(acc1.id)).toMatchObject({ origin: 'confirmed', originRun: 4, author: 'ann' });
    const rest = await s.call('review.confirm', { windowId: w0.id, annotator: 'ann' });
    expect(rest).toMatchObject({ confirmedLabelIds: [acc2.id], unconfirmed: 0 });
    // Ann's undo takes the confirmation back: the span is the model's again.
    await s.call('labels.undo', { annotator: 'ann' });
    expect(s.store.getLabel(acc2.id)).toMatchObject({ origin: 'accepted', author: 'bob' });
  });
});

it('the CLI takes --annotator and review --confirm', async () => {
  const { main } = await import('../../cli/main.ts');
  const {
    s,
    dir,
    windows: [w0],
    times,
  } = await spyProject();
  const project = path.join(dir, 'p.candlemark');
  s.store.addLabel(w0.id, {
    startTime: times[w0.startIndex + 2],
    endTime: times[w0.startIndex + 6],
    type: 'up',
    author: 'bob',
    origin: 'accepted',
    originRun: 2,
  });
  s.close();
  open.length = 0;
  const chunks: string[] = [];
  const sink = { write: (c: string) => (chunks.push(c), true) } as unknown as NodeJS.WritableStream;
  expect(await main(['review', '--confirm', String(w0.id), '--annotator', 'carol', '--json', '--project', project], sink, sink)).toBe(0);
  expect(JSON.parse(chunks.at(-1)!)).toMatchObject({ windowId: w0.id, unconfirmed: 0 });
  const out = path.join(dir, 'labels.csv');
  expect(await main(['labels', 'export', out, '--project', project], sink, sink)).toBe(0);
  const lines = fs.readFileSync(out, 'utf8').trim().split('\n');
  expect(lines[1]).toMatch(/,up,1,carol,confirmed,2,\d{4}-/);
  expect(await main(['info', '--annotator', '', '--project', project], sink, sink)).toBe(2);
});

it("an undo blocked by another annotator's later change is a clear caller error, and changes nothing", async () => {
  const {
    s,
    windows: [w0],
    times,
  } = await spyProject();
  const a = await s.call('labels.add', {
    windowId: w0.id,
    startTime: times[w0.startIndex + 1],
    endTime: times[w0.startIndex + 4],
    type: 'up',
    annotator: 'ann',
  });
  await s.call('labels.update', { id: a.id, patch: { type: 'down' }, annotator: 'bob' });
  const e = await error(s.call('labels.undo', { annotator: 'ann' }));
  expect(e.code).toBe('invalid-operation');
  expect(e.message).toMatch(/Cannot undo "Add label": label \d+ was changed since by bob/);
  expect(s.store.getLabel(a.id)).toMatchObject({ type: 'down', author: 'bob' });
});

it('resolving a conflict by copying a model-written span keeps it unconfirmed', async () => {
  const dir = tempDir();
  const s = CandlemarkService.open(path.join(dir, 'p.candlemark'), { create: true, author: 'ann' });
  open.push(s);
  await s.call('series.import', { path: path.join(SHARED_DATA, 'spy_1d.csv'), seriesId: 'spy' });
  await s.call('windows.create', { seriesId: 'spy', length: 64, stride: 32 });
  const [a, b] = s.store.listWindows();
  const times = s.store.readTimes('spy');
  // Window a: a span accepted from run 5 in the bars it shares with b; window b: reviewed "no span".
  s.store.addLabel(a.id, {
    startTime: times[b.startIndex + 5],
    endTime: times[b.startIndex + 15],
    type: 'up',
    author: 'ann',
    origin: 'accepted',
    originRun: 5,
  });
  await s.call('windows.setReviewed', { windowId: b.id, reviewed: true });
  await s.call('conflicts.check', {});
  const finding = (await s.call('conflicts.list', { status: 'open' })).find(
    (f) => [f.windowA, f.windowB].includes(b.id) && [f.windowA, f.windowB].includes(a.id),
  );
  expect(finding, 'a span-vs-none finding between a and b').toBeTruthy();
  const action = finding!.windowA === a.id ? 'copy-a-to-b' : 'copy-b-to-a';
  await s.call('conflicts.resolve', { findingId: finding!.id, action });
  const copied = s.store.listLabels({ windowId: b.id });
  expect(copied).toHaveLength(1);
  expect(copied[0]).toMatchObject({ origin: 'accepted', originRun: 5 });
});
