/**
 * Issue #9, the new user's first Retrain, through the UI only: an empty project, the real spy_1d
 * CSV, windows 128/64 chronological, one span drawn in window 1, ▶ Train: Retrain is off and says
 * why (the set by name, the counts, which windows to label) and the host stays live; label enough
 * windows (keys ] and N, in the training and the validation part) and the same Retrain completes.
 * Then the host goes away: the page shows "Disconnected — reconnecting…", after a few failed tries
 * also says to open a newly printed URL, and takes the host back when it returns on the same
 * port and token.
 *
 * It needs an empty project and a host it may kill, so it starts its own (test/e2e/start-host.ts,
 * on a free port, serving the renderer the webServer built), as interrupted.spec.ts does.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type ConsoleMessage, type Page } from '@playwright/test';
import { killGroup, startOwnHost, type OwnHost } from './own-host.ts';
import { SHARED_DATA, apiAt, barX, chartReady, drag, shot } from './helpers.ts';

const TOKEN = 'e2e-first-retrain-token-0123456789';
const CSV = path.join(SHARED_DATA, 'spy_1d.csv');

const startHost = (project: string, port = 0): Promise<OwnHost> => startOwnHost(project, TOKEN, port);

/** Steps with `]` until the label view shows window `n` (1-based), then waits for its chart. */
async function goToWindow(page: Page, n: number, total: number): Promise<void> {
  for (let i = 0; i < 80; i++) {
    const title = (await page.getByTestId('window-title').textContent()) ?? '';
    const m = /window (\d+)\s*\/\s*(\d+)/i.exec(title);
    if (m && Number(m[1]) === n) break;
    await page.keyboard.press(']');
    await expect(page.getByTestId('window-title')).not.toHaveText(title);
  }
  await expect(page.getByTestId('window-title')).toContainText(`window ${n}/${total}`);
  await chartReady(page);
}

async function markNoSpan(page: Page): Promise<void> {
  await page.keyboard.press('n');
  await expect(page.getByTestId('window-state')).toHaveText('reviewed · no span');
}

