import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CandlemarkService } from '../../core/service/service.ts';
import { CandlemarkError } from '../../core/service/errors.ts';
import { generateSeries } from '../../core/demo/generate.ts';
import { writeBarsCsv } from '../../core/demo/bars-csv.ts';
import { SHARED_DATA, tempDir } from '../helpers/paths.ts';

const open: CandlemarkService[] = [];
function project(dir = tempDir()): CandlemarkService {
  const s = CandlemarkService.open(path.join(dir, 'p.candlemark'), { create: true, author: 'tester' });
  open.push(s);
  return s;
}
afterEach(() => {
  while (open.length) open.pop()!.close();
});

async function expectError(p: Promise<unknown>, code: string): Promise<CandlemarkError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CandlemarkError);
  expect((err as CandlemarkError).code).toBe(code);
  return err as CandlemarkError;
}

describe('service API validation', () => {
  it('rejects unknown commands and malformed arguments with field paths', async () => {
    const s = project();
    await expectError(s.call('nope' as never, {}), 'unknown-command');
    const e = await expectError(s.call('windows.create', { length: -5, split: 'sideways' } as never), 'invalid-arguments');
    expect(e.issues.map((i) => i.field).sort()).toEqual(['length', 'split']);
    await expectError(s.call('labels.add', { windowId: 1, startTime: 0, endTime: 1, type: 'up', extra: true } as never), 'invalid-arguments');
    await expectError(s.call('bars.read', null as never), 'invalid-arguments');
  });
});

describe('importing, windows and labels', () => {
  it('imports a real series, cuts windows with a leak-free chronological split', async () => {
    const s = project();
    const { series } = await s.call('series.import', { path: path.join(SHARED_DATA, 'spy_1d.csv') });
    expect(series).toMatchObject({ id: 'spy_1d', barCount: 3566, firstTime: Date.UTC(2007, 1, 1), lastTime: Date.UTC(2021, 2, 31) });
    const set = await s.call('windows.create', {});
    expect(set.windowCount).toBe(Math.floor((3566 - 128) / 64) + 1);
    const windows = await s.call('windows.list', { setId: set.id });
    const val = windows.filter((w) => w.role === 'val');
    const train = windows.filter((w) => w.role === 'train');
    expect(val.length).toBeGreaterThan(0);
    const firstValBar = Math.min(...val.map((w) => w.startIndex));
    for (const w of train) expect(w.startIndex + w.length - 1).toBeLessThan(firstValBar - 128);
    // Re-import without replace is refused; with replace it keeps windows.
    await expectError(s.call('series.import', { path: path.join(SHARED_DATA, 'spy_1d.csv') }), 'invalid-operation');
  });

  it('keeps findings in step with label edits, resolves them, and undo brings them back', async () => {
    const s = project();
    const dir = tempDir();
    const { bars } = generateSeries({ seed: 3, bars: 600 });
    await writeBarsCsv(bars, path.join(dir, 'g.csv'));
    await s.call('series.import', { path: path.join(dir, 'g.csv'), seriesId: 'g' });
    const set = await s.call('windows.create', { length: 128, stride: 64 });
    const [w0, w1, w2] = await s.call('windows.list', { setId: set.id });
    const t = (i: number) => bars.time[i];

    // Window 0 marks bars 80..110 as up; window 1 (bars 64..191) is untouched: no finding yet.
    const a = await s.call('labels.add', { windowId: w0.id, startTime: t(80), endTime: t(110), type: 'up' });
    expect(await s.call('conflicts.list', {})).toHaveLength(0);

    // Window 1 confirmed with no span: now the shared bars disagree.
    await s.call('windows.setReviewed', { windowId: w1.id, reviewed: true });
    let findings = await s.call('conflicts.list', { status: 'open' });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ kind: 'span-vs-none', windowA: w0.id, windowB: w1.id, startIndex: 80, endIndex: 110 });

    // Window 1 labels the same span as down: a type finding replaces it.
    await s.call('labels.add', { windowId: w1.id, startTime: t(80), endTime: t(110), type: 'down' });
    findings = await s.call('conflicts.list', { status: 'open' });
    expect(findings.map((f) => f.kind)).toEqual(['type']);

    // Moving the first label's end by 5 bars: a boundary finding appears on the same span (type still differs).
    await s.call('labels.update', { id: a.id, patch: { type: 'down', endTime: t(116) } });
    findings = await s.call('conflicts.list', { status: 'open' });
    expect(findings.map((f) => f.kind)).toEqual(['boundary']);

    // Resolve by copying window 0 onto window 1: no finding left; one undo step restores it.
    await s.call('conflicts.resolve', { findingId: findings[0].id, action: 'copy-a-to-b' });
    expect(await s.call('conflicts.list', { status: 'open' })).toHaveLength(0);
    const w1Labels = await s.call('labels.list', { windowId: w1.id });
    expect(w1Labels.map((l) => [l.startTime, l.endTime, l.type])).toEqual([[t(80), t(116), 'down']]);
    await s.call('labels.undo', {});
    expect((await s.call('conflicts.list', { status: 'open' })).map((f) => f.kind)).toEqual(['boundary']);
    await s.call('labels.redo', {});
    expect(await s.call('conflicts.list', { status: 'open' })).toHaveLength(0);

    // Ignoring keeps a finding's status across recomputation.
    await s.call('labels.add', { windowId: w2.id, startTime: t(130), endTime: t(140), type: 'up' });
    await s.call('windows.setReviewed', { windowId: w2.id, reviewed: true });
    findings = await s.call('conflicts.list', { status: 'open' });
    expect(findings.length).toBeGreaterThan(0);
    await s.call('conflicts.resolve', { findingId: findings[0].id, action: 'ignore' });
    await s.call('conflicts.check', {});
    expect((await s.call('conflicts.list', { status: 'ignored' })).map((f) => f.id)).toEqual([findings[0].id]);
  });

  it('refuses labels outside their window or on times that are not bars', async () => {
    const s = project();
    await s.call('series.import', { path: path.join(SHARED_DATA, 'eurusd_1h.csv') });
    const set = await s.call('windows.create', {});
    const [w] = await s.call('windows.list', { setId: set.id });
    await expect(s.call('labels.add', { windowId: w.id, startTime: w.startTime, endTime: w.endTime + 3_600_000 * 500, type: 'up' })).rejects.toThrow();
    await expect(s.call('labels.add', { windowId: w.id, startTime: w.startTime + 1, endTime: w.endTime, type: 'up' })).rejects.toThrow();
    await expect(s.call('labels.add', { windowId: w.id, startTime: w.startTime, endTime: w.endTime, type: 'sideways' })).rejects.toThrow();
    expect(await s.call('labels.list', {})).toHaveLength(0);
  });
});

