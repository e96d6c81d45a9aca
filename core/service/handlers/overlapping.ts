/**
 * The labels around a stretch of bars: every window of the series sharing a bar with it, and
 * those windows' labels. The labelling screen draws them faintly behind the window being
 * labelled, so a span another window marked on the shared bars is never invisible there.
 */
import type { Label, WindowInfo } from '../../domain/types.ts';
import type { ServiceContext } from '../context.ts';
import { CandlemarkError } from '../errors.ts';
import type { CommandArgs } from '../schemas.ts';

/** Above this many windows, one query for the series' labels beats one (indexed) query per window. */
const PER_WINDOW_LABEL_READS = 256;

export function overlappingLabels(ctx: ServiceContext, a: CommandArgs<'labels.overlapping'>): { windows: WindowInfo[]; labels: Label[] } {
  if (!ctx.store.listSeries().some((s) => s.id === a.seriesId)) throw new CandlemarkError('not-found', `no series "${a.seriesId}"`);
  const windows = ctx.store.listWindowsOverlapping(a.seriesId, a.from, a.to).filter((w) => w.id !== a.excludeWindowId);
  let labels: Label[];
  if (windows.length > PER_WINDOW_LABEL_READS) {
    const ids = new Set(windows.map((w) => w.id));
    labels = ctx.store.listLabels({ seriesId: a.seriesId }).filter((l) => ids.has(l.windowId));
  } else {
    labels = windows.flatMap((w) => ctx.store.listLabels({ windowId: w.id }));
  }
  return { windows, labels };
}
