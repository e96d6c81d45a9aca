/**
 * Issue 14, points 3-6: a run's report and a comparison open as their own views at the top of the
 * training view (routable, Back closes them); a run and a window set are deleted after a
 * confirmation that names what goes with them; an identical window set is asked about first;
 * "Go to" a date or window number; Tab reaches the file pickers; at 800×600 no control is cut off
 * (element boxes inside the viewport) and the side panel folds away.
 *
 * Runs after journey.spec.ts (file order: the specs share one host and project, and the journey
 * needs it empty); everything here is scoped to its own series and sets.
 */
import { expect, test, type Page } from '@playwright/test';
import { api, apiSlow, chartReady, openApp, shot } from './helpers.ts';

interface Run {
  id: number;
  status: string;
}

// The functions handed to page.evaluate run in the page; the repository's Node type check has no
// DOM library, so the little of it they use is declared here.
interface El {
  getBoundingClientRect(): { left: number; right: number; width: number; height: number };
  textContent: string | null;
  dataset: Record<string, string | undefined>;
  parentElement: El | null;
}
declare const document: { querySelectorAll(s: string): ArrayLike<El>; activeElement: El | null; documentElement: { scrollWidth: number } };
declare function getComputedStyle(el: El): { visibility: string; outlineStyle: string };
interface Win {
  id: number;
  startTime: number;
  endTime: number;
}

/** Every visible control lies inside the viewport horizontally, and the page doesn't scroll sideways. */
async function expectNothingClipped(page: Page, where: string) {
  const width = page.viewportSize()!.width;
  const out = await page.evaluate((w) => {
    const bad: string[] = [];
    for (const el of Array.from(document.querySelectorAll('button, select, input:not([type=file]), a.btn, label.btn'))) {
      const r = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      if (r.width === 0 || r.height === 0 || style.visibility === 'hidden') continue;
      if (r.left < -0.5 || r.right > w + 0.5)
        bad.push(`${el.dataset.testid ?? el.textContent?.trim().slice(0, 30)} [${Math.round(r.left)}..${Math.round(r.right)}]`);
    }
    return { bad, scrollWidth: document.documentElement.scrollWidth };
  }, width);
  expect(out.bad, `${where}: controls cut off at ${width}px`).toEqual([]);
  expect(out.scrollWidth, `${where}: no sideways scrolling`).toBeLessThanOrEqual(width);
}

