/**
 * electron/app.ts run against a recording fake of the Electron module (the binary can't run here):
 * the start-up order, the IPC bridge end to end, events to the window, the protocol, the menu's
 * undo, switching projects, remembered settings; and the development fallback, where better-sqlite3
 * can't load in Electron and projects are served by a Node child process (service-proxy.ts). The
 * real binary is covered by app.spec.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { CHILD_STORE_HINT, startApp } from '../../electron/app.ts';
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

/**
 * Puts the environment back in place: assigning a new object to process.env would detach it from the
 * real environment, and os.homedir() (the default demo file's folder) reads the real HOME.
 */
function restoreEnv(env: NodeJS.ProcessEnv): void {
  for (const k of Object.keys(process.env)) if (!(k in env)) delete process.env[k];
  Object.assign(process.env, env);
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
    restoreEnv(env);
  });

  it('starts, bridges IPC, forwards events, undoes from the menu and switches projects', async () => {
    process.env.CANDLEMARK_USER_DATA = path.join(work, 'user-data');
    // The built-in demo file (~/.candlemark/demo.candlemark) is the one a first start fills with demo data.
    process.env.HOME = work;
    delete process.env.CANDLEMARK_PROJECT;
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
    expect(info.result.path).toBe(path.join(work, '.candlemark', 'demo.candlemark'));
    expect(info.result.counts.windows).toBeGreaterThan(0);
    expect((await handler({ ...ev, sender: { id: 999 } }, { command: 'project.info' })).error.code).toBe('invalid-operation');

    const [w] = (await handler(ev, { command: 'windows.list', args: {} })).result;
    const { time } = (await handler(ev, { command: 'bars.read', args: { seriesId: w.seriesId, from: w.startIndex, count: w.length } })).result;
    const count = async () => (await handler(ev, { command: 'labels.list', args: { windowId: w.id } })).result.length;
    const n0 = await count();
    // The window's client id rides in the IPC payload and comes back on the events the call caused (issue #10, point 9).
    expect('result' in (await handler(ev, { command: 'labels.add', args: { windowId: w.id, startTime: time[2], endTime: time[8], type: 'up' }, clientId: 'page-window001' }))).toBe(true);
    expect(await count()).toBe(n0 + 1);
    expect(win.sent).toContainEqual(['candlemark:event', 'labels.changed', { windowIds: expect.arrayContaining([w.id]), clientId: 'page-window001', seq: expect.any(Number) }]);
    expect((await handler(ev, { command: 'project.info', args: {}, clientId: 'bad id' })).error.code).toBe('invalid-arguments');

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
    expect(settings.recent).toEqual([other, path.join(work, '.candlemark', 'demo.candlemark')]);

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

  it("the renderer's project menu runs the File menu's actions over IPC: dialogs for New/Open, Recent only by a listed path", async () => {
    const fresh = tempDir();
    process.env.CANDLEMARK_USER_DATA = path.join(fresh, 'user-data');
    process.env.HOME = fresh;
    delete process.env.CANDLEMARK_PROJECT;
    const demoFile = path.join(fresh, '.candlemark', 'demo.candlemark');
    const second = path.join(fresh, 'second.candlemark');
    CandlemarkService.open(second, { create: true }).close();
    let next: string | null = null;
    const f = fakeElectron(fresh, () => next);
    startApp(f.electron as unknown as typeof import('electron'));
    f.ready();
    await until(() => f.windows.length === 1);
    const win = f.windows[0];
    const handler = f.ipc.get('candlemark:call')!;
    const ev = { sender: { id: win.webContents.id }, senderFrame: { url: `${APP_ORIGIN}/index.html`, parent: null } };
    const info = async () => (await handler(ev, { command: 'project.info', args: {} })).result.path;

    const listed = (await handler(ev, { command: 'host.projects', args: {} })).result;
    expect(listed.current.path).toBe(demoFile);
    expect(listed.recent.map((p: { path: string }) => p.path)).toEqual([demoFile]);
    // Not from another web contents; never a path outside the recent list.
    expect((await handler({ ...ev, sender: { id: 999 } }, { command: 'host.projects', args: {} })).error.code).toBe('invalid-operation');
    expect((await handler(ev, { command: 'host.openProject', args: { path: '/etc/passwd' } })).error.code).toBe('forbidden');
    expect((await handler(ev, { command: 'host.openProject', args: { path: second } })).error.code).toBe('forbidden');
    expect(await info()).toBe(demoFile);

    // Open… shows the dialog (the fake answers `second`); the window reloads on the new project.
    next = second;
    expect((await handler(ev, { command: 'host.openProject', args: {} })).result.dialogs).toBe(true);
    await until(() => win.reloads === 1);
    expect(await info()).toBe(second);
    // The demo file is in Recent now: opened by its path.
    await handler(ev, { command: 'host.openProject', args: { path: demoFile } });
    await until(() => win.reloads === 2);
    expect(await info()).toBe(demoFile);
    f.appHandlers.get('will-quit')!();
  });

  it('a first start on a new project named by CANDLEMARK_PROJECT opens it empty (the demo is a choice on Home)', async () => {
    const fresh = tempDir();
    process.env.CANDLEMARK_USER_DATA = path.join(fresh, 'user-data');
    process.env.HOME = fresh;
    process.env.CANDLEMARK_PROJECT = path.join(fresh, 'new.candlemark');
    const f = fakeElectron(fresh, () => null);
    startApp(f.electron as unknown as typeof import('electron'));
    f.ready();
    await until(() => f.windows.length === 1);
    const win = f.windows[0];
    const ev = { sender: { id: win.webContents.id }, senderFrame: { url: `${APP_ORIGIN}/index.html`, parent: null } };
    const info = (await f.ipc.get('candlemark:call')!(ev, { command: 'project.info', args: {} })).result;
    expect(info.path).toBe(path.join(fresh, 'new.candlemark'));
    expect(info.series).toEqual([]);
    expect(info.counts.windows).toBe(0);
    expect(fs.existsSync(path.join(fresh, '.candlemark', 'demo.candlemark'))).toBe(false);
    f.appHandlers.get('will-quit')!();
  });
});

