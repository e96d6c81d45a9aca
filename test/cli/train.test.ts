/**
 * The CLI trains, evaluates, compares and predicts on a demo project built from a real series
 * (tiny configurations: a few epochs; full-size runs live in bench/).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, SHARED_DATA, tempDir } from '../helpers/paths.ts';

function cli(...args: string[]) {
  const res = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin/candlemark.js'), ...args], { encoding: 'utf8', timeout: 240_000 });
  if (res.status !== 0) throw new Error(`candlemark ${args.join(' ')} exited ${res.status}\n${res.stderr}`);
  return { stdout: res.stdout, json: () => JSON.parse(res.stdout.trim().split('\n').pop()!) };
}

describe('candlemark train / evaluate / compare / predict / review', () => {
  it('runs the whole loop on a demo project around spy_1d.csv', () => {
    const dir = tempDir();
    const project = path.join(dir, 'spy.candlemark');
    const demo = cli('demo', '--from', path.join(SHARED_DATA, 'spy_1d.csv'), '--json', '--project', project).json();
    expect(demo.windows).toBe(Math.floor((3566 - 128) / 64) + 1);

    const soft = cli('train', '--model', 'soft', '--epochs', '2', '--seed', '3', '--json', '--project', project).json();
    expect(soft.status).toBe('completed');
    expect(soft.backend).toMatch(/^(tensorflow|wasm|cpu)/);
    expect(soft.report.model.head).toBe('soft');
    expect(soft.report.curves.epoch).toEqual([0, 1, 2]);
    for (const task of ['pointer', 'type', 'span', 'countdown']) expect(Number.isFinite(soft.report.loss.perTask[task].atBest)).toBe(true);
    // the demo project has a test block, so the threshold is chosen on validation (never on the test block)
    expect(soft.report.headline.on).toBe('test');
    expect(soft.report.metrics.threshold.chosenOn).toBe('validation');

    const crf = cli('train', '--model', 'crf', '--epochs', '2', '--encoder', 'conv-attn', '--json', '--project', project);
    const crfRun = crf.json();
    expect(crfRun.report.model.head).toBe('crf');
    expect(crfRun.report.metrics.viterbi).not.toBeNull();

    const runs = cli('runs', '--json', '--project', project).json().runs;
    expect(runs.map((r: { id: number }) => r.id).sort()).toEqual([soft.runId, crfRun.runId].sort());

    const evaluated = cli('evaluate', '--run', String(soft.runId), '--project', project);
    expect(evaluated.stdout).toContain('validation span F1');
    expect(evaluated.stdout).toContain('baselines: untrained span F1');
    // which epoch was kept, and by what rule (span F1 with a test block, span loss without)
    expect(evaluated.stdout).toMatch(/kept epoch \d+: (highest validation span F1|lowest validation span loss)/);
    expect(evaluated.stdout).toContain(`kept epoch ${soft.report.loss.keptEpoch}:`);

    const html = path.join(dir, 'soft.html');
    const exported = cli('report', '--run', String(soft.runId), '--out', html, '--json', '--project', project).json();
    expect(exported).toMatchObject({ runId: soft.runId, format: 'html', path: html });
    expect(fs.readFileSync(html, 'utf8')).toMatch(/^<!doctype html>[\s\S]*<svg[\s\S]*<\/html>\n$/);
    expect(cli('report', '--run', String(soft.runId), '--out', path.join(dir, 'soft.md'), '--project', project).stdout).toContain('Markdown');
    expect(fs.readFileSync(path.join(dir, 'soft.md'), 'utf8')).toMatch(/## Headline \((held-out test block|validation)/);
    cli('compare', String(soft.runId), String(crfRun.runId), '--out', path.join(dir, 'compare.html'), '--project', project);
    expect(fs.readFileSync(path.join(dir, 'compare.html'), 'utf8')).toContain('Decision matrix');

    const out = path.join(dir, 'compare.md');
    const compared = cli('compare', String(soft.runId), String(crfRun.runId), '--out', out, '--json', '--project', project).json();
    expect(compared.runs).toHaveLength(2);
    expect(compared.matrix.length).toBeGreaterThanOrEqual(7);

    const predicted = cli('predict', '--run', String(soft.runId), '--all', '--json', '--project', project).json();
    expect(predicted.windows).toBe(demo.windows);

    // Review on the labelled set: every window is compared with its labels (the demo labels them all).
    const labelledReview = cli('review', '--run', String(crfRun.runId), '--json', '--project', project).json();
    expect(Object.values(labelledReview.counts as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(demo.windows);
    expect(labelledReview.counts.unlabelled).toBe(0);
    // A fresh set of windows is all unlabelled: the queue lists the 5 the model is least sure about.
    const fresh = cli('windows', '--length', '128', '--stride', '32', '--json', '--project', project).json();
    const r = cli(
      'review',
      '--run',
      String(crfRun.runId),
      '--set',
      String(fresh.id),
      '--queue',
      '5',
      '--status',
      'unlabelled',
      '--json',
      '--project',
      project,
    ).json();
    expect(r.counts.unlabelled).toBe(fresh.windowCount);
    expect(r.windows).toHaveLength(fresh.windowCount);
    const u = r.queue.map((w: { uncertainty: number }) => w.uncertainty);
    expect(u).toHaveLength(5);
    expect(u).toEqual([...u].sort((a, b) => b - a));
    // The queue draws only training windows (issue #12), spread over windows that don't share bars.
    expect(r.queue.every((w: { role: string }) => w.role === 'train')).toBe(true);
    expect(u[0]).toBe(Math.max(...r.windows.filter((w: { role: string }) => w.role === 'train').map((w: { uncertainty: number }) => w.uncertainty)));
    const text = cli('review', '--run', String(crfRun.runId), '--project', project).stdout;
    expect(text).toMatch(/agree \d+ · missed \d+ · extra \d+ · boundary \d+ \(> 2 bars\) · type \d+ · unlabelled \d+/);
    expect(() => cli('review', '--run', String(crfRun.runId), '--status', 'wrong', '--project', project)).toThrow(/--status must be one of/);
  }, 240_000);
});
