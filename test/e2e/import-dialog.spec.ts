/**
 * The import dialog (issue 13) in a real browser against the real host: a headerless file asks for
 * its column roles, then previews and imports; a day-first file is detected and said so; a large
 * import cancelled halfway writes nothing; a series is exported as CSV and resampled from the app.
 *
 * The series these tests import would break specs that expect the shared webServer's project to be
 * empty (journey.spec.ts), so this spec runs a host of its own (test/e2e/start-host.ts on a free
 * port, a fresh project, the renderer the webServer built) and stops it at the end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { E2E_DIST } from './playwright.config.ts';
import { REPO_ROOT, shot } from './helpers.ts';

const TOKEN = 'e2e-import-dialog-token-0123456789';
let host: ChildProcess | null = null;
let origin = '';

test.beforeAll(async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/e2e/start-host.ts', '--port', '0', '--token', TOKEN, '--static', E2E_DIST], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  host = child;
  let out = '';
  origin = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the host printed no URL within 60 s:\n${out}`)), 60_000);
    const look = (d: Buffer) => {
      out += d.toString();
      const m = /open (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', look);
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => reject(new Error(`the host exited (${code}) before printing its URL:\n${out}`)));
  });
});

test.afterAll(async () => {
  const child = host;
  if (child?.pid === undefined || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid, 'SIGTERM');
  await exited;
});

async function openApp(page: Page): Promise<void> {
  await page.goto(`${origin}/#token=${TOKEN}`);
  await expect(page.getByTestId('app')).toBeVisible();
}

/** Calls this spec's host directly (to check what the UI claims). */
async function api<T = unknown>(page: Page, command: string, args: unknown = {}): Promise<T> {
  const res = await page.request.post(`${origin}/api/call`, { headers: { Authorization: `Bearer ${TOKEN}` }, data: { command, args } });
  const body = (await res.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`${command}: ${body.error.message}`);
  return body.result as T;
}

/** A DataTransfer holding one text file, made in the page (the spec itself has no DOM types). */
function dataTransfer(page: Page, name: string, text: string) {
  return page.evaluateHandle(
    `(() => { const dt = new DataTransfer(); dt.items.add(new File([${JSON.stringify(text)}], ${JSON.stringify(name)}, { type: 'text/csv' })); return dt; })()`,
  );
}

interface SeriesRow {
  id: string;
  barCount: number;
}

test('headerless file: the dialog asks for the mapping, previews, imports', async ({ page }) => {
  await openApp(page);
  const rows = ['20200102 09:30,1000,1010,990,1005,7', '20200102 09:31,1005,1020,1001,1018,9', '20200102 09:32,1018,1019,1002,1004,3'];
  // Dropped on the import card, as an analyst drags a file from the desktop.
  const dropped = await dataTransfer(page, 'lean-min.csv', rows.join('\n') + '\n');
  await page.getByTestId('import-card').dispatchEvent('drop', { dataTransfer: dropped });
  await expect(page.getByTestId('import-dialog')).toBeVisible();
  await expect(page.getByTestId('needs-mapping')).toBeVisible();
  await expect(page.getByTestId('detected-header')).toContainText('no');
  await expect(page.getByTestId('dialog-import')).toBeDisabled();
  // The roles offered are the suggestion; set them explicitly as a user would, then apply.
  const roles = ['time', 'open', 'high', 'low', 'close', 'volume'];
  for (let i = 0; i < roles.length; i++) await page.getByTestId(`role-${i}`).selectOption(roles[i]);
  await page.getByTestId('apply-roles').click();
  await expect(page.getByTestId('preview-chart')).toHaveAttribute('data-bars', '3');
  await expect(page.getByTestId('detected-time')).toContainText('YYYYMMDD HH:mm');
  await shot(page, 'import-dialog-headerless');
  await page.getByTestId('dialog-import').click();
  await expect(page.getByTestId('import-ok')).toContainText('Imported lean-min: 3 bars');
  const series = await api<SeriesRow[]>(page, 'series.list');
  expect(series.find((s) => s.id === 'lean-min')?.barCount).toBe(3);
});

