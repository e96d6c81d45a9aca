/**
 * What the comparison view shows, fetched in one go: the service's comparison (decision matrix,
 * config diff, curves on a shared epoch axis) and each run's report (its threshold sweep and kept
 * epoch, which the comparison doesn't carry). Loaded together so the view never mixes a new
 * comparison with the previous selection's reports.
 */
import { call } from '../../api/client.ts';
import type { Comparison, RunReport } from '../../api/types.ts';

export interface ComparisonData {
  comparison: Comparison;
  /** Index-aligned with comparison.runs. */
  reports: RunReport[];
}

export async function loadComparison(runIds: number[]): Promise<ComparisonData> {
  const [compared, ...details] = await Promise.all([call('runs.compare', { runIds }), ...runIds.map((runId) => call('runs.get', { runId }))]);
  const comparison = compared.json;
  const byId = new Map(details.map((d) => [d.id, d.report]));
  const reports = comparison.runs.map((r, i) => {
    const report = byId.get(r.runId ?? runIds[i]);
    // runs.compare refuses runs without a report, so this only trips if a run changed in between.
    if (!report) throw new Error(`run ${r.runId ?? runIds[i]} has no report`);
    return report;
  });
  return { comparison, reports };
}
