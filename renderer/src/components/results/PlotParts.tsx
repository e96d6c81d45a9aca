/**
 * The pieces every plot of the training view shares: the figure (title, legend, the SVG), axes
 * with grid lines, and labelled vertical markers. Chrome colours (text, grid, axis) come from CSS
 * classes in results.css that read the theme's variables, so plots follow light and dark theme;
 * only data colours are attributes. No inline styles: the page's CSP allows stylesheets only.
 */
import type { ReactNode } from 'react';
import { formatTick, r2, type Box } from './plot-geometry.ts';
import './results.css';

export interface LegendItem {
  key: string;
  name: string;
  color: string;
  dashed?: boolean;
  /** A filled box (bars) instead of a line swatch. */
  box?: boolean;
}

export function PlotFigure(props: { title: string; testId?: string; legend: LegendItem[]; box: Box; children: ReactNode; footer?: ReactNode }) {
  const { title, testId, legend, box, children, footer } = props;
  return (
    <figure className="plot themed" data-testid={testId}>
      <figcaption className="plot-title">{title}</figcaption>
      {legend.length > 0 && (
        <ul className="plot-legend">
          {legend.map((it) => (
            <li key={it.key} data-legend={it.key}>
              <svg viewBox="0 0 18 10" width="18" height="10" aria-hidden="true">
                {it.box ? (
                  <rect x="2" y="0.5" width="14" height="9" rx="2" fill={it.color} fillOpacity={0.85} />
                ) : (
                  <path d="M0 5h18" stroke={it.color} strokeWidth={2.5} strokeDasharray={it.dashed ? '5 3' : undefined} fill="none" />
                )}
              </svg>
              {it.name}
            </li>
          ))}
        </ul>
      )}
      <svg className="plot-svg" viewBox={`0 0 ${box.width} ${box.height}`} width={box.width} height={box.height} role="img" aria-label={title}>
        {children}
      </svg>
      {footer}
    </figure>
  );
}

export function Axes(props: {
  box: Box;
  yTicks: { v: number; y: number }[];
  xTicks: { v: number; x: number }[];
  xLabel?: string;
  yLabel?: string;
  yFormat?: (v: number) => string;
}) {
  const { box: f, yTicks, xTicks, xLabel, yLabel, yFormat = formatTick } = props;
  const cy = r2((f.top + f.bottom) / 2);
  return (
    <g className="plot-axes">
      {yTicks.map((t) => (
        <g key={`y${t.v}`}>
          <path className="plot-grid" d={`M${f.left} ${r2(t.y)}H${f.right}`} />
          <text className="plot-text" x={f.left - 6} y={r2(t.y + 3.5)} textAnchor="end">
            {yFormat(t.v)}
          </text>
        </g>
      ))}
      {xTicks.map((t) => (
        <g key={`x${t.v}`}>
          <path className="plot-axis" d={`M${r2(t.x)} ${f.bottom}v4`} />
          <text className="plot-text" x={r2(t.x)} y={f.bottom + 16} textAnchor="middle">
            {formatTick(t.v)}
          </text>
        </g>
      ))}
      <path className="plot-axis" d={`M${f.left} ${f.top}V${f.bottom}H${f.right}`} />
      {xLabel && (
        <text className="plot-text plot-label" x={r2((f.left + f.right) / 2)} y={f.height - 6} textAnchor="middle">
          {xLabel}
        </text>
      )}
      {yLabel && (
        <text className="plot-text plot-label" x={12} y={cy} textAnchor="middle" transform={`rotate(-90 12 ${cy})`}>
          {yLabel}
        </text>
      )}
    </g>
  );
}

export interface PixelMarker {
  key: string;
  /** Already in pixels. */
  x: number;
  label: string;
  /** Default: the theme's text colour (currentColor). */
  color?: string;
}

/**
 * Dashed vertical lines with their labels. Labels sit on their own rows (one per marker) so two
 * markers close together (mean in vs. mean out) never print over each other; a label flips to
 * the left of its line in the right half so it stays inside the frame.
 */
export function MarkerLines({ box: f, markers }: { box: Box; markers: PixelMarker[] }) {
  const mid = (f.left + f.right) / 2;
  return (
    <g className="plot-markers">
      {markers
        .filter((m) => Number.isFinite(m.x))
        .map((m, i) => {
          const color = m.color ?? 'currentColor';
          const x = r2(m.x);
          const end = m.x > mid;
          return (
            <g key={m.key} data-marker={m.key}>
              <path d={`M${x} ${f.top}V${f.bottom}`} stroke={color} strokeWidth={1.3} strokeDasharray="3 3" fill="none" />
              <text className="plot-marker-label" x={end ? x - 4 : x + 4} y={f.top + 11 + i * 14} textAnchor={end ? 'end' : 'start'} fill={color}>
                {m.label}
              </text>
            </g>
          );
        })}
    </g>
  );
}
