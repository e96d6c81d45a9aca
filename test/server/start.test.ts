/** `npm start` as a new user runs it: no Electron here, so the browser host starts on a demo project. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from '../helpers/paths.ts';
import { callHost, printedUrl } from '../helpers/host-process.ts';

describe('npm start', () => {
  it('starts the browser host on a fresh demo project and prints a URL that works', async () => {
    const home = tempDir();
    // CANDLEMARK_BROWSER=1 forces the browser host where an Electron binary happens to be installed.
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/start.js')], {
      env: { ...process.env, HOME: home, CANDLEMARK_BROWSER: '1', CANDLEMARK_PROJECT: '', CANDLEMARK_SKIP_RENDERER_BUILD: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const { url } = await printedUrl(child);
      const { origin } = new URL(url);
      const info = await callHost<any>(url, 'project.info'); // eslint-disable-line @typescript-eslint/no-explicit-any
      expect(info.path).toBe(path.join(home, '.candlemark', 'demo.candlemark'));
      // The demo leaves the latest third of its training windows to label (issue #14).
      expect(info.counts.labelledWindows).toBeGreaterThan(0);
      expect(info.counts.labelledWindows).toBeLessThan(info.counts.windows);
      expect(info.counts.findings.open).toBeGreaterThan(0);
      expect((await fetch(`${origin}/`)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    expect(fs.existsSync(path.join(home, '.candlemark', 'demo.candlemark'))).toBe(true);
  });
});
