/**
 * The browser host's project thread (hosting/project-service.ts): calls, typed errors, events and the
 * page capability through the thread, training started from it (nested worker threads), and the
 * point of it all: the real host (bin/serve.js) answers static files and API calls on its HTTP
 * thread while the project thread is stuck behind another process's write lock.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CandlemarkError } from '../../core/service/errors.ts';
import { CandlemarkService } from '../../core/service/service.ts';
import WebSocket from 'ws';
import { EVENTS_PROTOCOL } from '../../server/http-host.ts';
import { WorkerService } from '../../hosting/project-service.ts';
import { REPO_ROOT, tempDir } from '../helpers/paths.ts';

type Any = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const dir = tempDir();
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

describe('WorkerService', () => {
  it('runs calls in a worker thread: results, typed errors, events, page capability, training in nested workers', async () => {
    const file = path.join(dir, 'w.candlemark');
    const s = await WorkerService.open({ projectPath: file, demoIfNew: true });
    try {
      const info = (await s.call('project.info', {})) as Any;
      expect(info.path).toBe(path.resolve(file));
      expect(info.counts.windows).toBeGreaterThan(0); // the demo was made in the thread
      const err = await s.call('labels.add', { windowId: 'x' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CandlemarkError);
      expect(err).toMatchObject({ code: 'invalid-arguments', issues: expect.arrayContaining([expect.objectContaining({ field: 'windowId' })]) });
      await expect(s.call('labels.import', { path: '/etc/passwd' }, { caller: 'page' })).rejects.toMatchObject({ code: 'forbidden' });
      await expect(s.call('nope', {})).rejects.toMatchObject({ code: 'unknown-command' });

      const events: string[] = [];
      s.events.onAny((name) => events.push(name));
      const [w] = (await s.call('windows.list', {})) as Any[];
      const bars = (await s.call('bars.read', { seriesId: w.seriesId, from: w.startIndex, count: w.length })) as Any;
      await s.call('labels.add', { windowId: w.id, startTime: bars.time[2], endTime: bars.time[9], type: 'up' });
      for (let i = 0; i < 50 && !events.includes('labels.changed'); i++) await new Promise((r) => setTimeout(r, 20));
      expect(events).toContain('labels.changed');

      // Training runs in a worker thread started from the project thread.
      const run = (await s.call('train.run', { model: 'soft', epochs: 1, hidden: 4, batchSize: 64, backend: 'cpu' })) as Any;
      expect(run.runId).toBeGreaterThan(0);
      const got = (await s.call('runs.get', { runId: run.runId })) as Any;
      expect(got.status ?? got.run?.status).toBe('completed');
      expect(events).toContain('training.epoch');
    } finally {
      await s.closeGracefully();
    }
    await expect(s.call('project.info', {})).rejects.toMatchObject({ code: 'no-project' });
    // The file is consistent and closed: it opens again in this thread.
    CandlemarkService.open(file).close();
  }, 120_000);

  it('answers reads from the reader thread while the writer imports, and keeps reads behind an edit in order', async () => {
    const file = path.join(dir, 'reader.candlemark');
    const s = await WorkerService.open({ projectPath: file, demoIfNew: true });
    try {
      expect(s.reader).not.toBeNull();
      // A 200,000-row CSV sent as a page would (raw bytes > 64 KiB: bulk work in the writer).
      const rows = ['time,open,high,low,close'];
      for (let i = 0; i < 200_000; i++) rows.push(`${1_500_000_000 + i * 60},1,2,0.5,1.5`);
      const body = Buffer.from(JSON.stringify({ command: 'series.importText', args: { fileName: 'big.csv', text: rows.join('\n'), seriesId: 'big' } }));
      const order: string[] = [];
      const importing = s.callEncoded(body, { needId: false, what: 'request body' }).then((o) => (order.push('import'), o));
      await new Promise((r) => setTimeout(r, 50));
      const info = await s.call('project.info', {}, { caller: 'page' });
      order.push('info');
      expect((await importing).kind).toBe('result');
      expect(order).toEqual(['info', 'import']);
      expect(s.readerCalls).toBe(1);
      expect((info as Any).series.map((x: Any) => x.id)).not.toContain('big'); // read before the import committed
      // Idle writer: reads go to the writer (and see the import).
      expect(((await s.call('series.list', {})) as Any[]).map((x) => x.id)).toContain('big');
      // A read sent while an edit is in flight waits for the edit (a page reads its own edits in order).
      const [w] = (await s.call('windows.list', {})) as Any[];
      const bars = (await s.call('bars.read', { seriesId: w.seriesId, from: w.startIndex, count: w.length })) as Any;
      const edit = s.call('labels.add', { windowId: w.id, startTime: bars.time[20], endTime: bars.time[30], type: 'up' }) as Promise<Any>;
      const labels = (await s.call('labels.list', { windowId: w.id })) as Any[];
      expect(labels.map((l) => l.id)).toContain((await edit).id);
      expect(s.readerCalls).toBe(1);
    } finally {
      await s.closeGracefully();
    }
  }, 120_000);

  it('when the project thread is killed: calls in flight fail with the reason (never hang), a new thread is started and announced, later calls work', async () => {
    const file = path.join(dir, 'respawn.candlemark');
    const logs: string[] = [];
    const exits: string[] = [];
    const s = await WorkerService.open({ projectPath: file, demoIfNew: true, log: (m) => logs.push(m), onExit: (e) => exits.push(e.message) });
    try {
      const events: [string, Any][] = [];
      s.events.onAny((name, payload) => events.push([name, payload]));
      const before = (await s.call('project.info', {})) as Any;
      const first = s.writer;
      // A long import is in flight (a 200,000-row CSV sent as a page would) when the thread is killed from outside.
      const rows = ['time,open,high,low,close'];
      for (let i = 0; i < 200_000; i++) rows.push(`${1_500_000_000 + i * 60},1,2,0.5,1.5`);
      const body = Buffer.from(JSON.stringify({ command: 'series.importText', args: { fileName: 'big.csv', text: rows.join('\n'), seriesId: 'big' } }));
      const inFlight = s.callEncoded(body, { needId: false, what: 'request body' });
      await new Promise((r) => setTimeout(r, 100));
      await first.channel.kill();
      await expect(inFlight).rejects.toMatchObject({
        code: 'internal',
        message: expect.stringMatching(/^the project thread stopped unexpectedly \(exit code \d+\)/),
      });
      // The next call waits for the new thread and is answered by it, on the same file, without the half-done import.
      const after = (await s.call('project.info', {})) as Any;
      expect(s.writer).not.toBe(first);
      expect(s.restarts).toBe(1);
      expect(after.counts.windows).toBe(before.counts.windows);
      expect(after.series.map((x: Any) => x.id)).not.toContain('big');
      expect(events).toContainEqual(['host.projectRestarted', { reason: expect.stringContaining('stopped unexpectedly'), restarts: 1 }]);
      expect(logs.some((l) => l.includes('stopped unexpectedly') && l.includes('restarting it'))).toBe(true);
      expect(logs.some((l) => l.includes('the project was restarted (thread'))).toBe(true);
      // Events of the new thread reach the old listeners.
      const [w] = (await s.call('windows.list', {})) as Any[];
      const bars = (await s.call('bars.read', { seriesId: w.seriesId, from: w.startIndex, count: w.length })) as Any;
      await s.call('labels.add', { windowId: w.id, startTime: bars.time[2], endTime: bars.time[9], type: 'up' });
      for (let i = 0; i < 50 && !events.some(([n]) => n === 'labels.changed'); i++) await new Promise((r) => setTimeout(r, 20));
      expect(events.map(([n]) => n)).toContain('labels.changed');
      // The reader thread, killed too, is replaced (reads go to the writer meanwhile).
      const reader = s.reader!;
      await reader.channel.kill();
      expect(s.reader).toBeNull();
      expect(((await s.call('project.info', {})) as Any).path).toBe(path.resolve(file));
      for (let i = 0; i < 200 && !s.reader; i++) await new Promise((r) => setTimeout(r, 25));
      expect(s.reader).not.toBeNull();
      expect(s.reader).not.toBe(reader);
      expect(exits).toEqual([]);
    } finally {
      await s.closeGracefully();
    }
  }, 120_000);

  it('without respawn: every pending and later call fails with the reason, and the owner is told once', async () => {
    const exits: string[] = [];
    const s = await WorkerService.open({
      projectPath: path.join(dir, 'dies.candlemark'),
      demoIfNew: false,
      respawn: false,
      log: () => undefined,
      onExit: (e) => exits.push(e.message),
    });
    const pending = s.call('project.info', {});
    // The thread is killed from outside (as the OS or a native crash would end it).
    await s.writer.channel.kill();
    // It may have been answered just before the thread went; if not, it fails with the reason (never hangs).
    const settled = await pending.then(
      () => 'answered',
      (e: CandlemarkError) => `${e.code}: ${e.message}`,
    );
    expect(settled).toMatch(/^(answered|internal: the project thread stopped unexpectedly)/);
    await expect(s.call('project.info', {})).rejects.toMatchObject({ code: 'internal' });
    await expect(s.callEncoded(Buffer.from('{"command":"project.info"}'), { needId: false, what: 'request body' })).rejects.toMatchObject({ code: 'internal' });
    expect(exits).toHaveLength(1);
    await s.closeGracefully();
  });

  it("rejects open with the service's error when the project cannot be opened", async () => {
    const err = await WorkerService.open({ projectPath: path.join(REPO_ROOT, 'package.json'), demoIfNew: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CandlemarkError);
    expect((err as CandlemarkError).message).toMatch(/not a Candlemark project|project/i);
  });
});

const TOKEN = 'worker-token-0123456789abcdef';

function startServe(project: string, env: NodeJS.ProcessEnv = {}): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/serve.js'), '--project', project, '--port', '0'], {
    env: { ...process.env, CANDLEMARK_TOKEN: TOKEN, CANDLEMARK_SKIP_RENDERER_BUILD: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no URL:\n${out}`)), 60_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /open http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ port: Number(m[1]), child });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`serve exited ${code}:\n${out}`)));
  });
}

/** Another process holds a write transaction on `file` for `ms`; resolves once it holds it. */
function holdWriteLock(file: string, ms: number): Promise<{ child: ChildProcess; exited: Promise<unknown> }> {
  const script = `const D=require('better-sqlite3');const db=new D(process.argv[1]);db.exec('BEGIN IMMEDIATE');process.stdout.write('locked\\n');Atomics.wait(new Int32Array(new SharedArrayBuffer(4)),0,0,${ms});db.exec('COMMIT');db.close();`;
  const child = spawn(process.execPath, ['-e', script, file], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const exited = new Promise((r) => child.once('exit', r));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('locked') && resolve({ child, exited }));
    child.on('exit', (code) => reject(new Error(`lock holder exited ${code}`)));
  });
}

