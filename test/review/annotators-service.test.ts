/**
 * Issue #12, point 4 through the service on real project files (the SPY daily series from
 * ../shared/data): disagreements between annotators are findings that come and go with edits and
 * take the conflicts panel's keep/ignore actions; the seniority order is a project setting that
 * breaks consensus ties; a run's label source changes its training targets and is recorded; a
 * labels import replaces only the annotators the file speaks for.
 */
import path from 'node:path';
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { CandlemarkService } from '../../core/service/service.ts';
import { buildDataset } from '../../core/ml/training/dataset.ts';
import { annotatorFindingKey, parseAnnotatorFindingKey } from '../../core/conflicts/annotators.ts';
import { Writable } from 'node:stream';
import { main } from '../../cli/main.ts';
import { candlemarkError, spyProject as spyProjectOf } from './spy-project.ts';

const open: CandlemarkService[] = [];

/** Runs the CLI in this process; everything it writes (stdout and stderr) lands in `out`, one entry per write. */
async function runCli(argv: string[], out: string[]): Promise<number> {
  const sink = () => new Writable({ write: (chunk: Buffer, _enc, done) => (out.push(chunk.toString().replace(/\n$/, '')), done()) });
  return main(argv, sink(), sink());
}
afterEach(() => {
  while (open.length) open.pop()!.close();
});

const spyProject = (author?: string) => spyProjectOf(open, author);
const error = candlemarkError;

describe('annotator disagreements as findings', () => {
  it('appear when two annotators label a window differently, follow edits, and go when they agree', async () => {
    const {
      s,
      windows: [w],
      t,
    } = await spyProject();
    await s.call('labels.add', { windowId: w.id, startTime: t(w, 10), endTime: t(w, 20), type: 'up', annotator: 'alice' });
    expect((await s.call('conflicts.list', {})).filter((f) => f.kind === 'annotators')).toEqual([]);
    // bob marks the same move as 'down', and one more span alice has not.
    const bobType = await s.call('labels.add', { windowId: w.id, startTime: t(w, 10), endTime: t(w, 20), type: 'down', annotator: 'bob' });
    const bobExtra = await s.call('labels.add', { windowId: w.id, startTime: t(w, 40), endTime: t(w, 45), type: 'up', annotator: 'bob' });
    let found = (await s.call('conflicts.list', {})).filter((f) => f.kind === 'annotators');
    expect(found).toHaveLength(1);
    const f = found[0];
    expect(f).toMatchObject({ windowA: w.id, windowB: w.id, seriesId: 'spy', status: 'open', annotators: ['alice', 'bob'] });
    expect(f.startIndex).toBe(w.startIndex + 10);
    expect(f.endIndex).toBe(w.startIndex + 45);
    // 11 bars typed differently + 6 bars only bob marks = 17 of 64 bars, both at confidence 1.
    expect(f.severity).toBeCloseTo(17 / 64, 10);
    expect(f.message).toContain('alice and bob disagree on 17 bar(s)');
    expect(f.message).toContain('10-20: alice up, bob down');
    expect(parseAnnotatorFindingKey(f.key)).toEqual({ windowId: w.id, annotators: ['alice', 'bob'] });
    expect((await s.call('project.info', {})).counts.findings.open).toBe(1);

    // Ignore keeps it ignored while the pair disagrees on the same bars.
    await s.call('conflicts.resolve', { findingId: f.id, action: 'ignore' });
    expect((await s.call('conflicts.list', { status: 'ignored' })).map((x) => x.id)).toEqual([f.id]);
    await s.call('conflicts.resolve', { findingId: f.id, action: 'reopen' });

    // bob's extra span goes: the finding narrows to the typed bars (a new key: the bars changed).
    await s.call('labels.delete', { id: bobExtra.id, annotator: 'bob' });
    found = (await s.call('conflicts.list', {})).filter((x) => x.kind === 'annotators');
    expect(found.map((x) => [x.startIndex, x.endIndex])).toEqual([[w.startIndex + 10, w.startIndex + 20]]);
    // An edge 2 bars off (the tolerance) next to bars both mark alike is no disagreement.
    await s.call('labels.update', { id: bobType.id, patch: { type: 'up', endTime: t(w, 22) }, annotator: 'bob' });
    expect((await s.call('conflicts.list', {})).filter((x) => x.kind === 'annotators')).toEqual([]);
    // 3 bars off is.
    const edited = await s.call('labels.update', { id: bobType.id, patch: { endTime: t(w, 23) }, annotator: 'bob' });
    found = (await s.call('conflicts.list', {})).filter((x) => x.kind === 'annotators');
    // The edit's own change (issue #10 point 9) carries the finding as conflicts.list does, with its two annotators.
    expect(edited.change.findings.changed.filter((x) => x.kind === 'annotators')).toEqual(found);
    expect(found[0].annotators).toHaveLength(2);
    expect(found.map((x) => [x.startIndex, x.endIndex])).toEqual([[w.startIndex + 21, w.startIndex + 23]]);
    // Undo (bob's) brings back the agreeing edge, and the finding goes again.
    await s.call('labels.undo', { annotator: 'bob' });
    expect((await s.call('conflicts.list', {})).filter((x) => x.kind === 'annotators')).toEqual([]);
  });

  it('"keep A" removes B\'s spans in the window (one undo step brings them back); findings survive a reopen of the file', async () => {
    const {
      s,
      file,
      windows: [, w],
      t,
    } = await spyProject();
    await s.call('labels.add', { windowId: w.id, startTime: t(w, 5), endTime: t(w, 30), type: 'up', annotator: 'alice' });
    await s.call('labels.add', { windowId: w.id, startTime: t(w, 50), endTime: t(w, 60), type: 'down', annotator: 'bob' });
    const [f] = (await s.call('conflicts.list', {})).filter((x) => x.kind === 'annotators');
    expect(f.annotators).toEqual(['alice', 'bob']);
    s.close();
    open.pop();
    const s2 = CandlemarkService.open(file, { author: 'host-user' });
    open.push(s2);
    expect((await s2.call('conflicts.list', {})).map((x) => x.id)).toContain(f.id);
    // carol resolves from her page (the page names its annotator, as for every edit).
    const r = await s2.call('conflicts.resolve', { findingId: f.id, action: 'copy-b-to-a', annotator: 'carol' });
    expect(r).toMatchObject({ status: 'resolved', changedWindows: [w.id] });
    expect(s2.store.listLabels({ windowId: w.id }).map((l) => [l.author, l.type])).toEqual([['bob', 'down']]);
    expect((await s2.call('conflicts.list', {})).filter((x) => x.kind === 'annotators')).toEqual([]);
    // The resolution is carol's step, not the host's: her undo brings alice's span and the finding back.
    expect((await s2.call('labels.undo', { annotator: 'host-user' })).step).toBeNull();
    await s2.call('labels.undo', { annotator: 'carol' });
    expect(
      s2.store
        .listLabels({ windowId: w.id })
        .map((l) => l.author)
        .sort(),
    ).toEqual(['alice', 'bob']);
    expect((await s2.call('conflicts.list', {})).filter((x) => x.kind === 'annotators')).toHaveLength(1);
  });

  it('keys are unambiguous for any annotator name', () => {
    const key = annotatorFindingKey(7, 'a|b', 'c"d', 1, 2);
    expect(parseAnnotatorFindingKey(key)).toEqual({ windowId: 7, annotators: ['a|b', 'c"d'] });
    expect(parseAnnotatorFindingKey('type|1|2|3|4')).toBeNull();
  });
});

