/**
 * A ready-to-use project: a series (generated with known planted spans, or a real CSV with spans
 * found by a documented rule), windows of 128 bars with stride 64, labelled from that truth, and a
 * few deliberate contradictions between overlapping windows to find and resolve. With `unlabelled`
 * (the app's demo: DEMO_APP_UNLABELLED in schemas.ts) the latest share of the training windows is left unlabelled,
 * so a new user has windows to label; windows of a planted contradiction are always labelled (the
 * contradiction needs both).
 */
import path from 'node:path';
import { generateSeries } from '../../demo/generate.ts';
import { labelWindows } from '../../demo/annotate.ts';
import { findExpansionSpans } from '../../demo/heuristic-truth.ts';
import { cutWindows } from '../../windows/cut.ts';
import { assignSplit } from '../../windows/split.ts';
import type { ServiceContext } from '../context.ts';
import { CandlemarkError } from '../errors.ts';
import type { CommandArgs } from '../schemas.ts';
import { parseSeriesCsv, seriesIdFromPath } from './series.ts';
import { inLabelChange } from './conflicts.ts';
import type { BarColumns, IndexSpan } from '../../domain/types.ts';

const LENGTH = 128;
const STRIDE = 64;

/**
 * Indices of the windows left unlabelled: the latest `share` of the training windows (by start),
 * skipping those of planted contradictions.
 */
export function demoUnlabelledWindows(
  roles: readonly string[],
  share: number,
  planted: ReadonlyArray<{ windowIndexA: number; windowIndexB: number }>,
): Set<number> {
  const train = roles.flatMap((r, i) => (r === 'train' ? [i] : []));
  const keep = new Set(planted.flatMap((c) => [c.windowIndexA, c.windowIndexB]));
  const n = Math.floor(train.length * share);
  return new Set(train.slice(train.length - n).filter((i) => !keep.has(i)));
}

export async function createDemo(ctx: ServiceContext, args: CommandArgs<'demo.create'>) {
  let bars: BarColumns;
  let truth: IndexSpan[];
  let seriesId: string;
  let source: string | null = null;
  if (args.fromCsv) {
    ({ bars } = await parseSeriesCsv(ctx, args.fromCsv));
    truth = findExpansionSpans(bars);
    seriesId = seriesIdFromPath(args.fromCsv);
    source = path.resolve(args.fromCsv);
  } else {
    ({ bars, truth } = generateSeries({ seed: args.seed, bars: args.bars }));
    seriesId = `demo-${args.seed}`;
  }
  if (ctx.store.getSeries(seriesId)) {
    throw new CandlemarkError('invalid-operation', `this project already has a series "${seriesId}": create the demo in a new project file`);
  }
  if (bars.time.length < LENGTH) throw new CandlemarkError('invalid-arguments', `the series has ${bars.time.length} bars; a demo needs at least ${LENGTH}`);

  const cuts = cutWindows(bars.time.length, LENGTH, STRIDE);
  const roles = assignSplit(cuts, { kind: 'chronological', valFraction: 0.2, seed: args.seed, gap: LENGTH });
  const annotation = annotateWithContradictions(cuts, truth, args.seed, args.contradictions);
  const leftOut = demoUnlabelledWindows(roles, args.unlabelled, annotation.contradictions);
  const times = bars.time;

  let setId = 0;
  let spans = 0;
  // Series, windows, labels and the findings between them: one transaction.
  inLabelChange(
    ctx,
    () => {
      ctx.store.insertSeries(seriesId, source, bars, { onProgress: (f) => ctx.progress('demo', f * 0.6, 'storing bars') });
      const set = ctx.store.createWindowSet(
        { seriesId, origin: 'cut', length: LENGTH, stride: STRIDE, split: 'chronological', valFraction: 0.2, seed: args.seed },
        cuts.map((c, i) => ({ extId: `${seriesId}:${c.startIndex}`, startIndex: c.startIndex, length: c.length, role: roles[i] })),
      );
      setId = set.id;
      const windows = ctx.store.listWindows({ setId: set.id });
      ctx.store.editGroup('create demo labels', () => {
        annotation.windows.forEach((annotated, i) => {
          if (leftOut.has(i)) return;
          for (const span of annotated.spans) {
            ctx.store.addLabel(windows[i].id, {
              startTime: times[span.start],
              endTime: times[span.end],
              type: span.type,
              confidence: span.confidence,
              note: '',
              author: 'demo',
            });
            spans++;
          }
          ctx.store.setWindowReviewed(windows[i].id, true);
        });
      });
      // A fresh demo starts with an empty undo history: undoing "create demo" is not an edit.
      ctx.store.clearHistory();
      ctx.forgetSeries(seriesId);
      return { result: null, windowIds: [] };
    },
    { scope: 'all', labelsEvent: false },
  );
  ctx.progress('demo', 1, 'done');
  ctx.events.emit('series.changed', { seriesId });
  ctx.events.emit('windows.changed', { setId });
  return {
    seriesId,
    setId,
    bars: bars.time.length,
    windows: cuts.length,
    unlabelledWindows: leftOut.size,
    spans,
    plantedContradictions: annotation.contradictions.length,
    truthSpans: truth.length,
    openConflicts: ctx.store.countFindings('open'),
  };
}

/**
 * Plants as many of the requested contradictions as the series allows: a short series or a real
 * CSV with few spans has fewer spans in regions shared by two windows than asked for.
 */
function annotateWithContradictions(cuts: Array<{ startIndex: number; length: number }>, truth: IndexSpan[], seed: number, wanted: number) {
  for (let n = wanted; n > 0; n--) {
    try {
      return labelWindows(cuts, truth, { seed, contradictions: n });
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
    }
  }
  return labelWindows(cuts, truth, { seed, contradictions: 0 });
}
