/**
 * The real browser host (bin/serve.js, the project in a worker thread) for specs that need the
 * host's own behaviour (the project menu, the default demo project): HOME in a temp folder, so
 * ~/.candlemark (recent list, projects folder, demo file) is the spec's own; a free port; a fixed
 * token. `stop()` ends it and removes the folder.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './helpers.ts';

export interface ServeHost {
  origin: string;
  home: string;
  stop(): Promise<void>;
}

export async function startServeHost(token: string, args: (home: string) => string[] = () => []): Promise<ServeHost> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'candlemark-e2e-home-'));
  const child = spawn(process.execPath, ['bin/serve.js', '--port', '0', ...args(home)], {
    cwd: REPO_ROOT,
    detached: true,
    env: { ...process.env, HOME: home, CANDLEMARK_TOKEN: token, CANDLEMARK_PROJECT: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const origin = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the host printed no URL within 60 s:\n${out}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /open (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => reject(new Error(`the host exited (${code}) before printing its URL:\n${out}`)));
  });
  return {
    origin,
    home,
    stop: async () => {
      if (child.pid !== undefined && child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        process.kill(-child.pid, 'SIGTERM');
        await exited;
      }
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}
