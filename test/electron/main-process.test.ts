/**
 * electron/app.ts run against a recording fake of the Electron module (the binary can't run here):
 * the start-up order, the IPC bridge end to end, events to the window, the protocol, the menu's
 * undo, switching projects, remembered settings. The project never runs in this (main) process:
 * in development it is a real Node child process (electron/project-process.ts), used end to end
 * here with real SQLite files, killed and restarted; the packaged path (an Electron utilityProcess)
 * is driven through a stand-in for `utilityProcess.fork` that starts the same entry in a Node child
 * with an Electron-style `process.parentPort`. The real binary is covered by app.spec.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { fork } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { startApp } from '../../electron/app.ts';
import { APP_ORIGIN } from '../../electron/ipc.ts';
import { CandlemarkService } from '../../core/service/service.ts';
import { REPO_ROOT, tempDir } from '../helpers/paths.ts';

type Fn = (...a: any[]) => any; // eslint-disable-line @typescript-eslint/no-explicit-any

function fakeElectron(work: string, nextOpenPath: () => string | null, opts: { packaged?: boolean } = {}) {
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
      isPackaged: opts.packaged ?? false,
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
    utilityProcess: { fork: fakeUtilityFork(log) },
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
 * A stand-in for Electron's `utilityProcess.fork` (the binary can't run here): a Node child whose
 * `process.parentPort` behaves like Electron's (messages as `{ data }`), running the module asked
 * for. Only the carrier is faked: the entry, the protocol and the project are the real ones.
 */
function fakeUtilityFork(log: string[]) {
  const shim = path.join(REPO_ROOT, 'test/electron/utility-process-shim.mjs');
  return (modulePath: string, args: string[], options: { serviceName?: string; env?: Record<string, string> }) => {
    log.push(`utilityProcess.fork ${path.relative(REPO_ROOT, modulePath)} (${options.serviceName})`);
    const child = fork(shim, args, {
      serialization: 'advanced',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...(options.env ?? process.env), UTILITY_MODULE: modulePath },
    });
    const up = Object.assign(new EventEmitter(), {
      pid: child.pid,
      stdout: child.stdout,
      stderr: child.stderr,
      postMessage: (m: unknown) => child.send(m as object),
      kill: () => child.kill('SIGKILL'),
    });
    child.on('message', (m) => up.emit('message', m));
    child.on('exit', (code, signal) => up.emit('exit', code ?? (signal ? 1 : 0)));
    return up;
  };
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
    process.env.CANDLEMARK_NODE = process.execPath; // as bin/start.js sets it
    process.env.CANDLEMARK_USER_DATA = path.join(work, 'user-data');
    // The built-in demo file (~/.candlemark/demo.candlemark) is the one a first start fills with demo data.
    process.env.HOME = work;
    delete process.env.CANDLEMARK_PROJECT;
    CandlemarkService.open(other, { create: true }).close();
    const f = fakeElectron(work, () => openNext);
    startApp(f.electron as unknown as typeof import('electron'));

    // Before ready: sandbox, privileged scheme, single-instance lock; nothing else yet.
    expect(f.log.slice(0, 4)).toEqual([
      `setPath userData ${path.join(work, 'user-data')}`,
      'enableSandbox',
      expect.stringMatching(/^registerSchemes .*"scheme":"app".*"standard":true/),
      'lock',
    ]);
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
    expect(
      'result' in
        (await handler(ev, { command: 'labels.add', args: { windowId: w.id, startTime: time[2], endTime: time[8], type: 'up' }, clientId: 'page-window001' })),
    ).toBe(true);
    expect(await count()).toBe(n0 + 1);
    expect(win.sent).toContainEqual([
      'candlemark:event',
      'labels.changed',
      { windowIds: expect.arrayContaining([w.id]), clientId: 'page-window001', seq: expect.any(Number) },
    ]);
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

const gone = (pid: number) => {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
};

const find = (items: MenuItemConstructorOptions[], id: string): MenuItemConstructorOptions | undefined => {
  for (const i of items) {
    if (i.id === id) return i;
    const sub = Array.isArray(i.submenu) ? find(i.submenu, id) : undefined;
    if (sub) return sub;
  }
  return undefined;
};