/** What better-sqlite3 throws when its native module was built for Node and is loaded by Electron. */
function abiError(): Error {
  const err = new Error(
    "The module '/repo/node_modules/better-sqlite3/build/Release/better_sqlite3.node'\n" +
      'was compiled against a different Node.js version using\nNODE_MODULE_VERSION 115. This version of Node.js requires\n' +
      'NODE_MODULE_VERSION 130. Please try re-compiling or re-installing\nthe module (for instance, using `npm rebuild` or `npm install`).',
  );
  (err as Error & { code: string }).code = 'ERR_DLOPEN_FAILED';
  return err;
}

const gone = (pid: number) => {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
};

describe('Electron main process when better-sqlite3 is built for Node (fake Electron)', () => {
  const work = tempDir();
  const env = { ...process.env };
  afterEach(() => {
    vi.restoreAllMocks();
    restoreEnv(env);
  });

  it('serves the project from a Node child process: IPC, events, menu, switching, quit', async () => {
    const other = path.join(work, 'other.candlemark');
    CandlemarkService.open(other, { create: true }).close();
    process.env.CANDLEMARK_USER_DATA = path.join(work, 'user-data');
    // The built-in demo file (~/.candlemark/demo.candlemark) is the one a first start fills with demo data.
    process.env.HOME = work;
    delete process.env.CANDLEMARK_PROJECT;
    process.env.CANDLEMARK_NODE = process.execPath; // as bin/start.js sets it
    const logged: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void logged.push(a.map(String).join(' ')));
    const inProcess = vi.spyOn(CandlemarkService, 'open').mockImplementation(() => {
      throw abiError();
    });
    let openNext: string | null = null;
    const f = fakeElectron(work, () => openNext);
    startApp(f.electron as unknown as typeof import('electron'));
    f.ready();
    await until(() => f.windows.length === 1);
    const win = f.windows[0];

    // The in-process open was tried once; then the child took over, with the hint in the log and no dialog.
    expect(inProcess).toHaveBeenCalledTimes(1);
    expect(f.log.filter((l) => l.startsWith('ERROR'))).toEqual([]);
    expect(logged.some((l) => l.includes(CHILD_STORE_HINT) && l.includes('NODE_MODULE_VERSION 115'))).toBe(true);
    const childPid = (file: string) => {
      const line = logged.find((l) => l.includes(`[stdio-host] project ${file} (pid `));
      return line ? Number(/\(pid (\d+)\)/.exec(line)![1]) : null;
    };
    const demoPid = childPid(path.join(work, '.candlemark', 'demo.candlemark'));
    expect(demoPid).not.toBeNull();
    expect(demoPid).not.toBe(process.pid);

    // IPC end to end: renderer → ipc.ts → proxy → child → real SQLite, and events back to the window.
    const handler = f.ipc.get('candlemark:call')!;
    const ev = { sender: { id: win.webContents.id }, senderFrame: { url: `${APP_ORIGIN}/index.html`, parent: null } };
    const info = await handler(ev, { command: 'project.info', args: {} });
    expect(info.result.path).toBe(path.join(work, '.candlemark', 'demo.candlemark'));
    expect(info.result.counts.windows).toBeGreaterThan(0); // the default project got its demo data through the child
    const [w] = (await handler(ev, { command: 'windows.list', args: {} })).result;
    const { time } = (await handler(ev, { command: 'bars.read', args: { seriesId: w.seriesId, from: w.startIndex, count: w.length } })).result;
    const added = await handler(ev, { command: 'labels.add', args: { windowId: w.id, startTime: time[2], endTime: time[8], type: 'up' }, clientId: 'page-window002' });
    expect(added.result.windowId).toBe(w.id);
    await until(() => win.sent.some((s) => s[1] === 'labels.changed'));
    // Through the Node child too: the proxy passes the client id on, the child stamps it.
    expect(win.sent).toContainEqual(['candlemark:event', 'labels.changed', { windowIds: expect.arrayContaining([w.id]), clientId: 'page-window002', seq: expect.any(Number) }]);
    // Errors come back as the same WireError the in-process service gives.
    const bad = await handler(ev, { command: 'labels.add', args: { windowId: w.id, type: 'up' } });
    expect(bad.error).toMatchObject({ code: 'invalid-arguments', message: 'labels.add: invalid arguments', issues: expect.arrayContaining([expect.objectContaining({ field: 'startTime' })]) });
    expect((await handler(ev, { command: 'nope', args: {} })).error).toEqual({ code: 'unknown-command', message: 'unknown command "nope"', issues: [] });

    // File ▸ Open Project… goes to a new child (no second in-process attempt); the old child exits.
    const find = (items: MenuItemConstructorOptions[], id: string): MenuItemConstructorOptions | undefined => {
      for (const i of items) {
        if (i.id === id) return i;
        const sub = Array.isArray(i.submenu) ? find(i.submenu, id) : undefined;
        if (sub) return sub;
      }
      return undefined;
    };
    openNext = other;
    (find(f.menu(), 'open-project')!.click as unknown as () => void)();
    await until(() => win.reloads === 1);
    expect(inProcess).toHaveBeenCalledTimes(1);
    expect((await handler(ev, { command: 'project.info', args: {} })).result.path).toBe(other);
    await until(() => gone(demoPid!));
    const otherPid = childPid(other)!;
    expect(gone(otherPid)).toBe(false);

    // A file that is not a project: the child says so, and the current project stays open.
    const bogus = path.join(work, 'bogus.candlemark');
    fs.writeFileSync(bogus, 'not a database');
    openNext = bogus;
    (find(f.menu(), 'open-project')!.click as unknown as () => void)();
    await until(() => f.log.some((l) => l.startsWith('ERROR Could not open bogus.candlemark') && l.includes('not a Candlemark project')));
    expect((await handler(ev, { command: 'project.info', args: {} })).result.path).toBe(other);

    // Quitting closes the child cleanly; the label made through it is on disk.
    f.appHandlers.get('will-quit')!();
    expect((await handler(ev, { command: 'project.info' })).error.code).toBe('no-project');
    await until(() => gone(otherPid));
    inProcess.mockRestore();
    const demo = CandlemarkService.open(path.join(work, '.candlemark', 'demo.candlemark'));
    expect(demo.store.listLabels().some((l) => l.id === added.result.id)).toBe(true);
    demo.close();
  });

  it('shows an error and detaches when the child dies on its own', async () => {
    const work2 = tempDir();
    process.env.CANDLEMARK_USER_DATA = path.join(work2, 'user-data');
    process.env.HOME = work2;
    delete process.env.CANDLEMARK_PROJECT;
    process.env.CANDLEMARK_NODE = process.execPath;
    const logged: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void logged.push(a.map(String).join(' ')));
    vi.spyOn(CandlemarkService, 'open').mockImplementation(() => {
      throw abiError();
    });
    const f = fakeElectron(work2, () => null);
    startApp(f.electron as unknown as typeof import('electron'));
    f.ready();
    await until(() => f.windows.length === 1);
    const line = logged.find((l) => l.includes('[stdio-host] project '))!;
    const pid = Number(/\(pid (\d+)\)/.exec(line)![1]);
    process.kill(pid, 'SIGKILL');
    await until(() => f.log.some((l) => l.startsWith('ERROR The project store stopped') && l.includes('SIGKILL')));
    const handler = f.ipc.get('candlemark:call')!;
    const ev = { sender: { id: f.windows[0].webContents.id }, senderFrame: { url: `${APP_ORIGIN}/index.html`, parent: null } };
    expect((await handler(ev, { command: 'project.info' })).error.code).toBe('no-project');
    f.appHandlers.get('will-quit')!();
  });
});
