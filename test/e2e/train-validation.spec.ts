/**
 * Inline validation of the Retrain form (issue #14): a number the train.start schema refuses shows
 * its own message beside the field (written from the schema's limits), keeps Retrain off, and the
 * page never shows the raw "train.start: invalid arguments / batchSize: Too small…" text; fixing it
 * turns Retrain back on. Runs on the real host's default demo project (this spec's own HOME).
 */
import { expect, test, type Page } from '@playwright/test';
import { shot } from './helpers.ts';
import { startServeHost, type ServeHost } from './serve-host.ts';

const TOKEN = 'e2e-train-validation-token-0123456789';
let host: ServeHost;

test.beforeAll(async () => {
  host = await startServeHost(TOKEN); // no --project: the demo file, with windows to train on
});

test.afterAll(async () => {
  await host?.stop();
});

async function noRawSchemaText(page: Page): Promise<void> {
  const text = await page.locator('body').innerText();
  expect(text).not.toContain('invalid arguments');
  expect(text).not.toContain('Too small');
  expect(text).not.toContain('Too big');
}

test('each bad number gets its own message, Retrain stays off until fixed', async ({ page }) => {
  await page.goto(`${host.origin}/#token=${TOKEN}`);
  await expect(page.getByTestId('app')).toBeVisible();
  await page.goto(`${host.origin}/#/training`);
  const retrain = page.getByTestId('retrain');
  await expect(retrain).toBeEnabled({ timeout: 30_000 });

  await page.getByTestId('train-advanced').locator('summary').click();
  await page.getByTestId('train-batch').fill('0');
  await expect(page.getByTestId('train-batch-error')).toHaveText('Must be a whole number from 1 to 1,024.');
  await expect(page.getByTestId('train-batch')).toHaveAttribute('aria-invalid', 'true');
  await expect(retrain).toBeDisabled();
  await expect(page.getByTestId('train-invalid')).toBeVisible();

  await page.getByTestId('train-lr').fill('0');
  await expect(page.getByTestId('train-lr-error')).toHaveText('Must be a number above 0, at most 1.');
  await page.getByTestId('train-epochs').fill('2.5');
  await expect(page.getByTestId('train-epochs-error')).toHaveText('Must be a whole number from 1 to 1,000.');
  await page.getByTestId('train-ensemble').fill('');
  await expect(page.getByTestId('train-ensemble-error')).toHaveText('Enter a whole number from 1 to 16.');
  // Only the bad fields are marked.
  await expect(page.getByTestId('train-seed-error')).toHaveCount(0);
  await shot(page, 'train-inline-validation');
  await noRawSchemaText(page);
  await expect(retrain).toBeDisabled();

  for (const [id, value] of [
    ['train-batch', '16'],
    ['train-lr', '0.003'],
    ['train-epochs', '3'],
    ['train-ensemble', '1'],
  ] as const)
    await page.getByTestId(id).fill(value);
  await expect(page.locator('.field-error')).toHaveCount(0);
  await expect(page.getByTestId('train-invalid')).toHaveCount(0);
  await expect(retrain).toBeEnabled();
  await expect(page.getByTestId('train-summary')).toContainText('3 epochs · batch 16 · lr 0.003');
});
