/** The `candlemark` command as a user runs it: real processes, real files, exit codes and messages. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, SHARED_DATA, projectFingerprint, tempDir } from '../helpers/paths.ts';
import { scoreFindings, writePlantedSet } from '../../core/demo/planted-set.ts';

function cli(...args: string[]) {
  const res = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin/candlemark.js'), ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr, json: () => JSON.parse(res.stdout.trim().split('\n').pop()!) };
}

describe('candlemark CLI', () => {
  it('prints help, and usage errors exit 2', () => {
    expect(cli('--help').code).toBe(0);
    expect(cli('--help').stdout).toContain('candlemark <command>');
    const noProject = cli('info');
    expect(noProject.code).toBe(2);
    expect(noProject.stderr).toContain('--project FILE is required');
    expect(cli('frobnicate', '--project', 'x').code).toBe(2);
    expect(cli('windows', '--length', 'abc', '--project', path.join(tempDir(), 'p.candlemark')).stderr).toContain('--length: expected a number');
  });

  it('imports the three real series, cuts windows and reports them in info', () => {
    const project = path.join(tempDir(), 'real.candlemark');
    for (const name of ['spy_1d', 'btcusd_1h', 'eurusd_1h']) {
      const r = cli('import', path.join(SHARED_DATA, `${name}.csv`), '--project', project);
      // Creating the project is said once, on the first command; nothing else goes to stderr.
      expect(r.stderr).toBe(name === 'spy_1d' ? `candlemark: created a new project ${project}\n` : '');
      expect(r.code).toBe(0);
    }
    const w = cli('windows', '--series', 'btcusd_1h', '--length', '128', '--stride', '64', '--split', 'random', '--seed', '3', '--project', project);
    expect(w.code).toBe(0);
    expect(w.stdout).toContain('windows of 128 bars, stride 64, random split');
    const info = cli('info', '--json', '--project', project).json();
    expect(info.series.map((s: { id: string; barCount: number }) => [s.id, s.barCount])).toEqual([
      ['btcusd_1h', 16882],
      ['eurusd_1h', 6225],
      ['spy_1d', 3566],
    ]);
    expect(info.counts.windows).toBe(Math.floor((16882 - 128) / 64) + 1);
  });

  it('a malformed CSV fails with file, line and field, exits 1 and leaves the project unchanged', () => {
    const dir = tempDir();
    const project = path.join(dir, 'p.candlemark');
    expect(cli('import', path.join(SHARED_DATA, 'spy_1d.csv'), '--project', project).code).toBe(0);
    const bad = path.join(dir, 'bad.csv');
    fs.writeFileSync(bad, 'Date,Open,High,Low,Close,Volume\n2020-01-01,10,11,9,10.5,100\n2020-01-02,10,9,9.5,10,100\n2020-01-03,abc,11,9,10,-5\n');
    const before = projectFingerprint(project);
    const r = cli('import', bad, '--series', 'bad', '--project', project);
    expect(r.code).toBe(4); // import failed, nothing written
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(r.stderr).toContain(`${bad}:3: High`);
    expect(r.stderr).toContain(`${bad}:4: Open`);
    expect(r.stderr).toContain(`${bad}:4: Volume`);
    expect(projectFingerprint(project)).toBe(before);
  });

  it('finds every planted contradiction in an imported labels file (conflicts --json)', async () => {
    const dir = tempDir();
    const set = await writePlantedSet(dir, { seed: 21, bars: 12_000, contradictions: 24 });
    const project = path.join(dir, 'p.candlemark');
    const imp = cli('labels', 'import', set.json, '--project', project);
    expect(imp.stderr).toBe(`candlemark: created a new project ${project}\n`);
    expect(imp.stdout).toContain(`imported ${set.windowCount} windows`);
    const { findings } = cli('conflicts', '--json', '--project', project).json();
    const windows = JSON.parse(cli('info', '--json', '--project', project).stdout.trim().split('\n').pop()!);
    expect(windows.counts.windows).toBe(set.windowCount);
    // ext ids -> window ids, via an export of the labelled windows
    const exported = path.join(dir, 'out.json');
    expect(cli('labels', 'export', exported, '--project', project).code).toBe(0);
    const doc = JSON.parse(fs.readFileSync(exported, 'utf8'));
    expect(doc.windows.map((w: { id: string }) => w.id)).toEqual(Array.from({ length: set.windowCount }, (_, i) => set.extId(i)));
    const idOfExt = new Map<string, number>(doc.windows.map((w: { id: string }, i: number) => [w.id, i + 1]));
    const score = scoreFindings(set, findings, idOfExt);
    expect(score.planted).toBe(24);
    expect(score.recall).toBe(1);
    expect(score.precision).toBeGreaterThanOrEqual(0.9);
  });

  it('builds a demo project around a real CSV and exports its labels as CSV', () => {
    const dir = tempDir();
    const project = path.join(dir, 'demo.candlemark');
    const r = cli('demo', '--from', path.join(SHARED_DATA, 'btcusd_1h.csv'), '--json', '--project', project);
    expect(r.code).toBe(0);
    const demo = r.json();
    expect(demo).toMatchObject({ seriesId: 'btcusd_1h', bars: 16882 });
    expect(demo.openConflicts).toBeGreaterThanOrEqual(demo.plantedContradictions);
    const out = path.join(dir, 'labels.csv');
    expect(cli('labels', 'export', out, '--project', project).code).toBe(0);
    const lines = fs.readFileSync(out, 'utf8').trim().split('\n');
    // With provenance columns (issue #12): the demo's labels are by "demo", drawn.
    expect(lines[0]).toBe('window_id,series,window_start,window_length,span_start,span_end,type,confidence,annotator,origin,run,labelled_at');
    expect(lines.some((l) => /,demo,drawn,,\d{4}-/.test(l))).toBe(true);
    expect(lines.length).toBeGreaterThan(demo.windows);
  });

  it('refuses a file that is not a project, clearly', () => {
    const dir = tempDir();
    const notProject = path.join(dir, 'notes.candlemark');
    fs.writeFileSync(notProject, 'just some text\n');
    const r = cli('info', '--project', notProject);
    expect(r.code).toBe(3); // not found / not a project
    expect(r.stderr).toBe(`candlemark info: error: ${notProject} is not a Candlemark project (not an SQLite database)\n`);
    expect(fs.readFileSync(notProject, 'utf8')).toBe('just some text\n');
  });
});
