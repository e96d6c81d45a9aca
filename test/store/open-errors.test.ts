/**
 * Opening a path that can't be a project: each case has its own message naming the path, its own
 * service error code, and nothing is created or changed. Real files, folders, permissions and a FIFO.
 *
 * Permissions: root ignores them (a 0444 file opens for writing), and these tests run as root here.
 * So the read-only cases run in a child process as user `nobody` when the test runs as root, and in a
 * plain child (after chmod) otherwise; when neither can work the test says why and is skipped.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CandlemarkService } from '../../core/service/service.ts';
import { CandlemarkError } from '../../core/service/errors.ts';
import { ProjectFormatError, ProjectNotFoundError, ProjectOpenError, ProjectStore } from '../../core/store/index.ts';
import { openProject } from '../../hosting/open-project.ts';
import { tempDir } from './helpers.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const child = path.join(here, 'open-child.ts');

let dir: string;
beforeEach(() => {
  dir = tempDir();
  // The unprivileged child must be able to reach the files.
  fs.chmodSync(dir, 0o755);
});
afterEach(() => {
  for (const f of fs.readdirSync(dir)) {
    try {
      fs.chmodSync(path.join(dir, f), 0o755);
    } catch {
      // a FIFO or an already removed file
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return null;
}

/** The service error of opening `file` (null when it opened). */
function serviceError(file: string, create: boolean): CandlemarkError | null {
  try {
    CandlemarkService.open(file, { create }).close();
    return null;
  } catch (e) {
    expect(e).toBeInstanceOf(CandlemarkError);
    return e as CandlemarkError;
  }
}

describe('clear errors when a project path is not usable', () => {
  it('a missing folder: not-found naming the folder, nothing created, even with create', () => {
    const file = path.join(dir, 'no', 'such', 'p.candlemark');
    const err = thrown(() => ProjectStore.open(file, { create: true }));
    expect(err).toBeInstanceOf(ProjectOpenError);
    expect((err as ProjectOpenError).code).toBe('missing-directory');
    expect((err as Error).message).toBe(
      `${file}: the folder ${path.join(dir, 'no', 'such')} does not exist (create it first; Candlemark creates project files, not folders)`,
    );
    const svc = serviceError(file, true);
    expect(svc?.code).toBe('not-found');
    expect(fs.existsSync(path.join(dir, 'no'))).toBe(false);
  });

  it('a missing file in an existing folder: not-found without create, created with it', () => {
    const file = path.join(dir, 'p.candlemark');
    expect(thrown(() => ProjectStore.open(file))).toBeInstanceOf(ProjectNotFoundError);
    expect(serviceError(file, false)?.message).toBe(`${file} does not exist (open it with create to make a new project)`);
    expect(fs.existsSync(file)).toBe(false);
    const s = CandlemarkService.open(file, { create: true });
    expect(s.created).toBe(true);
    s.close();
    const again = CandlemarkService.open(file);
    expect(again.created).toBe(false);
    again.close();
  });

  it('a folder: project-format, "is a folder", untouched', () => {
    const folder = path.join(dir, 'looks.candlemark');
    fs.mkdirSync(folder);
    const err = thrown(() => ProjectStore.open(folder, { create: true }));
    expect(err).toBeInstanceOf(ProjectOpenError);
    expect((err as ProjectOpenError).code).toBe('is-directory');
    const svc = serviceError(folder, true);
    expect(svc?.code).toBe('project-format');
    expect(svc?.message).toBe(`${folder} is a folder, not a Candlemark project file`);
    expect(fs.readdirSync(folder)).toEqual([]);
  });

  it('an empty file: refused without create (left empty); with create it becomes a new project', () => {
    const file = path.join(dir, 'empty.candlemark');
    fs.writeFileSync(file, '');
    const err = thrown(() => ProjectStore.open(file));
    expect(err).toBeInstanceOf(ProjectFormatError);
    const svc = serviceError(file, false);
    expect(svc?.code).toBe('project-format');
    expect(svc?.message).toBe(`${file} is not a Candlemark project (the file is empty; open it with create to make it a new project)`);
    expect(fs.statSync(file).size).toBe(0);
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
    // Asked to create: an empty file holds nothing to lose, and the service says it created a project.
    const s = CandlemarkService.open(file, { create: true });
    expect(s.created).toBe(true);
    s.close();
  });

  it('a FIFO: refused at once as not a regular file (reading it would block)', () => {
    const fifo = path.join(dir, 'pipe.candlemark');
    try {
      execFileSync('mkfifo', [fifo]);
    } catch (e) {
      console.log(`skipped: mkfifo is not available (${String(e)})`);
      return;
    }
    const svc = serviceError(fifo, true);
    expect(svc?.code).toBe('project-format');
    expect(svc?.message).toBe(`${fifo} is not a Candlemark project (not a regular file)`);
  });

  it('a path through a file: not-found, naming the path', () => {
    const file = path.join(dir, 'plain.txt');
    fs.writeFileSync(file, 'x');
    const svc = serviceError(path.join(file, 'p.candlemark'), true);
    expect(svc?.code).toBe('not-found');
    expect(svc?.message).toMatch(/plain\.txt\/p\.candlemark: a part of the path before the file name is a file/);
  });

  it('the browser host does not create a missing folder for a named project', async () => {
    const file = path.join(dir, 'missing-folder', 'p.candlemark');
    await expect(openProject(file, { demoIfNew: false })).rejects.toMatchObject({ code: 'not-found' });
    expect(fs.existsSync(path.join(dir, 'missing-folder'))).toBe(false);
  });
});

