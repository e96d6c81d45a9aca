/**
 * A run interrupted by killing the host (issue #5): train one quick run to completion and start a
 * long one from the UI, SIGKILL the host process while it trains (no shutdown code runs: as a crash
 * or a power cut), start a new host on the same project file, and check that the killed run is
 * shown as interrupted, stays out of the runs list and comparisons, and that the completed run's
 * report still opens.
 *
 * The shared webServer host can't be killed without breaking the other specs, so this spec starts
 * and kills a host process of its own (test/e2e/start-host.ts on a port of its choosing, serving the
 * renderer the webServer built).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type ConsoleMessage, type Page } from '@playwright/test';
import { killGroup, startOwnHost, type OwnHost } from './own-host.ts';
import { apiAt, shot } from './helpers.ts';

const TOKEN = 'e2e-interrupted-token-0123456789';

const startHost = (project: string, port = 0): Promise<OwnHost> => startOwnHost(project, TOKEN, port);

async function openTraining(page: Page, origin: string): Promise<void> {
  await page.goto(`${origin}/#token=${TOKEN}&/training`);
  await expect(page.getByTestId('training')).toBeVisible();
}

type RunRow = { id: number; status: string; epochs: number; error: string | null };

test('a run interrupted by killing the host is shown as interrupted after restart and kept out of lists and comparisons', async ({ page, request }) => {
  test.setTimeout(180_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'candlemark-e2e-interrupted-'));
  const project = path.join(dir, 'interrupted.candlemark');
  const hosts: OwnHost[] = [];
  const consoleProblems: string[] = [];
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) consoleProblems.push(m.text());
  });
  page.on('pageerror', (e) => consoleProblems.push(String(e)));

  try {
    // 1. A demo project on a host of our own.
    const first = await startHost(project);
    hosts.push(first);
    const call = <T>(host: OwnHost, command: string, args: unknown = {}) => apiAt<T>(request, host.origin, TOKEN, command, args, 60_000);
    await call(first, 'demo.create', { bars: 2048, seed: 43 });
    await openTraining(page, first.origin);

    // 2. A quick run to completion (soft model, quick preset: 5 epochs).
    await page.getByTestId('train-model').selectOption('soft');
    await page.getByTestId('train-preset').selectOption('quick');
    await page.getByTestId('retrain').click();
    await expect(page.getByTestId('live-status')).toHaveText('completed', { timeout: 60_000 });
    const done = Number(await page.getByTestId('live-run').getAttribute('data-run-id'));
    expect(done).toBeGreaterThan(0);
    await expect(page.getByTestId(`run-status-${done}`)).toHaveText('completed');

    // 3. A long run (1000 epochs: it can't end on its own during this test), trained until some epochs are stored.
    await page.getByTestId('train-advanced').locator('summary').click();
    await page.getByTestId('train-epochs').fill('1000');
    await page.getByTestId('retrain').click();
    await expect.poll(async () => Number(await page.getByTestId('live-run').getAttribute('data-run-id'))).not.toBe(done);
    const killed = Number(await page.getByTestId('live-run').getAttribute('data-run-id'));
    expect(killed).toBeGreaterThan(done);
    await expect(page.getByTestId('live-status')).toHaveText('running');
    await expect
      .poll(async () => (await call<{ epochs: unknown[] }>(first, 'runs.get', { runId: killed })).epochs.length, { timeout: 60_000 })
      .toBeGreaterThanOrEqual(3);
    await expect(page.getByTestId('live-epoch')).toHaveText(/^[1-9]\d*\/1000$/);
    await shot(page, '51-interrupted-before-kill');
    const epochsBeforeKill = (await call<{ epochs: unknown[] }>(first, 'runs.get', { runId: killed })).epochs.length;

    // 4. Kill the host outright: no signal handler, no closeGracefully, the worker dies mid-epoch.
    killGroup(first, 'SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });

    // 5. A new host on the same file and port. The open page reconnects by itself and, without a
    //    reload, re-reads the run it showed as training: it is interrupted now.
    const second = await startHost(project, Number(new URL(first.origin).port));
    hosts.push(second);
    expect(second.origin).toBe(first.origin);
    await expect(page.getByTestId('app')).toHaveAttribute('data-generation', '1', { timeout: 60_000 });
    await expect(page.getByTestId('live-status')).toHaveText('interrupted');
    await expect(page.getByTestId('train-cancel')).toHaveCount(0);
    await expect(page.getByTestId(`run-status-${killed}`)).toHaveText('interrupted');
    await shot(page, '51b-interrupted-reconnected');
    // Then reopened from scratch, as after a restart of the app (same URL: leave the page first).
    await page.goto('about:blank');
    consoleProblems.length = 0; // the old page's lost connection is not this page's problem
    await openTraining(page, second.origin);

    // Shown as interrupted where incomplete runs are listed: greyed, not selectable for comparison, no report.
    await expect(page.getByTestId(`run-status-${killed}`)).toHaveText('interrupted');
    await expect(page.getByTestId(`run-row-${killed}`)).toHaveAttribute('data-status', 'interrupted');
    await expect(page.getByTestId(`run-row-${killed}`)).toHaveClass(/run-incomplete/);
    await expect(page.getByTestId(`run-pick-${killed}`)).toBeDisabled();
    await expect(page.getByTestId(`run-open-${killed}`)).toHaveCount(0);
    await expect(page.getByTestId(`run-row-${killed}`)).toContainText('the app stopped while training');
    // Nothing is training any more, and nothing claims to be.
    await expect(page.getByTestId('live-idle')).toBeVisible();
    await expect(page.getByTestId('train-cancel')).toHaveCount(0);
    await expect(page.getByTestId(`run-status-${done}`)).toHaveText('completed');
    await expect(page.getByTestId(`run-row-${done}`)).not.toHaveClass(/run-incomplete/);
    // One completed run picked: Compare stays off (the interrupted run can't be the second).
    await page.getByTestId(`run-pick-${done}`).check();
    await expect(page.getByTestId('runs-compare')).toBeDisabled();
    await shot(page, '52-interrupted-after-restart');

    // The service agrees: its partial data stays out of the runs list and of comparisons.
    const listed = await call<RunRow[]>(second, 'runs.list', {});
    expect(listed.map((r) => r.id)).toContain(done);
    expect(listed.map((r) => r.id)).not.toContain(killed);
    const all = await call<RunRow[]>(second, 'runs.list', { includeIncomplete: true });
    const row = all.find((r) => r.id === killed)!;
    expect(row).toMatchObject({ status: 'interrupted', error: 'the app stopped while training' });
    expect(row.epochs).toBeGreaterThanOrEqual(epochsBeforeKill); // its epochs are kept, for the record
    const compare = call(second, 'runs.compare', { runIds: [done, killed] });
    await expect(compare).rejects.toThrow(`runs.compare: run ${killed} is interrupted: only completed runs can be compared`);
    await expect(call(second, 'runs.exportReport', { runId: killed, format: 'md' })).rejects.toThrow(/is interrupted: only completed runs have reports/);

    // 6. The completed run's report still opens.
    await page.getByTestId(`run-open-${done}`).click();
    await expect(page.getByTestId('run-report')).toBeVisible();
    expect(page.url()).toContain(`#/training/run/${done}`);
    await expect(page.getByTestId('report-headline')).toBeVisible();
    await expect(page.getByTestId('report-loss')).toBeVisible();
    await page.getByTestId('run-report').scrollIntoViewIfNeeded();
    await shot(page, '53-interrupted-completed-report');
    const report = await call<{ status: string; report: unknown }>(second, 'runs.get', { runId: done });
    expect(report.status).toBe('completed');
    expect(report.report).not.toBeNull();

    expect(consoleProblems).toEqual([]);

    // A graceful stop of the second host (closeGracefully): it exits 0.
    killGroup(second, 'SIGTERM');
    expect(await second.exited).toEqual({ code: 0, signal: null });
  } finally {
    for (const host of hosts) {
      if (host.child.exitCode === null && host.child.signalCode === null) killGroup(host, 'SIGKILL');
      await host.exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
