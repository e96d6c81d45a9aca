/**
 * Training from the UI: Retrain with the quick preset and watch epochs stream into the live curves,
 * cancel a second run (marked cancelled, excluded from comparison), read the first run's report,
 * move its threshold slider and check its calibration histogram against the stored report (in both
 * themes), export it, train a CRF and a second soft run to completion, compare the three (overlaid
 * curves, decision matrix, settings that differ), and find every run again after a reload. Works on
 * an empty project or after the other specs (own demo series).
 */
import { expect, test, type ConsoleMessage, type Locator, type Page } from '@playwright/test';
import { api, openApp, shot } from './helpers.ts';

/** The parts of runs.get's report this spec checks the plots against. */
interface StoredReport {
  metrics: {
    calibration: { edges: number[]; histInside: number[]; histOutside: number[]; countInside: number; countOutside: number; separation: number };
    sweep: { val: { threshold: number }[] };
  };
  curves: { epoch: number[] };
}

async function storedReport(page: Page, runId: number): Promise<StoredReport> {
  return (await api<{ report: StoredReport }>(page, 'runs.get', { runId })).report;
}

const nonEmptyBins = (hist: number[]) => hist.filter((v) => v > 0).length;

/** The computed fill of an element, read in the page (this file compiles without the DOM lib). */
async function computedFill(el: Locator): Promise<string> {
  type Css = { getComputedStyle(e: unknown): { fill: string } };
  return el.evaluate((node) => (globalThis as unknown as Css).getComputedStyle(node).fill);
}

/** y of the first point of an SVG path ("M<x> <y>…"). */
async function firstY(path: Locator): Promise<number> {
  const d = (await path.getAttribute('d')) ?? '';
  const m = /^M([\d.-]+) ([\d.-]+)/.exec(d);
  expect(m, `path data ${d}`).not.toBeNull();
  return Number(m![2]);
}

async function liveRunId(page: Page): Promise<number> {
  return Number(await page.getByTestId('live-run').getAttribute('data-run-id'));
}

/** Waits until the live panel shows a new run (one other than `previous`), returns its id. */
async function nextRun(page: Page, previous: number): Promise<number> {
  await expect.poll(() => liveRunId(page)).not.toBe(previous);
  const id = await liveRunId(page);
  expect(id).toBeGreaterThan(0);
  return id;
}

