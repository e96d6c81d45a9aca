/** Cutting a series into overlapping windows, with a train/validation split. */
import { cutWindows } from '../../windows/cut.ts';
import { assignSplit } from '../../windows/split.ts';
import type { ServiceContext } from '../context.ts';
import { CandlemarkError } from '../errors.ts';
import type { CommandArgs } from '../schemas.ts';
import type { WindowSetInfo } from '../../domain/types.ts';

/** The series a command is about: the one given, or the only one in the project. */
export function resolveSeriesId(ctx: ServiceContext, seriesId: string | undefined): string {
  if (seriesId) {
    if (!ctx.store.getSeries(seriesId)) throw new CandlemarkError('not-found', `no series "${seriesId}" in this project`);
    return seriesId;
  }
  const all = ctx.store.listSeries();
  if (all.length === 1) return all[0].id;
  if (all.length === 0) throw new CandlemarkError('invalid-operation', 'this project has no series yet: import a CSV first');
  throw new CandlemarkError('invalid-arguments', `this project has ${all.length} series (${all.map((s) => s.id).join(', ')}): say which one`, [
    { field: 'seriesId', message: 'required when the project has more than one series' },
  ]);
}

export function createWindows(ctx: ServiceContext, args: CommandArgs<'windows.create'>): WindowSetInfo {
  const seriesId = resolveSeriesId(ctx, args.seriesId);
  const info = ctx.store.getSeries(seriesId)!;
  if (info.barCount < args.length) {
    throw new CandlemarkError('invalid-arguments', `series "${seriesId}" has ${info.barCount} bars, fewer than one window of ${args.length}`, [
      { field: 'length', message: `at most ${info.barCount} for this series` },
    ]);
  }
  const cuts = cutWindows(info.barCount, args.length, args.stride);
  const roles = assignSplit(cuts, { kind: args.split, valFraction: args.valFraction, seed: args.seed, gap: args.length });
  const set = ctx.store.createWindowSet(
    { seriesId, origin: 'cut', length: args.length, stride: args.stride, split: args.split, valFraction: args.valFraction, seed: args.seed },
    cuts.map((w, i) => ({ extId: `${seriesId}:${w.startIndex}`, startIndex: w.startIndex, length: w.length, role: roles[i] })),
  );
  ctx.events.emit('windows.changed', { setId: set.id });
  return set;
}
