/**
 * Candlesticks + volume (own pane) for the loaded bars, with span bands drawn by SpansPrimitive.
 * Mouse work happens here: drag across bars to create a span, drag a band's edge to resize it,
 * click to select. The chart's own drag-to-scroll is off so a drag always means "select bars".
 * All positions leaving this component are series bar indices.
 */
import { useEffect, useRef, useState } from 'react';
import {
  CandlestickSeries,
  createChart,
  HistogramSeries,
  LineSeries,
  PriceScaleMode,
  type IChartApi,
  type ISeriesApi,
  type UTCTimestamp,
} from 'lightweight-charts';
import { atr, sma } from './indicators.ts';
import type { ChartPrefs } from './chart-prefs.ts';
import type { BarsChunk } from '../api/types.ts';
import { PALETTES, type Theme } from './palette.ts';
import { EMPTY_PREDICTIONS, PredictionsPrimitive, type PredictedBand } from './predictions-primitive.ts';
import { ProbabilityPane, probabilityColors, type ProbabilityScene } from './probability-pane.ts';
import { barEdges, EMPTY_OVERLAY, SpansPrimitive, type Band, type Overlay } from './spans-primitive.ts';
import { contextBandAt, ContextSpansPrimitive, EMPTY_CONTEXT, type ContextBand } from './context-spans-primitive.ts';
import { AnnotatorLanesPrimitive, EMPTY_LANES, type LaneBand } from './annotator-lanes-primitive.ts';
import { formatBarTime, formatTick, isIntraday } from './time-format.ts';

/** A band in series indices; `id` set = an editable label of the current window. */
export interface SpanBand extends Omit<Band, 'start' | 'end'> {
  start: number;
  end: number;
  id?: number;
}

export interface ChartScene {
  chunk: BarsChunk;
  /** Bars in focus (series indices, inclusive): the window, or both windows in conflict view. */
  focus: { start: number; end: number };
  /** The region a new span is clamped to; null = read-only view. */
  editRange: { start: number; end: number } | null;
  window: { start: number; end: number } | null;
  highlight: { start: number; end: number } | null;
  laneText: [string, string] | null;
  bands: SpanBand[];
  /** Spans other (overlapping) windows marked on these bars, series indices: drawn faintly, named on hover. */
  context?: ContextBand[];
  /** Issue #12: each annotator's spans of the window in a lane of its own (series indices); absent = no lanes. */
  lanes?: Array<{ title: string; bands: Array<Omit<LaneBand, 'start' | 'end'> & { start: number; end: number }> }>;
  /** Instrumentation for tests and the bench: written to data-window-ready after the first paint. */
  readyKey: string;
}

/**
 * Review mode's layer: a run's predicted spans (outlined over the labels) and the probability pane.
 * Present (even with nothing in it yet) = review mode on: the pane stays while windows change.
 */
export interface ReviewLayer {
  /** Predicted spans in series indices. */
  predicted: (Omit<PredictedBand, 'start' | 'end'> & { start: number; end: number })[];
  /** Null while the window's prediction loads. */
  probability: ProbabilityScene | null;
  /** Instrumentation: written to data-review-ready once drawn. */
  key: string;
}

interface Props {
  scene: ChartScene | null;
  /** Null = review mode off. */
  review?: ReviewLayer | null;
  theme: Theme;
  draftColor: string;
  onCreate(start: number, end: number): void;
  onResize(id: number, start: number, end: number): void;
  onSelect(id: number | null): void;
  /** Bumped to frame every loaded bar again (fit / reset zoom). */
  fitSeq?: number;
  /** Bumped to frame just the focus (the window). */
  focusSeq?: number;
  /** Log price axis, moving averages. */
  prefs?: ChartPrefs;
}

/** Moving-average line colours, by position in the list (distinct from the up/down candle colours). */
const MA_COLORS = ['#f59e0b', '#8b5cf6', '#0ea5e9'];
const NO_PREFS: ChartPrefs = { log: false, ma: [], atrBands: false };
const ATR_PERIOD = 14;
const BAND_PERIOD = 20;

