/**
 * `CANDLEMARK_PROJECT=new.candlemark npm start` starts an empty project (issue 14, point 3): only
 * the built-in demo file is filled with demo data; anywhere else the demo is the analyst's choice.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from '../helpers/paths.ts';
import { callHost, printedUrl } from '../helpers/host-process.ts';

it('a new project named by CANDLEMARK_PROJECT starts empty', async () => {
  const home = tempDir();
  const project = path.join(home, 'new.candlemark');
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/serve.js')], {
    env: { ...process.env, HOME: home, CANDLEMARK_PROJECT: project },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const { url } = await printedUrl(child);
    const info = await callHost<{ path: string; series: unknown[]; counts: { windows: number } }>(url, 'project.info');
    expect(info.path).toBe(project);
    expect(info.series).toEqual([]);
    expect(info.counts.windows).toBe(0);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
});
