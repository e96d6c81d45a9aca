/** The browser host's event socket (/api/events) and its loopback/token/Origin guards. */
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CandlemarkService } from '../../core/service/service.ts';
import { checkToken, EVENTS_PROTOCOL, startHttpHost, type RunningHost } from '../../server/http-host.ts';
import { REPO_ROOT, tempDir } from '../helpers/paths.ts';

const TOKEN = 'test-token-0123456789abcdef';

/** Tries an upgrade; resolves with the accepted protocol, or the HTTP status of the refusal. */
function connect(
  port: number,
  opts: { protocols?: string[]; origin?: string; host?: string; path?: string } = {},
): Promise<{ ws?: WebSocket; protocol?: string; status?: number }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (opts.host) headers.Host = opts.host;
    const ws = new WebSocket(`ws://127.0.0.1:${port}${opts.path ?? '/api/events'}`, opts.protocols ?? [], { origin: opts.origin, headers });
    ws.on('open', () => resolve({ ws, protocol: ws.protocol }));
    ws.on('unexpected-response', (_req, res: http.IncomingMessage) => {
      resolve({ status: res.statusCode });
      res.resume();
      ws.terminate();
    });
    ws.on('error', (err) => reject(err));
  });
}

function nextMessage(ws: WebSocket, predicate: (m: { event: string; payload: unknown }) => boolean, ms = 10_000): Promise<{ event: string; payload: unknown }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no matching event')), ms);
    ws.on('message', (data) => {
      const m = JSON.parse(String(data)) as { event: string; payload: unknown };
      if (predicate(m)) {
        clearTimeout(timer);
        resolve(m);
      }
    });
  });
}

