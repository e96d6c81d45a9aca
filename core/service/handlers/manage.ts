/**
 * Deleting window sets and runs (issue 14, point 3). Each command can be asked first with
 * `dryRun` for what it would take along (the app names it in its confirmation), and refuses a run
 * that is still training. Events tell the open views to re-read.
 */
import { renameSeries } from '../../store/manage.ts';
import {
  deleteFinishedRun,
  deleteSeriesWithSets,
  deleteWindowSet,
  listNames,
  renameRun,
  renameWindowSet,
  runDeletionImpact,
  seriesDeletionImpact,
  setDeletionImpact,
} from '../../store/manage.ts';
import { StoreError } from '../../store/errors.ts';
import type { ServiceContext } from '../context.ts';
import { CandlemarkError } from '../errors.ts';
import type { CommandArgs } from '../schemas.ts';

/** Store errors as the service's typed errors (a missing set is the caller's, not a server fault). */
function typed<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof StoreError)
      throw new CandlemarkError(e.code === 'not-found' ? 'not-found' : e.code === 'invalid' ? 'invalid-arguments' : 'invalid-operation', e.message);
    throw e;
  }
}

export function deleteSet(ctx: ServiceContext, a: CommandArgs<'windows.deleteSet'>) {
  if (a.dryRun) return { deleted: false, impact: typed(() => setDeletionImpact(ctx.store, a.setId)) };
  const impact = typed(() => deleteWindowSet(ctx.store, a.setId));
  ctx.events.emit('windows.changed', { setId: a.setId });
  ctx.events.emit('findings.changed', { open: ctx.store.countFindings('open') });
  return { deleted: true, impact };
}

export function deleteRunCommand(ctx: ServiceContext, a: CommandArgs<'runs.delete'>) {
  if (a.dryRun) return { deleted: false, impact: typed(() => runDeletionImpact(ctx.store, a.runId)) };
  return { deleted: true, impact: typed(() => deleteFinishedRun(ctx.store, a.runId)) };
}

export function deleteSeriesCommand(ctx: ServiceContext, a: CommandArgs<'series.delete'>) {
  if (a.dryRun) return { deleted: false, impact: typed(() => seriesDeletionImpact(ctx.store, a.seriesId)) };
  const impact = typed(() => deleteSeriesWithSets(ctx.store, a.seriesId));
  ctx.forgetSeries(a.seriesId);
  ctx.events.emit('series.changed', { seriesId: a.seriesId });
  for (const s of impact.sets) ctx.events.emit('windows.changed', { setId: s.setId });
  ctx.events.emit('findings.changed', { open: ctx.store.countFindings('open') });
  return { deleted: true, impact };
}

export const namesList = (ctx: ServiceContext) => listNames(ctx.store);

export function renameSetCommand(ctx: ServiceContext, a: CommandArgs<'windows.renameSet'>) {
  const name = typed(() => renameWindowSet(ctx.store, a.setId, a.name));
  ctx.events.emit('windows.changed', { setId: a.setId });
  return { setId: a.setId, name };
}

export function renameRunCommand(ctx: ServiceContext, a: CommandArgs<'runs.rename'>) {
  return { runId: a.runId, name: typed(() => renameRun(ctx.store, a.runId, a.name)) };
}

// --- issue 14 (h14b): rename a series --------------------------------------------------------------

/** Renames a series; a taken id is a 'conflict' (the store's 'exists', mapped by service.call). */
export function renameSeriesCommand(ctx: ServiceContext, a: CommandArgs<'series.rename'>) {
  const r = renameSeries(ctx.store, a.seriesId, a.to);
  if (r.from === r.to) return r;
  ctx.forgetSeries(r.from);
  ctx.events.emit('series.changed', { seriesId: r.from });
  ctx.events.emit('series.changed', { seriesId: r.to });
  for (const setId of r.setIds) ctx.events.emit('windows.changed', { setId });
  return r;
}