describe('Electron main process: the project in its own process (fake Electron, real children)', () => {
  const work = tempDir();
  const env = { ...process.env };
  afterEach(() => {
    vi.restoreAllMocks();
    restoreEnv(env);
  });

  /** The pid the project process logged for `file` (project-entry.ts's "serving FILE (pid N)" line). */
  const childPid = (logged: string[], file: string, nth = 0) => {
    const lines = logged.filter((l) => l.includes(`serving ${file} (pid `));
    return lines[nth] ? Number(/\(pid (\d+)\)/.exec(lines[nth])![1]) : null;
  };

  it('development: a Node child serves the project (no SQLite in the main process): IPC, events, menu, switching, quit', async () => {
    const other = path.join(work, 'other.candlemark');
    CandlemarkService.open(other, { create: true }).close();
    process.env.CANDLEMARK_USER_DATA = path.join(work, 'user-data');
    // The built-in demo file (~/.candlemark/demo.candlemark) is the one a first start fills with demo data.
    process.env.HOME = work;
    delete process.env.CANDLEMARK_PROJECT;
    delete process.env.CANDLEMARK_PROJECT_PROCESS;
    process.env.CANDLEMARK_NODE = process.execPath; // as bin/start.js sets it
    const logged: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void logged.push(a.map(String).join(' ')));
    const inProcess = vi.spyOn(CandlemarkService, 'open');
    let openNext: string | null = null;
    const f = fakeElectron(work, () => openNext);
    startApp(f.electron as unknown as typeof import('electron'));
    f.ready();
    await until(() => f.windows.length === 1);
    const win = f.windows[0];

    expect(f.log.filter((l) => l.startsWith('ERROR'))).toEqual([]);
    expect(logged.some((l) => l.includes('projects run in a Node child process'))).toBe(true);
    const demoFile = path.join(work, '.candlemark', 'demo.candlemark');
    const demoPid = childPid(logged, demoFile);
    expect(demoPid).not.toBeNull();
    expect(demoPid).not.toBe(process.pid);

    // IPC end to end: renderer → ipc.ts → project process → real SQLite, and events back to the window.
    const handler = f.ipc.get('candlemark:call')!;
    const ev = { sender: { id: win.webContents.id }, senderFrame: { url: `${APP_ORIGIN}/index.html`, parent: null } };
    const info = await handler(ev, { command: 'project.info', args: {} });
    expect(info.result.path).toBe(demoFile);
    expect(info.result.counts.windows).toBeGreaterThan(0); // the default project got its demo data in the child
    const [w] = (await handler(ev, { command: 'windows.list', args: {} })).result;
    const { time } = (await handler(ev, { command: 'bars.read', args: { seriesId: w.seriesId, from: w.startIndex, count: w.length } })).result;
    const added = await handler(ev, {
      command: 'labels.add',
      args: { windowId: w.id, startTime: time[2], endTime: time[8], type: 'up' },
      clientId: 'page-window002',
    });
    expect(added.result.windowId).toBe(w.id);
    await until(() => win.sent.some((s) => s[1] === 'labels.changed'));
    // Through the Node child too: the proxy passes the client id on, the child stamps it.
    expect(win.sent).toContainEqual([
      'candlemark:event',
      'labels.changed',
      { windowIds: expect.arrayContaining([w.id]), clientId: 'page-window002', seq: expect.any(Number) },
    ]);
    // Errors come back as the same WireError the in-process service gives.
    const bad = await handler(ev, { command: 'labels.add', args: { windowId: w.id, type: 'up' } });
    expect(bad.error).toMatchObject({
      code: 'invalid-arguments',
      message: 'labels.add: invalid arguments',
      issues: expect.arrayContaining([expect.objectContaining({ field: 'startTime' })]),
    });
    expect((await handler(ev, { command: 'nope', args: {} })).error).toEqual({ code: 'unknown-command', message: 'unknown command "nope"', issues: [] });
    // A page never names a server-side path, and can't reach any control of the child.
    expect((await handler(ev, { command: 'labels.export', args: { path: path.join(work, 'x.json') } })).error.code).toBe('forbidden');
    expect((await handler(ev, { command: 'host.open', args: { path: other } })).error.code).toBe('unknown-command');
    expect((await handler(ev, { command: 'project.info', args: {} })).result.path).toBe(demoFile);

    // File ▸ Open Project… goes to a new child; the old child exits.
    openNext = other;
    (find(f.menu(), 'open-project')!.click as unknown as () => void)();
    await until(() => win.reloads === 1);
    expect((await handler(ev, { command: 'project.info', args: {} })).result.path).toBe(other);
    await until(() => gone(demoPid!));
    const otherPid = childPid(logged, other)!;
    expect(gone(otherPid)).toBe(false);

    // A file that is not a project: the child says so, and the current project stays open.
    const bogus = path.join(work, 'bogus.candlemark');
    fs.writeFileSync(bogus, 'not a database');
    openNext = bogus;
    (find(f.menu(), 'open-project')!.click as unknown as () => void)();
    await until(() => f.log.some((l) => l.startsWith('ERROR Could not open bogus.candlemark') && l.includes('not a Candlemark project')));
    expect((await handler(ev, { command: 'project.info', args: {} })).result.path).toBe(other);
    // A file that doesn't exist is not created by Open.
    openNext = path.join(work, 'missing.candlemark');
    (find(f.menu(), 'open-project')!.click as unknown as () => void)();
    await until(() => f.log.some((l) => l.startsWith('ERROR Could not open missing.candlemark')));
    expect(fs.existsSync(path.join(work, 'missing.candlemark'))).toBe(false);

    // Quitting closes the child cleanly; the label made through it is on disk.
    f.appHandlers.get('will-quit')!();
    expect((await handler(ev, { command: 'project.info' })).error.code).toBe('no-project');
    await until(() => gone(otherPid));
    // The main process never opened a project itself.
    expect(inProcess).not.toHaveBeenCalled();
    inProcess.mockRestore();
    const demo = CandlemarkService.open(demoFile);
    expect(demo.store.listLabels().some((l) => l.id === added.result.id)).toBe(true);
    demo.close();
  }, 120_000);

  it('a project process killed from outside: calls in flight get an error, a new one serves the same file, the window reloads', async () => {
    const work2 = tempDir();
    process.env.CANDLEMARK_USER_DATA = path.join(work2, 'user-data');
    process.env.HOME = work2;
    delete process.env.CANDLEMARK_PROJECT;
    delete process.env.CANDLEMARK_PROJECT_PROCESS;
    process.env.CANDLEMARK_NODE = process.execPath;
    const logged: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void logged.push(a.map(String).join(' ')));
    const f = fakeElectron(work2, () => null);
    startApp(f.electron as unknown as typeof import('electron'));
    f.ready();
    await until(() => f.windows.length === 1);
    const file = path.join(work2, '.candlemark', 'demo.candlemark');
    const pid = childPid(logged, file)!;
    const handler = f.ipc.get('candlemark:call')!;
    const win = f.windows[0];
    const ev = { sender: { id: win.webContents.id }, senderFrame: { url: `${APP_ORIGIN}/index.html`, parent: null } };
    // A slow call is in flight when the process dies: it is answered with the reason, not left hanging.
    const rows = ['time,open,high,low,close'];
    for (let i = 0; i < 150_000; i++) rows.push(`${1_500_000_000 + i * 60},1,2,0.5,1.5`);
    const inFlight = handler(ev, { command: 'series.importText', args: { fileName: 'big.csv', text: rows.join('\n'), seriesId: 'big' } });
    await new Promise((r) => setTimeout(r, 150));
    process.kill(pid, 'SIGKILL');
    const answered = await inFlight;
    expect(answered.error).toMatchObject({
      code: 'internal',
      message: expect.stringContaining('the project node child stopped unexpectedly (signal SIGKILL)'),
    });
    // The new child logs "serving" before the host hears it is ready and logs the restart.
    await until(() => logged.some((l) => l.includes('the project was restarted (node child')));
    expect(childPid(logged, file, 1)).not.toBeNull();
    expect(childPid(logged, file, 1)).not.toBe(pid);
    await until(() => win.reloads === 1);
    expect((await handler(ev, { command: 'project.info' })).result.path).toBe(file);
    expect(f.log.filter((l) => l.startsWith('ERROR'))).toEqual([]);
    f.appHandlers.get('will-quit')!();
  }, 120_000);

  it('packaged: the project runs in a utilityProcess (stand-in), same protocol and entry', async () => {
    const work3 = tempDir();
    process.env.CANDLEMARK_USER_DATA = path.join(work3, 'user-data');
    process.env.HOME = work3;
    process.env.CANDLEMARK_PROJECT = path.join(work3, 'packaged.candlemark');
    delete process.env.CANDLEMARK_PROJECT_PROCESS;
    const logged: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void logged.push(a.map(String).join(' ')));
    const f = fakeElectron(work3, () => null, { packaged: true });
    startApp(f.electron as unknown as typeof import('electron'));
    f.ready();
    await until(() => f.windows.length === 1);
    expect(f.log).toContain('utilityProcess.fork hosting/project-bootstrap.mjs (Candlemark project)');
    expect(logged.some((l) => l.includes('projects run in an Electron utility process'))).toBe(true);
    const handler = f.ipc.get('candlemark:call')!;
    const win = f.windows[0];
    const ev = { sender: { id: win.webContents.id }, senderFrame: { url: `${APP_ORIGIN}/index.html`, parent: null } };
    expect((await handler(ev, { command: 'project.info', args: {} })).result.path).toBe(path.join(work3, 'packaged.candlemark'));
    await handler(ev, { command: 'demo.create', args: { seed: 3, bars: 1024 } });
    await until(() => win.sent.some((s) => s[1] === 'windows.changed'));
    const pid = childPid(logged, path.join(work3, 'packaged.candlemark'))!;
    f.appHandlers.get('will-quit')!();
    await until(() => gone(pid));
    const s = CandlemarkService.open(path.join(work3, 'packaged.candlemark'));
    expect(s.store.listWindows().length).toBeGreaterThan(0);
    s.close();
  }, 120_000);
});