async function api(port: number, command: string, args: unknown): Promise<Any> {
  const res = await fetch(`http://127.0.0.1:${port}/api/call`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify({ command, args }),
  });
  return res.json();
}

describe('bin/serve.js with the project in a worker thread', () => {
  it("answers static files and token checks while an edit waits on another process's write lock", async () => {
    const project = path.join(dir, 'busy.candlemark');
    const { port } = await startServe(project);
    // (No --project default demo here: make windows to edit.)
    await api(port, 'demo.create', { seed: 3, bars: 1024 });
    const [w] = (await api(port, 'windows.list', {})).result as Any[];
    const bars = (await api(port, 'bars.read', { seriesId: w.seriesId, from: w.startIndex, count: w.length })).result as Any;

    const holder = await holdWriteLock(project, 3000);
    const order: string[] = [];
    const edit = api(port, 'labels.add', { windowId: w.id, startTime: bars.time[2], endTime: bars.time[9], type: 'up' }).then((r) => {
      order.push('edit');
      return r;
    });
    await new Promise((r) => setTimeout(r, 300)); // the edit is now waiting inside the project thread
    const page = await fetch(`http://127.0.0.1:${port}/`);
    order.push(`static ${page.status}`);
    const noToken = await fetch(`http://127.0.0.1:${port}/api/call`, { method: 'POST', body: '{}' });
    order.push(`no-token ${noToken.status}`);
    const editResult = await edit;
    await holder.exited;
    // The HTTP thread answered while the edit was still waiting for the lock; the edit then went through.
    expect(order).toEqual(['static 200', 'no-token 401', 'edit']);
    expect(editResult.result?.id ?? editResult.error).toBeGreaterThan(0);

    // Socket calls are decoded in the project thread too: results, errors, the page capability, a bad id.
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/events`, [EVENTS_PROTOCOL, `token.${TOKEN}`]);
    await new Promise((resolve, reject) => (ws.on('open', resolve), ws.on('error', reject)));
    const replies: Any[] = [];
    ws.on('message', (d) => {
      const m = JSON.parse(String(d));
      if ('id' in m) replies.push(m);
    });
    ws.send(JSON.stringify({ id: 1, command: 'project.info', args: {} }));
    ws.send(JSON.stringify({ id: 2, command: 'labels.export', args: { path: path.join(dir, 'ws.json') } }));
    ws.send(JSON.stringify({ id: -1, command: 'project.info' }));
    ws.send('{nope');
    for (let i = 0; i < 200 && replies.length < 4; i++) await new Promise((r) => setTimeout(r, 25));
    ws.close();
    expect(replies.find((r) => r.id === 1)?.result.path).toBe(path.resolve(project));
    expect(replies.find((r) => r.id === 2)?.error.code).toBe('forbidden');
    expect(replies.filter((r) => r.id === null).map((r) => r.error.code)).toEqual(['invalid-arguments', 'invalid-arguments']);
  }, 120_000);
});
