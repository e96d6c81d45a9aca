/**
 * Candlemark's Electron main process (thin: no product logic, no SQLite). `main.js` registers tsx
 * and calls `startApp(electron)` before the app is ready; the Electron module is passed in, so
 * nothing here imports Electron at runtime and every piece is unit-tested without the binary.
 * This file only wires the pieces, each with one job:
 *
 * - project-process.ts: the project lives in its own process (utilityProcess when packaged, a Node
 *   child in development), restarted when it dies (hosting/project-service.ts);
 * - project-switcher.ts: the current project, switching, the first project at start-up;
 * - main-window.ts (+ window.ts): the one hardened window showing `app://candlemark/` (protocol.ts);
 * - file-actions.ts + menu.ts: File/Edit/View menus with native dialogs; settings.ts: recent
 *   projects, window bounds, theme in `<userData>/settings.json`;
 * - ipc.ts / project-ipc.ts: the renderer's one channel (sender + payload checked; page capability);
 * - security.ts: navigation, new windows, webviews, permissions and requests denied;
 * - error-dialog.ts: a dialog for every error; last-resort handlers keep the app running.
 *
 * Environment: `CANDLEMARK_USER_DATA` overrides the userData folder (tests); `CANDLEMARK_PROJECT`
 * overrides the default (demo) project path; `CANDLEMARK_NODE` names the Node executable for the
 * development child; `CANDLEMARK_PROJECT_PROCESS=utility|node` forces the project's carrier.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { EventName } from '../core/service/events.ts';
import { defaultProjectPath } from '../hosting/open-project.ts';
import { resolveStaticDir } from '../hosting/static-dir.ts';
import { PROJECT_RESTARTED_EVENT } from '../hosting/project-service.ts';
import { errorReporter, log } from './error-dialog.ts';
import { createFileActions } from './file-actions.ts';
import { APP_SCHEME, CALL_CHANNEL, EVENT_CHANNEL, handleIpcCall } from './ipc.ts';
import { MainWindow } from './main-window.ts';
import { buildMenuTemplate } from './menu.ts';
import { channelFor, openProjectProcess, projectCarrier } from './project-process.ts';
import { handleProjectMenuCall, isProjectMenuCall } from './project-ipc.ts';
import { ProjectSwitcher, type HostedService } from './project-switcher.ts';
import { APP_SCHEME_PRIVILEGES, serveAppRequest } from './protocol.ts';
import { guardWebContents, hardenSession } from './security.ts';
import { loadSettings, projectArgument, saveSettings, type AppSettings } from './settings.ts';

// Kept for callers of the pieces that used to live here.
export { describeError, isNativeModuleError } from './error-dialog.ts';
export { PRELOAD_PATH } from './main-window.ts';
export type { HostedService } from './project-switcher.ts';

type ElectronModule = typeof import('electron');

export function startApp(electron: ElectronModule): void {
  const { app, protocol, ipcMain, Menu, dialog, shell, nativeTheme, session } = electron;
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
  let ready = false;
  let pendingOpen: string | null = null;
  const persist = () => {
    try {
      saveSettings(userData, settings);
    } catch (err) {
      log(`could not save settings: ${String(err)}`);
    }
  };
  // The pieces refer to each other only through closures, called after all of them exist.
  const showError = errorReporter(
    dialog,
    () => window.current(),
    () => ready,
  );
  const buildMenu = () => {
    const template = buildMenuTemplate(actions, { isMac: process.platform === 'darwin', dev, recent: settings.recent, appName: app.name });
    Menu.setApplicationMenu(Menu.buildFromTemplate(template));
  };

  const carrier = projectCarrier(app.isPackaged);
  const channel = channelFor(carrier, electron, (line) => console.error(line));
  const open = async (projectPath: string, opts: { create: boolean; demoIfNew: boolean }): Promise<HostedService> => {
    const service = await openProjectProcess(projectPath, {
      ...opts,
      channel,
      log: (m) => console.error(m),
      onGone: (err) => switcher.gone(service, err),
    });
    return service;
  };

  const window = new MainWindow({ electron, dev, settings, persist, showError, log, projectPath: () => switcher.projectPath });
  const switcher = new ProjectSwitcher({
    open,
    settings,
    persist,
    showError,
    log,
    attached: (projectPath) => {
      window.setTitle(projectPath);
      app.addRecentDocument(projectPath);
      buildMenu();
    },
    detached: buildMenu,
    event: (name: EventName, payload: unknown) => {
      // The project's process was restarted after dying: the page re-reads everything (a reload, done here).
      if (name === (PROJECT_RESTARTED_EVENT as EventName)) return window.current()?.webContents.reload();
      window.current()?.webContents.send(EVENT_CHANNEL, name, payload);
    },
    reload: () => window.reload(),
    focus: () => window.focus(),
  });
  const actions = createFileActions({ electron, switcher, window: () => window.current(), showError, settings, persist, rebuildMenu: buildMenu });

  async function onReady() {
    ready = true;
    hardenSession(session.defaultSession);
    const ui = resolveStaticDir();
    if (!ui.renderer) log(`renderer/dist not built: showing the overview page from ${ui.dir} (run: npx vite build --config renderer/vite.config.ts)`);
    protocol.handle(APP_SCHEME, (request) => serveAppRequest(ui.dir, request.url, request.method));
    nativeTheme.themeSource = settings.theme;
    ipcMain.handle(CALL_CHANNEL, (event, payload) => {
      const win = window.current();
      const trusted = win ? { webContentsId: win.webContents.id } : null;
      // The renderer's project menu: the File menu's own actions (project-ipc.ts).
      if (isProjectMenuCall(payload)) {
        return handleProjectMenuCall(
          {
            currentPath: () => switcher.projectPath,
            recent: () => settings.recent,
            newProject: actions.newProject,
            openProject: actions.openProject,
            openRecent: actions.openRecent,
          },
          event,
          payload,
          trusted,
        );
      }
      return handleIpcCall(switcher.service, event, payload, trusted);
    });

    // Which project: the command line, a file the OS asked us to open, the last one, else the demo.
    log(`projects run in ${carrier === 'utility' ? 'an Electron utility process' : 'a Node child process'}`);
    const requested = projectArgument(process.argv, process.cwd()) ?? pendingOpen;
    const last = settings.recent.find((p) => fs.existsSync(p));
    const candidates: { file: string; create: boolean; demoIfNew: boolean }[] = [];
    if (requested) candidates.push({ file: requested, create: false, demoIfNew: false });
    else if (last) candidates.push({ file: last, create: false, demoIfNew: false });
    // As the browser host: only the built-in demo file gets demo data; a new project named by
    // CANDLEMARK_PROJECT starts empty (its Home offers the demo as an explicit choice).
    candidates.push({ file: defaultProjectPath(), create: true, demoIfNew: !process.env.CANDLEMARK_PROJECT });
    await switcher.openFirst(candidates);
    buildMenu();
    window.create();
  }

  app.on('web-contents-created', (_event, contents) => {
    guardWebContents(contents, { shell, log });
  });
  app.on('second-instance', (_event, argv, workingDirectory) => {
    const win = window.current();
    if (win) {
      if (win.isMinimized()) win.restore();
      win.show();
      win.focus();
    }
    const requested = projectArgument(argv, workingDirectory);
    if (requested && ready) void switcher.switchTo(requested, { create: false });
  });
  app.on('open-file', (event, file) => {
    event.preventDefault();
    if (ready) void switcher.switchTo(file, { create: false });
    else pendingOpen = file;
  });
  app.on('window-all-closed', () => app.quit());
  // Training runs in the project's process: hold the quit until its runs are cancelled and recorded
  // and the project is closed (closeGracefully, bounded), then quit for real.
  let quitting = false;
  app.on('will-quit', (event) => {
    if (quitting) return;
    const closing = switcher.detach();
    if (!event) return;
    quitting = true;
    event.preventDefault();
    void closing.finally(() => app.quit());
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
