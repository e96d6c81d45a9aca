/** The project overview: what the analyst's home screen and `candlemark info` show. */
import type { ServiceContext } from '../context.ts';

export function projectInfo(ctx: ServiceContext) {
  const store = ctx.store;
  return {
    path: store.path,
    series: store.listSeries(),
    windowSets: store.listWindowSets(),
    labelTypes: store.listLabelTypes(),
    counts: store.projectCounts(),
    history: store.historyState(),
  };
}
