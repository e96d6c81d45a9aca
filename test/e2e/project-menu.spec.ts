/**
 * Open a second project (issue #14, acceptance): in the real browser host (bin/serve.js, HOME in a
 * temp folder so ~/.candlemark is this spec's own), create a second project from the top bar's
 * project menu, import a real CSV into it, switch back to the first from Recent and see its data;
 * the token stays the same throughout, and a second tab open on the host follows the switch.
 *
 * The host is this spec's own (a free port), so the shared webServer's project is untouched.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { apiAt, SHARED_DATA, shot } from './helpers.ts';
import { startServeHost, type ServeHost } from './serve-host.ts';

const TOKEN = 'e2e-project-menu-token-0123456789';
let host: ServeHost;
let origin = '';
let home = '';
let first = '';

test.beforeAll(async () => {
  host = await startServeHost(TOKEN, (h) => ['--project', path.join(h, 'first.candlemark')]);
  ({ origin, home } = host);
  first = path.join(home, 'first.candlemark');
});

test.afterAll(async () => {
  await host?.stop();
});

async function openApp(page: Page): Promise<void> {
  await page.goto(`${origin}/#token=${TOKEN}`);
  await expect(page.getByTestId('app')).toBeVisible();
}

test('create a second project, import a CSV into it, switch back to the first and see its data', async ({ page, context, request }) => {
  // The first project has a series of its own (the analyst's earlier work).
  const csv = fs.readFileSync(path.join(SHARED_DATA, 'eurusd_1h.csv'), 'utf8');
  await apiAt(request, origin, TOKEN, 'series.importText', { fileName: 'eurusd_1h.csv', text: csv, seriesId: 'eurusd_first' }, 120_000);

  await openApp(page);
  await expect(page.getByTestId('series-eurusd_first')).toBeVisible();
  await expect(page.getByTestId('project-menu')).toContainText('first');
  // A second tab on the same host follows a switch made in the first.
  const other = await context.newPage();
  await openApp(other);
  await expect(other.getByTestId('series-eurusd_first')).toBeVisible();

  await page.getByTestId('project-menu').click();
  await expect(page.getByTestId('project-popover')).toBeVisible();
  await shot(page, 'project-menu');
  await page.getByTestId('project-new-name').fill('second');
  await page.getByTestId('project-create').click();
  // The page reloads at Home on the new, empty project (the same token: it still answers).
  await expect(page.getByTestId('project-menu')).toContainText('second');
  await expect(page.getByTestId('series-eurusd_first')).toHaveCount(0);
  await expect(page.getByTestId('topbar-counts')).toContainText('0/0 labelled');
  await expect(other.getByTestId('project-menu')).toContainText('second');
  await expect(other.getByTestId('series-eurusd_first')).toHaveCount(0);

  // Import a real CSV into the second project through the import dialog.
  await page.getByTestId('csv-input').setInputFiles(path.join(SHARED_DATA, 'spy_1d.csv'));
  await expect(page.getByTestId('dialog-import')).toBeEnabled();
  await page.getByTestId('dialog-import').click();
  await expect(page.getByTestId('import-ok')).toContainText('Imported spy_1d');
  await expect(page.getByTestId('series-spy_1d')).toBeVisible();
  const second = await apiAt<{ path: string; series: { id: string }[] }>(request, origin, TOKEN, 'project.info');
  expect(second.path).toBe(path.join(home, '.candlemark', 'projects', 'second.candlemark'));
  expect(second.series.map((s) => s.id)).toEqual(['spy_1d']);

  // Back to the first from Recent: its data, not the second's.
  await page.getByTestId('project-menu').click();
  await page.getByTestId('project-recent-item').filter({ hasText: 'first' }).click();
  await expect(page.getByTestId('project-menu')).toContainText('first');
  await expect(page.getByTestId('series-eurusd_first')).toBeVisible();
  await expect(page.getByTestId('series-spy_1d')).toHaveCount(0);
  await expect(other.getByTestId('series-eurusd_first')).toBeVisible();
  await shot(page, 'project-menu-back-to-first');

  // A page can't name another file: the host refuses it, and the first project stays open.
  const res = await request.post(`${origin}/api/host`, {
    headers: { Authorization: `Bearer ${TOKEN}` },
    data: { command: 'host.openProject', args: { path: '/etc/passwd' } },
  });
  expect(res.status()).toBe(403);
  expect((await apiAt<{ path: string }>(request, origin, TOKEN, 'project.info')).path).toBe(first);
});

test('rename a series from Home; a taken id is refused beside the field', async ({ page, request }) => {
  // The second project (made by the test above) holds spy_1d; another series takes the id "taken".
  const res = await request.post(`${origin}/api/host`, {
    headers: { Authorization: `Bearer ${TOKEN}` },
    data: { command: 'host.openProject', args: { name: 'second' } },
  });
  expect(res.status()).toBe(200);
  await apiAt(request, origin, TOKEN, 'series.importText', {
    fileName: 'taken.csv',
    text: 'time,open,high,low,close\n2020-01-01,1,2,0.5,1.5\n2020-01-02,1.5,2.5,1,2\n',
    seriesId: 'taken',
  });
  await apiAt(request, origin, TOKEN, 'windows.create', { seriesId: 'spy_1d', length: 128, stride: 64 });
  await openApp(page);
  await expect(page.getByTestId('series-spy_1d')).toBeVisible();

  await page.getByTestId('rename-series-spy_1d').click();
  await page.getByTestId('rename-series-spy_1d-input').fill('taken');
  await page.getByTestId('rename-series-spy_1d-input').press('Enter');
  await expect(page.getByTestId('rename-series-spy_1d-error')).toContainText('"taken" already exists');
  await page.getByTestId('rename-series-spy_1d-input').fill('spy daily');
  await page.getByTestId('rename-series-spy_1d-input').press('Enter');
  await expect(page.getByTestId('rename-series-spy_1d-error')).toContainText('letters, digits');

  await page.getByTestId('rename-series-spy_1d-input').fill('spy_daily');
  await page.getByTestId('rename-series-spy_1d-input').press('Enter');
  await expect(page.getByTestId('series-spy_daily')).toBeVisible();
  await expect(page.getByTestId('series-spy_1d')).toHaveCount(0);
  // Its window set follows the new id.
  await expect(page.getByTestId('sets-card')).toContainText('spy_daily');
  const info = await apiAt<{ windowSets: { seriesId: string }[] }>(request, origin, TOKEN, 'project.info');
  expect(info.windowSets.map((w) => w.seriesId)).toEqual(['spy_daily']);
});
