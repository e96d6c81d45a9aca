/**
 * Issue #10, point 9: every event names the client whose call caused it (from the connection: the
 * HTTP header, the socket's `client.<id>` subprotocol) and carries a sequence number that grows by
 * one per event, so a page skips its own echoes and notices missed events. Real host, real project.
 */
import path from 'node:path';
import http from 'node:http';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CandlemarkService } from '../../core/service/service.ts';
import { CLIENT_ID_HEADER } from '../../core/service/api.ts';
import { EVENTS_PROTOCOL, startHttpHost, type RunningHost } from '../../server/http-host.ts';
import { startStdioHost } from '../../server/stdio-host.ts';
import { REPO_ROOT, tempDir } from '../helpers/paths.ts';

const TOKEN = 'test-token-origin-0123456789';
type Msg = { event?: string; payload?: { clientId: string | null; seq: number; windowIds?: number[] }; id?: number; result?: unknown };

function open(port: number, protocols: string[]): Promise<{ ws?: WebSocket; status?: number; messages: Msg[] }> {
  return new Promise((resolve, reject) => {
    const messages: Msg[] = [];
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/events`, protocols);
    ws.on('message', (data) => messages.push(JSON.parse(String(data)) as Msg));
    ws.on('open', () => resolve({ ws, messages }));
    ws.on('unexpected-response', (_req, res: http.IncomingMessage) => {
      resolve({ status: res.statusCode, messages });
      res.resume();
      ws.terminate();
    });
    ws.on('error', reject);
  });
}

async function until<T>(fn: () => T | undefined, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('event origin over HTTP and the socket', () => {
  let service: CandlemarkService;
  let host: RunningHost;
  const post = (command: string, args: unknown, clientId?: string) =>
    fetch(`http://127.0.0.1:${host.port}/api/call`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json', ...(clientId !== undefined ? { [CLIENT_ID_HEADER]: clientId } : {}) },
      body: JSON.stringify({ command, args }),
    });

  beforeAll(async () => {
    service = CandlemarkService.open(path.join(tempDir(), 'origin.candlemark'), { create: true });
    await service.call('demo.create', { seed: 5, bars: 1024 });
    host = await startHttpHost({ service, staticDir: path.join(REPO_ROOT, 'server/static'), token: TOKEN });
  });
  afterAll(async () => {
    await host.close();
    service.close();
  });

  it('stamps the caller: HTTP header for POSTs, the socket subprotocol for socket calls, null for in-process calls; seq grows by one', async () => {
    const a = await open(host.port, [EVENTS_PROTOCOL, `token.${TOKEN}`, 'client.page-aaaaaaaa']);
    const b = await open(host.port, [EVENTS_PROTOCOL, `token.${TOKEN}`, 'client.page-bbbbbbbb']);
    const [w] = await service.call('windows.list', {});
    const { time } = await service.call('bars.read', { seriesId: w.seriesId, from: w.startIndex, count: w.length });

    // 1. A POST with page-bbbbbbbb's header.
    const res = await post('labels.add', { windowId: w.id, startTime: time[5], endTime: time[9], type: 'up' }, 'page-bbbbbbbb');
    expect(res.status).toBe(200);
    // 2. A call on socket a (its subprotocol names page-aaaaaaaa).
    a.ws!.send(JSON.stringify({ id: 1, command: 'labels.add', args: { windowId: w.id, startTime: time[20], endTime: time[25], type: 'down' } }));
    await until(() => a.messages.find((m) => m.id === 1));
    // 3. The host's own (in-process) call.
    await service.call('labels.add', { windowId: w.id, startTime: time[40], endTime: time[44], type: 'up' });

    const labelEvents = (ms: Msg[]) => ms.filter((m) => m.event === 'labels.changed');
    await until(() => (labelEvents(b.messages).length >= 3 ? true : undefined));
    // Both sockets see every event, each naming the client that caused it.
    for (const sock of [a, b]) expect(labelEvents(sock.messages).map((m) => m.payload!.clientId)).toEqual(['page-bbbbbbbb', 'page-aaaaaaaa', null]);
    // One sequence per project: every event b received, in order, numbered one more than the one before.
    const seqs = b.messages.filter((m) => m.event).map((m) => m.payload!.seq);
    expect(seqs.length).toBeGreaterThanOrEqual(6); // labels.changed + findings.changed per edit
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBe(seqs[i - 1] + 1);
    a.ws!.close();
    b.ws!.close();
  });

  it('refuses a malformed client id: 400 on the POST, 400 on the upgrade, invalid-arguments in-process', async () => {
    const res = await post('project.info', {}, 'bad id!');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'invalid-arguments', issues: [{ field: CLIENT_ID_HEADER }] } });
    expect((await open(host.port, [EVENTS_PROTOCOL, `token.${TOKEN}`, 'client.x'])).status).toBe(400);
    await expect(service.call('project.info', {}, { clientId: 'short' })).rejects.toMatchObject({ code: 'invalid-arguments' });
  });
});

describe('event origin over the stdio host (what Electron speaks to its project process)', () => {
  it('stamps the clientId a request names', async () => {
    const lines: string[] = [];
    const input = new PassThrough();
    const file = path.join(tempDir(), 'stdio-origin.candlemark');
    const seed = CandlemarkService.open(file, { create: true });
    await seed.call('demo.create', { seed: 5, bars: 1024 });
    const [w] = await seed.call('windows.list', {});
    const { time } = await seed.call('bars.read', { seriesId: w.seriesId, from: w.startIndex, count: w.length });
    seed.close();
    const host = startStdioHost({ input, write: (line) => lines.push(...line.split('\n').filter(Boolean)), log: () => undefined });
    host.open(file, false);
    input.write(
      JSON.stringify({ id: 1, command: 'labels.add', clientId: 'ipc-window-1', args: { windowId: w.id, startTime: time[5], endTime: time[9], type: 'up' } }) +
        '\n',
    );
    const parsed = () => lines.map((l) => JSON.parse(l) as Msg);
    const event = await until(() => parsed().find((m) => m.event === 'labels.changed'));
    expect(event.payload).toMatchObject({ clientId: 'ipc-window-1', seq: expect.any(Number) });
    expect(await until(() => parsed().find((m) => m.id === 1))).toMatchObject({ result: { windowId: w.id, change: { windowIds: [w.id], complete: true } } });
    input.end();
    await host.done;
  });
});
