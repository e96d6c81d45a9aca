/**
 * The browser/headless host: serves the service API over HTTP on loopback only, for the browser
 * UI, end-to-end tests, and analysts who work on a remote box through an SSH tunnel.
 *
 * - `POST /api/call {command, args}` → `{ result }` or `{ error: WireError }`.
 * - `GET /api/events` upgraded to a WebSocket: one JSON text message `{ event, payload }` per
 *   service event. Browsers cannot set headers on a WebSocket, so the token travels as a
 *   subprotocol: `new WebSocket(url, ['candlemark.v1', 'token.' + token])`; the server answers
 *   with `candlemark.v1`. Anything else is refused before the upgrade (401/403/421).
 *   The same socket also carries calls: `{ id, command, args }` is answered by `{ id, result }` or
 *   `{ id, error }`. The renderer prefers it to POST because each browser request costs ~10 ms of
 *   overhead here, and an edit takes two rounds of requests. Calls on the socket pass through the
 *   same service.call validation; the token and Origin were checked when the socket was opened.
 * - everything else: static files of the UI (`renderer/dist`, or the fallback `server/static/`).
 *
 * Security: binds to 127.0.0.1 only; every API request and event socket must carry the per-launch
 * random token (compared in constant time); the Host header must name this loopback address (a
 * guard against DNS rebinding); an Origin header, when present, must be this host's own origin
 * (browsers always send one on WebSocket upgrades and POSTs, so a foreign page is refused; scripts
 * and tests without an Origin still need the token); static files carry a strict CSP. The token
 * reaches the page in the URL fragment, which browsers never send to a server, so it doesn't end
 * up in logs or Referer headers.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket } from 'ws';
import type { CandlemarkService } from '../core/service/service.ts';
import { toWireError, type WireError } from '../core/service/errors.ts';
import { httpStatusOf } from '../core/service/error-status.ts';
import { MIME_TYPES as MIME } from '../core/shared/mime.ts';

export interface HostOptions {
  service: CandlemarkService;
  /** Folder with the built renderer (index.html and assets). */
  staticDir: string;
  port?: number;
  /** Fixed token (tests, scripts: `CANDLEMARK_TOKEN`); otherwise a random one per launch. */
  token?: string;
}

export interface RunningHost {
  url: string;
  token: string;
  port: number;
  /** The underlying server (tests assert what it is bound to). */
  server: http.Server;
  close(): Promise<void>;
}

/** Subprotocol of the event socket; the token goes in a second one, `token.<token>`. */
export const EVENTS_PROTOCOL = 'candlemark.v1';
export const EVENTS_PATH = '/api/events';
const TOKEN_PROTOCOL_PREFIX = 'token.';
/** A fixed token must be safe in a URL fragment and in a WebSocket subprotocol (an HTTP token). */
const TOKEN_RE = /^[A-Za-z0-9_-]{16,256}$/;

/**
 * The page's CSP. `connect-src 'self'` covers same-origin fetches and, in CSP Level 3 browsers,
 * the same-origin `ws:` URL; the explicit `ws://` sources keep the event socket working in older
 * engines that read 'self' strictly.
 */
export function hostCsp(port: number): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "font-src 'self'",
    "worker-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Large enough for a 1,000,000-row CSV sent as text (series.importText). */
const MAX_BODY = 300 * 1024 * 1024;
/** A client that stops reading gets disconnected rather than growing our memory without bound. */
const MAX_SOCKET_BUFFER = 16 * 1024 * 1024;

export function checkToken(token: string): string {
  if (!TOKEN_RE.test(token)) throw new Error('the token must be 16 to 256 characters of A-Z, a-z, 0-9, "_" or "-"');
  return token;
}

function timingSafeEqualStrings(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  // Compare equal-length buffers even on a length mismatch, so timing says nothing about the token.
  if (x.length !== y.length) {
    crypto.timingSafeEqual(y, y);
    return false;
  }
  return crypto.timingSafeEqual(x, y);
}

