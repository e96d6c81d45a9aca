/**
 * The store's connection: the better-sqlite3 handle with its prepared-statement cache, the
 * transaction rule every write follows, and the edit group in progress. The per-table modules
 * (series.ts, windows.ts, labels.ts, history.ts, findings.ts, runs.ts, review.ts, summary.ts) are
 * functions taking a StoreConnection; ProjectStore owns one and delegates to them.
 */
import Database from 'better-sqlite3';

/** How long a write waits for another process's write lock by default (its CLI import, say). */
export const DEFAULT_BUSY_TIMEOUT_MS = 30_000;

/** SQLITE_BUSY and its extended codes: another connection holds the lock. */
export function isBusyError(e: unknown): boolean {
  return e instanceof Database.SqliteError && /^SQLITE_(BUSY|LOCKED)/.test(e.code);
}

/** Blocks this thread for `ms` (the store is synchronous; a busy wait would burn a core). */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.max(0, ms));
}

/** The label edit group in progress (see history.ts), with its history_groups id once a change was recorded. */
export interface EditGroupState {
  description: string;
  id: number | null;
  annotator: string;
}

export class StoreConnection {
  private readonly statements = new Map<string, Database.Statement>();
  /** The edit group in progress (editGroup), with its history_groups id once a change was recorded. */
  group: EditGroupState | null = null;

  constructor(
    readonly db: Database.Database,
    readonly readonly: boolean,
    private readonly busyTimeoutMs: number,
  ) {}

  /** Prepared statement cache: every query is prepared once per connection. */
  stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }
  get1<T>(sql: string, ...params: unknown[]): T | undefined {
    return this.stmt(sql).get(...params) as T | undefined;
  }
  all<T>(sql: string, ...params: unknown[]): T[] {
    return this.stmt(sql).all(...params) as T[];
  }
  run(sql: string, ...params: unknown[]): Database.RunResult {
    return this.stmt(sql).run(...params);
  }

  /**
   * Run fn in one transaction (BEGIN IMMEDIATE, so concurrent writers wait instead of failing).
   * Nested calls join the outer transaction: an exception anywhere rolls back the whole outer one.
   *
   * Another process's write (the CLI on the same file) makes BEGIN wait: SQLite's busy_timeout
   * sleeps and retries for up to `busyTimeoutMs`. SQLite can also report BUSY without waiting (e.g.
   * while another connection recovers the WAL), so BEGIN is retried here too, with backoff, until the
   * same deadline. Only BEGIN is retried: once fn has run, its effects are rolled back and the
   * error is thrown (re-running fn could repeat what it did outside the database).
   */
  transaction<T>(fn: () => T): T {
    if (this.db.inTransaction) return fn();
    const deadline = Date.now() + this.busyTimeoutMs;
    for (let attempt = 0; ; attempt++) {
      let began = false;
      try {
        return this.db
          .transaction(() => {
            began = true;
            return fn();
          })
          .immediate();
      } catch (e) {
        const left = deadline - Date.now();
        if (began || !isBusyError(e) || left <= 0) throw e;
        sleepSync(Math.min(25 * 2 ** Math.min(attempt, 6), left));
      }
    }
  }
}
