/**
 * The browser/headless host: serves the service API over HTTP on loopback only, for the browser
 * UI, end-to-end tests, and analysts who work on a remote box through an SSH tunnel.
 *
 * Security: binds to 127.0.0.1; every API request must carry the per-launch random token
 * (Authorization: Bearer …); the Host header must name this loopback address (a guard against
 * DNS rebinding); static files carry a strict CSP. The token reaches the page in the URL fragment,
 * which browsers never send to a server, so it doesn't end up in logs or Referer headers.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { CandlemarkService } from '../core/service/service.ts';
import { toWireError } from '../core/service/errors.ts';

export interface HostOptions {
  service: CandlemarkService;
  /** Folder with the built renderer (index.html and assets). */
  staticDir: string;
  port?: number;
  /** Fixed token (tests); otherwise a random one per launch. */
  token?: string;
}

export interface RunningHost {
  url: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const MIME: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json' };
/** Large enough for a 1,000,000-row CSV sent as text (series.importText). */
const MAX_BODY = 300 * 1024 * 1024;

export async function startHttpHost(opts: HostOptions): Promise<RunningHost> {
  const token = opts.token ?? crypto.randomBytes(24).toString('base64url');
  const expected = Buffer.from(`Bearer ${token}`);
  let port = 0;

  const tokenOk = (req: http.IncomingMessage) => {
    const got = Buffer.from(String(req.headers.authorization ?? ''));
    return got.length === expected.length && crypto.timingSafeEqual(got, expected);
  };
  const hostOk = (req: http.IncomingMessage) => req.headers.host === `127.0.0.1:${port}` || req.headers.host === `localhost:${port}`;

  const server = http.createServer((req, res) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    if (!hostOk(req)) return send(res, 421, { error: { code: 'invalid-operation', message: 'wrong Host header', issues: [] } });
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (url.pathname.startsWith('/api/')) {
      if (!tokenOk(req)) return send(res, 401, { error: { code: 'invalid-operation', message: 'missing or wrong token', issues: [] } });
      if (req.method !== 'POST' || url.pathname !== '/api/call') return send(res, 404, { error: { code: 'unknown-command', message: 'POST /api/call', issues: [] } });
      return void handleCall(opts.service, req, res);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, { error: { code: 'invalid-operation', message: 'method not allowed', issues: [] } });
    serveStatic(opts.staticDir, url.pathname, res);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/#token=${token}`,
    token,
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function handleCall(service: CandlemarkService, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  let body: unknown;
  try {
    body = JSON.parse(await readBody(req));
  } catch (e) {
    return send(res, 400, { error: { code: 'invalid-arguments', message: `request body: ${(e as Error).message}`, issues: [] } });
  }
  const { command, args } = (body ?? {}) as { command?: unknown; args?: unknown };
  try {
    const result = await service.call(String(command), args ?? {});
    send(res, 200, { result: result ?? null });
  } catch (e) {
    const error = toWireError(e);
    send(res, error.code === 'internal' ? 500 : 400, { error });
  }
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error(`larger than ${MAX_BODY} bytes`));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(text);
}

function serveStatic(root: string, pathname: string, res: http.ServerResponse): void {
  const rel = decodeURIComponent(pathname === '/' ? '/index.html' : pathname);
  const file = path.resolve(root, '.' + rel);
  if (!file.startsWith(path.resolve(root) + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    return void res.end('not found');
  }
  res.writeHead(200, { 'Content-Type': MIME[path.extname(file)] ?? 'application/octet-stream', 'Content-Security-Policy': CSP, 'Cache-Control': 'no-cache' });
  fs.createReadStream(file).pipe(res);
}
