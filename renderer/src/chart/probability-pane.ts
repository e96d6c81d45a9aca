/**
 * Review mode's probability pane under the candles and volume: the model's per-bar span
 * probability (soft head) or forward-backward marginal (CRF) as a line, the decision threshold as a
 * dashed price line (soft), the Viterbi path as a step band (CRF), and the window's labels as faint
 * bands behind, so probability and truth line up bar for bar. Chart time = series index, like the
 * candles, so the pane scrolls and zooms with them. Exists only while review mode is on.
 */
import {
  HistogramSeries,
  LineSeries,
  LineStyle,
  type IChartApi,
  type IPriceLine,
  type IPrimitivePaneRenderer,
  type ISeriesApi,
  type UTCTimestamp,
} from 'lightweight-charts';
import type { ChartPalette } from './palette.ts';
import { FixedPaneView, StatePrimitive } from './state-primitive.ts';
import { barEdges, withAlpha } from './spans-primitive.ts';

type Target = Parameters<IPrimitivePaneRenderer['draw']>[0];

export interface ProbabilityScene {
  /** Series index of the first value (the window's first bar). */
  start: number;
  /** One per bar: P(in span), in [0, 1]. */
  prob: number[];
  /** CRF only: 1 = in span on the Viterbi path, one per bar. */
  viterbi: number[] | null;
  head: 'soft' | 'crf';
  threshold: number;
  /** Label bands behind the line, in series indices. */
  labels: { start: number; end: number; color: string }[];
}

/** Probability line, threshold, Viterbi band: theme colours the canvas can't take from CSS. */
export interface ProbabilityColors {
  line: string;
  lineLow: string;
  threshold: string;
  viterbi: string;
  /** The Viterbi band's legend sample (the band itself is faint). */
  viterbiSolid: string;
  text: string;
  background: string;
}

export function probabilityColors(p: ChartPalette, dark: boolean): ProbabilityColors {
  return dark
    ? {
        line: '#60a5fa',
        lineLow: 'rgba(96,165,250,0.55)',
        threshold: '#fb923c',
        viterbi: 'rgba(167,139,250,0.30)',
        viterbiSolid: 'rgba(167,139,250,0.75)',
        text: p.text,
        background: p.background,
      }
    : {
        line: '#2563eb',
        lineLow: 'rgba(37,99,235,0.5)',
        threshold: '#c2410c',
        viterbi: 'rgba(124,58,237,0.20)',
        viterbiSolid: 'rgba(124,58,237,0.55)',
        text: p.text,
        background: p.background,
      };
}

/** The pane's stretch factors while it shows: candles, volume, probability. */
const REVIEW_STRETCH = [3, 0.85, 1.35];

/** One legend entry: a sample of how the thing is drawn, then its name. */
interface LegendItem {
  sample: 'line' | 'dash' | 'box';
  color: string;
  text: string;
}

interface LegendState {
  /** Logical index of the first chunk bar in chart data (= chunk.from), to place label bands. */
  from: number;
  labels: { start: number; end: number; color: string }[];
  items: LegendItem[];
  textColor: string;
  background: string;
}

/** 'bands': the labels behind the line; 'legend': the legend over it. */
type Part = 'bands' | 'legend';

class LegendRenderer implements IPrimitivePaneRenderer {
  constructor(
    private readonly owner: LegendPrimitive,
    private readonly part: Part,
  ) {}
  draw(target: Target): void {
    const chart = this.owner.chart;
    const s = this.owner.state;
    if (!chart || !s) return;
    const ts = chart.timeScale();
    target.useBitmapCoordinateSpace(({ context: ctx, bitmapSize, horizontalPixelRatio: hr, verticalPixelRatio: vr }) => {
      const h = bitmapSize.height;
      if (this.part === 'bands') this.drawBands(s, ctx, h, hr, vr, ts);
      else this.drawLegend(s, ctx, hr, vr);
    });
  }

  private drawBands(s: LegendState, ctx: CanvasRenderingContext2D, h: number, hr: number, vr: number, ts: ReturnType<IChartApi['timeScale']>) {
    for (const b of s.labels) {
      const edges = barEdges(ts, b.start - s.from, b.end - s.from);
      if (!edges) continue;
      const x0 = Math.round(edges[0] * hr);
      const x1 = Math.max(x0 + 1, Math.round(edges[1] * hr));
      ctx.fillStyle = withAlpha(b.color, 0.14);
      ctx.fillRect(x0, 0, x1 - x0, h);
      ctx.fillStyle = withAlpha(b.color, 0.7);
      ctx.fillRect(x0, h - Math.round(3 * vr), x1 - x0, Math.round(3 * vr));
    }
  }

