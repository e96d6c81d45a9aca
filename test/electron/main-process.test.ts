/**
 * electron/app.ts run against a recording fake of the Electron module (the binary can't run here):
 * the start-up order, the IPC bridge end to end, events to the window, the protocol, the menu's
 * undo, switching projects, remembered settings. The real binary is covered by app.spec.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { startApp } from '../../electron/app.ts';
import { APP_ORIGIN } from '../../electron/ipc.ts';
import { CandlemarkService } from '../../core/service/service.ts';
import { tempDir } from '../helpers/paths.ts';

type Fn = (...a: any[]) => any; // eslint-disable-line @typescript-eslint/no-explicit-any

function fakeElectron(work: string, nextOpenPath: () => string | null) {
  const log: string[] = [];
  const appHandlers = new Map<string, Fn>();
  const ipc = new Map<string, Fn>();
  const protocols = new Map<string, Fn>();
  const windows: FakeWindow[] = [];
  let menu: MenuItemConstructorOptions[] = [];
  let readyResolve!: () => void;
  const ready = new Promise<void>((r) => (readyResolve = r));
  class FakeWindow {
    static nextId = 1;
    sent: unknown[][] = [];
    reloads = 0;
    title = '';
    loaded: string | null = null;
    webContents = {
      id: FakeWindow.nextId++,
      on: () => undefined,
      send: (...a: unknown[]) => this.sent.push(a),
      reload: () => this.reloads++,
    };
    constructor(readonly options: { webPreferences: Record<string, unknown> }) {
      windows.push(this);
      log.push('new BrowserWindow');
    }
    once() {}
    on() {}
    setTitle(t: string) {
      this.title = t;
    }
    loadURL(u: string) {
      this.loaded = u;
      return Promise.resolve();
    }
    isDestroyed() {
      return false;
    }
    maximize() {}
    isMaximized() {
      return false;
    }
    getNormalBounds() {
      return { x: 1, y: 2, width: 1000, height: 700 };
    }
    focus() {}
  }
  const electron = {
    app: {
      isPackaged: false,
      name: 'Candlemark',
      setPath: (k: string, v: string) => log.push(`setPath ${k} ${v}`),
      getPath: (k: string) => (k === 'userData' ? path.join(work, 'user-data') : work),
      enableSandbox: () => log.push('enableSandbox'),
      requestSingleInstanceLock: () => (log.push('lock'), true),
      on: (name: string, fn: Fn) => appHandlers.set(name, fn),
      whenReady: () => (log.push('whenReady'), ready),
      addRecentDocument: () => undefined,
      clearRecentDocuments: () => undefined,
      quit: () => log.push('quit'),
      exit: () => log.push('exit'),
    },
    protocol: {
      registerSchemesAsPrivileged: (s: unknown) => log.push(`registerSchemes ${JSON.stringify(s)}`),
      handle: (scheme: string, fn: Fn) => protocols.set(scheme, fn),
    },
    BrowserWindow: FakeWindow,
    ipcMain: { handle: (ch: string, fn: Fn) => ipc.set(ch, fn) },
    Menu: { buildFromTemplate: (t: MenuItemConstructorOptions[]) => t, setApplicationMenu: (t: MenuItemConstructorOptions[]) => (menu = t) },
    dialog: {
      showErrorBox: (t: string, d: string) => log.push(`ERROR ${t}: ${d}`),
      showMessageBox: async (_w: unknown, o: { message: string; detail: string }) => (log.push(`ERROR ${o.message}: ${o.detail}`), { response: 0 }),
      showOpenDialog: async () => {
        const p = nextOpenPath();
        return { canceled: !p, filePaths: p ? [p] : [] };
      },
      showSaveDialog: async () => ({ canceled: true }),
    },
    shell: { openExternal: async () => undefined },
    nativeTheme: { shouldUseDarkColors: false, themeSource: 'system' },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
    session: {
      defaultSession: {
        setPermissionRequestHandler: () => undefined,
        setPermissionCheckHandler: () => undefined,
        setDevicePermissionHandler: () => undefined,
        webRequest: { onBeforeRequest: () => undefined },
      },
    },
  };
  return { electron, log, appHandlers, ipc, protocols, windows, menu: () => menu, ready: readyResolve };
}

const until = async (cond: () => boolean, ms = 20_000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('Electron main process (fake Electron)', () => {
  const work = tempDir();
  const other = path.join(work, 'other.candlemark');
  let openNext: string | null = null;
  const env = { ...process.env };
  afterAll(() => {
    process.env = env;
  });

  it('starts, bridges IPC, forwards events, undoes from the menu and switches projects', async () => {
    process.env.CANDLEMARK_USER_DATA = path.join(work, 'user-data');
    process.env.CANDLEMARK_PROJECT = path.join(work, 'demo.candlemark');
    CandlemarkService.open(other, { create: true }).close();
    const f = fakeElectron(work, () => openNext);
    startApp(f.electron as unknown as typeof import('electron'));

    // Before ready: sandbox, privileged scheme, single-instance lock; nothing else yet.
    expect(f.log.slice(0, 4)).toEqual([`setPath userData ${path.join(work, 'user-data')}`, 'enableSandbox', expect.stringMatching(/^registerSchemes .*"scheme":"app".*"standard":true/), 'lock']);
    expect(f.windows).toHaveLength(0);
    for (const e of ['web-contents-created', 'second-instance', 'window-all-closed']) expect(f.appHandlers.has(e), e).toBe(true);

    f.ready();
    await until(() => f.windows.length === 1);
    const win = f.windows[0];
    expect(win.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
    expect(fs.existsSync(win.options.webPreferences.preload as string)).toBe(true);
    expect(win.loaded).toBe(`${APP_ORIGIN}/index.html`);
    expect(f.log.filter((l) => l.startsWith('ERROR'))).toEqual([]);

    // The protocol serves the UI with its CSP.
    const res = await f.protocols.get('app')!({ url: `${APP_ORIGIN}/index.html`, method: 'GET' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");

    // IPC from the window works; from anything else it doesn't.
    const handler = f.ipc.get('candlemark:call')!;
    const ev = { sender: { id: win.webContents.id }, senderFrame: { url: `${APP_ORIGIN}/index.html`, parent: null } };
    const info = await handler(ev, { command: 'project.info', args: {} });
    expect(info.result.path).toBe(path.join(work, 'demo.candlemark'));
    expect(info.result.counts.windows).toBeGreaterThan(0);
    expect((await handler({ ...ev, sender: { id: 999 } }, { command: 'project.info' })).error.code).toBe('invalid-operation');

    const [w] = (await handler(ev, { command: 'windows.list', args: {} })).result;
    const { time } = (await handler(ev, { command: 'bars.read', args: { seriesId: w.seriesId, from: w.startIndex, count: w.length } })).result;
    const count = async () => (await handler(ev, { command: 'labels.list', args: { windowId: w.id } })).result.length;
    const n0 = await count();
    expect('result' in (await handler(ev, { command: 'labels.add', args: { windowId: w.id, startTime: time[2], endTime: time[8], type: 'up' } }))).toBe(true);
    expect(await count()).toBe(n0 + 1);
    expect(win.sent).toContainEqual(['candlemark:event', 'labels.changed', { windowIds: expect.arrayContaining([w.id]) }]);

    // Edit ▸ Undo calls labels.undo.
    const find = (items: MenuItemConstructorOptions[], id: string): MenuItemConstructorOptions | undefined => {
      for (const i of items) {
        if (i.id === id) return i;
        const sub = Array.isArray(i.submenu) ? find(i.submenu, id) : undefined;
        if (sub) return sub;
      }
      return undefined;
    };
    (find(f.menu(), 'undo')!.click as unknown as () => void)();
    await until(() => win.sent.filter((s) => s[1] === 'labels.changed').length >= 2);
    expect(await count()).toBe(n0);

    // File ▸ Open Project…: the new project is served, the window reloads, recent projects remembered.
    openNext = other;
    (find(f.menu(), 'open-project')!.click as unknown as () => void)();
    await until(() => win.reloads === 1);
    expect((await handler(ev, { command: 'project.info', args: {} })).result.path).toBe(other);
    expect(win.title).toBe('other.candlemark — Candlemark');
    const settings = JSON.parse(fs.readFileSync(path.join(work, 'user-data', 'settings.json'), 'utf8'));
    expect(settings.recent).toEqual([other, path.join(work, 'demo.candlemark')]);

    // A file that is not a project: an error dialog, and the current project stays open.
    const bogus = path.join(work, 'bogus.candlemark');
    fs.writeFileSync(bogus, 'not a database');
    openNext = bogus;
    (find(f.menu(), 'open-project')!.click as unknown as () => void)();
    await until(() => f.log.some((l) => l.startsWith('ERROR Could not open bogus.candlemark')));
    expect((await handler(ev, { command: 'project.info', args: {} })).result.path).toBe(other);

    f.appHandlers.get('will-quit')!();
    expect((await handler(ev, { command: 'project.info' })).error.code).toBe('no-project');
  });
});
