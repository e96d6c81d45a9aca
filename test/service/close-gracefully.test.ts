/**
 * CandlemarkService.closeGracefully: a run being trained when the project closes ends 'cancelled'
 * (recorded by its worker before the promise resolves), not 'interrupted', even when the process
 * exits right after, as a host's shutdown does. Real project files, real training workers (wasm),
 * and the real browser host process (bin/serve.js) stopped with SIGTERM.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CandlemarkService } from '../../core/service/service.ts';
import type { ServiceEvents } from '../../core/service/events.ts';
import type { CommandInput } from '../../core/service/schemas.ts';
import { ProjectStore } from '../../core/store/index.ts';
import { REPO_ROOT } from '../helpers/paths.ts';
import { makeDemoProject } from '../ml/training/helpers.ts';

/** Far longer than any test: every run here is stopped by closing. */
const LONG: CommandInput<'train.start'> = { hidden: 8, epochs: 1000, batchSize: 8, backend: 'wasm' };

async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const t0 = Date.now();
  while (!(await check())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The run's row as another connection (a later session) sees it. */
function storedRun(file: string, runId: number) {
  const store = ProjectStore.open(file);
  try {
    return { status: store.getRun(runId)?.status, epochs: store.listEpochs(runId).length, error: store.getRun(runId)?.error ?? null };
  } finally {
    store.close();
  }
}

describe('closeGracefully', () => {
  it('cancels the runs in training and resolves once their workers have recorded it', async () => {
    const { file } = makeDemoProject(21);
    const s = CandlemarkService.open(file, { author: 'tester' });
    const finished: ServiceEvents['training.finished'][] = [];
    s.events.on('training.finished', (e) => finished.push(e));
    const epochs = new Map<number, number>();
    s.events.on('training.epoch', (e) => epochs.set(e.runId, (epochs.get(e.runId) ?? 0) + 1));
    const a = await s.call('train.start', LONG);
    const b = await s.call('train.start', { ...LONG, seed: 2 });
    await waitFor(() => (epochs.get(a.runId) ?? 0) >= 1 && (epochs.get(b.runId) ?? 0) >= 1, 'an epoch of each run');

    const closing = s.closeGracefully();
    expect(s.closeGracefully()).toBe(closing); // one shutdown, however many callers
    // Nothing new starts while the runs stop.
    await expect(s.call('train.start', LONG)).rejects.toMatchObject({ code: 'no-project', message: 'the project is closing' });
    const runs = await closing;

    expect(runs.sort((x, y) => x.runId - y.runId)).toEqual([
      { runId: a.runId, status: 'cancelled' },
      { runId: b.runId, status: 'cancelled' },
    ]);
    // Already recorded when the promise resolved: no waiting for the workers afterwards.
    expect(finished.map((e) => e.status)).toEqual(['cancelled', 'cancelled']);
    expect(s.store.db.open).toBe(false);
    for (const id of [a.runId, b.runId]) {
      const row = storedRun(file, id);
      expect(row.status).toBe('cancelled');
      expect(row.epochs).toBeGreaterThanOrEqual(1);
    }
  });

  it('without runs it just closes the project', async () => {
    const { file } = makeDemoProject(22);
    const s = CandlemarkService.open(file);
    expect(await s.closeGracefully()).toEqual([]);
    expect(s.store.db.open).toBe(false);
    await expect(s.call('project.info', {})).rejects.toMatchObject({ code: 'no-project' });
  });

  it('with no time to stop, the run is still recorded as ended (cancelled or interrupted), never left running', async () => {
    const { file } = makeDemoProject(23);
    const s = CandlemarkService.open(file);
    let epochs = 0;
    s.events.on('training.epoch', () => epochs++);
    const finished: ServiceEvents['training.finished'][] = [];
    s.events.on('training.finished', (e) => finished.push(e));
    const run = await s.call('train.start', LONG);
    await waitFor(() => epochs >= 1, 'an epoch');
    // waitMs 0: the worker normally cannot answer in time, so it is stopped and the run recorded
    // 'interrupted' here; if it did answer first, 'cancelled'. Either way the row and the answer agree.
    const [closed] = await s.closeGracefully({ waitMs: 0 });
    expect(closed.runId).toBe(run.runId);
    expect(['cancelled', 'interrupted']).toContain(closed.status);
    const row = storedRun(file, run.runId);
    expect(row.status).toBe(closed.status);
    expect(finished).toMatchObject([{ runId: run.runId, status: closed.status }]);
    if (closed.status === 'interrupted') expect(row.error).toMatch(/did not stop within 0 ms of closing the project/);
  });

  it('the browser host stopped with SIGTERM while training leaves the run cancelled', async () => {
    const { file } = makeDemoProject(24);
    const token = 'close-test-token-0123456789';
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/serve.js'), '--project', file, '--port', '0'], {
      env: { ...process.env, CANDLEMARK_TOKEN: token },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await waitFor(() => /open http:\/\/127\.0\.0\.1:\d+\//.test(out), 'the host to print its URL');
      const origin = /open (http:\/\/127\.0\.0\.1:\d+)\//.exec(out)![1];
      const call = async <T>(command: string, args: unknown): Promise<T> => {
        const res = await fetch(`${origin}/api/call`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ command, args }),
        });
        const body = (await res.json()) as { result?: T; error?: { message: string } };
        if (body.error) throw new Error(`${command}: ${body.error.message}`);
        return body.result as T;
      };
      const { runId } = await call<{ runId: number }>('train.start', LONG);
      await waitFor(async () => (await call<{ epochs: unknown[] }>('runs.get', { runId })).epochs.length >= 1, 'an epoch stored');
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      // The process is gone: had the run been left 'running', this open would mark it interrupted.
      const row = storedRun(file, runId);
      expect(row.status).toBe('cancelled');
      expect(row.epochs).toBeGreaterThanOrEqual(1);
      expect(out).toContain(`run ${runId}: cancelled`);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });
});
