/**
 * The project in a Node child process (hosting/project-channel.ts nodeChildChannel, the desktop
 * app's development carrier) through WorkerService, end to end with real project files: calls,
 * typed errors, events, a page's raw call bytes, closing (the child exits by itself), open errors
 * (not a project; a missing file with create: false, never created), and a Node that isn't there.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CandlemarkError } from '../../core/service/errors.ts';
import { CandlemarkService } from '../../core/service/service.ts';
import { nodeChildChannel, nodeExecutable } from '../../hosting/project-channel.ts';
import { WorkerService } from '../../hosting/project-service.ts';
import { tempDir } from '../helpers/paths.ts';

type Any = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const dir = tempDir();
const logs: string[] = [];
const channel = nodeChildChannel({ node: process.execPath, log: (l) => logs.push(l) });
const gone = (pid: number) => {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
};

describe('the project in a Node child process', () => {
  it('resolves Node from CANDLEMARK_NODE, else node on PATH', () => {
    expect(nodeExecutable({ CANDLEMARK_NODE: '/opt/node/bin/node' })).toBe('/opt/node/bin/node');
    expect(nodeExecutable({})).toBe('node');
  });

  it('serves calls, typed errors, events and raw call bytes; closing ends the child by itself', async () => {
    const file = path.join(dir, 'child.candlemark');
    const s = await WorkerService.open({ projectPath: file, demoIfNew: false, channel, reader: false });
    const pid = s.writer.pid!;
    expect(pid).not.toBe(process.pid);
    expect(s.writer.kind).toBe('node child');
    const events: [string, Any][] = [];
    s.events.onAny((name, payload) => events.push([name, payload]));
    expect(((await s.call('project.info', {})) as Any).path).toBe(file);
    await s.call('demo.create', { seed: 4, bars: 1024 });
    expect(events.map(([n]) => n)).toEqual(expect.arrayContaining(['series.changed', 'windows.changed']));
    const [w] = (await s.call('windows.list', {})) as Any[];
    const { time } = (await s.call('bars.read', { seriesId: w.seriesId, from: w.startIndex, count: w.length })) as Any;
    const label = (await s.call('labels.add', { windowId: w.id, startTime: time[1], endTime: time[6], type: 'up' })) as Any;
    expect(label.windowId).toBe(w.id);
    for (let i = 0; i < 50 && !events.some(([n]) => n === 'labels.changed'); i++) await new Promise((r) => setTimeout(r, 20));
    expect(events).toContainEqual(['labels.changed', expect.objectContaining({ windowIds: expect.arrayContaining([w.id]) })]);

    // Errors: same class, code, message and issues as the in-process service would throw.
    const bad = { windowId: w.id, startTime: 'x', type: 'up' };
    const viaChild = await s.call('labels.add', bad).catch((e: unknown) => e);
    const ref = CandlemarkService.open(path.join(dir, 'ref.candlemark'), { create: true });
    const direct = await ref.call('labels.add', bad).catch((e: unknown) => e);
    ref.close();
    expect(viaChild).toBeInstanceOf(CandlemarkError);
    expect((viaChild as CandlemarkError).toJSON()).toEqual((direct as CandlemarkError).toJSON());
    // A page's call as bytes (over Node's IPC as a Uint8Array), with the page's capability.
    const out = await s.callEncoded(Buffer.from(JSON.stringify({ command: 'labels.export', args: { path: path.join(dir, 'x.json') } })), {
      needId: false,
      what: 'request body',
    });
    expect(out).toMatchObject({ kind: 'error', error: { code: 'forbidden' } });
    const ok = await s.callEncoded(Buffer.from('{"command":"labels.list","args":{}}'), { needId: false, what: 'request body' });
    expect(ok.kind === 'result' && JSON.parse(ok.json).some((l: Any) => l.id === label.id)).toBe(true);

    await s.closeGracefully();
    expect(gone(pid)).toBe(true);
    await expect(s.call('project.info', {})).rejects.toMatchObject({ code: 'no-project' });
    // Closed cleanly: the label is on disk.
    const after = CandlemarkService.open(file);
    expect(after.store.listLabels().some((l) => l.id === label.id)).toBe(true);
    after.close();
  }, 120_000);

  it("answers the store's open error: a file that isn't a project, a missing file not created when create is false", async () => {
    const bogus = path.join(dir, 'bogus.candlemark');
    fs.writeFileSync(bogus, 'not a database');
    await expect(WorkerService.open({ projectPath: bogus, demoIfNew: false, channel, reader: false })).rejects.toMatchObject({
      code: 'project-format',
      message: expect.stringContaining('not a Candlemark project'),
    });
    expect(fs.readFileSync(bogus, 'utf8')).toBe('not a database');
    const missing = path.join(dir, 'missing.candlemark');
    const err = await WorkerService.open({ projectPath: missing, demoIfNew: false, create: false, channel, reader: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CandlemarkError);
    expect((err as CandlemarkError).message).toContain(missing);
    expect(fs.existsSync(missing)).toBe(false);
  }, 60_000);

  it('says plainly when Node cannot be started', async () => {
    const err = await WorkerService.open({
      projectPath: path.join(dir, 'n.candlemark'),
      demoIfNew: false,
      reader: false,
      channel: nodeChildChannel({ node: path.join(dir, 'no-such-node'), log: () => undefined }),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CandlemarkError);
    expect((err as CandlemarkError).message).toMatch(/could not be started with .*no-such-node.*CANDLEMARK_NODE/);
  });
});
