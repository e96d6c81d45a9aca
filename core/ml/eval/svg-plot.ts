/**
 * Tiny SVG chart builders for exported reports: line charts (linear or log y) and grouped
 * histograms, as self-contained <svg> strings (no scripts, no external fonts or images, styles
 * only as presentation attributes, so they render under any CSP). Meant to be inlined in HTML, so
 * there is no xmlns (the exported page holds no URL at all). Pure TS.
 */

export interface LineSeries {
  name: string;
  color: string;
  /** One value per x; null / NaN break the line. */
  values: (number | null)[];
  dashed?: boolean;
  /** Draw a dot at each point (default: when there are at most 40 points). */
  dots?: boolean;
}

export interface Marker {
  x: number;
  label: string;
  color?: string;
}

export interface LineChartOptions {
  title: string;
  x: number[];
  series: LineSeries[];
  xLabel?: string;
  yLabel?: string;
  /** 'log' falls back to linear when a value is <= 0. 'auto': log when all > 0 and max/min > 4. */
  yScale?: 'linear' | 'log' | 'auto';
  yDomain?: [number, number];
  xDomain?: [number, number];
  markers?: Marker[];
  /** Whole-number x ticks only (epochs). */
  integerX?: boolean;
  width?: number;
  height?: number;
}

export interface HistogramOptions {
  title: string;
  /** Bin edges, bins + 1 values. */
  edges: number[];
  series: { name: string; color: string; values: number[] }[];
  markers?: Marker[];
  xLabel?: string;
  yLabel?: string;
  width?: number;
  height?: number;
}

const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif"';
const AXIS = '#94a3b8';
const GRID = '#e2e8f0';
const TEXT = '#475569';

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const r2 = (v: number) => (Math.round(v * 100) / 100).toString();

/** "Nice" ticks (1, 2, 5 × 10^k) covering [min, max]. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) return [min];
  const raw = (max - min) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(min / step - 1e-9) * step; v <= max + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

/** 1-2-5 ticks per decade; 1-2-3-5-7 when that leaves fewer than five (a range of a decade or two). */
function logTicks(min: number, max: number): number[] {
  const sparse = logTicksWith(min, max, [1, 2, 5]);
  return sparse.length >= 5 ? sparse : logTicksWith(min, max, [1, 2, 3, 5, 7]);
}

function logTicksWith(min: number, max: number, mantissas: number[]): number[] {
  const out: number[] = [];
  for (let k = Math.floor(Math.log10(min)); k <= Math.ceil(Math.log10(max)); k++) {
    for (const m of mantissas) {
      const v = m * 10 ** k;
      if (v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9)) out.push(v);
    }
  }
  return out;
}

/** A value axis: its range, whether it is log10, and its ticks (inside the range). */
export interface ValueRange {
  min: number;
  max: number;
  log: boolean;
  ticks: number[];
}

/**
 * The y axis of a line plot, shared by the exported reports and the app's plots so a figure reads
 * the same in both. Without a fixed domain it pads the data by 6 % and widens to whole ticks;
 * 'auto' switches to log when every value is positive and they span more than 4×, which keeps a
 * loss that falls by orders of magnitude readable.
 */
export function valueRange(
  values: readonly (number | null)[],
  opts: { domain?: readonly [number, number]; scale?: 'linear' | 'log' | 'auto' } = {},
): ValueRange {
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  let min = opts.domain?.[0] ?? (finite.length ? Math.min(...finite) : 0);
  let max = opts.domain?.[1] ?? (finite.length ? Math.max(...finite) : 1);
  const wantLog = opts.scale === 'log' || (opts.scale === 'auto' && min > 0 && max / min > 4);
  if (wantLog && min > 0 && !opts.domain) {
    min /= 1.15;
    max *= 1.15;
    let ticks = logTicks(min, max);
    if (ticks.length < 2) ticks = niceTicks(min, max, 4).filter((v) => v > 0);
    return { min, max, log: true, ticks };
  }
  if (!opts.domain) {
    if (min === max) {
      min -= Math.abs(min) * 0.1 || 1;
      max += Math.abs(max) * 0.1 || 1;
    }
    const pad = (max - min) * 0.06;
    min -= pad;
    max += pad;
  }
  const ticks = niceTicks(min, max, 5);
  if (!opts.domain && ticks.length) {
    min = Math.min(min, ticks[0]);
    max = Math.max(max, ticks[ticks.length - 1]);
  }
  return { min, max, log: false, ticks: ticks.filter((v) => v >= min - 1e-9 && v <= max + 1e-9) };
}

export function formatTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 10000 || a < 0.001) return v.toExponential(0).replace('e+', 'e');
  if (a >= 100) return v.toFixed(0);
  return Number(v.toPrecision(3)).toString();
}

/** The plot area inside an SVG of width × height (room left for y ticks, below for x ticks + label). */
export interface PlotFrame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}
type Frame = PlotFrame;

