/**
 * bin/stdio-host.js as a real child process on real project files: requests and answers, events,
 * errors (unknown command, bad arguments, malformed and oversized lines) that never stop the host,
 * switching projects, a clean exit when stdin closes, and a consistent file after SIGKILL mid-burst.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { CandlemarkService } from '../../core/service/service.ts';
import { ProjectStore } from '../../core/store/index.ts';
import { checkProject, makeBars } from '../store/helpers.ts';
import { REPO_ROOT, SHARED_DATA, tempDir } from '../helpers/paths.ts';

type Msg = { id?: unknown; result?: any; error?: any; event?: string; payload?: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

class Host {
  readonly child: ChildProcessWithoutNullStreams;
  readonly messages: Msg[] = [];
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private nextId = 1;
  private waiters: (() => void)[] = [];

  constructor(args: string[]) {
    this.child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/stdio-host.js'), ...args], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    readline.createInterface({ input: this.child.stdout }).on('line', (line) => {
      this.messages.push(JSON.parse(line) as Msg); // every stdout line must be protocol JSON
      for (const w of this.waiters) w();
    });
    this.child.stdin.on('error', () => undefined);
    this.exited = new Promise((r) => this.child.on('close', (code, signal) => r({ code, signal })));
  }

  send(text: string): void {
    this.child.stdin.write(text);
  }

  async waitFor(pred: (m: Msg) => boolean, ms = 30_000): Promise<Msg> {
    const end = Date.now() + ms;
    for (;;) {
      const hit = this.messages.find(pred);
      if (hit) return hit;
      if (Date.now() > end) throw new Error(`timed out; stderr:\n${this.stderr}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, 200);
        this.waiters.push(() => (clearTimeout(t), r()));
      });
      this.waiters = [];
    }
  }

  /** Sends a request and resolves with its answer ({ result } or { error }). */
  async call(command: string, args?: unknown, caller?: 'page' | 'local'): Promise<Msg> {
    const id = this.nextId++;
    this.send(`${JSON.stringify({ id, command, args, caller })}\n`);
    return this.waitFor((m) => m.id === id);
  }

  /** Sends a control message (`{ id, control, args }`, e.g. opening a project). */
  async control(control: string, args?: unknown): Promise<Msg> {
    const id = this.nextId++;
    this.send(`${JSON.stringify({ id, control, args })}\n`);
    return this.waitFor((m) => m.id === id);
  }
}