export async function startHttpHost(opts: HostOptions): Promise<RunningHost> {
  const token = opts.token !== undefined ? checkToken(opts.token) : crypto.randomBytes(24).toString('base64url');
  let port = 0;

  const bearerOk = (req: http.IncomingMessage) => timingSafeEqualStrings(String(req.headers.authorization ?? ''), `Bearer ${token}`);
  const hostOk = (req: http.IncomingMessage) => req.headers.host === `127.0.0.1:${port}` || req.headers.host === `localhost:${port}`;
  const originOk = (req: http.IncomingMessage) => {
    const origin = req.headers.origin;
    if (origin === undefined) return true; // not a browser (browsers always send Origin here)
    return origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
  };

  const server = http.createServer((req, res) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    if (!hostOk(req)) return send(res, 421, { error: { code: 'invalid-operation', message: 'wrong Host header', issues: [] } });
    let url: URL;
    try {
      url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    } catch {
      return send(res, 400, { error: { code: 'invalid-arguments', message: 'bad request URL', issues: [] } });
    }
    if (url.pathname.startsWith('/api/')) {
      if (!originOk(req)) return send(res, 403, { error: { code: 'invalid-operation', message: 'cross-origin request refused', issues: [] } });
      if (!bearerOk(req)) return send(res, 401, { error: { code: 'invalid-operation', message: 'missing or wrong token', issues: [] } });
      if (req.method !== 'POST' || url.pathname !== '/api/call') return send(res, 404, { error: { code: 'unknown-command', message: 'POST /api/call', issues: [] } });
      return void handleCall(opts.service, req, res);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, { error: { code: 'invalid-operation', message: 'method not allowed', issues: [] } });
    serveStatic(opts.staticDir, url.pathname, req.method === 'HEAD', hostCsp(port), res);
  });

  // Events over WebSocket, upgraded on the same server (no second port).
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_BODY, // a call on the socket may carry a whole CSV, as a POST body may
    handleProtocols: (protocols) => (protocols.has(EVENTS_PROTOCOL) ? EVENTS_PROTOCOL : false),
  });
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    if (!hostOk(req)) return refuseUpgrade(socket, 421, 'wrong Host header');
    const pathname = (req.url ?? '').split('?')[0];
    if (pathname !== EVENTS_PATH) return refuseUpgrade(socket, 404, 'not found');
    if (!originOk(req)) return refuseUpgrade(socket, 403, 'cross-origin WebSocket refused');
    const offered = String(req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim());
    const tokenProtocol = offered.find((p) => p.startsWith(TOKEN_PROTOCOL_PREFIX)) ?? '';
    if (!offered.includes(EVENTS_PROTOCOL) || !timingSafeEqualStrings(tokenProtocol, TOKEN_PROTOCOL_PREFIX + token)) {
      return refuseUpgrade(socket, 401, 'missing or wrong token');
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('error', () => ws.terminate());
      ws.on('message', (data, isBinary) => void handleSocketCall(opts.service, ws, data, isBinary));
    });
  });
  const offEvents = opts.service.events.onAny((event, payload) => {
    if (wss.clients.size === 0) return;
    let text: string;
    try {
      text = JSON.stringify({ event, payload });
    } catch {
      return;
    }
    for (const ws of wss.clients) {
      if (ws.readyState !== WebSocket.OPEN) continue;
      if (ws.bufferedAmount > MAX_SOCKET_BUFFER) ws.terminate();
      else ws.send(text);
    }
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
    server,
    close: async () => {
      offEvents();
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function refuseUpgrade(socket: Duplex, status: number, message: string): void {
  const reason = http.STATUS_CODES[status] ?? 'Error';
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(message)}\r\n\r\n${message}`);
  socket.destroy();
}

async function handleCall(service: CandlemarkService, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  let body: unknown;
  try {
    body = JSON.parse(await readBody(req));
  } catch (e) {
    return send(res, 400, { error: { code: 'invalid-arguments', message: `request body: ${(e as Error).message}`, issues: [] } });
  }
  const { command, args } = (body !== null && typeof body === 'object' ? body : {}) as { command?: unknown; args?: unknown };
  try {
    const result = await service.call(String(command), args ?? {});
    send(res, 200, { result: result ?? null });
  } catch (e) {
    const error = toWireError(e);
    send(res, httpStatusOf(error.code), { error });
  }
}

/**
 * One call received on the event socket. The reply carries the request's id, so several calls can
 * be in flight at once. A message that isn't a call gets `{ id: null, error }`: the client can't
 * match it to a request, but the error shows in its log, and the socket stays open.
 */
async function handleSocketCall(service: CandlemarkService, ws: WebSocket, data: WebSocket.RawData, isBinary: boolean): Promise<void> {
  const reply = (body: { id: number | null } & ({ result: unknown } | { error: WireError })) => {
    if (ws.readyState !== WebSocket.OPEN) return;
    if (ws.bufferedAmount > MAX_SOCKET_BUFFER) return void ws.terminate();
    ws.send(JSON.stringify(body));
  };
  const malformed = (message: string) => reply({ id: null, error: { code: 'invalid-arguments', message, issues: [] } });
  if (isBinary) return malformed('calls are JSON text messages');
  let msg: unknown;
  try {
    msg = JSON.parse(rawText(data));
  } catch (e) {
    return malformed(`call message: ${(e as Error).message}`);
  }
  const { id, command, args } = (msg !== null && typeof msg === 'object' ? msg : {}) as { id?: unknown; command?: unknown; args?: unknown };
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) return malformed('a call needs "id": a non-negative integer');
  try {
    const result = await service.call(String(command), args ?? {});
    reply({ id, result: result ?? null });
  } catch (e) {
    reply({ id, error: toWireError(e) });
  }
}

function rawText(data: WebSocket.RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
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

function serveStatic(root: string, pathname: string, headOnly: boolean, csp: string, res: http.ServerResponse): void {
  const notFound = () => {
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('not found');
  };
  let rel: string;
  try {
    rel = decodeURIComponent(pathname === '/' ? '/index.html' : pathname);
  } catch {
    return notFound();
  }
  const base = path.resolve(root);
  let file = path.resolve(base, '.' + rel);
  if (!file.startsWith(base + path.sep) || rel.includes('\0')) return notFound();
  if (!isFile(file)) {
    // A client-side route (no extension) gets the app; a missing asset stays a 404.
    if (path.extname(rel) !== '') return notFound();
    file = path.join(base, 'index.html');
    if (!isFile(file)) return notFound();
  }
  res.writeHead(200, {
    'Content-Type': MIME[path.extname(file)] ?? 'application/octet-stream',
    'Content-Security-Policy': csp,
    'Cache-Control': 'no-cache', // revalidate, so a rebuilt renderer shows up at once
  });
  if (headOnly) return void res.end();
  fs.createReadStream(file).pipe(res);
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