/** The margins of every plot, exported or drawn in the app; only the top (title, legend) differs. */
export function plotFrame(width: number, height: number, top: number): PlotFrame {
  return { width, height, left: 54, right: width - 14, top, bottom: height - 40 };
}

function frame(width: number, height: number, legendRows: number): Frame {
  return plotFrame(width, height, 30 + legendRows * 16);
}

function svgOpen(f: Frame, title: string): string {
  return (
    `<svg viewBox="0 0 ${f.width} ${f.height}" width="${f.width}" height="${f.height}" role="img" ${FONT} font-size="11">` +
    `<title>${escapeXml(title)}</title>` +
    `<rect x="0" y="0" width="${f.width}" height="${f.height}" fill="#ffffff"/>`
  );
}

/** Legend items laid out left to right, wrapping; returns the markup and the number of rows. */
function legend(
  items: { name: string; color: string; dashed?: boolean; box?: boolean }[],
  f: { left: number; width: number },
  y0: number,
): { svg: string; rows: number } {
  let x = f.left;
  let row = 0;
  const parts: string[] = [];
  for (const it of items) {
    const w = 26 + it.name.length * 6.2 + 14;
    if (x + w > f.width - 10 && x > f.left) {
      row++;
      x = f.left;
    }
    const y = y0 + row * 16;
    parts.push(
      it.box
        ? `<rect x="${r2(x)}" y="${y - 5}" width="14" height="10" rx="2" fill="${it.color}" fill-opacity="0.75"/>`
        : `<path d="M${r2(x)} ${y}h18" stroke="${it.color}" stroke-width="2.5"${it.dashed ? ' stroke-dasharray="5 3"' : ''} fill="none"/>`,
    );
    parts.push(`<text x="${r2(x + (it.box ? 19 : 23))}" y="${y + 4}" fill="${TEXT}">${escapeXml(it.name)}</text>`);
    x += w;
  }
  return { svg: parts.join(''), rows: items.length ? row + 1 : 0 };
}

function legendRowCount(items: { name: string }[], width: number): number {
  return legend(
    items.map((i) => ({ ...i, color: '#000' })),
    { left: 54, width },
    0,
  ).rows;
}

function axes(f: Frame, yTicks: { v: number; y: number }[], xTicks: { v: number; x: number }[], xLabel?: string, yLabel?: string): string {
  const parts: string[] = [];
  for (const t of yTicks) {
    parts.push(`<path d="M${f.left} ${r2(t.y)}H${f.right}" stroke="${GRID}" stroke-width="1" fill="none"/>`);
    parts.push(`<text x="${f.left - 6}" y="${r2(t.y + 3.5)}" text-anchor="end" fill="${TEXT}">${formatTick(t.v)}</text>`);
  }
  for (const t of xTicks) {
    parts.push(`<path d="M${r2(t.x)} ${f.bottom}v4" stroke="${AXIS}" stroke-width="1" fill="none"/>`);
    parts.push(`<text x="${r2(t.x)}" y="${f.bottom + 16}" text-anchor="middle" fill="${TEXT}">${formatTick(t.v)}</text>`);
  }
  parts.push(`<path d="M${f.left} ${f.top}V${f.bottom}H${f.right}" stroke="${AXIS}" stroke-width="1" fill="none"/>`);
  if (xLabel) parts.push(`<text x="${r2((f.left + f.right) / 2)}" y="${f.height - 6}" text-anchor="middle" fill="${TEXT}">${escapeXml(xLabel)}</text>`);
  if (yLabel) {
    const cy = r2((f.top + f.bottom) / 2);
    parts.push(`<text x="12" y="${cy}" text-anchor="middle" fill="${TEXT}" transform="rotate(-90 12 ${cy})">${escapeXml(yLabel)}</text>`);
  }
  return parts.join('');
}

function markerLines(f: Frame, markers: Marker[], sx: (v: number) => number): string {
  return markers
    .filter((m) => Number.isFinite(m.x))
    .map((m, i) => {
      const x = r2(sx(m.x));
      const color = m.color ?? '#0f172a';
      const anchor = sx(m.x) > (f.left + f.right) / 2 ? 'end' : 'start';
      const tx = anchor === 'end' ? Number(x) - 4 : Number(x) + 4;
      return (
        `<path d="M${x} ${f.top}V${f.bottom}" stroke="${color}" stroke-width="1.2" stroke-dasharray="3 3" fill="none"/>` +
        `<text x="${r2(tx)}" y="${f.top + 11 + i * 14}" text-anchor="${anchor}" fill="${color}" font-weight="600">${escapeXml(m.label)}</text>`
      );
    })
    .join('');
}

