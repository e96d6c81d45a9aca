/**
 * The main window's lifecycle: created from the remembered bounds (window.ts builds the hardened
 * options), its bounds remembered on close, reloaded when the renderer process dies, load failures
 * reported. One window at a time.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserWindow } from 'electron';
import { APP_ORIGIN } from './ipc.ts';
import type { AppSettings } from './settings.ts';
import { createMainWindow, visibleBounds } from './window.ts';

type ElectronModule = typeof import('electron');

export const PRELOAD_PATH = fileURLToPath(new URL('./preload.cjs', import.meta.url));

export interface MainWindowDeps {
  electron: Pick<ElectronModule, 'BrowserWindow' | 'nativeTheme' | 'screen'>;
  dev: boolean;
  settings: AppSettings;
  persist(): void;
  showError(title: string, err: unknown): void;
  log(message: string): void;
  /** The current project's path (the title), or null. */
  projectPath(): string | null;
}

export class MainWindow {
  win: BrowserWindow | null = null;

  constructor(private readonly d: MainWindowDeps) {}

  /** The window when it is open and not destroyed. */
  current(): BrowserWindow | null {
    return this.win && !this.win.isDestroyed() ? this.win : null;
  }

  setTitle(projectPath: string | null): void {
    const win = this.current();
    if (win && projectPath) win.setTitle(`${path.basename(projectPath)} — Candlemark`);
  }

  /** Reloads the window (after a project switch or restart), or creates it when there is none. */
  reload(): void {
    const win = this.current();
    if (win) win.webContents.reload();
    else this.create();
  }

  focus(): void {
    this.current()?.focus();
  }

  private rememberBounds(win: BrowserWindow): void {
    if (win.isDestroyed()) return;
    const b = win.getNormalBounds();
    this.d.settings.bounds = { x: b.x, y: b.y, width: b.width, height: b.height, maximized: win.isMaximized() };
    this.d.persist();
  }

  create(): BrowserWindow {
    const { BrowserWindow: BrowserWindowCtor, nativeTheme, screen } = this.d.electron;
    const bounds = visibleBounds(
      this.d.settings.bounds,
      screen.getAllDisplays().map((x) => x.workArea),
    );
    const win = createMainWindow(BrowserWindowCtor, { preload: PRELOAD_PATH, bounds, dev: this.d.dev, dark: nativeTheme.shouldUseDarkColors });
    this.win = win;
    this.setTitle(this.d.projectPath());
    if (bounds?.maximized) win.maximize();
    win.once('ready-to-show', () => win.show());
    win.on('close', () => this.rememberBounds(win));
    win.on('closed', () => {
      if (this.win === win) this.win = null;
    });
    win.webContents.on('render-process-gone', (_event, details) => {
      if (details.reason === 'clean-exit') return;
      this.d.showError('The window stopped unexpectedly', new Error(`renderer process ${details.reason} (exit code ${details.exitCode}); it will be reloaded`));
      if (!win.isDestroyed()) win.webContents.reload();
    });
    win.webContents.on('did-fail-load', (_event, code, description, url) => {
      if (code !== -3 /* aborted, e.g. by a reload */) this.d.showError('The window could not load', new Error(`${description} (${code}) ${url}`));
    });
    win.loadURL(`${APP_ORIGIN}/index.html`).catch((err: unknown) => this.d.log(`loadURL: ${String(err)}`));
    return win;
  }
}
