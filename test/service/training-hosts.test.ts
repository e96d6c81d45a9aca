/**
 * Issue #9, at the level of host processes: the browser host (`bin/serve.js`, as `npm start` runs
 * it) keeps answering after a run that cannot start and after a training thread that dies mid-run,
 * and the run is recorded 'failed' with the reason. The fault is injected through the environment
 * (CANDLEMARK_DEBUG_TRAINING_FAULT), the only way from outside the process. Also: the last-resort
 * handlers keep a process alive through an unhandled rejection and an uncaught exception.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from '../helpers/paths.ts';
import { makeDemoProject } from '../ml/training/helpers.ts';

const TOKEN = 'h9-training-hosts-token-0123456789';
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) {
    if (c.exitCode === null && c.signalCode === null) {
      c.kill('SIGTERM');
      await new Promise((r) => c.once('exit', r));
    }
  }
});

interface Host {
  child: ChildProcess;
  origin: string;
  output(): string;
  call<T = unknown>(command: string, args?: unknown): Promise<{ status: number; result?: T; error?: { code: string; message: string } }>;
}

async function startServe(project: string, env: Record<string, string>): Promise<Host> {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/serve.js'), '--project', project, '--port', '0'], {
    env: { ...process.env, HOME: tempDir(), CANDLEMARK_TOKEN: TOKEN, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const origin = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed:\n${out}`)), 60_000);
    child.stdout!.on('data', () => {
      const m = /open (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}:\n${out}`)));
  });
  const call = async <T>(command: string, args: unknown = {}) => {
    const res = await fetch(`${origin}/api/call`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ command, args }),
    });
    return { status: res.status, ...((await res.json()) as { result?: T; error?: { code: string; message: string } }) };
  };
  return { child, origin, output: () => out, call };
}

async function poll<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 120_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out; last: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the browser host survives failed runs', () => {
  it('answers after a refused run and after a training thread that threw mid-epoch; the run is failed with its reason', async () => {
    const { file, setId } = makeDemoProject(31);
    const host = await startServe(file, { CANDLEMARK_DEBUG_TRAINING_FAULT: 'throw:1' });

    // A set that can't train: refused with the reason (a caller error, not a 500), host still up.
    const bare = await host.call<{ id: number }>('windows.create', { length: 32, stride: 32 });
    expect(bare.status).toBe(200);
    const refused = await host.call('train.start', { setId: bare.result!.id, epochs: 1, backend: 'wasm' });
    expect(refused.status).toBe(409);
    expect(refused.error).toMatchObject({ code: 'invalid-operation' });
    expect(refused.error!.message).toMatch(/^training could not start: window set '.+ 32\/32' has 0 labelled windows/);

    // A thread that dies mid-run.
    const started = await host.call<{ runId: number }>('train.start', { setId, hidden: 8, epochs: 50, batchSize: 8, backend: 'wasm' });
    expect(started.status).toBe(200);
    const runId = started.result!.runId;
    const run = await poll(
      () => host.call<{ status: string; error: string | null }>('runs.get', { runId }),
      (r) => r.result?.status !== 'running',
    );
    expect(run.result).toMatchObject({ status: 'failed' });
    expect(run.result!.error).toContain('the training thread died: debug fault: the training thread threw after epoch 1');
    // Still serving.
    expect(host.child.exitCode).toBeNull();
    expect((await host.call<{ counts: { windows: number } }>('project.info')).result!.counts.windows).toBeGreaterThan(0);
  });

  it('answers after a training thread that exited mid-epoch (as a killed one)', async () => {
    const { file, setId } = makeDemoProject(32);
    const host = await startServe(file, { CANDLEMARK_DEBUG_TRAINING_FAULT: 'exit:1' });
    const started = await host.call<{ runId: number }>('train.start', { setId, hidden: 8, epochs: 50, batchSize: 8, backend: 'wasm' });
    const runId = started.result!.runId;
    const run = await poll(
      () => host.call<{ status: string; error: string | null }>('runs.get', { runId }),
      (r) => r.result?.status !== 'running',
    );
    expect(run.result).toMatchObject({ status: 'failed', error: 'the training thread died: training worker exited with code 137 before finishing' });
    expect(host.child.exitCode).toBeNull();
    expect((await host.call('runs.list', { includeIncomplete: true })).status).toBe(200);
  });
});

describe('last-resort handlers', () => {
  it('log an unhandled rejection and an uncaught exception, and the process lives on', () => {
    const script = `
      const { installLastResortHandlers } = await import(${JSON.stringify(path.join(REPO_ROOT, 'hosting/last-resort.ts'))});
      installLastResortHandlers('test host');
      Promise.reject(new Error('nobody handles me'));
      setTimeout(() => { throw new Error('thrown from a timer'); }, 10);
      setTimeout(() => { console.log('still alive'); }, 100);
    `;
    const res = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(res.stderr).toContain('[test host] unhandled promise rejection (a bug: please report it; the host keeps serving): Error: nobody handles me');
    expect(res.stderr).toContain('[test host] uncaught exception (a bug: please report it; the host keeps serving): Error: thrown from a timer');
    expect(res.stdout).toContain('still alive');
    expect(res.status).toBe(0);
  });
});
