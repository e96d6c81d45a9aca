/**
 * Labelled-window import and export (JSON and CSV, see docs/formats.md). An import is checked
 * completely before anything is written, then written in one transaction and one undo step.
 */
import path from 'node:path';
import {
  readLabelsFile,
  parseLabelsJson,
  parseLabelsCsv,
  checkAgainstBars,
  serializeLabelsJson,
  serializeLabelsCsv,
  type LabelsDocument,
} from '../../interchange/index.ts';
import { assignSplit } from '../../windows/split.ts';
import type { ServiceContext } from '../context.ts';
import { CandlemarkError, type Issue } from '../errors.ts';
import type { CommandArgs } from '../schemas.ts';
import { parseSeriesCsv } from './series.ts';
import { inLabelChange } from './conflicts.ts';
import type { BarColumns, WindowInfo } from '../../domain/types.ts';
import { writeFileAtomic } from '../atomic-write.ts';

const TYPE_COLOURS = ['#26a69a', '#ef5350', '#42a5f5', '#ffa726', '#ab47bc', '#8d6e63', '#78909c', '#d4e157'];

// Parse errors (InterchangeError) and file errors become service errors in service.call (error-map.ts).
export async function importLabels(ctx: ServiceContext, args: CommandArgs<'labels.import'>) {
  return importDocument(ctx, await readLabelsFile(args.path), args.path, args.annotator ?? ctx.author);
}

/** From file contents: series CSV paths can't be resolved there, so the series must be in the project. */
export async function importLabelsText(ctx: ServiceContext, args: CommandArgs<'labels.importText'>) {
  const lower = args.fileName.toLowerCase();
  let doc: LabelsDocument;
  if (lower.endsWith('.json')) doc = parseLabelsJson(args.text, args.fileName);
  else if (lower.endsWith('.csv')) doc = parseLabelsCsv(args.text, args.fileName);
  else {
    throw new CandlemarkError('invalid-arguments', `${args.fileName}: expected a .json or .csv labels file`, [
      { field: 'fileName', message: 'expected .json or .csv' },
    ]);
  }
  return importDocument(ctx, { ...doc, series: doc.series.map((s) => ({ id: s.id, csv: null })) }, args.fileName, args.annotator ?? ctx.author);
}

/**
 * `annotator`: who imports; the author of spans whose file names nobody. A span's provenance in the
 * file is kept (an export → import round trip loses nothing); spans without an origin become 'imported'.
 */
