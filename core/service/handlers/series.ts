/** Importing OHLCV series (with detection and settings), previewing, exporting, resampling, reading bars. */
import path from 'node:path';
import {
  barsToCsv,
  checkSettings,
  previewCsv,
  readOhlcvCsvFile,
  parseOhlcvBufferAsync,
  resampleBars,
  OhlcvImportError,
  ResampleError,
  type Detected,
  type ImportSettings,
  type ParsedOhlcv,
} from '../../import/index.ts';
import { isKnownZone } from '../../import/zone.ts';
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

/**
 * Imports a caller named, per project: those in flight (series.cancelImport aborts them), and the
 * ids of recent cancels that came before their import. A page's Cancel can overtake its own import
 * request while a large file is still uploading (55 MB took longer than the page's retries on a
 * loaded machine, and the import then went through): such a cancel is kept, and the import that
 * arrives with its id is cancelled at once. Ids of imports that ended are remembered too, so a late
 * cancel of a finished import says so instead of leaving a cancel waiting.
 */
interface ImportIds {
  running: Map<string, AbortController>;
  cancelledEarly: Set<string>;
  ended: Set<string>;
}
const imports = new WeakMap<object, ImportIds>();
/** How many early cancels and ended ids are kept (oldest dropped first): ids are per page and import. */
const REMEMBERED_IDS = 64;

function importIds(ctx: ServiceContext): ImportIds {
  let ids = imports.get(ctx.shared);
  if (ids === undefined) imports.set(ctx.shared, (ids = { running: new Map(), cancelledEarly: new Set(), ended: new Set() }));
  return ids;
}

function remember(set: Set<string>, id: string): void {
  set.add(id);
  if (set.size > REMEMBERED_IDS) set.delete(set.values().next().value!);
}

function controllerFor(ctx: ServiceContext, importId: string | undefined): { signal?: AbortSignal; done: () => void } {
  if (importId === undefined) return { done: () => undefined };
  const ids = importIds(ctx);
  if (ids.running.has(importId)) throw new CandlemarkError('invalid-operation', `an import with id "${importId}" is already running`);
  const c = new AbortController();
  ids.running.set(importId, c);
  if (ids.cancelledEarly.delete(importId)) c.abort();
  return {
    signal: c.signal,
    done: () => {
      ids.running.delete(importId);
      remember(ids.ended, importId);
    },
  };
}

export function cancelImport(ctx: ServiceContext, args: CommandArgs<'series.cancelImport'>): { cancelled: boolean } {
  const ids = importIds(ctx);
  const c = ids.running.get(args.importId);
  if (c !== undefined) {
    c.abort();
    return { cancelled: true };
  }
  if (ids.ended.has(args.importId)) return { cancelled: false };
  // Not arrived yet (still uploading): it will be cancelled when it does.
  remember(ids.cancelledEarly, args.importId);
  return { cancelled: true };
}

function validSettings(s: ImportSettings | undefined): ImportSettings | undefined {
  if (s === undefined) return undefined;
  const bad = checkSettings(s);
  if (bad.length > 0)
    throw new CandlemarkError(
      'invalid-arguments',
      `invalid import settings: ${bad.join('; ')}`,
      bad.map((message) => ({ field: 'settings', message })),
    );
  return s;
}

