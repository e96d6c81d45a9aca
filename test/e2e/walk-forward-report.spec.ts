/**
 * A walk-forward run's report shows its folds (issue #11 point 6): a table of fold, train / val /
 * test windows, the epoch kept, span and bar F1 on each fold's own test block, and the mean ± sd
 * over folds, with a caption that says the headline is the held-out test block scored once by the
 * saved fold's model. The cells are checked against the stored report. Real training (tiny, wasm)
 * in the e2e host; own demo series (seed 73), so it works after the other specs.
 */
import { expect, test } from '@playwright/test';
import { api, apiSlow, openApp, shot } from './helpers.ts';

interface Fold {
  fold: number;
  trainWindows: number;
  valWindows: number;
  testWindows: number;
  bestEpochs: number[];
  spanF1: number;
  barF1: number;
}
interface Cv {
  folds: number;
  savedFold: number;
  headlineOn: string;
  heldOutWindows: number;
  perFold: Fold[];
  spanF1: { mean: number; sd: number };
  barF1: { mean: number; sd: number };
}

test('a walk-forward report shows one row per fold and the mean ± sd', async ({ page }) => {
  test.setTimeout(240_000);
  await openApp(page);
  const { setId } = await api<{ setId: number }>(page, 'demo.create', { bars: 4096, seed: 73 });
  const run = await apiSlow<{ runId: number; status: string; error: string | null }>(
    page,
    'train.run',
    { setId, model: 'soft', epochs: 3, hidden: 8, batchSize: 16, backend: 'wasm', evaluation: 'walk-forward', folds: 3 },
    200_000,
  );
  expect(run.error).toBeNull();
  expect(run.status).toBe('completed');
  const cv = (await api<{ report: { crossValidation: Cv } }>(page, 'runs.get', { runId: run.runId })).report.crossValidation;
  expect(cv.headlineOn).toBe('held-out');

  await page.goto(`/#/training/run/${run.runId}`);
  await expect(page.getByTestId('run-report')).toBeVisible();
  const table = page.getByTestId('report-cv-table');
  await expect(table).toBeVisible();
  await expect(table.locator('caption')).toContainText(`the held-out test block (${cv.heldOutWindows} windows), scored once by fold ${cv.savedFold}'s model`);
  const rows = page.getByTestId('report-cv-fold');
  await expect(rows).toHaveCount(cv.folds);
  for (const [i, f] of cv.perFold.entries()) {
    const cells = rows.nth(i).locator('td');
    await expect(cells.nth(0)).toHaveText(f.fold === cv.savedFold ? `${f.fold} (saved)` : String(f.fold));
    await expect(cells.nth(1)).toHaveText(`${f.trainWindows} / ${f.valWindows} / ${f.testWindows}`);
    await expect(cells.nth(2)).toHaveText(f.bestEpochs.join(', '));
    await expect(cells.nth(3)).toHaveText(f.spanF1.toFixed(3));
    await expect(cells.nth(4)).toHaveText(f.barF1.toFixed(3));
  }
  await expect(page.getByTestId('report-cv-mean')).toContainText(`${cv.spanF1.mean.toFixed(3)} ± ${cv.spanF1.sd.toFixed(3)}`);
  await expect(page.getByTestId('report-cv-mean')).toContainText(`${cv.barF1.mean.toFixed(3)} ± ${cv.barF1.sd.toFixed(3)}`);
  await page.getByTestId('report-cv').scrollIntoViewIfNeeded();
  await shot(page, '70-walk-forward-report');
});
