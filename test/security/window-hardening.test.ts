/**
 * Main-process hardening that can't run here without the Electron binary, checked statically:
 * the BrowserWindow options, the app:// protocol (CSP, no path traversal), navigation and
 * new-window policy, permission and network denial (with recording fakes of Electron objects).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Session, WebContents } from 'electron';
import { createMainWindow, visibleBounds, windowOptions } from '../../electron/window.ts';
import { APP_CSP, resolveAppPath, serveAppRequest } from '../../electron/protocol.ts';
import { guardWebContents, hardenSession, isAllowedNavigation, isBlockedRequest, isTradingViewCredit } from '../../electron/security.ts';
import { REPO_ROOT, tempDir } from '../helpers/paths.ts';

describe('window options', () => {
  const opts = windowOptions({ preload: '/app/electron/preload.cjs' });
  const wp = opts.webPreferences!;

  it('isolates and sandboxes the renderer, with no Node', () => {
    expect(wp.contextIsolation).toBe(true);
    expect(wp.sandbox).toBe(true);
    expect(wp.nodeIntegration).toBe(false);
    expect(wp.nodeIntegrationInWorker).toBe(false);
    expect(wp.nodeIntegrationInSubFrames).toBe(false);
    expect(wp.webSecurity).toBe(true);
    expect(wp.allowRunningInsecureContent).toBe(false);
    expect(wp.experimentalFeatures).toBe(false);
    expect(wp.webviewTag).toBe(false);
    expect(wp.navigateOnDragDrop).toBe(false);
    expect(wp.disableBlinkFeatures).toContain('Auxclick');
    expect(wp.enableBlinkFeatures).toBeUndefined();
    expect(wp.preload).toBe('/app/electron/preload.cjs');
    expect(wp.devTools).toBe(false);
    expect(windowOptions({ preload: 'p', dev: true }).webPreferences!.devTools).toBe(true);
  });

  it('has no option that weakens it, whatever the inputs', () => {
    for (const input of [
      { preload: 'p', dev: true, dark: true, bounds: { x: 1, y: 2, width: 10, height: 10, maximized: true } },
      { preload: 'p', bounds: null },
    ]) {
      const w = windowOptions(input).webPreferences!;
      expect(w).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false });
      const allowed = [
        'preload',
        'contextIsolation',
        'sandbox',
        'nodeIntegration',
        'nodeIntegrationInWorker',
        'nodeIntegrationInSubFrames',
        'webSecurity',
        'allowRunningInsecureContent',
        'experimentalFeatures',
        'webviewTag',
        'navigateOnDragDrop',
        'safeDialogs',
        'spellcheck',
        'disableBlinkFeatures',
        'devTools',
      ];
      expect(Object.keys(w).filter((k) => !allowed.includes(k))).toEqual([]);
    }
  });

  it('creates the window with exactly those options', () => {
    const seen: unknown[] = [];
    createMainWindow(
      class {
        constructor(o: unknown) {
          seen.push(o);
        }
      },
      { preload: 'p' },
    );
    expect(seen).toEqual([windowOptions({ preload: 'p' })]);
  });

  it('forgets bounds that are off every display', () => {
    const screen = [{ x: 0, y: 0, width: 1920, height: 1080 }];
    expect(visibleBounds({ x: 100, y: 100, width: 800, height: 600 }, screen)).toEqual({ x: 100, y: 100, width: 800, height: 600 });
    expect(visibleBounds({ x: 5000, y: 100, width: 800, height: 600, maximized: false }, screen)).toEqual({ width: 800, height: 600, maximized: false });
    expect(visibleBounds(null, screen)).toBeNull();
  });
});

describe('app:// protocol', () => {
  const root = tempDir();
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>t</title>');
  fs.mkdirSync(path.join(root, 'assets'));
  fs.writeFileSync(path.join(root, 'assets', 'a.js'), 'console.log(1)');
  fs.writeFileSync(path.join(path.dirname(root), `${path.basename(root)}-secret.txt`), 'secret');

  it('serves files with a strict CSP and the right types', async () => {
    const res = await serveAppRequest(root, 'app://candlemark/index.html');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toBe(APP_CSP);
    for (const d of ["default-src 'none'", "script-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "connect-src 'self'"])
      expect(csp).toContain(d);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
    expect(await (await serveAppRequest(root, 'app://candlemark/assets/a.js')).text()).toBe('console.log(1)');
    expect((await serveAppRequest(root, 'app://candlemark/')).status).toBe(200);
    expect((await serveAppRequest(root, 'app://candlemark/some/route')).status).toBe(200); // client route → index.html
  });

  it('never leaves its folder, and serves only its own host and GET/HEAD', async () => {
    const outside = [
      'app://candlemark/../package.json',
      'app://candlemark/%2e%2e/%2e%2e/package.json',
      `app://candlemark/..%2f${path.basename(root)}-secret.txt`,
      'app://candlemark/%2e%2e%5csecret.txt',
      'app://candlemark/assets/%00.js',
      'app://candlemark/missing.js',
      'app://other/index.html',
      'https://candlemark/index.html',
      'app://candlemark/%E0%A4%A',
    ];
    for (const u of outside) {
      const res = await serveAppRequest(root, u);
      expect(res.status, u).toBe(404);
      expect(await res.text()).not.toContain('secret');
    }
    expect(resolveAppPath(root, 'app://candlemark/../../etc/passwd')).toBe(path.join(root, 'etc/passwd')); // URL parsing clamps ".." at the root
    expect((await serveAppRequest(root, 'app://candlemark/index.html', 'POST')).status).toBe(405);
  });

  it('serves the real fallback page', async () => {
    const res = await serveAppRequest(path.join(REPO_ROOT, 'server/static'), 'app://candlemark/app.js');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('window.candlemark');
  });
});

describe('navigation, new windows, webviews, permissions', () => {
  it('allows in-app navigation only, and opens only the TradingView credit externally', () => {
    expect(isAllowedNavigation('app://candlemark/index.html')).toBe(true);
    for (const u of ['https://example.com', 'http://127.0.0.1:1234/', 'file:///etc/passwd', 'app://other/', 'javascript:alert(1)', 'about:blank'])
      expect(isAllowedNavigation(u), u).toBe(false);
    expect(isTradingViewCredit('https://www.tradingview.com/')).toBe(true);
    expect(isTradingViewCredit('https://www.tradingview.com/?utm_medium=lwc-link')).toBe(true);
    for (const u of [
      'https://example.com/',
      'https://www.tradingview.com/chart',
      'https://www.tradingview.com.evil.example/',
      'https://user:pw@www.tradingview.com/',
      'https://www.tradingview.com:444/',
      'http://www.tradingview.com/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://host/share',
      'ms-msdt:/id',
      `https://www.tradingview.com/?${'x'.repeat(3000)}`,
      'https://',
      42,
    ]) {
      expect(isTradingViewCredit(u), String(u)).toBe(false);
    }
  });

  function fakeContents() {
    const handlers = new Map<string, (...a: unknown[]) => void>();
    let openHandler: ((d: { url: string }) => { action: string }) | null = null;
    const contents = {
      on: (name: string, fn: (...a: unknown[]) => void) => handlers.set(name, fn),
      setWindowOpenHandler: (fn: typeof openHandler) => (openHandler = fn),
    };
    return { contents: contents as unknown as WebContents, handlers, open: (url: string) => openHandler!({ url }) };
  }
  const ev = () => {
    const e = { prevented: false, url: '', preventDefault: () => (e.prevented = true) };
    return e;
  };

  it('guards every web contents: navigation, redirects, window.open, webviews', async () => {
    const opened: string[] = [];
    const c = fakeContents();
    guardWebContents(c.contents, { shell: { openExternal: async (u) => void opened.push(u) } });
    expect([...c.handlers.keys()].sort()).toEqual(['will-attach-webview', 'will-frame-navigate', 'will-navigate', 'will-redirect']);

    const away = ev();
    c.handlers.get('will-navigate')!(away, 'https://evil.example/');
    expect(away.prevented).toBe(true);
    const inside = ev();
    c.handlers.get('will-navigate')!(inside, 'app://candlemark/index.html');
    expect(inside.prevented).toBe(false);
    const frameNav = Object.assign(ev(), { url: 'https://evil.example/' });
    c.handlers.get('will-frame-navigate')!(frameNav);
    expect(frameNav.prevented).toBe(true);
    const redirect = ev();
    c.handlers.get('will-redirect')!(redirect, 'http://127.0.0.1:9/');
    expect(redirect.prevented).toBe(true);
    const webview = ev();
    c.handlers.get('will-attach-webview')!(webview, {}, {});
    expect(webview.prevented).toBe(true);

    expect(c.open('https://example.com/docs')).toEqual({ action: 'deny' });
    expect(c.open('file:///etc/passwd')).toEqual({ action: 'deny' });
    expect(c.open('app://candlemark/index.html')).toEqual({ action: 'deny' });
    expect(c.open('https://www.tradingview.com/?utm_source=candlemark#x')).toEqual({ action: 'deny' });
    await new Promise((r) => setTimeout(r, 0));
    // Only the credit opened, and as the constant address, not the renderer's string.
    expect(opened).toEqual(['https://www.tradingview.com/']);
  });

  it('denies every permission and every network request of the session', () => {
    const rec: Record<string, unknown> = {};
    const fake = {
      setPermissionRequestHandler: (fn: unknown) => (rec.request = fn),
      setPermissionCheckHandler: (fn: unknown) => (rec.check = fn),
      setDevicePermissionHandler: (fn: unknown) => (rec.device = fn),
      webRequest: { onBeforeRequest: (fn: unknown) => (rec.before = fn) },
    };
    hardenSession(fake as unknown as Session);
    for (const perm of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen']) {
      let granted: boolean | undefined;
      (rec.request as (w: unknown, p: string, cb: (g: boolean) => void) => void)({}, perm, (g) => (granted = g));
      expect(granted, perm).toBe(false);
      expect((rec.check as (...a: unknown[]) => boolean)({}, perm, 'app://candlemark', {})).toBe(false);
    }
    expect((rec.device as () => boolean)()).toBe(false);
    const decide = (url: string) => {
      let out: unknown;
      (rec.before as (d: { url: string }, cb: (r: unknown) => void) => void)({ url }, (r) => (out = r));
      return out;
    };
    expect(decide('https://example.com/x.js')).toEqual({ cancel: true });
    expect(decide('ws://127.0.0.1:1/')).toEqual({ cancel: true });
    expect(decide('file:///etc/passwd')).toEqual({ cancel: true });
    expect(decide('app://candlemark/index.html')).toEqual({ cancel: false });
    expect(decide('devtools://devtools/bundled/x.html')).toEqual({ cancel: false });
    expect(isBlockedRequest('not a url')).toBe(true);
  });
});
