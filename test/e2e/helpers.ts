/** Shared helpers of the end-to-end specs: opening the app, chart geometry, API calls, screenshots. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, type APIRequestContext, type Page } from '@playwright/test';
import { E2E_TOKEN } from './playwright.config.ts';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SHARED_DATA = path.resolve(REPO_ROOT, '../shared/data');
const STEPS = path.join(REPO_ROOT, 'test-results/e2e-steps');

export async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(STEPS, { recursive: true });
  await page.screenshot({ path: path.join(STEPS, `${name}.png`) });
}

/** Calls the service directly (to check what the UI claims). */
export async function api<T = unknown>(page: Page, command: string, args: unknown = {}): Promise<T> {
  const res = await page.request.post('/api/call', { headers: { Authorization: `Bearer ${E2E_TOKEN}` }, data: { command, args } });
  const body = (await res.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`${command}: ${body.error.message}`);
  return body.result as T;
}

/** Calls the service of another host than the shared one (a spec's own host process), at `origin` with its token. */
export async function apiAt<T = unknown>(
  request: APIRequestContext,
  origin: string,
  token: string,
  command: string,
  args: unknown = {},
  timeout = 30_000,
): Promise<T> {
  const res = await request.post(`${origin}/api/call`, { headers: { Authorization: `Bearer ${token}` }, data: { command, args }, timeout });
  const body = (await res.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`${command}: ${body.error.message}`);
  return body.result as T;
}

export async function openApp(page: Page, hash = ''): Promise<void> {
  await page.goto(`/#token=${E2E_TOKEN}${hash ? '&' + hash : ''}`);
  await expect(page.getByTestId('app')).toBeVisible();
}

/** Waits until the chart shows the given window (or any window) after its first paint. */
export async function chartReady(page: Page, key?: string | number): Promise<void> {
  const chart = page.getByTestId('chart');
  if (key == null) await expect(chart).toHaveAttribute('data-window-ready', /.+/);
  else await expect(chart).toHaveAttribute('data-window-ready', String(key));
}

/** Page x of a bar's centre (series index) and a y inside the candle pane, from the chart's published geometry. */
export async function barX(page: Page, index: number, offsetBars = 0): Promise<{ x: number; y: number }> {
  const chart = page.getByTestId('chart');
  const box = (await chart.boundingBox())!;
  const g = await chart.evaluate((el) => ({ x0: Number(el.dataset.x0), spacing: Number(el.dataset.barSpacing), first: Number(el.dataset.firstIndex) }));
  return { x: box.x + g.x0 + (index - g.first + offsetBars) * g.spacing, y: box.y + box.height * 0.35 };
}

export async function drag(page: Page, from: { x: number; y: number }, to: { x: number; y: number }, steps = 8): Promise<void> {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps });
  await page.mouse.up();
}

/** Bar open times of a shared CSV, as ISO strings (index = series index). */
export function csvTimes(file: string): string[] {
  return fs
    .readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.slice(0, line.indexOf(',')));
}

/** Like api(), for commands that take a while (train.run waits for the whole run). */
export async function apiSlow<T = unknown>(page: Page, command: string, args: unknown = {}, timeoutMs = 120_000): Promise<T> {
  const res = await page.request.post('/api/call', { headers: { Authorization: `Bearer ${E2E_TOKEN}` }, data: { command, args }, timeout: timeoutMs });
  const body = (await res.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`${command}: ${body.error.message}`);
  return body.result as T;
}
