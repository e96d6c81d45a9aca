/**
 * The File and Edit menus' actions (also run by the renderer's project menu, project-ipc.ts): native
 * dialogs, then one service call with the path the user picked (as a 'local' caller: the renderer
 * never names a file). Errors go to a dialog.
 */
import path from 'node:path';
import type { BrowserWindow } from 'electron';
import type { MenuActions } from './menu.ts';
import type { ProjectSwitcher } from './project-switcher.ts';

type ElectronModule = typeof import('electron');
type Filters = { name: string; extensions: string[] }[];

export const PROJECT_FILTERS: Filters = [{ name: 'Candlemark project', extensions: ['candlemark'] }];

export interface FileActionDeps {
  electron: Pick<ElectronModule, 'app' | 'dialog' | 'nativeTheme'>;
  switcher: ProjectSwitcher;
  window(): BrowserWindow | null;
  showError(title: string, err: unknown): void;
  settings: { recent: string[]; theme: 'system' | 'light' | 'dark' };
  persist(): void;
  rebuildMenu(): void;
}

export function createFileActions(d: FileActionDeps): MenuActions {
  const { app, dialog, nativeTheme } = d.electron;

  /** One service call from the menu; errors go to a dialog. */
  const run = async (command: string, args: unknown, what: string): Promise<unknown> => {
    const service = d.switcher.service;
    if (!service) {
      d.showError(what, new Error('No project is open. Open or create one from the File menu.'));
      return undefined;
    }
    try {
      return await service.call(command, args);
    } catch (err) {
      d.showError(what, err);
      return undefined;
    }
  };
  const openDialog = async (title: string, filters: Filters) => {
    const win = d.window();
    const opts = { title, properties: ['openFile' as const], filters };
    const res = win ? await dialog.showOpenDialog(win, opts) : await dialog.showOpenDialog(opts);
    return res.canceled || res.filePaths.length === 0 ? null : res.filePaths[0];
  };
  const saveDialog = async (title: string, defaultPath: string, filters: Filters) => {
    const win = d.window();
    const opts = { title, defaultPath, filters };
    const res = win ? await dialog.showSaveDialog(win, opts) : await dialog.showSaveDialog(opts);
    return res.canceled || !res.filePath ? null : res.filePath;
  };
  const guarded = (what: string, fn: () => Promise<unknown>) => () => {
    fn().catch((err: unknown) => d.showError(what, err));
  };

  return {
    newProject: guarded('New project', async () => {
      let file = await saveDialog('New Project', path.join(app.getPath('documents'), 'Untitled.candlemark'), PROJECT_FILTERS);
      if (!file) return;
      if (!file.toLowerCase().endsWith('.candlemark')) file += '.candlemark';
      await d.switcher.switchTo(file, { create: true });
    }),
    openProject: guarded('Open project', async () => {
      const file = await openDialog('Open Project', PROJECT_FILTERS);
      if (file) await d.switcher.switchTo(file, { create: false });
    }),
    openRecent: (p: string) => guarded('Open project', () => d.switcher.switchTo(p, { create: false }))(),
    clearRecent: () => {
      d.settings.recent = d.switcher.projectPath ? [d.switcher.projectPath] : [];
      d.persist();
      app.clearRecentDocuments();
      d.rebuildMenu();
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
      const base = d.switcher.projectPath ? path.basename(d.switcher.projectPath, '.candlemark') : 'labels';
      const file = await saveDialog('Export Labels', path.join(app.getPath('documents'), `${base}-labels.json`), [
        { name: 'JSON', extensions: ['json'] },
        { name: 'CSV', extensions: ['csv'] },
      ]);
      if (file) await run('labels.export', { path: file }, `Could not export labels to ${path.basename(file)}`);
    }),
    undo: guarded('Undo', () => run('labels.undo', {}, 'Undo failed')),
    redo: guarded('Redo', () => run('labels.redo', {}, 'Redo failed')),
    toggleTheme: () => {
      d.settings.theme = nativeTheme.shouldUseDarkColors ? 'light' : 'dark';
      nativeTheme.themeSource = d.settings.theme; // the renderer follows prefers-color-scheme
      d.persist();
    },
  };
}
