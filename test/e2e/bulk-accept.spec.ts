/**
 * Bulk accept in the review panel (issue #14): on the real host's default demo (its latest training
 * windows left unlabelled), a quick soft run; in review mode the panel says how many unlabelled
 * windows and spans lie at or above the score (the host's own dry run agrees), accepting makes
 * exactly those labels, and one Undo (the toast's) takes all of them back.
 */
import { expect, test } from '@playwright/test';
import { apiAt, chartReady, shot } from './helpers.ts';
import { startServeHost, type ServeHost } from './serve-host.ts';

const TOKEN = 'e2e-bulk-accept-token-0123456789';
let host: ServeHost;

test.beforeAll(async () => {
  host = await startServeHost(TOKEN);
});

test.afterAll(async () => {
  await host?.stop();
});

test('accept every span above a score on the unlabelled windows, then undo it in one step', async ({ page, request }) => {
  test.setTimeout(180_000);
  const call = <T>(command: string, args: unknown = {}, timeout = 30_000) => apiAt<T>(request, host.origin, TOKEN, command, args, timeout);
  type Info = { windowSets: { id: number }[]; counts: { labelledWindows: number; findings: { open: number } } };
  const info = await call<Info>('project.info');
  const setId = info.windowSets[0].id;
  const run = await call<{ runId: number; status: string }>('train.run', { model: 'soft', setId, epochs: 5 }, 150_000);
  expect(run.status).toBe('completed');
  const windows = await call<{ id: number }[]>('windows.list', { setId });

  await page.goto(`${host.origin}/#token=${TOKEN}`);
  await expect(page.getByTestId('app')).toBeVisible();
  await page.goto(`${host.origin}/#/set/${setId}/window/${windows[0].id}?review=${run.runId}`);
  await chartReady(page, windows[0].id);
  await expect(page.getByTestId('bulk-accept')).toBeVisible({ timeout: 60_000 });
  // The lowest score the model gave a span on an unlabelled window, so at least one window qualifies.
  const summary = await call<{ windows: { status: string; predicted: { score: number }[] }[] }>('review.summary', { runId: run.runId });
  const scores = summary.windows.filter((w) => w.status === 'unlabelled').flatMap((w) => w.predicted.map((p) => p.score));
  expect(scores.length, 'the quick run predicts spans on some unlabelled window').toBeGreaterThan(0);
  const minScore = Math.floor(Math.min(...scores) * 20) / 20;
  await page.getByTestId('bulk-accept-score').fill(String(minScore));
  const dry = await call<{ windowIds: number[]; spans: number }>('review.acceptAbove', { runId: run.runId, setId, minScore, dryRun: true });
  expect(dry.windowIds.length).toBeGreaterThan(0);
  const button = page.getByTestId('bulk-accept-button');
  await expect(button).toHaveText(
    `Accept on ${dry.windowIds.length} unlabelled window${dry.windowIds.length === 1 ? '' : 's'} (${dry.spans} span${dry.spans === 1 ? '' : 's'})`,
  );
  const before = await call<{ id: number }[]>('labels.list', { setId });

  await button.click();
  await expect(page.getByTestId('topbar-counts')).toContainText(`${info.counts.labelledWindows + dry.windowIds.length}/`);
  const after = await call<{ id: number; windowId: number; origin: string }[]>('labels.list', { setId });
  const added = after.filter((l) => !before.some((b) => b.id === l.id));
  expect(added.length).toBe(dry.spans);
  expect(new Set(added.map((l) => l.windowId))).toEqual(new Set(dry.windowIds));
  expect(added.every((l) => l.origin === 'accepted')).toBe(true);
  // The toast says how many new conflicts the accepted spans made with overlapping labelled windows.
  const made = (await call<Info>('project.info')).counts.findings.open - info.counts.findings.open;
  const toastText = page.getByText(/^Accepted \d+ spans? scoring/);
  if (made > 0) await expect(toastText).toContainText(`${made} new open conflict`);
  else await expect(toastText).not.toContainText('conflict');
  await shot(page, 'bulk-accept-done');

  // One undo step for all of them (the toast's Undo).
  await page.getByRole('button', { name: 'Undo' }).first().click();
  await expect(page.getByTestId('topbar-counts')).toContainText(`${info.counts.labelledWindows}/`);
  expect((await call<{ id: number }[]>('labels.list', { setId })).map((l) => l.id).sort()).toEqual(before.map((l) => l.id).sort());
});
