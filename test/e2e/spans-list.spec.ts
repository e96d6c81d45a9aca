/**
 * The list of all spans in a set (issue #14): from Home's set row, every span of the set in one
 * table with its note; "with notes only" and the note search narrow it; a row opens its window.
 * The real host's default demo (this spec's own HOME).
 */
import { expect, test } from '@playwright/test';
import { apiAt, chartReady, shot } from './helpers.ts';
import { startServeHost, type ServeHost } from './serve-host.ts';

const TOKEN = 'e2e-spans-list-token-0123456789';
let host: ServeHost;

test.beforeAll(async () => {
  host = await startServeHost(TOKEN);
});

test.afterAll(async () => {
  await host?.stop();
});

test('all spans of a set with their notes; a row opens its window', async ({ page, request }) => {
  const call = <T>(command: string, args: unknown = {}) => apiAt<T>(request, host.origin, TOKEN, command, args);
  const info = await call<{ windowSets: { id: number }[] }>('project.info');
  const setId = info.windowSets[0].id;
  const labels = await call<{ id: number; windowId: number }[]>('labels.list', { setId });
  const noted = labels[Math.floor(labels.length / 2)];
  await call('labels.update', { id: noted.id, patch: { note: 'news gap: check the open' } });

  await page.goto(`${host.origin}/#token=${TOKEN}`);
  await page.getByTestId(`spans-set-${setId}`).click();
  await expect(page.getByTestId('spans-count')).toHaveText(`${labels.length} of ${labels.length} spans`);
  await expect(page.getByTestId('spans-row')).toHaveCount(labels.length);

  await page.getByTestId('spans-notes-only').check();
  await expect(page.getByTestId('spans-row')).toHaveCount(1);
  await expect(page.getByTestId('spans-note')).toHaveText('news gap: check the open');
  await page.getByTestId('spans-notes-only').uncheck();
  await page.getByTestId('spans-search').fill('GAP');
  await expect(page.getByTestId('spans-row')).toHaveCount(1);
  await shot(page, 'spans-list');

  await page.getByTestId('spans-row').click();
  await chartReady(page, noted.windowId);
  expect(page.url()).toContain(`#/set/${setId}/window/${noted.windowId}`);
});