describe('browser host events over WebSocket', () => {
  let service: CandlemarkService;
  let host: RunningHost;
  const good = () => [EVENTS_PROTOCOL, `token.${TOKEN}`];

  beforeAll(async () => {
    service = CandlemarkService.open(path.join(tempDir(), 'p.candlemark'), { create: true });
    await service.call('demo.create', { seed: 3, bars: 1024 });
    host = await startHttpHost({ service, staticDir: path.join(REPO_ROOT, 'server/static'), token: TOKEN });
  });
  afterAll(async () => {
    await host.close();
    service.close();
  });

  it('uses a fixed token when given one, and refuses unsafe fixed tokens', () => {
    expect(host.token).toBe(TOKEN);
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/#token=${TOKEN}`);
    expect(() => checkToken('short')).toThrow(/16 to 256/);
    expect(() => checkToken('has space in it 1234567')).toThrow();
    expect(() => checkToken('a,b'.repeat(8))).toThrow();
  });

  it('refuses upgrades without the token, with a wrong one, or without the candlemark.v1 protocol (401)', async () => {
    expect((await connect(host.port)).status).toBe(401);
    expect((await connect(host.port, { protocols: [EVENTS_PROTOCOL] })).status).toBe(401);
    expect((await connect(host.port, { protocols: [EVENTS_PROTOCOL, 'token.wrong-token-0123456789'] })).status).toBe(401);
    expect((await connect(host.port, { protocols: [EVENTS_PROTOCOL, `token.${TOKEN}x`] })).status).toBe(401);
    expect((await connect(host.port, { protocols: [EVENTS_PROTOCOL, `token.${TOKEN.slice(0, -1)}`] })).status).toBe(401);
    expect((await connect(host.port, { protocols: [`token.${TOKEN}`] })).status).toBe(401);
  });

  it('refuses a foreign Origin (403) and a foreign Host (421), even with the token', async () => {
    for (const origin of ['https://evil.example', `http://127.0.0.1:${host.port + 1}`, 'null', `http://localhost.evil.example:${host.port}`]) {
      expect((await connect(host.port, { protocols: good(), origin })).status).toBe(403);
    }
    expect((await connect(host.port, { protocols: good(), host: `evil.example:${host.port}` })).status).toBe(421);
    expect((await connect(host.port, { protocols: good(), path: '/api/other' })).status).toBe(404);
  });

  it('refuses cross-origin API calls too', async () => {
    const res = await fetch(`http://127.0.0.1:${host.port}/api/call`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json', Origin: 'https://evil.example' },
      body: JSON.stringify({ command: 'project.info', args: {} }),
    });
    expect(res.status).toBe(403);
    const same = await fetch(`http://127.0.0.1:${host.port}/api/call`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json', Origin: `http://127.0.0.1:${host.port}` },
      body: JSON.stringify({ command: 'project.info', args: {} }),
    });
    expect(same.status).toBe(200);
  });

  it('accepts the token as a subprotocol (own Origin or none) and pushes events after a label edit', async () => {
    const withOrigin = await connect(host.port, { protocols: good(), origin: `http://127.0.0.1:${host.port}` });
    expect(withOrigin.protocol).toBe(EVENTS_PROTOCOL);
    const plain = await connect(host.port, { protocols: good() });
    expect(plain.protocol).toBe(EVENTS_PROTOCOL);

    const [w] = await service.call('windows.list', {});
    const { time: times } = await service.call('bars.read', { seriesId: w.seriesId, from: w.startIndex, count: w.length });
    const got = Promise.all([withOrigin.ws!, plain.ws!].map((ws) => nextMessage(ws, (m) => m.event === 'labels.changed')));
    const res = await fetch(`http://127.0.0.1:${host.port}/api/call`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ command: 'labels.add', args: { windowId: w.id, startTime: times[10], endTime: times[20], type: 'up' } }),
    });
    expect(res.status).toBe(200);
    // The origin stamp (issue #10, point 9): no client id header here, so null; test/server/event-origin.test.ts covers the rest.
    for (const m of await got)
      expect(m).toEqual({ event: 'labels.changed', payload: { windowIds: expect.arrayContaining([w.id]), clientId: null, seq: expect.any(Number) } });
    withOrigin.ws!.close();
    plain.ws!.close();
  });

  it('runs calls sent on the socket: replies carry the id, errors are the service errors, events come first', async () => {
    const { ws } = await connect(host.port, { protocols: good() });
    const received: Record<string, unknown>[] = [];
    ws!.on('message', (data) => received.push(JSON.parse(String(data)) as Record<string, unknown>));
    const reply = (id: unknown) =>
      new Promise<Record<string, unknown>>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no reply for id ${String(id)}`)), 10_000);
        ws!.on('message', (data) => {
          const m = JSON.parse(String(data)) as Record<string, unknown>;
          if ('id' in m && m.id === id) {
            clearTimeout(timer);
            resolve(m);
          }
        });
      });
    const send = (msg: unknown, id: unknown) => {
      const r = reply(id);
      ws!.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
      return r;
    };

    const [w] = await service.call('windows.list', {});
    const { time: times } = await service.call('bars.read', { seriesId: w.seriesId, from: w.startIndex, count: w.length });
    // Two in flight at once: each reply finds its request by id.
    const [info, added] = await Promise.all([
      send({ id: 1, command: 'project.info', args: {} }, 1),
      send({ id: 2, command: 'labels.add', args: { windowId: w.id, startTime: times[30], endTime: times[40], type: 'down' } }, 2),
    ]);
    expect(info).toMatchObject({ id: 1, result: { counts: expect.any(Object) } });
    expect(added).toMatchObject({ id: 2, result: { windowId: w.id, type: 'down' } });
    expect((await service.call('labels.list', { windowId: w.id })).some((l) => l.id === (added.result as { id: number }).id)).toBe(true);
    // The edit's event arrived before its reply, so a client that refreshes on the reply sees both.
    const eventAt = received.findIndex((m) => m.event === 'labels.changed');
    const replyAt = received.findIndex((m) => m.id === 2);
    expect(eventAt).toBeGreaterThanOrEqual(0);
    expect(eventAt).toBeLessThan(replyAt);

    // Service errors come back as they would over HTTP, with the request's id.
    expect(await send({ id: 3, command: 'labels.add', args: { windowId: 'x' } }, 3)).toMatchObject({ id: 3, error: { code: 'invalid-arguments' } });
    expect(await send({ id: 4, command: 'no.such.command' }, 4)).toMatchObject({ id: 4, error: { code: 'unknown-command' } });
    // Messages that are not calls get an error without an id, and the socket stays usable.
    for (const bad of [
      'not json',
      JSON.stringify({ command: 'project.info' }),
      JSON.stringify({ id: -1, command: 'project.info' }),
      JSON.stringify({ id: 1.5, command: 'project.info' }),
      'null',
    ]) {
      expect(await send(bad, null)).toMatchObject({ id: null, error: { code: 'invalid-arguments' } });
    }
    const binary = reply(null);
    ws!.send(Buffer.from([1, 2, 3]));
    expect(await binary).toMatchObject({ id: null, error: { message: expect.stringMatching(/JSON text/) } });
    expect(await send({ id: 5, command: 'labels.history' }, 5)).toMatchObject({ id: 5, result: { canUndo: true } });
    ws!.close();
  });
});

describe('browser host binding', () => {
  it('listens on 127.0.0.1 only: other local addresses refuse connections', async () => {
    const service = CandlemarkService.open(path.join(tempDir(), 'b.candlemark'), { create: true });
    const host = await startHttpHost({ service, staticDir: path.join(REPO_ROOT, 'server/static') });
    try {
      expect(host.server.address()).toMatchObject({ address: '127.0.0.1', family: 'IPv4', port: host.port });
      const others = Object.values(os.networkInterfaces())
        .flat()
        .filter((a): a is os.NetworkInterfaceInfo => !!a && a.address !== '127.0.0.1')
        .map((a) => a.address);
      // 127.0.0.2 is loopback on Linux but is not the bound address; ::1 is IPv6 loopback.
      const candidates = [...new Set([...others, ...(process.platform === 'linux' ? ['127.0.0.2'] : [])])];
      for (const address of candidates) {
        const outcome = await new Promise<string>((resolve) => {
          const socket = net.connect({ host: address, port: host.port, timeout: 2000 });
          socket.once('connect', () => {
            socket.destroy();
            resolve('connected');
          });
          socket.once('timeout', () => {
            socket.destroy();
            resolve('timeout');
          });
          socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
        });
        expect(outcome, `connecting to ${address}:${host.port}`).not.toBe('connected');
      }
    } finally {
      await host.close();
      service.close();
    }
  });
});