export function lineChart(o: LineChartOptions): string {
  const width = o.width ?? 560;
  const height = o.height ?? 280;
  const items = o.series.map((s) => ({ name: s.name, color: s.color, dashed: s.dashed }));
  const f = frame(width, height, legendRowCount(items, width));
  const {
    min: yMin,
    max: yMax,
    log,
    ticks: yTickValues,
  } = valueRange(
    o.series.flatMap((s) => s.values),
    { domain: o.yDomain, scale: o.yScale },
  );
  const ty = (v: number) => (log ? Math.log10(v) : v);
  const sy = (v: number) => f.bottom - ((ty(v) - ty(yMin)) / (ty(yMax) - ty(yMin) || 1)) * (f.bottom - f.top);
  const xs = o.x.filter(Number.isFinite);
  const xMin = o.xDomain?.[0] ?? (xs.length ? Math.min(...xs) : 0);
  let xMax = o.xDomain?.[1] ?? (xs.length ? Math.max(...xs) : 1);
  if (xMax === xMin) xMax = xMin + 1;
  const sx = (v: number) => f.left + 6 + ((v - xMin) / (xMax - xMin)) * (f.right - f.left - 12);
  let xTickValues = niceTicks(xMin, xMax, o.integerX ? Math.min(8, Math.max(1, Math.round(xMax - xMin))) : 5).filter((v) => v >= xMin && v <= xMax);
  if (o.integerX) xTickValues = xTickValues.filter((v) => Number.isInteger(v));

  const parts: string[] = [svgOpen(f, o.title)];
  parts.push(
    axes(
      f,
      yTickValues.filter((v) => v >= yMin && v <= yMax).map((v) => ({ v, y: sy(v) })),
      xTickValues.map((v) => ({ v, x: sx(v) })),
      o.xLabel,
      o.yLabel ? o.yLabel + (log ? ' (log scale)' : '') : log ? 'log scale' : undefined,
    ),
  );
  parts.push(markerLines(f, o.markers ?? [], sx));
  for (const s of o.series) {
    let d = '';
    let pen = false;
    const dots: string[] = [];
    const showDots = s.dots ?? o.x.length <= 40;
    s.values.forEach((v, i) => {
      const ok = v !== null && Number.isFinite(v) && (!log || v > 0) && i < o.x.length;
      if (!ok) {
        pen = false;
        return;
      }
      const x = r2(sx(o.x[i]));
      const y = r2(sy(Math.min(Math.max(v, yMin), yMax)));
      d += `${pen ? 'L' : 'M'}${x} ${y}`;
      pen = true;
      if (showDots) dots.push(`<circle cx="${x}" cy="${y}" r="2.6" fill="${s.color}"/>`);
    });
    if (d)
      parts.push(
        `<path d="${d}" stroke="${s.color}" stroke-width="2" fill="none" stroke-linejoin="round" stroke-linecap="round"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
      );
    parts.push(dots.join(''));
  }
  parts.push(legend(items, f, 14).svg);
  parts.push('</svg>');
  return parts.join('');
}

export function histogram(o: HistogramOptions): string {
  const width = o.width ?? 560;
  const height = o.height ?? 280;
  const items = o.series.map((s) => ({ name: s.name, color: s.color, box: true }));
  const f = frame(width, height, legendRowCount(items, width));
  const all = o.series.flatMap((s) => s.values).filter(Number.isFinite);
  const top = Math.max(1e-9, ...all) * 1.05;
  const yTickValues = niceTicks(0, top, 5);
  const step = yTickValues.length > 1 ? yTickValues[1] - yTickValues[0] : top;
  // Round the top up to the next tick so the tallest bar stays inside the frame.
  while ((yTickValues[yTickValues.length - 1] ?? 0) < top) yTickValues.push((yTickValues[yTickValues.length - 1] ?? 0) + step);
  const yMax = yTickValues[yTickValues.length - 1];
  const x0 = o.edges[0] ?? 0;
  const x1 = o.edges[o.edges.length - 1] ?? 1;
  const sx = (v: number) => f.left + 4 + ((v - x0) / (x1 - x0 || 1)) * (f.right - f.left - 8);
  const sy = (v: number) => f.bottom - (v / yMax) * (f.bottom - f.top);
  const parts: string[] = [svgOpen(f, o.title)];
  parts.push(
    axes(
      f,
      yTickValues.map((v) => ({ v, y: sy(v) })),
      niceTicks(x0, x1, 5).map((v) => ({ v, x: sx(v) })),
      o.xLabel,
      o.yLabel,
    ),
  );
  const n = o.series.length;
  for (let b = 0; b + 1 < o.edges.length; b++) {
    const bx0 = sx(o.edges[b]);
    const bw = sx(o.edges[b + 1]) - bx0;
    const inner = bw * 0.84;
    o.series.forEach((s, k) => {
      const v = s.values[b];
      if (!Number.isFinite(v) || v <= 0) return;
      const w = inner / n;
      const x = bx0 + bw * 0.08 + k * w;
      const y = sy(v);
      parts.push(`<rect x="${r2(x)}" y="${r2(y)}" width="${r2(Math.max(0.5, w - 0.6))}" height="${r2(f.bottom - y)}" fill="${s.color}" fill-opacity="0.8"/>`);
    });
  }
  parts.push(markerLines(f, o.markers ?? [], sx));
  parts.push(legend(items, f, 14).svg);
  parts.push('</svg>');
  return parts.join('');
}
