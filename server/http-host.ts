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
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket } from 'ws';
import type { CallOptions } from '../core/service/capability.ts';
import type { EventName } from '../core/service/events.ts';
import { CLIENT_ID_HEADER, CLIENT_ID_PATTERN } from '../core/service/api.ts';
import { toWireError, type WireError } from '../core/service/errors.ts';
import { httpStatusOf } from '../core/service/error-status.ts';
import { MIME_TYPES as MIME } from '../core/shared/mime.ts';
import { runEncodedCall, type CallOutcome, type DecodeOptions } from '../hosting/call-message.ts';

/**
 * What the host needs of a service: CandlemarkService in this thread, or WorkerService
 * (hosting/project-service.ts), which runs it in a worker thread so SQLite never blocks HTTP.
 */
export interface HostService {
  call(name: string, args?: unknown, opts?: CallOptions): Promise<unknown>;
  /** Decodes and runs a page's call from its raw bytes where the service lives (call-message.ts); without it, this thread does. */
  callEncoded?(bytes: Buffer, opts: DecodeOptions): Promise<CallOutcome>;
  events: { onAny(fn: (name: EventName, payload: unknown) => void): () => void };
}

export interface HostOptions {
  service: HostService;
  /** Folder with the built renderer (index.html and assets). */
  staticDir: string;
  port?: number;
  /** Fixed token (tests, scripts: `CANDLEMARK_TOKEN`); otherwise a random one per launch. */
  token?: string;
  /** Limits (defaults in HOST_LIMITS; `CANDLEMARK_MAX_BODY_BYTES` sets maxBodyBytes in bin/serve.js). */
  limits?: Partial<HostLimits>;
  /**
   * Host-level commands (`POST /api/host {command, args}`: the project menu, server/main.ts), run on
   * this thread, never by the service. Same token, Host and Origin checks as /api/call; bodies up
   * to HOST_COMMAND_MAX_BYTES. Without it /api/host answers unknown-command.
   */
  hostCommands?: (command: string, args: unknown) => Promise<unknown>;
}

/** Host commands carry a name or a path, never data. */
export const HOST_COMMAND_MAX_BYTES = 64 * 1024;

export interface HostLimits {
  /** Largest POST body and socket message; a larger body is answered 413 (JSON). */
  maxBodyBytes: number;
  /** A request's headers must arrive within this (slow-loris guard). */
  headersTimeoutMs: number;
  /** A whole request (headers and body) must arrive within this. */
  requestTimeoutMs: number;
  /** A connection that hasn't sent a request with the token is closed after this long idle. */
  unauthIdleMs: number;
  /** At most this many connections without the token at once; more are closed on arrival. */
  maxUnauthConnections: number;
}

/**
 * MAX_TEXT (256 MiB, the largest text a command takes) JSON-escaped plus slack: a 1,000,000-row CSV
 * is ~60 MB, and escaping adds ~2 % (one `\n` per line). A 256 MiB text upload over loopback takes
 * well under the request timeout; over an SSH tunnel to a remote box 300 s allows ~1 MB/s.
 */
