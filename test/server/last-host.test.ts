/**
 * `npm start` restarted on the same project comes back at the same address (port and token), so an
 * open tab reconnects by itself (issue #9); when that port is taken it starts on a new one and says
 * so. The real bin/serve.js, a temp HOME (the address book is ~/.candlemark/hosts.json there).
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from '../helpers/paths.ts';
import { printedUrl } from '../helpers/host-process.ts';
import { readLastHost, saveLastHost } from '../../server/last-host.ts';

async function serveOnce(home: string, project: string): Promise<{ url: string; output: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/serve.js'), '--project', project], {
    env: { ...process.env, HOME: home, CANDLEMARK_TOKEN: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const { url, output } = await printedUrl(child);
  const stop = async () => {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  };
  return { url, output, stop };
}

describe('the browser host remembers its address per project', () => {
  it('reuses the last port and token when the port is free, and takes a new port (saying so) when not', async () => {
    const home = tempDir();
    const project = path.join(tempDir(), 'p.candlemark');
    const first = await serveOnce(home, project);
    await first.stop();
    const book = path.join(home, '.candlemark', 'hosts.json');
    expect(fs.statSync(book).mode & 0o777).toBe(0o600);
    const { port, hash } = new URL(first.url);
    expect(readLastHost(project, book)).toEqual({ port: Number(port), token: hash.slice('#token='.length) });

    const second = await serveOnce(home, project);
    await second.stop();
    expect(second.url).toBe(first.url);

    // Someone else holds the port now.
    const squatter = net.createServer();
    await new Promise<void>((r) => squatter.listen(Number(port), '127.0.0.1', () => r()));
    try {
      const third = await serveOnce(home, project);
      await third.stop();
      expect(new URL(third.url).port).not.toBe(port);
      expect(third.url).not.toBe(first.url);
      expect(third.output).toContain(`port ${port}, used last time for this project, is taken: starting on a new port`);
      expect(readLastHost(project, book)?.port).toBe(Number(new URL(third.url).port));
    } finally {
      await new Promise((r) => squatter.close(r));
    }
  });

  it('keeps other projects, and ignores a damaged address book', () => {
    const dir = tempDir();
    const book = path.join(dir, 'hosts.json');
    saveLastHost('/a.candlemark', { port: 4000, token: 'a'.repeat(20) }, book);
    saveLastHost('/b.candlemark', { port: 4001, token: 'b'.repeat(20) }, book);
    expect(readLastHost('/a.candlemark', book)).toEqual({ port: 4000, token: 'a'.repeat(20) });
    expect(readLastHost('/b.candlemark', book)?.port).toBe(4001);
    expect(readLastHost('/c.candlemark', book)).toBeNull();
    fs.writeFileSync(book, '{ not json');
    expect(readLastHost('/a.candlemark', book)).toBeNull();
    fs.writeFileSync(book, JSON.stringify({ '/a.candlemark': { port: 99999, token: 'x' } }));
    expect(readLastHost('/a.candlemark', book)).toBeNull();
  });
});

describe('the browser host on a project it cannot open', () => {
  it('says why in one line, with no stack trace, and exits with the code of the error class', () => {
    const dir = tempDir();
    const res = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin/serve.js'), '--project', dir], {
      env: { ...process.env, HOME: dir, CANDLEMARK_TOKEN: '' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(res.status).toBe(3); // project-format
    expect(res.stderr).toContain(`candlemark host: ${dir} is a folder, not a Candlemark project file`);
    expect(res.stderr).not.toMatch(/\n\s+at /);
    expect(res.stdout).not.toContain('http://');
  });
});
