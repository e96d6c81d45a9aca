/**
 * The `app://candlemark/` protocol: serves the built renderer (or the fallback page) to the window
 * from a folder, never from the network, with the window's CSP on every response. Pure (uses only
 * the Fetch API's Request/Response), so it is unit-tested without Electron.
 *
 * Chromium's webRequest header hooks do not run for custom protocols, so the CSP is set here, on
 * each response, not in session.webRequest.onHeadersReceived.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { APP_HOST, APP_SCHEME } from './ipc.ts';
import { MIME_TYPES as MIME } from '../core/shared/mime.ts';

/** The scheme's privileges (protocol.registerSchemesAsPrivileged, before app ready). */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  // standard: origin-based security and relative URLs; secure: treated like https;
  // supportFetchAPI + corsEnabled: module scripts (Vite's output) load from it.
  privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, bypassCSP: false, allowServiceWorkers: false, stream: false },
};

/** Response headers of every app:// response. */
export function appHeaders(contentType: string): Record<string, string> {
  const headers: Record<string, string> = {
    'Content-Type': contentType,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-cache',
    'Cross-Origin-Opener-Policy': 'same-origin',
  };
  // The renderer talks to the app over IPC only: no network sources, no inline or eval'd script.
  // Written as one literal so electronegativity's CSP check evaluates the real policy.
  headers['Content-Security-Policy'] =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
  return headers;
}

export const APP_CSP = appHeaders('text/html')['Content-Security-Policy'];

function text(status: number, body: string): Response {
  return new Response(body, { status, headers: appHeaders('text/plain; charset=utf-8') });
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}

/** Maps an app:// URL to a file under `root`: null when it is outside (or not an app URL). */
export function resolveAppPath(root: string, requestUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return null;
  let rel: string;
  try {
    rel = decodeURIComponent(url.pathname === '/' || url.pathname === '' ? '/index.html' : url.pathname);
  } catch {
    return null;
  }
  if (rel.includes('\0')) return null;
  const base = path.resolve(root);
  const file = path.resolve(base, '.' + rel);
  return file.startsWith(base + path.sep) ? file : null;
}

/** The protocol handler's body: `protocol.handle('app', (req) => serveAppRequest(root, req.url, req.method))`. */
export async function serveAppRequest(root: string, requestUrl: string, method = 'GET'): Promise<Response> {
  try {
    if (method !== 'GET' && method !== 'HEAD') return text(405, 'method not allowed');
    let file = resolveAppPath(root, requestUrl);
    if (!file) return text(404, 'not found');
    if (!(await isFile(file))) {
      // A client-side route (no extension) gets the app; a missing asset stays a 404.
      if (path.extname(file) !== '') return text(404, 'not found');
      file = path.join(path.resolve(root), 'index.html');
      if (!(await isFile(file))) return text(404, 'not found');
    }
    const headers = appHeaders(MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream');
    if (method === 'HEAD') return new Response(null, { status: 200, headers });
    return new Response(new Uint8Array(await fs.readFile(file)), { status: 200, headers });
  } catch (err) {
    return text(500, `could not read the file: ${(err as Error).message}`);
  }
}
