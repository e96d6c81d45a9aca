/**
 * Candlemark's Electron main process (thin: no product logic). `main.js` registers tsx and calls
 * `startApp(electron)` before the app is ready; the Electron module is passed in, so nothing here
 * imports Electron at runtime and the pure parts (ipc.ts, protocol.ts, security.ts, window.ts,
 * menu.ts, settings.ts) are unit-tested without the Electron binary.
 *
 * - one hardened window (window.ts) showing `app://candlemark/` (protocol.ts: renderer/dist, or the
 *   fallback overview page), with a strict CSP on every response;
 * - the renderer reaches the service only through the preload bridge → `candlemark:call`
 *   (ipc.ts checks sender + payload; the service validates args); events go back as
 *   `candlemark:event`;
 * - navigation, new windows, webviews, permissions and network requests are denied (security.ts);
 * - File/Edit/View menu (menu.ts) with native dialogs; recent projects and window bounds in
 *   `<userData>/settings.json` (settings.ts); single instance; an error dialog for every error.
 *
 * The project store runs in this process (CandlemarkService) when better-sqlite3 loads here, as in
 * packaged builds (electron-builder rebuilds it for Electron). When it can't (development: npm built
 * it for Node's ABI), projects are served by a Node child process instead (service-proxy.ts), and
 * the log says how to load it in-process.
 *
 * Environment: `CANDLEMARK_USER_DATA` overrides the userData folder (tests); `CANDLEMARK_PROJECT`
 * overrides the default (demo) project path; `CANDLEMARK_NODE` names the Node executable for the
 * child process (default: `node` on PATH).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserWindow, MessageBoxOptions } from 'electron';
import { CandlemarkService } from '../core/service/service.ts';
import { formatIssue, toWireError } from '../core/service/errors.ts';
import type { EventName } from '../core/service/events.ts';
import { DEMO_APP_UNLABELLED } from '../core/service/schemas.ts';
import { defaultProjectPath } from '../hosting/open-project.ts';
import { resolveStaticDir } from '../hosting/static-dir.ts';
import { APP_ORIGIN, APP_SCHEME, CALL_CHANNEL, EVENT_CHANNEL, handleIpcCall, type CallableService } from './ipc.ts';
import { buildMenuTemplate } from './menu.ts';
import { handleProjectMenuCall, isProjectMenuCall } from './project-ipc.ts';
import { APP_SCHEME_PRIVILEGES, serveAppRequest } from './protocol.ts';
import { guardWebContents, hardenSession } from './security.ts';
import { ServiceProxy } from './service-proxy.ts';
import { addRecent, loadSettings, projectArgument, saveSettings, type AppSettings } from './settings.ts';
import { createMainWindow, visibleBounds } from './window.ts';

type ElectronModule = typeof import('electron');

export const PRELOAD_PATH = fileURLToPath(new URL('./preload.cjs', import.meta.url));
const PROJECT_FILTERS = [{ name: 'Candlemark project', extensions: ['candlemark'] }];

function log(message: string): void {
  console.error(`[candlemark] ${message}`);
}

/** What the app needs of a project's service: CandlemarkService in-process, or a ServiceProxy. */
export interface HostedService extends CallableService {
  events: { onAny(fn: (name: EventName, payload: unknown) => void): () => void };
  close(): void;
}

/** True when an error says better-sqlite3's native module was built for another runtime (Node vs. Electron). */
export function isNativeModuleError(err: unknown): boolean {
  const message = err instanceof Error ? err.message : String(err);
  if (/NODE_MODULE_VERSION|was compiled against a different Node\.js version/.test(message)) return true;
  return (err as { code?: unknown } | null)?.code === 'ERR_DLOPEN_FAILED' && /better[-_]sqlite3/.test(message);
}

export const CHILD_STORE_HINT =
  'using a Node child process for the project store because better-sqlite3 is built for Node; ' +
  'run `npx electron-builder install-app-deps` to load it in-process';

/** Error text for a dialog: the message, then each located issue (at most 20). */
export function describeError(err: unknown): string {
  const wire = toWireError(err);
  const lines = [wire.message, ...wire.issues.slice(0, 20).map((i) => `• ${formatIssue(i)}`)];
  if (wire.issues.length > 20) lines.push(`… and ${wire.issues.length - 20} more`);
  if (isNativeModuleError(err)) {
    lines.push(
      '',
      'better-sqlite3 was built for Node.js, not for Electron. Rebuild it for Electron with',
      '  npx electron-builder install-app-deps   (or: npx @electron/rebuild -f -w better-sqlite3)',
      'and run `npm rebuild better-sqlite3` before using the command line or tests again.',
    );
  }
  return lines.join('\n');
}

