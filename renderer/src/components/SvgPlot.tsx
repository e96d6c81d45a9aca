/**
 * The training view's charts as React SVG: line plots (live loss, report curves, the comparison
 * overlays) and grouped histograms (calibration). The options mirror the builders of the exported
 * reports (core/ml/eval/svg-plot.ts) so both read alike, but these render as elements: they follow
 * the theme, carry per-series data attributes tests can count, and show a tooltip per point.
 */
import { useMemo } from 'react';
import type { LineChartOptions, LineSeries, Marker } from '../../../core/ml/eval/svg-plot.ts';
import { Axes, MarkerLines, PlotFigure } from './results/PlotParts.tsx';
import { countRange, formatTick, pathData, plotBox, r2, seriesPoints, xRange, xScale, yRange, yScale } from './results/plot-geometry.ts';

export interface PlotSeries extends LineSeries {
  /** Written as data-series on the series' path and dots (default: the name). */
  id?: string;
  /** Index of one point to ring (the kept epoch, a chosen threshold). */
  highlight?: number | null;
}

export interface PlotOptions extends Omit<LineChartOptions, 'series'> {
  series: PlotSeries[];
  /** Formats y tick labels (default: the report's number format). */
  yFormat?: (v: number) => string;
  /** Explains the ringed points in the legend (e.g. "○ kept epoch"). */
  highlightLabel?: string;
}

const fmtPoint = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(1) : v.toFixed(3));

export function LinePlot({ options: o, testId }: { options: PlotOptions; testId?: string }) {
  const width = o.width ?? 560;
  const height = o.height ?? 280;
  const layout = useMemo(() => {
    const box = plotBox(width, height);
    const y = yRange(
      o.series.flatMap((s) => s.values),
      { domain: o.yDomain, scale: o.yScale },
    );
    const x = xRange(o.x, { domain: o.xDomain, integer: o.integerX });
    const sx = xScale(x, box);
    const sy = yScale(y, box);
    const series = o.series.map((s) => ({ s, points: seriesPoints(o.x, s.values, sx, sy, y.log) }));
    return { box, x, y, sx, sy, series };
  }, [o, width, height]);
  const { box, x, y, sx, sy, series } = layout;
  const legend = o.series.map((s, i) => ({ key: s.id ?? `${i}`, name: s.name, color: s.color, dashed: s.dashed }));
  const yLabel = o.yLabel ? o.yLabel + (y.log ? ' (log scale)' : '') : y.log ? 'log scale' : undefined;
  return (
    <PlotFigure title={o.title} testId={testId} legend={legend} box={box} footer={o.highlightLabel && <p className="plot-note">{o.highlightLabel}</p>}>
      <Axes
        box={box}
        yTicks={y.ticks.map((v) => ({ v, y: sy(v) }))}
        xTicks={x.ticks.map((v) => ({ v, x: sx(v) }))}
        xLabel={o.xLabel}
        yLabel={yLabel}
        yFormat={o.yFormat}
      />
      <MarkerLines box={box} markers={(o.markers ?? []).map((m: Marker, i) => ({ key: `m${i}`, x: sx(m.x), label: m.label, color: m.color }))} />
      {series.map(({ s, points }, k) => {
        const id = s.id ?? s.name;
        const drawn = points.filter((p) => p !== null);
        const showDots = s.dots ?? o.x.length <= 40;
        const ring = s.highlight != null ? points[s.highlight] : null;
        return (
          <g key={`${id}-${k}`} className="plot-series">
            <path
              d={pathData(points)}
              data-series={id}
              data-points={drawn.length}
              stroke={s.color}
              strokeWidth={2}
              fill="none"
              strokeLinejoin="round"
              strokeLinecap="round"
              strokeDasharray={s.dashed ? '6 4' : undefined}
            />
            {showDots &&
              drawn.map((p) => (
                <circle key={p.index} cx={p.x} cy={p.y} r={2.6} fill={s.color} data-series={id}>
                  <title>{`${s.name} · ${o.xLabel ?? 'x'} ${formatTick(o.x[p.index])}: ${fmtPoint(s.values[p.index] as number)}`}</title>
                </circle>
              ))}
            {ring && <circle className="plot-ring" cx={ring.x} cy={ring.y} r={5.5} stroke={s.color} strokeWidth={2} fill="none" data-highlight={id} />}
          </g>
        );
      })}
    </PlotFigure>
  );
}

export interface HistogramPlotOptions {
  title: string;
  /** Bin edges, bins + 1 values. */
  edges: number[];
  series: { id: string; name: string; color: string; values: number[] }[];
  markers?: (Marker & { id: string })[];
  xLabel?: string;
  yLabel?: string;
  yFormat?: (v: number) => string;
  width?: number;
  height?: number;
}

/** Bars of every series side by side within each bin (an empty bin draws nothing). */
export function HistogramPlot({ options: o, testId }: { options: HistogramPlotOptions; testId?: string }) {
  const width = o.width ?? 560;
  const height = o.height ?? 280;
  const box = plotBox(width, height);
  const y = countRange(o.series.flatMap((s) => s.values));
  const x = xRange(o.edges, {});
  // The same inset as LinePlot: a histogram and a line plot of one width and x range line up.
  const sx = xScale(x, box);
  const sy = yScale(y, box);
  const yFormat = o.yFormat ?? formatTick;
  const n = Math.max(1, o.series.length);
  const bars = [];
  for (let b = 0; b + 1 < o.edges.length; b++) {
    const bx0 = sx(o.edges[b]);
    const bw = sx(o.edges[b + 1]) - bx0;
    const w = (bw * 0.84) / n;
    for (let k = 0; k < o.series.length; k++) {
      const s = o.series[k];
      const v = s.values[b];
      if (!Number.isFinite(v) || v <= 0) continue;
      const top = sy(v);
      bars.push(
        <rect
          key={`${s.id}-${b}`}
          className="plot-bar"
          x={r2(bx0 + bw * 0.08 + k * w)}
          y={r2(top)}
          width={r2(Math.max(0.5, w - 0.6))}
          height={r2(box.bottom - top)}
          fill={s.color}
          data-series={s.id}
          data-bin={b}
        >
          <title>{`${s.name} · ${formatTick(o.edges[b])}–${formatTick(o.edges[b + 1])}: ${yFormat(v)}`}</title>
        </rect>,
      );
    }
  }
  return (
    <PlotFigure title={o.title} testId={testId} legend={o.series.map((s) => ({ key: s.id, name: s.name, color: s.color, box: true }))} box={box}>
      <Axes
        box={box}
        yTicks={y.ticks.map((v) => ({ v, y: sy(v) }))}
        xTicks={x.ticks.map((v) => ({ v, x: sx(v) }))}
        xLabel={o.xLabel}
        yLabel={o.yLabel}
        yFormat={yFormat}
      />
      <g className="plot-bars">{bars}</g>
      <MarkerLines box={box} markers={(o.markers ?? []).map((m) => ({ key: m.id, x: sx(m.x), label: m.label, color: m.color }))} />
    </PlotFigure>
  );
}

/** Data colours, chosen to read on both the light and the dark panel. */
export const PLOT_COLORS = {
  train: '#2563eb',
  val: '#ea580c',
  bar: '#0f8a6e',
  span: '#8b5cf6',
  marker: '#dc2626',
  slider: 'currentColor',
  inside: '#0d9488',
  outside: '#64748b',
};

/** One colour per compared run (cycled, dashed from the ninth run on). */
export const RUN_COLORS = ['#3b82f6', '#ea580c', '#16a34a', '#a855f7', '#db2777', '#0891b2', '#ca8a04', '#94a3b8'];