const EDGE_PX = 6;
const CLICK_PX = 3;

type Drag =
  | { kind: 'create'; anchor: number; current: number; x0: number; moved: boolean }
  | { kind: 'resize'; id: number; fixed: number; current: number; edge: 'start' | 'end'; x0: number; moved: boolean }
  | { kind: 'click'; x0: number; moved: boolean };

/** The probability pane's index: after candles (0) and volume (1). */
const PROBABILITY_PANE = 2;

export function CandleChart({ scene, review = null, theme, draftColor, onCreate, onResize, onSelect, fitSeq = 0, focusSeq = 0, prefs = NO_PREFS }: Props) {
  const hostRef = useRef<HTMLDivElement>(null);
  const chartRef = useRef<IChartApi | null>(null);
  const candlesRef = useRef<ISeriesApi<'Candlestick'> | null>(null);
  const volumeRef = useRef<ISeriesApi<'Histogram'> | null>(null);
  const primitiveRef = useRef<SpansPrimitive | null>(null);
  const contextRef = useRef<ContextSpansPrimitive | null>(null);
  const lanesRef = useRef<AnnotatorLanesPrimitive | null>(null);
  /** What the chart was last framed to (logical range), re-applied on resize until the analyst zooms. */
  const framedRef = useRef<{ from: number; to: number } | null>(null);
  const userZoomedRef = useRef(false);
  const [hoverText, setHoverText] = useState<{ text: string; x: number } | null>(null);
  const predictionsRef = useRef<PredictionsPrimitive | null>(null);
  const paneRef = useRef<ProbabilityPane | null>(null);
  const sceneRef = useRef<ChartScene | null>(scene);
  const dragRef = useRef<Drag | null>(null);
  const themeRef = useRef(theme);
  const handlers = useRef({ onCreate, onResize, onSelect, draftColor });
  handlers.current = { onCreate, onResize, onSelect, draftColor };
  sceneRef.current = scene;
  themeRef.current = theme;

  // Create the chart once; the scene effects below feed it.
  useEffect(() => {
    const host = hostRef.current!;
    const chart = createChart(host, {
      autoSize: true,
      handleScroll: { pressedMouseMove: false, mouseWheel: true, horzTouchDrag: false, vertTouchDrag: false },
      handleScale: { axisPressedMouseMove: true, mouseWheel: true, pinch: true },
      timeScale: { rightOffset: 0, borderVisible: true, tickMarkFormatter: (t: number) => tickLabel(sceneRef.current, t) },
      localization: { timeFormatter: (t: number) => crosshairLabel(sceneRef.current, t) },
      crosshair: { mode: 0 },
      // The logo is injected as markup with an inline <style>, which the served CSP blocks;
      // TradingView is credited in the help overlay and on the home page instead.
      layout: { attributionLogo: false },
    });
    const candles = chart.addSeries(CandlestickSeries, { priceLineVisible: false, lastValueVisible: false });
    const volume = chart.addSeries(HistogramSeries, { priceFormat: { type: 'volume' }, priceLineVisible: false, lastValueVisible: false }, 1);
    // Candles get three quarters of the height; the volume pane's edge can be dragged to resize it.
    const panes = chart.panes();
    panes[0]?.setStretchFactor(3);
    panes[1]?.setStretchFactor(1);
    // Other windows' spans first: drawn under this window's own bands.
    const context = new ContextSpansPrimitive();
    candles.attachPrimitive(context);
    contextRef.current = context;
    const primitive = new SpansPrimitive();
    candles.attachPrimitive(primitive);
    const lanes = new AnnotatorLanesPrimitive();
    candles.attachPrimitive(lanes);
    lanesRef.current = lanes;
    const predictions = new PredictionsPrimitive();
    candles.attachPrimitive(predictions);
    chartRef.current = chart;
    candlesRef.current = candles;
    volumeRef.current = volume;
    primitiveRef.current = primitive;
    predictionsRef.current = predictions;
    const publishGeometry = () => writeGeometry(host, chart, sceneRef.current);
    chart.timeScale().subscribeVisibleLogicalRangeChange(publishGeometry);
    // A resized chart (window, sidebar) keeps showing what it was framed to, unless the analyst zoomed.
    const refit = () => {
      const r = framedRef.current;
      if (r && !userZoomedRef.current) chart.timeScale().setVisibleLogicalRange(r);
      publishGeometry();
    };
    chart.timeScale().subscribeSizeChange(refit);
    return () => {
      chart.remove();
      chartRef.current = null;
      paneRef.current = null;
    };
  }, []);

  // Theme.
  useEffect(() => {
    const p = PALETTES[theme];
    const chart = chartRef.current!;
    chart.applyOptions({
      layout: { background: { color: p.background }, textColor: p.text, panes: { separatorColor: p.border } },
      grid: { vertLines: { color: p.grid }, horzLines: { color: p.grid } },
      rightPriceScale: { borderColor: p.border },
      timeScale: { borderColor: p.border },
    });
    candlesRef.current!.applyOptions({
      upColor: p.up,
      downColor: p.down,
      borderUpColor: p.up,
      borderDownColor: p.down,
      wickUpColor: p.up,
      wickDownColor: p.down,
    });
    if (sceneRef.current) setData(candlesRef.current!, volumeRef.current!, sceneRef.current, theme);
    paneRef.current?.setColors(probabilityColors(p, theme === 'dark'));
    paintOverlay(primitiveRef.current, sceneRef.current, null, theme, handlers.current.draftColor);
  }, [theme]);

  // New bars (a new window): replace the data, frame the focus, then mark the window ready.
  const chunk = scene?.chunk ?? null;
  const focusKey = scene ? `${scene.focus.start}-${scene.focus.end}-${scene.readyKey}` : '';
  useEffect(() => {
    const host = hostRef.current!;
    const s = sceneRef.current;
    host.removeAttribute('data-window-ready');
    if (!s) {
      candlesRef.current!.setData([]);
      volumeRef.current!.setData([]);
      primitiveRef.current!.set(EMPTY_OVERLAY);
      contextRef.current!.set(EMPTY_CONTEXT);
      return;
    }
    setData(candlesRef.current!, volumeRef.current!, s, themeRef.current);
    const n = s.chunk.time.length;
    // Show every loaded bar: the focus plus its context on each side.
    framedRef.current = { from: -0.5, to: n - 0.5 };
    userZoomedRef.current = false;
    chartRef.current!.timeScale().setVisibleLogicalRange(framedRef.current);
    paintOverlay(primitiveRef.current, s, null, themeRef.current, handlers.current.draftColor);
    const key = s.readyKey;
    let raf = requestAnimationFrame(() => {
      raf = requestAnimationFrame(() => {
        writeGeometry(host, chartRef.current!, s);
        host.setAttribute('data-window-ready', key);
        performance.mark(`window-ready:${key}`);
      });
    });
    return () => cancelAnimationFrame(raf);
  }, [chunk, focusKey]);

  // Bands change far more often than bars: only the primitive redraws.
  const bands = scene?.bands;
  const highlight = scene?.highlight;
  const laneText = scene?.laneText;
  useEffect(() => {
    paintOverlay(primitiveRef.current, sceneRef.current, dragRef.current, theme, handlers.current.draftColor);
  }, [bands, highlight, laneText, theme]);

  // Other windows' spans, in logical indices of the loaded bars.
  const context = scene?.context;
  useEffect(() => {
    const s = sceneRef.current;
    const host = hostRef.current!;
    const list = s && context ? context.map((b) => ({ ...b, start: b.start - s.chunk.from, end: b.end - s.chunk.from })) : [];
    contextRef.current?.set({ bands: list });
    host.dataset.contextBands = String(list.length);
  }, [context, chunk]);

  // Issue #12: annotators' lanes, in logical indices of the loaded bars.
  const lanes = scene?.lanes;
  useEffect(() => {
    const s = sceneRef.current;
    const host = hostRef.current!;
    const p = PALETTES[theme];
    const list =
      s && lanes ? lanes.map((l) => ({ title: l.title, bands: l.bands.map((b) => ({ ...b, start: b.start - s.chunk.from, end: b.end - s.chunk.from })) })) : [];
    lanesRef.current?.set(list.length ? { lanes: list, textColor: p.text, lineColor: p.border, background: p.background } : EMPTY_LANES);
    host.dataset.annotatorLanes = String(list.length);
    host.dataset.laneBands = String(list.reduce((n, l) => n + l.bands.length, 0));
  }, [lanes, chunk, theme]);

  // Log price axis and moving averages (computed on the loaded bars).
  const maKey = prefs.ma.join(',');
  const maRef = useRef<ISeriesApi<'Line'>[]>([]);
  useEffect(() => {
    chartRef.current?.priceScale('right').applyOptions({ mode: prefs.log ? PriceScaleMode.Logarithmic : PriceScaleMode.Normal });
    hostRef.current!.dataset.priceScale = prefs.log ? 'log' : 'linear';
  }, [prefs.log]);
  useEffect(() => {
    const chart = chartRef.current;
    if (!chart) return;
    const periods = maKey ? maKey.split(',').map(Number) : [];
    const lines = periods.map((p, i) =>
      chart.addSeries(
        LineSeries,
        {
          color: MA_COLORS[i % MA_COLORS.length],
          lineWidth: 1,
          priceLineVisible: false,
          lastValueVisible: false,
          crosshairMarkerVisible: false,
          title: `MA ${p}`,
        },
        0,
      ),
    );
    maRef.current = lines;
    const c = chunk;
    if (c) {
      periods.forEach((p, i) => {
        const avg = sma(c.close, p);
        lines[i].setData(avg.flatMap((v, k) => (Number.isNaN(v) ? [] : [{ time: (c.from + k) as UTCTimestamp, value: v }])));
      });
    }
    hostRef.current!.dataset.maLines = String(lines.length);
    return () => {
      if (chartRef.current) for (const l of lines) chart.removeSeries(l);
      maRef.current = [];
    };
  }, [maKey, chunk]);
  // ATR bands: MA 20 of the close ± 2 × ATR 14 (dashed), how far a bar usually moves.
  const atrOn = prefs.atrBands;
  useEffect(() => {
    const chart = chartRef.current;
    const c = chunk;
    if (!chart || !atrOn || !c) {
      if (hostRef.current) hostRef.current.dataset.atrBands = '0';
      return;
    }
    const mid = sma(c.close, BAND_PERIOD);
    const range = atr(c.high, c.low, c.close, ATR_PERIOD);
    const lines = [1, -1].map((sign) => {
      const line = chart.addSeries(
        LineSeries,
        {
          color: '#64748b',
          lineWidth: 1,
          lineStyle: 2,
          priceLineVisible: false,
          lastValueVisible: false,
          crosshairMarkerVisible: false,
          title: sign > 0 ? '+2 ATR' : '−2 ATR',
        },
        0,
      );
      line.setData(
        mid.flatMap((m, k) => (Number.isNaN(m) || Number.isNaN(range[k]) ? [] : [{ time: (c.from + k) as UTCTimestamp, value: m + sign * 2 * range[k] }])),
      );
      return line;
    });
    hostRef.current!.dataset.atrBands = '1';
    return () => {
      if (chartRef.current) for (const l of lines) chart.removeSeries(l);
    };
  }, [atrOn, chunk]);

  // Fit (every loaded bar) and focus (the window) on request.
  useEffect(() => {
    const s = sceneRef.current;
    if (!fitSeq || !s) return;
    framedRef.current = { from: -0.5, to: s.chunk.time.length - 0.5 };
    userZoomedRef.current = false;
    chartRef.current?.timeScale().setVisibleLogicalRange(framedRef.current);
  }, [fitSeq]);
  useEffect(() => {
    const s = sceneRef.current;
    if (!focusSeq || !s) return;
    framedRef.current = { from: s.focus.start - s.chunk.from - 0.5, to: s.focus.end - s.chunk.from + 0.5 };
    userZoomedRef.current = false;
    chartRef.current?.timeScale().setVisibleLogicalRange(framedRef.current);
  }, [focusSeq]);

  // Review mode: the probability pane exists while it is on (not torn down between windows).
  const reviewOn = review != null;
  useEffect(() => {
    const chart = chartRef.current;
    if (!reviewOn || !chart) return;
    const pane = new ProbabilityPane(chart, PROBABILITY_PANE, probabilityColors(PALETTES[themeRef.current], themeRef.current === 'dark'));
    paneRef.current = pane;
    const host = hostRef.current!;
    host.dataset.probPane = '1';
    return () => {
      paneRef.current = null;
      // On unmount the chart is gone already (its effect cleans up first): nothing left to tidy.
      if (chartRef.current) {
        pane.remove();
        predictionsRef.current?.set(EMPTY_PREDICTIONS);
      }
      for (const k of ['probPane', 'predicted', 'probPoints', 'viterbiPoints', 'reviewReady']) delete host.dataset[k];
    };
  }, [reviewOn]);

  // Review data of the window on screen: outlines on the candles, the line in the pane. Waits for
  // the bars it belongs to (its indices are series indices, placed against the loaded chunk).
  const reviewChunk = scene?.chunk ?? null;
  useEffect(() => {
    const host = hostRef.current!;
    const predictions = predictionsRef.current;
    const pane = paneRef.current;
    if (!review || !predictions || !pane || !reviewChunk) return;
    const from = reviewChunk.from;
    const bg = PALETTES[theme].background;
    predictions.set({ tagBackground: bg, bands: review.predicted.map((b) => ({ ...b, start: b.start - from, end: b.end - from })) });
    pane.set(review.probability, from);
    const counts = pane.counts();
    host.dataset.predicted = String(review.predicted.length);
    host.dataset.probPoints = String(counts.prob);
    host.dataset.viterbiPoints = String(counts.viterbi);
    const key = review.key;
    let raf = requestAnimationFrame(() => {
      raf = requestAnimationFrame(() => {
        host.dataset.reviewReady = key;
      });
    });
    return () => cancelAnimationFrame(raf);
  }, [review, reviewChunk, theme]);

  const drawOverlay = (drag: Drag | null) => paintOverlay(primitiveRef.current, sceneRef.current, drag, themeRef.current, handlers.current.draftColor);

  // --- mouse ---------------------------------------------------------------------------------

  const indexAt = (x: number): number | null => {
    const s = sceneRef.current;
    const chart = chartRef.current;
    if (!s || !chart) return null;
    const logical = chart.timeScale().coordinateToLogical(x);
    if (logical == null) return null;
    return s.chunk.from + Math.round(logical);
  };

  const clampToEdit = (idx: number): number => {
    const r = sceneRef.current!.editRange!;
    return Math.max(r.start, Math.min(r.end, idx));
  };

  /** The editable band edge within EDGE_PX of x, if any. */
  const edgeAt = (x: number): { id: number; edge: 'start' | 'end'; fixed: number } | null => {
    const s = sceneRef.current;
    const chart = chartRef.current;
    if (!s || !chart || !s.editRange) return null;
    const ts = chart.timeScale();
    let best: { id: number; edge: 'start' | 'end'; fixed: number; d: number } | null = null;
    for (const b of s.bands) {
      if (b.id == null) continue;
      const edges = barEdges(ts, b.start - s.chunk.from, b.end - s.chunk.from);
      if (!edges) continue;
      const [xs, xe] = edges;
      if (Math.abs(xs - x) <= EDGE_PX && (!best || Math.abs(xs - x) < best.d)) best = { id: b.id, edge: 'start', fixed: b.end, d: Math.abs(xs - x) };
      if (Math.abs(xe - x) <= EDGE_PX && (!best || Math.abs(xe - x) < best.d)) best = { id: b.id, edge: 'end', fixed: b.start, d: Math.abs(xe - x) };
    }
    return best;
  };

  const bandAt = (idx: number): number | null => {
    const s = sceneRef.current;
    if (!s) return null;
    // Narrowest first, so a short span inside a long one can still be picked.
    const hits = s.bands.filter((b) => b.id != null && idx >= b.start && idx <= b.end).sort((a, b) => a.end - a.start - (b.end - b.start));
    return hits[0]?.id ?? null;
  };

  const localX = (e: React.PointerEvent) => e.clientX - hostRef.current!.getBoundingClientRect().left;
  const inPlot = (x: number) => chartRef.current != null && x >= 0 && x <= chartRef.current.timeScale().width();

  const onPointerDown = (e: React.PointerEvent<HTMLDivElement>) => {
    if (e.button !== 0) return;
    const s = sceneRef.current;
    const x = localX(e);
    if (!s || !inPlot(x)) return;
    const idx = indexAt(x);
    if (idx == null) return;
    const edge = edgeAt(x);
    if (edge) {
      dragRef.current = { kind: 'resize', id: edge.id, fixed: edge.fixed, current: clampToEdit(idx), edge: edge.edge, x0: x, moved: false };
      handlers.current.onSelect(edge.id);
    } else if (s.editRange && idx >= s.editRange.start && idx <= s.editRange.end && bandAt(idx) == null) {
      dragRef.current = { kind: 'create', anchor: clampToEdit(idx), current: clampToEdit(idx), x0: x, moved: false };
    } else {
      dragRef.current = { kind: 'click', x0: x, moved: false };
    }
    e.currentTarget.setPointerCapture(e.pointerId);
  };

  const onPointerMove = (e: React.PointerEvent<HTMLDivElement>) => {
    const host = hostRef.current!;
    const x = localX(e);
    const drag = dragRef.current;
    if (!drag) {
      // Hover feedback: a resize cursor near an edge, a crosshair where a drag would draw.
      host.style.cursor = inPlot(x) && edgeAt(x) ? 'col-resize' : sceneRef.current?.editRange ? 'crosshair' : 'default';
      // Other windows' spans under the pointer: which window they belong to.
      const s = sceneRef.current;
      const idx = inPlot(x) ? indexAt(x) : null;
      const hits = s?.context && idx != null ? contextBandAt(s.context, idx) : [];
      const text = hits.length ? hits.map((b) => b.title).join('\n') : null;
      setHoverText((cur) => (text == null ? null : cur?.text === text ? cur : { text, x }));
      return;
    }
    if (Math.abs(x - drag.x0) > CLICK_PX) drag.moved = true;
    const idx = indexAt(x);
    if (idx == null) return;
    if (drag.kind === 'create' || drag.kind === 'resize') {
      const next = clampToEdit(idx);
      if (next !== drag.current || drag.moved) {
        drag.current = next;
        drawOverlay(drag);
      }
    }
  };

  const onPointerUp = (e: React.PointerEvent<HTMLDivElement>) => {
    const drag = dragRef.current;
    dragRef.current = null;
    if (!drag) return;
    e.currentTarget.releasePointerCapture(e.pointerId);
    if (drag.kind === 'create' && drag.moved) {
      const [a, b] = order(drag.anchor, drag.current);
      handlers.current.onCreate(a, b);
      // Keep the draft on screen until the new label arrives with the next scene.
      return;
    }
    if (drag.kind === 'resize' && drag.moved) {
      const [a, b] = order(drag.fixed, drag.current);
      handlers.current.onResize(drag.id, a, b);
      return;
    }
    if (drag.kind !== 'resize') {
      const idx = indexAt(localX(e));
      handlers.current.onSelect(idx == null ? null : bandAt(idx));
    }
    drawOverlay(null);
  };

  return (
    <div className="chart-frame">
      <div
        ref={hostRef}
        className="chart-host"
        data-testid="chart"
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerLeave={() => setHoverText(null)}
        onWheel={() => {
          userZoomedRef.current = true;
        }}
        onPointerCancel={() => {
          dragRef.current = null;
          drawOverlay(null);
        }}
      />
      {hoverText && (
        <div className="chart-hover" data-testid="context-hover" style={{ left: Math.max(8, hoverText.x + 14) }}>
          {hoverText.text}
        </div>
      )}
    </div>
  );
}

