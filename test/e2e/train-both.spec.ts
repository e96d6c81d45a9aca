/**
 * Issue #10, point 9: "train both" is scheduled by the service. The page asks once (train.start
 * model 'both'); it shows the queued CRF run, and follows it when the service starts it after the
 * soft-span run completes ('training.queued'). Quick preset (5 epochs), its own demo series.
 */
import { expect, test, type Page } from '@playwright/test';
import { api, openApp } from './helpers.ts';

interface Run {
  id: number;
  model: string;
  status: string;
}

const liveRunId = async (page: Page) => Number(await page.getByTestId('live-run').getAttribute('data-run-id'));

test('train both: soft-span, then the CRF run the service queued; the live panel follows it', async ({ page }) => {
  test.setTimeout(180_000);
  await openApp(page);
  await api(page, 'demo.create', { bars: 2048, seed: 71 });
  const before = Math.max(0, ...(await api<Run[]>(page, 'runs.list', { includeIncomplete: true })).map((r) => r.id));
  await page.reload();
  await page.getByTestId('home-train').click();
  await expect(page.getByTestId('training')).toBeVisible();
  await page.getByTestId('train-model').selectOption('both');
  await page.getByTestId('train-preset').selectOption('quick');
  await page.getByTestId('retrain').click();

  // One call started the soft-span run; the CRF run is the service's to start.
  await expect.poll(() => liveRunId(page)).toBeGreaterThan(before);
  const first = await liveRunId(page);
  await expect(page.getByText('then 1 more run (CRF)')).toBeVisible();
  // The service started the CRF run after the first completed; the page follows it to the end.
  await expect.poll(() => liveRunId(page), { timeout: 150_000 }).toBeGreaterThan(first);
  const second = await liveRunId(page);
  await expect(page.getByTestId('live-run').locator('h2')).toHaveText(`Run ${second} · crf`);
  await expect(page.getByText('then 1 more run (CRF)')).toHaveCount(0);
  await expect(page.getByTestId('live-status')).toHaveText('completed', { timeout: 150_000 });
  const runs = (await api<Run[]>(page, 'runs.list', { includeIncomplete: true })).filter((r) => r.id > before).sort((a, b) => a.id - b.id);
  expect(runs.map((r) => [r.id, r.model, r.status])).toEqual([
    [first, 'soft', 'completed'],
    [second, 'crf', 'completed'],
  ]);
});