describe('seniority and label sources', () => {
  /** alice and bob on every training and validation window (bob alone on the first training window). */
  async function twoAnnotators() {
    const p = await spyProject();
    const { s, windows, t } = p;
    const train = windows.filter((w) => w.role === 'train');
    const val = windows.filter((w) => w.role === 'val');
    // alice and bob label every training and validation window; they tie on bars 10-19 (alice 'up', bob none),
    // agree on bars 30-39 ('down'); only bob labels the first training window.
    for (const w of [...train.slice(1), ...val]) {
      await s.call('labels.add', { windowId: w.id, startTime: t(w, 10), endTime: t(w, 19), type: 'up', annotator: 'alice' });
      await s.call('labels.add', { windowId: w.id, startTime: t(w, 30), endTime: t(w, 39), type: 'down', annotator: 'alice' });
      await s.call('labels.add', { windowId: w.id, startTime: t(w, 30), endTime: t(w, 39), type: 'down', annotator: 'bob' });
    }
    await s.call('labels.add', { windowId: train[0].id, startTime: t(train[0], 50), endTime: t(train[0], 55), type: 'up', annotator: 'bob' });
    return { ...p, train, val };
  }
  const spansOf = (ds: ReturnType<typeof buildDataset>, id: number) =>
    [...ds.train, ...ds.val, ...ds.test].find((r) => r.window.id === id)?.spans.map((x) => [x.start, x.end, x.type, x.confidence]);
  const opts = { testFraction: 0 } as const;

  it('the seniority order is a project setting: it breaks a consensus tie, and annotators.list names it', async () => {
    const { s, train, val } = await twoAnnotators();
    const setId = s.store.listWindowSets()[0].id;
    const w = train[1];
    expect((await s.call('annotators.list', {})).seniority).toEqual([]);
    const labelled = train.length + val.length;
    // No order set: ties go by name, alice first → her 'up' span wins the tie.
    let ds = buildDataset(s.store, { setId, ...opts, labelSource: 'consensus', seniority: (await s.call('annotators.list', {})).seniority });
    expect(spansOf(ds, w.id)).toEqual([
      [10, 19, 'up', 1],
      [30, 39, 'down', 1],
    ]);
    const set = await s.call('annotators.setSeniority', { order: ['bob', 'alice'] });
    expect(set.seniority).toEqual(['bob', 'alice']);
    expect(set.annotators.map((a) => [a.annotator, a.windows])).toEqual([
      ['alice', labelled - 1],
      ['bob', labelled],
    ]);
    ds = buildDataset(s.store, { setId, ...opts, labelSource: 'consensus', seniority: set.seniority });
    // bob is senior: "no span" wins bars 10-19.
    expect(spansOf(ds, w.id)).toEqual([[30, 39, 'down', 1]]);
    // A more confident side wins before seniority does.
    const aliceUp = s.store.listLabels({ windowId: w.id }).find((l) => l.author === 'alice' && l.type === 'up')!;
    await s.call('labels.update', { id: aliceUp.id, patch: { confidence: 0.5 }, annotator: 'alice' });
    ds = buildDataset(s.store, { setId, ...opts, labelSource: 'consensus', seniority: set.seniority });
    expect(spansOf(ds, w.id)).toEqual([[30, 39, 'down', 1]]);
    // (bob's "none" vote counts confidence 1 > 0.5) — the order is kept in the file.
    expect((await s.call('annotators.list', {})).seniority).toEqual(['bob', 'alice']);
    expect((await error(s.call('annotators.setSeniority', { order: ['bob', 'bob'] }))).code).toBe('invalid-arguments');
  });

  it('the label source changes the training targets: all, weighted, one annotator, consensus', async () => {
    const { s, train } = await twoAnnotators();
    const setId = s.store.listWindowSets()[0].id;
    const w = train[1];
    const all = buildDataset(s.store, { setId, ...opts });
    expect(spansOf(all, w.id)).toEqual([
      [10, 19, 'up', 1],
      [30, 39, 'down', 1],
      [30, 39, 'down', 1],
    ]);
    const weighted = buildDataset(s.store, { setId, ...opts, annotatorWeights: { bob: 0.25 } });
    expect(spansOf(weighted, w.id)).toEqual([
      [10, 19, 'up', 1],
      [30, 39, 'down', 1],
      [30, 39, 'down', 0.25],
    ]);
    expect(weighted.notes.join(' ')).toContain('bob ×0.25');
    const bob = buildDataset(s.store, { setId, ...opts, labelSource: { annotator: 'bob' } });
    expect(spansOf(bob, w.id)).toEqual([[30, 39, 'down', 1]]);
    // Bar targets follow: bar 15 is a span bar for 'all', not for bob.
    const bar15 = (ds: typeof all) => ds.train.find((r) => r.window.id === w.id)!.targets.mask[15];
    expect(bar15(all)).toBe(1);
    expect(bar15(bob)).toBe(0);
    // alice's source leaves out the window only bob labelled, and says so.
    const alice = buildDataset(s.store, { setId, ...opts, labelSource: { annotator: 'alice' } });
    expect(spansOf(alice, train[0].id)).toBeUndefined();
    expect(spansOf(bob, train[0].id)).toEqual([[50, 55, 'up', 1]]);
    expect(alice.notes.join(' ')).toContain('annotator alice (training, validation and test alike); 1 window(s) labelled only by others were left out');
    // A window one annotator labelled keeps their spans under consensus.
    const cons = buildDataset(s.store, { setId, ...opts, labelSource: 'consensus', seniority: ['bob'] });
    expect(spansOf(cons, train[0].id)).toEqual([[50, 55, 'up', 1]]);
    expect(spansOf(cons, w.id)).toEqual([[30, 39, 'down', 1]]);
  });

  it('a run records its label source and trains on it (train.run, tiny)', async () => {
    const { s, train } = await twoAnnotators();
    const setId = s.store.listWindowSets()[0].id;
    await s.call('annotators.setSeniority', { order: ['bob'] });
    const r = await s.call('train.run', {
      setId,
      model: 'soft',
      hidden: 4,
      epochs: 1,
      batchSize: 16,
      backend: 'wasm',
      labelSource: 'consensus',
      testFraction: 0,
    });
    expect(r.status).toBe('completed');
    const run = await s.call('runs.get', { runId: r.runId });
    expect(run.config).toMatchObject({ labelSource: 'consensus', annotatorWeights: null });
    expect(run.dataSnapshot).toMatchObject({ seniority: ['bob'] });
    // Consensus of the shared windows drops alice's tied 'up' span: one span per window, plus bob's lone window.
    expect((run.dataSnapshot as { labels: number }).labels).toBe(train.length - 1 + 1 + s.store.listWindows().filter((w) => w.role === 'val').length);
    expect(run.report!.dataset!.notes.join(' ')).toContain('labels: the annotators\u2019 consensus (training, validation and test alike)');
  }, 120_000);

  it('the CLI takes --labels and --annotator-weights, and annotators --seniority', async () => {
    const { s, file } = await twoAnnotators();
    s.close();
    open.pop();
    const out: string[] = [];
    const code = await runCli(['annotators', '--project', file, '--seniority', 'bob,alice', '--json'], out);
    expect(code).toBe(0);
    expect(JSON.parse(out[out.length - 1]).seniority).toEqual(['bob', 'alice']);
    expect(await runCli(['train', '--project', file, '--labels', 'someone'], out)).toBe(2);
    expect(out.join('\n')).toContain('--labels: expected all, consensus or annotator:NAME, got "someone"');
    expect(await runCli(['train', '--project', file, '--annotator-weights', 'bob'], out)).toBe(2);
    expect(out.join('\n')).toContain('--annotator-weights: expected NAME=WEIGHT');
  });
});

