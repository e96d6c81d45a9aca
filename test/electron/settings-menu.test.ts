/** The desktop shell's pure parts: remembered settings, command-line project, native menu. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { addRecent, loadSettings, MAX_RECENT, projectArgument, saveSettings, SETTINGS_FILE } from '../../electron/settings.ts';
import { buildMenuTemplate, type MenuActions } from '../../electron/menu.ts';
import { describeError } from '../../electron/app.ts';
import { CandlemarkError } from '../../core/service/errors.ts';
import { tempDir } from '../helpers/paths.ts';

describe('settings', () => {
  it('round-trips atomically and leaves no temp files', () => {
    const dir = tempDir();
    expect(loadSettings(dir)).toEqual({ recent: [], bounds: null, theme: 'system' });
    const s = { recent: ['/a/x.candlemark'], bounds: { x: 10, y: 20, width: 900, height: 700, maximized: true }, theme: 'dark' as const };
    saveSettings(dir, s);
    expect(loadSettings(dir)).toEqual(s);
    expect(fs.readdirSync(dir)).toEqual([SETTINGS_FILE]);
  });

  it('treats corrupt or hostile files as defaults, field by field', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, SETTINGS_FILE), '{not json');
    expect(loadSettings(dir).recent).toEqual([]);
    fs.writeFileSync(
      path.join(dir, SETTINGS_FILE),
      JSON.stringify({
        recent: ['relative.candlemark', 5, '/ok.candlemark', '/ok.candlemark'],
        bounds: { width: 'x' },
        theme: 'neon',
        __proto__: { polluted: 1 },
      }),
    );
    expect(loadSettings(dir)).toEqual({ recent: ['/ok.candlemark'], bounds: null, theme: 'system' });
  });

  it('keeps recent projects most-recent-first, unique, bounded', () => {
    let r: string[] = [];
    for (let i = 0; i < 15; i++) r = addRecent(r, `/p/${i}.candlemark`);
    r = addRecent(r, '/p/3.candlemark');
    expect(r[0]).toBe(path.resolve('/p/3.candlemark'));
    expect(r).toHaveLength(MAX_RECENT);
    expect(new Set(r).size).toBe(r.length);
  });

  it('finds the project argument of a first or second instance', () => {
    expect(projectArgument(['/usr/bin/electron', '.', 'data/x.candlemark'], '/home/a')).toBe(path.resolve('/home/a/data/x.candlemark'));
    expect(projectArgument(['Candlemark.exe', 'C:/p/y.CANDLEMARK'], '/w')).toBe(path.resolve('/w', 'C:/p/y.CANDLEMARK'));
    expect(projectArgument(['electron', '.', '--inspect', '--flag=a.candlemark'], '/')).toBeNull();
    expect(projectArgument(['electron', '.'], '/')).toBeNull();
  });
});

describe('native menu', () => {
  const calls: string[] = [];
  const actions = new Proxy({} as MenuActions, { get: (_t, name: string) => (arg?: string) => calls.push(arg ? `${name}:${arg}` : name) });
  const flatten = (items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] =>
    items.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? flatten(i.submenu) : [])]);
  const click = (item: MenuItemConstructorOptions) => (item.click as unknown as () => void)();

  it('has File, Edit and View with the app actions', () => {
    const t = buildMenuTemplate(actions, { isMac: false, dev: false, recent: ['/d/a.candlemark'], appName: 'Candlemark' });
    expect(t.map((m) => m.label)).toEqual(['File', 'Edit', 'View']);
    const items = flatten(t);
    const byId = (id: string) => items.find((i) => i.id === id)!;
    for (const id of ['new-project', 'open-project', 'open-recent', 'import-csv', 'import-labels', 'export-labels', 'quit', 'undo', 'redo', 'toggle-theme'])
      expect(byId(id), id).toBeTruthy();
    expect(byId('new-project').label).toBe('New Project…');
    calls.length = 0;
    for (const id of ['new-project', 'open-project', 'import-csv', 'import-labels', 'export-labels', 'undo', 'redo', 'toggle-theme', 'recent-0'])
      click(byId(id));
    expect(calls).toEqual([
      'newProject',
      'openProject',
      'importCsv',
      'importLabels',
      'exportLabels',
      'undo',
      'redo',
      'toggleTheme',
      'openRecent:/d/a.candlemark',
    ]);
    // Undo/Redo show their shortcut but leave the key to text fields and the renderer.
    expect(byId('undo')).toMatchObject({ accelerator: 'CmdOrCtrl+Z', registerAccelerator: false });
    expect(byId('redo').registerAccelerator).toBe(false);
    for (const role of ['cut', 'copy', 'paste', 'resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen'])
      expect(
        items.some((i) => i.role === role),
        role,
      ).toBe(true);
    // Reload and devtools only while developing.
    expect(items.some((i) => i.role === 'reload' || i.role === 'toggleDevTools')).toBe(false);
    const devItems = flatten(buildMenuTemplate(actions, { isMac: false, dev: true, recent: [], appName: 'Candlemark' }));
    expect(devItems.some((i) => i.role === 'reload')).toBe(true);
    expect(devItems.find((i) => i.label === 'No Recent Projects')?.enabled).toBe(false);
  });

  it('puts Quit in the app menu on macOS', () => {
    const t = buildMenuTemplate(actions, { isMac: true, dev: false, recent: [], appName: 'Candlemark' });
    expect(t[0].label).toBe('Candlemark');
    expect(flatten([t[0]]).some((i) => i.role === 'quit')).toBe(true);
    expect(flatten([t[1]]).some((i) => i.role === 'quit')).toBe(false);
  });
});

describe('error dialogs', () => {
  it('show the message and each located issue, and explain a native-module mismatch', () => {
    const text = describeError(
      new CandlemarkError('import-failed', 'prices.csv has 2 problems', [
        { file: 'prices.csv', line: 3, message: 'high < low' },
        { file: 'prices.csv', line: 9, field: 'close', message: 'not a number' },
      ]),
    );
    expect(text).toBe('prices.csv has 2 problems\n• prices.csv:3: high < low\n• prices.csv:9: close: not a number');
    expect(describeError(new Error('The module was compiled against a different Node.js version using NODE_MODULE_VERSION 115'))).toMatch(/install-app-deps/);
  });
});