test('day-first dotted dates are detected and shown', async ({ page }) => {
  await openApp(page);
  const text =
    'Time,Open,High,Low,Close,Volume\n02.01.2017 00:00:00.000,1.05,1.06,1.04,1.055,10\n03.01.2017 00:00:00.000,1.055,1.06,1.05,1.052,12\n13.01.2017 00:00:00.000,1.052,1.07,1.05,1.065,9\n';
  const dropped = await dataTransfer(page, 'dukascopy-min.csv', text);
  await page.getByTestId('import-card').dispatchEvent('drop', { dataTransfer: dropped });
  await expect(page.getByTestId('detected-time')).toContainText('DD.MM.YYYY HH:mm:ss.SSS (day first)');
  await expect(page.getByTestId('preview-chart')).toHaveAttribute('data-bars', '3');
  await page.getByTestId('dialog-import').click();
  await expect(page.getByTestId('import-ok')).toContainText('3 bars');
  const bars = await api<{ time: number[] }>(page, 'bars.read', { seriesId: 'dukascopy-min', from: 0, count: 10 });
  expect(bars.time.map((t) => new Date(t).toISOString().slice(0, 10))).toEqual(['2017-01-02', '2017-01-03', '2017-01-13']);
});

test('cancelling a large import halfway writes nothing', async ({ page }) => {
  await openApp(page);
  // 2,000,000 rows (~55 MB, written to a file: Playwright passes buffers only up to 50 MB), so
  // reading takes long enough (seconds) for a click to land in it on a quiet machine too.
  const lines = ['time,open,high,low,close,volume'];
  const t0 = 1577836800;
  for (let i = 0; i < 2_000_000; i++) lines.push(`${t0 + i * 60},1.5,2,1,1.75,${i % 97}`);
  const huge = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'candlemark-e2e-huge-')), 'huge.csv');
  fs.writeFileSync(huge, lines.join('\n') + '\n');
  const before = await api<SeriesRow[]>(page, 'series.list');
  await page.getByTestId('csv-input').setInputFiles(huge);
  await expect(page.getByTestId('dialog-import')).toBeEnabled();
  await page.getByTestId('dialog-import').click();
  // Cancel at once, while the 1,000,000 rows are being read (about a second of parsing even on a
  // quiet machine; storing, one SQLite transaction, cannot be interrupted). Waiting for a particular
  // progress figure first was flaky: on a quiet machine the bar jumped from 0 to past the reading half
  // between two polls.
  await expect(page.getByTestId('dialog-cancel')).toHaveText('Cancel import');
  await page.getByTestId('dialog-cancel').click();
  await expect(page.getByTestId('import-cancelled')).toBeVisible({ timeout: 60_000 });
  await shot(page, 'import-dialog-cancelled');
  const after = await api<SeriesRow[]>(page, 'series.list');
  expect(after).toEqual(before);
});

test('a series is exported as a clean CSV and resampled from the import card', async ({ page }) => {
  await openApp(page);
  const text =
    'time,open,high,low,close,volume\n' +
    Array.from({ length: 120 }, (_, i) => `${1577836800 + i * 60},${10 + i},${12 + i},${9 + i},${11 + i},${i}`).join('\n');
  await api(page, 'series.importText', { fileName: 'minutes.csv', text });
  await page.reload();
  await page.getByTestId('series-tools').locator('summary').click();
  await page.getByTestId('tools-series').selectOption('minutes');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-series').click()]);
  expect(download.suggestedFilename()).toBe('minutes.csv');
  const csv = fs
    .readFileSync((await download.path())!, 'utf8')
    .trim()
    .split('\n');
  expect(csv[0]).toBe('time,open,high,low,close,volume');
  expect(csv[1]).toBe('2020-01-01T00:00:00Z,10,12,9,11,0');
  expect(csv).toHaveLength(121);
  await page.getByTestId('resample-to').selectOption('1h');
  await page.getByTestId('resample-as').fill('minutes_1h');
  await page.getByTestId('resample-series').click();
  await expect(page.getByTestId('series-tools-ok')).toContainText('series minutes_1h with 2 bars');
  const bars = await api<{ open: number[]; close: number[]; volume: number[] }>(page, 'bars.read', { seriesId: 'minutes_1h', from: 0, count: 10 });
  expect(bars.open).toEqual([10, 70]);
  expect(bars.close).toEqual([70, 130]);
  expect(bars.volume).toEqual([1770, 5370]);
});