const dir = tempDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('stdio host (bin/stdio-host.js)', () => {
  it('serves calls and events, answers every bad line, and exits 0 when stdin closes', async () => {
    const file = path.join(dir, 'sub', 'a.candlemark');
    const host = new Host(['--project', file, '--max-line-bytes', String(1024 * 1024)]);

    const info = await host.call('project.info', {});
    expect(info.result.path).toBe(file);
    expect(info.result.counts.windows).toBe(0);

    const demo = await host.call('demo.create', { seed: 3, bars: 1024 });
    expect(demo.error).toBeUndefined();
    expect(host.messages.some((m) => m.event === 'progress' || m.event === 'labels.changed')).toBe(true);
    const [w] = (await host.call('windows.list', {})).result;
    const { time } = (await host.call('bars.read', { seriesId: w.seriesId, from: w.startIndex, count: w.length })).result;
    const nEvents = host.messages.filter((m) => m.event === 'labels.changed').length;
    const added = await host.call('labels.add', { windowId: w.id, startTime: time[2], endTime: time[9], type: 'up' });
    expect(added.error).toBeUndefined();
    const labelCount = (await host.call('project.info', {})).result.counts.labels;
    const ev = await host.waitFor((m) => m.event === 'labels.changed' && host.messages.filter((x) => x.event === 'labels.changed').indexOf(m) >= nEvents);
    expect(ev.payload.windowIds).toContain(w.id);

    // Errors keep their code and located issues.
    expect((await host.call('no.such.command', {})).error).toMatchObject({ code: 'unknown-command' });
    const bad = await host.call('labels.add', { windowId: w.id, startTime: 'soon', type: 'up' });
    expect(bad.error.code).toBe('invalid-arguments');
    expect(bad.error.issues.map((i: { field: string }) => i.field)).toEqual(expect.arrayContaining(['startTime', 'endTime']));

    // Malformed lines: each is answered with id null (or its id), and the host goes on.
    const before = host.messages.length;
    host.send('this is not json\n{"id": 5, "command": \n[1,2]\nnull\n{"command":"project.info"}\n{"id":{},"command":"project.info"}\n');
    host.send('{"id":"s1"}\n\n   \n');
    await host.waitFor(() => host.messages.length >= before + 7);
    const answers = host.messages.slice(before);
    expect(answers.filter((m) => m.id === null && m.error?.code === 'invalid-arguments')).toHaveLength(6);
    expect(answers.find((m) => m.id === 's1')?.error).toMatchObject({ code: 'invalid-arguments', message: expect.stringContaining('command') });
    expect(answers[0].error.message).toMatch(/malformed JSON/);

    // A line over the limit (1 MiB here) is dropped whole, sent in pieces; the next line is served.
    const huge = JSON.stringify({ id: 999, command: 'labels.add', args: { note: 'x'.repeat(3 * 1024 * 1024) } });
    for (let i = 0; i < huge.length; i += 256 * 1024) host.send(huge.slice(i, i + 256 * 1024));
    host.send('\n');
    const tooLong = await host.waitFor((m) => m.id === null && /longer than 1048576 bytes/.test(m.error?.message ?? ''));
    expect(tooLong.error.code).toBe('invalid-arguments');
    expect(host.messages.some((m) => m.id === 999)).toBe(false);
    // A big line under the limit is parsed and validated (the note is too long for the schema).
    const big = await host.call('labels.add', { windowId: w.id, startTime: time[2], endTime: time[9], type: 'up', note: 'y'.repeat(900_000) });
    expect(big.error).toMatchObject({ code: 'invalid-arguments', issues: [expect.objectContaining({ field: 'note' })] });
    expect((await host.call('project.info', {})).result.counts.labels).toBe(labelCount);

    host.child.stdin.end();
    expect(await host.exited).toEqual({ code: 0, signal: null });
    expect(host.stderr).not.toMatch(/Error/);
    const reopened = CandlemarkService.open(file);
    expect(reopened.store.listLabels()).toHaveLength(labelCount);
    reopened.close();
  });

  it('answers no-project until the open control, switches projects, keeps the old one when the new one fails', async () => {
    const a = path.join(dir, 'switch-a.candlemark');
    const b = path.join(dir, 'switch-b.candlemark');
    const bogus = path.join(dir, 'bogus.candlemark');
    fs.writeFileSync(bogus, 'not a database at all');
    CandlemarkService.open(b, { create: true }).close();
    const host = new Host([]);
    expect((await host.call('project.info', {})).error).toMatchObject({ code: 'no-project' });
    expect((await host.control('open', { path: path.join(dir, 'missing.candlemark') })).error).toBeDefined();
    expect((await host.control('open', { path: 42 })).error).toMatchObject({ code: 'invalid-arguments', issues: [expect.objectContaining({ field: 'path' })] });
    expect((await host.control('open', { path: a, create: true })).result).toEqual({ path: a });
    expect((await host.call('project.info', {})).result.path).toBe(a);
    expect((await host.control('open', { path: bogus })).error.message).toMatch(/not a Candlemark project/);
    expect((await host.call('project.info', {})).result.path).toBe(a);
    expect((await host.control('open', { path: b })).result).toEqual({ path: b });
    expect((await host.call('project.info', {})).result.path).toBe(b);
    expect(fs.readFileSync(bogus, 'utf8')).toBe('not a database at all');
    host.child.stdin.end();
    expect((await host.exited).code).toBe(0);
  });

  it('keeps its controls out of reach of commands: "host.open" as a command is unknown and opens nothing', async () => {
    const a = path.join(dir, 'ctl-a.candlemark');
    const other = path.join(dir, 'ctl-other.candlemark');
    const host = new Host(['--project', a]);
    const asCommand = await host.call('host.open', { path: other, create: true });
    expect(asCommand.error).toMatchObject({ code: 'unknown-command' });
    expect(fs.existsSync(other)).toBe(false);
    expect((await host.call('project.info', {})).result.path).toBe(a);
    // A control message can't be smuggled inside a command either.
    expect((await host.control('host.open', { path: other, create: true })).error).toMatchObject({ code: 'unknown-command' });
    const mixed = await new Promise<Msg>((resolve) => {
      host.send(`${JSON.stringify({ id: 'mixed', command: 'project.info', control: 'open', args: { path: other, create: true } })}\n`);
      void host.waitFor((m) => m.id === 'mixed').then(resolve);
    });
    expect(mixed.error).toMatchObject({ code: 'invalid-arguments' });
    expect(fs.existsSync(other)).toBe(false);
    host.child.stdin.end();
    expect((await host.exited).code).toBe(0);
  });

  it("treats requests as a page's by default (no server-side paths); the parent marks its own calls local", async () => {
    const host = new Host(['--project', path.join(dir, 'caller.candlemark')]);
    const csv = path.join(SHARED_DATA, 'spy_1d.csv');
    for (const [command, args] of [
      ['series.import', { path: csv }],
      ['labels.import', { path: '/etc/passwd' }],
      ['labels.export', { path: path.join(dir, 'out.json') }],
      ['demo.create', { fromCsv: csv }],
    ] as const) {
      const res = await host.call(command, args);
      expect(res.error, command).toMatchObject({ code: 'forbidden' });
      expect((await host.call(command, args, 'page')).error, command).toMatchObject({ code: 'forbidden' });
    }
    expect(fs.existsSync(path.join(dir, 'out.json'))).toBe(false);
    expect((await host.call('series.import', { path: csv }, 'local')).result).toMatchObject({ series: expect.any(Object) });
    expect((await host.call('project.info', {}, 'admin' as 'local')).error).toMatchObject({ code: 'invalid-arguments' });
    host.child.stdin.end();
    expect((await host.exited).code).toBe(0);
  });

  it('answers a last request sent without a newline before exiting', async () => {
    const host = new Host(['--project', path.join(dir, 'eof.candlemark')]);
    host.send('{"id":1,"command":"labelTypes.list","args":{}}');
    host.child.stdin.end();
    expect((await host.exited).code).toBe(0);
    expect(host.messages).toEqual([{ id: 1, result: expect.arrayContaining([expect.objectContaining({ name: 'up' })]) }]);
  });

  it('cancels training when stdin closes, and the run is recorded as cancelled', async () => {
    const file = path.join(dir, 'train.candlemark');
    const host = new Host(['--project', file]);
    expect((await host.call('demo.create', { seed: 2, bars: 2048 })).error).toBeUndefined();
    host.send(`${JSON.stringify({ id: 'train', command: 'train.run', args: { epochs: 500, backend: 'cpu' } })}\n`);
    await host.waitFor((m) => m.event === 'training.epoch', 120_000);
    host.child.stdin.end();
    expect((await host.exited).code).toBe(0);
    const after = CandlemarkService.open(file);
    try {
      expect((await after.call('runs.list', { includeIncomplete: true })).map((r) => r.status)).toEqual(['cancelled']);
    } finally {
      after.close();
    }
  }, 180_000);

  it('leaves the project consistent when killed in the middle of a burst of calls', async () => {
    const file = path.join(dir, 'kill.candlemark');
    const store = ProjectStore.open(file, { create: true });
    const bars = makeBars(4096);
    store.insertSeries('S', null, bars);
    const cuts = [];
    for (let s = 0; s + 128 <= 4096; s += 64) cuts.push({ extId: `S:${s}`, startIndex: s, length: 128, role: 'train' as const });
    store.createWindowSet({ seriesId: 'S', origin: 'cut', length: 128, stride: 64, split: 'random', valFraction: 0.2, seed: 1 }, cuts);
    store.close();
    const setup = CandlemarkService.open(file);
    const windows = await setup.call('windows.list', {});
    const labelsBefore = (await setup.call('labels.list', {})).length;
    const targets = [];
    for (const w of windows) {
      for (let k = 0; k + 3 < w.length && targets.length < 4000; k += 8) {
        targets.push({ windowId: w.id, startTime: bars.time[w.startIndex + k], endTime: bars.time[w.startIndex + k + 3], type: 'down' });
      }
    }
    setup.close();
    expect(checkProject(file)).toEqual([]);

    const host = new Host(['--project', file]);
    expect((await host.call('project.info', {})).result.path).toBe(file);
    host.send(targets.map((args, i) => `${JSON.stringify({ id: 1000 + i, command: 'labels.add', args })}\n`).join(''));
    await host.waitFor((m) => typeof m.id === 'number' && m.id >= 1000 && host.messages.filter((x) => typeof x.id === 'number' && x.id >= 1000).length >= 50);
    host.child.kill('SIGKILL');
    expect((await host.exited).signal).toBe('SIGKILL');
    const acked = host.messages.filter((m) => typeof m.id === 'number' && m.id >= 1000 && m.result);
    expect(acked.length).toBeGreaterThanOrEqual(1);
    expect(acked.length).toBeLessThan(targets.length); // killed mid-burst, not after it

    expect(checkProject(file)).toEqual([]);
    const after = CandlemarkService.open(file);
    try {
      const labels = await after.call('labels.list', {});
      // Every acknowledged add survived (synchronous=FULL); nothing half-written.
      expect(labels.length - labelsBefore).toBeGreaterThanOrEqual(acked.length);
      expect(labels.length - labelsBefore).toBeLessThanOrEqual(targets.length);
      const ids = new Set(labels.map((l) => l.id));
      for (const m of acked) expect(ids.has(m.result.id)).toBe(true);
      await after.call('labels.undo', {});
    } finally {
      after.close();
    }
    expect(checkProject(file)).toEqual([]);
  });
});