describe('labels import and other annotators', () => {
  it('keeps the spans of annotators the file does not name; --annotator names a file without one', async () => {
    const {
      s,
      dir,
      windows: [w0, w1],
      t,
    } = await spyProject();
    await s.call('labels.add', { windowId: w0.id, startTime: t(w0, 5), endTime: t(w0, 12), type: 'up', annotator: 'alice' });
    await s.call('labels.add', { windowId: w1.id, startTime: t(w1, 5), endTime: t(w1, 12), type: 'up', annotator: 'alice' });
    // bob's file (no annotator fields) for both windows: w0 with a span, w1 "no span".
    const iso = (ms: number) => new Date(ms).toISOString();
    const file = path.join(dir, 'bob.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        version: 1,
        series: [{ id: 'spy' }],
        labelTypes: ['up', 'down'],
        windows: [
          { id: 'a', series: 'spy', start: iso(t(w0, 0)), length: 64, spans: [{ start: iso(t(w0, 20)), end: iso(t(w0, 30)), type: 'down' }] },
          { id: 'b', series: 'spy', start: iso(t(w1, 0)), length: 64, spans: [] },
        ],
      }),
    );
    await s.call('labels.import', { path: file, annotator: 'bob' });
    const by = (id: number) =>
      s.store
        .listLabels({ windowId: id })
        .map((l) => [l.author, l.type, l.origin])
        .sort();
    expect(by(w0.id)).toEqual([
      ['alice', 'up', 'drawn'],
      ['bob', 'down', 'imported'],
    ]);
    expect(by(w1.id)).toEqual([['alice', 'up', 'drawn']]);
    // Re-importing bob's file replaces bob's spans only (no duplicates), and the disagreement is a finding.
    await s.call('labels.import', { path: file, annotator: 'bob' });
    expect(by(w0.id)).toEqual([
      ['alice', 'up', 'drawn'],
      ['bob', 'down', 'imported'],
    ]);
    expect((await s.call('conflicts.list', {})).filter((f) => f.kind === 'annotators').map((f) => f.windowA)).toEqual([w0.id]);
    // Through the CLI: --annotator NAME for a file without one.
    s.close();
    open.pop();
    const out: string[] = [];
    const code = await runCli(['labels', 'import', file, '--project', path.join(dir, 'p.candlemark'), '--annotator', 'carol'], out);
    expect(code).toBe(0);
    const s2 = CandlemarkService.open(path.join(dir, 'p.candlemark'));
    open.push(s2);
    expect(
      s2.store
        .listLabels({ windowId: w0.id })
        .map((l) => l.author)
        .sort(),
    ).toEqual(['alice', 'bob', 'carol']);
    // A file that names its annotators replaces theirs: alice's export of w0 re-imported by carol keeps bob's and carol's.
    const exported = await s2.call('labels.exportText', { format: 'json' });
    const doc = JSON.parse(exported.text) as { windows: Array<{ spans: Array<{ annotator?: string }> }> };
    for (const win of doc.windows) win.spans = win.spans.filter((x) => x.annotator === 'alice');
    await s2.call('labels.importText', { fileName: 'alice.json', text: JSON.stringify(doc), annotator: 'carol' });
    expect(
      s2.store
        .listLabels({ windowId: w0.id })
        .map((l) => l.author)
        .sort(),
    ).toEqual(['alice', 'bob', 'carol']);
  });
});