test('a new user: Retrain on a set without enough labels is off and says why, the host lives; labelled enough, it completes', async ({ page, request }) => {
  test.setTimeout(240_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'candlemark-e2e-first-retrain-'));
  const project = path.join(dir, 'first.candlemark');
  const hosts: OwnHost[] = [];
  const consoleProblems: string[] = [];
  page.on('console', (m: ConsoleMessage) => {
    if (/Content Security Policy/i.test(m.text())) consoleProblems.push(m.text());
  });
  page.on('pageerror', (e) => consoleProblems.push(String(e)));

  try {
    const first = await startHost(project);
    hosts.push(first);
    const call = <T>(command: string, args: unknown = {}) => apiAt<T>(request, first.origin, TOKEN, command, args);

    // 1. An empty project; import the real CSV; windows 128/64, chronological split (54 windows; 64/64 later makes 55).
    await page.goto(`${first.origin}/#token=${TOKEN}`);
    await expect(page.getByTestId('empty')).toBeVisible();
    await page.getByTestId('csv-input').setInputFiles(CSV);
    await expect(page.getByTestId('import-dialog')).toContainText('spy_1d'); // the dialog previews first (issue 13)
    await page.getByTestId('dialog-import').click();
    await expect(page.getByTestId('import-ok')).toContainText('3,566 bars');
    await page.getByTestId('windows-length').fill('128');
    await page.getByTestId('windows-stride').fill('64');
    await page.getByTestId('windows-split').selectOption('chronological');
    await page.getByTestId('windows-create').click();
    await expect(page.getByTestId('sets-table')).toContainText('spy_1d');
    const setId = (await call<{ windowSets: { id: number }[] }>('project.info')).windowSets[0].id;
    // A second, newer set (64/64) that nobody labels: the Retrain form must not pick it just for being newest.
    await page.getByTestId('windows-length').fill('64');
    await page.getByTestId('windows-create').click();
    await expect(page.getByTestId('sets-table')).toContainText('64');
    const otherSet = (await call<{ windowSets: { id: number }[] }>('project.info')).windowSets[1].id;
    expect(otherSet).toBeGreaterThan(setId);

    // 2. One span in window 1.
    await page.getByTestId(`open-set-${setId}`).click();
    await goToWindow(page, 1, 54);
    const w0 = (await call<{ id: number; startIndex: number }[]>('windows.list', { setId }))[0];
    await chartReady(page, w0.id);
    await drag(page, await barX(page, w0.startIndex + 20), await barX(page, w0.startIndex + 40));
    await expect(page.getByTestId('span-item')).toHaveCount(1);

    // 3. ▶ Train: Retrain is off, with the reason; the counts are shown for the set picked by default.
    await page.getByTestId('nav-training').click();
    await expect(page.getByTestId('training')).toBeVisible();
    await expect(page.getByTestId('train-set')).toHaveValue(String(setId));
    await expect(page.getByTestId('train-set').locator('option:checked')).toContainText('spy_1d 128/64');
    await expect(page.getByTestId('train-count-train')).toHaveText('1');
    await expect(page.getByTestId('train-count-val')).toHaveText('0');
    const blocked = page.getByTestId('train-blocked');
    await expect(blocked).toContainText("window set 'spy_1d 128/64' has 1 labelled window (1 in training, 0 in validation)");
    await expect(blocked).toContainText('training needs at least 4 labelled windows in training and 2 in validation');
    await expect(blocked).toContainText(
      'label 3 more in the training part (windows 2–40) and 2 more in the validation part (windows 44–54), or choose another set',
    );
    await expect(page.getByTestId('retrain')).toBeDisabled();
    await shot(page, '61-first-retrain-blocked');
    // The other set, picked by hand: its own counts and reason.
    await page.getByTestId('train-set').selectOption(String(otherSet));
    await expect(blocked).toContainText("window set 'spy_1d 64/64' has 0 labelled windows (0 in training, 0 in validation)");
    await expect(page.getByTestId('train-count-train')).toHaveText('0');
    await page.getByTestId('train-set').selectOption(String(setId));
    await expect(page.getByTestId('train-count-train')).toHaveText('1');
    // The service refuses the same start with the same words, and the host lives on.
    await expect(call('train.start', { setId, epochs: 2, backend: 'wasm' })).rejects.toThrow(
      "train.start: training could not start: window set 'spy_1d 128/64' has 1 labelled window",
    );
    expect((await call<{ counts: { windows: number } }>('project.info')).counts.windows).toBe(54 + 55);
    expect(first.child.exitCode).toBeNull();
    await expect(page.getByTestId('connection-banner')).toHaveCount(0);

    // 4. Label enough: windows 2–4 (training part) and 44–45 (validation part) reviewed with no span (key N).
    await page.getByTestId('nav-home').click();
    await page.getByTestId(`open-set-${setId}`).click();
    for (const n of [2, 3, 4, 44, 45]) {
      await goToWindow(page, n, 54);
      await markNoSpan(page);
    }
    await page.getByTestId('nav-training').click();
    await expect(page.getByTestId('train-count-train')).toHaveText('4');
    await expect(page.getByTestId('train-count-val')).toHaveText('2');
    await expect(blocked).toHaveCount(0);
    await expect(page.getByTestId('retrain')).toBeEnabled();

    // 5. Retrain with the quick preset (5 epochs) on that set: the run completes.
    await page.getByTestId('train-model').selectOption('soft');
    await page.getByTestId('train-preset').selectOption('quick');
    await page.getByTestId('retrain').click();
    await expect(page.getByTestId('live-status')).toHaveText('completed', { timeout: 120_000 });
    const runId = Number(await page.getByTestId('live-run').getAttribute('data-run-id'));
    const run = await call<{ status: string; dataSnapshot: { setId: number; trainWindows: number; valWindows: number } }>('runs.get', { runId });
    expect(run.status).toBe('completed');
    expect(run.dataSnapshot).toMatchObject({ setId, trainWindows: 4, valWindows: 2 });
    await shot(page, '62-first-retrain-completed');

    // 6. The host goes away: the page says so, and after a few failed tries, what to do.
    killGroup(first, 'SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    const banner = page.getByTestId('connection-banner');
    await expect(banner).toContainText('Disconnected — reconnecting…');
    await shot(page, '63-disconnected');
    await expect(page.getByTestId('connection-new-url')).toContainText('open that URL instead', { timeout: 30_000 });
    await shot(page, '64-disconnected-open-new-url');

    // 7. Back on the same port and token (as `npm start` does for the same project): the page reconnects by itself.
    const second = await startHost(project, Number(new URL(first.origin).port));
    hosts.push(second);
    expect(second.origin).toBe(first.origin);
    await expect(banner).toHaveCount(0, { timeout: 60_000 });
    await expect(page.getByTestId(`run-status-${runId}`)).toHaveText('completed');
    await shot(page, '65-reconnected');

    expect(consoleProblems).toEqual([]);
  } finally {
    for (const host of hosts) {
      if (host.child.exitCode === null && host.child.signalCode === null) killGroup(host, 'SIGKILL');
      await host.exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
