/**
 * `CANDLEMARK_PROJECT=new.candlemark npm start` starts an empty project (issue 14, point 3): only
 * the built-in demo file is filled with demo data; anywhere else the demo is the analyst's choice.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from '../helpers/paths.ts';

it('a new project named by CANDLEMARK_PROJECT starts empty', async () => {
  const home = tempDir();
  const project = path.join(home, 'new.candlemark');
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/serve.js')], {
    env: { ...process.env, HOME: home, CANDLEMARK_PROJECT: project },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`no URL printed:\n${out}`)), 60_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /(http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      child.on('exit', (code) => reject(new Error(`exited ${code}:\n${out}`)));
    });
    const { origin, hash } = new URL(url);
    const token = new URLSearchParams(hash.slice(1)).get('token');
    const res = await fetch(`${origin}/api/call`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ command: 'project.info', args: {} }),
    });
    const info = ((await res.json()) as { result: { path: string; series: unknown[]; counts: { windows: number } } }).result;
    expect(info.path).toBe(project);
    expect(info.series).toEqual([]);
    expect(info.counts.windows).toBe(0);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
});