/** How to run the open child so that file permissions apply. */
function permissionRunner(): { run: (file: string, mode: 'create' | 'open', write?: boolean) => { ok: boolean; code?: string; message?: string } } | string {
  const asRoot = process.getuid?.() === 0;
  const opts = asRoot ? { uid: 65534, gid: 65534 } : {};
  const run = (file: string, mode: 'create' | 'open', write = false) => {
    const res = spawnSync(process.execPath, ['--import', 'tsx', child, file, mode, ...(write ? ['write'] : [])], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
      ...opts,
    });
    const line = res.stdout.trim().split('\n').pop() ?? '';
    if (!line.startsWith('{')) throw new Error(`open child failed (status ${res.status}): ${res.stderr.slice(0, 2000)}`);
    return JSON.parse(line) as { ok: boolean; code?: string; message?: string };
  };
  // Probe: can the runner's user open a writable project at all? (e.g. the repository not readable by `nobody`)
  const probeDir = tempDir();
  fs.chmodSync(probeDir, 0o777);
  try {
    const probe = run(path.join(probeDir, 'probe.candlemark'), 'create', true);
    if (!probe.ok) return `the ${asRoot ? 'unprivileged (nobody)' : ''} child could not create a project: ${probe.message}`;
  } catch (e) {
    return `no way to run the check without root's override of permissions: ${(e as Error).message}`;
  } finally {
    fs.rmSync(probeDir, { recursive: true, force: true });
  }
  return { run };
}

describe('read-only project files and folders', () => {
  const runner = permissionRunner();
  const why = typeof runner === 'string' ? runner : null;
  if (why) console.log(`skipped read-only checks: ${why}`);

  it.skipIf(why !== null)('a read-only file: read-only, naming the file, unchanged', () => {
    const { run } = runner as Exclude<typeof runner, string>;
    const file = path.join(dir, 'ro.candlemark');
    CandlemarkService.open(file, { create: true }).close();
    fs.chmodSync(file, 0o444);
    const before = fs.readFileSync(file);
    const r = run(file, 'open');
    expect(r).toMatchObject({ ok: false, code: 'read-only' });
    expect(r.message).toBe(`${file} is read-only (no permission to write it): make it writable to edit the project`);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it.skipIf(why !== null)('a read-only folder: read-only, naming the folder and the files SQLite needs there; nothing created', () => {
    const { run } = runner as Exclude<typeof runner, string>;
    const folder = path.join(dir, 'ro-folder');
    fs.mkdirSync(folder);
    const file = path.join(folder, 'p.candlemark');
    CandlemarkService.open(file, { create: true }).close();
    fs.chmodSync(file, 0o666);
    fs.chmodSync(folder, 0o555);
    const r = run(file, 'open');
    expect(r).toMatchObject({ ok: false, code: 'read-only' });
    expect(r.message).toBe(
      `${file} is in a read-only folder (${folder}): Candlemark needs to create p.candlemark-wal and -shm beside it; move the project to a writable folder`,
    );
    const created = run(path.join(folder, 'new.candlemark'), 'create');
    expect(created).toMatchObject({ ok: false, code: 'read-only' });
    expect(created.message).toBe(`cannot create ${path.join(folder, 'new.candlemark')}: the folder ${folder} is read-only`);
    expect(fs.readdirSync(folder).sort()).toEqual(['p.candlemark']);
  });
});
