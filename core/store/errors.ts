/**
 * Typed errors of the project store. Callers (CLI, server, UI) switch on `code`, and show `message`
 * to the user as is: messages name the file or the offending value.
 */

/** The file exists but cannot be opened as a Candlemark project by this app. */
export type ProjectFormatErrorCode = 'not-a-project' | 'newer-than-app' | 'needs-upgrade';

export class ProjectFormatError extends Error {
  override readonly name = 'ProjectFormatError';
  constructor(
    readonly code: ProjectFormatErrorCode,
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

/** Opening a project that does not exist without `{ create: true }`. */
export class ProjectNotFoundError extends Error {
  override readonly name = 'ProjectNotFoundError';
  readonly code = 'missing' as const;
  constructor(readonly path: string) {
    super(`${path} does not exist (open it with create to make a new project)`);
  }
}

/**
 * The path can't be opened as a project for a reason outside the file's contents: its folder is
 * missing, it is a folder, or the file or its folder can't be written (SQLite's WAL mode creates
 * `<file>-wal` and `<file>-shm` next to the project, so the folder must be writable too).
 */
export type ProjectOpenErrorCode = 'missing-directory' | 'is-directory' | 'read-only-file' | 'read-only-directory' | 'not-readable';

export class ProjectOpenError extends Error {
  override readonly name = 'ProjectOpenError';
  constructor(
    readonly code: ProjectOpenErrorCode,
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

export type StoreErrorCode =
  /** A referenced series/window/label/run does not exist. */
  | 'not-found'
  /** An id (series id, window ext id) is already taken. */
  | 'exists'
  /** Input fails validation (bars not increasing, label outside its window, confidence out of range...). */
  | 'invalid'
  /** A label type that labels still use cannot be removed. */
  | 'type-in-use'
  /** Re-importing a series would drop bars that windows or labels refer to. */
  | 'replace-conflict'
  /** Undo/redo could not be applied (e.g. the history refers to a label type removed since). */
  | 'history-conflict'
  /** Called in a state where the operation is not allowed (e.g. undo inside an edit group). */
  | 'state';

export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly code: StoreErrorCode,
    message: string,
  ) {
    super(message);
  }
}