  private drawLegend(s: LegendState, ctx: CanvasRenderingContext2D, hr: number, vr: number) {
    // Top-left, over the line, on a veil of the background.
    ctx.font = `600 ${Math.round(11 * vr)}px system-ui, sans-serif`;
    ctx.textBaseline = 'middle';
    const sampleW = Math.round(16 * hr);
    const gap = Math.round(6 * hr);
    const widths = s.items.map((it) => sampleW + gap + ctx.measureText(it.text).width);
    const total = widths.reduce((a, b) => a + b, 0) + (s.items.length - 1) * Math.round(14 * hr);
    const y = Math.round(13 * vr);
    let x = Math.round(8 * hr);
    ctx.fillStyle = withAlpha(s.background, 0.8);
    ctx.fillRect(x - Math.round(4 * hr), y - Math.round(9 * vr), total + Math.round(8 * hr), Math.round(18 * vr));
    s.items.forEach((it, i) => {
      ctx.strokeStyle = it.color;
      ctx.fillStyle = it.color;
      ctx.lineWidth = Math.max(1, Math.round((it.sample === 'line' ? 2 : 1.5) * hr));
      if (it.sample === 'box') ctx.fillRect(x + Math.round(3 * hr), y - Math.round(5 * vr), sampleW - Math.round(6 * hr), Math.round(10 * vr));
      else {
        ctx.setLineDash(it.sample === 'dash' ? [Math.round(3 * hr), Math.round(2 * hr)] : []);
        ctx.beginPath();
        ctx.moveTo(x, y);
        ctx.lineTo(x + sampleW, y);
        ctx.stroke();
        ctx.setLineDash([]);
      }
      ctx.fillStyle = s.textColor;
      ctx.fillText(it.text, x + sampleW + gap, y + 0.5);
      x += widths[i] + Math.round(14 * hr);
    });
  }
}

/** The label bands behind the probability line, and the legend on top of it. */
class LegendPrimitive extends StatePrimitive<LegendState | null> {
  constructor() {
    super(null);
  }
  protected makeViews() {
    return [new FixedPaneView(new LegendRenderer(this, 'bands'), 'bottom'), new FixedPaneView(new LegendRenderer(this, 'legend'), 'top')];
  }
}

export class ProbabilityPane {
  private readonly viterbi: ISeriesApi<'Histogram'>;
  private readonly line: ISeriesApi<'Line'>;
  private readonly legend = new LegendPrimitive();
  private threshold: IPriceLine | null = null;
  private colors: ProbabilityColors;
  private scene: ProbabilityScene | null = null;
  private from = 0;
  private readonly savedStretch: number[];

  constructor(
    private readonly chart: IChartApi,
    private readonly paneIndex: number,
    colors: ProbabilityColors,
  ) {
    this.colors = colors;
    this.savedStretch = chart.panes().map((p) => p.getStretchFactor());
    const fixed = () => ({ priceRange: { minValue: 0, maxValue: 1 } });
    const common = {
      priceLineVisible: false,
      lastValueVisible: false,
      autoscaleInfoProvider: fixed,
      priceFormat: { type: 'price' as const, precision: 2, minMove: 0.01 },
    };
    this.viterbi = chart.addSeries(HistogramSeries, { ...common, base: 0, color: colors.viterbi }, paneIndex);
    this.line = chart.addSeries(LineSeries, { ...common, lineWidth: 2, color: colors.line, crosshairMarkerRadius: 3 }, paneIndex);
    this.line.attachPrimitive(this.legend);
    this.line.priceScale().applyOptions({ scaleMargins: { top: 0.14, bottom: 0.04 } });
    const panes = chart.panes();
    REVIEW_STRETCH.forEach((f, i) => panes[i]?.setStretchFactor(f));
  }

  setColors(colors: ProbabilityColors): void {
    this.colors = colors;
    this.viterbi.applyOptions({ color: colors.viterbi });
    this.line.applyOptions({ color: colors.line });
    this.apply();
  }

  /** New probabilities (or none while the window's detail loads). `from` = chunk.from. */
  set(scene: ProbabilityScene | null, from: number): void {
    this.scene = scene;
    this.from = from;
    this.apply();
  }

  /** Points drawn, for tests: probability values and Viterbi bars. */
  counts(): { prob: number; viterbi: number } {
    return { prob: this.scene?.prob.length ?? 0, viterbi: this.scene?.viterbi?.length ?? 0 };
  }

  private apply(): void {
    const s = this.scene;
    const c = this.colors;
    if (this.threshold) {
      this.line.removePriceLine(this.threshold);
      this.threshold = null;
    }
    if (!s) {
      this.line.setData([]);
      this.viterbi.setData([]);
      this.legend.set(null);
      return;
    }
    const cut = s.head === 'soft' ? s.threshold : 0.5;
    this.line.setData(s.prob.map((p, i) => ({ time: (s.start + i) as UTCTimestamp, value: p, color: p >= cut ? c.line : c.lineLow })));
    this.viterbi.setData(s.viterbi ? s.viterbi.map((v, i) => ({ time: (s.start + i) as UTCTimestamp, value: v ? 1 : 0 })) : []);
    if (s.head === 'soft') {
      this.threshold = this.line.createPriceLine({
        price: s.threshold,
        color: c.threshold,
        lineWidth: 1,
        lineStyle: LineStyle.Dashed,
        axisLabelVisible: true,
        title: '',
      });
    }
    const items: LegendItem[] =
      s.head === 'crf'
        ? [
            { sample: 'line', color: c.line, text: 'P(span), CRF marginal' },
            { sample: 'box', color: c.viterbiSolid, text: 'Viterbi path' },
          ]
        : [
            { sample: 'line', color: c.line, text: 'P(span), soft head' },
            { sample: 'dash', color: c.threshold, text: `threshold ${s.threshold.toFixed(2)}` },
          ];
    if (s.labels.length) items.push({ sample: 'box', color: withAlpha(s.labels[0].color, 0.35), text: 'labels' });
    this.legend.set({ from: this.from, labels: s.labels, items, textColor: c.text, background: c.background });
  }

  remove(): void {
    this.chart.removeSeries(this.line);
    this.chart.removeSeries(this.viterbi);
    if (this.chart.panes().length > this.paneIndex) this.chart.removePane(this.paneIndex);
    const panes = this.chart.panes();
    this.savedStretch.forEach((f, i) => panes[i]?.setStretchFactor(f));
  }
}
