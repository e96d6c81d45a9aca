/**
 * Exported reports: a real (small) run (demo project, 20 epochs) exported as Markdown and as one self-contained HTML page,
 * which Debian's Chromium opens from file:// with the network off — the SVG plots render and the
 * page asks for nothing. The screenshot lands in test-results/report-export.png.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CandlemarkService } from '../../../core/service/service.ts';
import { compareRuns, renderComparisonHtml, type RunReport } from '../../../core/ml/eval/index.ts';
import { REPO_ROOT, tempDir } from '../../helpers/paths.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

let service: CandlemarkService;
let soft: { runId: number; report: RunReport };
let crf: { runId: number; report: RunReport };
let browser: Browser | null = null;

beforeAll(async () => {
  service = CandlemarkService.open(path.join(tempDir('candlemark-report-'), 'report.candlemark'), { create: true });
  // A small generated series: 63 windows of 128 bars, labelled, with planted contradictions.
  await service.call('demo.create', { bars: 4096, seed: 7 });
  const tiny = { hidden: 16, epochs: 20, batchSize: 8, learningRate: 0.005, backend: 'wasm' as const };
  const a = await service.call('train.run', { ...tiny, model: 'soft' });
  const b = await service.call('train.run', { ...tiny, model: 'crf' });
  expect([a.status, b.status]).toEqual(['completed', 'completed']);
  soft = { runId: a.runId, report: a.report! };
  crf = { runId: b.runId, report: b.report! };
}, 240_000);

afterAll(async () => {
  await browser?.close();
  service?.close();
});

/** Every URL-ish thing a page could fetch. The exported files must hold none. */
function expectNoExternalReference(html: string) {
  expect(html).not.toMatch(/https?:/i);
  expect(html).not.toMatch(/\b(src|href|srcset|xlink:href)\s*=/i);
  expect(html).not.toMatch(/url\s*\(/i);
  expect(html).not.toMatch(/@import/i);
  expect(html).not.toMatch(/<script/i);
  expect(html).not.toMatch(/<(iframe|object|embed|link|img)\b/i);
}

interface Opened {
  requests: string[];
  svgs: { paths: number; width: number; height: number; marks: number }[];
  errors: string[];
}

async function openOffline(file: string, screenshot?: string): Promise<Opened> {
  browser ??= await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  await context.setOffline(true);
  const page = await context.newPage();
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  // Page-side code as text: tsx's esbuild would add a __name() helper the page doesn't have.
  const svgs = (await page.evaluate(`[...document.querySelectorAll('svg')].map((s) => {
    const r = s.getBoundingClientRect();
    return { paths: s.querySelectorAll('path').length, width: r.width, height: r.height, marks: s.querySelectorAll('path[stroke-width="2"], rect[fill-opacity]').length };
  })`)) as Opened['svgs'];
  // Every plotted line has a visible extent.
  const lineBoxes = (await page.evaluate(
    `[...document.querySelectorAll('svg path[stroke-width="2"]')].map((p) => { const b = p.getBBox(); return b.width + b.height; })`,
  )) as number[];
  expect(lineBoxes.length).toBeGreaterThan(0);
  expect(lineBoxes.every((x) => x > 0)).toBe(true);
  if (screenshot) {
    fs.mkdirSync(path.dirname(screenshot), { recursive: true });
    await page.screenshot({ path: screenshot, fullPage: true });
  }
  await context.close();
  return { requests, svgs, errors };
}

describe('report export', () => {
  it('renders Markdown with the key tables', async () => {
    const md = await service.call('runs.exportReport', { runId: soft.runId, format: 'md' });
    expect(md.fileName).toBe(`candlemark-run-${soft.runId}-report.md`);
    for (const heading of [
      '## Headline (held-out test block)',
      '## Validation detail',
      '## Calibration: reliability (validation)',
      '## Baselines (validation)',
      '## Thresholds',
      '## Loss summary',
      '## Per task',
      '## Overfitting',
      '## Pointer, type, countdown',
      '## Curves',
    ]) {
      expect(md.text).toContain(heading);
    }
    expect(md.text).toContain(soft.report.metrics.headline.spanF1.toFixed(3));
    // this run has a test block, so its thresholds were chosen on validation (report.metrics.threshold.chosenOn)
    expect(soft.report.metrics.threshold.chosenOn).toBe('validation');
    expect(md.text).toContain('| span (chosen on validation) |');
    expectNoExternalReference(md.text);
  });

  it('exports only completed runs', async () => {
    await expect(service.call('runs.exportReport', { runId: 999, format: 'html' })).rejects.toMatchObject({ code: 'not-found' });
    const run = await service.call('train.start', { hidden: 8, epochs: 500, backend: 'wasm' });
    await expect(service.call('runs.exportReport', { runId: run.runId, format: 'html' })).rejects.toMatchObject({ code: 'invalid-operation' });
    await service.call('train.cancel', { runId: run.runId });
  });

  it('writes a self-contained HTML page that Chromium renders offline, fetching nothing', async () => {
    const html = await service.call('runs.exportReport', { runId: soft.runId, format: 'html' });
    expect(html.fileName).toBe(`candlemark-run-${soft.runId}-report.html`);
    expectNoExternalReference(html.text);
    expect(html.text).toContain("default-src 'none'");
    const file = path.join(tempDir('candlemark-report-'), html.fileName);
    fs.writeFileSync(file, html.text);
    fs.mkdirSync(path.join(REPO_ROOT, 'test-results'), { recursive: true });
    fs.writeFileSync(path.join(REPO_ROOT, 'test-results/report-export.html'), html.text); // to look at

    const opened = await openOffline(file, path.join(REPO_ROOT, 'test-results/report-export.png'));
    expect(opened.requests).toEqual([pathToFileURL(file).href]);
    expect(opened.errors).toEqual([]);
    // Loss, per-task loss, F1 vs threshold, calibration, task weights, bar F1.
    expect(opened.svgs.length).toBe(6);
    for (const s of opened.svgs) {
      expect(s.paths).toBeGreaterThan(0);
      expect(s.marks).toBeGreaterThan(0);
      expect(s.width).toBeGreaterThan(200);
      expect(s.height).toBeGreaterThan(100);
    }
  });

  it('renders a comparison page (overlaid curves + decision matrix) that opens offline too', async () => {
    const { json } = await service.call('runs.compare', { runIds: [soft.runId, crf.runId] });
    const html = renderComparisonHtml(json);
    // Deterministic for a given comparison and date.
    expect(renderComparisonHtml(compareRuns([soft.report, crf.report]), { generatedAt: 0 })).toBe(renderComparisonHtml(json, { generatedAt: 0 }));
    for (const r of json.runs) expect(html).toContain(r.name);
    expectNoExternalReference(html);
    expect(html).toContain('Decision matrix');
    for (const row of json.matrix) expect(html).toContain(row.criterion);
    const file = path.join(tempDir('candlemark-compare-'), 'comparison.html');
    fs.writeFileSync(file, html);
    const opened = await openOffline(file, path.join(REPO_ROOT, 'test-results/report-export-compare.png'));
    expect(opened.requests).toEqual([pathToFileURL(file).href]);
    expect(opened.svgs.length).toBe(4);
    for (const s of opened.svgs) expect(s.paths).toBeGreaterThan(0);
  });
});
