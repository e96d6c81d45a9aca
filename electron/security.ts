/**
 * Navigation, new-window, webview and permission guards for every web contents and the session.
 * Only Electron *types* are imported, so the policy functions are unit-tested without Electron.
 */
import type { Session, WebContents } from 'electron';
import { isAppUrl } from './ipc.ts';

/**
 * The app's only outbound link: the credit to TradingView, whose charting library draws the
 * candles (its licence asks for attribution; Home and the help overlay link to it). Nothing the
 * renderer says can open any other page: the URL handed to the browser is a constant, not the
 * renderer's string.
 */
export function isTradingViewCredit(url: unknown): boolean {
  if (typeof url !== 'string' || url.length > 2048) return false;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && u.hostname === 'www.tradingview.com' && u.port === '' && u.username === '' && u.password === '' && u.pathname === '/';
  } catch {
    return false;
  }
}

/** In-window navigation is allowed only within the app (e.g. a reload); everything else is denied. */
export function isAllowedNavigation(url: unknown): boolean {
  return isAppUrl(url);
}

/** Schemes the app's session never fetches: the renderer has no network (it talks over IPC). */
const BLOCKED_REQUEST_SCHEMES = new Set(['http:', 'https:', 'ws:', 'wss:', 'ftp:', 'file:']);
export function isBlockedRequest(url: string): boolean {
  try {
    return BLOCKED_REQUEST_SCHEMES.has(new URL(url).protocol);
  } catch {
    return true;
  }
}

export interface GuardDeps {
  /** Electron's shell; openExternal is only ever called with the constant TradingView address. */
  shell: { openExternal(url: string): Promise<void> };
  log?(message: string): void;
}

/**
 * Applied to every web contents (app 'web-contents-created'): no navigation away from the app,
 * no new windows (the TradingView credit opens in the user's browser instead), no webviews.
 */
export function guardWebContents(contents: WebContents, deps: GuardDeps): void {
  const log = deps.log ?? (() => undefined);
  contents.on('will-navigate', (event, url) => {
    if (!isAllowedNavigation(url)) {
      event.preventDefault();
      log(`blocked navigation to ${url.slice(0, 200)}`);
    }
  });
  contents.on('will-frame-navigate', (event) => {
    if (!isAllowedNavigation(event.url)) {
      event.preventDefault();
      log(`blocked frame navigation to ${event.url.slice(0, 200)}`);
    }
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAllowedNavigation(url)) event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    if (isTradingViewCredit(url)) {
      // A literal, so no renderer-supplied string ever reaches the OS URL handler.
      deps.shell.openExternal('https://www.tradingview.com/').catch((err: unknown) => log(`could not open TradingView: ${String(err)}`));
    } else {
      log(`blocked a new window for ${String(url).slice(0, 200)}`);
    }
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log('blocked a <webview>');
  });
}

/** Deny every permission (camera, notifications, clipboard-read, ...) and every network request. */
export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.webRequest.onBeforeRequest((details, callback) => callback({ cancel: isBlockedRequest(details.url) }));
}
