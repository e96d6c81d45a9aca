/**
 * The native menu as a template (a pure function: tests check it without Electron). The actions
 * are the app's (main.ts): dialogs, then one service call.
 *
 * Undo/Redo call labels.undo/labels.redo. Their shortcuts are displayed but not registered
 * (registerAccelerator: false): Ctrl/Cmd+Z must keep undoing typing in text fields, and the
 * renderer handles the key outside them (as it must in the browser host, which has no menu), so a
 * key press never undoes twice.
 */
import path from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  newProject(): void;
  openProject(): void;
  openRecent(projectPath: string): void;
  clearRecent(): void;
  importCsv(): void;
  importLabels(): void;
  exportLabels(): void;
  undo(): void;
  redo(): void;
  toggleTheme(): void;
}

export interface MenuOptions {
  isMac: boolean;
  /** Not packaged: adds Reload and DevTools. */
  dev: boolean;
  recent: string[];
  appName: string;
}

export function buildMenuTemplate(actions: MenuActions, opts: MenuOptions): MenuItemConstructorOptions[] {
  const recent: MenuItemConstructorOptions[] = opts.recent.length
    ? [
        ...opts.recent.map((p, i): MenuItemConstructorOptions => ({
          id: `recent-${i}`,
          label: `${path.basename(p)} — ${path.dirname(p)}`,
          click: () => actions.openRecent(p),
        })),
        { type: 'separator' },
        { id: 'clear-recent', label: 'Clear Recent', click: () => actions.clearRecent() },
      ]
    : [{ label: 'No Recent Projects', enabled: false }];

  const file: MenuItemConstructorOptions = {
    label: 'File',
    submenu: [
      { id: 'new-project', label: 'New Project…', accelerator: 'CmdOrCtrl+N', click: () => actions.newProject() },
      { id: 'open-project', label: 'Open Project…', accelerator: 'CmdOrCtrl+O', click: () => actions.openProject() },
      { id: 'open-recent', label: 'Open Recent', submenu: recent },
      { type: 'separator' },
      { id: 'import-csv', label: 'Import CSV…', accelerator: 'CmdOrCtrl+I', click: () => actions.importCsv() },
      { id: 'import-labels', label: 'Import Labels…', click: () => actions.importLabels() },
      { id: 'export-labels', label: 'Export Labels…', accelerator: 'CmdOrCtrl+E', click: () => actions.exportLabels() },
      ...(opts.isMac ? [] : [{ type: 'separator' } as MenuItemConstructorOptions, { id: 'quit', role: 'quit' } as MenuItemConstructorOptions]),
    ],
  };
  const edit: MenuItemConstructorOptions = {
    label: 'Edit',
    submenu: [
      { id: 'undo', label: 'Undo', accelerator: 'CmdOrCtrl+Z', registerAccelerator: false, click: () => actions.undo() },
      { id: 'redo', label: 'Redo', accelerator: opts.isMac ? 'Shift+Cmd+Z' : 'Ctrl+Y', registerAccelerator: false, click: () => actions.redo() },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll' },
    ],
  };
  const view: MenuItemConstructorOptions = {
    label: 'View',
    submenu: [
      ...(opts.dev ? ([{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' }] as MenuItemConstructorOptions[]) : []),
      { id: 'toggle-theme', label: 'Toggle Dark Theme', accelerator: 'CmdOrCtrl+Shift+T', click: () => actions.toggleTheme() },
      { type: 'separator' },
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };
  const template: MenuItemConstructorOptions[] = [file, edit, view];
  if (opts.isMac) {
    template.unshift({
      label: opts.appName,
      submenu: [
        { role: 'about' },
        { type: 'separator' },
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        { type: 'separator' },
        { id: 'quit', role: 'quit' },
      ],
    });
    template.push({ role: 'windowMenu' });
  }
  return template;
}
