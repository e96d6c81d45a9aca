/**
 * A run's predictions as a labelled-windows file (the interchange format of docs/formats.md, JSON
 * or CSV): every window of the set with the spans the run predicts there, each span's score as its
 * confidence. The predictions are review's (review.summary computes any that are missing), so the
 * file says exactly what review mode shows. Importing it as labels is the analyst's choice, not done here.
 */
import { serializeLabelsCsv, serializeLabelsJson, type LabelsDocument } from '../../interchange/labels.ts';
import type { ServiceContext } from '../context.ts';
import type { CommandArgs } from '../schemas.ts';
import { DEFAULT_BOUNDARY_TOLERANCE } from '../../review/compare-window.ts';
import { reviewSummary } from './review.ts';

export async function exportPredictions(ctx: ServiceContext, a: CommandArgs<'runs.exportPredictions'>) {
  const summary = await reviewSummary(ctx, { runId: a.runId, setId: a.setId, tolerance: DEFAULT_BOUNDARY_TOLERANCE, queueSize: 0 });
  const windows = new Map(ctx.store.listWindows({ setId: summary.setId }).map((w) => [w.id, w]));
  const rows = summary.windows.filter((r) => windows.has(r.windowId));
  const seriesIds = [...new Set(rows.map((r) => r.seriesId))];
  const doc: LabelsDocument = {
    version: 1,
    series: seriesIds.map((id) => ({ id, csv: null })),
    labelTypes: ctx.store.listLabelTypes().map((t) => ({ name: t.name, color: t.color })),
    windows: rows.map((r) => {
      const w = windows.get(r.windowId)!;
      return {
        id: w.extId,
        series: w.seriesId,
        start: w.startTime,
        length: w.length,
        spans: [...r.predicted]
          .sort((x, y) => x.startTime - y.startTime)
          .map((p) => ({ start: p.startTime, end: p.endTime, type: p.type, confidence: Math.round(p.score * 1000) / 1000 })),
      };
    }),
  };
  const text = a.format === 'csv' ? serializeLabelsCsv(doc) : serializeLabelsJson(doc);
  return {
    fileName: `candlemark-run-${a.runId}-predictions.${a.format}`,
    text,
    windows: doc.windows.length,
    spans: doc.windows.reduce((n, w) => n + w.spans.length, 0),
  };
}
