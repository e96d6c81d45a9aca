/**
 * The browser host switches its project (issue #14: open / create / recent projects from the app):
 * the real host (bin/serve.js, the project in a worker thread) with HOME in a temp folder. A page
 * creates a project by name in ~/.candlemark/projects, opens it and the start-up project again from
 * the recent list, keeps the same token, and is told by a socket event; it can't name any other
 * path, and the store's open errors (a folder, a FIFO, not a project) come back as they are while
 * the project open stays open.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CandlemarkService } from '../../core/service/service.ts';
import { EVENTS_PROTOCOL } from '../../server/http-host.ts';
import { ProjectSlot } from '../../server/project-slot.ts';
import { makeDemoProject } from '../ml/training/helpers.ts';
import { addRecent, projectFileName, readRecent, resolveProjectRequest } from '../../server/projects.ts';
import { REPO_ROOT, tempDir } from '../helpers/paths.ts';

type Any = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const TOKEN = 'project-menu-test-token-0123456789';
const home = tempDir();
const first = path.join(home, 'first.candlemark');
const projects = path.join(home, '.candlemark', 'projects');
let child: ChildProcess;
let origin = '';

beforeAll(async () => {
  child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/serve.js'), '--project', first, '--port', '0'], {
    env: { ...process.env, HOME: home, CANDLEMARK_TOKEN: TOKEN, CANDLEMARK_PROJECT: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  origin = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no URL printed:\n${out}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /open (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => reject(new Error(`exited ${code}:\n${out}`)));
  });
}, 90_000);

afterAll(async () => {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
});

async function post(endpoint: 'call' | 'host', command: string, args: unknown = {}): Promise<{ status: number; body: Any }> {
  const res = await fetch(`${origin}/api/${endpoint}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ command, args }),
  });
  return { status: res.status, body: await res.json() };
}

const info = async () => (await post('call', 'project.info')).body.result;

describe('browser host project menu', () => {
  it('lists the start-up project as current and recent', async () => {
    const { status, body } = await post('host', 'host.projects');
    expect(status).toBe(200);
    expect(body.result.current).toMatchObject({ name: 'first', path: first, exists: true });
    expect(body.result.recent.map((p: Any) => p.path)).toEqual([first]);
    expect(body.result.folder).toBe(projects);
  });

  it('creates a second project by name, same token, an event on the socket, and opens the first again from Recent', async () => {
    const imported = await post('call', 'series.importText', {
      fileName: 'f.csv',
      text: 'time,open,high,low,close,volume\n2020-01-01,1,2,0.5,1.5,10\n2020-01-02,1.5,2.5,1,2,11\n',
      seriesId: 'first_s',
    });
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    expect((await info()).series.map((s: Any) => s.id)).toEqual(['first_s']);

    const ws = new WebSocket(`${origin.replace('http', 'ws')}/api/events`, [EVENTS_PROTOCOL, `token.${TOKEN}`]);
    await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
    const events: Any[] = [];
    ws.on('message', (d) => events.push(JSON.parse(String(d))));

    const created = await post('host', 'host.createProject', { name: 'second' });
    expect(created.status).toBe(200);
    const second = path.join(projects, 'second.candlemark');
    expect(created.body.result.current.path).toBe(second);
    const now = await info(); // same token, the new project answers
    expect(now.path).toBe(second);
    expect(now.series).toEqual([]); // a new project starts empty (the demo is a choice on Home)
    for (let i = 0; i < 50 && events.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(events).toContainEqual({ event: 'host.projectChanged', payload: { path: second, name: 'second' } });
    ws.close();

    // New never opens old work silently.
    const again = await post('host', 'host.createProject', { name: 'second' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('conflict');

    const recent = readRecent(path.join(home, '.candlemark', 'recent.json'));
    expect(recent).toEqual([second, first]);
    expect(fs.statSync(path.join(home, '.candlemark', 'recent.json')).mode & 0o777).toBe(0o600);

    const back = await post('host', 'host.openProject', { path: first });
    expect(back.status).toBe(200);
    expect((await info()).series.map((s: Any) => s.id)).toEqual(['first_s']);
    expect((await post('host', 'host.openProject', { name: 'second' })).status).toBe(200);
    expect((await info()).path).toBe(second);
  });

  it('refuses paths outside the projects folder and the recent list, and bad names', async () => {
    for (const args of [{ path: '/etc/passwd' }, { path: '/etc' }, { path: home }, { path: path.join(home, 'other.candlemark') }]) {
      const r = await post('host', 'host.openProject', args);
      expect(r.status, JSON.stringify(args)).toBe(403);
      expect(r.body.error.code).toBe('forbidden');
    }
    for (const name of ['../escape', '/etc/passwd', 'a/b', '', '.hidden', 'x'.repeat(65)]) {
      const r = await post('host', 'host.createProject', { name });
      expect(r.status, name).toBe(400);
      expect(r.body.error.code).toBe('invalid-arguments');
    }
    expect((await post('host', 'host.openProject', { name: 'nothing-here' })).body.error.code).toBe('not-found');
    expect((await post('host', 'host.nope', {})).body.error.code).toBe('unknown-command');
    // The token is needed like on /api/call.
    const anon = await fetch(`${origin}/api/host`, { method: 'POST', body: JSON.stringify({ command: 'host.projects', args: {} }) });
    expect(anon.status).toBe(401);
  });

  it("answers the store's open errors for a folder, a FIFO and a non-project, keeping the open project", async () => {
    const before = (await info()).path;
    fs.mkdirSync(path.join(projects, 'folder.candlemark'), { recursive: true });
    execFileSync('mkfifo', [path.join(projects, 'pipe.candlemark')]);
    fs.writeFileSync(path.join(projects, 'junk.candlemark'), 'not a database at all\n');
    const codes: Record<string, string> = {};
    for (const name of ['folder', 'pipe', 'junk']) {
      const r = await post('host', 'host.openProject', { name });
      expect(r.status, name).toBeGreaterThanOrEqual(400);
      expect(r.body.error.message, name).toContain(`${name}.candlemark`);
      codes[name] = r.body.error.code;
    }
    expect(codes).toEqual({ folder: 'project-format', pipe: 'project-format', junk: 'project-format' });
    expect((await info()).path).toBe(before);
    // The menu lists only regular .candlemark files of the folder.
    const listed = (await post('host', 'host.projects')).body.result.inFolder.map((p: Any) => p.name);
    expect(listed).toEqual(['junk', 'second']);
  });
});

describe('projects rules (server/projects.ts)', () => {
  it('names become files in the projects folder; recent keeps absolute paths only, most recent first', () => {
    expect(projectFileName('My run 2.candlemark')).toBe('My run 2.candlemark');
    expect(() => projectFileName('a\\b')).toThrow(/not a project name/);
    const base = tempDir();
    const file = path.join(base, 'recent.json');
    fs.writeFileSync(file, JSON.stringify({ recent: ['relative.candlemark', 42, '/abs/a.candlemark', '/abs/a.candlemark'] }));
    expect(readRecent(file)).toEqual(['/abs/a.candlemark']);
    expect(addRecent('/abs/b.candlemark', file)).toEqual(['/abs/b.candlemark', '/abs/a.candlemark']);
    fs.writeFileSync(file, '{ damaged');
    expect(readRecent(file)).toEqual([]);
    expect(resolveProjectRequest({ name: 'n' }, { create: true, base })).toEqual({ path: path.join(base, 'projects', 'n.candlemark'), create: true });
  });
});

describe('ProjectSlot', () => {
  it('refuses to switch while a run is training (closing would cancel it), then switches once it is cancelled', async () => {
    const { file } = makeDemoProject(31);
    const s = CandlemarkService.open(file, { author: 'tester' });
    const dir = tempDir();
    const slot = new ProjectSlot(s, file, async (p) => CandlemarkService.open(p, { create: true, author: 'tester' }));
    const started = new Promise<void>((r) => slot.events.onAny((name) => name === 'training.started' && r()));
    const run = (await slot.call('train.start', { hidden: 8, epochs: 1000, batchSize: 8, backend: 'wasm' })) as Any;
    await started;
    await expect(slot.switchTo(path.join(dir, 'other.candlemark'), { create: true })).rejects.toMatchObject({
      code: 'invalid-operation',
      message: expect.stringContaining(`run ${run.runId} is training`),
    });
    expect(slot.projectPath).toBe(path.resolve(file));
    const finished = new Promise<void>((r) => slot.events.onAny((name) => name === 'training.finished' && r()));
    await slot.call('train.cancel', { runId: run.runId });
    await finished;
    await slot.switchTo(path.join(dir, 'other.candlemark'), { create: true });
    expect(((await slot.call('project.info', {})) as Any).path).toBe(path.join(dir, 'other.candlemark'));
    await slot.closeGracefully();
  }, 120_000);
});