test('report and comparison in view with Back, delete a run and a set, duplicate set asked first', async ({ page }) => {
  await openApp(page);
  const demo = await api<{ setId: number }>(page, 'demo.create', { bars: 2048, seed: 57, contradictions: 2 });
  const r1 = await apiSlow<{ runId: number }>(page, 'train.run', { model: 'soft', setId: demo.setId, epochs: 2, seed: 1 });
  const r2 = await apiSlow<{ runId: number }>(page, 'train.run', { model: 'soft', setId: demo.setId, epochs: 2, seed: 2 });

  // Report: its own view, at the top, in the viewport; Back closes it.
  await page.getByTestId('nav-training').click();
  await page.getByTestId(`run-open-${r1.runId}`).click();
  const report = page.getByTestId('report-view');
  await expect(report).toBeVisible();
  await expect(report).toBeInViewport();
  expect(page.url()).toContain(`#/training/run/${r1.runId}`);
  // this small demo (2048 bars) leaves no test block, so the run chose its threshold on train (report.metrics.threshold.chosenOn)
  await expect(page.getByTestId('threshold-review-note')).toContainText('Review predictions draws spans at the train-chosen span threshold');
  await shot(page, '70-report-in-view');
  // The run's predictions download in the labels interchange format.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-predictions-json').click()]);
  expect(download.suggestedFilename()).toBe(`candlemark-run-${r1.runId}-predictions.json`);
  await page.goBack();
  await expect(report).toHaveCount(0);
  expect(page.url()).toMatch(/#\/training$/);

  // Comparison: the same.
  await page.getByTestId(`run-pick-${r1.runId}`).check();
  await page.getByTestId(`run-pick-${r2.runId}`).check();
  await page.getByTestId('runs-compare').click();
  const comparison = page.getByTestId('comparison');
  await expect(comparison).toHaveAttribute('data-runs', `${r1.runId},${r2.runId}`);
  await expect(page.getByTestId('comparison-view')).toBeInViewport();
  expect(page.url()).toContain(`#/training/compare/${r1.runId},${r2.runId}`);
  await shot(page, '71-compare-in-view');
  await page.goBack();
  await expect(comparison).toHaveCount(0);

  // Name run 1: shown in the runs list.
  await page.getByTestId(`run-${r1.runId}-rename`).click();
  await page.getByTestId(`run-${r1.runId}-input`).fill('baseline');
  await page.getByTestId(`run-${r1.runId}-input`).press('Enter');
  await expect(page.getByTestId(`run-${r1.runId}-name`)).toHaveText('“baseline”');

  // Delete run 2: the confirmation names what goes with it.
  await page.getByTestId(`run-delete-${r2.runId}`).click();
  await expect(page.getByTestId('delete-run-impact')).toContainText('epochs of curves');
  await shot(page, '72-delete-run');
  await page.getByTestId('confirm-yes').click();
  await expect(page.getByTestId(`run-row-${r2.runId}`)).toHaveCount(0);
  expect((await api<Run[]>(page, 'runs.list', { includeIncomplete: true })).map((r) => r.id)).not.toContain(r2.runId);

  // Home: name the demo set; the labelling screen uses the name.
  await page.getByTestId('nav-home').click();
  await page.getByTestId(`set-${demo.setId}-rename`).click();
  await page.getByTestId(`set-${demo.setId}-input`).fill('demo daily');
  await page.getByTestId(`set-${demo.setId}-input`).press('Enter');
  await expect(page.getByTestId(`set-${demo.setId}-name`)).toHaveText('“demo daily”');
  await page.getByTestId(`open-set-${demo.setId}`).click();
  await chartReady(page);
  await expect(page.getByTestId('window-title')).toContainText(`set ${demo.setId} “demo daily”`);
  await page.getByTestId('nav-home').click();

  // The same cut twice is asked about; then the copy is deleted after naming what it holds.
  await page.getByTestId('windows-series').selectOption('demo-57');
  await page.getByTestId('windows-length').fill('128');
  await page.getByTestId('windows-stride').fill('64');
  const setsBefore = (await api<{ windowSets: Array<{ id: number }> }>(page, 'project.info')).windowSets.length;
  await page.getByTestId('windows-create').click();
  await expect(page.getByTestId('windows-duplicate')).toContainText(`Window set ${demo.setId} already cuts demo-57`);
  expect((await api<{ windowSets: Array<{ id: number }> }>(page, 'project.info')).windowSets.length).toBe(setsBefore);
  await page.getByTestId('windows-create').click();
  await expect.poll(async () => (await api<{ windowSets: Array<{ id: number }> }>(page, 'project.info')).windowSets.length).toBe(setsBefore + 1);
  const copy = Math.max(...(await api<{ windowSets: Array<{ id: number }> }>(page, 'project.info')).windowSets.map((s) => s.id));
  await page.getByTestId(`delete-set-${copy}`).click();
  await expect(page.getByTestId('delete-set-impact')).toContainText('0 of them labelled');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('delete-set-dialog')).toHaveCount(0);
  await expect(page.getByTestId(`set-${copy}`)).toBeVisible();
  await page.getByTestId(`delete-set-${copy}`).click();
  await page.getByTestId('confirm-yes').click();
  await expect(page.getByTestId(`set-${copy}`)).toHaveCount(0);
  // The demo set names the run trained on it.
  await page.getByTestId(`delete-set-${demo.setId}`).click();
  await expect(page.getByTestId('delete-set-impact')).toContainText(`#${r1.runId}`);
  await page.getByTestId('confirm-no').click();

  // Deleting the series names its window sets and the run trained on them, then takes them all.
  await page.getByTestId('delete-series-demo-57').click();
  await expect(page.getByTestId('delete-series-impact')).toContainText(`#${demo.setId}`);
  await expect(page.getByTestId('delete-series-impact')).toContainText(`#${r1.runId}`);
  await page.getByTestId('confirm-yes').click();
  await expect(page.getByTestId('series-demo-57')).toHaveCount(0);
  await expect(page.getByTestId(`set-${demo.setId}`)).toHaveCount(0);
  expect((await api<{ series: Array<{ id: string }> }>(page, 'project.info')).series.map((x) => x.id)).not.toContain('demo-57');
});