describe('interchange through the service', () => {
  it('exports and re-imports labelled windows losslessly (JSON and CSV)', async () => {
    const dir = tempDir();
    const s = project(dir);
    const demo = await s.call('demo.create', { seed: 11, bars: 2048 });
    expect(demo.spans).toBeGreaterThan(10);
    const jsonA = path.join(dir, 'a.json');
    await s.call('labels.export', { path: jsonA });
    // The demo series has no CSV source: write one so a fresh project can import the JSON.
    const bars = await s.call('bars.read', { seriesId: demo.seriesId, from: 0, count: 200_000 });
    const csv = [
      'time,open,high,low,close,volume',
      ...bars.time.map((t, i) => `${new Date(t).toISOString()},${bars.open[i]},${bars.high[i]},${bars.low[i]},${bars.close[i]},${bars.volume![i]}`),
    ].join('\n');
    fs.writeFileSync(path.join(dir, 'demo.csv'), csv);
    const doc = JSON.parse(fs.readFileSync(jsonA, 'utf8'));
    doc.series[0].csv = 'demo.csv';
    fs.writeFileSync(jsonA, JSON.stringify(doc));

    const s2 = project();
    const imported = await s2.call('labels.import', { path: jsonA });
    expect(imported).toMatchObject({ seriesImported: [demo.seriesId], windows: demo.windows, spans: demo.spans });
    const jsonB = path.join(dir, 'b.json');
    await s2.call('labels.export', { path: jsonB });
    const docB = JSON.parse(fs.readFileSync(jsonB, 'utf8'));
    expect(docB.windows).toEqual(doc.windows);
    expect(docB.labelTypes).toEqual(doc.labelTypes);
    expect(imported.openConflicts).toBe((await s.call('conflicts.list', { status: 'open' })).length);

    const csvA = path.join(dir, 'a.csv');
    const csvB = path.join(dir, 'b.csv');
    await s2.call('labels.export', { path: csvA });
    const s3 = project();
    await s3.call('series.import', { path: path.join(dir, 'demo.csv'), seriesId: demo.seriesId });
    await s3.call('labels.import', { path: csvA });
    await s3.call('labels.export', { path: csvB });
    expect(fs.readFileSync(csvB, 'utf8')).toBe(fs.readFileSync(csvA, 'utf8'));
  });

  it('an import with a bad window writes nothing and names the window and field', async () => {
    const dir = tempDir();
    const s = project(dir);
    await s.call('series.import', { path: path.join(SHARED_DATA, 'spy_1d.csv') });
    const before = JSON.stringify(await s.call('project.info', {}));
    const doc = {
      version: 1,
      series: [{ id: 'spy_1d', csv: null }],
      labelTypes: ['up', 'down'],
      windows: [
        { id: 'ok', series: 'spy_1d', start: '2007-02-01', length: 128, spans: [{ start: '2007-02-05', end: '2007-02-20', type: 'up' }] },
        { id: 'bad', series: 'spy_1d', start: '2007-02-03', length: 128, spans: [] },
      ],
    };
    fs.writeFileSync(path.join(dir, 'l.json'), JSON.stringify(doc));
    const e = await expectError(s.call('labels.import', { path: path.join(dir, 'l.json') }), 'import-failed');
    expect(e.issues).toEqual([expect.objectContaining({ window: 'bad', field: 'start' })]);
    expect(JSON.stringify(await s.call('project.info', {}))).toBe(before);
  });
});

