/**
 * Training from the UI: Retrain with the quick preset and watch epochs stream into the live curves,
 * cancel a second run (marked cancelled, excluded from comparison), read the first run's report and
 * move its threshold slider, export it, train a CRF to completion, compare the two, and find every
 * run again after a reload. Works on an empty project or after the other specs (own demo series).
 */
import { expect, test, type ConsoleMessage, type Page } from '@playwright/test';
import { api, openApp, shot } from './helpers.ts';

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
  test.setTimeout(90_000);
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
  await expect(page.getByTestId(`run-status-${run1}`)).toHaveText('completed');
  await shot(page, '31-training-completed');

  // 3. A long second run, cancelled while it trains: greyed, not selectable for comparison.
  // (30 epochs of this small demo can finish in 2 s: ask for many more, it is cancelled anyway.)
  await page.getByTestId('train-preset').selectOption('thorough');
  await expect(page.getByTestId('train-epochs')).toHaveValue('80');
  await page.getByTestId('train-epochs').fill('600');
  await expect(page.getByTestId('train-preset')).toHaveValue('custom');
  await page.getByTestId('retrain').click();
  const run2 = await nextRun(page, run1);
  await expect(page.getByTestId('train-cancel')).toBeVisible();
  await expect(page.getByTestId('live-status')).toHaveText('running');
  await expect(page.getByTestId('live-epoch')).toHaveText(/^[1-9]\d*\/600$/);
  await expect(page.getByTestId('live-eta')).toHaveText(/\d+s/);
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
  await expect(page.getByTestId('report-loss')).toBeVisible();
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
  await slider.focus();
  await page.keyboard.press('End');
  await page.getByTestId('run-report').scrollIntoViewIfNeeded();
  await shot(page, '34-report-threshold');

  // Export as HTML: a download with the service's file name.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-html').click()]);
  expect(download.suggestedFilename()).toBe(`candlemark-run-${run1}-report.html`);

  // 5. A CRF run to completion, then compare it with the first run.
  await page.getByTestId('train-model').selectOption('crf');
  await page.getByTestId('train-preset').selectOption('quick');
  await page.getByTestId('retrain').click();
  const run3 = await nextRun(page, run2);
  await expect(page.getByTestId('live-status')).toHaveText('completed', { timeout: 40_000 });
  await expect(page.getByTestId(`run-status-${run3}`)).toHaveText('completed');
  await page.getByTestId(`run-pick-${run1}`).check();
  await page.getByTestId(`run-pick-${run3}`).check();
  await page.getByTestId('runs-compare').click();
  const matrix = page.getByTestId('decision-matrix');
  await expect(matrix).toBeVisible();
  await expect(matrix.locator('tbody tr')).not.toHaveCount(0);
  await expect(matrix.locator('thead')).toContainText(`run ${run1}`);
  await expect(matrix.locator('thead')).toContainText(`run ${run3}`);
  await expect(page.getByTestId('config-diff')).toContainText('head');
  await page.getByTestId('comparison').scrollIntoViewIfNeeded();
  await shot(page, '35-compare');

  // 6. Reload: the runs are stored in the project, statuses and all; the settings are remembered.
  await page.reload();
  await expect(page.getByTestId('training')).toBeVisible();
  await expect(page.getByTestId(`run-status-${run1}`)).toHaveText('completed');
  await expect(page.getByTestId(`run-status-${run2}`)).toHaveText('cancelled');
  await expect(page.getByTestId(`run-status-${run3}`)).toHaveText('completed');
  await expect(page.getByTestId('train-model')).toHaveValue('crf');
  await expect(page.getByTestId('train-preset')).toHaveValue('quick');
  const runs = await api<Array<{ id: number; status: string }>>(page, 'runs.list', { includeIncomplete: true });
  expect(runs.filter((r) => [run1, run2, run3].includes(r.id)).map((r) => r.status).sort()).toEqual(['cancelled', 'completed', 'completed']);
  await shot(page, '36-after-reload');

  expect(consoleProblems).toEqual([]);
});
