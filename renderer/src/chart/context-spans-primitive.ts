/**
 * Spans that other windows marked on the bars on screen, drawn faintly behind the candles
 * (zOrder 'bottom', under the current window's own bands): a light wash over the bars and a thin
 * coloured strip at the bottom, one row per overlapping window, so an analyst labelling window 2
 * sees what window 1 said about the bars they share. The owning window is named on hover (the
 * chart finds it with `bandAt`). Positions are logical indices (0 = first loaded bar).
 */
import type { IPrimitivePaneRenderer } from 'lightweight-charts';
import { FixedPaneView, StatePrimitive } from './state-primitive.ts';
import { barEdges, withAlpha } from './spans-primitive.ts';

type Target = Parameters<IPrimitivePaneRenderer['draw']>[0];

export interface ContextBand {
  /** First and last bar, logical indices (inclusive). */
  start: number;
  end: number;
  color: string;
  /** Row of its window in the bottom strip (0 = lowest). */
  row: number;
  /** E.g. "up · set 1 · window 2/54 · spy_1d · 2020-01-02": shown on hover. */
  title: string;
}

export interface ContextOverlay {
  bands: ContextBand[];
}

export const EMPTY_CONTEXT: ContextOverlay = { bands: [] };

/** Height of one row of the bottom strip, CSS pixels. */
export const ROW_PX = 5;

class ContextRenderer implements IPrimitivePaneRenderer {
  constructor(private readonly owner: ContextSpansPrimitive) {}

  draw(target: Target): void {
    const chart = this.owner.chart;
    const { bands } = this.owner.state;
    if (!chart || !bands.length) return;
    const ts = chart.timeScale();
    target.useBitmapCoordinateSpace(({ context: ctx, bitmapSize, horizontalPixelRatio: hr, verticalPixelRatio: vr }) => {
      const h = bitmapSize.height;
      const row = Math.max(2, Math.round(ROW_PX * vr));
      for (const b of bands) {
        const edges = barEdges(ts, b.start, b.end);
        if (!edges) continue;
        const x0 = Math.round(edges[0] * hr);
        const x1 = Math.max(x0 + 1, Math.round(edges[1] * hr));
        // A wash faint enough that the window's own spans and the candles stay the main thing.
        ctx.fillStyle = withAlpha(b.color, 0.07);
        ctx.fillRect(x0, 0, x1 - x0, h);
        const y = h - (b.row + 1) * (row + Math.round(vr));
        ctx.fillStyle = withAlpha(b.color, 0.75);
        ctx.fillRect(x0, y, x1 - x0, row);
      }
    });
  }
}

export class ContextSpansPrimitive extends StatePrimitive<ContextOverlay> {
  constructor() {
    super(EMPTY_CONTEXT);
  }
  protected makeViews() {
    return [new FixedPaneView(new ContextRenderer(this), 'bottom')];
  }
}

/** The band under a bar (logical index), narrowest first; null when none. */
export function contextBandAt(bands: ReadonlyArray<ContextBand>, logical: number): ContextBand[] {
  return bands.filter((b) => logical >= b.start && logical <= b.end).sort((a, b) => a.end - a.start - (b.end - b.start));
}
