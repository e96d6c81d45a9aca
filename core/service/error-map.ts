/**
 * The one mapping from what the parts of core throw (store, project format and open errors, CSV
 * and labels-file import errors, SQLite and file-system errors) to the service's error codes.
 * `service.call` and `CandlemarkService.open` pass every error through `toCandlemarkError`, so a
 * host only ever sees CandlemarkErrors, and `internal` is left for real faults (a bug, a full disk).
 */
import Database from 'better-sqlite3';
import { OhlcvImportError } from '../import/issues.ts';
import { InterchangeError } from '../interchange/labels.ts';
import { ProjectFormatError, ProjectNotFoundError, ProjectOpenError, StoreError, type StoreErrorCode } from '../store/errors.ts';
import { isBusyError } from '../store/project-store.ts';
import { CandlemarkError, type ErrorCode } from './errors.ts';

const STORE_CODES: Record<StoreErrorCode, ErrorCode> = {
  'not-found': 'not-found',
  exists: 'conflict',
  invalid: 'invalid-arguments',
  'type-in-use': 'conflict',
  'replace-conflict': 'conflict',
  'history-conflict': 'conflict',
  state: 'invalid-operation',
};

/** File-system errors a caller causes by naming a path (the file to import, the file to export to). */
const FS_CODES: Record<string, { code: ErrorCode; what: string }> = {
  ENOENT: { code: 'not-found', what: 'no such file or folder' },
  ENOTDIR: { code: 'not-found', what: 'a part of the path is not a folder' },
  EISDIR: { code: 'invalid-arguments', what: 'is a folder, not a file' },
  EACCES: { code: 'read-only', what: 'permission denied' },
  EPERM: { code: 'read-only', what: 'operation not permitted' },
  EROFS: { code: 'read-only', what: 'read-only file system' },
  ENAMETOOLONG: { code: 'invalid-arguments', what: 'file name too long' },
};

export interface MapContext {
  /** The open project's file, named in messages about the project itself (busy, read-only). */
  projectPath?: string;
}

/** The service error for `err`; the original is kept as `cause` (CANDLEMARK_DEBUG=1 makes the CLI print its stack). */
export function toCandlemarkError(err: unknown, ctx: MapContext = {}): CandlemarkError {
  if (err instanceof CandlemarkError) return err;
  const mapped = mapError(err, ctx);
  Object.defineProperty(mapped, 'cause', { value: err, enumerable: false, configurable: true });
  return mapped;
}

function mapError(err: unknown, ctx: MapContext): CandlemarkError {
  const project = ctx.projectPath ?? 'the project';
  if (err instanceof StoreError) return new CandlemarkError(STORE_CODES[err.code] ?? 'internal', err.message);
  // Their messages name the path and say what is wrong: no issue list needed.
  if (err instanceof ProjectNotFoundError) return new CandlemarkError('not-found', err.message);
  if (err instanceof ProjectFormatError) return new CandlemarkError('project-format', err.message);
  if (err instanceof ProjectOpenError) {
    const code: ErrorCode = err.code === 'missing-directory' ? 'not-found' : err.code === 'is-directory' ? 'project-format' : 'read-only';
    return new CandlemarkError(code, err.message);
  }
  if (err instanceof OhlcvImportError) {
    const more = err.totalIssues > err.issues.length ? ` (showing ${err.issues.length} of ${err.totalIssues})` : '';
    return new CandlemarkError('import-failed', `${err.file}: ${err.totalIssues} problem(s); nothing was imported${more}`, err.issues);
  }
  if (err instanceof InterchangeError) {
    return new CandlemarkError('import-failed', `${err.file}: ${err.issues.length} problem(s); nothing was imported`, err.issues);
  }
  if (isBusyError(err)) {
    return new CandlemarkError(
      'busy',
      `${project} is being written by another process (Candlemark waited for its write lock and gave up): try again when it is done`,
    );
  }
  if (err instanceof Database.SqliteError && err.code.startsWith('SQLITE_READONLY')) {
    return new CandlemarkError('read-only', `${project} can't be written (${err.message}): check the permissions of the file and its folder`);
  }
  const errno = errnoOf(err);
  if (errno) {
    const known = FS_CODES[errno.code];
    if (known) {
      const where = errno.path ?? 'a file';
      return new CandlemarkError(known.code, `${where}: ${known.what}`, errno.path ? [{ file: errno.path, message: known.what }] : []);
    }
  }
  const message = err instanceof Error ? err.message : String(err);
  return new CandlemarkError('internal', message);
}

function errnoOf(err: unknown): { code: string; path?: string } | null {
  if (!(err instanceof Error)) return null;
  const e = err as NodeJS.ErrnoException;
  if (typeof e.code !== 'string' || typeof e.syscall !== 'string') return null;
  return { code: e.code, path: typeof e.path === 'string' ? e.path : undefined };
}
