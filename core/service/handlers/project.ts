/** The project overview: what the analyst's home screen and `candlemark info` show. */
import type { ServiceContext } from '../context.ts';

export function projectInfo(ctx: ServiceContext) {
  const store = ctx.store;
  const windows = store.listWindows();
  const labels = store.listLabels();
  const labelled = new Set(labels.map((l) => l.windowId));
  for (const w of windows) if (w.reviewed) labelled.add(w.id);
  const findings = store.listFindings();
  const inConflict = new Set<number>();
  for (const f of findings) {
    if (f.status !== 'open') continue;
    inConflict.add(f.windowA);
    inConflict.add(f.windowB);
  }
  return {
    path: store.path,
    series: store.listSeries(),
    windowSets: store.listWindowSets(),
    labelTypes: store.listLabelTypes(),
    counts: {
      windows: windows.length,
      labelledWindows: labelled.size,
      unlabelledWindows: windows.length - labelled.size,
      windowsInConflict: inConflict.size,
      labels: labels.length,
      findings: {
        open: findings.filter((f) => f.status === 'open').length,
        resolved: findings.filter((f) => f.status === 'resolved').length,
        ignored: findings.filter((f) => f.status === 'ignored').length,
      },
      runs: store.listRuns().length,
    },
    history: store.historyState(),
  };
}