export function startApp(electron: ElectronModule): void {
  const { app, protocol, BrowserWindow: BrowserWindowCtor, ipcMain, Menu, dialog, shell, nativeTheme, screen, session } = electron;
  const dev = !app.isPackaged;

  // Before 'ready': these only work now.
  if (process.env.CANDLEMARK_USER_DATA) app.setPath('userData', path.resolve(process.env.CANDLEMARK_USER_DATA));
  app.enableSandbox();
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }

  const userData = app.getPath('userData');
  const settings: AppSettings = loadSettings(userData);
  const state = {
    service: null as HostedService | null,
    projectPath: null as string | null,
    win: null as BrowserWindow | null,
    offEvents: null as (() => void) | null,
    ready: false,
    pendingOpen: null as string | null,
    /** Set once better-sqlite3 failed to load here: every project is then served by a Node child. */
    viaChild: false,
  };

  const persist = () => {
    try {
      saveSettings(userData, settings);
    } catch (err) {
      log(`could not save settings: ${String(err)}`);
    }
  };

  const showError = (title: string, err: unknown) => {
    const detail = describeError(err);
    log(`${title}: ${detail}`);
    const options: MessageBoxOptions = { type: 'error', title: 'Candlemark', message: title, detail, buttons: ['OK'] };
    const win = state.win && !state.win.isDestroyed() ? state.win : null;
    if (!state.ready) return dialog.showErrorBox(title, detail);
    void (win ? dialog.showMessageBox(win, options) : dialog.showMessageBox(options)).catch(() => undefined);
  };

  const attach = (service: HostedService, projectPath: string) => {
    state.service = service;
    state.projectPath = path.resolve(projectPath);
    state.offEvents = service.events.onAny((name, payload) => {
      const win = state.win;
      if (win && !win.isDestroyed()) win.webContents.send(EVENT_CHANNEL, name, payload);
    });
    settings.recent = addRecent(settings.recent, projectPath);
    persist();
    if (state.win && !state.win.isDestroyed()) state.win.setTitle(`${path.basename(projectPath)} — Candlemark`);
    app.addRecentDocument(state.projectPath);
    buildMenu();
  };

  const detach = () => {
    state.offEvents?.();
    state.offEvents = null;
    const old = state.service;
    state.service = null;
    state.projectPath = null;
    if (old) {
      try {
        old.close();
      } catch (err) {
        log(`closing the project failed: ${String(err)}`);
      }
    }
  };

  /** A child that dies on its own takes its project with it: say so, and let the user reopen it. */
  const onChildExit = (proxy: ServiceProxy) => (info: { expected: boolean; error: Error }) => {
    if (info.expected) return;
    if (state.service === proxy) {
      detach();
      buildMenu();
    }
    showError('The project store stopped', new Error(`${info.error.message}\nReopen the project from File ▸ Open Recent.`));
  };

  /** In-process when better-sqlite3 loads here (packaged builds), else in a Node child process. */
  const openService = async (projectPath: string, create: boolean): Promise<HostedService> => {
    if (!state.viaChild) {
      try {
        return CandlemarkService.open(projectPath, { create });
      } catch (err) {
        if (!isNativeModuleError(err)) throw err;
        state.viaChild = true;
        const why = (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').slice(0, 300);
        log(`${CHILD_STORE_HINT} (${why})`);
      }
    }
    let proxy: ServiceProxy | null = null;
    proxy = await ServiceProxy.open(projectPath, { create }, {
      log: (m) => console.error(m),
      onExit: (info) => {
        if (proxy) onChildExit(proxy)(info);
      },
    });
    return proxy;
  };

  /** Opens a project file; the default project gets demo data when it is new. */
  const open = async (projectPath: string, opts: { create: boolean; demoIfNew?: boolean }): Promise<HostedService> => {
    const isNew = !fs.existsSync(projectPath);
    if (opts.create) fs.mkdirSync(path.dirname(path.resolve(projectPath)), { recursive: true });
    const service = await openService(projectPath, opts.create);
    if (isNew && opts.demoIfNew) {
      try {
        await service.call('demo.create', { unlabelled: DEMO_APP_UNLABELLED });
      } catch (err) {
        service.close();
        throw err;
      }
    }
    return service;
  };

  /** Switching projects: open the new one (the old stays open if that fails), close the old, reload. */
  const switchProject = async (projectPath: string, opts: { create: boolean }) => {
    const target = path.resolve(projectPath);
    if (state.projectPath === target) {
      state.win?.focus();
      return;
    }
    let next: HostedService;
    try {
      next = await open(target, opts);
    } catch (err) {
      showError(`Could not open ${path.basename(target)}`, err);
      if (!opts.create && !fs.existsSync(target)) {
        settings.recent = settings.recent.filter((p) => p !== target);
        persist();
        buildMenu();
      }
      return;
    }
    detach();
    attach(next, target);
    if (state.win && !state.win.isDestroyed()) state.win.webContents.reload();
    else createWindow();
  };

  /** One service call from the menu; errors go to a dialog. */
  const run = async (command: string, args: unknown, what: string): Promise<unknown> => {
    if (!state.service) {
      showError(what, new Error('No project is open. Open or create one from the File menu.'));
      return undefined;
    }
    try {
      return await state.service.call(command, args);
    } catch (err) {
      showError(what, err);
      return undefined;
    }
  };

  const parentWindow = () => (state.win && !state.win.isDestroyed() ? state.win : undefined);
  const openDialog = async (title: string, filters: { name: string; extensions: string[] }[]) => {
    const win = parentWindow();
    const opts = { title, properties: ['openFile' as const], filters };
    const res = win ? await dialog.showOpenDialog(win, opts) : await dialog.showOpenDialog(opts);
    return res.canceled || res.filePaths.length === 0 ? null : res.filePaths[0];
  };
  const saveDialog = async (title: string, defaultPath: string, filters: { name: string; extensions: string[] }[]) => {
    const win = parentWindow();
    const opts = { title, defaultPath, filters };
    const res = win ? await dialog.showSaveDialog(win, opts) : await dialog.showSaveDialog(opts);
    return res.canceled || !res.filePath ? null : res.filePath;
  };
  const guarded = (what: string, fn: () => Promise<unknown>) => () => {
    fn().catch((err: unknown) => showError(what, err));
  };

  const actions = {
    newProject: guarded('New project', async () => {
      let file = await saveDialog('New Project', path.join(app.getPath('documents'), 'Untitled.candlemark'), PROJECT_FILTERS);
      if (!file) return;
      if (!file.toLowerCase().endsWith('.candlemark')) file += '.candlemark';
      await switchProject(file, { create: true });
    }),
    openProject: guarded('Open project', async () => {
      const file = await openDialog('Open Project', PROJECT_FILTERS);
      if (file) await switchProject(file, { create: false });
    }),
    openRecent: (p: string) => guarded('Open project', () => switchProject(p, { create: false }))(),
    clearRecent: () => {
      settings.recent = state.projectPath ? [state.projectPath] : [];
      persist();
      app.clearRecentDocuments();
      buildMenu();
    },
    importCsv: guarded('Import CSV', async () => {
      const file = await openDialog('Import OHLCV CSV', [
        { name: 'CSV', extensions: ['csv', 'txt', 'tsv'] },
        { name: 'All files', extensions: ['*'] },
      ]);
      if (file) await run('series.import', { path: file }, `Could not import ${path.basename(file)}`);
    }),
    importLabels: guarded('Import labels', async () => {
      const file = await openDialog('Import Labels', [{ name: 'Labels (JSON or CSV)', extensions: ['json', 'csv'] }]);
      if (file) await run('labels.import', { path: file }, `Could not import ${path.basename(file)}`);
    }),
    exportLabels: guarded('Export labels', async () => {
      const base = state.projectPath ? path.basename(state.projectPath, '.candlemark') : 'labels';
      const file = await saveDialog('Export Labels', path.join(app.getPath('documents'), `${base}-labels.json`), [
        { name: 'JSON', extensions: ['json'] },
        { name: 'CSV', extensions: ['csv'] },
      ]);
      if (file) await run('labels.export', { path: file }, `Could not export labels to ${path.basename(file)}`);
    }),
    undo: guarded('Undo', () => run('labels.undo', {}, 'Undo failed')),
    redo: guarded('Redo', () => run('labels.redo', {}, 'Redo failed')),
    toggleTheme: () => {
      settings.theme = nativeTheme.shouldUseDarkColors ? 'light' : 'dark';
      nativeTheme.themeSource = settings.theme; // the renderer follows prefers-color-scheme
      persist();
    },
  };

  function buildMenu() {
    const template = buildMenuTemplate(actions, { isMac: process.platform === 'darwin', dev, recent: settings.recent, appName: app.name });
    Menu.setApplicationMenu(Menu.buildFromTemplate(template));
  }

  function rememberBounds(win: BrowserWindow) {
    if (win.isDestroyed()) return;
    const b = win.getNormalBounds();
    settings.bounds = { x: b.x, y: b.y, width: b.width, height: b.height, maximized: win.isMaximized() };
    persist();
  }

  function createWindow(): BrowserWindow {
    const bounds = visibleBounds(settings.bounds, screen.getAllDisplays().map((d) => d.workArea));
    const win = createMainWindow(BrowserWindowCtor, { preload: PRELOAD_PATH, bounds, dev, dark: nativeTheme.shouldUseDarkColors });
    state.win = win;
    if (state.projectPath) win.setTitle(`${path.basename(state.projectPath)} — Candlemark`);
    if (bounds?.maximized) win.maximize();
    win.once('ready-to-show', () => win.show());
    win.on('close', () => rememberBounds(win));
    win.on('closed', () => {
      if (state.win === win) state.win = null;
    });
    win.webContents.on('render-process-gone', (_event, details) => {
      if (details.reason === 'clean-exit') return;
      showError('The window stopped unexpectedly', new Error(`renderer process ${details.reason} (exit code ${details.exitCode}); it will be reloaded`));
      if (!win.isDestroyed()) win.webContents.reload();
    });
    win.webContents.on('did-fail-load', (_event, code, description, url) => {
      if (code !== -3 /* aborted, e.g. by a reload */) showError('The window could not load', new Error(`${description} (${code}) ${url}`));
    });
    win.loadURL(`${APP_ORIGIN}/index.html`).catch((err: unknown) => log(`loadURL: ${String(err)}`));
    return win;
  }

  async function onReady() {
    state.ready = true;
    hardenSession(session.defaultSession);
    const ui = resolveStaticDir();
    if (!ui.renderer) log(`renderer/dist not built: showing the overview page from ${ui.dir} (run: npx vite build --config renderer/vite.config.ts)`);
    protocol.handle(APP_SCHEME, (request) => serveAppRequest(ui.dir, request.url, request.method));
    nativeTheme.themeSource = settings.theme;
    ipcMain.handle(CALL_CHANNEL, (event, payload) => {
      const win = state.win;
      const trusted = win && !win.isDestroyed() ? { webContentsId: win.webContents.id } : null;
      // The renderer's project menu: the File menu's own actions (project-ipc.ts).
      if (isProjectMenuCall(payload)) {
        return handleProjectMenuCall({ currentPath: () => state.projectPath, recent: () => settings.recent, newProject: actions.newProject, openProject: actions.openProject, openRecent: actions.openRecent }, event, payload, trusted);
      }
      return handleIpcCall(state.service, event, payload, trusted);
    });

    // Which project: the command line, a file the OS asked us to open, the last one, else the demo.
    const requested = projectArgument(process.argv, process.cwd()) ?? state.pendingOpen;
    const last = settings.recent.find((p) => fs.existsSync(p));
    const candidates: { file: string; create: boolean; demoIfNew: boolean }[] = [];
    if (requested) candidates.push({ file: requested, create: false, demoIfNew: false });
    else if (last) candidates.push({ file: last, create: false, demoIfNew: false });
    // As the browser host (server/main.ts): only the built-in demo file gets demo data; a new project
    // named by CANDLEMARK_PROJECT starts empty (its Home offers the demo as an explicit choice).
    candidates.push({ file: defaultProjectPath(), create: true, demoIfNew: !process.env.CANDLEMARK_PROJECT });
    for (const c of candidates) {
      try {
        attach(await open(c.file, c), c.file);
        break;
      } catch (err) {
        showError(`Could not open ${path.basename(c.file)}`, err);
      }
    }
    buildMenu();
    createWindow();
  }

  app.on('web-contents-created', (_event, contents) => {
    guardWebContents(contents, { shell, log });
  });
  app.on('second-instance', (_event, argv, workingDirectory) => {
    const win = state.win;
    if (win && !win.isDestroyed()) {
      if (win.isMinimized()) win.restore();
      win.show();
      win.focus();
    }
    const requested = projectArgument(argv, workingDirectory);
    if (requested && state.ready) void switchProject(requested, { create: false });
  });
  app.on('open-file', (event, file) => {
    event.preventDefault();
    if (state.ready) void switchProject(file, { create: false });
    else state.pendingOpen = file;
  });
  app.on('window-all-closed', () => app.quit());
  // Training in this process dies with it: hold the quit until the runs are cancelled and recorded
  // (closeGracefully, bounded), then quit for real. A child-process store does the same on its own.
  let quitting = false;
  app.on('will-quit', (event) => {
    const service = state.service;
    if (event && !quitting && service instanceof CandlemarkService) {
      quitting = true;
      event.preventDefault();
      void service
        .closeGracefully()
        .catch((err: unknown) => log(`closing the project failed: ${String(err)}`))
        .finally(() => app.quit());
      return;
    }
    detach();
  });
  process.on('uncaughtException', (err) => showError('Unexpected error', err));
  // A rejected promise nobody handled is shown like an uncaught exception; the app keeps running.
  process.on('unhandledRejection', (reason) => showError('Unexpected error', reason));

  app
    .whenReady()
    .then(onReady)
    .catch((err: unknown) => {
      showError('Candlemark could not start', err);
      app.exit(1);
    });
}