/** Candles and volume for the loaded bars; context bars outside the focus are drawn muted. */
function setData(candleSeries: ISeriesApi<'Candlestick'>, volumeSeries: ISeriesApi<'Histogram'>, s: ChartScene, t: Theme) {
  const p = PALETTES[t];
  const { chunk: c, focus } = s;
  const candles = new Array(c.time.length);
  const volume = new Array(c.time.length);
  for (let i = 0; i < c.time.length; i++) {
    const idx = c.from + i;
    const inside = idx >= focus.start && idx <= focus.end;
    const up = c.close[i] >= c.open[i];
    const time = idx as UTCTimestamp;
    // Context bars outside the focus are drawn muted so the window stands out.
    candles[i] = inside
      ? { time, open: c.open[i], high: c.high[i], low: c.low[i], close: c.close[i] }
      : { time, open: c.open[i], high: c.high[i], low: c.low[i], close: c.close[i], color: p.muted, borderColor: p.muted, wickColor: p.muted };
    volume[i] = { time, value: c.volume ? c.volume[i] : 0, color: inside ? (up ? p.volumeUp : p.volumeDown) : p.volumeMuted };
  }
  candleSeries.setData(candles);
  volumeSeries.setData(volume);
}

/** The label bands, the window shading and (while dragging) the draft band, into the primitive. */
function paintOverlay(primitive: SpansPrimitive | null, s: ChartScene | null, drag: Drag | null, theme: Theme, draftColor: string) {
  if (!primitive) return;
  if (!s) return primitive.set(EMPTY_OVERLAY);
  const p = PALETTES[theme];
  const from = s.chunk.from;
  const toLogical = (r: { start: number; end: number } | null) => (r ? { start: r.start - from, end: r.end - from } : null);
  let bands: Band[] = s.bands.map((b) => ({ ...b, start: b.start - from, end: b.end - from }));
  if (drag?.kind === 'resize' && drag.moved) {
    const [a, b] = order(drag.fixed, drag.current);
    bands = bands.map((band, i) => (s.bands[i].id === drag.id ? { ...band, start: a - from, end: b - from, draft: true } : band));
  }
  if (drag?.kind === 'create' && drag.moved) {
    const [a, b] = order(drag.anchor, drag.current);
    bands.push({ start: a - from, end: b - from, color: draftColor, lane: 0, draft: true });
  }
  const overlay: Overlay = {
    window: toLogical(s.window),
    windowFill: p.windowFill,
    highlight: toLogical(s.highlight),
    highlightColor: p.highlight,
    laneText: s.laneText,
    textColor: p.text,
    bands,
  };
  primitive.set(overlay);
}

