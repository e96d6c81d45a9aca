/** Counts over the whole project, aggregated in SQL (the home screen, `project.info`, diagnostics). */
import type { ProjectCounts } from '../domain/types.ts';
import type { StoreConnection } from './connection.ts';
import type { StoreStats } from './types.ts';

/**
 * The home screen's counts, aggregated in SQL: the renderer asks after every burst of edits, and
 * reading every window, label and finding row for it took ~100 ms on a 1,000,000-bar project.
 */
export function projectCounts(c: StoreConnection): ProjectCounts {
  const r = c.get1<{
    windows: number;
    labelledWindows: number;
    labels: number;
    windowsInConflict: number;
    open: number;
    resolved: number;
    ignored: number;
    runs: number;
  }>(
    `SELECT (SELECT count(*) FROM windows) AS windows,
            (SELECT count(*) FROM windows w WHERE w.reviewed = 1 OR EXISTS (SELECT 1 FROM labels l WHERE l.window_id = w.id)) AS labelledWindows,
            (SELECT count(*) FROM labels) AS labels,
            (SELECT count(*) FROM (SELECT window_a AS w FROM findings WHERE status = 'open'
                                   UNION SELECT window_b FROM findings WHERE status = 'open')) AS windowsInConflict,
            (SELECT count(*) FROM findings WHERE status = 'open') AS open,
            (SELECT count(*) FROM findings WHERE status = 'resolved') AS resolved,
            (SELECT count(*) FROM findings WHERE status = 'ignored') AS ignored,
            (SELECT count(*) FROM runs) AS runs`,
  )!;
  return {
    windows: r.windows,
    labelledWindows: r.labelledWindows,
    unlabelledWindows: r.windows - r.labelledWindows,
    windowsInConflict: r.windowsInConflict,
    labels: r.labels,
    findings: { open: r.open, resolved: r.resolved, ignored: r.ignored },
    runs: r.runs,
  };
}

export function stats(c: StoreConnection): StoreStats {
  return c.get1<StoreStats>(
    `SELECT (SELECT count(*) FROM series) AS series,
            (SELECT coalesce(sum(bar_count), 0) FROM series) AS bars,
            (SELECT count(*) FROM windows) AS windows,
            (SELECT count(*) FROM labels) AS labels,
            (SELECT count(DISTINCT window_id) FROM labels) AS labelledWindows,
            (SELECT count(*) FROM findings WHERE status = 'open') AS openFindings`,
  )!;
}
