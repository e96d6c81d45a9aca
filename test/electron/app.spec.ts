/**
 * The desktop app, driven through Playwright's Electron support: the window's security settings
 * as Electron reports them, what the page can (not) reach, and a short labelling journey.
 *
 * Needs the Electron binary (node_modules/electron/dist) and better-sqlite3 built for Electron
 * (`npx electron-builder install-app-deps`). Where the binary is missing the tests are skipped and
 * the reason is printed, so CI logs show that they did not run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { test, expect, _electron, type ElectronApplication, type Page } from '@playwright/test';

const require = createRequire(import.meta.url);
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function findElectron(): { bin: string | null; reason: string } {
  try {
    const bin: unknown = require('electron');
    if (typeof bin === 'string' && fs.existsSync(bin)) return { bin, reason: '' };
    return { bin: null, reason: `no binary at ${String(bin)}` };
  } catch (err) {
    return { bin: null, reason: (err instanceof Error ? err.message : String(err)).split('\n')[0] };
  }
}

const electron = findElectron();
const SKIP_REASON = `Electron binary not installed (${electron.reason}): Electron tests did not run`;
if (!electron.bin) console.log(`[test/electron] SKIPPED: ${SKIP_REASON}`);

type Wire = { result: unknown } | { error: { code: string; message: string } };
interface Bridge {
  call(command: string, args: unknown): Promise<Wire>;
  onEvent(listener: (name: string, payload: unknown) => void): () => void;
}
type PageGlobals = {
  candlemark: Bridge;
  __events?: [string, unknown][];
  require?: unknown;
  process?: unknown;
  location: { href: string };
  open(url: string): unknown;
};

async function call<T>(page: Page, command: string, args: unknown = {}): Promise<T> {
  const res = await page.evaluate(([c, a]) => (globalThis as unknown as PageGlobals).candlemark.call(c as string, a), [command, args] as const);
  if ('error' in res) throw new Error(`${command}: ${res.error.code}: ${res.error.message}`);
  return res.result as T;
}

test.describe('Electron app', () => {
  test.skip(!electron.bin, SKIP_REASON);
  test.describe.configure({ mode: 'serial' });

  let app: ElectronApplication;
  let page: Page;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'candlemark-electron-'));

  test.beforeAll(async () => {
    const probe = spawnSync(electron.bin!, ['-e', "const D=require('better-sqlite3');new D(':memory:').close()"], {
      cwd: REPO_ROOT,
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      encoding: 'utf8',
    });
    if (probe.status !== 0) {
      throw new Error(`better-sqlite3 does not load in Electron; run \`npx electron-builder install-app-deps\` first.\n${probe.stderr}`);
    }
    app = await _electron.launch({
      executablePath: electron.bin!,
      args: [REPO_ROOT, ...(process.env.CANDLEMARK_ELECTRON_NO_SANDBOX === '1' ? ['--no-sandbox'] : [])],
      cwd: REPO_ROOT,
      env: { ...process.env, CANDLEMARK_USER_DATA: path.join(work, 'user-data'), HOME: work, CANDLEMARK_PROJECT: '' } as Record<string, string>,
    });
    page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
  });
  test.afterAll(async () => {
    await app?.close();
  });

  test('the window is isolated, sandboxed and without Node', async () => {
    // getLastWebPreferences is not in electron.d.ts but is what Electron applied to the window.
    const prefs = await app.evaluate(({ BrowserWindow }) =>
      (BrowserWindow.getAllWindows()[0].webContents as unknown as { getLastWebPreferences(): Record<string, unknown> }).getLastWebPreferences(),
    );
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false });
    expect(page.url()).toMatch(/^app:\/\/candlemark\//);

    const seen = await page.evaluate(() => {
      const w = globalThis as unknown as PageGlobals;
      return {
        require: typeof w.require,
        process: typeof w.process,
        bridge: Object.keys(w.candlemark).sort(),
        types: Object.values(w.candlemark).map((v) => typeof v),
      };
    });
    expect(seen).toEqual({ require: 'undefined', process: 'undefined', bridge: ['call', 'onEvent'], types: ['function', 'function'] });

    // The CSP: no eval, no network.
    const evalResult = await page.evaluate(() => {
      try {
        return String((0, eval)('1 + 1'));
      } catch (e) {
        return (e as Error).name;
      }
    });
    expect(evalResult).toBe('EvalError');
    const fetchResult = await page.evaluate(() =>
      fetch('https://example.com/').then(
        () => 'fetched',
        () => 'blocked',
      ),
    );
    expect(fetchResult).toBe('blocked');
  });

  test('navigation away and new windows are blocked', async () => {
    const before = page.url();
    await page
      .evaluate(() => {
        (globalThis as unknown as PageGlobals).location.href = 'https://example.com/';
      })
      .catch(() => undefined);
    await page.waitForTimeout(1000);
    expect(page.url()).toBe(before);
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).open('http://example.com/') === null)).toBe(true);
    expect(app.windows()).toHaveLength(1);
  });

  test('journey: demo project, chart, add a label, undo from the menu', async () => {
    const rendererBuilt = fs.existsSync(path.join(REPO_ROOT, 'renderer/dist/index.html'));
    if (rendererBuilt) await expect(page.locator('canvas').first()).toBeVisible();
    else await expect(page.locator('#series tr').nth(1)).toBeVisible(); // the fallback overview page

    const info = await call<{ counts: { windows: number } }>(page, 'project.info');
    expect(info.counts.windows).toBeGreaterThan(0);
    const [w] = await call<{ id: number; seriesId: string; startIndex: number; length: number }[]>(page, 'windows.list', {});
    const { time } = await call<{ time: number[] }>(page, 'bars.read', { seriesId: w.seriesId, from: w.startIndex, count: w.length });
    const count = async () => (await call<unknown[]>(page, 'labels.list', { windowId: w.id })).length;
    const n0 = await count();

    await page.evaluate(() => {
      const w = globalThis as unknown as PageGlobals;
      w.__events = [];
      w.candlemark.onEvent((name, payload) => w.__events!.push([name, payload]));
    });
    await call(page, 'labels.add', { windowId: w.id, startTime: time[5], endTime: time[15], type: 'up' });
    expect(await count()).toBe(n0 + 1);
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as PageGlobals).__events!.map(([n]) => n))).toContain('labels.changed');

    await app.evaluate(({ Menu }) => Menu.getApplicationMenu()!.getMenuItemById('undo')!.click());
    await expect.poll(count).toBe(n0);
  });
});
