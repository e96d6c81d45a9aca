/** Importing OHLCV series and reading bars. */
import path from 'node:path';
import { readOhlcvCsvFile, parseOhlcvCsv, OhlcvImportError, type ParsedOhlcv } from '../../import/index.ts';
import type { ServiceContext } from '../context.ts';
import { CandlemarkError } from '../errors.ts';
import type { CommandArgs } from '../schemas.ts';
import type { BarColumns, SeriesInfo } from '../../domain/types.ts';

/** A series id from a file name: "spy_1d.csv" -> "spy_1d". */
export function seriesIdFromPath(file: string): string {
  const base = path.basename(file).replace(/\.[^.]+$/, '');
  const cleaned = base.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  return cleaned.slice(0, 64) || 'series';
}

/** Parses a CSV completely (nothing is written when it has problems), as a typed service error. */
export async function parseSeriesCsv(ctx: ServiceContext, file: string, text?: string): Promise<{ bars: BarColumns; warnings: string[] }> {
  const onProgress = (f: number) => ctx.progress('import', f * 0.5, `reading ${path.basename(file)}`);
  let parsed: ParsedOhlcv;
  try {
    parsed = text === undefined ? await readOhlcvCsvFile(file, { onProgress }) : parseOhlcvCsv(text, file, { onProgress });
  } catch (err) {
    if (err instanceof OhlcvImportError) {
      const more = err.totalIssues > err.issues.length ? ` (showing ${err.issues.length} of ${err.totalIssues})` : '';
      throw new CandlemarkError('import-failed', `${file}: ${err.totalIssues} problem(s); nothing was imported${more}`, err.issues);
    }
    if (err && typeof err === 'object' && 'code' in err && (err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new CandlemarkError('not-found', `${file}: no such file`);
    }
    throw err;
  }
  return { bars: parsed.bars, warnings: parsed.warnings.map((w) => `${w.file}:${w.line ?? ''}: ${w.field ?? ''}: ${w.message}`) };
}

export async function importSeries(ctx: ServiceContext, args: CommandArgs<'series.import'>): Promise<{ series: SeriesInfo; warnings: string[] }> {
  return storeSeries(ctx, args.path, path.resolve(args.path), undefined, args.seriesId, args.replace);
}

export async function importSeriesText(ctx: ServiceContext, args: CommandArgs<'series.importText'>): Promise<{ series: SeriesInfo; warnings: string[] }> {
  return storeSeries(ctx, args.fileName, null, args.text, args.seriesId, args.replace);
}

async function storeSeries(ctx: ServiceContext, file: string, source: string | null, text: string | undefined, id: string | undefined, replace: boolean) {
  const seriesId = id ?? seriesIdFromPath(file);
  const existing = ctx.store.getSeries(seriesId);
  if (existing && !replace) {
    throw new CandlemarkError('invalid-operation', `series "${seriesId}" already exists (${existing.barCount} bars); pass replace to re-import it (labels are kept: they are stored by bar time)`);
  }
  const { bars, warnings } = await parseSeriesCsv(ctx, file, text);
  const series = ctx.store.insertSeries(seriesId, source, bars, {
    replace,
    onProgress: (f) => ctx.progress('import', 0.5 + f * 0.5, `storing ${bars.time.length} bars`),
  });
  ctx.forgetSeries(seriesId);
  ctx.progress('import', 1, 'done');
  ctx.events.emit('series.changed', { seriesId });
  return { series, warnings };
}

export function readBars(ctx: ServiceContext, args: CommandArgs<'bars.read'>) {
  const info = ctx.store.getSeries(args.seriesId);
  if (!info) throw new CandlemarkError('not-found', `no series "${args.seriesId}"`);
  const from = Math.min(args.from, info.barCount);
  const count = Math.max(0, Math.min(args.count, info.barCount - from));
  const bars = ctx.store.readBars(args.seriesId, from, count);
  // Plain arrays on the wire: typed arrays don't survive JSON.
  return {
    seriesId: args.seriesId,
    from,
    time: Array.from(bars.time),
    open: Array.from(bars.open),
    high: Array.from(bars.high),
    low: Array.from(bars.low),
    close: Array.from(bars.close),
    volume: bars.volume ? Array.from(bars.volume) : null,
  };
}
