/**
 * Opening a project file: what the path is (each problem its own message naming the path, nothing
 * created unless asked), whether it is a Candlemark SQLite file this app can read, the connection's
 * pragmas (WAL, synchronous=FULL, busy_timeout, foreign keys) and the pending migrations.
 * ProjectStore.open wraps the result.
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import Database from 'better-sqlite3';
import { ProjectFormatError, ProjectNotFoundError, ProjectOpenError } from './errors.ts';
import { APPLICATION_ID, SCHEMA_VERSION, migrate } from './migrations/index.ts';
import { DEFAULT_BUSY_TIMEOUT_MS } from './connection.ts';

export interface OpenOptions {
  /** Create the file (and its schema) when missing. */
  create?: boolean;
  /** Open read-only: no migrations, no writes, runs are not marked interrupted. */
  readonly?: boolean;
  /** Milliseconds a write waits for another connection's write lock (default DEFAULT_BUSY_TIMEOUT_MS). */
  busyTimeoutMs?: number;
}

/** An open, migrated connection to a project file. */
export interface OpenedProject {
  db: Database.Database;
  readonly: boolean;
  busyTimeoutMs: number;
  /** True when this open made a new project (the file was missing or empty). */
  created: boolean;
}

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

const canWrite = (p: string): boolean => {
  try {
    fs.accessSync(p, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * Checks what a project path is before SQLite touches it, so each problem gets its own message
 * naming the path, and nothing is created unless asked: returns the file's size, or -1 when it is
 * missing and may be created.
 */
function checkProjectPath(path: string, opts: { create: boolean; readonly: boolean }): number {
  const dir = nodePath.dirname(nodePath.resolve(path));
  let stat: fs.Stats;
  try {
    stat = fs.statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') throw new ProjectOpenError('missing-directory', path, `${path}: a part of the path before the file name is a file, not a folder`);
    if (code === 'EACCES') throw new ProjectOpenError('not-readable', path, `${path}: permission denied (a folder on the path can't be read)`);
    if (code !== 'ENOENT') throw e;
    let dirStat: fs.Stats | null = null;
    try {
      dirStat = fs.statSync(dir);
    } catch {
      dirStat = null;
    }
    if (!dirStat?.isDirectory()) {
      const why = `the folder ${dir} does not exist (create it first; Candlemark creates project files, not folders)`;
      throw new ProjectOpenError('missing-directory', path, `${path}: ${why}`);
    }
    if (!opts.create) throw new ProjectNotFoundError(path);
    if (!canWrite(dir)) throw new ProjectOpenError('read-only-directory', path, `cannot create ${path}: the folder ${dir} is read-only`);
    return -1;
  }
  if (stat.isDirectory()) throw new ProjectOpenError('is-directory', path, `${path} is a folder, not a Candlemark project file`);
  // A FIFO or a device would block or never end when read: only a plain file can be a project.
  if (!stat.isFile()) throw new ProjectFormatError('not-a-project', path, `${path} is not a Candlemark project (not a regular file)`);
  try {
    fs.accessSync(path, fs.constants.R_OK);
  } catch {
    throw new ProjectOpenError('not-readable', path, `${path} can't be read (permission denied)`);
  }
  if (!opts.readonly) {
    if (!canWrite(path)) {
      throw new ProjectOpenError('read-only-file', path, `${path} is read-only (no permission to write it): make it writable to edit the project`);
    }
    // WAL mode keeps <file>-wal and <file>-shm beside the project: SQLite must be able to create them.
    if (!canWrite(dir)) {
      throw new ProjectOpenError(
        'read-only-directory',
        path,
        `${path} is in a read-only folder (${dir}): Candlemark needs to create ${nodePath.basename(path)}-wal and -shm beside it; ` +
          'move the project to a writable folder',
      );
    }
  }
  return stat.size;
}

/**
 * Checks the path, opens the connection, sets its pragmas and (unless read-only) applies pending
 * migrations. The caller owns the returned handle (and closes it if what it does next fails).
 */
export function openProjectDatabase(path: string, opts: OpenOptions = {}): OpenedProject {
  const readonly = opts.readonly === true;
  // An empty file (e.g. left by a crash during creation) holds nothing to lose: it becomes a new
  // project only when the caller asked to create one, and is refused otherwise.
  const blankOk = opts.create === true && !readonly;
  const size = checkProjectPath(path, { create: blankOk, readonly });
  if (size === 0 && !blankOk) {
    const why = 'the file is empty; open it with create to make it a new project';
    throw new ProjectFormatError('not-a-project', path, `${path} is not a Candlemark project (${why})`);
  }
  if (size > 0) {
    const head = Buffer.alloc(16);
    const fd = fs.openSync(path, 'r');
    let n: number;
    try {
      n = fs.readSync(fd, head, 0, 16, 0);
    } finally {
      fs.closeSync(fd);
    }
    if (n < 16 || !head.equals(SQLITE_MAGIC)) {
      throw new ProjectFormatError('not-a-project', path, `${path} is not a Candlemark project (not an SQLite database)`);
    }
  }

  const busyTimeoutMs = opts.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  let db: Database.Database;
  try {
    db = new Database(path, { readonly, fileMustExist: size >= 0 });
  } catch (e) {
    throw new ProjectFormatError('not-a-project', path, `${path} is not a Candlemark project (${(e as Error).message})`);
  }
  try {
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    let appId: number;
    let version: number;
    try {
      appId = db.pragma('application_id', { simple: true }) as number;
      version = db.pragma('user_version', { simple: true }) as number;
    } catch (e) {
      throw new ProjectFormatError('not-a-project', path, `${path} is not a Candlemark project (${(e as Error).message})`);
    }
    if (appId !== APPLICATION_ID) {
      const tables = db.prepare("SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").pluck().get() as number;
      const blank = appId === 0 && version === 0 && tables === 0;
      if (!(blank && blankOk)) {
        const why = blank
          ? 'an empty SQLite database'
          : appId === 0
            ? `an SQLite database of another application (${tables} tables)`
            : `an SQLite database with application_id 0x${(appId >>> 0).toString(16)}`;
        throw new ProjectFormatError('not-a-project', path, `${path} is not a Candlemark project (${why})`);
      }
    }
    if (version > SCHEMA_VERSION) {
      throw new ProjectFormatError(
        'newer-than-app',
        path,
        `${path} was written by a newer Candlemark (schema v${version}; this app reads up to v${SCHEMA_VERSION})`,
      );
    }
    if (readonly) {
      if (version < SCHEMA_VERSION) {
        throw new ProjectFormatError(
          'needs-upgrade',
          path,
          `${path} uses an older project format (schema v${version}); open it for writing once to upgrade it to v${SCHEMA_VERSION}`,
        );
      }
    } else {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
    }
    db.pragma('foreign_keys = ON');
    if (!readonly) migrate(db);
    return { db, readonly, busyTimeoutMs, created: size <= 0 };
  } catch (e) {
    db.close();
    throw e;
  }
}
