/**
 * Draws a model's predicted spans as dashed outlines over the candles (zOrder 'top'), so they read
 * against the labels' filled bands underneath: same type colour, no fill but a faint wash, a tag
 * with the type and score at the bottom. The outline is inset from the top so a label's solid cap
 * stays visible above it. Positions are logical indices (0 = first loaded bar), like SpansPrimitive.
 */
import type { IPrimitivePaneRenderer } from 'lightweight-charts';
import { FixedPaneView, StatePrimitive } from './state-primitive.ts';
import { barEdges, withAlpha } from './spans-primitive.ts';

type Target = Parameters<IPrimitivePaneRenderer['draw']>[0];

export interface PredictedBand {
  /** First and last bar, logical indices (inclusive). */
  start: number;
  end: number;
  color: string;
  /** E.g. "up 0.82". */
  text: string;
  /** Drawn heavier: the span the sidebar points at. */
  emphasis?: boolean;
}

export interface PredictionsOverlay {
  bands: PredictedBand[];
  /** Background of the tag under the text (the chart's background). */
  tagBackground: string;
}

export const EMPTY_PREDICTIONS: PredictionsOverlay = { bands: [], tagBackground: '#ffffff' };

class PredictionsRenderer implements IPrimitivePaneRenderer {
  constructor(private readonly owner: PredictionsPrimitive) {}

  draw(target: Target): void {
    const chart = this.owner.chart;
    if (!chart) return;
    const { bands, tagBackground } = this.owner.overlay;
    if (!bands.length) return;
    const ts = chart.timeScale();
    target.useBitmapCoordinateSpace(({ context: ctx, bitmapSize, horizontalPixelRatio: hr, verticalPixelRatio: vr }) => {
      const h = bitmapSize.height;
      // Below a label's cap and name (drawn from the top), so both stay readable where they meet.
      const y0 = Math.round(22 * vr);
      const y1 = h - Math.round(2 * vr);
      ctx.font = `600 ${Math.round(10.5 * vr)}px system-ui, sans-serif`;
      ctx.textBaseline = 'middle';
      for (const band of bands) {
        const edges = barEdges(ts, band.start, band.end);
        if (!edges) continue;
        const x0 = Math.round(edges[0] * hr);
        const x1 = Math.max(x0 + 1, Math.round(edges[1] * hr));
        const w = x1 - x0;
        if (x1 < 0 || x0 > bitmapSize.width) continue;
        // A faint wash so the region reads as one even where candles cross the dashes.
        ctx.fillStyle = withAlpha(band.color, band.emphasis ? 0.1 : 0.05);
        ctx.fillRect(x0, y0, w, y1 - y0);
        const lw = Math.max(1, Math.round((band.emphasis ? 2.25 : 1.5) * hr));
        ctx.lineWidth = lw;
        ctx.strokeStyle = band.color;
        ctx.setLineDash([Math.round(6 * hr), Math.round(4 * hr)]);
        ctx.strokeRect(x0 + lw / 2, y0 + lw / 2, w - lw, y1 - y0 - lw);
        ctx.setLineDash([]);
        // The tag: type and score, bottom-left inside the outline, on the chart's background.
        const pad = Math.round(4 * hr);
        const tagH = Math.round(16 * vr);
        const textW = ctx.measureText(band.text).width;
        const tagW = textW + 2 * pad;
        // Only where the whole tag fits: a clipped "u…" reads as noise.
        if (tagW <= w - 2 * lw - 2) {
          const tx = x0 + lw + 1;
          const ty = y1 - lw - tagH - 1;
          ctx.fillStyle = withAlpha(tagBackground, 0.88);
          ctx.fillRect(tx, ty, tagW, tagH);
          ctx.fillStyle = band.color;
          ctx.fillRect(tx, ty, Math.round(2 * hr), tagH);
          ctx.fillText(band.text, tx + pad, ty + tagH / 2 + 0.5);
        }
      }
    });
  }
}

/** Predicted spans as dashed outlines on top of the candles and the label bands. */
export class PredictionsPrimitive extends StatePrimitive<PredictionsOverlay> {
  constructor() {
    super(EMPTY_PREDICTIONS);
  }
  get overlay(): PredictionsOverlay {
    return this.state;
  }
  protected makeViews() {
    return [new FixedPaneView(new PredictionsRenderer(this), 'top')];
  }
}
