/**
 * Several annotators' spans on one window, side by side (issue #12, point 4): the candle pane is cut
 * into one horizontal lane per annotator, each lane holding that annotator's spans as translucent
 * bands, with the annotator's name (and span count) at its top left. Like the conflict view's two
 * lanes, but for any number of annotators of the same window. Read-only: the chart's own editable
 * bands are off while lanes show. Positions are logical indices (0 = first loaded bar).
 */
import type { IPrimitivePaneRenderer } from 'lightweight-charts';
import { FixedPaneView, StatePrimitive } from './state-primitive.ts';
import { barEdges, withAlpha } from './spans-primitive.ts';

type Target = Parameters<IPrimitivePaneRenderer['draw']>[0];

export interface LaneBand {
  /** First and last bar, logical indices (inclusive). */
  start: number;
  end: number;
  color: string;
  text: string;
}

export interface AnnotatorLane {
  /** E.g. "alice (you) · 2 spans". */
  title: string;
  bands: LaneBand[];
}

export interface AnnotatorLanes {
  lanes: AnnotatorLane[];
  textColor: string;
  lineColor: string;
  /** The chart's background: behind a lane's title, so candles never hide who the lane is. */
  background: string;
}

export const EMPTY_LANES: AnnotatorLanes = { lanes: [], textColor: '#888', lineColor: '#888', background: '#fff' };

/** The lane (0 = top) a media y falls in, for a pane of height h. */
export function laneAt(y: number, h: number, lanes: number): number {
  if (lanes <= 0) return -1;
  return Math.max(0, Math.min(lanes - 1, Math.floor((y / h) * lanes)));
}

class LanesRenderer implements IPrimitivePaneRenderer {
  constructor(
    private readonly owner: AnnotatorLanesPrimitive,
    private readonly layer: 'bands' | 'text',
  ) {}

  draw(target: Target): void {
    const chart = this.owner.chart;
    const { lanes, textColor, lineColor, background } = this.owner.state;
    if (!chart || lanes.length === 0) return;
    const ts = chart.timeScale();
    target.useBitmapCoordinateSpace(({ context: ctx, bitmapSize, horizontalPixelRatio: hr, verticalPixelRatio: vr }) => {
      const h = bitmapSize.height;
      const laneH = h / lanes.length;
      lanes.forEach((lane, i) => {
        const y0 = Math.round(i * laneH);
        const y1 = Math.round((i + 1) * laneH);
        if (this.layer === 'bands') {
          for (const b of lane.bands) {
            const edges = barEdges(ts, b.start, b.end);
            if (!edges) continue;
            const x0 = Math.round(edges[0] * hr);
            const x1 = Math.max(x0 + 1, Math.round(edges[1] * hr));
            ctx.fillStyle = withAlpha(b.color, 0.28);
            ctx.fillRect(x0, y0 + 2, x1 - x0, y1 - y0 - 4);
            ctx.strokeStyle = withAlpha(b.color, 0.9);
            ctx.lineWidth = Math.max(1, Math.round(hr));
            ctx.strokeRect(x0 + 0.5, y0 + 2.5, x1 - x0 - 1, y1 - y0 - 5);
          }
          if (i > 0) {
            ctx.fillStyle = lineColor;
            ctx.fillRect(0, y0, bitmapSize.width, Math.max(1, Math.round(2 * vr)));
          }
          return;
        }
        ctx.font = `bold ${Math.round(12 * vr)}px sans-serif`;
        ctx.textBaseline = 'top';
        const w = ctx.measureText(lane.title).width;
        ctx.fillStyle = background;
        ctx.globalAlpha = 0.85;
        ctx.fillRect(2 * hr, y0 + 2 * vr, w + 8 * hr, 17 * vr);
        ctx.globalAlpha = 1;
        ctx.fillStyle = textColor;
        ctx.fillText(lane.title, 6 * hr, y0 + 4 * vr);
        ctx.font = `${Math.round(11 * vr)}px sans-serif`;
        for (const b of lane.bands) {
          const edges = barEdges(ts, b.start, b.end);
          if (!edges) continue;
          ctx.fillText(b.text, Math.round(edges[0] * hr) + 3 * hr, y1 - 16 * vr);
        }
      });
    });
  }
}

export class AnnotatorLanesPrimitive extends StatePrimitive<AnnotatorLanes> {
  constructor() {
    super(EMPTY_LANES);
  }
  protected makeViews() {
    return [new FixedPaneView(new LanesRenderer(this, 'bands'), 'bottom'), new FixedPaneView(new LanesRenderer(this, 'text'), 'top')];
  }
}
