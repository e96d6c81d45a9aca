/**
 * What the browser host refuses a page and a stranger: commands naming server-side paths (POST and
 * socket), bodies over the limit (413 JSON, not a reset), slow or idle connections without the
 * token (closed), and too many of them at once. A real host on a real project file and real sockets.
 */
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CandlemarkService } from '../../core/service/service.ts';
import { EVENTS_PROTOCOL, startHttpHost, type RunningHost } from '../../server/http-host.ts';
import { REPO_ROOT, SHARED_DATA, tempDir } from '../helpers/paths.ts';

const TOKEN = 'limits-token-0123456789abcdef';
const dir = tempDir();

function post(port: number, body: string | Buffer, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/call',
        headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json', ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A raw TCP connection; resolves `closed` with the ms until the server closed it. */
function rawConnection(port: number): { socket: net.Socket; closed: Promise<number>; data: () => string } {
  const t0 = Date.now();
  const socket = net.connect(port, '127.0.0.1');
  let data = '';
  socket.on('data', (d: Buffer) => (data += d.toString()));
  socket.on('error', () => undefined);
  const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now() - t0)));
  return { socket, closed, data: () => data };
}

describe('browser host limits', () => {
  let service: CandlemarkService;
  let host: RunningHost;

  beforeAll(async () => {
    service = CandlemarkService.open(path.join(dir, 'p.candlemark'), { create: true });
    await service.call('demo.create', { seed: 2, bars: 1024 });
    host = await startHttpHost({
      service,
      staticDir: path.join(REPO_ROOT, 'server/static'),
      token: TOKEN,
      limits: { maxBodyBytes: 1024 * 1024, headersTimeoutMs: 1500, unauthIdleMs: 1500, maxUnauthConnections: 4 },
    });
  });
  afterAll(async () => {
    await host.close();
    service.close();
  });

  it('refuses commands that name server-side paths, over POST and over the socket (forbidden, 403-class)', async () => {
    const out = path.join(dir, 'exported.json');
    const csv = path.join(SHARED_DATA, 'spy_1d.csv');
    const calls: [string, Record<string, unknown>][] = [
      ['series.import', { path: '/etc/shadow' }],
      ['series.import', { path: csv }],
      ['labels.import', { path: '/etc/passwd' }],
      ['labels.export', { path: out }],
      ['demo.create', { fromCsv: csv }],
    ];
    for (const [command, args] of calls) {
      const res = await post(host.port, JSON.stringify({ command, args }));
      expect(res.status, command).toBeGreaterThanOrEqual(400);
      expect(res.status, command).toBeLessThan(500);
      expect(JSON.parse(res.body).error, command).toMatchObject({ code: 'forbidden' });
    }
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api/events`, [EVENTS_PROTOCOL, `token.${TOKEN}`]);
    await new Promise((resolve, reject) => (ws.on('open', resolve), ws.on('error', reject)));
    const replies = new Map<number, { error?: { code: string } }>();
    ws.on('message', (d) => {
      const m = JSON.parse(String(d)) as { id?: number; error?: { code: string } };
      if (typeof m.id === 'number') replies.set(m.id, m);
    });
    calls.forEach(([command, args], i) => ws.send(JSON.stringify({ id: i + 1, command, args })));
    for (let t = 0; t < 100 && replies.size < calls.length; t++) await new Promise((r) => setTimeout(r, 50));
    ws.close();
    expect([...replies.values()].map((r) => r.error?.code)).toEqual(calls.map(() => 'forbidden'));
    expect(fs.existsSync(out)).toBe(false);
    expect((await service.call('series.list', {})).map((s) => s.id)).not.toContain('spy_1d');
  });

  it('answers 413 JSON to a body over the limit, declared or streamed, and keeps serving', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024, 0x20);
    const declared = await post(host.port, big);
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.body).error.message).toMatch(/larger than 1048576 bytes/);
    // Chunked: no Content-Length, the limit is found while reading.
    const streamed = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: host.port,
          method: 'POST',
          path: '/api/call',
          headers: { Authorization: `Bearer ${TOKEN}`, 'Transfer-Encoding': 'chunked' },
        },
        (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      for (let i = 0; i < 3; i++) req.write(big);
      req.end();
    });
    expect(streamed.status).toBe(413);
    expect(JSON.parse(streamed.body).error.code).toBeDefined();
    const ok = await post(host.port, JSON.stringify({ command: 'project.info', args: {} }));
    expect(ok.status).toBe(200);
  });

  it('closes a slow-loris connection (headers never finished) after the headers timeout', async () => {
    const c = rawConnection(host.port);
    c.socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\n`);
    const drip = setInterval(() => c.socket.write('X-Slow: 1\r\n'), 300);
    const ms = await c.closed;
    clearInterval(drip);
    expect(ms).toBeLessThan(6000);
    expect(ms).toBeGreaterThanOrEqual(1000);
  });

  it('closes an idle connection that never showed the token; keeps one that did', async () => {
    const idle = rawConnection(host.port);
    expect(await idle.closed).toBeLessThan(6000);
    // A keep-alive connection that made an authenticated call stays (until keep-alive ends it).
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const once = () =>
      new Promise<{ status: number; reused: boolean }>((resolve, reject) => {
        const req = http.request(
          { host: '127.0.0.1', port: host.port, method: 'POST', path: '/api/call', agent, headers: { Authorization: `Bearer ${TOKEN}` } },
          (r) => {
            r.resume();
            r.on('end', () => resolve({ status: r.statusCode ?? 0, reused: req.reusedSocket }));
          },
        );
        req.on('error', reject);
        req.end(JSON.stringify({ command: 'project.info' }));
      });
    expect(await once()).toEqual({ status: 200, reused: false });
    await new Promise((r) => setTimeout(r, 2200)); // past unauthIdleMs, within Node's 5 s keep-alive
    expect(await once()).toEqual({ status: 200, reused: true });
    agent.destroy();
  });

  it('caps connections without the token; authenticated work goes on', async () => {
    const held = Array.from({ length: 6 }, () => rawConnection(host.port));
    await new Promise((r) => setTimeout(r, 300));
    // Over the cap (4): the extra ones are closed at once, before the idle timeout.
    const closedEarly = await Promise.all(held.map((c) => Promise.race([c.closed, new Promise<number>((r) => setTimeout(() => r(-1), 800))])));
    expect(closedEarly.filter((ms) => ms >= 0 && ms < 800).length).toBeGreaterThanOrEqual(2);
    for (const c of held) c.socket.destroy();
    await new Promise((r) => setTimeout(r, 100));
    const ok = await post(host.port, JSON.stringify({ command: 'project.info', args: {} }));
    expect(ok.status).toBe(200);
  });
});
