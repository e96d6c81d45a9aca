/**
 * Draws labelled spans as translucent bands behind the candles (zOrder 'bottom'), plus the shaded
 * current window and, in conflict view, two lanes (window A above, window B below) and the
 * disputed bars. Positions are logical indices of the chart's data (0 = first loaded bar), so the
 * bands follow scrolling and zooming without any React re-render: `set()` + requestUpdate().
 */
import type { IPrimitivePaneRenderer, ITimeScaleApi, Time } from 'lightweight-charts';
import { FixedPaneView, StatePrimitive } from './state-primitive.ts';

type Target = Parameters<IPrimitivePaneRenderer['draw']>[0];

export interface Band {
  /** First and last bar, logical indices (inclusive). */
  start: number;
  end: number;
  color: string;
  /** 0 = full height, 1 = upper lane, 2 = lower lane. */
  lane: 0 | 1 | 2;
  text?: string;
  selected?: boolean;
  /** A span being drawn or resized: dashed outline. */
  draft?: boolean;
}

export interface Overlay {
  /** The window being labelled (logical, inclusive); null = none. */
  window: { start: number; end: number } | null;
  windowFill: string;
  /** Disputed bars in conflict view. */
  highlight: { start: number; end: number } | null;
  highlightColor: string;
  laneText: [string, string] | null;
  textColor: string;
  bands: Band[];
}

export const EMPTY_OVERLAY: Overlay = {
  window: null,
  windowFill: 'transparent',
  highlight: null,
  highlightColor: 'transparent',
  laneText: null,
  textColor: '#888',
  bands: [],
};

/** '#26a69a' + alpha -> 'rgba(38,166,154,a)'. */
export function withAlpha(hex: string, alpha: number): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) return hex;
  return `rgba(${parseInt(m[1], 16)},${parseInt(m[2], 16)},${parseInt(m[3], 16)},${alpha})`;
}

/**
 * Media x of the left edge of bar `start` and the right edge of bar `end` (logical indices).
 * logicalToCoordinate only answers whole indices correctly (a fractional one came back as 0 in
 * v5.2), so edges are whole-bar centres plus or minus half the bar spacing.
 */
export function barEdges(ts: ITimeScaleApi<Time>, start: number, end: number): [number, number] | null {
  const a = ts.logicalToCoordinate(start as never);
  const b = ts.logicalToCoordinate(end as never);
  const a1 = ts.logicalToCoordinate((start + 1) as never);
  if (a == null || b == null || a1 == null) return null;
  const half = (a1 - a) / 2;
  return [a - half, b + half];
}

class SpansRenderer implements IPrimitivePaneRenderer {
  constructor(private readonly owner: SpansPrimitive) {}

  draw(target: Target): void {
    const chart = this.owner.chart;
    if (!chart) return;
    const o = this.owner.overlay;
    const ts = chart.timeScale();
    target.useBitmapCoordinateSpace(({ context: ctx, bitmapSize, horizontalPixelRatio: hr, verticalPixelRatio: vr }) => {
      const span = (start: number, end: number): [number, number] | null => {
        const edges = barEdges(ts, start, end);
        if (!edges) return null;
        const x0 = Math.round(edges[0] * hr);
        const x1 = Math.round(edges[1] * hr);
        return x1 > x0 ? [x0, x1] : [x0, x0 + 1];
      };
      const h = bitmapSize.height;
      const laneY = (lane: 0 | 1 | 2): [number, number] => (lane === 0 ? [0, h] : lane === 1 ? [0, Math.floor(h / 2) - 1] : [Math.ceil(h / 2) + 1, h]);

      if (o.window) {
        const x = span(o.window.start, o.window.end);
        if (x) {
          ctx.fillStyle = o.windowFill;
          ctx.fillRect(x[0], 0, x[1] - x[0], h);
        }
      }
      if (o.highlight) {
        const x = span(o.highlight.start, o.highlight.end);
        if (x) {
          ctx.fillStyle = o.highlightColor;
          ctx.fillRect(x[0], 0, x[1] - x[0], h);
        }
      }
      ctx.font = `${Math.round(11 * vr)}px system-ui, sans-serif`;
      ctx.textBaseline = 'top';
      for (const band of o.bands) {
        const x = span(band.start, band.end);
        if (!x) continue;
        const [y0, y1] = laneY(band.lane);
        const w = x[1] - x[0];
        // Light enough that candles of the same colour (red in a down span) stay readable; the cap carries the type.
        ctx.fillStyle = withAlpha(band.color, band.selected ? 0.26 : band.draft ? 0.12 : 0.14);
        ctx.fillRect(x[0], y0, w, y1 - y0);
        // A solid cap makes the type readable even where candles cover the band.
        ctx.fillStyle = band.color;
        ctx.fillRect(x[0], y0, w, Math.round(3 * vr));
        if (band.selected || band.draft) {
          ctx.strokeStyle = band.color;
          ctx.lineWidth = Math.max(1, Math.round((band.selected ? 2 : 1) * hr));
          ctx.setLineDash(band.draft ? [4 * hr, 3 * hr] : []);
          ctx.strokeRect(x[0] + ctx.lineWidth / 2, y0 + ctx.lineWidth / 2, w - ctx.lineWidth, y1 - y0 - ctx.lineWidth);
          ctx.setLineDash([]);
        }
        if (band.text && w > 24 * hr) {
          ctx.fillStyle = band.color;
          ctx.fillText(band.text, x[0] + 4 * hr, y0 + 6 * vr, w - 8 * hr);
        }
      }
      if (o.laneText) {
        ctx.fillStyle = o.textColor;
        ctx.strokeStyle = withAlpha('#808080', 0.6);
        ctx.lineWidth = Math.max(1, Math.round(hr));
        ctx.setLineDash([6 * hr, 4 * hr]);
        ctx.beginPath();
        ctx.moveTo(0, Math.round(h / 2));
        ctx.lineTo(bitmapSize.width, Math.round(h / 2));
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.font = `600 ${Math.round(11 * vr)}px system-ui, sans-serif`;
        ctx.fillText(o.laneText[0], 6 * hr, 20 * vr);
        ctx.fillText(o.laneText[1], 6 * hr, h / 2 + 8 * vr);
      }
    });
  }
}

/** Labelled spans as translucent bands behind the candles. */
export class SpansPrimitive extends StatePrimitive<Overlay> {
  constructor() {
    super(EMPTY_OVERLAY);
  }
  /** The bands, lanes and shading on screen (the state). */
  get overlay(): Overlay {
    return this.state;
  }
  protected makeViews() {
    return [new FixedPaneView(new SpansRenderer(this), 'bottom')];
  }
}