test('train, watch epochs, cancel, report + threshold, compare, reload', async ({ page }) => {
  // Four trainings (one cancelled) on a shared 2-core machine.
  test.setTimeout(150_000);
  const consoleProblems: string[] = [];
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) consoleProblems.push(m.text());
  });
  page.on('pageerror', (e) => consoleProblems.push(String(e)));

  // 1. Demo data (its own series, so this runs on an empty project or after the other specs).
  await openApp(page);
  await api(page, 'demo.create', { bars: 2048, seed: 31 });
  await page.reload();
  await expect(page.getByTestId('home-train')).toBeEnabled();
  await page.getByTestId('home-train').click();
  await expect(page.getByTestId('training')).toBeVisible();
  expect(page.url()).toContain('#/training');

  // 2. Quick preset, soft model: Retrain; every epoch the live panel shows is recorded.
  await page.getByTestId('train-model').selectOption('soft');
  await page.getByTestId('train-preset').selectOption('quick');
  await page.getByTestId('train-advanced').locator('summary').click();
  await expect(page.getByTestId('train-epochs')).toHaveValue('5');
  // (This file compiles without the DOM lib: the page's globals are reached through globalThis.)
  type PageGlobals = { __epochs: number[]; MutationObserver: new (cb: () => void) => { observe(el: unknown, opts: unknown): void } };
  await page.getByTestId('live-run').evaluate((el) => {
    const seen: number[] = [];
    const g = globalThis as unknown as PageGlobals;
    g.__epochs = seen;
    new g.MutationObserver(() => {
      const e = Number(el.getAttribute('data-epoch'));
      if (seen[seen.length - 1] !== e) seen.push(e);
    }).observe(el, { attributes: true, attributeFilter: ['data-epoch'] });
  });
  await page.getByTestId('retrain').click();
  const run1 = await nextRun(page, 0);
  await expect(page.getByTestId('live-loss')).toBeVisible();
  await expect(page.getByTestId('live-weights')).toBeVisible();
  await expect(page.getByTestId('live-backend')).not.toHaveText('…');
  await expect(page.getByTestId('live-status')).toHaveText('completed', { timeout: 30_000 });
  await expect(page.getByTestId('live-epoch')).toHaveText('5/5');
  const seen = await page.evaluate(() => (globalThis as unknown as PageGlobals).__epochs.filter((e) => e > 0));
  expect(seen.length).toBeGreaterThanOrEqual(2);
  for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1]);
  expect(seen[seen.length - 1]).toBe(5);
  // One dot per epoch on the training curve.
  await expect(page.getByTestId('live-loss').locator('svg circle[fill="#2563eb"]')).toHaveCount(5);
  // Per-task curves (train and validation for each of the four tasks) and the task weights over epochs.
  for (const t of ['pointer', 'type', 'span', 'countdown']) {
    for (const part of ['train', 'val'])
      await expect(page.getByTestId('live-task-loss').locator(`path[data-series="${part}-${t}"]`)).toHaveAttribute('data-points', '5');
    await expect(page.getByTestId('live-task-weights').locator(`path[data-series="${t}"]`)).toHaveAttribute('data-points', '5');
  }
  await expect(page.getByTestId(`run-status-${run1}`)).toHaveText('completed');
  // The runs list says what each run was trained with and on.
  await expect(page.getByTestId(`run-settings-${run1}`)).toContainText('5 ep');
  // ... including its feature set, recorded as the list it used (the default: all 23).
  await expect(page.getByTestId(`run-settings-${run1}`)).toContainText('23 features');
  // The Retrain panel offers the named feature sets; a non-default one shows in the summary line.
  await expect(page.getByTestId('train-features')).toHaveValue('default');
  await page.getByTestId('train-features').selectOption('generic');
  await expect(page.getByTestId('train-summary')).toContainText('generic features');
  await page.getByTestId('train-features').selectOption('default');
  await expect(page.getByTestId('train-summary')).not.toContainText('features');
  const listed = (await api<Array<{ id: number; data: { setId: number; trainWindows: number; valWindows: number; labels: number } }>>(page, 'runs.list')).find(
    (r) => r.id === run1,
  )!;
  expect(listed.data.trainWindows).toBeGreaterThan(0);
  await expect(page.getByTestId(`run-data-${run1}`)).toHaveText(
    `set ${listed.data.setId} · ${listed.data.trainWindows}/${listed.data.valWindows} win · ${listed.data.labels} spans`,
  );
  await shot(page, '31-training-completed');

  // 3. A long second run, cancelled while it trains: greyed, not selectable for comparison.
  // (30 epochs of this small demo can finish in 2 s: ask for many more, it is cancelled anyway.)
  await page.getByTestId('train-preset').selectOption('thorough');
  await expect(page.getByTestId('train-epochs')).toHaveValue('80');
  // Weight averaging + cosine decay is the default whatever the preset; turning it off shows in the summary.
  await expect(page.getByTestId('train-stabilise')).toBeChecked();
  await expect(page.getByTestId('train-summary')).not.toContainText('no averaging');
  await page.getByTestId('train-stabilise').uncheck();
  await expect(page.getByTestId('train-summary')).toContainText('no averaging');
  await page.getByTestId('train-stabilise').check();
  await page.getByTestId('train-epochs').fill('600');
  await expect(page.getByTestId('train-preset')).toHaveValue('custom');
  await page.getByTestId('retrain').click();
  const run2 = await nextRun(page, run1);
  // ... and the run is trained with them (weight averaging and cosine decay, the engine's defaults).
  const run2Config = (await api<Array<{ id: number; config: Record<string, unknown> }>>(page, 'runs.list')).find((r) => r.id === run2)!.config;
  expect(run2Config).toMatchObject({ weightAverage: true, lrSchedule: 'cosine', inputDropout: 0 });
  await expect(page.getByTestId('train-cancel')).toBeVisible();
  await expect(page.getByTestId('live-status')).toHaveText('running');
  await expect(page.getByTestId('live-epoch')).toHaveText(/^[1-9]\d*\/600$/);
  await expect(page.getByTestId('live-eta')).toHaveText(/\d+s/);
  // The runs table counts the running run's epochs as they arrive.
  await expect(page.getByTestId(`run-epochs-${run2}`)).toHaveText(/^[1-9]\d*$/);
  await shot(page, '32-training-running');
  await page.getByTestId('train-cancel').click();
  await expect(page.getByTestId('live-status')).toHaveText('cancelled', { timeout: 20_000 });
  await expect(page.getByTestId(`run-status-${run2}`)).toHaveText('cancelled');
  await expect(page.getByTestId(`run-row-${run2}`)).toHaveClass(/run-incomplete/);
  await expect(page.getByTestId(`run-pick-${run2}`)).toBeDisabled();
  await shot(page, '33-run-cancelled');

  // 4. The first run's report: the slider moves the threshold and the F1 figures follow.
  await page.getByTestId(`run-open-${run1}`).click();
  await expect(page.getByTestId('run-report')).toBeVisible();
  expect(page.url()).toContain(`#/training/run/${run1}`);
  await expect(page.getByTestId('report-headline')).toBeVisible();
  // v2 reports: the headline is on the held-out test block, with its 95 % interval beside the F1.
  // (the e2e project may have too few labelled windows for a test block: then it says 'validation' and why)
  await expect(page.getByTestId('report-headline-test')).toHaveAttribute('data-on', /^(test|validation)$/);
  await expect(page.getByTestId('headline-span-ci')).toHaveText(/^\s*\[\d\.\d{3}, \d\.\d{3}\]$/);
  await expect(page.getByTestId('reliability-diagram')).toContainText(/ECE \d\.\d{3}, Brier \d\.\d{3}/);
  await expect(page.getByTestId('report-loss')).toBeVisible();
  // The kept epoch and the rule that kept it (span F1 with a test block, span loss without one).
  await expect(page.getByTestId('report-kept-epoch')).toHaveText(/^\s*\d+ \/ \d+\s*$/);
  const on = await page.getByTestId('report-headline-test').getAttribute('data-on');
  await expect(page.getByTestId('report-kept-epoch').locator('xpath=..')).toContainText(
    on === 'test' ? 'highest validation span F1' : 'lowest validation span loss',
  );
  const slider = page.getByTestId('threshold-slider');
  const f1 = async () => `${await page.getByTestId('threshold-span-f1').textContent()} / ${await page.getByTestId('threshold-bar-f1').textContent()}`;
  const t0 = await page.getByTestId('threshold-value').textContent();
  await slider.focus();
  await page.keyboard.press('Home');
  const low = await f1();
  await expect(page.getByTestId('threshold-value')).not.toHaveText(t0 ?? '');
  await page.keyboard.press('End');
  await expect.poll(f1).not.toBe(low);
  await page.getByTestId('threshold-reset').click();
  await expect(page.getByTestId('threshold-value')).toHaveText(t0 ?? '');
  await page.keyboard.press('Tab');

  // The calibration histogram: in- and out-of-span bars, one per non-empty bin of the stored
  // report, its means, and the slider's threshold, whose share read-outs follow the slider.
  const report1 = await storedReport(page, run1);
  const cal = report1.metrics.calibration;
  expect(cal.countInside).toBeGreaterThan(0);
  expect(cal.countOutside).toBeGreaterThan(0);
  const histogram = page.getByTestId('calibration-histogram');
  await histogram.scrollIntoViewIfNeeded();
  await expect(histogram).toBeVisible();
  await expect(histogram.locator('rect[data-series="inside"]')).toHaveCount(nonEmptyBins(cal.histInside));
  await expect(histogram.locator('rect[data-series="outside"]')).toHaveCount(nonEmptyBins(cal.histOutside));
  expect(nonEmptyBins(cal.histInside)).toBeGreaterThan(0);
  expect(nonEmptyBins(cal.histOutside)).toBeGreaterThan(0);
  await expect(histogram.locator('[data-marker="mean-inside"]')).toBeVisible();
  await expect(histogram.locator('[data-marker="mean-outside"]')).toBeVisible();
  await expect(histogram.locator('[data-legend="inside"]')).toContainText(`${cal.countInside.toLocaleString('en')} bars`);
  await expect(histogram.locator('[data-legend="outside"]')).toContainText(`${cal.countOutside.toLocaleString('en')} bars`);
  await expect(page.getByTestId('calibration-separation')).toHaveText(cal.separation.toFixed(3));
  await expect(histogram.locator('[data-marker="threshold"]')).toContainText(t0 ?? 'missing');
  const markerPath = histogram.locator('[data-marker="threshold"] path');
  const atChosen = await markerPath.getAttribute('d');
  const shareFrom = (hist: number[], t: number) => {
    const k = cal.edges.findIndex((e) => Math.abs(e - t) < 1e-9);
    expect(k, `threshold ${t} is a bin edge`).toBeGreaterThanOrEqual(0);
    return `${(hist.slice(k).reduce((a, b) => a + b, 0) * 100).toFixed(1)} %`;
  };
  await slider.focus();
  await page.keyboard.press('Home');
  const lowest = report1.metrics.sweep.val[0].threshold;
  await expect(page.getByTestId('threshold-value')).toHaveText(lowest.toFixed(2));
  await expect(histogram.locator('[data-marker="threshold"]')).toContainText(lowest.toFixed(2));
  await expect(markerPath).not.toHaveAttribute('d', atChosen ?? '');
  await expect(page.getByTestId('calibration-in-above')).toHaveText(shareFrom(cal.histInside, lowest));
  await expect(page.getByTestId('calibration-out-above')).toHaveText(shareFrom(cal.histOutside, lowest));
  await page.keyboard.press('End');
  await histogram.scrollIntoViewIfNeeded();
  await shot(page, '34-report-threshold');

  // Dark theme: the plots' text takes the theme's colours (no fixed white-background images).
  const tickLabel = histogram.locator('.plot-text').first();
  const lightFill = await computedFill(tickLabel);
  await page.getByTestId('theme-toggle').click();
  await expect.poll(() => computedFill(tickLabel)).not.toBe(lightFill);
  await shot(page, '34b-report-calibration-dark');
  await page.getByTestId('theme-toggle').click();
  await expect.poll(() => computedFill(tickLabel)).toBe(lightFill);

  // Export as HTML: a download with the service's file name.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-html').click()]);
  expect(download.suggestedFilename()).toBe(`candlemark-run-${run1}-report.html`);

  // 5. A CRF run and a second soft run (another learning rate) to completion, then compare the
  // three: overlaid curves (one series per run), the decision matrix, only the settings that differ.
  await page.getByTestId('train-model').selectOption('crf');
  await page.getByTestId('train-preset').selectOption('quick');
  await expect(page.getByTestId('train-stabilise')).toBeChecked();
  // This one with the raw weights and a constant learning rate: the switch reaches the run.
  await page.getByTestId('train-stabilise').uncheck();
  await page.getByTestId('retrain').click();
  const run3 = await nextRun(page, run2);
  const run3Config = (await api<Array<{ id: number; config: Record<string, unknown> }>>(page, 'runs.list')).find((r) => r.id === run3)!.config;
  expect(run3Config).toMatchObject({ weightAverage: false, lrSchedule: 'constant' });
  await expect(page.getByTestId('live-status')).toHaveText('completed', { timeout: 40_000 });
  await expect(page.getByTestId(`run-status-${run3}`)).toHaveText('completed');
  await page.getByTestId('train-model').selectOption('soft');
  await page.getByTestId('train-stabilise').check();
  await page.getByTestId('train-lr').fill('0.001');
  await expect(page.getByTestId('train-summary')).toContainText('lr 0.001');
  await page.getByTestId('retrain').click();
  const run4 = await nextRun(page, run3);
  await expect(page.getByTestId('live-status')).toHaveText('completed', { timeout: 40_000 });
  await expect(page.getByTestId(`run-status-${run4}`)).toHaveText('completed');
  const compared = [run1, run3, run4];
  for (const id of compared) await page.getByTestId(`run-pick-${id}`).check();
  await page.getByTestId('runs-compare').click();
  const comparison = page.getByTestId('comparison');
  await expect(comparison).toHaveAttribute('data-runs', compared.join(','));

  const lossOverlay = page.getByTestId('compare-loss-overlay');
  const f1Overlay = page.getByTestId('compare-f1-overlay');
  await expect(lossOverlay).toBeVisible();
  await expect(f1Overlay).toBeVisible();
  await expect(lossOverlay.locator('path[data-series^="run-"]')).toHaveCount(compared.length);
  await expect(f1Overlay.locator('path[data-series^="run-"]')).toHaveCount(compared.length);
  const models = { [run1]: 'soft', [run3]: 'crf', [run4]: 'soft' };
  for (const id of compared) {
    const report = await storedReport(page, id);
    // Every epoch (0 = initialisation) and every swept threshold of the run is on its curve.
    await expect(lossOverlay.locator(`path[data-series="run-${id}"]`)).toHaveAttribute('data-points', String(report.curves.epoch.length));
    await expect(f1Overlay.locator(`path[data-series="run-${id}"]`)).toHaveAttribute('data-points', String(report.metrics.sweep.val.length));
    await expect(lossOverlay.locator(`[data-legend="run-${id}"]`)).toHaveText(`#${id} · ${models[id]}`);
    await expect(f1Overlay.locator(`[data-legend="run-${id}"]`)).toHaveText(`#${id} · ${models[id]}`);
    await expect(lossOverlay.locator(`[data-highlight="run-${id}"]`)).toHaveCount(1);
  }
  // One colour per run.
  const colours = await lossOverlay.locator('path[data-series^="run-"]').evaluateAll((ps) => ps.map((p) => p.getAttribute('stroke')));
  expect(new Set(colours).size).toBe(compared.length);

  const matrix = page.getByTestId('decision-matrix');
  await expect(matrix).toBeVisible();
  await expect(matrix.locator('tbody tr')).not.toHaveCount(0);
  for (const id of compared) await expect(matrix.locator('thead')).toContainText(`run ${id}`);
  await expect(matrix.locator('tbody')).not.toContainText('null');
  // Each row highlights the service's winner (or none for a tie), in the run's own column.
  const expected = await api<{ json: { matrix: { criterion: string; winner: number | null }[] } }>(page, 'runs.compare', { runIds: compared });
  await expect(matrix.locator('tbody tr')).toHaveCount(expected.json.matrix.length);
  for (const row of expected.json.matrix) {
    const cells = matrix.locator(`tr[data-criterion="${row.criterion}"] td.num`);
    await expect(cells).toHaveCount(compared.length);
    if (row.winner === null) await expect(matrix.locator(`tr[data-criterion="${row.criterion}"] td.winner`)).toHaveCount(0);
    else await expect(cells.nth(row.winner)).toHaveClass(/winner/);
  }
  // F1 figures keep three decimals, an F1 of exactly 0 included, each with its 95 % interval.
  for (const text of await matrix.locator('tr[data-criterion="span F1"] td.num').allTextContents())
    expect(text).toMatch(/^\d\.\d{3} \[\d\.\d{3}, \d\.\d{3}\]$/);
  // Settings that differ: the head (once, though the config and the model both store it) and the learning rate; nothing all three runs share.
  const diff = page.getByTestId('config-diff');
  await expect(diff.locator('tr[data-key="config.head"]')).toContainText('crf');
  await expect(diff.locator('tr[data-key="model.head"]')).toHaveCount(0);
  await expect(diff.locator('tr[data-key="config.learningRate"]')).toContainText('0.001');
  await expect(diff.locator('tr[data-key="config.weightAverage"]')).toContainText('false');
  for (const shared of ['config.epochs', 'config.batchSize', 'config.seed', 'model.encoder'])
    await expect(diff.locator(`tr[data-key="${shared}"]`)).toHaveCount(0);
  type Cell = { textContent: string | null };
  const rows = await diff
    .locator('tbody tr')
    .evaluateAll((trs) => trs.map((tr) => (Array.from(tr.querySelectorAll('td')) as Cell[]).slice(1).map((td) => td.textContent)));
  expect(rows.length).toBeGreaterThan(0);
  for (const cells of rows) expect(new Set(cells).size, `a config-diff row shows differing values: ${cells.join(' | ')}`).toBeGreaterThan(1);
  await comparison.scrollIntoViewIfNeeded();
  await lossOverlay.scrollIntoViewIfNeeded();
  await shot(page, '35-compare');

  // Relative to epoch 0, every run starts at 1: the first points share one height.
  await page.getByTestId('compare-relative').check();
  await expect(lossOverlay.locator('figcaption')).toContainText('relative to epoch 0');
  await expect(lossOverlay.locator('path[data-series^="run-"]')).toHaveCount(compared.length);
  const starts = await Promise.all(compared.map((id) => firstY(lossOverlay.locator(`path[data-series="run-${id}"]`))));
  expect(new Set(starts).size).toBe(1);
  await shot(page, '35b-compare-relative');
  await diff.scrollIntoViewIfNeeded();
  await shot(page, '35c-compare-tables');

  // 6. Reload: the runs are stored in the project, statuses and all; the settings are remembered.
  await page.reload();
  await expect(page.getByTestId('training')).toBeVisible();
  await expect(page.getByTestId(`run-status-${run1}`)).toHaveText('completed');
  await expect(page.getByTestId(`run-status-${run2}`)).toHaveText('cancelled');
  await expect(page.getByTestId(`run-status-${run3}`)).toHaveText('completed');
  await expect(page.getByTestId(`run-status-${run4}`)).toHaveText('completed');
  await expect(page.getByTestId('train-model')).toHaveValue('soft');
  await expect(page.getByTestId('train-preset')).toHaveValue('quick');
  await expect(page.getByTestId('train-summary')).toContainText('lr 0.001');
  const runs = await api<Array<{ id: number; status: string }>>(page, 'runs.list', { includeIncomplete: true });
  expect(
    runs
      .filter((r) => [run1, run2, run3, run4].includes(r.id))
      .map((r) => r.status)
      .sort(),
  ).toEqual(['cancelled', 'completed', 'completed', 'completed']);
  await shot(page, '36-after-reload');

  expect(consoleProblems).toEqual([]);
});
