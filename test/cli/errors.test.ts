/**
 * The CLI's errors, class by class: the message (and located issues), never a stack trace, and the
 * exit code of the class (README "Exit codes"; core/service/error-status.ts). Real processes, real files.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, SHARED_DATA, tempDir } from '../helpers/paths.ts';
import { holdLock } from '../helpers/lock-holder.ts';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], opts: { env?: Record<string, string>; uid?: number } = {}): Run {
  const res = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin/candlemark.js'), ...args], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, ...opts.env },
    ...(opts.uid !== undefined ? { uid: opts.uid, gid: opts.uid } : {}),
  });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

/** Like cli(), without blocking this process's event loop (a lock holder's pipes must keep flowing). */
function cliAsync(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/candlemark.js'), ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const STACK = /\n\s+at /;

let dir: string;
let project: string;
beforeAll(() => {
  dir = tempDir();
  fs.chmodSync(dir, 0o755);
  project = path.join(dir, 'p.candlemark');
  expect(cli(['demo', '--seed', '3', '--bars', '600', '--project', project]).code).toBe(0);
});

describe('CLI errors: a message, no stack trace, an exit code per class', () => {
  it('invalid arguments → 2', () => {
    const r = cli(['windows', '--length=-5', '--project', project]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^candlemark windows: error: windows\.create: invalid arguments\n {2}length: /);
    expect(r.stderr).not.toMatch(STACK);
  });

  it('not found → 3: a missing run; a missing folder (nothing created)', () => {
    const r = cli(['evaluate', '--run', '999', '--project', project]);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe('candlemark evaluate: error: no run 999\n');
    const missing = path.join(dir, 'nope', 'p.candlemark');
    const m = cli(['info', '--project', missing]);
    expect(m.code).toBe(3);
    expect(m.stderr).toBe(
      `candlemark info: error: ${missing}: the folder ${path.join(dir, 'nope')} does not exist (create it first; Candlemark creates project files, not folders)\n`,
    );
    expect(fs.existsSync(path.join(dir, 'nope'))).toBe(false);
  });

  it('not a project → 3: a folder', () => {
    const folder = path.join(dir, 'folder.candlemark');
    fs.mkdirSync(folder);
    const r = cli(['info', '--project', folder]);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(`candlemark info: error: ${folder} is a folder, not a Candlemark project file\n`);
  });

  it('not allowed now → 5: importing a series that exists', () => {
    const p2 = path.join(dir, 'twice.candlemark');
    const csv = path.join(SHARED_DATA, 'spy_1d.csv');
    expect(cli(['import', csv, '--project', p2]).code).toBe(0);
    const r = cli(['import', csv, '--project', p2]);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/^candlemark import: error: series "spy_1d" already exists/);
    expect(r.stderr).not.toMatch(STACK);
  });

  it('read-only → 6: a project file without write permission', () => {
    const ro = path.join(dir, 'ro.candlemark');
    fs.copyFileSync(project, ro);
    fs.chmodSync(ro, 0o444);
    // Root ignores permissions: run the CLI as `nobody` then.
    const asRoot = process.getuid?.() === 0;
    const r = cli(['info', '--project', ro], asRoot ? { uid: 65534 } : {});
    if (r.stderr.includes('Cannot find module') || r.stderr.includes('EACCES: permission denied, open')) {
      console.log(`skipped: the CLI can't run as an unprivileged user here: ${r.stderr.slice(0, 300)}`);
      return;
    }
    expect(r.code).toBe(6);
    expect(r.stderr).toBe(`candlemark info: error: ${ro} is read-only (no permission to write it): make it writable to edit the project\n`);
  });

  it('busy → 7: another process holds the write lock past CANDLEMARK_BUSY_TIMEOUT_MS', async () => {
    const holder = await holdLock(project, 4000);
    const r = await cliAsync(['windows', '--length', '64', '--project', project], { CANDLEMARK_BUSY_TIMEOUT_MS: '200' });
    await holder.done;
    expect(r.code).toBe(7);
    expect(r.stderr).toBe(
      `candlemark windows: error: ${project} is being written by another process (Candlemark waited for its write lock and gave up): try again when it is done\n`,
    );
    // Without the lock, the same command goes through.
    expect(cli(['windows', '--length', '64', '--project', project]).code).toBe(0);
  }, 60_000);

  it('an internal fault → 1: the message and a hint, the stack only with CANDLEMARK_DEBUG=1; --json carries the error', () => {
    // A damaged project (a table dropped behind Candlemark's back) is a fault, not a caller's mistake.
    const damaged = path.join(dir, 'damaged.candlemark');
    fs.copyFileSync(project, damaged);
    const db = new Database(damaged);
    db.exec('DROP TABLE findings');
    db.close();
    const r = cli(['conflicts', '--json', '--project', damaged]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'candlemark conflicts: internal error: no such table: findings\n  (a fault in Candlemark: please report it; CANDLEMARK_DEBUG=1 prints the stack)\n',
    );
    expect(JSON.parse(r.stdout.trim().split('\n').pop()!)).toEqual({ error: { code: 'internal', message: 'no such table: findings', issues: [] } });
    const debug = cli(['conflicts', '--project', damaged], { env: { CANDLEMARK_DEBUG: '1' } });
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(STACK);
  });

  it('a bad CANDLEMARK_BUSY_TIMEOUT_MS is a usage error → 2', () => {
    const r = cli(['info', '--project', project], { env: { CANDLEMARK_BUSY_TIMEOUT_MS: 'soon' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('candlemark info: CANDLEMARK_BUSY_TIMEOUT_MS: expected a whole number of milliseconds, got "soon"\n');
  });
});