async function importDocument(ctx: ServiceContext, doc: LabelsDocument, file: string, annotator: string) {
  // 1. Everything that can fail is read and checked first: series CSVs, then windows and spans against bars.
  const newSeries = new Map<string, { source: string; bars: BarColumns }>();
  const timesBySeries = new Map<string, Float64Array>();
  const missing: Issue[] = [];
  for (const s of doc.series) {
    if (ctx.store.getSeries(s.id)) {
      timesBySeries.set(s.id, ctx.timeIndex(s.id).times);
    } else if (s.csv) {
      const { bars } = await parseSeriesCsv(ctx, s.csv);
      newSeries.set(s.id, { source: s.csv, bars });
      timesBySeries.set(s.id, bars.time);
    } else {
      missing.push({ file: file, field: 'series', message: `series "${s.id}" is not in this project and the file gives no CSV for it` });
    }
  }
  for (const w of doc.windows) {
    if (!timesBySeries.has(w.series) && !doc.series.some((s) => s.id === w.series)) {
      missing.push({ file: file, window: w.id, field: 'series', message: `unknown series "${w.series}" (not in the file's series list nor in this project)` });
    }
  }
  if (missing.length) throw new CandlemarkError('import-failed', `${file}: ${missing.length} problem(s); nothing was imported`, missing);
  const barIssues = checkAgainstBars(doc, timesBySeries, file);
  if (barIssues.length) {
    throw new CandlemarkError('import-failed', `${file}: ${barIssues.length} problem(s); nothing was imported`, barIssues);
  }

  // 2. One transaction (with the findings it changes), one undo step.
  const touched: number[] = [];
  const createdSets: number[] = [];
  inLabelChange(
    ctx,
    () => {
      for (const [id, s] of newSeries) {
        ctx.store.insertSeries(id, s.source, s.bars);
        ctx.forgetSeries(id);
      }
      const existing = ctx.store.listLabelTypes();
      const names = new Set(existing.map((t) => t.name));
      const added = doc.labelTypes
        .filter((t) => !names.has(t.name))
        .map((t, i) => ({ name: t.name, color: t.color ?? TYPE_COLOURS[(existing.length + i) % TYPE_COLOURS.length], sortOrder: existing.length + i }));
      if (added.length) ctx.store.setLabelTypes([...existing, ...added]);

      ctx.store.editGroup(
        `import labels from ${path.basename(file)}`,
        () => {
          for (const seriesId of new Set(doc.windows.map((w) => w.series))) {
            const index = ctx.timeIndex(seriesId);
            const docWindows = doc.windows.filter((w) => w.series === seriesId);
            const placed = docWindows.map((w) => ({ doc: w, startIndex: index.indexOf(w.start), length: w.length }));
            const { windows: storeWindows, createdSetId } = findOrCreateWindows(ctx, seriesId, placed);
            if (createdSetId != null) createdSets.push(createdSetId);
            placed.forEach((p, i) => {
              const target = storeWindows[i];
              // Issue #12: the file speaks for the annotators it names (a span's own, else the importer), so
              // only their spans in the window are replaced; another annotator's spans there stay.
              const replaced = importedAuthors(p.doc.spans, annotator);
              for (const old of ctx.store.listLabels({ windowId: target.id })) if (replaced.has(old.author)) ctx.store.deleteLabel(old.id);
              for (const span of p.doc.spans) {
                ctx.store.addLabel(target.id, {
                  startTime: span.start,
                  endTime: span.end,
                  type: span.type,
                  confidence: span.confidence ?? 1,
                  note: '',
                  author: span.annotator ?? annotator,
                  origin: span.origin ?? 'imported',
                  originRun: span.run ?? null,
                  labelledAt: span.labelledAt,
                });
              }
              // A window in a labels file was looked at, even when it has no span.
              ctx.store.setWindowReviewed(target.id, true, annotator);
              touched.push(target.id);
            });
          }
        },
        annotator,
      );
      return { result: null, windowIds: touched };
    },
    { scope: 'all', labelsEvent: false },
  );
  for (const id of createdSets) ctx.events.emit('windows.changed', { setId: id });
  ctx.events.emit('labels.changed', { windowIds: touched });
  return {
    seriesImported: [...newSeries.keys()],
    windows: touched.length,
    spans: doc.windows.reduce((n, w) => n + w.spans.length, 0),
    openConflicts: ctx.store.countFindings('open'),
  };
}

/**
 * Whose spans a file's window replaces: every annotator its spans name (a span without one is the
 * importer's), or, for a window the file marks as having no span, the importer.
 */
export function importedAuthors(spans: ReadonlyArray<{ annotator?: string }>, importer: string): Set<string> {
  const out = new Set(spans.map((s) => s.annotator ?? importer));
  if (out.size === 0) out.add(importer);
  return out;
}

/**
 * Windows an earlier tool defined: reuse a window set of this series that already has every one of
 * them (a re-import), otherwise create an 'imported' set holding exactly these windows.
 */
function findOrCreateWindows(
  ctx: ServiceContext,
  seriesId: string,
  placed: Array<{ doc: LabelsDocument['windows'][number]; startIndex: number; length: number }>,
): { windows: WindowInfo[]; createdSetId: number | null } {
  for (const set of ctx.store.listWindowSets().filter((s) => s.seriesId === seriesId)) {
    const byPosition = new Map(ctx.store.listWindows({ setId: set.id }).map((w) => [`${w.startIndex}/${w.length}`, w]));
    const found = placed.map((p) => byPosition.get(`${p.startIndex}/${p.length}`));
    if (found.every((w) => w)) return { windows: found as WindowInfo[], createdSetId: null };
  }
  const lengths = placed.map((p) => p.length);
  const commonLength = mostCommon(lengths);
  const order = placed.map((p, i) => ({ p, i })).sort((a, b) => a.p.startIndex - b.p.startIndex);
  const roles = assignSplit(
    order.map((o) => o.p),
    { kind: 'chronological', valFraction: 0.2, seed: 1, gap: commonLength },
  );
  const rows = order.map((o, k) => ({ extId: o.p.doc.id, startIndex: o.p.startIndex, length: o.p.length, role: roles[k] }));
  const set = ctx.store.createWindowSet(
    { seriesId, origin: 'imported', length: commonLength, stride: null, split: 'chronological', valFraction: 0.2, seed: 1 },
    rows,
  );
  const byExt = new Map(ctx.store.listWindows({ setId: set.id }).map((w) => [w.extId, w]));
  return { windows: placed.map((p) => byExt.get(p.doc.id)!), createdSetId: set.id };
}

