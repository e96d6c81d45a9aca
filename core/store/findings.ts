/**
 * Findings (contradictions between labels): stable keys so a recomputed finding keeps its status,
 * replacing the findings of a scope, reading and counting them, setting a status.
 */
import type { Finding, FindingStatus } from '../domain/types.ts';
import type { StoreConnection } from './connection.ts';
import { StoreError } from './errors.ts';
import { toFinding, type FindingRow } from './rows.ts';
import type { FindingInput, StoredFinding } from './types.ts';

/**
 * Stable identity of a finding across recomputations: same kind, same window pair, same bars.
 * A finding recomputed with the same key keeps its status (resolved/ignored).
 */
export function findingKey(f: Finding): string {
  return `${f.kind}|${f.windowA}|${f.windowB}|${f.startIndex}|${f.endIndex}`;
}

/**
 * Store recomputed findings. Findings whose key already exists are updated in place and keep their
 * status; findings within the scope (touching one of scope.windowIds, or all) whose key is not in
 * `findings` are deleted. Duplicate keys in the input: the most severe wins.
 */
export function replaceFindings(c: StoreConnection, scope: { windowIds: number[] } | 'all', findings: FindingInput[]): void {
  const byKey = new Map<string, FindingInput>();
  for (const f of findings) {
    const key = f.key ?? findingKey(f);
    const prev = byKey.get(key);
    if (!prev || f.severity > prev.severity) byKey.set(key, f);
  }
  c.transaction(() => {
    const now = Date.now();
    let existing: Array<{ id: number; key: string }>;
    if (scope === 'all') existing = c.all('SELECT id, key FROM findings');
    else {
      // Through the window_a / window_b indexes: an edit reads the findings of the windows it
      // touched, not every finding in the project.
      const byId = new Map<number, { id: number; key: string }>();
      const stmt = c.stmt('SELECT id, key FROM findings WHERE window_a = ? UNION SELECT id, key FROM findings WHERE window_b = ?');
      for (const w of new Set(scope.windowIds)) for (const r of stmt.all(w, w) as { id: number; key: string }[]) byId.set(r.id, r);
      existing = [...byId.values()];
    }
    for (const r of existing) if (!byKey.has(r.key)) c.run('DELETE FROM findings WHERE id = ?', r.id);
    for (const [key, f] of byKey) {
      c.run(
        `INSERT INTO findings (key, kind, window_a, window_b, series_id, start_index, end_index, severity, message, status, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?)
         ON CONFLICT(key) DO UPDATE SET kind = excluded.kind, window_a = excluded.window_a, window_b = excluded.window_b, series_id = excluded.series_id,
           start_index = excluded.start_index, end_index = excluded.end_index, severity = excluded.severity, message = excluded.message, updated_at = excluded.updated_at`,
        key,
        f.kind,
        f.windowA,
        f.windowB,
        f.seriesId,
        f.startIndex,
        f.endIndex,
        f.severity,
        f.message,
        now,
        now,
      );
    }
  });
}

/** Findings, most severe first. */
export function listFindings(c: StoreConnection, filter: { status?: FindingStatus; windowId?: number } = {}): StoredFinding[] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.status !== undefined) {
    where.push('status = ?');
    params.push(filter.status);
  }
  if (filter.windowId !== undefined) {
    where.push('(window_a = ? OR window_b = ?)');
    params.push(filter.windowId, filter.windowId);
  }
  return c.all<FindingRow>(`SELECT * FROM findings${where.length ? ' WHERE ' + where.join(' AND ') : ''} ORDER BY severity DESC, id`, ...params).map(toFinding);
}

/** One finding, or null. */
export function getFinding(c: StoreConnection, id: number): StoredFinding | null {
  const row = c.get1<FindingRow>('SELECT * FROM findings WHERE id = ?', id);
  return row ? toFinding(row) : null;
}

/** How many findings have the status (an indexed count; the UI asks after every edit). */
export function countFindings(c: StoreConnection, status: FindingStatus): number {
  return c.get1<{ n: number }>('SELECT COUNT(*) AS n FROM findings WHERE status = ?', status)!.n;
}

export function setFindingStatus(c: StoreConnection, id: number, status: FindingStatus): void {
  if (status !== 'open' && status !== 'resolved' && status !== 'ignored') throw new StoreError('invalid', `Unknown finding status "${String(status)}"`);
  if (c.run('UPDATE findings SET status = ?, updated_at = ? WHERE id = ?', status, Date.now(), id).changes !== 1) {
    throw new StoreError('not-found', `No finding ${id}`);
  }
}