export const HOST_LIMITS: HostLimits = {
  maxBodyBytes: 300 * 1024 * 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 300_000,
  unauthIdleMs: 10_000,
  maxUnauthConnections: 64,
};

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
/** Optional third subprotocol of the event socket: `client.<id>`, the page's client id (api.ts CLIENT_ID_PATTERN). */
export const CLIENT_PROTOCOL_PREFIX = 'client.';
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
  const limits: HostLimits = { ...HOST_LIMITS, ...opts.limits };
  let port = 0;

  const bearerOk = (req: http.IncomingMessage) => timingSafeEqualStrings(String(req.headers.authorization ?? ''), `Bearer ${token}`);
  const hostOk = (req: http.IncomingMessage) => req.headers.host === `127.0.0.1:${port}` || req.headers.host === `localhost:${port}`;
  const originOk = (req: http.IncomingMessage) => {
    const origin = req.headers.origin;
    if (origin === undefined) return true; // not a browser (browsers always send Origin here)
    return origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
  };

  // Connections that haven't shown the token yet: capped in number and closed when idle, so
  // nobody can hold the host's sockets open without knowing the token (static files need none,
  // but a page's loads are quick; the socket is marked trusted on its first request with the token).
  const unauth = new Set<Socket>();
  const trust = (socket: Socket) => {
    if (unauth.delete(socket)) socket.setTimeout(0);
  };

  const server = http.createServer(
    { headersTimeout: limits.headersTimeoutMs, requestTimeout: limits.requestTimeoutMs, connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs) },
    (req, res) => {
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
        trust(req.socket);
        if (req.method === 'POST' && url.pathname === '/api/host') return void handleHostCommand(opts.hostCommands, req, res);
        if (req.method !== 'POST' || url.pathname !== '/api/call')
          return send(res, 404, { error: { code: 'unknown-command', message: 'POST /api/call', issues: [] } });
        return void handleCall(opts.service, req, res, limits.maxBodyBytes);
      }
      if (req.method !== 'GET' && req.method !== 'HEAD')
        return send(res, 405, { error: { code: 'invalid-operation', message: 'method not allowed', issues: [] } });
      serveStatic(opts.staticDir, url.pathname, req.method === 'HEAD', hostCsp(port), res);
    },
  );

  // Events over WebSocket, upgraded on the same server (no second port).
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxBodyBytes, // a call on the socket may carry a whole CSV, as a POST body may
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
    // The page's client id as a third subprotocol `client.<id>` (optional): stamped on the events its calls cause.
    const clientProtocol = offered.find((p) => p.startsWith(CLIENT_PROTOCOL_PREFIX));
    const clientId = clientProtocol ? clientProtocol.slice(CLIENT_PROTOCOL_PREFIX.length) : null;
    if (clientId !== null && !CLIENT_ID_PATTERN.test(clientId)) return refuseUpgrade(socket, 400, 'malformed client id');
    trust(socket as Socket);
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('error', () => ws.terminate());
      ws.on('message', (data, isBinary) => void handleSocketCall(opts.service, ws, data, isBinary, clientId));
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

  server.on('connection', (socket: Socket) => {
    if (unauth.size >= limits.maxUnauthConnections) return void socket.destroy();
    unauth.add(socket);
    socket.setTimeout(limits.unauthIdleMs, () => {
      if (unauth.has(socket)) socket.destroy();
    });
    socket.once('close', () => unauth.delete(socket));
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
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(message)}\r\n\r\n${message}`,
  );
  socket.destroy();
}

/** Runs a page's encoded call in the service's thread when it has one, else here. */
function callEncoded(service: HostService, bytes: Buffer, opts: DecodeOptions): Promise<CallOutcome> {
  const run = service.callEncoded ? service.callEncoded(bytes, opts) : runEncodedCall((n, a, o) => service.call(n, a, o), bytes, opts);
  // A project thread that has stopped (or is closing) rejects: an error answer, never an unhandled rejection.
  return run.catch((err: unknown): CallOutcome => ({ kind: 'error', id: null, error: toWireError(err) }));
}

async function handleCall(service: HostService, req: http.IncomingMessage, res: http.ServerResponse, maxBody: number): Promise<void> {
  // The page's client id (optional header): stamped on the events the call causes, so that page skips its own echoes.
  const header = req.headers[CLIENT_ID_HEADER];
  const clientId = typeof header === 'string' ? header : null;
  if (header !== undefined && (clientId === null || !CLIENT_ID_PATTERN.test(clientId))) {
    return send(res, 400, {
      error: {
        code: 'invalid-arguments',
        message: `${CLIENT_ID_HEADER}: expected 8-64 letters, digits, "_" or "-"`,
        issues: [{ field: CLIENT_ID_HEADER, message: 'malformed client id' }],
      },
    });
  }
  let body: Buffer | null;
  try {
    body = await readBody(req, maxBody);
  } catch (e) {
    return send(res, 400, { error: { code: 'invalid-arguments', message: `request body: ${(e as Error).message}`, issues: [] } });
  }
  if (body === null) return sendTooLarge(req, res, maxBody);
  const outcome = await callEncoded(service, body, { needId: false, what: 'request body', clientId });
  if (outcome.kind === 'malformed') return send(res, 400, { error: { code: 'invalid-arguments', message: outcome.message, issues: [] } });
  if (outcome.kind === 'result') return sendJsonText(res, 200, `{"result":${outcome.json}}`);
  const error = outcome.error;
  send(res, httpStatusOf(error.code), { error });
}

/** `POST /api/host {command, args}` → `{ result }` or `{ error }`, like /api/call. */
async function handleHostCommand(run: HostOptions['hostCommands'], req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  let body: Buffer | null;
  try {
    body = await readBody(req, HOST_COMMAND_MAX_BYTES);
  } catch (e) {
    return send(res, 400, { error: { code: 'invalid-arguments', message: `request body: ${(e as Error).message}`, issues: [] } });
  }
  if (body === null) return sendTooLarge(req, res, HOST_COMMAND_MAX_BYTES);
  let msg: { command?: unknown; args?: unknown };
  try {
    msg = JSON.parse(body.toString('utf8')) as typeof msg;
  } catch {
    return send(res, 400, { error: { code: 'invalid-arguments', message: 'request body: expected JSON {command, args}', issues: [] } });
  }
  if (!msg || typeof msg !== 'object' || typeof msg.command !== 'string')
    return send(res, 400, { error: { code: 'invalid-arguments', message: 'request body: expected JSON {command, args}', issues: [] } });
  if (!run) return send(res, 404, { error: { code: 'unknown-command', message: `${msg.command.slice(0, 80)}: this host has no host commands`, issues: [] } });
  try {
    send(res, 200, { result: (await run(msg.command, msg.args ?? {})) ?? null });
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
async function handleSocketCall(service: HostService, ws: WebSocket, data: WebSocket.RawData, isBinary: boolean, clientId: string | null): Promise<void> {
  const reply = (body: { id: number | null } & ({ result: unknown } | { error: WireError })) => {
    if (ws.readyState !== WebSocket.OPEN) return;
    if (ws.bufferedAmount > MAX_SOCKET_BUFFER) return void ws.terminate();
    ws.send(JSON.stringify(body));
  };
  const malformed = (message: string) => reply({ id: null, error: { code: 'invalid-arguments', message, issues: [] } });
  if (isBinary) return malformed('calls are JSON text messages');
  const outcome = await callEncoded(service, rawBytes(data), { needId: true, what: 'call message', clientId });
  if (outcome.kind === 'malformed') return malformed(outcome.message);
  if (outcome.kind === 'error') return reply({ id: outcome.id, error: outcome.error });
  if (ws.readyState !== WebSocket.OPEN) return;
  if (ws.bufferedAmount > MAX_SOCKET_BUFFER) return void ws.terminate();
  ws.send(`{"id":${outcome.id},"result":${outcome.json}}`);
}

function rawBytes(data: WebSocket.RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** The body, or null as soon as it is known to be larger than `max` (Content-Length or bytes read). */
function readBody(req: http.IncomingMessage, max: number): Promise<Buffer | null> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size <= max) return void chunks.push(c);
      req.off('data', onData);
      chunks.length = 0;
      resolve(null);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** How long the rest of a too-large body is read (and dropped) so the client sees the 413 rather than a reset. */
const DRAIN_MS = 5_000;

/**
 * 413 as JSON. Closing at once would reset a client still sending, which then never reads the
 * answer: the rest of the body is read and dropped (for at most DRAIN_MS), then the connection closes.
 */
function sendTooLarge(req: http.IncomingMessage, res: http.ServerResponse, max: number): void {
  res.shouldKeepAlive = false;
  send(res, 413, {
    error: { code: 'invalid-arguments', message: `request body larger than ${max} bytes (the host's limit; CANDLEMARK_MAX_BODY_BYTES raises it)`, issues: [] },
  });
  const timer = setTimeout(() => req.socket.destroy(), DRAIN_MS);
  timer.unref();
  req.on('end', () => clearTimeout(timer));
  req.resume();
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  sendJsonText(res, status, JSON.stringify(body));
}

function sendJsonText(res: http.ServerResponse, status: number, text: string): void {
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