test('800×600: Tab reaches the file pickers, nothing cut off, side panel folds, go to a date', async ({ page }) => {
  await page.setViewportSize({ width: 800, height: 600 });
  await openApp(page);
  const info = await api<{ windowSets: Array<{ id: number; seriesId: string }> }>(page, 'project.info');
  let setId = info.windowSets.find((s) => s.seriesId === 'demo-59')?.id;
  if (setId == null) setId = (await api<{ setId: number }>(page, 'demo.create', { bars: 2048, seed: 59, contradictions: 2 })).setId;
  await page.reload();
  await expect(page.getByTestId('home')).toBeVisible();

  // Tab order reaches "Choose CSV…" and "Import labels…" (their file inputs), with a visible ring.
  const reached = new Set<string>();
  for (let i = 0; i < 300 && !(reached.has('csv-input') && reached.has('labels-input')); i++) {
    await page.keyboard.press('Tab');
    reached.add((await page.evaluate(() => document.activeElement?.dataset.testid ?? '')) || '');
  }
  expect([...reached]).toContain('csv-input');
  expect([...reached]).toContain('labels-input');
  const ring = await page.getByTestId('labels-input').evaluate((el) => getComputedStyle((el as unknown as El).parentElement!).outlineStyle);
  expect(ring).toBe('solid');
  await shot(page, '73-tab-file-picker-800');
  await expectNothingClipped(page, 'home');

  // The workbench at 800×600: panel folded by default, the chart gets the width; nothing cut off.
  await page.getByTestId(`open-set-${setId}`).click();
  await chartReady(page);
  await expect(page.getByTestId('workbench-side')).toBeHidden();
  expect((await page.getByTestId('chart').boundingBox())!.width).toBeGreaterThan(700);
  await expectNothingClipped(page, 'workbench');
  await shot(page, '74-workbench-800');
  const spacing = async () => Number(await page.getByTestId('chart').getAttribute('data-bar-spacing'));
  const wide = await spacing();
  await page.getByTestId('side-toggle').click();
  await expect(page.getByTestId('workbench-side')).toBeVisible();
  // The narrower chart is refitted: every loaded bar still on screen, so the bars get closer.
  await expect.poll(spacing).toBeLessThan(wide * 0.8);
  await expectNothingClipped(page, 'workbench with panel');
  await shot(page, '75-workbench-800-panel');

  // Go to a date: the window whose bars contain it; a bad one says why.
  const windows = await api<Win[]>(page, 'windows.list', { setId });
  const target = windows[Math.floor(windows.length / 2)];
  const day = new Date((target.startTime + target.endTime) / 2).toISOString().slice(0, 16).replace('T', ' ');
  await page.getByTestId('jump-input').fill(day);
  await page.getByTestId('jump-input').press('Enter');
  const title = page.getByTestId('window-title');
  const landed = Number(
    await expect
      .poll(async () => title.getAttribute('data-window-id'))
      .not.toBe(String(windows[0].id))
      .then(() => title.getAttribute('data-window-id')),
  );
  const w = windows.find((x) => x.id === landed)!;
  const t = Date.parse(day.replace(' ', 'T') + 'Z');
  expect(w.startTime <= t && t <= w.endTime, `window ${landed} contains ${day}`).toBe(true);
  await page.getByTestId('jump-input').fill('1999-01-01');
  await page.getByTestId('jump-input').press('Enter');
  await expect(page.getByTestId('jump-error')).toContainText('outside this set');
  await page.getByTestId('jump-input').fill('3');
  await page.getByTestId('jump-input').press('Enter');
  await expect(title).toHaveAttribute('data-window-id', String(windows[2].id));

  // Log price axis and moving averages.
  const chart = page.getByTestId('chart');
  await page.getByTestId('log-scale').check();
  await expect(chart).toHaveAttribute('data-price-scale', 'log');
  await page.getByTestId('ma-select').selectOption({ label: 'MA 20 + 50' });
  await expect(chart).toHaveAttribute('data-ma-lines', '2');
  await page.getByTestId('atr-bands').check();
  await expect(chart).toHaveAttribute('data-atr-bands', '1');
  await shot(page, '77-log-ma-800');
  await page.getByTestId('atr-bands').uncheck();
  await expect(chart).toHaveAttribute('data-atr-bands', '0');
  await page.getByTestId('log-scale').uncheck();
  await page.getByTestId('ma-select').selectOption({ label: 'no MA' });
  await expect(chart).toHaveAttribute('data-ma-lines', '0');

  // The help overlay fits.
  await page.keyboard.press('?');
  const dialog = page.getByTestId('help-overlay').getByRole('dialog');
  const box = (await dialog.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(800);
  await expect(dialog).toHaveJSProperty('scrollWidth', await dialog.evaluate((el) => el.clientWidth));
  await shot(page, '76-help-800');
});
