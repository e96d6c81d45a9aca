import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CandlemarkService } from '../../core/service/service.ts';
import { startHttpHost, type RunningHost } from '../../server/http-host.ts';
import { REPO_ROOT, tempDir } from '../helpers/paths.ts';

function request(
  port: number,
  opts: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('browser host', () => {
  let service: CandlemarkService;
  let host: RunningHost;
  const call = (body: unknown, headers: Record<string, string> = {}) =>
    request(host.port, { method: 'POST', path: '/api/call', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const auth = () => ({ Authorization: `Bearer ${host.token}` });

  beforeAll(async () => {
    service = CandlemarkService.open(path.join(tempDir(), 'p.candlemark'), { create: true });
    await service.call('demo.create', { seed: 2, bars: 1024 });
    host = await startHttpHost({ service, staticDir: path.join(REPO_ROOT, 'server/static') });
  });
  afterAll(async () => {
    await host.close();
    service.close();
  });

  it('binds to loopback only and prints a URL carrying the token in its fragment', () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{32}$/);
  });

  it('answers API calls that carry the token', async () => {
    const res = await call({ command: 'project.info', args: {} }, auth());
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).result.counts.windows).toBeGreaterThan(0);
  });

  it('refuses API calls without the token or with a wrong one', async () => {
    expect((await call({ command: 'project.info' })).status).toBe(401);
    expect((await call({ command: 'project.info' }, { Authorization: 'Bearer nope' })).status).toBe(401);
    expect((await call({ command: 'project.info' }, { Authorization: `Bearer ${host.token}x` })).status).toBe(401);
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const res = await call({ command: 'project.info' }, { ...auth(), Host: `evil.example:${host.port}` });
    expect(res.status).toBe(421);
  });

  it('returns typed errors for malformed requests and never crashes', async () => {
    const bodies = [
      '{',
      'null',
      '[]',
      '"x"',
      JSON.stringify({ command: 'labels.add', args: { windowId: 'x' } }),
      JSON.stringify({ command: '__proto__' }),
      JSON.stringify({ command: 'bars.read', args: { seriesId: '../../etc', from: -1, count: 1e9 } }),
    ];
    for (const body of bodies) {
      const res = await request(host.port, { method: 'POST', path: '/api/call', headers: { ...auth(), 'Content-Type': 'application/json' }, body });
      expect(res.status).toBe(400);
      expect(JSON.parse(res.body).error.code).toMatch(/invalid-arguments|unknown-command/);
    }
    expect((await call({ command: 'project.info' }, auth())).status).toBe(200);
  });

  it('serves the page with a strict CSP and nothing outside its folder', async () => {
    const page = await request(host.port, { path: '/' });
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect((await request(host.port, { path: '/../package.json' })).status).toBe(404);
    expect((await request(host.port, { path: '/%2e%2e/package.json' })).status).toBe(404);
  });
});