/** Parses a CSV completely (nothing is written when it has problems), as a typed service error. */
export async function parseSeriesCsv(
  ctx: ServiceContext,
  file: string,
  text?: string,
  settings?: ImportSettings,
  signal?: AbortSignal,
): Promise<{ bars: BarColumns; warnings: string[]; detected: Detected }> {
  const onProgress = (f: number) => ctx.progress('import', f * 0.5, `reading ${path.basename(file)}`);
  let parsed: ParsedOhlcv;
  try {
    const opts = { onProgress, settings, signal };
    // Text goes through the async parser too, so progress reaches the UI and a cancel can land between pieces.
    parsed = text === undefined ? await readOhlcvCsvFile(file, opts) : await parseOhlcvBufferAsync(Buffer.from(text, 'utf8'), file, opts);
  } catch (err) {
    if (err instanceof OhlcvImportError) {
      if (signal?.aborted) throw new CandlemarkError('cancelled', `${file}: import cancelled; nothing was imported`);
      const more = err.totalIssues > err.issues.length ? ` (showing ${err.issues.length} of ${err.totalIssues})` : '';
      throw new CandlemarkError('import-failed', `${file}: ${err.totalIssues} problem(s); nothing was imported${more}`, err.issues);
    }
    if (err && typeof err === 'object' && 'code' in err && (err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new CandlemarkError('not-found', `${file}: no such file`);
    }
    throw err;
  }
  return { bars: parsed.bars, warnings: parsed.warnings.map((w) => `${w.file}:${w.line ?? ''}: ${w.field ?? ''}: ${w.message}`), detected: parsed.detected };
}

export interface ImportResult {
  series: SeriesInfo;
  warnings: string[];
  detected: Detected;
  /** The settings the file was read with (given, or reused from the series' last import). */
  settings: ImportSettings | null;
}

export async function importSeries(ctx: ServiceContext, args: CommandArgs<'series.import'>): Promise<ImportResult> {
  return storeSeries(ctx, args.path, path.resolve(args.path), undefined, args);
}

export async function importSeriesText(ctx: ServiceContext, args: CommandArgs<'series.importText'>): Promise<ImportResult> {
  return storeSeries(ctx, args.fileName, null, args.text, args);
}

interface StoreArgs {
  seriesId?: string;
  replace: boolean;
  settings?: ImportSettings;
  importId?: string;
}

async function storeSeries(ctx: ServiceContext, file: string, source: string | null, text: string | undefined, args: StoreArgs): Promise<ImportResult> {
  const seriesId = args.seriesId ?? seriesIdFromPath(file);
  const existing = ctx.store.getSeries(seriesId);
  if (existing && !args.replace) {
    throw new CandlemarkError(
      'invalid-operation',
      `series "${seriesId}" already exists (${existing.barCount} bars); pass replace to re-import it (labels are kept: they are stored by bar time)`,
    );
  }
  // Re-import without settings reads the file the way it was read last time.
  let settings = validSettings(args.settings);
  // An empty settings object (the dialog's default) says nothing: treat it as none.
  if (settings !== undefined && Object.values(settings).every((v) => v === undefined)) settings = undefined;
  if (settings === undefined && existing) {
    const stored = ctx.store.getImportSettings(seriesId);
    if (stored !== null) settings = JSON.parse(stored) as ImportSettings;
  }
  const ctl = controllerFor(ctx, args.importId);
  try {
    const { bars, warnings, detected } = await parseSeriesCsv(ctx, file, text, settings, ctl.signal);
    // One more turn of the event loop: a cancel that came in while the last rows were checked is
    // seen here, not after the (uninterruptible) store.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (ctl.signal?.aborted) throw new CandlemarkError('cancelled', `${file}: import cancelled; nothing was imported`);
    const series = ctx.store.insertSeries(seriesId, source, bars, {
      replace: args.replace,
      importSettings: settings === undefined || Object.keys(settings).length === 0 ? null : JSON.stringify(settings),
      onProgress: (f) => ctx.progress('import', 0.5 + f * 0.5, `storing ${bars.time.length} bars`),
    });
    ctx.forgetSeries(seriesId);
    ctx.progress('import', 1, 'done');
    ctx.events.emit('series.changed', { seriesId });
    return { series, warnings, detected, settings: settings ?? null };
  } finally {
    ctl.done();
  }
}

export function previewSeries(_ctx: ServiceContext, args: CommandArgs<'series.preview'>) {
  return previewCsv(args.text, args.fileName, validSettings(args.settings) ?? {}, args.rows);
}

function allBars(ctx: ServiceContext, seriesId: string): { info: SeriesInfo; bars: BarColumns } {
  const info = ctx.store.getSeries(seriesId);
  if (!info) throw new CandlemarkError('not-found', `no series "${seriesId}"`);
  return { info, bars: ctx.store.readBars(seriesId, 0, info.barCount) };
}

export function exportSeriesText(ctx: ServiceContext, args: CommandArgs<'series.exportText'>): { seriesId: string; barCount: number; text: string } {
  const { info, bars } = allBars(ctx, args.seriesId);
  return { seriesId: args.seriesId, barCount: info.barCount, text: barsToCsv(bars) };
}

export function resampleSeries(ctx: ServiceContext, args: CommandArgs<'series.resample'>): { series: SeriesInfo; from: string; to: string; sessionTz: string } {
  if (args.sessionTz !== undefined && !isKnownZone(args.sessionTz)) {
    throw new CandlemarkError(
      'invalid-arguments',
      `sessionTz: expected an IANA time zone name such as America/New_York, got ${JSON.stringify(args.sessionTz)}`,
      [{ field: 'sessionTz', message: 'unknown time zone' }],
    );
  }
  const existing = ctx.store.getSeries(args.as);
  if (existing && !args.replace)
    throw new CandlemarkError('invalid-operation', `series "${args.as}" already exists (${existing.barCount} bars); pass replace to overwrite it`);
  const { bars } = allBars(ctx, args.seriesId);
  let out: BarColumns;
  try {
    out = resampleBars(bars, args.to, args.sessionTz);
  } catch (e) {
    if (e instanceof ResampleError) throw new CandlemarkError('invalid-operation', `cannot resample "${args.seriesId}" to ${args.to}: ${e.message}`);
    throw e;
  }
  const source = `resampled from ${args.seriesId} to ${args.to}${args.sessionTz ? ` (session days in ${args.sessionTz})` : ' (UTC buckets)'}`;
  const series = ctx.store.insertSeries(args.as, source, out, { replace: args.replace });
  ctx.forgetSeries(args.as);
  ctx.events.emit('series.changed', { seriesId: args.as });
  return { series, from: args.seriesId, to: args.to, sessionTz: args.sessionTz ?? 'UTC' };
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