describe('demo projects', () => {
  it('plants contradictions that the detector finds (generated data)', async () => {
    const s = project();
    const demo = await s.call('demo.create', { seed: 5, bars: 4096, contradictions: 9 });
    expect(demo.plantedContradictions).toBe(9);
    expect(demo.openConflicts).toBeGreaterThanOrEqual(9);
    const info = await s.call('project.info', {});
    expect(info.counts.labelledWindows).toBe(demo.windows);
    expect(info.counts.windowsInConflict).toBeGreaterThan(0);
  });

  it('builds around a real CSV', async () => {
    const s = project();
    const demo = await s.call('demo.create', { fromCsv: path.join(SHARED_DATA, 'btcusd_1h.csv') });
    expect(demo).toMatchObject({ seriesId: 'btcusd_1h', bars: 16882 });
    expect(demo.truthSpans).toBeGreaterThan(20);
    expect(demo.spans).toBeGreaterThan(20);
  });
});

describe('file contents instead of paths (browser renderer)', () => {
  it('imports a CSV and labels from text and exports labels as text', async () => {
    const s = project();
    const text = fs.readFileSync(path.join(SHARED_DATA, 'spy_1d.csv'), 'utf8');
    const { series } = await s.call('series.importText', { fileName: 'spy_1d.csv', text });
    expect(series.barCount).toBe(3566);
    const bad = await expectError(
      s.call('series.importText', { fileName: 'x.csv', text: 'time,open,high,low,close\n2020-01-01,1,0.5,1,1\n' }),
      'import-failed',
    );
    expect(bad.issues[0]).toMatchObject({ file: 'x.csv', line: 2, field: 'high' });
    const labels = {
      version: 1,
      series: [{ id: 'spy_1d', csv: 'ignored.csv' }],
      labelTypes: ['up', 'down'],
      windows: [
        { id: 'a', series: 'spy_1d', start: '2007-02-01', length: 128, spans: [{ start: '2007-02-05', end: '2007-02-20', type: 'up', confidence: 0.5 }] },
      ],
    };
    const imported = await s.call('labels.importText', { fileName: 'l.json', text: JSON.stringify(labels) });
    expect(imported).toMatchObject({ windows: 1, spans: 1, seriesImported: [] });
    const out = await s.call('labels.exportText', { format: 'csv' });
    // Exports carry provenance (issue #12): who, how ('imported': the file named no origin), when.
    const lines = out.text.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('window_id,series,window_start,window_length,span_start,span_end,type,confidence,annotator,origin,run,labelled_at');
    expect(lines[1]).toMatch(/^a,spy_1d,2007-02-01T00:00:00Z,128,2007-02-05T00:00:00Z,2007-02-20T00:00:00Z,up,0\.5,[^,]+,imported,,\d{4}-/);
  });
});
