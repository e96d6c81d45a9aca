/**
 * electron/service-proxy.ts against the real child (bin/stdio-host.js under Node) and real project
 * files: calls, errors rebuilt with their code and issues (and unchanged through ipc.ts), events,
 * a failed open, a missing Node, and a child that dies with calls pending.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CandlemarkError } from '../../core/service/errors.ts';
import { CandlemarkService } from '../../core/service/service.ts';
import { APP_ORIGIN, handleIpcCall } from '../../electron/ipc.ts';
import { errorFromWire, nodeExecutable, ServiceProxy } from '../../electron/service-proxy.ts';
import { tempDir } from '../helpers/paths.ts';

type Any = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const dir = tempDir();
const proxies: ServiceProxy[] = [];
afterAll(async () => {
  for (const p of proxies) p.close();
  await Promise.all(proxies.map((p) => p.exited));
  fs.rmSync(dir, { recursive: true, force: true });
});
// Node here is the one running the tests (as bin/start.js passes its own Node to Electron).
const opts = (extra: Partial<ConstructorParameters<typeof ServiceProxy>[0]> = {}) => ({ node: process.execPath, log: (m: string) => logs.push(m), ...extra });
const logs: string[] = [];
const open = async (file: string, create = true, extra = {}) => {
  const p = await ServiceProxy.open(file, { create }, opts(extra));
  proxies.push(p);
  return p;
};

describe('ServiceProxy (real Node child)', () => {
  it('resolves Node from CANDLEMARK_NODE, else node on PATH', () => {
    expect(nodeExecutable({ CANDLEMARK_NODE: '/opt/node/bin/node' })).toBe('/opt/node/bin/node');
    expect(nodeExecutable({})).toBe('node');
  });

  it('runs calls, forwards events, and rebuilds errors with their code and issues', async () => {
    const file = path.join(dir, 'p.candlemark');
    const proxy = await open(file);
    const events: [string, Any][] = [];
    const off = proxy.events.onAny((name, payload) => events.push([name, payload]));

    expect(((await proxy.call('project.info', {})) as Any).path).toBe(file);
    await proxy.call('demo.create', { seed: 4, bars: 1024 });
    expect(events.map(([n]) => n)).toEqual(expect.arrayContaining(['series.changed', 'windows.changed']));
    const [w] = (await proxy.call('windows.list', {})) as Any[];
    const { time } = (await proxy.call('bars.read', { seriesId: w.seriesId, from: w.startIndex, count: w.length })) as Any;
    // The renderer's client id travels with the call to the child and comes back on the events it caused.
    const label = (await proxy.call('labels.add', { windowId: w.id, startTime: time[1], endTime: time[6], type: 'up' }, { caller: 'page', clientId: 'page-proxy0001' })) as Any;
    expect(label.windowId).toBe(w.id);
    expect(events).toContainEqual(['labels.changed', { windowIds: expect.arrayContaining([w.id]), clientId: 'page-proxy0001', seq: expect.any(Number) }]);

    // Errors: same class, code, message and issues as the in-process service would throw.
    const bad = { windowId: w.id, startTime: 'x', type: 'up' };
    const viaProxy = await proxy.call('labels.add', bad).catch((e: unknown) => e);
    const inProcess = CandlemarkService.open(path.join(dir, 'ref.candlemark'), { create: true });
    const direct = await inProcess.call('labels.add', bad).catch((e: unknown) => e);
    inProcess.close();
    expect(viaProxy).toBeInstanceOf(CandlemarkError);
    expect((viaProxy as CandlemarkError).toJSON()).toEqual((direct as CandlemarkError).toJSON());
    expect((viaProxy as CandlemarkError).issues.length).toBeGreaterThan(0);
    await expect(proxy.call('nope', {})).rejects.toMatchObject({ code: 'unknown-command', message: 'unknown command "nope"' });
    await expect(proxy.call('labels.delete', { id: 987654 })).rejects.toBeInstanceOf(CandlemarkError);

    // Through ipc.ts the renderer gets the WireError unchanged.
    const trusted = { webContentsId: 7 };
    const ev = { sender: { id: 7 }, senderFrame: { url: `${APP_ORIGIN}/index.html`, parent: null } };
    const res = await handleIpcCall(proxy, ev, { command: 'labels.add', args: bad }, trusted);
    expect(res).toEqual({ error: (direct as CandlemarkError).toJSON() });
    expect(await handleIpcCall(proxy, ev, { command: 'labelTypes.list' }, trusted)).toMatchObject({ result: expect.arrayContaining([expect.objectContaining({ name: 'up' })]) });

    // Arguments that aren't JSON are refused before they reach the child.
    await expect(proxy.call('labels.list', { windowId: 10n })).rejects.toMatchObject({ code: 'invalid-arguments' });

    off();
    const n = events.length;
    await proxy.call('labels.undo', {});
    expect(events.length).toBe(n);

    proxy.close();
    await expect(proxy.call('project.info', {})).rejects.toMatchObject({ code: 'no-project' });
    expect(await proxy.exited).toEqual({ code: 0, signal: null });
    const reopened = CandlemarkService.open(file);
    expect(reopened.store.listLabels().some((l) => l.id === label.id)).toBe(false); // undone above, in the child
    reopened.close();
  });

  it('keeps the child\'s controls and server-side paths out of the renderer\'s reach (IPC path)', async () => {
    const file = path.join(dir, 'guarded.candlemark');
    const other = path.join(dir, 'other-by-renderer.candlemark');
    const proxy = await open(file);
    const ev = { sender: { id: 1 }, senderFrame: { url: `${APP_ORIGIN}/`, parent: null } };
    const viaIpc = (command: string, args: unknown) => handleIpcCall(proxy, ev, { command, args }, { webContentsId: 1 });
    // The renderer names the child's old control command: an unknown command, nothing opened or created.
    expect(await viaIpc('host.open', { path: other, create: true })).toMatchObject({ error: { code: 'unknown-command' } });
    expect(fs.existsSync(other)).toBe(false);
    expect(((await proxy.call('project.info', {})) as Any).path).toBe(file);
    // Path commands from the renderer are refused in the child; the main process (menu + dialog) may.
    expect(await viaIpc('series.import', { path: '/etc/passwd' })).toMatchObject({ error: { code: 'forbidden' } });
    expect(await viaIpc('labels.export', { path: path.join(dir, 'x.json') })).toMatchObject({ error: { code: 'forbidden' } });
    expect(fs.existsSync(path.join(dir, 'x.json'))).toBe(false);
    await proxy.call('labels.export', { path: path.join(dir, 'x.json') });
    expect(fs.existsSync(path.join(dir, 'x.json'))).toBe(true);
  });

  it('rejects open when the project cannot be opened, and stops the child', async () => {
    const bogus = path.join(dir, 'bogus.candlemark');
    fs.writeFileSync(bogus, 'not a project');
    const err = await ServiceProxy.open(bogus, { create: false }, opts()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CandlemarkError);
    expect((err as Error).message).toMatch(/not a Candlemark project/);
    expect(fs.readFileSync(bogus, 'utf8')).toBe('not a project');
  });

  it('says clearly when Node cannot be started', async () => {
    const err = await ServiceProxy.open(path.join(dir, 'x.candlemark'), { create: true }, opts({ node: path.join(dir, 'no-such-node') })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CandlemarkError);
    expect((err as Error).message).toMatch(/could not be started .*ENOENT.*CANDLEMARK_NODE/s);
  });

  it('rejects pending and later calls when the child dies, and reports the exit', async () => {
    const exits: Any[] = [];
    const proxy = await open(path.join(dir, 'die.candlemark'), true, { onExit: (i: Any) => exits.push(i) });
    await proxy.call('demo.create', { seed: 1, bars: 2048 });
    const pending = Array.from({ length: 20 }, () => proxy.call('conflicts.check', {}).catch((e: unknown) => e));
    process.kill(proxy.pid!, 'SIGKILL');
    const results = await Promise.all(pending);
    const failed = results.filter((r) => r instanceof CandlemarkError) as CandlemarkError[];
    expect(failed.length).toBeGreaterThan(0); // some may have been answered before the kill
    for (const e of failed) expect(e.message).toMatch(/exited unexpectedly \(signal SIGKILL\)/);
    await expect(proxy.call('project.info', {})).rejects.toThrow(/exited unexpectedly/);
    expect(await proxy.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(exits).toEqual([expect.objectContaining({ expected: false, signal: 'SIGKILL' })]);
    expect(logs.some((l) => /exited unexpectedly/.test(l))).toBe(true);
  });

  it('forwards the child’s stderr to the log', async () => {
    const before = logs.length;
    const proxy = await open(path.join(dir, 'log.candlemark'));
    proxy.close();
    await proxy.exited;
    expect(logs.slice(before).some((l) => l.startsWith('[store] ') && l.includes('log.candlemark'))).toBe(true);
  });

  it('turns a malformed wire error into an internal CandlemarkError', () => {
    expect(errorFromWire({ code: 'not-found', message: 'm', issues: [{ message: 'i' }] }).toJSON()).toEqual({ code: 'not-found', message: 'm', issues: [{ message: 'i' }] });
    expect(errorFromWire({ code: 'weird', message: 3 }).toJSON()).toMatchObject({ code: 'internal', issues: [] });
    expect(errorFromWire(null).code).toBe('internal');
  });
});