function mostCommon(values: number[]): number {
  const counts = new Map<number, number>();
  let best = values[0];
  for (const v of values) {
    const c = (counts.get(v) ?? 0) + 1;
    counts.set(v, c);
    if (c > (counts.get(best) ?? 0)) best = v;
  }
  return best;
}

/** Exports labelled windows (with spans, or reviewed with none) of one set or of the whole project. */
export function exportLabels(ctx: ServiceContext, args: CommandArgs<'labels.export'>) {
  const out = path.resolve(args.path);
  const format = out.toLowerCase().endsWith('.csv') ? 'csv' : out.toLowerCase().endsWith('.json') ? 'json' : null;
  if (!format)
    throw new CandlemarkError('invalid-arguments', `${args.path}: the file name must end in .json or .csv`, [
      { field: 'path', message: 'expected .json or .csv' },
    ]);
  const { doc, text } = buildExport(ctx, format, args.setId, path.dirname(out));
  writeFileAtomic(out, text);
  return { path: out, format, windows: doc.windows.length, spans: doc.windows.reduce((n, w) => n + w.spans.length, 0) };
}

/** The same export as text (a browser saves it as a download); series CSV paths are absolute. */
export function exportLabelsText(ctx: ServiceContext, args: CommandArgs<'labels.exportText'>) {
  const { doc, text } = buildExport(ctx, args.format, args.setId, null);
  return { fileName: `labels.${args.format}`, text, windows: doc.windows.length, spans: doc.windows.reduce((n, w) => n + w.spans.length, 0) };
}

function buildExport(ctx: ServiceContext, format: 'json' | 'csv', setId: number | undefined, relativeTo: string | null): { doc: LabelsDocument; text: string } {
  const windows = ctx.store.listWindows(setId ? { setId: setId } : undefined);
  const labels = ctx.store.listLabels(setId ? { setId: setId } : undefined);
  const byWindow = new Map<number, typeof labels>();
  for (const l of labels) byWindow.set(l.windowId, [...(byWindow.get(l.windowId) ?? []), l]);
  const exported = windows.filter((w) => byWindow.has(w.id) || w.reviewed);
  const seriesIds = [...new Set(exported.map((w) => w.seriesId))];
  const doc: LabelsDocument = {
    version: 1,
    series: seriesIds.map((id) => {
      const source = ctx.store.getSeries(id)?.source ?? null;
      if (!source || relativeTo === null) return { id, csv: source };
      return { id, csv: path.relative(relativeTo, source).split(path.sep).join('/') };
    }),
    labelTypes: ctx.store.listLabelTypes().map((t) => ({ name: t.name, color: t.color })),
    windows: exported.map((w) => ({
      id: w.extId,
      series: w.seriesId,
      start: w.startTime,
      length: w.length,
      spans: (byWindow.get(w.id) ?? [])
        .sort((a, b) => a.startTime - b.startTime)
        .map((l) => ({
          start: l.startTime,
          end: l.endTime,
          type: l.type,
          confidence: l.confidence,
          // Provenance (issue #12): who, how, when. Labels from before schema v4 have no author ('').
          ...(l.author ? { annotator: l.author } : {}),
          origin: l.origin,
          ...(l.originRun !== null ? { run: l.originRun } : {}),
          labelledAt: l.updatedAt,
        })),
    })),
  };
  return { doc, text: format === 'csv' ? serializeLabelsCsv(doc) : serializeLabelsJson(doc) };
}