function order(a: number, b: number): [number, number] {
  return a <= b ? [a, b] : [b, a];
}

function timeOf(s: ChartScene | null, t: number): number | null {
  if (!s) return null;
  const i = t - s.chunk.from;
  return i >= 0 && i < s.chunk.time.length ? s.chunk.time[i] : null;
}

function tickLabel(s: ChartScene | null, t: number): string {
  const ms = timeOf(s, t);
  return ms == null ? '' : formatTick(ms, isIntraday(s!.chunk.time));
}

function crosshairLabel(s: ChartScene | null, t: number): string {
  const ms = timeOf(s, t);
  return ms == null ? '' : `${formatBarTime(ms, isIntraday(s!.chunk.time))}  #${t}`;
}

/**
 * Publishes where bars are on screen (for end-to-end tests and the bench, which drag on real
 * coordinates): x of the first loaded bar's centre and the spacing, relative to the chart's left.
 */
function writeGeometry(host: HTMLElement, chart: IChartApi, s: ChartScene | null) {
  if (!s) return;
  const ts = chart.timeScale();
  const x0 = ts.logicalToCoordinate(0 as never);
  const x1 = ts.logicalToCoordinate(1 as never);
  if (x0 == null || x1 == null) return;
  host.dataset.firstIndex = String(s.chunk.from);
  host.dataset.x0 = x0.toFixed(2);
  host.dataset.barSpacing = (x1 - x0).toFixed(3);
}
